//! Reading compact (five parts) and JSON (flattened, general) JWEs strictly.

use serde_json::Value;

use super::{Header, Jwe, Recipient};
use crate::codec::{b64, json};
use crate::model::Serialization;
use crate::model::error::Rejection;

/// Most recipients one general JWE may name: bounds the work of one token.
pub const MAX_RECIPIENTS: usize = 64;

fn bad(what: impl Into<String>) -> Rejection {
    Rejection::malformed(what)
}

fn decode(part: &str, what: &str) -> Result<Vec<u8>, Rejection> {
    b64::decode(part).ok_or_else(|| bad(format!("{what} is not strict base64url")))
}

fn header_from_b64(s: &str) -> Result<Header, Rejection> {
    let raw = decode(s, "the protected header")?;
    json::parse_object(&raw).map_err(|e| e.rejection("protected header"))
}

fn parts_error(t: &str) -> Rejection {
    match t.split('.').count() {
        3 => bad("this is a JWS (three parts), not a JWE: use `jose verify`"),
        n => bad(format!("a compact JWE has 5 parts, found {n}")),
    }
}

/// Parse a JWE in any serialization.
pub fn parse(token: &str) -> Result<Jwe, Rejection> {
    let t = token.trim();
    if t.starts_with('{') {
        return parse_json(t);
    }
    let (jwe, _) = parse_compact(t, true)?;
    Ok(jwe)
}

/// Parse a JWE taking ownership of the token: a compact token's ciphertext
/// is decoded inside the token's own buffer, so a large JWE costs no second
/// buffer of its size.
pub fn parse_owned(token: String) -> Result<Jwe, Rejection> {
    let t = token.trim();
    if t.starts_with('{') {
        let o = json::parse_capped(t.as_bytes(), CAPS).map_err(capped_error)?;
        // Everything is in `o` now: the text goes before the big parts are
        // decoded.
        drop(token);
        return from_object(&o);
    }
    let (mut jwe, ct) = parse_compact(t, false)?;
    let start = ct.as_ptr() as usize - token.as_ptr() as usize;
    let end = start + ct.len();
    let mut buf = token.into_bytes();
    let n = buf
        .get_mut(start..end)
        .and_then(crate::codec::b64::decode_in_place)
        .ok_or_else(ciphertext_error)?;
    buf.truncate(start + n);
    buf.drain(..start);
    jwe.ciphertext = buf;
    Ok(jwe)
}

fn ciphertext_error() -> Rejection {
    bad("the ciphertext is not strict base64url")
}

/// [`parse_owned`] of a compact JWE whose ciphertext part was decoded while
/// it was read (`stream`): `skeleton` is the normalized token with that part
/// empty, `ciphertext` gives its decoding (`None`: not strict base64url),
/// asked for only when the skeleton is a compact token. The checks run in
/// `parse_owned`'s order, so a token is refused with the same reason either
/// way. `None` when the skeleton is a JSON text or has a ciphertext part.
pub(crate) fn parse_skeleton(
    skeleton: &str,
    ciphertext: impl FnOnce() -> Option<Vec<u8>>,
) -> Option<Result<Jwe, Rejection>> {
    let t = skeleton.trim();
    if t.starts_with('{') {
        return None;
    }
    match parse_compact(t, false) {
        // Not a skeleton after all: the caller's text decides.
        Ok((_, ct)) if !ct.is_empty() => None,
        Ok((mut jwe, _)) => Some(ciphertext().ok_or_else(ciphertext_error).map(|ct| {
            jwe.ciphertext = ct;
            jwe
        })),
        Err(e) => Some(Err(e)),
    }
}

/// The compact form; with `decode_ct` false the ciphertext is left empty
/// and its text returned for the caller to decode.
fn parse_compact(t: &str, decode_ct: bool) -> Result<(Jwe, &str), Rejection> {
    // The ciphertext is nearly all of a large token: find the short parts
    // from both ends instead of scanning it for dots (a dot inside it then
    // fails its base64url decoding).
    let mut head = t.splitn(4, '.');
    let (p, ek, iv, rest) = match (head.next(), head.next(), head.next(), head.next()) {
        (Some(p), Some(ek), Some(iv), Some(rest)) => (p, ek, iv, rest),
        _ => return Err(parts_error(t)),
    };
    let Some((ct, tag)) = rest.rsplit_once('.') else {
        return Err(parts_error(t));
    };
    if ct.len() < 4096 && ct.contains('.') {
        return Err(parts_error(t));
    }
    let protected = header_from_b64(p)?;
    Ok((
        Jwe {
            serialization: Serialization::Compact,
            protected_b64: p.to_owned(),
            protected,
            unprotected: None,
            recipients: vec![Recipient {
                header: None,
                encrypted_key: decode(ek, "the encrypted key")?,
            }],
            iv: decode(iv, "the IV")?,
            ciphertext: if decode_ct {
                decode(ct, "the ciphertext")
                    .map_err(|e| if ct.contains('.') { parts_error(t) } else { e })?
            } else {
                // The bulk of a large JWE: a SIMD scan (see `b64::simd`).
                let dot = if crate::codec::b64::simd(ct.len()) {
                    memchr::memchr(b'.', ct.as_bytes()).is_some()
                } else {
                    ct.contains('.')
                };
                if dot {
                    return Err(parts_error(t));
                }
                Vec::new()
            },
            tag: decode(tag, "the authentication tag")?,
            aad_b64: None,
        },
        ct,
    ))
}

fn recipient(o: &serde_json::Map<String, Value>) -> Result<Recipient, Rejection> {
    Ok(Recipient {
        header: json::member_obj(o, "header")?.cloned(),
        encrypted_key: match json::member_str(o, "encrypted_key")? {
            Some(s) => decode(s, "encrypted_key")?,
            None => Vec::new(),
        },
    })
}

/// The bound [`json::parse_capped`] applies to a JWE's `recipients`.
pub const CAPS: &[(&str, usize)] = &[("recipients", MAX_RECIPIENTS)];

/// The refusal of a JWE JSON text that [`json::parse_capped`] gives.
pub fn capped_error(e: json::CappedError) -> Rejection {
    match e {
        json::CappedError::TooLong { len, .. } => too_many(len),
        json::CappedError::Invalid(e) => bad(format!("JWE JSON: {e}")),
        json::CappedError::TooMany { limit } => {
            json::JsonError::TooMany { limit }.rejection("JWE JSON")
        }
    }
}

fn too_many(n: usize) -> Rejection {
    bad(format!(
        "a general JWE needs 1 to {MAX_RECIPIENTS} recipients, found {n}"
    ))
}

fn parse_json(t: &str) -> Result<Jwe, Rejection> {
    let o = json::parse_capped(t.as_bytes(), CAPS).map_err(capped_error)?;
    from_object(&o)
}

/// A JWE in the flattened or general JSON serialization, already read as a
/// JSON object.
pub fn from_object(o: &serde_json::Map<String, Value>) -> Result<Jwe, Rejection> {
    if o.contains_key("payload") || o.contains_key("signatures") || o.contains_key("signature") {
        return Err(bad("this is a JWS, not a JWE: use `jose verify`"));
    }
    let (protected_b64, protected) = match json::member_str(o, "protected")? {
        // Decoded first: its decoded bytes are freed before the copy is made.
        Some(p) => {
            let h = header_from_b64(p)?;
            (p.to_owned(), h)
        }
        None => (String::new(), Header::new()),
    };
    let (serialization, recipients) = match o.get("recipients") {
        // Flattened members beside `recipients` (go-jose v2 repeats the first
        // recipient's there) are not general-form members: ignored, as RFC
        // 7516 §7.2.1 asks of unknown ones.
        Some(Value::Array(rs)) => {
            if rs.is_empty() || rs.len() > MAX_RECIPIENTS {
                return Err(too_many(rs.len()));
            }
            let rs = rs
                .iter()
                .map(|r| match r {
                    Value::Object(r) => recipient(r),
                    _ => Err(bad("every recipient must be a JSON object")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            (Serialization::General, rs)
        }
        Some(_) => return Err(bad("\"recipients\" must be an array")),
        None => (Serialization::Flattened, vec![recipient(o)?]),
    };
    let unprotected = json::member_obj(o, "unprotected")?.cloned();
    if protected.is_empty()
        && unprotected.is_none()
        && recipients.iter().any(|r| r.header.is_none())
    {
        return Err(bad(
            "a JWE recipient has no header at all (no \"alg\" anywhere)",
        ));
    }
    let need = |k: &str| -> Result<Vec<u8>, Rejection> {
        match json::member_str(o, k)? {
            Some(s) => decode(s, k),
            None => Err(bad(format!("JWE JSON lacks {k:?}"))),
        }
    };
    let iv = match json::member_str(o, "iv")? {
        Some(s) => decode(s, "iv")?,
        None => Vec::new(),
    };
    let tag = match json::member_str(o, "tag")? {
        Some(s) => decode(s, "tag")?,
        None => Vec::new(),
    };
    let ciphertext = need("ciphertext")?;
    let aad_b64 = match json::member_str(o, "aad")? {
        Some(s) => {
            decode(s, "aad")?;
            Some(s.to_owned())
        }
        None => None,
    };
    Ok(Jwe {
        serialization,
        protected_b64,
        protected,
        unprotected,
        recipients,
        iv,
        ciphertext,
        tag,
        aad_b64,
    })
}
