//! What an input is, for `jose inspect`: a token, a key, a key set, a
//! certificate or a certificate map, decoded but never verified. The keys
//! and certificates are read by the same detector and parsers as `--key`;
//! tokens by the lenient reader of [`crate::codec::peek`].

use serde_json::Value;

use crate::codec::key::cert_info::{self, CertInfo};
use crate::codec::peek::{self, Peeked};
use crate::model::{Error, Key, RejectCode, Result};

/// What the input turned out to be.
pub enum Inspected {
    /// A JWS or JWE, in any serialization.
    Token(Peeked),
    /// One JWK.
    Jwk(Box<Key>),
    /// A JWK Set.
    Jwks(Vec<Key>),
    /// PEM or DER keys.
    Keys(Vec<Key>),
    /// PEM or DER certificates.
    Certs(Vec<CertInfo>),
    /// A key id → certificate map, in its order.
    CertMap(Vec<(String, CertInfo)>),
    /// A password-protected PKCS#8 key: what protects it (KDF, its cost,
    /// cipher), never its content.
    EncryptedKey(String),
}

/// What protects a PKCS#8 `EncryptedPrivateKeyInfo`, or why it cannot be
/// opened.
fn encrypted(der: &[u8]) -> Inspected {
    Inspected::EncryptedKey(match crate::crypto::pkcs8_enc::describe(der) {
        Ok(how) => how,
        Err(why) => format!("unusable: {why}"),
    })
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::rejected(RejectCode::Malformed, msg)
}

/// Key parse problems are reasons the input is rejected here.
fn as_malformed(e: Error) -> Error {
    match e {
        Error::Local { msg, source } => malformed(match source {
            Some(s) => format!("{msg}: {s}"),
            None => msg,
        }),
        other => other,
    }
}

/// The certificates of a JWS's `x5c` (the first signature that has one,
/// protected header first), decoded for display and NOT verified: `None`
/// without `x5c`, an error when it is not a list of at most
/// `MAX_CHAIN` base64 certificates.
pub fn x5c_chain(p: &peek::JwsPeek) -> Option<std::result::Result<Vec<CertInfo>, String>> {
    let x5c = p.signatures.iter().find_map(|s| {
        s.protected
            .as_ref()
            .and_then(|h| h.get("x5c"))
            .or_else(|| s.header.as_ref().and_then(|h| h.get("x5c")))
    })?;
    let Some(items) = x5c.as_array() else {
        return Some(Err("x5c is not an array".into()));
    };
    if items.len() > crate::crypto::chain::MAX_CHAIN {
        return Some(Err(format!(
            "x5c holds {} certificates, more than the {} shown",
            items.len(),
            crate::crypto::chain::MAX_CHAIN
        )));
    }
    let certs = items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let der = c
                .as_str()
                .and_then(crate::codec::b64::decode_std)
                .ok_or_else(|| format!("x5c[{i}] is not base64"))?;
            cert_info::parse(&der).map_err(|e| format!("x5c[{i}]: {e}"))
        })
        .collect();
    Some(certs)
}

const TRIED: &str = "tried: compact JWS (3 parts) and JWE (5 parts), JWS/JWE JSON, JWK, JWKS, certificate map, PEM and DER keys and certificates";

/// What `raw` is, decoded for display: tokens first (after the same
/// normalisation as a TOKEN argument), then JSON keys and certificate maps,
/// PEM, and DER. Anything else is `malformed`, naming what was tried.
pub fn classify(raw: &[u8]) -> Result<Inspected> {
    let Ok(text) = std::str::from_utf8(raw) else {
        return classify_der(raw);
    };
    let t = crate::codec::token::normalize_token(text);
    if t.is_empty() {
        return Err(malformed(format!("the input is empty ({TRIED})")));
    }
    if t.starts_with('{') {
        return classify_json(&t);
    }
    if t.contains("-----BEGIN ") {
        return classify_pem(&t);
    }
    if t.contains('.')
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return peek::compact(&t).map(Inspected::Token).map_err(Error::from);
    }
    // DER that happens to be UTF-8 still has length bytes below 0x20.
    if raw.first() == Some(&0x30) && raw.iter().any(|b| *b < 0x20 && !b.is_ascii_whitespace()) {
        return classify_der(raw);
    }
    Err(malformed(format!(
        "not a token, key or certificate ({TRIED})"
    )))
}

fn classify_json(t: &str) -> Result<Inspected> {
    let o = peek::read_json(t)?;
    if peek::is_json_token(&o) {
        return peek::json(&o).map(Inspected::Token).map_err(Error::from);
    }
    let v = Value::Object(o);
    if v.get("kty").is_some() {
        return crate::codec::key::jwk::from_value(&v)
            .map(|k| Inspected::Jwk(Box::new(k)))
            .map_err(as_malformed);
    }
    if v.get("keys").is_some() {
        return crate::codec::key::jwk::set_from_value(&v)
            .map(Inspected::Jwks)
            .map_err(as_malformed);
    }
    let Value::Object(o) = v else {
        return Err(malformed("not a JSON object"));
    };
    if !crate::codec::key::detect::is_cert_map(&o) {
        return Err(malformed(format!(
            "JSON that is neither a JWS/JWE, a JWK (\"kty\"), a JWKS (\"keys\") nor a key id → certificate map ({TRIED})"
        )));
    }
    let mut out = Vec::new();
    for (kid, pem) in &o {
        let pem = pem.as_str().unwrap_or_default();
        let (ders, others) = crate::codec::key::pem::certificates(pem)
            .map_err(|e| malformed(format!("certificate {kid:?}: {e}")))?;
        let der = match ders.as_slice() {
            [one] if others == 0 => one,
            _ => {
                return Err(malformed(format!(
                    "certificate {kid:?} must hold exactly one certificate"
                )));
            }
        };
        let mut info =
            cert_info::parse(der).map_err(|e| malformed(format!("certificate {kid:?}: {e}")))?;
        if let Some(k) = info.key.as_mut() {
            k.kid = Some(kid.clone());
        }
        out.push((kid.clone(), info));
    }
    Ok(Inspected::CertMap(out))
}

fn classify_pem(t: &str) -> Result<Inspected> {
    if let Some(der) =
        crate::codec::key::pem::first_block(t, &["ENCRYPTED PRIVATE KEY"]).map_err(as_malformed)?
    {
        return Ok(encrypted(&der));
    }
    let (certs, others) = crate::codec::key::pem::certificates(t).map_err(as_malformed)?;
    if !certs.is_empty() && others == 0 {
        let infos = certs
            .iter()
            .map(|d| cert_info::parse(d))
            .collect::<Result<Vec<_>>>()
            .map_err(as_malformed)?;
        return Ok(Inspected::Certs(infos));
    }
    crate::codec::key::detect::parse_bytes(t.as_bytes(), "the input")
        .map(Inspected::Keys)
        .map_err(as_malformed)
}

fn classify_der(raw: &[u8]) -> Result<Inspected> {
    if raw.first() != Some(&0x30) {
        return Err(malformed(format!("binary input that is not DER ({TRIED})")));
    }
    if let Ok(info) = cert_info::parse(raw) {
        return Ok(Inspected::Certs(vec![info]));
    }
    if crate::crypto::pkcs8_enc::is_encrypted(raw) {
        return Ok(encrypted(raw));
    }
    crate::codec::key::cert::parse_der(raw)
        .map(Inspected::Keys)
        .map_err(as_malformed)
}
