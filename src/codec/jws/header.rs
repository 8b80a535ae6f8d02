//! The typed header of one JWS signature, read once when the token is
//! parsed: `alg` (RFC 7515 §4.1.1), `kid`, `typ`, `cty`, `crit` (§4.1.11),
//! `b64` (RFC 7797 §3), `x5c` and the certificate thumbprints.
//!
//! Only what makes the whole token unusable is refused while parsing (a
//! `b64` in the wrong place, names in both headers). A member that spoils
//! one signature keeps its rejection in its field and is answered where
//! verification reaches it, in the order of [`crate::ops::verify`]'s checks, so
//! that one bad signature of a general JWS does not spoil the others, and a
//! member no check asks for (a non-string `typ` without `--typ`, a broken
//! `x5c` without `--x5c-root`) rejects nothing.

use serde_json::{Map, Value};

use crate::codec::header as rules;
use crate::model::alg::JwsAlg;
use crate::model::error::{RejectCode, Rejection};

/// A header member as the strict rules read it: absent, its typed value, or
/// why the value is unusable (kept until a check needs the member).
pub type Checked<T> = Result<Option<T>, Rejection>;

/// The header of one JWS signature: the protected and unprotected members
/// merged, and the members verification reads, each parsed once.
#[derive(Debug, Clone)]
pub struct JwsHeader {
    /// The `alg`, or why it cannot be used (absent, not a string, `none`,
    /// unknown).
    pub alg: Result<JwsAlg, Rejection>,
    /// The `kid`; a non-string one is `malformed` when a key is looked up.
    pub kid: Checked<String>,
    /// The `typ`; a non-string one is `malformed` when `--typ` asks for it.
    pub typ: Checked<String>,
    /// The `cty`; a non-string one is `malformed`.
    pub cty: Checked<String>,
    /// RFC 7797 `b64` (true when absent): boolean, protected and in `crit`,
    /// else the token was refused while parsing.
    pub b64: bool,
    /// The `crit` names (empty without `crit`), checked for structure: a
    /// non-empty array of distinct strings naming extension parameters of
    /// the protected header. Whether they are understood depends on the
    /// caller ([`rules::crit_understood`]).
    pub crit: Result<Vec<String>, Rejection>,
    /// The `x5c` chain, DER, leaf first; problems are `bad_chain`. More
    /// than [`crate::crypto::chain::MAX_CHAIN`] certificates is refused
    /// before any is decoded.
    pub x5c: Checked<Vec<Vec<u8>>>,
    /// The `x5t` thumbprint, decoded from strict base64url.
    pub x5t: Checked<Vec<u8>>,
    /// The `x5t#S256` thumbprint, decoded from strict base64url.
    pub x5t_s256: Checked<Vec<u8>>,
    /// Every member as it appeared, for what prints the header.
    members: Map<String, Value>,
}

impl JwsHeader {
    /// Read the header of a signature whose members are all protected (the
    /// compact serialization).
    pub fn from_protected(protected: Map<String, Value>) -> Result<JwsHeader, Rejection> {
        let alg = alg(&protected);
        JwsHeader::with_alg(protected, alg)
    }

    /// As [`JwsHeader::from_protected`], with the `alg` already read.
    pub(super) fn with_alg(
        protected: Map<String, Value>,
        alg: Result<JwsAlg, Rejection>,
    ) -> Result<JwsHeader, Rejection> {
        let b64 = b64(&protected, None)?;
        let crit = crit(&protected);
        Ok(JwsHeader::read(protected, alg, b64, crit))
    }

    /// Read the header of a JSON-serialized signature: `protected` and a
    /// non-empty `unprotected` header, merged.
    pub(super) fn from_parts(
        protected: Map<String, Value>,
        unprotected: &Map<String, Value>,
    ) -> Result<JwsHeader, Rejection> {
        let merged = merge(&protected, unprotected)?;
        let b64 = b64(&protected, Some(unprotected))?;
        if unprotected.contains_key("crit") {
            return Err(Rejection::malformed(
                "\"crit\" must be in the protected header",
            ));
        }
        let crit = crit(&protected);
        let alg = alg(&merged);
        Ok(JwsHeader::read(merged, alg, b64, crit))
    }

    fn read(
        members: Map<String, Value>,
        alg: Result<JwsAlg, Rejection>,
        b64: bool,
        crit: Result<Vec<String>, Rejection>,
    ) -> JwsHeader {
        let mut h = JwsHeader {
            alg,
            kid: Ok(None),
            typ: Ok(None),
            cty: Ok(None),
            b64,
            crit,
            x5c: Ok(None),
            x5t: Ok(None),
            x5t_s256: Ok(None),
            members: Map::new(),
        };
        // One pass over the members rather than a hash lookup per field:
        // a header has few members, and each lookup hashes its name.
        for (name, v) in &members {
            match name.as_str() {
                "kid" => {
                    h.kid = string(v, |_| {
                        Rejection::malformed("header \"kid\" is not a string")
                    })
                }
                "typ" => {
                    h.typ = string(v, |v| {
                        Rejection::malformed(format!(
                            "header \"typ\" must be a string, found {}",
                            crate::codec::claims::type_name(v)
                        ))
                    })
                }
                "cty" => {
                    h.cty = string(v, |_| {
                        Rejection::malformed("header \"cty\" must be a string")
                    })
                }
                "x5c" => h.x5c = x5c(v).map(Some),
                "x5t" => h.x5t = thumbprint(v, name),
                "x5t#S256" => h.x5t_s256 = thumbprint(v, name),
                _ => {}
            }
        }
        h.members = members;
        h
    }

    /// Every member, protected and unprotected, as it appeared.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// The member `name` as it appeared, for members no field types.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// The `kid` when it is a string; a non-string one is ignored.
    pub fn kid_str(&self) -> Option<&str> {
        self.kid.as_ref().ok().and_then(Option::as_deref)
    }
}

/// Written as the member map: what prints the header prints the token's
/// own members, in their order.
impl serde::Serialize for JwsHeader {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.members.serialize(s)
    }
}

fn string(v: &Value, not_string: impl FnOnce(&Value) -> Rejection) -> Checked<String> {
    match v {
        Value::String(s) => Ok(Some(s.clone())),
        v => Err(not_string(v)),
    }
}

/// A thumbprint member, by the rule every base64url member follows.
fn thumbprint(v: &Value, name: &str) -> Checked<Vec<u8>> {
    rules::b64_value(name, v).map(Some)
}

fn bad_chain(why: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::BadChain, why)
}

fn x5c(x5c: &Value) -> Result<Vec<Vec<u8>>, Rejection> {
    let items = x5c
        .as_array()
        .ok_or_else(|| bad_chain("x5c is not an array"))?;
    let max = crate::crypto::chain::MAX_CHAIN;
    if items.len() > max {
        return Err(bad_chain(format!(
            "x5c holds {} certificates, more than the {max} accepted",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.as_str()
                .and_then(crate::codec::b64::decode_std)
                .ok_or_else(|| bad_chain(format!("x5c[{i}] is not a base64 certificate")))
        })
        .collect()
}

fn crit(protected: &Map<String, Value>) -> Result<Vec<String>, Rejection> {
    Ok(rules::crit_checked(protected)?
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// Parse `alg`: required, a string, a name we know. `none` is a known name
/// that is never allowed; names match case-sensitively (RFC 7515 §4.1.1),
/// so `None` or `NONE` is an unknown name like any other.
pub(super) fn alg(header: &Map<String, Value>) -> Result<JwsAlg, Rejection> {
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
fn b64(
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

/// Merge the protected and unprotected headers; a name in both is `malformed`
/// (RFC 7515 §7.2.1).
fn merge(
    protected: &Map<String, Value>,
    unprotected: &Map<String, Value>,
) -> Result<Map<String, Value>, Rejection> {
    let mut out = protected.clone();
    for (k, v) in unprotected {
        if out.contains_key(k) {
            return Err(Rejection::malformed(format!(
                "header parameter {k:?} is in both the protected and the unprotected header"
            )));
        }
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::b64;
    use crate::codec::header::{JWS_CRIT, crit_understood};

    /// A compact token with header text `h` (the signature is not checked
    /// here, only present).
    fn compact(h: &str) -> String {
        format!("{}.{}.AAAA", b64::encode(h), b64::encode("{}"))
    }

    fn parse(h: &str) -> Result<JwsHeader, Rejection> {
        let mut jws = super::super::parse(&compact(h))?;
        Ok(jws.signatures.remove(0).header)
    }

    fn header(h: &str) -> JwsHeader {
        match parse(h) {
            Ok(h) => h,
            Err(r) => panic!("{h}: {r:?}"),
        }
    }

    fn is(r: &Rejection, code: RejectCode, detail: &str) {
        assert_eq!((r.code, r.detail.as_str()), (code, detail));
    }

    /// The token is refused while parsing, with `code` and `detail`.
    fn refused(h: &str, code: RejectCode, detail: &str) {
        match parse(h) {
            Ok(h) => panic!("accepted: {h:?}"),
            Err(r) => is(&r, code, detail),
        }
    }

    /// The field's rejection (kept for verification).
    fn kept<T: std::fmt::Debug>(f: &Result<T, Rejection>, code: RejectCode, detail: &str) {
        match f {
            Ok(v) => panic!("no rejection: {v:?}"),
            Err(r) => is(r, code, detail),
        }
    }

    const M: RejectCode = RejectCode::Malformed;

    #[test]
    fn a_typical_header_reads_every_field() {
        let h = header(
            r#"{"alg":"RS256","kid":"k1","typ":"JWT","cty":"x","x5t":"AQI","x5t#S256":"AwQ"}"#,
        );
        assert_eq!(h.alg.as_ref().ok(), Some(&JwsAlg::RS256));
        assert_eq!(h.kid_str(), Some("k1"));
        assert_eq!(h.typ.as_ref().ok(), Some(&Some("JWT".to_owned())));
        assert_eq!(h.cty.as_ref().ok(), Some(&Some("x".to_owned())));
        assert!(h.b64);
        assert_eq!(h.crit.as_ref().ok(), Some(&Vec::new()));
        assert_eq!(h.x5t.as_ref().ok(), Some(&Some(vec![1, 2])));
        assert_eq!(h.x5t_s256.as_ref().ok(), Some(&Some(vec![3, 4])));
        assert!(matches!(h.x5c, Ok(None)));
        // What prints the header prints the members as they came.
        assert_eq!(
            serde_json::to_string(&h).ok().as_deref(),
            Some(
                r#"{"alg":"RS256","kid":"k1","typ":"JWT","cty":"x","x5t":"AQI","x5t#S256":"AwQ"}"#
            )
        );
    }

    #[test]
    fn a_duplicate_member_is_refused() {
        refused(
            r#"{"alg":"HS256","alg":"HS256"}"#,
            M,
            "protected header is not a JSON object: duplicate member \"alg\" at line 1 column 20",
        );
    }

    #[test]
    fn alg_problems_are_kept_for_the_signature() {
        kept(
            &header(r#"{"alg":1}"#).alg,
            M,
            "header \"alg\" is not a string",
        );
        kept(&header(r#"{"kid":"a"}"#).alg, M, "header has no \"alg\"");
        for name in ["HS999", "None"] {
            kept(
                &header(&format!(r#"{{"alg":"{name}"}}"#)).alg,
                RejectCode::UnsupportedAlg,
                &format!("unknown JWS algorithm {name:?}"),
            );
        }
        // `none` tokens have an empty signature: the alg is the answer.
        let jws = super::super::parse(&format!("{}.e30.", b64::encode(r#"{"alg":"none"}"#)));
        match jws {
            Ok(j) => kept(
                &j.signatures[0].header.alg,
                RejectCode::AlgNotAllowed,
                "alg \"none\" (an unsigned token) is never accepted",
            ),
            Err(r) => panic!("{r:?}"),
        }
    }

    #[test]
    fn non_string_members_are_kept_with_their_messages() {
        let h = header(r#"{"alg":"HS256","kid":1,"typ":1,"cty":[]}"#);
        kept(&h.kid, M, "header \"kid\" is not a string");
        assert_eq!(h.kid_str(), None);
        kept(&h.typ, M, "header \"typ\" must be a string, found number");
        kept(&h.cty, M, "header \"cty\" must be a string");
        let h = header(r#"{"alg":"HS256","typ":{}}"#);
        kept(&h.typ, M, "header \"typ\" must be a string, found object");
    }

    #[test]
    fn crit_structure_is_checked_once() {
        let cases = [
            (r#"{"alg":"HS256","crit":[]}"#, "\"crit\" is an empty array"),
            (
                r#"{"alg":"HS256","crit":"ext"}"#,
                "\"crit\" is not an array",
            ),
            (
                r#"{"alg":"HS256","crit":[1]}"#,
                "\"crit\" holds a value that is not a string",
            ),
            (
                r#"{"alg":"HS256","crit":["ext"]}"#,
                "\"crit\" lists \"ext\", which is not in the protected header",
            ),
            (
                r#"{"alg":"HS256","crit":["kid"],"kid":"a"}"#,
                "\"crit\" lists the registered parameter \"kid\"",
            ),
            (
                r#"{"alg":"HS256","crit":["ext","ext"],"ext":1}"#,
                "\"crit\" lists \"ext\" twice",
            ),
        ];
        for (h, detail) in cases {
            kept(&header(h).crit, M, detail);
        }
        let h = header(r#"{"alg":"HS256","crit":["ext"],"ext":1}"#);
        let names = h.crit.unwrap_or_default();
        assert_eq!(names, ["ext"]);
        match crit_understood(&names, JWS_CRIT, &[]) {
            Ok(()) => panic!("unknown crit accepted"),
            Err(r) => is(
                &r,
                RejectCode::UnknownCrit,
                "critical header parameter \"ext\" is not understood (allow it with --crit ext)",
            ),
        }
        assert!(crit_understood(&names, JWS_CRIT, &["ext".to_owned()]).is_ok());
    }

    #[test]
    fn b64_must_be_a_protected_boolean_listed_in_crit() {
        refused(
            r#"{"alg":"HS256","b64":"no","crit":["b64"]}"#,
            M,
            "header \"b64\" is not a boolean",
        );
        refused(
            r#"{"alg":"HS256","b64":false}"#,
            M,
            "\"b64\" is used but not listed in \"crit\"",
        );
        let h = header(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
        assert!(!h.b64);
        assert_eq!(h.crit.as_ref().ok(), Some(&vec!["b64".to_owned()]));
        let flattened = |unprotected: &str| {
            super::super::parse(&format!(
                r#"{{"protected":"{}","header":{unprotected},"payload":"e30","signature":"AAAA"}}"#,
                b64::encode(r#"{"alg":"HS256"}"#)
            ))
        };
        for (u, detail) in [
            (
                r#"{"b64":false}"#,
                "\"b64\" must be in the protected header",
            ),
            (
                r#"{"crit":["x"]}"#,
                "\"crit\" must be in the protected header",
            ),
            (
                r#"{"alg":"HS256"}"#,
                "header parameter \"alg\" is in both the protected and the unprotected header",
            ),
        ] {
            match flattened(u) {
                Ok(j) => panic!("{u} accepted: {j:?}"),
                Err(r) => is(&r, M, detail),
            }
        }
        // An unprotected member is read like a protected one.
        match flattened(r#"{"kid":"k"}"#) {
            Ok(j) => assert_eq!(j.signatures[0].header.kid_str(), Some("k")),
            Err(r) => panic!("{r:?}"),
        }
    }

    #[test]
    fn x5c_problems_are_bad_chain() {
        let c = RejectCode::BadChain;
        kept(
            &header(r#"{"alg":"HS256","x5c":"abc"}"#).x5c,
            c,
            "x5c is not an array",
        );
        for bad in ["[1]", r#"["!!"]"#, r#"["AAAA","A-_B"]"#] {
            let i = usize::from(bad.contains("A-_B"));
            kept(
                &header(&format!(r#"{{"alg":"HS256","x5c":{bad}}}"#)).x5c,
                c,
                &format!("x5c[{i}] is not a base64 certificate"),
            );
        }
        let eleven = format!(
            r#"{{"alg":"HS256","x5c":[{}"!!"]}}"#,
            "\"AAAA\",".repeat(10)
        );
        kept(
            &header(&eleven).x5c,
            c,
            "x5c holds 11 certificates, more than the 10 accepted",
        );
        let h = header(r#"{"alg":"HS256","x5c":["AAEC","Aw=="]}"#);
        assert_eq!(h.x5c.ok(), Some(Some(vec![vec![0, 1, 2], vec![3]])));
    }

    #[test]
    fn thumbprints_are_strict_base64url_of_any_length() {
        let h = header(r#"{"alg":"HS256","x5t":1,"x5t#S256":"AAAA="}"#);
        kept(&h.x5t, M, "header \"x5t\" must be a string");
        kept(
            &h.x5t_s256,
            M,
            "header \"x5t#S256\" is not strict base64url",
        );
        kept(
            &header(r#"{"alg":"HS256","x5t":"a+b"}"#).x5t,
            M,
            "header \"x5t\" is not strict base64url",
        );
        // A SHA-256 thumbprint of the wrong length is no rejection: it
        // matches no certificate, as before the header was typed.
        let h = header(r#"{"alg":"HS256","x5t#S256":"AAAA"}"#);
        assert_eq!(h.x5t_s256.ok(), Some(Some(vec![0, 0, 0])));
    }
}
