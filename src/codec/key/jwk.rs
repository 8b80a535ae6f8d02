//! JWK and JWKS (RFC 7517; members of RFC 7518 §6 and RFC 8037 §2).

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::codec::b64;
use crate::model::alg::{JwsAlg, KeyAlg, MlDsaLevel};
use crate::model::error::{Error, Result};
use crate::model::key::{Curve, Key, KeyMaterial, KeyUse, OkpCurve, RsaPrivate, Secret};

fn err(msg: impl Into<String>) -> Error {
    Error::local(format!("invalid JWK: {}", msg.into()))
}

fn str_member<'a>(o: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(err(format!("member {name:?} is not a string"))),
    }
}

fn bytes(o: &Map<String, Value>, name: &str) -> Result<Option<Vec<u8>>> {
    match str_member(o, name)? {
        None => Ok(None),
        Some(s) => b64::decode(s)
            .map(Some)
            .ok_or_else(|| err(format!("member {name:?} is not strict base64url"))),
    }
}

fn required(o: &Map<String, Value>, name: &str, kty: &str) -> Result<Vec<u8>> {
    bytes(o, name)?.ok_or_else(|| err(format!("{kty} key without {name:?}")))
}

fn secret(o: &Map<String, Value>, name: &str, kty: &str) -> Result<Secret> {
    required(o, name, kty).map(Zeroizing::new)
}

fn fixed(o: &Map<String, Value>, name: &str, len: usize, what: &str) -> Result<Vec<u8>> {
    let v = required(o, name, what)?;
    if v.len() != len {
        return Err(err(format!(
            "{what} member {name:?} is {} bytes, expected {len}",
            v.len()
        )));
    }
    Ok(v)
}

/// Parse one JWK object.
pub fn from_value(v: &Value) -> Result<Key> {
    let o = v
        .as_object()
        .ok_or_else(|| err("a JWK must be a JSON object"))?;
    let kty = str_member(o, "kty")?.ok_or_else(|| err("missing \"kty\""))?;
    let material = match kty {
        "RSA" => rsa(o)?,
        "EC" => ec(o)?,
        "OKP" => okp(o)?,
        "oct" => oct(o)?,
        "AKP" => akp(o)?,
        other => return Err(err(format!("unsupported key type {other:?}"))),
    };
    crate::crypto::check_key(&material).map_err(|e| err(e.to_string()))?;

    let mut key = Key::new(material);
    key.kid = str_member(o, "kid")?.map(str::to_owned);
    key.alg = str_member(o, "alg")?.map(KeyAlg::parse);
    key.key_use = str_member(o, "use")?.map(KeyUse::parse);
    if let Some(ops) = o.get("key_ops") {
        let ops = ops
            .as_array()
            .ok_or_else(|| err("\"key_ops\" is not an array"))?
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| err("\"key_ops\" holds a non-string"))?;
        key.key_ops = Some(ops);
    }
    key.x5c = x5c(o)?;
    check_alg_and_use(&key)?;
    thumbprints(o, &mut key)?;
    Ok(key)
}

/// `x5c`: standard base64 DER certificates, the key's own first.
fn x5c(o: &Map<String, Value>) -> Result<Vec<Vec<u8>>> {
    let Some(x5c) = o.get("x5c") else {
        return Ok(Vec::new());
    };
    x5c.as_array()
        .ok_or_else(|| err("\"x5c\" is not an array"))?
        .iter()
        .map(|c| {
            c.as_str()
                .and_then(b64::decode_std)
                .ok_or_else(|| err("\"x5c\" entries must be standard base64 DER"))
        })
        .collect()
}

/// `x5t` and `x5t#S256`, which must be the first certificate's (RFC 7517
/// §4.8-§4.9), whose key must be the JWK's (§4.7); with a certificate, both
/// are set from it.
fn thumbprints(o: &Map<String, Value>, key: &mut Key) -> Result<()> {
    key.x5t = bytes(o, "x5t")?;
    key.x5t_s256 = bytes(o, "x5t#S256")?;
    if let Some(leaf) = key.x5c.first() {
        let sha1 = crate::crypto::sha1(leaf).to_vec();
        let sha256 = crate::crypto::sha256(leaf).to_vec();
        if key.x5t.as_ref().is_some_and(|t| *t != sha1)
            || key.x5t_s256.as_ref().is_some_and(|t| *t != sha256)
        {
            return Err(err(
                "\"x5t\"/\"x5t#S256\" do not match the certificate in \"x5c\"",
            ));
        }
        // RFC 7517 §4.7: the certificate's key MUST match the JWK's key.
        let cert_key = super::cert::from_der(leaf)
            .map_err(|e| err(format!("\"x5c\" first certificate: {e}")))?;
        if key.material.to_public() != Some(cert_key.material) {
            return Err(err(
                "the key in \"x5c\"'s first certificate is not the JWK's key",
            ));
        }
        key.x5t = Some(sha1);
        key.x5t_s256 = Some(sha256);
    }
    Ok(())
}

/// `kty` RSA: `n`, `e`, and for a private key `d` with every CRT member.
fn rsa(o: &Map<String, Value>) -> Result<KeyMaterial> {
    if o.contains_key("oth") {
        return Err(err("multi-prime RSA keys (\"oth\") are not supported"));
    }
    let n = super::der::trim_be(&required(o, "n", "RSA")?);
    let e = super::der::trim_be(&required(o, "e", "RSA")?);
    if n.is_empty() || e.is_empty() {
        return Err(err("RSA \"n\" and \"e\" must be non-zero"));
    }
    let private = if o.contains_key("d") {
        let missing: Vec<&str> = ["p", "q", "dp", "dq", "qi"]
            .into_iter()
            .filter(|m| !o.contains_key(*m))
            .collect();
        if !missing.is_empty() {
            return Err(err(format!(
                "RSA private key without {} (CRT parameters are required)",
                missing.join(", ")
            )));
        }
        Some(RsaPrivate {
            d: secret(o, "d", "RSA")?,
            p: secret(o, "p", "RSA")?,
            q: secret(o, "q", "RSA")?,
            dp: secret(o, "dp", "RSA")?,
            dq: secret(o, "dq", "RSA")?,
            qi: secret(o, "qi", "RSA")?,
        })
    } else {
        None
    };
    Ok(KeyMaterial::Rsa { n, e, private })
}

/// `kty` EC: `crv`, then `x`, `y` (and `d`) of the curve's length.
fn ec(o: &Map<String, Value>) -> Result<KeyMaterial> {
    let crv = str_member(o, "crv")?.ok_or_else(|| err("EC key without \"crv\""))?;
    let curve =
        Curve::from_jwk_name(crv).ok_or_else(|| err(format!("unsupported EC curve {crv:?}")))?;
    let len = curve.coord_len();
    let x = fixed(o, "x", len, crv)?;
    let y = fixed(o, "y", len, crv)?;
    let d = match o.contains_key("d") {
        true => Some(Zeroizing::new(fixed(o, "d", len, crv)?)),
        false => None,
    };
    Ok(KeyMaterial::Ec { curve, x, y, d })
}

/// `kty` OKP (RFC 8037): `crv`, `x` (and `d`), 32 bytes each.
fn okp(o: &Map<String, Value>) -> Result<KeyMaterial> {
    let crv = str_member(o, "crv")?.ok_or_else(|| err("OKP key without \"crv\""))?;
    let curve = OkpCurve::from_jwk_name(crv)
        .ok_or_else(|| err(format!("unsupported OKP curve {crv:?}")))?;
    let x = fixed(o, "x", 32, crv)?;
    let d = match o.contains_key("d") {
        true => Some(Zeroizing::new(fixed(o, "d", 32, crv)?)),
        false => None,
    };
    Ok(KeyMaterial::Okp { curve, x, d })
}

/// `kty` oct: a non-empty `k`.
fn oct(o: &Map<String, Value>) -> Result<KeyMaterial> {
    let k = secret(o, "k", "oct")?;
    if k.is_empty() {
        return Err(err("oct key with an empty \"k\""));
    }
    Ok(KeyMaterial::Oct { k })
}

/// `kty` AKP (RFC 9964 §3): `alg` is required and fixes what `pub` and `priv` are.
fn akp(o: &Map<String, Value>) -> Result<KeyMaterial> {
    // RFC 9964 §3: `alg` is required and fixes what `pub` and `priv` are.
    let alg = str_member(o, "alg")?.ok_or_else(|| err("AKP key without \"alg\""))?;
    let level = alg
        .parse::<JwsAlg>()
        .ok()
        .and_then(MlDsaLevel::of)
        .ok_or_else(|| {
            err(format!(
                "AKP key with \"alg\" {alg:?} (supported: ML-DSA-44, ML-DSA-65, ML-DSA-87)"
            ))
        })?;
    let public = fixed(o, "pub", level.public_len(), &format!("AKP {alg}"))?;
    let seed = match o.contains_key("priv") {
        true => Some(Zeroizing::new(fixed(
            o,
            "priv",
            MlDsaLevel::SEED_LEN,
            &format!("AKP {alg}"),
        )?)),
        false => None,
    };
    Ok(KeyMaterial::Akp {
        level,
        public,
        seed,
    })
}

/// A registered `alg` the key cannot serve, or a `use` that contradicts it,
/// makes the JWK unusable as written (RFC 7517 §4.2, §4.4; RFC 7518 §3.2 for
/// HMAC key sizes): reject it rather than guess which member is wrong.
/// Unregistered `alg` names are kept and never select any cryptography.
fn check_alg_and_use(key: &Key) -> Result<()> {
    use crate::model::alg::{JweAlg, KeyFamily};
    let Some(alg) = &key.alg else {
        return Ok(());
    };
    let (family, want_use, min_len, exact_len) = match alg {
        KeyAlg::Jws(a) => (
            a.family(),
            KeyUse::Sig,
            a.sha().filter(|_| a.is_hmac()).map(|s| s.output_len()),
            None,
        ),
        KeyAlg::Jwe(
            JweAlg::Pbes2Hs256A128KW | JweAlg::Pbes2Hs384A192KW | JweAlg::Pbes2Hs512A256KW,
        ) => (KeyFamily::Oct, KeyUse::Enc, None, None),
        KeyAlg::Jwe(a) => {
            let exact = a.kw_len().filter(|_| a.family() == KeyFamily::Oct);
            (a.family(), KeyUse::Enc, None, exact)
        }
        KeyAlg::Enc(e) => (KeyFamily::Oct, KeyUse::Enc, None, Some(e.key_len())),
        KeyAlg::Unknown(_) => return Ok(()),
    };
    if !key.material.fits(family) {
        return Err(err(format!(
            "\"alg\" {alg} cannot be used with a {} key",
            key.material.describe()
        )));
    }
    if let KeyMaterial::Oct { k } = &key.material {
        let bits = k.len() * 8;
        if let Some(min) = min_len
            && k.len() < min
        {
            return Err(err(format!(
                "{alg} needs a key of at least {} bits, this one has {bits} (RFC 7518 §3.2)",
                min * 8
            )));
        }
        if let Some(len) = exact_len
            && k.len() != len
        {
            return Err(err(format!(
                "{alg} needs a {}-bit key, this one has {bits}",
                len * 8
            )));
        }
    }
    if let Some(u @ (KeyUse::Sig | KeyUse::Enc)) = &key.key_use
        && *u != want_use
    {
        return Err(err(format!(
            "\"use\" {} contradicts \"alg\" {alg}",
            u.as_str()
        )));
    }
    Ok(())
}

/// Parse a JWKS object (`{"keys":[...]}`). Entries of unknown key types are
/// skipped, as RFC 7517 §5 requires; malformed entries of known types are errors.
pub fn set_from_value(v: &Value) -> Result<Vec<Key>> {
    let keys = v
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| err("a JWKS must be an object with a \"keys\" array"))?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let kty = k.get("kty").and_then(Value::as_str);
        if !matches!(kty, Some("RSA" | "EC" | "OKP" | "oct" | "AKP")) {
            continue;
        }
        // Likewise a curve this tool does not implement (Ed448, X448,
        // brainpool): the set's other keys stay usable.
        let crv = k.get("crv").and_then(Value::as_str);
        let known_crv = match kty {
            Some("EC") => crv.is_some_and(|c| Curve::from_jwk_name(c).is_some()),
            Some("OKP") => crv.is_some_and(|c| OkpCurve::from_jwk_name(c).is_some()),
            _ => true,
        };
        if !known_crv && crv.is_some() {
            continue;
        }
        // Likewise an AKP key of an algorithm this tool does not know (the
        // SLH-DSA of later drafts); one naming a known algorithm that is no
        // ML-DSA is an error, as it is alone.
        if kty == Some("AKP")
            && k.get("alg")
                .and_then(Value::as_str)
                .is_some_and(|a| KeyAlg::parse(a) == KeyAlg::Unknown(a.to_owned()))
        {
            continue;
        }
        out.push(from_value(k)?);
    }
    Ok(out)
}

/// Write a key as a JWK object. `private` false drops every private member.
pub fn to_value(key: &Key, private: bool) -> Value {
    let mut o = Map::new();
    let s = |v: &[u8]| Value::String(b64::encode(v));
    o.insert("kty".into(), key.material.kty().into());
    match &key.material {
        KeyMaterial::Rsa { n, e, private: p } => {
            o.insert("n".into(), s(n));
            o.insert("e".into(), s(e));
            if let (true, Some(p)) = (private, p) {
                o.insert("d".into(), s(&p.d));
                o.insert("p".into(), s(&p.p));
                o.insert("q".into(), s(&p.q));
                o.insert("dp".into(), s(&p.dp));
                o.insert("dq".into(), s(&p.dq));
                o.insert("qi".into(), s(&p.qi));
            }
        }
        KeyMaterial::Ec { curve, x, y, d } => {
            o.insert("crv".into(), curve.jwk_name().into());
            o.insert("x".into(), s(x));
            o.insert("y".into(), s(y));
            if let (true, Some(d)) = (private, d) {
                o.insert("d".into(), s(d));
            }
        }
        KeyMaterial::Okp { curve, x, d } => {
            o.insert("crv".into(), curve.jwk_name().into());
            o.insert("x".into(), s(x));
            if let (true, Some(d)) = (private, d) {
                o.insert("d".into(), s(d));
            }
        }
        KeyMaterial::Oct { k } => {
            o.insert("k".into(), s(k));
        }
        KeyMaterial::Akp {
            level,
            public,
            seed,
        } => {
            // The level is the key's `alg` (RFC 9964 §3), whatever the metadata says.
            o.insert("alg".into(), level.name().into());
            o.insert("pub".into(), s(public));
            if let (true, Some(seed)) = (private, seed) {
                o.insert("priv".into(), s(seed));
            }
        }
    }
    if let Some(kid) = &key.kid {
        o.insert("kid".into(), kid.clone().into());
    }
    if let Some(u) = &key.key_use {
        o.insert("use".into(), u.as_str().into());
    }
    if let Some(ops) = &key.key_ops {
        o.insert("key_ops".into(), ops.clone().into());
    }
    if let Some(alg) = &key.alg
        && !matches!(key.material, KeyMaterial::Akp { .. })
    {
        o.insert("alg".into(), alg.name().into());
    }
    if !key.x5c.is_empty() {
        let certs = key.x5c.iter().map(|c| Value::String(b64::encode_std(c)));
        o.insert("x5c".into(), Value::Array(certs.collect()));
    }
    if let Some(t) = &key.x5t {
        o.insert("x5t".into(), s(t));
    }
    if let Some(t) = &key.x5t_s256 {
        o.insert("x5t#S256".into(), s(t));
    }
    Value::Object(o)
}

/// Write keys as a JWK Set, `{"keys": [...]}` (RFC 7517 §5), each as
/// [`to_value`] writes it.
pub fn set_to_value(keys: &[Key], private: bool) -> Value {
    let keys = keys.iter().map(|k| to_value(k, private)).collect();
    serde_json::json!({ "keys": Value::Array(keys) })
}
