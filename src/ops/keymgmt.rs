//! Key management (RFC 7518 §4): from a key and the joint header to the CEK,
//! and back. Header parameter shapes are `malformed`; every cryptographic
//! failure is the one `decrypt_failed`.

use crate::codec::header;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::codec::b64;
use crate::codec::jwe::{Header, JointHeader};
use crate::crypto::{self, Unspecified};
use crate::model::alg::{JweAlg, JweEnc};
use crate::model::error::{Error, RejectCode, Rejection};
use crate::model::key::{KeyMaterial, Secret};

/// The shortest PBES2 salt input accepted (RFC 7518 §4.8.1.1).
pub const MIN_P2S: usize = 8;

/// What a recipient decrypts with.
#[derive(Clone, Copy, Debug)]
pub enum Unwrapper<'a> {
    /// A key, for every algorithm but PBES2.
    Key(&'a KeyMaterial),
    /// A password's bytes, for PBES2 (RFC 7518 §4.8).
    Password(&'a [u8]),
}

/// The one message of every cryptographic failure.
pub fn failed() -> Rejection {
    Rejection::new(RejectCode::DecryptFailed, "decryption failed")
}

fn from_crypto(_: Unspecified) -> Rejection {
    failed()
}

fn need_b64(h: &JointHeader<'_>, name: &str, alg: JweAlg) -> Result<Vec<u8>, Rejection> {
    header::b64_member(h, name)?
        .ok_or_else(|| Rejection::malformed(format!("{alg} needs the header parameter {name:?}")))
}

/// The peer's ephemeral public key: a public JWK whose private parts, if
/// any, are ignored. A point off its curve fails like any crypto failure.
fn epk(h: &JointHeader<'_>) -> Result<KeyMaterial, Rejection> {
    let v = h
        .get("epk")
        .ok_or_else(|| Rejection::malformed("ECDH-ES needs the header parameter \"epk\""))?;
    if !v.is_object() {
        return Err(Rejection::malformed("header \"epk\" must be a JSON object"));
    }
    let key = crate::codec::key::jwk::from_value(v).map_err(|_| failed())?;
    key.material.to_public().ok_or_else(failed)
}

fn kdf(z: &[u8], alg: JweAlg, enc: JweEnc, h: &JointHeader<'_>) -> Result<Secret, Rejection> {
    let apu = header::b64_member(h, "apu")?.unwrap_or_default();
    let apv = header::b64_member(h, "apv")?.unwrap_or_default();
    let (id, len) = match alg.kw_len() {
        Some(n) => (alg.name(), n),
        None => (enc.name(), enc.key_len()),
    };
    Ok(crypto::ecdh::concat_kdf(z, id.as_bytes(), &apu, &apv, len))
}

/// The PBES2 iterations one token may still cost: `--max-p2c` bounds the sum
/// of `p2c` over every recipient tried, so 64 recipients at the limit cost
/// one derivation, not 64.
#[derive(Debug, Clone, Copy)]
pub struct P2cBudget {
    max: u64,
    spent: u64,
}

impl P2cBudget {
    /// A budget of `max` iterations, none spent yet.
    pub fn new(max: u64) -> Self {
        P2cBudget { max, spent: 0 }
    }

    /// Spend `p2c` iterations, or refuse it (`too_large`) if that would pass
    /// the limit. A count that is not a positive integer is `malformed`
    /// unless it is above the limit anyway (1e30 is too large in any
    /// notation).
    fn spend(&mut self, p2c: &serde_json::Number) -> Result<u64, Rejection> {
        let left = self.max.saturating_sub(self.spent);
        let above = match p2c.as_u64() {
            Some(0) => return Err(not_a_count()),
            Some(p) if p <= left => {
                self.spent += p;
                return Ok(p);
            }
            Some(_) => true,
            None => p2c.as_f64().is_some_and(|f| f > left as f64),
        };
        if !above {
            return Err(not_a_count());
        }
        let detail = if self.spent == 0 {
            format!(
                "PBES2 iteration count {p2c} is above the limit {} (--max-p2c)",
                self.max
            )
        } else {
            format!(
                "PBES2 iteration count {p2c} on top of the {} already spent on this token is above the limit {} (--max-p2c bounds the sum over its recipients)",
                self.spent, self.max
            )
        };
        Err(Rejection::new(RejectCode::TooLarge, detail))
    }
}

fn not_a_count() -> Rejection {
    Rejection::malformed("header \"p2c\" must be a positive integer")
}

/// The `p2c` of a header: a JSON number, judged by [`P2cBudget::spend`].
fn p2c_param<'h>(h: &JointHeader<'h>, alg: JweAlg) -> Result<&'h serde_json::Number, Rejection> {
    match h.get("p2c") {
        Some(Value::Number(n)) => Ok(n),
        Some(_) => Err(not_a_count()),
        None => Err(Rejection::malformed(format!(
            "{alg} needs the header parameter \"p2c\""
        ))),
    }
}

/// Recover the CEK for `enc` from one recipient. A PBES2 `p2c` is taken from
/// `p2c_budget` (or refused) before any PBKDF2 work.
pub fn unwrap_cek(
    alg: JweAlg,
    enc: JweEnc,
    h: &JointHeader<'_>,
    with: Unwrapper<'_>,
    ek: &[u8],
    p2c_budget: &mut P2cBudget,
) -> Result<Secret, Rejection> {
    fn key<'k>(w: Unwrapper<'k>) -> Result<&'k KeyMaterial, Rejection> {
        match w {
            Unwrapper::Key(k) => Ok(k),
            Unwrapper::Password(_) => Err(failed()),
        }
    }
    let cek = match alg {
        JweAlg::RsaOaep
        | JweAlg::RsaOaep256
        | JweAlg::RsaOaep384
        | JweAlg::RsaOaep512
        | JweAlg::Rsa1_5 => {
            crypto::rsa_enc::decrypt(alg, key(with)?, ek, enc.key_len()).map_err(from_crypto)?
        }
        JweAlg::A128KW | JweAlg::A192KW | JweAlg::A256KW => match key(with)? {
            KeyMaterial::Oct { k } if Some(k.len()) == alg.kw_len() => {
                Zeroizing::new(crypto::aes_kw::unwrap(k, ek).map_err(from_crypto)?)
            }
            _ => return Err(failed()),
        },
        JweAlg::A128GCMKW | JweAlg::A192GCMKW | JweAlg::A256GCMKW => {
            let iv = need_b64(h, "iv", alg)?;
            let tag = need_b64(h, "tag", alg)?;
            match key(with)? {
                KeyMaterial::Oct { k } if Some(k.len()) == alg.kw_len() => {
                    let mut buf = Zeroizing::new(ek.to_vec());
                    crypto::aes_gcm::open(k, &iv, &[], &mut buf, &tag).map_err(from_crypto)?;
                    buf
                }
                _ => return Err(failed()),
            }
        }
        JweAlg::Dir => {
            if !ek.is_empty() {
                return Err(Rejection::malformed(
                    "\"dir\" must have an empty encrypted key",
                ));
            }
            match key(with)? {
                KeyMaterial::Oct { k } => k.clone(),
                _ => return Err(failed()),
            }
        }
        JweAlg::EcdhEs | JweAlg::EcdhEsA128KW | JweAlg::EcdhEsA192KW | JweAlg::EcdhEsA256KW => {
            let peer = epk(h)?;
            if alg == JweAlg::EcdhEs && !ek.is_empty() {
                return Err(Rejection::malformed(
                    "ECDH-ES must have an empty encrypted key",
                ));
            }
            let z = crypto::ecdh::agree(key(with)?, &peer).map_err(from_crypto)?;
            let derived = kdf(&z, alg, enc, h)?;
            if alg == JweAlg::EcdhEs {
                derived
            } else {
                Zeroizing::new(crypto::aes_kw::unwrap(&derived, ek).map_err(from_crypto)?)
            }
        }
        JweAlg::Pbes2Hs256A128KW | JweAlg::Pbes2Hs384A192KW | JweAlg::Pbes2Hs512A256KW => {
            let p2c = p2c_budget.spend(p2c_param(h, alg)?)?;
            let p2s = need_b64(h, "p2s", alg)?;
            if p2s.len() < MIN_P2S {
                return Err(Rejection::malformed(format!(
                    "header \"p2s\" must hold at least {MIN_P2S} bytes"
                )));
            }
            let Unwrapper::Password(pw) = with else {
                return Err(failed());
            };
            let p2c = u32::try_from(p2c).map_err(|_| failed())?;
            let kek =
                Zeroizing::new(crypto::pbes2::derive(alg, pw, &p2s, p2c).map_err(from_crypto)?);
            Zeroizing::new(crypto::aes_kw::unwrap(&kek, ek).map_err(from_crypto)?)
        }
    };
    if cek.len() != enc.key_len() {
        return Err(failed());
    }
    Ok(cek)
}

/// Test-only fixed values, so that deterministic modes reproduce published
/// vectors byte for byte. Never reachable from the command line.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    pub cek: Option<Vec<u8>>,
    pub iv: Option<Vec<u8>>,
    pub epk: Option<KeyMaterial>,
    pub p2s: Option<Vec<u8>>,
    pub kw_iv: Option<Vec<u8>>,
    /// The protected header's JSON text, used verbatim.
    pub protected: Option<String>,
}

/// One recipient's key management output.
pub struct Wrapped {
    /// Parameters this recipient adds to the header (`epk`, `p2s`, `p2c`, `iv`, `tag`).
    pub params: Header,
    /// The JWE Encrypted Key; empty for the direct modes (`dir`, `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
    /// For direct modes, the CEK that key management decided.
    pub direct_cek: Option<Secret>,
}

fn usage_key(alg: JweAlg, m: &KeyMaterial) -> Error {
    Error::local(format!("{alg} cannot be used with a {} key", m.describe()))
}

/// Produce one recipient's encrypted key for `cek` (ignored by direct modes).
/// `ctx` carries the header parameters `apu`/`apv` the caller set.
pub fn wrap_cek(
    alg: JweAlg,
    enc: JweEnc,
    with: Unwrapper<'_>,
    cek: &[u8],
    ctx: &Header,
    p2c: u32,
    fixed: &Fixed,
) -> Result<Wrapped, Error> {
    let key = match with {
        Unwrapper::Key(k) => Some(k),
        Unwrapper::Password(_) => None,
    };
    // What a password cannot stand in for: every family but PBES2 needs a key.
    let need_key =
        |what: &str| key.ok_or_else(|| Error::usage(format!("{alg} needs {what}, not a password")));
    match alg {
        JweAlg::RsaOaep
        | JweAlg::RsaOaep256
        | JweAlg::RsaOaep384
        | JweAlg::RsaOaep512
        | JweAlg::Rsa1_5 => wrap_rsa(alg, need_key("an RSA key")?, cek),
        JweAlg::A128KW
        | JweAlg::A192KW
        | JweAlg::A256KW
        | JweAlg::A128GCMKW
        | JweAlg::A192GCMKW
        | JweAlg::A256GCMKW => wrap_aes(alg, need_key("a symmetric key")?, cek, fixed),
        JweAlg::Dir => wrap_dir(enc, need_key("a symmetric key")?),
        JweAlg::EcdhEs | JweAlg::EcdhEsA128KW | JweAlg::EcdhEsA192KW | JweAlg::EcdhEsA256KW => {
            wrap_ecdh(alg, enc, need_key("an EC or X25519 key")?, cek, ctx, fixed)
        }
        JweAlg::Pbes2Hs256A128KW | JweAlg::Pbes2Hs384A192KW | JweAlg::Pbes2Hs512A256KW => {
            let Unwrapper::Password(pw) = with else {
                return Err(Error::usage(format!(
                    "{alg} needs a password (--password-file or --password-env)"
                )));
            };
            wrap_pbes2(alg, pw, cek, p2c, fixed)
        }
    }
}

/// Cryptographic failures while wrapping are local errors naming the alg.
fn wrap_failed(alg: JweAlg) -> impl Fn(Unspecified) -> Error {
    move |_| Error::local(format!("{alg} key management failed"))
}

/// A wrapped CEK with no header parameters of its own.
fn wrapped(encrypted_key: Vec<u8>) -> Wrapped {
    Wrapped {
        params: Header::new(),
        encrypted_key,
        direct_cek: None,
    }
}

/// RSA-OAEP (all hashes) and RSA1_5: the CEK encrypted to the public key.
fn wrap_rsa(alg: JweAlg, key: &KeyMaterial, cek: &[u8]) -> Result<Wrapped, Error> {
    if !matches!(key, KeyMaterial::Rsa { .. }) {
        return Err(usage_key(alg, key));
    }
    let encrypted = crypto::rsa_enc::encrypt(alg, key, cek).map_err(wrap_failed(alg))?;
    Ok(wrapped(encrypted))
}

/// AES key wrap (RFC 3394) or AES-GCM key wrap, with a key of the alg's size.
fn wrap_aes(alg: JweAlg, key: &KeyMaterial, cek: &[u8], fixed: &Fixed) -> Result<Wrapped, Error> {
    let KeyMaterial::Oct { k } = key else {
        return Err(usage_key(alg, key));
    };
    if Some(k.len()) != alg.kw_len() {
        return Err(Error::local(format!(
            "{alg} needs a {}-bit key, the given key has {} bits",
            alg.kw_len().unwrap_or(0) * 8,
            k.len() * 8
        )));
    }
    if matches!(alg, JweAlg::A128KW | JweAlg::A192KW | JweAlg::A256KW) {
        let encrypted = crypto::aes_kw::wrap(k, cek).map_err(wrap_failed(alg))?;
        return Ok(wrapped(encrypted));
    }
    let iv = fixed
        .kw_iv
        .clone()
        .unwrap_or_else(|| crypto::random_vec(12));
    let mut buf = cek.to_vec();
    let tag = crypto::aes_gcm::seal(k, &iv, &[], &mut buf).map_err(wrap_failed(alg))?;
    let mut out = wrapped(buf);
    out.params.insert("iv".into(), b64::encode(&iv).into());
    out.params.insert("tag".into(), b64::encode(tag).into());
    Ok(out)
}

/// `dir`: the key is the CEK; no encrypted key.
fn wrap_dir(enc: JweEnc, key: &KeyMaterial) -> Result<Wrapped, Error> {
    let KeyMaterial::Oct { k } = key else {
        return Err(usage_key(JweAlg::Dir, key));
    };
    if k.len() != enc.key_len() {
        return Err(Error::local(format!(
            "dir with {enc} needs a {}-bit key, the given key has {} bits",
            enc.key_len() * 8,
            k.len() * 8
        )));
    }
    let mut out = wrapped(Vec::new());
    out.direct_cek = Some(k.clone());
    Ok(out)
}

/// ECDH-ES (direct, the derived key is the CEK) and ECDH-ES+AxxxKW (the
/// derived key wraps the CEK), with an ephemeral key in `epk`.
fn wrap_ecdh(
    alg: JweAlg,
    enc: JweEnc,
    key: &KeyMaterial,
    cek: &[u8],
    ctx: &Header,
    fixed: &Fixed,
) -> Result<Wrapped, Error> {
    if !key.fits(crate::model::alg::KeyFamily::Agreement) {
        return Err(usage_key(alg, key));
    }
    let peer = key.to_public().ok_or_else(|| usage_key(alg, key))?;
    let eph = match &fixed.epk {
        Some(e) => e.clone(),
        None => crypto::ecdh::ephemeral_for(&peer).map_err(wrap_failed(alg))?,
    };
    let z = crypto::ecdh::agree(&eph, &peer).map_err(wrap_failed(alg))?;
    let derived = kdf(&z, alg, enc, &JointHeader::single(ctx)).map_err(Error::Rejected)?;
    let eph_pub = eph.to_public().ok_or_else(|| usage_key(alg, &eph))?;
    let mut out = if alg == JweAlg::EcdhEs {
        let mut out = wrapped(Vec::new());
        out.direct_cek = Some(derived);
        out
    } else {
        wrapped(crypto::aes_kw::wrap(&derived, cek).map_err(wrap_failed(alg))?)
    };
    out.params.insert(
        "epk".into(),
        crate::codec::key::jwk::to_value(&crate::model::key::Key::new(eph_pub), false),
    );
    Ok(out)
}

/// PBES2: a key derived from the password (PBKDF2, `p2c` rounds, a random
/// `p2s` salt) wraps the CEK.
fn wrap_pbes2(
    alg: JweAlg,
    password: &[u8],
    cek: &[u8],
    p2c: u32,
    fixed: &Fixed,
) -> Result<Wrapped, Error> {
    if p2c == 0 {
        return Err(Error::usage("--p2c must be at least 1"));
    }
    let p2s = fixed.p2s.clone().unwrap_or_else(|| crypto::random_vec(16));
    let kek =
        Zeroizing::new(crypto::pbes2::derive(alg, password, &p2s, p2c).map_err(wrap_failed(alg))?);
    let mut out = wrapped(crypto::aes_kw::wrap(&kek, cek).map_err(wrap_failed(alg))?);
    out.params.insert("p2s".into(), b64::encode(&p2s).into());
    out.params.insert("p2c".into(), p2c.into());
    Ok(out)
}
