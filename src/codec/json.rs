//! Strict JSON for headers and JWS/JWE JSON serializations: objects only
//! where an object is required, duplicate member names rejected (RFC 7515
//! §5.2 step 4, RFC 7516 §5.2 step 4), nesting depth bounded.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Deepest nesting accepted in any JOSE JSON text.
pub const MAX_DEPTH: usize = 64;

/// Every JSON value read becomes a `serde_json::Value` of some 80 bytes,
/// however short its text: 21 million `{}` in 63 MB of input took 1.5 GB.
/// A text may hold one value per this many of its bytes (or
/// [`MIN_VALUES`]), which keeps the parsed form within about ten times the
/// text. Real headers, claims and serializations hold far fewer.
pub const BYTES_PER_VALUE: usize = 8;
/// The values any text may hold, however short.
pub const MIN_VALUES: usize = 1 << 16;

/// The most values a text of `len` bytes may hold.
pub fn max_values(len: usize) -> usize {
    (len / BYTES_PER_VALUE).max(MIN_VALUES)
}

/// Why a strict JSON text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// More values than [`max_values`] allows for the text's length.
    TooMany {
        /// The bound exceeded: [`max_values`] of the text's length.
        limit: usize,
    },
    /// Not strict JSON of the expected shape; a human reason.
    Invalid(String),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::TooMany { limit } => write!(
                f,
                "more than {limit} JSON values (one per {BYTES_PER_VALUE} bytes of the text)"
            ),
            JsonError::Invalid(why) => f.write_str(why),
        }
    }
}

impl JsonError {
    /// The rejection of a token part that failed to parse: too many values
    /// is `too_large`, anything else `malformed`, with `what` in front.
    pub fn rejection(&self, what: &str) -> crate::model::error::Rejection {
        use crate::model::error::{RejectCode, Rejection};
        let code = match self {
            JsonError::TooMany { .. } => RejectCode::TooLarge,
            JsonError::Invalid(_) => RejectCode::Malformed,
        };
        Rejection::new(code, format!("{what}: {self}"))
    }
}

/// Parse a JSON text that must be an object, rejecting duplicate members at
/// any depth.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    match parse_value(bytes)? {
        Value::Object(m) => Ok(m),
        _ => Err(JsonError::Invalid("not a JSON object".into())),
    }
}

/// Parse any JSON value strictly (duplicates rejected, depth and value
/// count bounded).
pub fn parse_value(bytes: &[u8]) -> Result<Value, JsonError> {
    let budget = Budget::for_text(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Strict::new(0, &budget)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| budget.error(e))
}

/// The values a text may still hold, and whether it ran out.
struct Budget {
    left: std::cell::Cell<usize>,
    limit: usize,
    spent: std::cell::Cell<bool>,
    /// Room for members the outermost object starts with.
    members: usize,
}

impl Budget {
    fn for_text(bytes: &[u8]) -> Budget {
        let limit = max_values(bytes.len());
        Budget {
            left: std::cell::Cell::new(limit),
            limit,
            spent: std::cell::Cell::new(false),
            // A header's or claims' member takes some 30 bytes of text: an
            // ID token's dozen claims get room for all of them at once
            // instead of growing (and rehashing) from 8 to 16.
            members: (bytes.len() / 32).clamp(8, 32),
        }
    }

    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.spent.set(true);
                Err(E::custom("too many JSON values"))
            }
        }
    }

    fn error(&self, e: serde_json::Error) -> JsonError {
        if self.spent.get() {
            JsonError::TooMany { limit: self.limit }
        } else {
            JsonError::Invalid(e.to_string())
        }
    }
}

/// Why [`parse_capped`] refused a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CappedError {
    /// The top-level member `name` is an array of `len` entries, more than
    /// its bound.
    TooLong {
        /// The member's name, as in `caps`.
        name: String,
        /// The entries the array holds, all counted.
        len: usize,
    },
    /// More values than [`max_values`] allows for the text's length.
    TooMany {
        /// The bound exceeded: [`max_values`] of the text's length.
        limit: usize,
    },
    /// Not a strict JSON object; a human reason.
    Invalid(String),
}

/// [`parse_object`] for a JOSE JSON serialization: each top-level member
/// named in `caps` that is an array keeps at most its bound of entries. The
/// rest are only counted, with nothing stored, so a list of a million
/// `signatures` costs the time to read it and no memory, and is refused with
/// its length.
pub fn parse_capped(
    bytes: &[u8],
    caps: &[(&str, usize)],
) -> Result<Map<String, Value>, CappedError> {
    let over = std::cell::Cell::new(None);
    let budget = Budget::for_text(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Strict {
        depth: 0,
        caps,
        cap: None,
        over: Some(&over),
        budget: &budget,
    };
    let parsed = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    if let Some((name, len)) = over.take() {
        return Err(CappedError::TooLong { name, len });
    }
    match parsed {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(CappedError::Invalid("not a JSON object".into())),
        Err(e) => Err(match budget.error(e) {
            JsonError::TooMany { limit } => CappedError::TooMany { limit },
            JsonError::Invalid(why) => CappedError::Invalid(why),
        }),
    }
}

type Over = std::cell::Cell<Option<(String, usize)>>;

struct Strict<'c> {
    depth: usize,
    /// Bounds for the top-level members of this object (only at depth 0).
    caps: &'c [(&'c str, usize)],
    /// This array's bound, with its member name.
    cap: Option<(&'c str, usize)>,
    /// Where an array past its bound records its name and length.
    over: Option<&'c Over>,
    /// The values the whole text may still hold.
    budget: &'c Budget,
}

impl<'c> Strict<'c> {
    fn new(depth: usize, budget: &'c Budget) -> Self {
        Strict {
            depth,
            caps: &[],
            cap: None,
            over: None,
            budget,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.budget.take()?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "JSON nested deeper than {MAX_DEPTH}"
            )));
        }
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict::new(depth, self.budget))? {
            out.push(v);
            if let Some((name, max)) = self.cap
                && out.len() == max
            {
                let mut len = max;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {
                    len += 1;
                }
                if len == max {
                    break;
                }
                if let Some(over) = self.over {
                    over.set(Some((name.to_owned(), len)));
                }
                return Err(de::Error::custom(format!(
                    "{name:?} holds {len} entries, more than {max}"
                )));
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "JSON nested deeper than {MAX_DEPTH}"
            )));
        }
        // Room for the members the text's length suggests (8 to 32): one
        // allocation instead of growing (and rehashing) from empty. Only for
        // the outermost object: an array of a million `{}` would otherwise
        // cost a kilobyte of room for members per 3 bytes of input.
        let mut out = if depth == 1 {
            Map::with_capacity(self.budget.members)
        } else {
            Map::new()
        };
        while let Some(k) = map.next_key::<String>()? {
            let cap = (depth == 1)
                .then(|| self.caps.iter().find(|(n, _)| *n == k).copied())
                .flatten();
            let seed = Strict {
                depth,
                caps: &[],
                cap,
                over: self.over,
                budget: self.budget,
            };
            // One hash of the name for both the duplicate check and the insert.
            match out.entry(k) {
                serde_json::map::Entry::Occupied(o) => {
                    return Err(de::Error::custom(format!("duplicate member {:?}", o.key())));
                }
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(map.next_value_seed(seed)?);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Member `name` of a JSON serialization object (RFC 7515 §7.2, RFC 7516
/// §7.2) as a string; present but not a string is `malformed`.
pub fn member_str<'a>(
    o: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, crate::model::Rejection> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(crate::model::Rejection::malformed(format!(
            "JSON member {name:?} must be a string"
        ))),
    }
}

/// Member `name` of a JSON serialization object as an object (a header);
/// present but not an object is `malformed`.
pub fn member_obj<'a>(
    o: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, crate::model::Rejection> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(crate::model::Rejection::malformed(format!(
            "JSON member {name:?} must be an object"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        assert!(parse_object(br#"{"a":1,"b":{"c":[1,2]}}"#).is_ok());
        assert!(parse_object(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse_object(br#"{"a":{"b":1,"b":1}}"#).is_err());
        assert!(parse_object(br#"[1]"#).is_err());
        assert!(parse_object(br#"{"a":1} x"#).is_err());
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse_value(deep.as_bytes()).is_err());
    }

    #[test]
    fn a_text_holds_one_value_per_eight_bytes_or_the_minimum() {
        let array = |n: usize| format!("{{\"a\":[{}]}}", vec!["0"; n].join(","));
        // Short texts may be dense up to the minimum.
        assert!(parse_object(array(MIN_VALUES - 2).as_bytes()).is_ok());
        let over = array(MIN_VALUES);
        assert_eq!(
            parse_object(over.as_bytes()),
            Err(JsonError::TooMany {
                limit: max_values(over.len())
            })
        );
        // Long texts: values of 9 bytes are fine, denser is refused.
        let n = 4 * MIN_VALUES;
        let sparse = format!("[{}]", vec!["\"abcdef\""; n].join(","));
        assert!(parse_value(sparse.as_bytes()).is_ok());
        let dense = format!(
            "{{\"x\":\"{}\",\"a\":[{}]}}",
            "y".repeat(n),
            vec!["{}"; n].join(",")
        );
        assert!(matches!(
            parse_capped(dense.as_bytes(), &[]),
            Err(CappedError::TooMany { .. })
        ));
        let e = parse_value(b"[1,").expect_err("invalid");
        assert!(matches!(e, JsonError::Invalid(_)), "{e:?}");
    }

    #[test]
    fn capped_members_stop_storing_at_their_bound() {
        let caps = [("s", 3)];
        let list = |n: usize| format!(r#"{{"s":[{}],"t":[1,2,3,4]}}"#, vec!["{}"; n].join(","));
        for n in 0..=3 {
            let o = parse_capped(list(n).as_bytes(), &caps).expect("within");
            assert_eq!(o.get("s").and_then(Value::as_array).map(Vec::len), Some(n));
        }
        assert_eq!(
            parse_capped(list(1000).as_bytes(), &caps),
            Err(CappedError::TooLong {
                name: "s".into(),
                len: 1000
            })
        );
        // Only a top-level array is capped; the rest is read as usual.
        assert!(parse_capped(br#"{"s":{"a":1}}"#, &caps).is_ok());
        assert!(parse_capped(br#"{"x":{"s":[1,2,3,4]}}"#, &caps).is_ok());
        assert!(matches!(
            parse_capped(br#"{"s":[1,2,3,4,"#, &caps),
            Err(CappedError::Invalid(_))
        ));
        assert!(matches!(
            parse_capped(br#"{"a":1,"a":2}"#, &caps),
            Err(CappedError::Invalid(_))
        ));
    }
}
