//! JOSE header rules, written once for JWS and JWE: reading a member as a
//! string or as base64url, and `crit` (RFC 7515 §4.1.11, RFC 7516 §4.1.13).
//! A JWS signature's header is read once into [`crate::codec::jws::JwsHeader`].

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::model::error::{RejectCode, Rejection};

/// Something header members can be read from: one header object, or the
/// joint view of a JWE recipient's headers.
pub trait Members<'a> {
    /// The member `name`, if present.
    fn member(&self, name: &str) -> Option<&'a Value>;
}

impl<'a> Members<'a> for &'a Map<String, Value> {
    fn member(&self, name: &str) -> Option<&'a Value> {
        self.get(name)
    }
}

impl<'a> Members<'a> for &crate::codec::jwe::JointHeader<'a> {
    fn member(&self, name: &str) -> Option<&'a Value> {
        self.get(name)
    }
}

/// Header parameter `name` as a string; present but not a string is
/// `malformed`.
pub fn str_member<'a>(h: impl Members<'a>, name: &str) -> Result<Option<&'a str>, Rejection> {
    match h.member(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Rejection::malformed(format!(
            "header {name:?} must be a string"
        ))),
    }
}

/// Header parameter `name` as strict base64url bytes; present but not a
/// base64url string is `malformed`.
pub fn b64_member<'a>(h: impl Members<'a>, name: &str) -> Result<Option<Vec<u8>>, Rejection> {
    h.member(name).map(|v| b64_value(name, v)).transpose()
}

/// The value of header parameter `name` as strict base64url bytes: the one
/// rule (and message) for a base64url member of a JWS or JWE header.
pub fn b64_value(name: &str, v: &Value) -> Result<Vec<u8>, Rejection> {
    let Value::String(s) = v else {
        return Err(Rejection::malformed(format!(
            "header {name:?} must be a string"
        )));
    };
    crate::codec::b64::decode(s)
        .ok_or_else(|| Rejection::malformed(format!("header {name:?} is not strict base64url")))
}

/// Header parameter names registered by RFC 7515/7516/7518: never valid in
/// `crit`, which is for extensions.
pub const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// `crit` extensions this implementation understands by itself in a JWS.
pub const JWS_CRIT: &[&str] = &["b64"];

/// The names a protected header lists in `crit`, checked for structure in
/// one pass (a hash set, not a scan per name): a non-empty array of distinct
/// strings (RFC 7515 §4.1.11). `None`: no `crit`.
fn crit_names(protected: &Map<String, Value>) -> Result<Option<Vec<&str>>, Rejection> {
    let Some(crit) = protected.get("crit") else {
        return Ok(None);
    };
    let Value::Array(names) = crit else {
        return Err(Rejection::malformed("\"crit\" is not an array"));
    };
    if names.is_empty() {
        return Err(Rejection::malformed("\"crit\" is an empty array"));
    }
    let mut seen = HashSet::with_capacity(names.len());
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let Value::String(n) = n else {
            return Err(Rejection::malformed(
                "\"crit\" holds a value that is not a string",
            ));
        };
        if !seen.insert(n.as_str()) {
            return Err(Rejection::malformed(format!("\"crit\" lists {n:?} twice")));
        }
        out.push(n.as_str());
    }
    Ok(Some(out))
}

/// The one `crit` check, for JWS and JWE: `crit` is protected (`elsewhere`
/// says whether an unprotected header holds one), its structure is sound
/// ([`crit_checked`]), and each name is `understood` by the format (`b64`
/// for JWS, none for JWE) or allowed by the caller ([`crit_understood`]).
/// A JWS runs the two halves apart: the structure when the token is parsed,
/// the names when a caller's list is known.
pub fn check_crit(
    protected: &Map<String, Value>,
    elsewhere: bool,
    understood: &[&str],
    allowed: &[String],
) -> Result<(), Rejection> {
    if elsewhere {
        return Err(Rejection::malformed(
            "\"crit\" must be in the protected header",
        ));
    }
    let Some(names) = crit_checked(protected)? else {
        return Ok(());
    };
    crit_understood(&names, understood, allowed)
}

/// The structure half of the `crit` check: a non-empty array of distinct
/// strings naming extension parameters present in the protected header
/// (every error `malformed`), each step a hash lookup per name: linear in
/// the header. `None`: no `crit`.
pub fn crit_checked(protected: &Map<String, Value>) -> Result<Option<Vec<&str>>, Rejection> {
    let Some(names) = crit_names(protected)? else {
        return Ok(None);
    };
    for n in &names {
        if REGISTERED.contains(n) {
            return Err(Rejection::malformed(format!(
                "\"crit\" lists the registered parameter {n:?}"
            )));
        }
        if !protected.contains_key(*n) {
            return Err(Rejection::malformed(format!(
                "\"crit\" lists {n:?}, which is not in the protected header"
            )));
        }
    }
    Ok(Some(names))
}

/// The names half of the `crit` check: each name is `understood` by the
/// format or `allowed` by the caller, else `unknown_crit`.
pub fn crit_understood<S: AsRef<str>>(
    names: &[S],
    understood: &[&str],
    allowed: &[String],
) -> Result<(), Rejection> {
    if names.is_empty() {
        return Ok(());
    }
    // `--crit` names come from the operator, not the token; a set all the
    // same, so that a long list costs one pass.
    let allowed: HashSet<&str> = allowed.iter().map(String::as_str).collect();
    for n in names {
        let n = n.as_ref();
        if !understood.contains(&n) && !allowed.contains(n) {
            return Err(Rejection::new(
                RejectCode::UnknownCrit,
                format!(
                    "critical header parameter {n:?} is not understood (allow it with --crit {n})"
                ),
            ));
        }
    }
    Ok(())
}
