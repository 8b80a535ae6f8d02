//! Reading compact (five parts) and JSON (flattened, general) JWEs strictly.

use serde_json::Value;

use super::{Header, Jwe, Recipient};
use crate::error::Rejection;
use crate::jose::{b64, json};

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
    json::parse_object(&raw).map_err(|e| bad(format!("protected header: {e}")))
}

/// Parse a JWE in any serialization.
pub fn parse(token: &str) -> Result<Jwe, Rejection> {
    let t = token.trim();
    if t.starts_with('{') {
        return parse_json(t);
    }
    let parts: Vec<&str> = t.split('.').collect();
    match parts.len() {
        5 => {}
        3 => {
            return Err(bad(
                "this is a JWS (three parts), not a JWE: use `jose verify`",
            ));
        }
        n => return Err(bad(format!("a compact JWE has 5 parts, found {n}"))),
    }
    let [p, ek, iv, ct, tag] = [parts[0], parts[1], parts[2], parts[3], parts[4]];
    let protected = header_from_b64(p)?;
    Ok(Jwe {
        protected_b64: p.to_owned(),
        protected,
        unprotected: None,
        recipients: vec![Recipient {
            header: None,
            encrypted_key: decode(ek, "the encrypted key")?,
        }],
        iv: decode(iv, "the IV")?,
        ciphertext: decode(ct, "the ciphertext")?,
        tag: decode(tag, "the authentication tag")?,
        aad_b64: None,
    })
}

fn opt_str<'a>(
    o: &'a serde_json::Map<String, Value>,
    k: &str,
) -> Result<Option<&'a str>, Rejection> {
    match o.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(format!("JSON member {k:?} must be a string"))),
    }
}

fn opt_obj(o: &serde_json::Map<String, Value>, k: &str) -> Result<Option<Header>, Rejection> {
    match o.get(k) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m.clone())),
        Some(_) => Err(bad(format!("JSON member {k:?} must be an object"))),
    }
}

fn recipient(o: &serde_json::Map<String, Value>) -> Result<Recipient, Rejection> {
    Ok(Recipient {
        header: opt_obj(o, "header")?,
        encrypted_key: match opt_str(o, "encrypted_key")? {
            Some(s) => decode(s, "encrypted_key")?,
            None => Vec::new(),
        },
    })
}

fn parse_json(t: &str) -> Result<Jwe, Rejection> {
    let o = json::parse_object(t.as_bytes()).map_err(|e| bad(format!("JWE JSON: {e}")))?;
    if o.contains_key("payload") || o.contains_key("signatures") || o.contains_key("signature") {
        return Err(bad("this is a JWS, not a JWE: use `jose verify`"));
    }
    let (protected_b64, protected) = match opt_str(&o, "protected")? {
        Some(p) => (p.to_owned(), header_from_b64(p)?),
        None => (String::new(), Header::new()),
    };
    let recipients = match o.get("recipients") {
        Some(Value::Array(rs)) => {
            if o.contains_key("header") || o.contains_key("encrypted_key") {
                return Err(bad(
                    "a JWE has either \"recipients\" or a flattened \"header\"/\"encrypted_key\", not both",
                ));
            }
            if rs.is_empty() || rs.len() > MAX_RECIPIENTS {
                return Err(bad(format!(
                    "a general JWE needs 1 to {MAX_RECIPIENTS} recipients, found {}",
                    rs.len()
                )));
            }
            rs.iter()
                .map(|r| match r {
                    Value::Object(r) => recipient(r),
                    _ => Err(bad("every recipient must be a JSON object")),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => return Err(bad("\"recipients\" must be an array")),
        None => vec![recipient(&o)?],
    };
    let need = |k: &str| -> Result<Vec<u8>, Rejection> {
        match opt_str(&o, k)? {
            Some(s) => decode(s, k),
            None => Err(bad(format!("JWE JSON lacks {k:?}"))),
        }
    };
    let iv = match opt_str(&o, "iv")? {
        Some(s) => decode(s, "iv")?,
        None => Vec::new(),
    };
    let tag = match opt_str(&o, "tag")? {
        Some(s) => decode(s, "tag")?,
        None => Vec::new(),
    };
    let ciphertext = need("ciphertext")?;
    let aad_b64 = match opt_str(&o, "aad")? {
        Some(s) => {
            decode(s, "aad")?;
            Some(s.to_owned())
        }
        None => None,
    };
    Ok(Jwe {
        protected_b64,
        protected,
        unprotected: opt_obj(&o, "unprotected")?,
        recipients,
        iv,
        ciphertext,
        tag,
        aad_b64,
    })
}
