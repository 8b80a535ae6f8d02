//! The one key detector: bytes of any supported format into keys, for
//! `--key` and remote key sets (`inspect`, which must also tell keys from
//! tokens and certificates, reads them with the same parsers, the same
//! strict JSON and [`is_cert_map`]). The content type is
//! detected, never declared: PEM, DER, JWK, JWKS, or a Google-style
//! key-id → PEM certificate map.

use serde_json::Value;

use crate::model::error::{Error, Result};
use crate::model::key::Key;

pub use super::password::{PasswordFn, no_password};

/// Parse key material of any supported format. `origin` names the source in
/// error messages. A password-protected key is refused: see
/// [`parse_bytes_with`].
pub fn parse_bytes(data: &[u8], origin: &str) -> Result<Vec<Key>> {
    parse_bytes_with(data, origin, &mut no_password)
}

/// [`parse_bytes`], opening PKCS#8 `ENCRYPTED PRIVATE KEY`s (PEM or DER)
/// with the password `password` gives.
pub fn parse_bytes_with(
    data: &[u8],
    origin: &str,
    password: &mut PasswordFn<'_>,
) -> Result<Vec<Key>> {
    let wrap = |e: Error| e.context(origin);
    let trimmed = trim_ascii(data);
    let keys = if trimmed.starts_with(b"{") {
        // The strict reader, as for tokens and `inspect`: a duplicate member
        // is refused, so every command reads a given JWK the same way.
        let v = crate::codec::json::parse_value(trimmed)
            .map_err(|e| wrap(Error::local(format!("not valid JSON: {e}"))))?;
        parse_json(&v).map_err(wrap)?
    } else if trimmed.starts_with(b"-----BEGIN") || contains(trimmed, b"-----BEGIN ") {
        let text = std::str::from_utf8(trimmed)
            .map_err(|_| wrap(Error::local("PEM text is not UTF-8")))?;
        super::pem::parse_with(text, password).map_err(wrap)?
    } else if crate::crypto::pkcs8_enc::is_encrypted(data) {
        vec![super::der::from_encrypted_pkcs8(data, password).map_err(wrap)?]
    } else if trimmed.first() == Some(&0x30) {
        super::cert::parse_der(data).map_err(wrap)?
    } else {
        return Err(wrap(Error::local(
            "not a key: expected PEM, DER, a JWK, a JWKS or a certificate map",
        )));
    };
    if keys.is_empty() {
        return Err(wrap(Error::local("holds no usable key")));
    }
    Ok(keys)
}

/// A JSON key source: JWK (has `kty`), JWKS (has `keys`), or a certificate map
/// (every value a PEM certificate).
pub fn parse_json(v: &Value) -> Result<Vec<Key>> {
    let o = v
        .as_object()
        .ok_or_else(|| Error::local("a JSON key source must be an object"))?;
    if o.contains_key("kty") {
        Ok(vec![super::jwk::from_value(v)?])
    } else if o.contains_key("keys") {
        super::jwk::set_from_value(v)
    } else if is_cert_map(o) {
        super::certmap::parse(o)
    } else {
        Err(Error::local(
            "JSON is neither a JWK (no \"kty\"), a JWKS (no \"keys\") nor a key id → certificate map",
        ))
    }
}

/// Whether a JSON object is a key id → PEM certificate map: not empty, and
/// every value a string holding a certificate block.
pub fn is_cert_map(o: &serde_json::Map<String, Value>) -> bool {
    !o.is_empty()
        && o.values().all(|v| {
            v.as_str()
                .is_some_and(|s| s.contains("-----BEGIN CERTIFICATE-----"))
        })
}

fn trim_ascii(d: &[u8]) -> &[u8] {
    let start = d
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(d.len());
    let end = d
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &d[start..end]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether a SOURCE names a remote key set.
pub fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}
