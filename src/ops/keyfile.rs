//! Key files that may be password-protected: what every local key source
//! goes through. PKCS#8 `ENCRYPTED PRIVATE KEY` is opened by the key
//! detector; a JWK protected as a JWE (PBES2, `cty: jwk+json`, as
//! smallstep's `step crypto jwk create` writes) is opened here, with the
//! JWE pipeline and its `p2c` bound.

use crate::codec::key::detect::{self, PasswordFn};
use crate::codec::key::export::{self, Encoded, KeyFormat};
use crate::codec::key::{der, pem};
use crate::model::alg::{JweAlg, JweEnc};
use crate::model::error::{Error, RejectCode, Result};
use crate::model::key::{Key, KeySet};
use crate::ops::decrypt::{DecryptOptions, decrypt};
use crate::ops::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use crate::ops::keymgmt::Unwrapper;

/// The PBES2 iteration count written for a protected JWK: OWASP's 2023
/// figure for PBKDF2-HMAC-SHA512, the PRF of PBES2-HS512+A256KW (about
/// 0.1 s here; 600,000, the HMAC-SHA256 figure, cost 0.3 s for no gain
/// OWASP asks for). Below the default `--max-p2c`, so every reader of
/// this tool opens it.
pub const PROTECTED_JWK_P2C: u32 = 210_000;

const PBES2_ALGS: [JweAlg; 3] = [
    JweAlg::Pbes2Hs256A128KW,
    JweAlg::Pbes2Hs384A192KW,
    JweAlg::Pbes2Hs512A256KW,
];

/// Read the keys of a local source, asking `password` for the password of
/// a protected key when one is met.
pub fn read_keys(data: &[u8], origin: &str, password: &mut PasswordFn<'_>) -> Result<Vec<Key>> {
    match protected_jwk(data) {
        Some(jwe) => open_jwk(jwe, password).map_err(|e| e.context(origin)),
        None => detect::parse_bytes_with(data, origin, password),
    }
}

/// The JWE text when `data` is a JWE rather than a key: a compact token of
/// five parts, or a JSON object with `ciphertext`.
pub fn protected_jwk(data: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(data).ok()?.trim();
    if text.starts_with("eyJ") && text.bytes().filter(|b| *b == b'.').count() == 4 {
        return Some(text);
    }
    if text.starts_with('{') {
        let v = crate::codec::json::parse_value(text.as_bytes()).ok()?;
        if v.get("ciphertext").is_some() && v.get("kty").is_none() {
            return Some(text);
        }
    }
    None
}

fn open_jwk(jwe: &str, password: &mut PasswordFn<'_>) -> Result<Vec<Key>> {
    // Only PBES2: a key file protected for a recipient key would need
    // another key to open, and that is `jose decrypt`'s business.
    let opts = DecryptOptions {
        algs: PBES2_ALGS.to_vec(),
        ..DecryptOptions::default()
    };
    // Check the header before asking for a password the file cannot use.
    let parsed = crate::codec::jwe::parse(jwe)
        .map_err(|r| Error::local(format!("not a protected JWK: {}", r.detail)))?;
    let alg = crate::codec::header::str_member(&parsed.protected, "alg")
        .ok()
        .flatten()
        .unwrap_or("");
    if !PBES2_ALGS.iter().any(|a| a.name() == alg) {
        return Err(Error::local(format!(
            "a JWE-protected key must use PBES2 (a password), not {alg:?}"
        )));
    }
    let pw = password()?;
    let opened =
        decrypt(jwe, &KeySet::new(Vec::new()), Some(&pw), &opts).map_err(|r| match r.code {
            RejectCode::DecryptFailed => {
                Error::local("wrong password, or the protected JWK is corrupt")
            }
            _ => Error::local(format!("cannot open the protected JWK: {}", r.detail)),
        })?;
    let cty = crate::codec::header::str_member(&opened.header, "cty")
        .ok()
        .flatten()
        .map(|c| c.to_ascii_lowercase());
    let cty = cty.as_deref().map(|c| c.trim_start_matches("application/"));
    if let Some(c) = cty
        && c != "jwk+json"
        && c != "jwk-set+json"
    {
        return Err(Error::local(format!(
            "the JWE holds {c:?}, not a key (cty jwk+json or jwk-set+json)"
        )));
    }
    let plain = zeroize::Zeroizing::new(opened.plaintext);
    let v = crate::codec::json::parse_value(&plain)
        .map_err(|e| Error::local(format!("the protected JWK is not valid JSON: {e}")))?;
    if v.get("kty").is_none() && v.get("keys").is_none() {
        return Err(Error::local("the JWE does not hold a JWK or a JWKS"));
    }
    detect::parse_json(&v)
}

/// Protect a JWK (or JWKS, `set`) as a compact JWE with
/// PBES2-HS512+A256KW and A256GCM, `p2c` [`PROTECTED_JWK_P2C`], and `cty`
/// `jwk+json` (`jwk-set+json` for a set).
pub fn protect_jwk(json: &[u8], password: &[u8], set: bool) -> Result<String> {
    protect_jwk_with(json, password, set, PROTECTED_JWK_P2C)
}

/// [`protect_jwk`] with a chosen `p2c`.
pub fn protect_jwk_with(json: &[u8], password: &[u8], set: bool, p2c: u32) -> Result<String> {
    let mut opts = EncryptOptions::new(JweEnc::A256GCM);
    opts.p2c = p2c;
    let cty = if set { "jwk-set+json" } else { "jwk+json" };
    opts.header.insert("cty".into(), cty.into());
    let recipient = RecipientSpec {
        with: Unwrapper::Password(password),
        alg: JweAlg::Pbes2Hs512A256KW,
        kid: None,
    };
    encrypt(json.to_vec(), &[recipient], &opts)
}

/// Private keys in `format`, protected by `password`: PEM as PKCS#8
/// `ENCRYPTED PRIVATE KEY` blocks, DER as one `EncryptedPrivateKeyInfo`,
/// JWK and JWKS as a PBES2 JWE ([`protect_jwk`]). Every key must be private:
/// protecting a public key would only hide it.
pub fn encode_protected(keys: &[Key], format: KeyFormat, password: &[u8]) -> Result<Encoded> {
    if keys.iter().any(|k| !k.material.is_private()) {
        return Err(Error::usage(
            "--encrypt protects private keys; a public key needs no password (drop --encrypt)",
        ));
    }
    match format {
        KeyFormat::Pem => {
            if keys.iter().any(|k| k.material.is_symmetric()) {
                // The plain encoder's refusal, with its message.
                return export::encode(keys, format, true);
            }
            let mut out = zeroize::Zeroizing::new(String::new());
            for k in keys {
                out.push_str(&pem::to_encrypted_pem(k, password)?);
            }
            Ok(zeroize::Zeroizing::new(out.as_bytes().to_vec()))
        }
        KeyFormat::Der => match keys {
            [k] if !k.material.is_symmetric() => Ok(zeroize::Zeroizing::new(
                der::to_encrypted_pkcs8(k, password)?,
            )),
            _ => export::encode(keys, format, true),
        },
        KeyFormat::Jwk | KeyFormat::Jwks => {
            let json = export::encode(keys, format, true)?;
            let mut jwe = protect_jwk(&json, password, format == KeyFormat::Jwks)?;
            jwe.push('\n');
            Ok(zeroize::Zeroizing::new(jwe.into_bytes()))
        }
    }
}
