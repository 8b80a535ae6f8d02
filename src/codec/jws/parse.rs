//! Strict parsing of the three JWS serializations (RFC 7515 §7).

use serde_json::{Map, Value};

use super::header::{self, JwsHeader};
use super::{Jws, JwsSignature, Serialization};
use crate::codec::{b64, json};
use crate::model::error::Rejection;

/// The most signatures accepted in one general JWS: bounds the work a token
/// can cause.
pub const MAX_SIGNATURES: usize = 64;

const JWE_HINT: &str = "this is a JWE, not a JWS: use `jose decrypt`";

/// Parse a token in any serialization. Per-signature header problems
/// (`alg` among them) are kept in [`JwsSignature::header`]'s fields;
/// everything structurally wrong is `malformed`.
pub fn parse(token: &str) -> Result<Jws, Rejection> {
    let t = token.trim_start();
    if t.starts_with('{') {
        parse_json(t.as_bytes())
    } else {
        parse_compact(token)
    }
}

fn decode_header(seg: &str) -> Result<Map<String, Value>, Rejection> {
    let raw = b64::decode(seg)
        .ok_or_else(|| Rejection::malformed("protected header is not valid base64url"))?;
    json::parse_object(&raw).map_err(|e| e.rejection("protected header is not a JSON object"))
}

fn parse_compact(token: &str) -> Result<Jws, Rejection> {
    // The portable memchr, for the reason given in `normalize_token`.
    let dot = memchr::arch::all::memchr::One::new(b'.');
    let mut dots = dot.iter(token.as_bytes());
    let (Some(d1), Some(d2)) = (dots.next(), dots.next()) else {
        return Err(wrong_part_count(token));
    };
    if dots.next().is_some() {
        return Err(wrong_part_count(token));
    }
    let (h, p, s) = match (token.get(..d1), token.get(d1 + 1..d2), token.get(d2 + 1..)) {
        (Some(h), Some(p), Some(s)) => (h, p, s),
        _ => return Err(Rejection::malformed("a compact JWS has 3 parts")),
    };
    if h.is_empty() {
        return Err(Rejection::malformed("the protected header is empty"));
    }
    let protected = decode_header(h)?;
    let alg = header::alg(&protected);
    // An empty signature is malformed, unless the alg is already refused
    // (`none` tokens have one): that is the more useful answer.
    if s.is_empty() && alg.is_ok() {
        return Err(Rejection::malformed("the signature is empty"));
    }
    let header = JwsHeader::with_alg(protected, alg)?;
    let b64_flag = header.b64;
    let payload_bytes = decode_payload(p, b64_flag)?;
    let signature =
        b64::decode(s).ok_or_else(|| Rejection::malformed("signature is not valid base64url"))?;
    Ok(Jws {
        serialization: Serialization::Compact,
        payload_segment: p.as_bytes().to_vec(),
        detached: p.is_empty(),
        payload_bytes,
        b64: b64_flag,
        signatures: vec![JwsSignature {
            protected_b64: h.to_owned(),
            header,
            signature,
        }],
    })
}

/// Not three parts: a JWE's five get a pointer to `decrypt`.
fn wrong_part_count(token: &str) -> Rejection {
    match memchr::arch::all::memchr::One::new(b'.').count(token.as_bytes()) + 1 {
        5 => Rejection::malformed(JWE_HINT),
        n => Rejection::malformed(format!(
            "a compact JWS has 3 dot-separated parts, this has {n}"
        )),
    }
}

/// Decode a payload segment once: strict base64url, or the raw bytes when
/// `b64` is false.
fn decode_payload(p: &str, b64_flag: bool) -> Result<Vec<u8>, Rejection> {
    if b64_flag {
        b64::decode(p).ok_or_else(|| Rejection::malformed("payload is not valid base64url"))
    } else {
        Ok(p.as_bytes().to_vec())
    }
}

fn parse_signature(obj: &Map<String, Value>) -> Result<(JwsSignature, bool), Rejection> {
    let protected_b64 = json::member_str(obj, "protected")?.unwrap_or("");
    let protected = if protected_b64.is_empty() {
        if obj.contains_key("protected") {
            return Err(Rejection::malformed("\"protected\" is empty"));
        }
        Map::new()
    } else {
        decode_header(protected_b64)?
    };
    let unprotected = match obj.get("header") {
        None => None,
        Some(Value::Object(m)) => Some(m),
        Some(_) => return Err(Rejection::malformed("\"header\" is not a JSON object")),
    };
    if protected.is_empty() && unprotected.is_none_or(|u| u.is_empty()) {
        return Err(Rejection::malformed("a signature has no header"));
    }
    // Without an unprotected header the merged header is the protected one:
    // kept once, not cloned. `from_parts` refuses an unprotected `crit`, so
    // the rule holds whatever the caller later allows.
    let header = match unprotected {
        Some(u) if !u.is_empty() => JwsHeader::from_parts(protected, u)?,
        _ => JwsHeader::from_protected(protected)?,
    };
    let b64_flag = header.b64;
    let sig = json::member_str(obj, "signature")?
        .ok_or_else(|| Rejection::malformed("a signature has no \"signature\""))?;
    let signature =
        b64::decode(sig).ok_or_else(|| Rejection::malformed("signature is not valid base64url"))?;
    Ok((
        JwsSignature {
            protected_b64: protected_b64.to_owned(),
            header,
            signature,
        },
        b64_flag,
    ))
}

fn parse_json(bytes: &[u8]) -> Result<Jws, Rejection> {
    let obj =
        json::parse_capped(bytes, &[("signatures", MAX_SIGNATURES)]).map_err(|e| match e {
            json::CappedError::TooLong { len, .. } => {
                Rejection::malformed(format!("more than {MAX_SIGNATURES} signatures ({len})"))
            }
            json::CappedError::Invalid(e) => {
                Rejection::malformed(format!("JSON serialization is not a JSON object: {e}"))
            }
            json::CappedError::TooMany { limit } => {
                json::JsonError::TooMany { limit }.rejection("JSON serialization")
            }
        })?;
    if obj.contains_key("ciphertext") {
        return Err(Rejection::malformed(JWE_HINT));
    }
    let (serialization, sigs) = match (obj.get("signatures"), obj.contains_key("signature")) {
        (Some(_), true) => {
            return Err(Rejection::malformed(
                "both \"signatures\" and \"signature\": neither general nor flattened",
            ));
        }
        (Some(Value::Array(a)), false) => {
            if a.is_empty() {
                return Err(Rejection::malformed("\"signatures\" is empty"));
            }
            if a.len() > MAX_SIGNATURES {
                return Err(Rejection::malformed(format!(
                    "more than {MAX_SIGNATURES} signatures"
                )));
            }
            if obj.contains_key("protected") || obj.contains_key("header") {
                return Err(Rejection::malformed(
                    "a general JWS has headers only inside \"signatures\"",
                ));
            }
            let mut sigs = Vec::with_capacity(a.len());
            for s in a {
                let Value::Object(s) = s else {
                    return Err(Rejection::malformed("a signature is not a JSON object"));
                };
                sigs.push(parse_signature(s)?);
            }
            (Serialization::General, sigs)
        }
        (Some(_), false) => return Err(Rejection::malformed("\"signatures\" is not an array")),
        (None, true) => (Serialization::Flattened, vec![parse_signature(&obj)?]),
        (None, false) => {
            return Err(Rejection::malformed(
                "JSON serialization has neither \"signatures\" nor \"signature\"",
            ));
        }
    };
    let b64_flag = sigs.first().is_none_or(|(_, b)| *b);
    if sigs.iter().any(|(_, b)| *b != b64_flag) {
        return Err(Rejection::malformed(
            "signatures disagree on \"b64\" (RFC 7797 §3)",
        ));
    }
    let payload = json::member_str(&obj, "payload")?;
    let payload_bytes = decode_payload(payload.unwrap_or(""), b64_flag)?;
    Ok(Jws {
        serialization,
        payload_segment: payload.unwrap_or("").as_bytes().to_vec(),
        detached: payload.is_none(),
        payload_bytes,
        b64: b64_flag,
        signatures: sigs.into_iter().map(|(s, _)| s).collect(),
    })
}
