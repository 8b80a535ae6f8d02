//! Looking inside a JWS or JWE without verifying or decrypting it, for
//! `inspect`. Every serialization (compact, flattened JSON, general JSON) is
//! read with the same syntax rules as verification: strict base64url, JSON
//! headers that are objects without duplicate members.
//!
//! A JWE is read by `jwe::parse` itself: that parse is structural only.
//! A JWS gets its own reading because `jws::parse` also applies the rules
//! verification needs (a non-empty signature, `b64` and `crit` placement,
//! disjoint headers), and a token that breaks them is exactly the one an
//! operator wants to look inside; `inspect` shows it and `verify` says why
//! it fails.

use serde_json::{Map, Value};

use super::jwe::{self, Jwe};
use super::{b64, json};
use crate::model::Serialization;
use crate::model::error::Rejection;

/// A JSON object: a header, claims, or a whole JSON serialization.
pub type Object = Map<String, Value>;

/// One signature's headers.
#[derive(Debug, Clone, Default)]
pub struct SigHeaders {
    /// The protected header, decoded; `None` when a JSON serialization's
    /// signature has no `protected` member.
    pub protected: Option<Object>,
    /// The unprotected header (`header`); `None` when absent, as always in
    /// the compact serialization.
    pub header: Option<Object>,
    /// The signature's length in bytes, decoded; not checked against `alg`.
    pub signature_len: usize,
}

/// A JWS read for display: its headers and payload, nothing verified.
#[derive(Debug, Clone)]
pub struct JwsPeek {
    /// The serialization the token arrived in.
    pub serialization: Serialization,
    /// Every signature's headers, in token order (1 to [`MAX_SIGNATURES`]).
    pub signatures: Vec<SigHeaders>,
    /// `None`: detached payload.
    pub payload: Option<Vec<u8>>,
}

/// What a token turned out to be.
#[derive(Debug, Clone)]
pub enum Peeked {
    /// A JWS, read without the rules only verification needs.
    Jws(JwsPeek),
    /// A JWE has no lenient reading to offer: its parse is structural only
    /// (header rules are checked at decryption), so inspect shows the parse.
    Jwe(Box<Jwe>),
}

fn bad(msg: impl Into<String>) -> Rejection {
    Rejection::malformed(msg)
}

fn decode(what: &str, s: &str) -> Result<Vec<u8>, Rejection> {
    b64::decode(s).ok_or_else(|| bad(format!("the {what} is not strict base64url")))
}

fn header(what: &str, s: &str) -> Result<Object, Rejection> {
    let raw = decode(what, s)?;
    json::parse_object(&raw).map_err(|e| e.rejection(&format!("the {what} is not a JSON object")))
}

/// Whether the headers switch off payload encoding (RFC 7797).
fn unencoded(protected: Option<&Object>) -> bool {
    protected
        .and_then(|h| h.get("b64"))
        .is_some_and(|v| v == &Value::Bool(false))
}

/// A compact JWS (3 parts) or JWE (5 parts).
pub fn compact(token: &str) -> Result<Peeked, Rejection> {
    let parts: Vec<&str> = token.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => {
            let protected = header("protected header", h)?;
            let sig = decode("signature", s)?;
            let payload = if p.is_empty() {
                None
            } else if unencoded(Some(&protected)) {
                Some(p.as_bytes().to_vec())
            } else {
                Some(decode("payload", p)?)
            };
            Ok(Peeked::Jws(JwsPeek {
                serialization: Serialization::Compact,
                signatures: vec![SigHeaders {
                    protected: Some(protected),
                    header: None,
                    signature_len: sig.len(),
                }],
                payload,
            }))
        }
        [_, _, _, _, _] => jwe::parse(token).map(|j| Peeked::Jwe(Box::new(j))),
        _ => Err(bad(format!(
            "a compact token has 3 (JWS) or 5 (JWE) dot-separated parts, this has {}",
            parts.len()
        ))),
    }
}

/// The most signatures read from one JWS, as for verification.
pub const MAX_SIGNATURES: usize = crate::codec::jws::parse::MAX_SIGNATURES;

fn too_many_signatures(n: usize) -> Rejection {
    bad(format!("more than {MAX_SIGNATURES} signatures ({n})"))
}

/// Read a JSON input that may be a token: a JWS's `signatures` and a JWE's
/// `recipients` keep at most their bound of entries while they are read, so
/// a token listing millions of them is refused in time and memory
/// proportional to its size.
pub fn read_json(t: &str) -> Result<Object, Rejection> {
    let caps = [
        ("signatures", MAX_SIGNATURES),
        ("recipients", jwe::parse::MAX_RECIPIENTS),
    ];
    json::parse_capped(t.as_bytes(), &caps).map_err(|e| match e {
        json::CappedError::Invalid(e) => bad(format!("not a valid JSON object: {e}")),
        json::CappedError::TooMany { limit } => {
            json::JsonError::TooMany { limit }.rejection("the JSON serialization")
        }
        json::CappedError::TooLong { name, len } if name == "signatures" => {
            too_many_signatures(len)
        }
        recipients => jwe::parse::capped_error(recipients),
    })
}

/// Whether a JSON object is a JWS or JWE JSON serialization.
pub fn is_json_token(o: &Object) -> bool {
    o.contains_key("ciphertext")
        || o.contains_key("payload")
        || o.contains_key("signatures")
        || o.contains_key("signature")
}

/// A JWS or JWE in the flattened or general JSON serialization.
pub fn json(o: &Object) -> Result<Peeked, Rejection> {
    if o.contains_key("ciphertext") {
        return jwe::parse::from_object(o).map(|j| Peeked::Jwe(Box::new(j)));
    }
    let sig = |s: &Object| -> Result<SigHeaders, Rejection> {
        let protected = json::member_str(s, "protected")?
            .map(|p| header("protected header", p))
            .transpose()?;
        let header = json::member_obj(s, "header")?.cloned();
        let signature = json::member_str(s, "signature")?
            .ok_or_else(|| bad("a JWS signature needs a \"signature\" member"))?;
        Ok(SigHeaders {
            protected,
            header,
            signature_len: decode("signature", signature)?.len(),
        })
    };
    let (serialization, signatures) = match o.get("signatures") {
        Some(Value::Array(list)) => {
            if o.contains_key("signature") || o.contains_key("protected") {
                return Err(bad(
                    "a general JWS has \"signatures\" and no top-level signature members",
                ));
            }
            if list.is_empty() {
                return Err(bad("\"signatures\" is empty"));
            }
            if list.len() > MAX_SIGNATURES {
                return Err(too_many_signatures(list.len()));
            }
            let sigs = list
                .iter()
                .map(|v| {
                    v.as_object()
                        .ok_or_else(|| bad("each entry of \"signatures\" must be an object"))
                        .and_then(sig)
                })
                .collect::<Result<Vec<_>, _>>()?;
            (Serialization::General, sigs)
        }
        Some(_) => return Err(bad("\"signatures\" must be an array")),
        None => (Serialization::Flattened, vec![sig(o)?]),
    };
    if signatures
        .iter()
        .any(|s| s.protected.is_none() && s.header.is_none())
    {
        return Err(bad(
            "a JWS signature has neither a protected nor an unprotected header",
        ));
    }
    let payload = match json::member_str(o, "payload")? {
        None => None,
        Some(p) if unencoded(signatures.first().and_then(|s| s.protected.as_ref())) => {
            Some(p.as_bytes().to_vec())
        }
        Some(p) => Some(decode("payload", p)?),
    };
    Ok(Peeked::Jws(JwsPeek {
        serialization,
        signatures,
        payload,
    }))
}

impl JwsPeek {
    /// The payload as a JSON object (JWT claims), when it is one.
    pub fn claims(&self) -> Option<Object> {
        self.payload
            .as_deref()
            .and_then(|p| json::parse_object(p).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7515 Appendix A.1 (HS256 JWT).
    const A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn compact_jws() {
        let Ok(Peeked::Jws(p)) = compact(A1) else {
            panic!("not a JWS")
        };
        let claims = p.claims().unwrap_or_default();
        assert_eq!(claims.get("iss"), Some(&Value::from("joe")));
        assert_eq!(p.signatures.len(), 1);
        assert_eq!(p.signatures[0].signature_len, 32);
    }

    #[test]
    fn rejects() {
        for t in [
            "a.b",
            "e30.e30.x=",
            "W10.e30.AA",
            "eyJhIjoxLCJhIjoyfQ.e30.AA",
            "a.b.c.d",
        ] {
            assert!(compact(t).is_err(), "{t} accepted");
        }
    }
}
