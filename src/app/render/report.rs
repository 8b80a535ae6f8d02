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
            "header": Value::Object(v.header.clone()),
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
                .map(|s| Value::Object(s.header.clone()))
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
