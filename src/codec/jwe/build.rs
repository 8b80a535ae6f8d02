//! Writing a JWE in the compact, flattened or general serialization.

use serde_json::{Map, Value};

use super::{Header, Recipient};
use crate::codec::b64;

/// Everything a serialization writes, already encrypted.
pub struct Parts<'a> {
    /// The protected header, already base64url-encoded; empty for none
    /// (then [`json`] writes no `protected` member).
    pub protected_b64: &'a str,
    /// The shared unprotected header; `None` for none.
    pub unprotected: Option<&'a Header>,
    /// The recipients, written in this order.
    pub recipients: &'a [Recipient],
    /// The Initialization Vector, raw bytes.
    pub iv: &'a [u8],
    /// The JWE Ciphertext, raw bytes.
    pub ciphertext: &'a [u8],
    /// The Authentication Tag, raw bytes.
    pub tag: &'a [u8],
    /// The `aad` member, already base64url-encoded; `None` for none (and
    /// [`compact`] refuses any).
    pub aad_b64: Option<&'a str>,
}

/// `BASE64URL(UTF8(protected)).ek.iv.ct.tag`; needs exactly one recipient
/// without per-recipient or shared unprotected header.
pub fn compact(p: &Parts<'_>) -> Option<String> {
    let [r] = p.recipients else { return None };
    if r.header.is_some() || p.unprotected.is_some() || p.aad_b64.is_some() {
        return None;
    }
    let mut s = String::with_capacity(
        p.protected_b64.len()
            + (r.encrypted_key.len() + p.iv.len() + p.ciphertext.len() + p.tag.len()) * 4 / 3
            + 8,
    );
    s.push_str(p.protected_b64);
    for part in [&r.encrypted_key[..], p.iv, p.ciphertext, p.tag] {
        s.push('.');
        b64::encode_into(part, &mut s);
    }
    Some(s)
}

fn recipient_value(r: &Recipient) -> Map<String, Value> {
    let mut o = Map::new();
    if let Some(h) = &r.header {
        o.insert("header".into(), Value::Object(h.clone()));
    }
    if !r.encrypted_key.is_empty() {
        o.insert("encrypted_key".into(), b64::encode(&r.encrypted_key).into());
    }
    o
}

/// The JSON serializations on one line: flattened (one recipient) or general.
pub fn json(p: &Parts<'_>, general: bool) -> Option<String> {
    let mut o = Map::new();
    if !p.protected_b64.is_empty() {
        o.insert("protected".into(), p.protected_b64.into());
    }
    if let Some(u) = p.unprotected {
        o.insert("unprotected".into(), Value::Object(u.clone()));
    }
    if general {
        let rs = p
            .recipients
            .iter()
            .map(|r| Value::Object(recipient_value(r)))
            .collect();
        o.insert("recipients".into(), Value::Array(rs));
    } else {
        let [r] = p.recipients else { return None };
        o.extend(recipient_value(r));
    }
    if let Some(a) = p.aad_b64 {
        o.insert("aad".into(), a.into());
    }
    o.insert("iv".into(), b64::encode(p.iv).into());
    o.insert("ciphertext".into(), b64::encode(p.ciphertext).into());
    o.insert("tag".into(), b64::encode(p.tag).into());
    serde_json::to_string(&Value::Object(o)).ok()
}
