//! Value parsers for the command line: times, durations, NAME=VALUE pairs.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A time as the contract writes it: unix seconds, RFC 3339, or a duration
/// relative to now (`30s`, `15m`, `1h`, `7d`, `-5m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeArg {
    Absolute(i64),
    Relative(i64),
}

impl TimeArg {
    /// Resolve against `now` (unix seconds).
    pub fn resolve(self, now: i64) -> i64 {
        match self {
            TimeArg::Absolute(t) => t,
            TimeArg::Relative(d) => now.saturating_add(d),
        }
    }
}

/// Parse a duration: an optional sign, digits, and a unit `s`, `m`, `h`, `d`,
/// `w`; several may follow each other (`1h30m`). Bare digits are seconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() {
        return Err(format!("invalid duration {s:?}"));
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    let mut saw_unit = false;
    for c in body.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let mult = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => {
                return Err(format!(
                    "invalid duration {s:?}: unknown unit {c:?} (use s, m, h, d, w)"
                ));
            }
        };
        let n: i64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
        total = n
            .checked_mul(mult)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration {s:?} is out of range"))?;
        num.clear();
        saw_unit = true;
    }
    if !num.is_empty() {
        if saw_unit {
            return Err(format!(
                "invalid duration {s:?}: trailing number without a unit"
            ));
        }
        total = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
    }
    Ok(if neg { -total } else { total })
}

/// Parse a T value: unix seconds, RFC 3339, or a relative duration with a unit.
pub fn parse_time(s: &str) -> Result<TimeArg, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map(TimeArg::Absolute)
            .map_err(|_| format!("time {s:?} is out of range"));
    }
    if let Ok(dt) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(TimeArg::Absolute(dt.unix_timestamp()));
    }
    parse_duration(t).map(TimeArg::Relative).map_err(|_| {
        format!("invalid time {s:?}: use unix seconds, RFC 3339 (2026-01-02T03:04:05Z) or a duration (30s, 15m, 1h, 7d, -5m)")
    })
}

/// A non-negative duration in seconds.
pub fn parse_positive_duration(s: &str) -> Result<i64, String> {
    let d = parse_duration(s)?;
    if d < 0 {
        return Err(format!("duration {s:?} must not be negative"));
    }
    Ok(d)
}

/// A non-negative duration as whole seconds (`--leeway`, `--timeout`):
/// a bare number is seconds, as everywhere.
pub fn parse_seconds(s: &str) -> Result<u64, String> {
    parse_positive_duration(s).map(|d| d.unsigned_abs())
}

/// `NAME=JSON` for header parameters: the value must be JSON.
pub fn parse_header_param(s: &str) -> Result<(String, Value), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=JSON, got {s:?}"))?;
    if name.is_empty() {
        return Err(format!("empty parameter name in {s:?}"));
    }
    let value = serde_json::from_str(value).map_err(|e| {
        format!("value of {name:?} is not JSON ({e}); quote strings: {name}='\"text\"'")
    })?;
    Ok((name.to_owned(), value))
}

/// `NAME=VALUE` for claims: VALUE is JSON when it parses as JSON, else a string.
pub fn parse_claim(s: &str) -> Result<(String, Value), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got {s:?}"))?;
    if name.is_empty() {
        return Err(format!("empty claim name in {s:?}"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

/// A byte count, with an optional K/M/G (binary) suffix.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: usize = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("invalid size {s:?}: use bytes or a K, M, G suffix")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("invalid size {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(30));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("-5m"), Ok(-300));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1h5").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
        assert_eq!(parse_seconds("5m"), Ok(300));
        assert_eq!(parse_seconds("60"), Ok(60));
        assert!(parse_seconds("-5m").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("1700000000"),
            Ok(TimeArg::Absolute(1_700_000_000))
        );
        assert_eq!(
            parse_time("2023-11-14T22:13:20Z"),
            Ok(TimeArg::Absolute(1_700_000_000))
        );
        assert_eq!(parse_time("1h"), Ok(TimeArg::Relative(3600)));
        assert_eq!(parse_time("-5m"), Ok(TimeArg::Relative(-300)));
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn claims_and_headers() {
        assert_eq!(parse_claim("n=5"), Ok(("n".into(), Value::from(5))));
        assert_eq!(parse_claim("s=abc"), Ok(("s".into(), Value::from("abc"))));
        assert_eq!(parse_claim("e="), Ok(("e".into(), Value::from(""))));
        assert!(parse_header_param("x=abc").is_err());
        assert_eq!(
            parse_header_param("x=\"abc\""),
            Ok(("x".into(), Value::from("abc")))
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("1T").is_err());
    }
}
