//! Writing keys in the four output formats. One place decides what a format
//! can hold: PEM and DER hold asymmetric keys only, DER and JWK one key only.

use zeroize::Zeroizing;

use super::{der, jwk, pem};
use crate::model::error::{Error, Result};
use crate::model::key::Key;

/// The formats a key can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    /// PKCS#8 or SPKI in PEM, one block per key.
    Pem,
    /// PKCS#8 or SPKI DER: one key.
    Der,
    /// One JWK.
    Jwk,
    /// A JWK Set.
    Jwks,
}

/// Serialized keys; wiped on drop because they may hold private parts.
pub type Encoded = Zeroizing<Vec<u8>>;

/// Encode `keys` in `format`. `private` false writes public halves only;
/// keys without private parts are written public whatever `private` says.
pub fn encode(keys: &[Key], format: KeyFormat, private: bool) -> Result<Encoded> {
    if keys.is_empty() {
        return Err(Error::local("no key to write"));
    }
    if matches!(format, KeyFormat::Pem | KeyFormat::Der)
        && keys.iter().any(|k| k.material.is_symmetric())
    {
        return Err(Error::usage(
            "symmetric (oct) keys cannot be written as PEM or DER: use --to/--format jwk or jwks",
        ));
    }
    match format {
        KeyFormat::Pem => {
            let mut out = Zeroizing::new(String::new());
            for k in keys {
                let block = Zeroizing::new(pem::to_pem(k, private && k.material.is_private())?);
                out.push_str(&block);
            }
            Ok(Zeroizing::new(out.as_bytes().to_vec()))
        }
        KeyFormat::Der => {
            let [k] = keys else {
                return Err(Error::usage(
                    "DER holds one key: give one key, or use PEM or JWKS for several",
                ));
            };
            if private && k.material.is_private() {
                Ok(Zeroizing::new(der::to_pkcs8(k)?))
            } else {
                Ok(Zeroizing::new(der::to_spki(k)?))
            }
        }
        KeyFormat::Jwk => {
            let [k] = keys else {
                return Err(Error::usage(format!(
                    "a JWK holds one key but there are {}: use --to jwks",
                    keys.len()
                )));
            };
            json(&jwk::to_value(k, private))
        }
        KeyFormat::Jwks => json(&jwk::set_to_value(keys, private)),
    }
}

fn json(v: &serde_json::Value) -> Result<Encoded> {
    let mut s =
        serde_json::to_vec_pretty(v).map_err(|e| Error::local_with("cannot write JSON", e))?;
    s.push(b'\n');
    Ok(Zeroizing::new(s))
}

/// Whether the encoded form holds private parts (and so must be written 0600).
pub fn holds_private(keys: &[Key], private: bool) -> bool {
    private && keys.iter().any(|k| k.material.is_private())
}
