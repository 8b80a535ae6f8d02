//! The `--json` reports of `verify` and `decrypt` (one object per token,
//! the contract's shapes), and the note that says what a verification did
//! not check.

use serde_json::{Value, json};

use jose::Rejection;
use jose::b64;
use jose::decrypt::Decrypted;
use jose::jws;
use jose::verify::Verified;

use crate::cli::VerifyArgs;

/// The `--json` report of the contract, one object per token.
pub fn verify(token: &str, outcome: &std::result::Result<Verified, Rejection>) -> Value {
    match outcome {
        Ok(v) => json!({
            "valid": true,
            "header": Value::Object(v.header.members().clone()),
            "claims": v.claims.clone().map(Value::Object).unwrap_or(Value::Null),
            "payload_b64": b64::encode(&v.payload),
            "key": {
                "kid": v.key.kid,
                "thumbprint": v.key.thumbprint(),
            },
            "error": Value::Null,
        }),
        Err(r) => {
            // What can be shown of a rejected token: its header and payload
            // as found, never its claims as if they were vouched for.
            let parsed = jws::parse(token).ok();
            let header = parsed
                .as_ref()
                .and_then(|j| j.signatures.first())
                .map(|s| Value::Object(s.header.members().clone()))
                .unwrap_or(Value::Null);
            let payload = parsed
                .as_ref()
                .filter(|j| !j.detached)
                .and_then(|j| j.payload(None).ok())
                .map(|p| Value::String(b64::encode(p)))
                .unwrap_or(Value::Null);
            json!({
                "valid": false,
                "header": header,
                "claims": Value::Null,
                "payload_b64": payload,
                "key": Value::Null,
                "error": {"code": r.code.as_str(), "message": r.detail},
            })
        }
    }
}

/// The `--lines` report of one verification, appended to `out` with its
/// newline: the bytes of `with_line(line, verify(token, outcome))`
/// serialised, but an accepted token's header and claims are written from
/// where they are instead of cloned into a new tree first (the report of
/// every token of a stream). `thumbprint` is the verifying key's, which a
/// batch computes once per key.
pub fn write_verify_line(
    out: &mut Vec<u8>,
    line: usize,
    token: &str,
    outcome: &std::result::Result<Verified, Rejection>,
    thumbprint: Option<&str>,
) -> serde_json::Result<()> {
    let Ok(v) = outcome else {
        serde_json::to_writer(&mut *out, &with_line(line, verify(token, outcome)))?;
        out.push(b'\n');
        return Ok(());
    };
    out.extend_from_slice(b"{\"line\":");
    serde_json::to_writer(&mut *out, &line)?;
    out.extend_from_slice(b",\"valid\":true,\"header\":");
    serde_json::to_writer(&mut *out, &v.header)?;
    out.extend_from_slice(b",\"claims\":");
    if v.claims.is_some() && is_canonical(&v.payload) {
        // The claims were parsed from these very bytes.
        out.extend_from_slice(&v.payload);
    } else {
        serde_json::to_writer(&mut *out, &v.claims)?;
    }
    out.extend_from_slice(b",\"payload_b64\":");
    match compact_payload_segment(token, v) {
        // base64url text needs no JSON escape.
        Some(seg) => {
            out.push(b'"');
            out.extend_from_slice(seg.as_bytes());
            out.push(b'"');
        }
        None => serde_json::to_writer(&mut *out, &b64::encode(&v.payload))?,
    }
    out.extend_from_slice(b",\"key\":{\"kid\":");
    serde_json::to_writer(&mut *out, &v.key.kid)?;
    out.extend_from_slice(b",\"thumbprint\":");
    serde_json::to_writer(&mut *out, &thumbprint)?;
    out.extend_from_slice(b"},\"error\":null}\n");
    Ok(())
}

/// Whether `json`, a text the strict parser accepted, is already byte for
/// byte what serde_json writes for the value it parses to, so that a report
/// may copy it instead of writing the parsed tree again. Conservative: no
/// white space outside strings, no escapes in strings (serde_json writes
/// `\/` back as `/`, `\u0041` as `A`), and numbers only integers of at most 18
/// digits other than `-0` (a fraction or exponent is written again by
/// serde_json's own rules; a longer integer may not fit 64 bits). Member
/// order is kept by the parsed map, and a text with a duplicate member was
/// refused by the parser.
fn is_canonical(json: &[u8]) -> bool {
    // No escape anywhere (outside strings a backslash is not JSON at all),
    // so a string ends at the next quote; the parser refused raw control
    // characters in strings. One word-at-a-time search, then the structure.
    if json.contains(&b'\\') {
        return false;
    }
    let mut i = 0;
    let mut digits = 0;
    let mut prev = 0u8;
    while let Some(&c) = json.get(i) {
        i += 1;
        match c {
            b'"' => match json
                .get(i..)
                .and_then(|rest| rest.iter().position(|&b| b == b'"'))
            {
                Some(len) => i += len + 1,
                None => return false,
            },
            b'0'..=b'9' => {
                digits += 1;
                if digits > 18 || (c == b'0' && prev == b'-') {
                    return false;
                }
                prev = c;
                continue;
            }
            // An exponent follows a digit; the literals' `e` a letter.
            b'e' | b'E' if prev.is_ascii_digit() => return false,
            b'{' | b'}' | b'[' | b']' | b':' | b',' | b'-' => {}
            b't' | b'r' | b'u' | b'e' | b'f' | b'a' | b'l' | b's' | b'n' => {}
            _ => return false,
        }
        digits = 0;
        prev = c;
    }
    true
}

/// The payload segment of an accepted compact token whose payload was
/// decoded from it (`b64` not false, not detached): the token's own text
/// is then `b64::encode(payload)`, for the decoder is strict (no padding,
/// no non-canonical trailing bits), so it is written as it is instead of
/// encoded again.
fn compact_payload_segment<'t>(token: &'t str, v: &Verified) -> Option<&'t str> {
    if token.trim_start().starts_with('{') || !v.header.b64 {
        return None;
    }
    // The portable memchr, for the reason given in `jws::parse`.
    let dot = memchr::arch::all::memchr::One::new(b'.');
    let mut dots = dot.iter(token.as_bytes());
    let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
        return None;
    };
    let payload = token.get(d1 + 1..d2)?;
    // A token verified with a detached payload has an empty segment.
    (!payload.is_empty()).then_some(payload)
}

/// A `--lines` report: `"line": N` (the 1-based input line) first, then
/// the report of that line's token.
pub fn with_line(line: usize, report: Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("line".into(), line.into());
    if let Value::Object(r) = report {
        m.extend(r);
    }
    Value::Object(m)
}

/// The usual checks this verification did not make, for the success note:
/// only those really not made.
pub fn unasked_checks(args: &VerifyArgs, v: &Verified) -> Vec<&'static str> {
    let mut out = Vec::new();
    let Some(c) = &v.claims else {
        return out;
    };
    // A preset checks issuer and audience itself (Firebase: the project;
    // OIDC: the issuer, and --aud is required) and requires exp.
    let preset = args.remote.firebase.is_some() || args.remote.oidc.is_some();
    if args.policy.iss.is_none() && !preset {
        out.push("issuer (no --iss)");
    }
    if args.policy.aud.is_empty() && !preset {
        out.push("audience (no --aud)");
    }
    if !c.contains_key("exp") {
        out.push("expiry (the token has no exp)");
    }
    out
}

/// The protected header of a token that failed, when it can be read at all.
fn header_of(token: &str) -> Value {
    jose::jwe::parse(token)
        .ok()
        .and_then(|j| j.joint_header(0).ok())
        .map_or(Value::Object(Default::default()), Value::Object)
}

pub fn decrypt(token: &str, r: &std::result::Result<Decrypted, Rejection>) -> Value {
    match r {
        Ok(d) => json!({
            "valid": true,
            "header": Value::Object(d.header.clone()),
            "plaintext": std::str::from_utf8(&d.plaintext).ok(),
            "plaintext_b64": b64::encode(&d.plaintext),
            "error": null,
        }),
        Err(e) => json!({
            "valid": false,
            "header": header_of(token),
            "plaintext": null,
            "plaintext_b64": null,
            "error": {"code": e.code.as_str(), "message": e.detail},
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text judged canonical is what serde_json writes back for it.
    #[test]
    fn canonical_claims_are_the_serialised_tree() {
        let texts = [
            r#"{"sub":"a","n":1,"m":-12,"t":true,"f":false,"z":null}"#,
            r#"{"a":[],"o":{},"x":[1,[2,{"y":"é😀<>&'/"}]],"e":"e","k":"tree"}"#,
            r#"{"big":123456789012345678,"neg":-123456789012345678}"#,
            r#"{"big":1234567890123456789}"#,
            r#"{"huge":18446744073709551616}"#,
            r#"{"neg0":-0}"#,
            r#"{"zero":0,"z2":[0,-1,10]}"#,
            r#"{"f":1.5}"#,
            r#"{"f":1e3}"#,
            r#"{"f":1E3}"#,
            r#"{"f":10e-1}"#,
            r#"{"f":-0.0}"#,
            r#"{"s":"a\/b"}"#,
            r#"{"s":"\u0041"}"#,
            r#"{"s":"a\"b"}"#,
            r#"{"s":"\n"}"#,
            r#"{ "sub":"a"}"#,
            "{\"sub\":\"a\"}\n",
            "{\"sub\":\"a b\"}",
            r#"{"true":true,"false":[false],"null":null}"#,
        ];
        let canonical = [0, 1, 2, 6, 18, 19];
        for (i, t) in texts.iter().enumerate() {
            let parsed: Value = serde_json::from_str(t).expect(t);
            let written = serde_json::to_string(&parsed).expect("json");
            assert_eq!(is_canonical(t.as_bytes()), canonical.contains(&i), "{t}");
            if is_canonical(t.as_bytes()) {
                assert_eq!(written, *t);
            }
        }
    }
    use jose::Key;
    use jose::verify::KeyUsed;

    /// The streamed `--lines` report is byte for byte the tree's.
    #[test]
    fn streamed_line_report_is_the_tree_report() {
        let key = Key::new(jose::KeyMaterial::Okp {
            curve: jose::OkpCurve::Ed25519,
            x: vec![7; 32],
            d: None,
        });
        let header: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"alg":"EdDSA","kid":"k\u00e9","typ":"JWT"}"#).expect("header");
        // A verified token's claims are parsed from its payload; the report
        // may copy a payload that is already serde_json's own writing.
        let texts = [
            r#"{"sub":"a\"b","n":[1,2.5,null],"o":{"x":true}}"#,
            r#"{"sub":"a","n":[1,-2,null],"o":{"x":true,"e":{}}}"#,
        ];
        let cases = texts.map(|text| {
            let claims = serde_json::from_str(text).expect("claims");
            (text, Some(claims), Some("k1".to_owned()))
        });
        for (text, claims, kid) in cases.into_iter().chain([(texts[0], None, None)]) {
            let v = Verified {
                header: jose::jws::JwsHeader::from_protected(header.clone()).expect("header"),
                alg: jose::JwsAlg::EdDSA,
                payload: text.as_bytes().to_vec(),
                claims,
                key: KeyUsed {
                    kid,
                    index: 0,
                    set: Some(std::sync::Arc::new(jose::KeySet::new(vec![key.clone()]))),
                },
                signature_index: 0,
                warnings: Vec::new(),
            };
            let thumb = v.key.thumbprint();
            let outcome = Ok(v);
            let mut tree = serde_json::to_vec(&with_line(42, verify("t", &outcome))).expect("json");
            tree.push(b'\n');
            let mut streamed = Vec::new();
            write_verify_line(&mut streamed, 42, "t", &outcome, thumb.as_deref()).expect("json");
            assert_eq!(String::from_utf8(streamed), String::from_utf8(tree));
        }
    }
}
