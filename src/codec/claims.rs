//! Typed access to JWT claims (RFC 7519 §4.1) and the human renderings of
//! times used in rejection messages.

use serde_json::{Map, Value};

use crate::model::error::{RejectCode, Rejection};

/// A NumericDate claim (`exp`, `nbf`, `iat`, `auth_time`): absent, or seconds
/// since the epoch. Fractions are truncated toward the past; any other JSON
/// type is `malformed`.
pub fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, Rejection> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64() {
                // `as` saturates, so absurd values become far past/future.
                Ok(Some(f.floor() as i64))
            } else {
                Err(Rejection::malformed(format!(
                    "claim {name:?} is not a number"
                )))
            }
        }
        Some(v) => Err(Rejection::malformed(format!(
            "claim {name:?} must be a NumericDate (a number), found {}",
            type_name(v)
        ))),
    }
}

/// A StringOrURI claim (`iss`, `sub`, `jti`, `azp`).
pub fn string<'a>(
    claims: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Rejection> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(Rejection::malformed(format!(
            "claim {name:?} must be a string, found {}",
            type_name(v)
        ))),
    }
}

/// `aud`: a string or an array of strings (RFC 7519 §4.1.3).
pub fn audience(claims: &Map<String, Value>) -> Result<Option<Vec<&str>>, Rejection> {
    match claims.get("aud") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.as_str()])),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.as_str()),
                other => Err(Rejection::malformed(format!(
                    "claim \"aud\" holds a {}, not a string",
                    type_name(other)
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(Rejection::malformed(format!(
            "claim \"aud\" must be a string or an array of strings, found {}",
            type_name(v)
        ))),
    }
}

/// The JSON type of `v` as rejection messages name it: `"null"`,
/// `"boolean"`, `"number"`, `"string"`, `"array"` or `"object"`.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `2026-11-23T10:39:40Z`; out-of-range values are shown as raw seconds.
pub fn utc(t: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => {
            let f =
                time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
            d.format(&f).unwrap_or_else(|_| format!("{t} (unix)"))
        }
        Err(_) => format!("{t} (unix)"),
    }
}

/// "3h12m", "45s", "2d4h": the two largest units.
pub fn human_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let units = [(86_400u64, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut out = String::new();
    let mut rest = s;
    let mut used = 0;
    for (size, name) in units {
        let n = rest / size;
        if n > 0 || (used > 0 && used < 2) {
            if n > 0 {
                out.push_str(&format!("{n}{name}"));
            }
            rest %= size;
            used += 1;
            if used == 2 {
                break;
            }
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// A missing claim that a check needs.
pub fn missing(name: &str, why: &str) -> Rejection {
    Rejection::new(
        RejectCode::MissingClaim,
        format!("the token has no {name:?} claim ({why})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(3 * 3600 + 12 * 60 + 5), "3h12m");
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(2 * 86400 + 4 * 3600), "2d4h");
        assert_eq!(human_duration(86400 + 30), "1d");
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(-90), "1m30s");
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
