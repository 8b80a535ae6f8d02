//! `verify --firebase` against the official Firebase Admin Python SDK
//! (tests/interop/firebase_sdk.py runs its real `verify_id_token` and
//! `verify_session_cookie`, with only the certificate download replaced and
//! the clock frozen at NOW). The matrix follows the SDK's own token tests:
//! each token has at most one defect, `jose` must reach the SDK's verdict
//! with the contract's rejection code, and every place where the verdicts
//! differ is listed with the contract's reason.
//!
//! Clocks are compared three ways: each tool at its default (`jose` leeway
//! 60 s, SDK clock skew 0 s), and both at 60 s and both at 0 s.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::util::{certmap, interop_dir, interop_python, jose, json_lines, read_data, tempdir};

const PROJECT: &str = "jose-interop-1234";
const KID: &str = "fb-interop-kid";
const NOW: i64 = 1_800_000_000;
const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The audience of a Firebase custom token (the SDK's FIREBASE_AUDIENCE).
const CUSTOM_TOKEN_AUD: &str =
    "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    IdToken,
    SessionCookie,
}

/// The three clock pairings each token is judged under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cmp {
    /// `jose` default leeway (60 s) against the SDK's default skew (0 s).
    Defaults,
    /// Both at 60 s.
    Both60,
    /// Both at 0 s.
    Both0,
}

struct Case {
    name: String,
    kind: Kind,
    task: Value,
    /// `jose`'s code at leeway 60 s and at 0 s; `None`: accepted.
    jose: [Option<&'static str>; 2],
    /// Whether the SDK accepts, at skew 60 s and at 0 s.
    sdk: [bool; 2],
    /// The pairings where the verdicts differ, and the contract's reason.
    differs: &'static [Cmp],
    why: &'static str,
}

/// The default leeway differs: the contract's default is 60 s (cli.md,
/// verify), the SDK's `clock_skew_seconds` defaults to 0.
const WHY_LEEWAY: &str = "default leeway: 60 s in the contract, clock_skew_seconds=0 in the SDK";
/// RFC 7519 §4.1.4: a JWT must not be accepted on or after `exp`; google-auth
/// accepts up to and including exp + skew.
const WHY_EXP_BOUNDARY: &str = "exp boundary: jose rejects at now = exp + leeway (RFC 7519 4.1.4 'on or after'), the SDK accepts";
/// The contract (and Firebase's documented ID token rules) want `auth_time`
/// in the past when present; the Python Admin SDK does not look at it.
const WHY_AUTH_TIME: &str =
    "auth_time: the contract rejects one in the future (policy), the Python SDK does not check it";

fn issuer(kind: Kind) -> String {
    match kind {
        Kind::IdToken => format!("https://securetoken.google.com/{PROJECT}"),
        Kind::SessionCookie => format!("https://session.firebase.google.com/{PROJECT}"),
    }
}

fn header() -> Value {
    json!({"alg": "RS256", "kid": KID, "typ": "JWT"})
}

/// A token as Firebase Auth issues them.
fn claims(kind: Kind) -> Value {
    json!({
        "iss": issuer(kind),
        "aud": PROJECT,
        "auth_time": NOW - 900,
        "user_id": "uid-123",
        "sub": "uid-123",
        "iat": NOW - 600,
        "exp": NOW + 3000,
        "email": "user@example.com",
        "email_verified": true,
        "firebase": {"identities": {"email": ["user@example.com"]}, "sign_in_provider": "password"}
    })
}

fn edit(mut v: Value, f: impl FnOnce(&mut Map<String, Value>)) -> Value {
    f(v.as_object_mut().expect("an object"));
    v
}

fn signed(kind: Kind, h: Value, c: Value, key: &str) -> Value {
    json!({"kind": kind_name(kind), "header": h, "claims": c, "key": key})
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::IdToken => "id",
        Kind::SessionCookie => "session",
    }
}

/// Agreeing verdicts at every clock pairing.
fn same(name: &str, kind: Kind, task: Value, code: Option<&'static str>) -> Case {
    Case {
        name: format!("{kind:?}: {name}"),
        kind,
        task,
        jose: [code, code],
        sdk: [code.is_none(); 2],
        differs: &[],
        why: "",
    }
}

fn claims_with(kind: Kind, f: impl FnOnce(&mut Map<String, Value>)) -> Value {
    signed(kind, header(), edit(claims(kind), f), "rsa")
}

fn header_with(kind: Kind, f: impl FnOnce(&mut Map<String, Value>), key: &str) -> Value {
    signed(kind, edit(header(), f), claims(kind), key)
}

/// The defects both tools judge alike, for either kind of token.
fn common_cases(kind: Kind) -> Vec<Case> {
    let k = kind;
    let mut v = vec![
        same("valid", k, signed(k, header(), claims(k), "rsa"), None),
        same(
            "no auth_time (the SDKs do not require it)",
            k,
            claims_with(k, |c| {
                c.remove("auth_time");
            }),
            None,
        ),
        same(
            "sub of 128 characters",
            k,
            claims_with(k, |c| {
                c.insert("sub".into(), json!("s".repeat(128)));
            }),
            None,
        ),
        same(
            "no typ header",
            k,
            header_with(
                k,
                |h| {
                    h.remove("typ");
                },
                "rsa",
            ),
            None,
        ),
        same(
            "kid missing",
            k,
            header_with(
                k,
                |h| {
                    h.remove("kid");
                },
                "rsa",
            ),
            Some("policy"),
        ),
        // An empty kid names a key no certificate has: unknown, not missing.
        same(
            "kid empty",
            k,
            header_with(
                k,
                |h| {
                    h.insert("kid".into(), json!(""));
                },
                "rsa",
            ),
            Some("no_matching_key"),
        ),
        same(
            "kid unknown",
            k,
            header_with(
                k,
                |h| {
                    h.insert("kid".into(), json!("no-such-kid"));
                },
                "rsa",
            ),
            Some("no_matching_key"),
        ),
        same(
            "alg HS256",
            k,
            header_with(
                k,
                |h| {
                    h.insert("alg".into(), json!("HS256"));
                },
                "secret",
            ),
            Some("alg_not_allowed"),
        ),
        same(
            "alg RS384",
            k,
            header_with(
                k,
                |h| {
                    h.insert("alg".into(), json!("RS384"));
                },
                "rsa",
            ),
            Some("alg_not_allowed"),
        ),
        same(
            "alg none",
            k,
            header_with(
                k,
                |h| {
                    h.insert("alg".into(), json!("none"));
                },
                "none",
            ),
            Some("alg_not_allowed"),
        ),
        same(
            "aud an array holding the project id",
            k,
            claims_with(k, |c| {
                c.insert("aud".into(), json!([PROJECT]));
            }),
            Some("bad_audience"),
        ),
        same(
            "aud an array of the project id and another",
            k,
            claims_with(k, |c| {
                c.insert("aud".into(), json!([PROJECT, "other-project"]));
            }),
            Some("bad_audience"),
        ),
        same(
            "aud another project",
            k,
            claims_with(k, |c| {
                c.insert("aud".into(), json!("other-project"));
            }),
            Some("bad_audience"),
        ),
        same(
            "aud the custom-token audience",
            k,
            claims_with(k, |c| {
                c.insert("aud".into(), json!(CUSTOM_TOKEN_AUD));
            }),
            Some("bad_audience"),
        ),
        same(
            "aud missing",
            k,
            claims_with(k, |c| {
                c.remove("aud");
            }),
            Some("missing_claim"),
        ),
        same(
            "iss another project",
            k,
            claims_with(k, |c| {
                c.insert(
                    "iss".into(),
                    json!(issuer(k).replace(PROJECT, "other-project")),
                );
            }),
            Some("bad_issuer"),
        ),
        same(
            "iss missing",
            k,
            claims_with(k, |c| {
                c.remove("iss");
            }),
            Some("missing_claim"),
        ),
        same(
            "sub empty",
            k,
            claims_with(k, |c| {
                c.insert("sub".into(), json!(""));
            }),
            Some("bad_subject"),
        ),
        same(
            "sub of 129 characters",
            k,
            claims_with(k, |c| {
                c.insert("sub".into(), json!("s".repeat(129)));
            }),
            Some("bad_subject"),
        ),
        same(
            "sub missing",
            k,
            claims_with(k, |c| {
                c.remove("sub");
            }),
            Some("missing_claim"),
        ),
        // A claim of the wrong JSON type is `malformed` (cli.md, boundaries).
        same(
            "sub a number",
            k,
            claims_with(k, |c| {
                c.insert("sub".into(), json!(123));
            }),
            Some("malformed"),
        ),
        same(
            "iat an hour ahead",
            k,
            claims_with(k, |c| {
                c.insert("iat".into(), json!(NOW + 3600));
            }),
            Some("issued_in_future"),
        ),
        same(
            "iat missing",
            k,
            claims_with(k, |c| {
                c.remove("iat");
            }),
            Some("missing_claim"),
        ),
        same(
            "exp an hour ago",
            k,
            claims_with(k, |c| {
                c.insert("exp".into(), json!(NOW - 3600));
            }),
            Some("expired"),
        ),
        same(
            "exp missing",
            k,
            claims_with(k, |c| {
                c.remove("exp");
            }),
            Some("missing_claim"),
        ),
        same(
            "signed by a key outside the certificate map",
            k,
            signed(k, header(), claims(k), "other-rsa"),
            Some("bad_signature"),
        ),
        same(
            "payload swapped under the signature",
            k,
            edit(signed(k, header(), claims(k), "rsa"), |t| {
                let other = edit(claims(k), |c| {
                    c.insert("sub".into(), json!("admin"));
                });
                t.insert("swap_claims".into(), other);
            }),
            Some("bad_signature"),
        ),
        same(
            "two parts",
            k,
            json!({"kind": kind_name(k), "raw": "eyJhbGciOiJSUzI1NiJ9.e30"}),
            Some("malformed"),
        ),
        same(
            "header not JSON",
            k,
            signed(k, json!("{\"alg\":\"RS256\""), claims(k), "rsa"),
            Some("malformed"),
        ),
        same(
            "signature not base64url",
            k,
            json!({"kind": kind_name(k), "raw": "eyJhbGciOiJSUzI1NiJ9.e30.***"}),
            Some("malformed"),
        ),
    ];
    // The other kind's issuer: an ID token is not a session cookie.
    let other = match k {
        Kind::IdToken => Kind::SessionCookie,
        Kind::SessionCookie => Kind::IdToken,
    };
    v.push(same(
        &format!("a {other:?} given instead"),
        k,
        edit(signed(other, header(), claims(other), "rsa"), |t| {
            t.insert("kind".into(), json!(kind_name(k)));
        }),
        Some("bad_issuer"),
    ));
    v.extend(clock_cases(k));
    v
}

/// Times near the boundaries, where the leeway decides.
fn clock_cases(k: Kind) -> Vec<Case> {
    let at = |name: &str,
              claim: &str,
              value: i64,
              jose: [Option<&'static str>; 2],
              sdk: [bool; 2],
              differs: &'static [Cmp],
              why: &'static str| Case {
        name: format!("{k:?}: {name}"),
        kind: k,
        task: claims_with(k, |c| {
            c.insert(claim.into(), json!(value));
        }),
        jose,
        sdk,
        differs,
        why,
    };
    vec![
        at(
            "exp 30 s ago",
            "exp",
            NOW - 30,
            [None, Some("expired")],
            [true, false],
            &[Cmp::Defaults],
            WHY_LEEWAY,
        ),
        at(
            "exp exactly now",
            "exp",
            NOW,
            [None, Some("expired")],
            [true, true],
            &[Cmp::Both0],
            WHY_EXP_BOUNDARY,
        ),
        at(
            "exp exactly 60 s ago",
            "exp",
            NOW - 60,
            [Some("expired"), Some("expired")],
            [true, false],
            &[Cmp::Both60],
            WHY_EXP_BOUNDARY,
        ),
        at(
            "exp 61 s ago",
            "exp",
            NOW - 61,
            [Some("expired"), Some("expired")],
            [false, false],
            &[],
            "",
        ),
        at(
            "iat 30 s ahead",
            "iat",
            NOW + 30,
            [None, Some("issued_in_future")],
            [true, false],
            &[Cmp::Defaults],
            WHY_LEEWAY,
        ),
        at(
            "iat exactly 60 s ahead",
            "iat",
            NOW + 60,
            [None, Some("issued_in_future")],
            [true, false],
            &[Cmp::Defaults],
            WHY_LEEWAY,
        ),
        at(
            "iat 61 s ahead",
            "iat",
            NOW + 61,
            [Some("issued_in_future"), Some("issued_in_future")],
            [false, false],
            &[],
            "",
        ),
        at(
            "iat exactly now",
            "iat",
            NOW,
            [None, None],
            [true, true],
            &[],
            "",
        ),
        at(
            "auth_time 30 s ahead",
            "auth_time",
            NOW + 30,
            [None, Some("policy")],
            [true, true],
            &[Cmp::Both0],
            WHY_AUTH_TIME,
        ),
        at(
            "auth_time an hour ahead",
            "auth_time",
            NOW + 3600,
            [Some("policy"), Some("policy")],
            [true, true],
            &[Cmp::Defaults, Cmp::Both60, Cmp::Both0],
            WHY_AUTH_TIME,
        ),
    ]
}

fn all_cases() -> Vec<Case> {
    let mut v = common_cases(Kind::IdToken);
    v.extend(common_cases(Kind::SessionCookie));
    // The legacy custom token: HS256, no kid, the uid under "d".
    v.push(same(
        "legacy custom token",
        Kind::IdToken,
        signed(
            Kind::IdToken,
            json!({"alg": "HS256", "typ": "JWT"}),
            json!({"v": 0, "iat": NOW - 10, "d": {"uid": "uid-123"}}),
            "secret",
        ),
        Some("alg_not_allowed"),
    ));
    // A custom token made by the SDK's create_custom_token with the same RSA
    // key and kid, so only its claims are wrong: its issuer (the service
    // account) is the first check to fail in jose, its audience in the SDK.
    for k in [Kind::IdToken, Kind::SessionCookie] {
        v.push(same(
            "custom token from create_custom_token",
            k,
            json!({"kind": kind_name(k), "custom_token": "uid-123"}),
            Some("bad_issuer"),
        ));
    }
    v
}

/// `jose verify --firebase --lines` over `tokens`: one report per token.
fn jose_reports(certs: &Path, kind: Kind, leeway: Option<u32>, tokens: &[&str]) -> Vec<Value> {
    let mut c = jose();
    c.args(["verify", "--lines", "--firebase", PROJECT, "--key"])
        .arg(certs)
        .arg(format!("--now={NOW}"));
    if kind == Kind::SessionCookie {
        c.arg("--session-cookie");
    }
    if let Some(l) = leeway {
        c.arg(format!("--leeway={l}"));
    }
    let mut input = tokens.join("\n");
    input.push('\n');
    let out = c.write_stdin(input).output().expect("run jose");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), tokens.len(), "one report per token");
    reports
}

#[test]
fn firebase_verdicts_match_the_admin_sdk() {
    let cases = all_cases();
    let dir = tempdir();
    let certs = dir.path().join("certs.json");
    std::fs::write(&certs, certmap(&[KID]).to_string()).expect("write certs");
    let tasks = json!({
        "project": PROJECT,
        "kid": KID,
        "now": NOW,
        "secret": SECRET,
        "certs": certmap(&[KID]),
        "private_key_pem": String::from_utf8(read_data("keys/rsa2048.pkcs8.pem")).expect("utf-8"),
        "cases": cases.iter().map(|c| c.task.clone()).collect::<Vec<_>>(),
    });
    let task_file = dir.path().join("tasks.json");
    std::fs::write(&task_file, tasks.to_string()).expect("write tasks");
    let out = interop_python("firebase_admin")
        .env_remove("FIREBASE_AUTH_EMULATOR_HOST")
        .arg(interop_dir().join("firebase_sdk.py"))
        .arg(&task_file)
        .output()
        .expect("run firebase_sdk.py");
    assert!(
        out.status.success(),
        "firebase_sdk.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sdk: Value = serde_json::from_slice(&out.stdout).expect("SDK results");
    let results = sdk["results"].as_array().expect("results");
    assert_eq!(results.len(), cases.len());
    // The SDK fetched exactly the two certificate maps the preset names.
    let fetched: BTreeSet<&str> = sdk["fetched"]
        .as_array()
        .expect("fetched")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let ours: BTreeSet<&str> = [
        jose::presets::FIREBASE_ID_TOKEN_KEYS,
        jose::presets::FIREBASE_SESSION_COOKIE_KEYS,
    ]
    .into();
    assert_eq!(fetched, ours, "certificate URLs");

    // jose, per kind and leeway (default 60 s, and 0 s).
    let mut jose_verdicts: Vec<[Value; 2]> = vec![[Value::Null, Value::Null]; cases.len()];
    for kind in [Kind::IdToken, Kind::SessionCookie] {
        let idx: Vec<usize> = (0..cases.len())
            .filter(|&i| cases[i].kind == kind)
            .collect();
        let tokens: Vec<&str> = idx
            .iter()
            .map(|&i| results[i]["token"].as_str().expect("token"))
            .collect();
        for (slot, leeway) in [(0, None), (1, Some(0))] {
            for (r, &i) in jose_reports(&certs, kind, leeway, &tokens)
                .into_iter()
                .zip(&idx)
            {
                jose_verdicts[i][slot] = r;
            }
        }
    }

    let mut failures = Vec::new();
    let mut counts = [0usize; 2];
    for (i, case) in cases.iter().enumerate() {
        let r = &results[i];
        let mut sdk_ok = [false; 2];
        for (slot, key) in [(0, "skew60"), (1, "skew0")] {
            let v = &r[key];
            assert!(
                v.get("crash").is_none(),
                "{}: the SDK failed outside its verdicts: {v}",
                case.name
            );
            sdk_ok[slot] = v["ok"] == true;
            if sdk_ok[slot] != case.sdk[slot] {
                failures.push(format!(
                    "{}: SDK at {key} {} (expected {}): {}",
                    case.name,
                    verdict_word(sdk_ok[slot]),
                    verdict_word(case.sdk[slot]),
                    v["error"]
                ));
            }
        }
        let mut jose_ok = [false; 2];
        for slot in 0..2 {
            let rep = &jose_verdicts[i][slot];
            jose_ok[slot] = rep["valid"] == true;
            let code = rep["error"]["code"].as_str();
            if code != case.jose[slot] {
                failures.push(format!(
                    "{}: jose at leeway {} gave {code:?} (expected {:?}): {}",
                    case.name,
                    [60, 0][slot],
                    case.jose[slot],
                    rep["error"]["message"]
                ));
            }
            // Accepted by both: the same claims (the SDK adds "uid").
            if jose_ok[slot] && sdk_ok[slot] {
                let mut theirs = r[["skew60", "skew0"][slot]]["claims"].clone();
                if let Some(m) = theirs.as_object_mut() {
                    m.remove("uid");
                }
                if rep["claims"] != theirs {
                    failures.push(format!("{}: claims differ", case.name));
                }
            }
        }
        let mut differ = Vec::new();
        for (cmp, j, s) in [
            (Cmp::Defaults, jose_ok[0], sdk_ok[1]),
            (Cmp::Both60, jose_ok[0], sdk_ok[0]),
            (Cmp::Both0, jose_ok[1], sdk_ok[1]),
        ] {
            if j != s {
                differ.push(cmp);
            }
        }
        if differ != case.differs || case.differs.is_empty() != case.why.is_empty() {
            failures.push(format!(
                "{}: verdicts differ at {differ:?}, documented {:?} ({})",
                case.name, case.differs, case.why
            ));
        }
        counts[usize::from(sdk_ok[1])] += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // Both verdicts occur: a harness that rejects everything cannot pass.
    assert!(counts[0] > 10 && counts[1] > 10, "{counts:?}");
    eprintln!(
        "firebase-admin {}: {} tokens, {} accepted and {} rejected by the SDK at its defaults",
        sdk["sdk_version"],
        cases.len(),
        counts[1],
        counts[0]
    );
}

fn verdict_word(ok: bool) -> &'static str {
    if ok { "accepts" } else { "rejects" }
}

/// The two rules this comparison changed, checked without the SDK: an `aud`
/// array is refused even when it holds the project id alone, and a token
/// without `auth_time` is accepted.
#[test]
fn firebase_aud_must_be_a_string_and_auth_time_is_optional() {
    let dir = tempdir();
    let certs = dir.path().join("certs.json");
    std::fs::write(&certs, certmap(&[KID]).to_string()).expect("write certs");
    let sign = |extra: &[String]| {
        let mut c = jose();
        c.args(["sign", "--kid", KID, "-k"])
            .arg(crate::util::data("keys/rsa2048.pkcs8.pem"))
            .arg(format!("--iss={}", issuer(Kind::IdToken)))
            .args(["--sub", "uid-123"])
            .arg(format!("--iat={}", NOW - 600))
            .arg(format!("--exp={}", NOW + 3000))
            .args(extra);
        crate::util::stdout_of(c).trim().to_owned()
    };
    let array = sign(&[format!("--claim=aud=[\"{PROJECT}\"]")]);
    let no_auth_time = sign(&[format!("--aud={PROJECT}")]);
    let with_auth_time = sign(&[
        format!("--aud={PROJECT}"),
        format!("--claim=auth_time={}", NOW - 900),
    ]);
    let r = jose_reports(
        &certs,
        Kind::IdToken,
        None,
        &[&array, &no_auth_time, &with_auth_time],
    );
    assert_eq!(r[0]["error"]["code"], "bad_audience", "{}", r[0]);
    let msg = r[0]["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("array"), "{msg}");
    assert_eq!(r[1]["valid"], true, "{}", r[1]);
    assert_eq!(r[2]["valid"], true, "{}", r[2]);
}
