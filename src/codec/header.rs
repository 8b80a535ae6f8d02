//! JOSE header rules, written once for JWS and JWE: reading a member as a
//! string or as base64url, `alg` (RFC 7515 §4.1.1), `crit` (§4.1.11, RFC
//! 7516 §4.1.13) and `b64` (RFC 7797 §3, §6).

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::model::alg::JwsAlg;
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
    str_member(h, name)?
        .map(|s| {
            crate::codec::b64::decode(s).ok_or_else(|| {
                Rejection::malformed(format!("header {name:?} is not strict base64url"))
            })
        })
        .transpose()
}

/// Header parameter names registered by RFC 7515/7516/7518: never valid in
/// `crit`, which is for extensions.
pub const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// `crit` extensions this implementation understands by itself in a JWS.
pub const JWS_CRIT: &[&str] = &["b64"];

/// Parse `alg`: required, a string, a name we know. `none` is a known name
/// that is never allowed; names match case-sensitively (RFC 7515 §4.1.1),
/// so `None` or `NONE` is an unknown name like any other.
pub fn alg(header: &Map<String, Value>) -> Result<JwsAlg, Rejection> {
    match header.get("alg") {
        None => Err(Rejection::malformed("header has no \"alg\"")),
        Some(Value::String(s)) => {
            if s == "none" {
                return Err(Rejection::new(
                    RejectCode::AlgNotAllowed,
                    format!("alg {s:?} (an unsigned token) is never accepted"),
                ));
            }
            s.parse().map_err(|_| {
                Rejection::new(
                    RejectCode::UnsupportedAlg,
                    format!("unknown JWS algorithm {s:?}"),
                )
            })
        }
        Some(_) => Err(Rejection::malformed("header \"alg\" is not a string")),
    }
}

/// The RFC 7797 `b64` value of a protected header (default true). It must
/// be a boolean, protected, and listed in `crit`.
pub fn b64(
    protected: &Map<String, Value>,
    unprotected: Option<&Map<String, Value>>,
) -> Result<bool, Rejection> {
    if unprotected.is_some_and(|u| u.contains_key("b64")) {
        return Err(Rejection::malformed(
            "\"b64\" must be in the protected header",
        ));
    }
    match protected.get("b64") {
        None => Ok(true),
        Some(Value::Bool(b)) => {
            let listed = matches!(protected.get("crit"), Some(Value::Array(a)) if a.iter().any(|v| v == "b64"));
            if !listed {
                return Err(Rejection::malformed(
                    "\"b64\" is used but not listed in \"crit\"",
                ));
            }
            Ok(*b)
        }
        Some(_) => Err(Rejection::malformed("header \"b64\" is not a boolean")),
    }
}

/// The names a protected header lists in `crit`, checked for structure in
/// one pass (a hash set, not a scan per name): a non-empty array of distinct
/// strings (RFC 7515 §4.1.11). `None`: no `crit`.
pub fn crit_names(protected: &Map<String, Value>) -> Result<Option<Vec<&str>>, Rejection> {
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
/// says whether an unprotected header holds one), a non-empty array of
/// distinct strings naming extension parameters present in the protected
/// header (structure errors are `malformed`), each one `understood` by the
/// format (`b64` for JWS, none for JWE) or allowed by the caller (else
/// `unknown_crit`). Every step is a hash lookup per name: linear in the
/// header.
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
    let Some(names) = crit_names(protected)? else {
        return Ok(());
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
    // `--crit` names come from the operator, not the token; a set all the
    // same, so that a long list costs one pass.
    let allowed: HashSet<&str> = allowed.iter().map(String::as_str).collect();
    for n in names {
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

/// Merge the protected and unprotected headers; a name in both is `malformed`
/// (RFC 7515 §7.2.1).
pub fn merge(
    protected: &Map<String, Value>,
    unprotected: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>, Rejection> {
    let mut out = protected.clone();
    if let Some(u) = unprotected {
        for (k, v) in u {
            if out.contains_key(k) {
                return Err(Rejection::malformed(format!(
                    "header parameter {k:?} is in both the protected and the unprotected header"
                )));
            }
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(out)
}
