//! `jose sign` / `jose verify` on the real binary: every algorithm, claim
//! building, serializations, key choice, every claim rule (pass and fail with
//! exit status and rejection code), JSON reports and `--lines`.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{code_of, data, jose, json_lines, key_path, stdout_of, tempdir};

/// (private key, public key, default alg) for every asymmetric alg family.
const PAIRS: &[(&str, &str, &str)] = &[
    ("rsa2048.pkcs8.pem", "rsa2048.spki.pem", "RS256"),
    ("ec-p256.pkcs8.pem", "ec-p256.spki.pem", "ES256"),
    ("ec-p384.pkcs8.pem", "ec-p384.spki.pem", "ES384"),
    ("ec-p521.pkcs8.pem", "ec-p521.spki.pem", "ES512"),
    ("ec-secp256k1.pkcs8.pem", "ec-secp256k1.spki.pem", "ES256K"),
    ("ed25519.pkcs8.pem", "ed25519.spki.pem", "EdDSA"),
];

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn secret_file(dir: &tempfile::TempDir) -> PathBuf {
    let p = dir.path().join("hmac.key");
    std::fs::write(&p, SECRET).expect("write secret");
    p
}

fn header_of(token: &str) -> Value {
    let h = token.split('.').next().expect("header");
    serde_json::from_slice(&jose::b64::decode(h).expect("b64")).expect("json")
}

fn claims_of(token: &str) -> Value {
    let p = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&jose::b64::decode(p).expect("b64")).expect("json")
}

fn sign(args: &[&str]) -> String {
    let mut c = jose();
    c.arg("sign").args(args);
    stdout_of(c).trim_end().to_owned()
}

/// Run verify; return (exit code, stdout, stderr).
fn verify(args: &[&str]) -> (i32, String, String) {
    let out = jose().arg("verify").args(args).output().expect("run");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Verify with --json and return (exit, report).
fn verify_json(args: &[&str]) -> (i32, Value) {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let (code, out, err) = verify(&a);
    let v: Value = serde_json::from_str(out.trim())
        .unwrap_or_else(|e| panic!("report is not JSON ({e}): {out:?} / {err}"));
    (code, v)
}

#[test]
fn every_asymmetric_alg_signs_with_its_default_and_verifies_through_pem() {
    let dir = tempdir();
    let payload = dir.path().join("p.bin");
    std::fs::write(&payload, b"\x00binary\xffpayload\n").expect("write");
    for (private, public, alg) in PAIRS {
        let t = sign(&["-k", &key_path(private), payload.to_str().expect("p")]);
        assert_eq!(header_of(&t)["alg"], *alg, "{private}");
        let out = jose()
            .args(["verify", "-k", &key_path(public), &t])
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{alg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, b"\x00binary\xffpayload\n", "{alg}: exact bytes");
    }
}

#[test]
fn every_rsa_and_hmac_alg_round_trips() {
    let dir = tempdir();
    let s = secret_file(&dir);
    let s = s.to_str().expect("p");
    for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] {
        let t = sign(&[
            "-k",
            &key_path("rsa2048.pkcs1.pem"),
            "--alg",
            alg,
            "--iss",
            "me",
        ]);
        assert_eq!(header_of(&t)["alg"], alg);
        let (code, r) = verify_json(&["-k", &key_path("rsa2048.spki.der"), &t]);
        assert_eq!(code, 0, "{alg}: {r}");
        assert_eq!(r["claims"]["iss"], "me");
        assert!(r["key"]["thumbprint"].is_string());
    }
    for alg in ["HS256", "HS384", "HS512"] {
        let t = sign(&["--secret-file", s, "--alg", alg, "--sub", "x"]);
        assert_eq!(header_of(&t)["alg"], alg);
        let (code, r) = verify_json(&["--secret-file", s, &t]);
        assert_eq!(code, 0, "{alg}: {r}");
        // A thumbprint of a secret would be a hash of the secret.
        assert!(r["key"]["thumbprint"].is_null());
    }
    // Ed25519 is accepted as the fully-specified name of EdDSA.
    let t = sign(&[
        "-k",
        &key_path("ed25519.pkcs8.pem"),
        "--alg",
        "Ed25519",
        "--sub",
        "x",
    ]);
    assert_eq!(header_of(&t)["alg"], "Ed25519");
    assert_eq!(
        verify(&["-k", &key_path("ed25519.spki.pem"), "-q", &t]).0,
        0
    );
}

#[test]
fn jwt_claims_are_built_from_flags() {
    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--iss",
        "https://issuer",
        "--sub",
        "user-1",
        "--aud",
        "a",
        "--aud",
        "b",
        "--exp",
        "1h",
        "--nbf",
        "-5m",
        "--jti",
        "id-7",
        "--claim",
        "admin=true",
        "--claim",
        "name=Ann Lee",
        "--claim",
        "n=42",
    ]);
    assert_eq!(header_of(&t)["typ"], "JWT");
    let c = claims_of(&t);
    assert_eq!(c["iss"], "https://issuer");
    assert_eq!(c["sub"], "user-1");
    assert_eq!(c["aud"], serde_json::json!(["a", "b"]));
    assert_eq!(c["jti"], "id-7");
    assert_eq!(c["admin"], true);
    assert_eq!(c["name"], "Ann Lee");
    assert_eq!(c["n"], 42);
    let iat = c["iat"].as_i64().expect("iat");
    assert_eq!(c["exp"].as_i64().expect("exp") - iat, 3600);
    assert_eq!(c["nbf"].as_i64().expect("nbf") - iat, -300);

    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--no-iat",
        "--aud",
        "only",
    ]);
    let c = claims_of(&t);
    assert!(c.get("iat").is_none());
    assert_eq!(c["aud"], "only");

    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--iat",
        "2020-01-01T00:00:00Z",
        "--exp",
        "1700000000",
    ]);
    let c = claims_of(&t);
    assert_eq!(c["iat"], 1_577_836_800);
    assert_eq!(c["exp"], 1_700_000_000);
}

#[test]
fn a_claims_file_is_merged_under_the_flags_and_must_be_an_object() {
    let dir = tempdir();
    let f = dir.path().join("c.json");
    std::fs::write(&f, br#"{"iss":"file","role":"admin","iat":5}"#).expect("w");
    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--iss",
        "flag",
        f.to_str().expect("p"),
    ]);
    let c = claims_of(&t);
    assert_eq!(c["iss"], "flag");
    assert_eq!(c["role"], "admin");
    assert_eq!(c["iat"], 5, "the file's own iat is kept");

    std::fs::write(&f, b"[1,2]").expect("w");
    jose()
        .args([
            "sign",
            "-k",
            &key_path("ec-p256.pkcs8.pem"),
            "--iss",
            "x",
            f.to_str().expect("p"),
        ])
        .assert()
        .code(2);
}

#[test]
fn kid_defaults_to_the_jwk_kid_and_a_jwk_alg_wins() {
    let t = sign(&["-k", &key_path("ec-p384.private.jwk.json"), "--sub", "x"]);
    let h = header_of(&t);
    assert_eq!(h["kid"], "p384-private");
    assert_eq!(h["alg"], "ES384");
    let t = sign(&[
        "-k",
        &key_path("ec-p384.private.jwk.json"),
        "--kid",
        "other",
        "--sub",
        "x",
    ]);
    assert_eq!(header_of(&t)["kid"], "other");
}

#[test]
fn sign_refuses_what_it_cannot_do_with_exit_2() {
    let dir = tempdir();
    let short = dir.path().join("short.key");
    std::fs::write(&short, b"too short").expect("w");
    let cases: Vec<Vec<String>> = vec![
        // alg of another key type
        vec![
            "-k".into(),
            key_path("rsa2048.pkcs8.pem"),
            "--alg".into(),
            "ES256".into(),
        ],
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--alg".into(),
            "ES384".into(),
        ],
        vec![
            "-k".into(),
            key_path("rsa2048.pkcs8.pem"),
            "--alg".into(),
            "HS256".into(),
        ],
        // public key
        vec!["-k".into(), key_path("rsa2048.spki.pem")],
        // HMAC secret shorter than the hash
        vec!["--secret-file".into(), short.display().to_string()],
        // several keys, compact
        vec![
            "-k".into(),
            key_path("rsa2048.pkcs8.pem"),
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
        ],
        // header misuse
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--header".into(),
            "alg=\"none\"".into(),
        ],
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--header".into(),
            "b64=false".into(),
        ],
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--header".into(),
            "crit=[\"exp\"]".into(),
        ],
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--header".into(),
            "crit=[]".into(),
        ],
        // alg none and unknown names on the command line
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--alg".into(),
            "none".into(),
        ],
        vec![
            "-k".into(),
            key_path("ec-p256.pkcs8.pem"),
            "--alg".into(),
            "es256".into(),
        ],
        // no key
        vec![],
        // X25519 cannot sign
        vec!["-k".into(), key_path("x25519.pkcs8.pem")],
    ];
    for args in cases {
        let out = jose()
            .arg("sign")
            .args(&args)
            .write_stdin("payload")
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("jose: error: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_short_hmac_secret_verifies_with_a_warning() {
    let dir = tempdir();
    let short = dir.path().join("short.key");
    std::fs::write(&short, b"0123456789").expect("w");
    // Made by another tool that allows short secrets (HS256 over "a.b").
    let t = {
        let input = "eyJhbGciOiJIUzI1NiJ9.aGk";
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"0123456789");
        let tag = ring::hmac::sign(&key, input.as_bytes());
        format!("{input}.{}", jose::b64::encode(tag.as_ref()))
    };
    let (code, out, err) = verify(&["--secret-file", short.to_str().expect("p"), &t]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "hi");
    assert!(
        err.contains("jose: warning:") && err.contains("10 bytes"),
        "{err}"
    );
}

#[test]
fn general_serialization_signs_once_per_key_and_either_key_verifies() {
    let t = sign(&[
        "-k",
        &key_path("rsa2048.pkcs8.pem"),
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--serialization",
        "general",
        "--sub",
        "multi",
    ]);
    let v: Value = serde_json::from_str(&t).expect("general JSON on one line");
    assert_eq!(v["signatures"].as_array().map(Vec::len), Some(2));
    let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), &t]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["header"]["alg"], "ES256");
    let (code, r) = verify_json(&["-k", &key_path("rsa2048.spki.pem"), &t]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["header"]["alg"], "RS256");
    // Neither key: rejected.
    let (code, r) = verify_json(&["-k", &key_path("ed25519.spki.pem"), &t]);
    assert_eq!(code, 1);
    assert_eq!(code_of(&r), "alg_not_allowed");

    let f = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--serialization",
        "flattened",
        "--sub",
        "x",
    ]);
    let v: Value = serde_json::from_str(&f).expect("flattened");
    assert!(v["signature"].is_string() && v["protected"].is_string());
    assert_eq!(
        verify(&["-k", &key_path("ec-p256.spki.pem"), "-q", &f]).0,
        0
    );
}

#[test]
fn detached_and_unencoded_payloads() {
    let dir = tempdir();
    let p = dir.path().join("doc.txt");
    std::fs::write(&p, b"$.02 detached").expect("w");
    let ps = p.to_str().expect("p");
    for extra in [
        vec!["--detached"],
        vec!["--detached", "--unencoded"],
        vec!["--unencoded", "--serialization", "flattened"],
    ] {
        let key = key_path("ec-p256.pkcs8.pem");
        let mut args = vec!["-k", key.as_str()];
        args.extend(extra.iter().copied());
        args.push(ps);
        let t = sign(&args);
        let t = t.as_str();
        if extra.contains(&"--detached") {
            let (code, out, err) = verify(&[
                "-k",
                &key_path("ec-p256.spki.pem"),
                "--detached-payload",
                ps,
                t,
            ]);
            assert_eq!(code, 0, "{extra:?}: {err}");
            assert_eq!(out, "$.02 detached");
            // Without the payload, or with another one: rejected.
            let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), t]);
            assert_eq!(code, 1, "{extra:?}");
            assert_eq!(code_of(&r), "bad_signature");
            let other = dir.path().join("other.txt");
            std::fs::write(&other, b"$.03 detached").expect("w");
            let (code, _, _) = verify(&[
                "-k",
                &key_path("ec-p256.spki.pem"),
                "--detached-payload",
                other.to_str().expect("p"),
                t,
            ]);
            assert_eq!(code, 1);
        } else {
            let (code, out, err) = verify(&["-k", &key_path("ec-p256.spki.pem"), t]);
            assert_eq!(code, 0, "{extra:?}: {err}");
            assert_eq!(out, "$.02 detached");
        }
    }
}

#[test]
fn key_choice_by_kid_and_the_allow_list() {
    // jwks-public.json holds RSA, P-256, Ed25519 and X25519 keys with kids.
    let jwks = key_path("jwks-public.json");
    let set: Value = serde_json::from_slice(&std::fs::read(&jwks).expect("r")).expect("j");
    let rsa_kid = set["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kty"] == "RSA")
        .and_then(|k| k["kid"].as_str())
        .expect("rsa kid")
        .to_owned();
    let dir = tempdir();
    // Sign with the RSA private key under the JWKS kid.
    let t = sign(&[
        "-k",
        &key_path("rsa2048.pkcs8.pem"),
        "--kid",
        &rsa_kid,
        "--sub",
        "x",
    ]);
    let (code, r) = verify_json(&["-k", &jwks, &t]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["key"]["kid"], rsa_kid.as_str());
    // An unknown kid with a key of the right type: no_matching_key.
    let t = sign(&[
        "-k",
        &key_path("rsa2048.pkcs8.pem"),
        "--kid",
        "nobody",
        "--sub",
        "x",
    ]);
    let (code, r) = verify_json(&["-k", &jwks, &t]);
    assert_eq!((code, code_of(&r)), (1, "no_matching_key"), "{r}");
    // Allow-list given, alg outside it: alg_not_allowed.
    let t = sign(&["-k", &key_path("rsa2048.pkcs8.pem"), "--sub", "x"]);
    let (code, r) = verify_json(&["-k", &key_path("rsa2048.spki.pem"), "--alg", "PS256", &t]);
    assert_eq!((code, code_of(&r)), (1, "alg_not_allowed"), "{r}");
    // No key of the token's type and no --alg: alg_not_allowed (the default
    // allow-list comes from the keys).
    let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), &t]);
    assert_eq!((code, code_of(&r)), (1, "alg_not_allowed"), "{r}");
    // --alg given and allowed, but no key of its type: no_matching_key.
    let (code, r) = verify_json(&[
        "-k",
        &key_path("ec-p256.spki.pem"),
        "--alg",
        "ES256",
        "--alg",
        "RS256",
        &t,
    ]);
    assert_eq!((code, code_of(&r)), (1, "no_matching_key"), "{r}");
    // --alg that no given key can serve at all: still a token rejection
    // (the alg is allowed, no key of its type was given), with a warning.
    let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), "--alg", "RS256", &t]);
    assert_eq!((code, code_of(&r)), (1, "no_matching_key"), "{r}");
    let (_, _, err) = verify(&["-k", &key_path("ec-p256.spki.pem"), "--alg", "RS256", &t]);
    assert!(
        err.contains("jose: warning: none of the given keys can verify RS256"),
        "{err}"
    );
    // A key source that does not exist: exit 2.
    let missing = dir.path().join("missing.pem");
    assert_eq!(verify(&["-k", missing.to_str().expect("p"), &t]).0, 2);
}

#[test]
fn certificate_thumbprints_select_keys() {
    use jose::b64;
    let der = std::fs::read(data("keys/cert-p256.der")).expect("cert");
    let s256 = b64::encode(jose::internal::crypto::sha256(&der));
    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--header",
        &format!("x5t#S256=\"{s256}\""),
        "--sub",
        "x",
    ]);
    let (code, r) = verify_json(&["-k", &key_path("cert-p256.pem"), &t]);
    assert_eq!(code, 0, "{r}");
    // Another thumbprint: the certificate is no candidate.
    let other = b64::encode([7u8; 32]);
    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--header",
        &format!("x5t#S256=\"{other}\""),
        "--sub",
        "x",
    ]);
    let (code, r) = verify_json(&["-k", &key_path("cert-p256.pem"), &t]);
    assert_eq!((code, code_of(&r)), (1, "no_matching_key"), "{r}");
}

/// The member names of a JSON object, in order.
fn member_names(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn json_report_has_exactly_the_contract_members() {
    let t = sign(&[
        "-k",
        &key_path("ed25519.pkcs8.pem"),
        "--sub",
        "x",
        "--exp",
        "1h",
    ]);
    let (code, r) = verify_json(&["-k", &key_path("ed25519.spki.pem"), &t]);
    assert_eq!(code, 0);
    assert_eq!(
        member_names(&r),
        ["valid", "header", "claims", "payload_b64", "key", "error"]
    );
    assert_eq!(r["valid"], true);
    assert!(r["error"].is_null());
    assert_eq!(r["header"]["alg"], "EdDSA");
    assert_eq!(
        r["payload_b64"].as_str(),
        t.split('.').nth(1),
        "payload_b64 is the payload's base64url"
    );
    assert_eq!(r["key"].as_object().map(|o| o.len()), Some(2));
    // A failure report: same members, valid false, the error's code and message.
    let (code, r) = verify_json(&["-k", &key_path("ed25519.spki.pem"), "--iss", "someone", &t]);
    assert_eq!(code, 1);
    assert_eq!(
        member_names(&r),
        ["valid", "header", "claims", "payload_b64", "key", "error"]
    );
    assert_eq!(r["valid"], false);
    assert_eq!(code_of(&r), "missing_claim");
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("iss"))
    );
    // One line.
    let (_, out, _) = verify(&["--json", "-k", &key_path("ed25519.spki.pem"), &t]);
    assert_eq!(out.lines().count(), 1);
    assert!(out.ends_with('\n'));
}

#[test]
fn human_mode_prints_payload_notes_unasked_checks_and_quiet_prints_nothing() {
    let t = sign(&["-k", &key_path("ec-p256.pkcs8.pem"), "--sub", "x"]);
    let (code, out, err) = verify(&["-k", &key_path("ec-p256.spki.pem"), &t]);
    assert_eq!(code, 0);
    assert!(out.starts_with("{\"sub\":\"x\""), "{out}");
    assert!(
        err.contains("no --iss") && err.contains("no --aud") && err.contains("no exp"),
        "{err}"
    );
    let (code, out, err) = verify(&["-k", &key_path("ec-p256.spki.pem"), "-q", &t]);
    assert_eq!(code, 0);
    assert!(out.is_empty() && err.is_empty(), "{out} / {err}");
    // Failure with -q: still exactly one error line.
    let (code, out, err) = verify(&["-k", &key_path("ec-p256.spki.pem"), "-q", "--aud", "x", &t]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("jose: error: ") && err.contains("missing_claim"),
        "{err}"
    );
}

/// A token with the given claims, signed by the P-256 test key.
fn token(claims: &str) -> String {
    let dir = tempdir();
    let f = dir.path().join("c.json");
    std::fs::write(&f, claims).expect("w");
    sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--typ",
        "at+jwt",
        f.to_str().expect("p"),
    ])
}

const NOW: &str = "1700000000";

/// Verify a claims set at NOW with extra flags; return the code ("" = valid)
/// and the message.
fn check(claims: &str, flags: &[&str]) -> (i32, String, String) {
    let t = token(claims);
    let mut args = vec![
        "-k".to_owned(),
        key_path("ec-p256.spki.pem"),
        "--now".to_owned(),
        NOW.to_owned(),
    ];
    args.extend(flags.iter().map(|s| s.to_string()));
    args.push(t);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, r) = verify_json(&refs);
    (
        code,
        code_of(&r).to_owned(),
        r["error"]["message"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn every_claim_rule_passes_and_fails_with_its_code() {
    let n: i64 = 1_700_000_000;
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        // exp, with the default 60 s leeway
        (format!(r#"{{"exp":{}}}"#, n + 10), vec![], ""),
        (format!(r#"{{"exp":{}}}"#, n - 30), vec![], ""),
        (format!(r#"{{"exp":{}}}"#, n - 61), vec![], "expired"),
        (
            format!(r#"{{"exp":{}}}"#, n - 30),
            vec!["--leeway", "0"],
            "expired",
        ),
        (
            format!(r#"{{"exp":{}}}"#, n - 3 * 3600 - 12 * 60),
            vec![],
            "expired",
        ),
        // nbf
        (format!(r#"{{"nbf":{}}}"#, n + 30), vec![], ""),
        (
            format!(r#"{{"nbf":{}}}"#, n + 3600),
            vec![],
            "not_yet_valid",
        ),
        (
            format!(r#"{{"nbf":{}}}"#, n + 30),
            vec!["--leeway", "0"],
            "not_yet_valid",
        ),
        // iat
        (format!(r#"{{"iat":{}}}"#, n + 30), vec![], ""),
        (
            format!(r#"{{"iat":{}}}"#, n + 600),
            vec![],
            "issued_in_future",
        ),
        // max-age
        (
            format!(r#"{{"iat":{}}}"#, n - 100),
            vec!["--max-age", "5m"],
            "",
        ),
        (
            format!(r#"{{"iat":{}}}"#, n - 7200),
            vec!["--max-age", "1h"],
            "too_old",
        ),
        (
            r#"{"sub":"x"}"#.into(),
            vec!["--max-age", "1h"],
            "missing_claim",
        ),
        // iss
        (
            r#"{"iss":"https://a"}"#.into(),
            vec!["--iss", "https://a"],
            "",
        ),
        (
            r#"{"iss":"https://b"}"#.into(),
            vec!["--iss", "https://a"],
            "bad_issuer",
        ),
        (
            r#"{"iss":"https://a/"}"#.into(),
            vec!["--iss", "https://a"],
            "bad_issuer",
        ),
        (
            r#"{"sub":"x"}"#.into(),
            vec!["--iss", "https://a"],
            "missing_claim",
        ),
        // sub
        (r#"{"sub":"u1"}"#.into(), vec!["--sub", "u1"], ""),
        (r#"{"sub":"u2"}"#.into(), vec!["--sub", "u1"], "bad_subject"),
        (
            r#"{"iss":"x"}"#.into(),
            vec!["--sub", "u1"],
            "missing_claim",
        ),
        // aud: string or array, any of the given values
        (r#"{"aud":"api"}"#.into(), vec!["--aud", "api"], ""),
        (r#"{"aud":["x","api"]}"#.into(), vec!["--aud", "api"], ""),
        (
            r#"{"aud":"web"}"#.into(),
            vec!["--aud", "api", "--aud", "web"],
            "",
        ),
        (
            r#"{"aud":["x","y"]}"#.into(),
            vec!["--aud", "api"],
            "bad_audience",
        ),
        (
            r#"{"aud":"API"}"#.into(),
            vec!["--aud", "api"],
            "bad_audience",
        ),
        (
            r#"{"sub":"x"}"#.into(),
            vec!["--aud", "api"],
            "missing_claim",
        ),
        // typ (header typ is "at+jwt")
        (r#"{}"#.into(), vec!["--typ", "at+jwt"], ""),
        (r#"{}"#.into(), vec!["--typ", "application/AT+JWT"], ""),
        (r#"{}"#.into(), vec!["--typ", "JWT"], "bad_type"),
        // require
        (r#"{"jti":"1"}"#.into(), vec!["--require", "jti"], ""),
        (
            r#"{"sub":"1"}"#.into(),
            vec!["--require", "jti"],
            "missing_claim",
        ),
        // wrong JSON types
        (r#"{"exp":"1700000000"}"#.into(), vec![], "malformed"),
        (r#"{"nbf":true}"#.into(), vec![], "malformed"),
        (r#"{"iat":null}"#.into(), vec![], "malformed"),
        (r#"{"iss":5}"#.into(), vec![], "malformed"),
        (r#"{"aud":[1]}"#.into(), vec!["--aud", "1"], "malformed"),
        (r#"{"aud":{"a":1}}"#.into(), vec![], "malformed"),
        // duplicate claim names are not a claims set
        (r#"{"sub":"a","sub":"b"}"#.into(), vec![], "malformed"),
    ];
    for (claims, flags, want) in cases {
        let (code, got, msg) = check(&claims, &flags);
        assert_eq!(got, want, "{claims} {flags:?}: {msg}");
        assert_eq!(
            code,
            if want.is_empty() { 0 } else { 1 },
            "{claims} {flags:?}"
        );
    }
}

#[test]
fn rejection_messages_say_what_was_expected_and_found() {
    let n: i64 = 1_700_000_000;
    let (_, _, msg) = check(&format!(r#"{{"exp":{}}}"#, n - 3 * 3600 - 12 * 60), &[]);
    assert!(msg.contains("expired 3h12m ago"), "{msg}");
    assert!(
        msg.contains("2023-11-14T19:01:20Z") && msg.contains("2023-11-14T22:13:20Z"),
        "{msg}"
    );
    let (_, _, msg) = check(r#"{"iss":"https://b"}"#, &["--iss", "https://a"]);
    assert!(
        msg.contains("https://a") && msg.contains("https://b"),
        "{msg}"
    );
    let (_, _, msg) = check(r#"{"aud":["x","y"]}"#, &["--aud", "api"]);
    assert!(msg.contains("api") && msg.contains("\"x\""), "{msg}");
    let (_, _, msg) = check(&format!(r#"{{"nbf":{}}}"#, n + 7200), &[]);
    assert!(msg.contains("2h"), "{msg}");
    // The human error line carries the code.
    let t = token(&format!(r#"{{"exp":{}}}"#, n - 100));
    let (code, _, err) = verify(&["-k", &key_path("ec-p256.spki.pem"), "--now", NOW, &t]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("jose: error: ") && err.contains("(expired)"),
        "{err}"
    );
}

#[test]
fn now_accepts_every_time_form() {
    let t = token(r#"{"exp":1700000000}"#);
    for now in ["1699999000", "2023-11-14T21:00:00Z"] {
        assert_eq!(
            verify(&["-k", &key_path("ec-p256.spki.pem"), "-q", "--now", now, &t]).0,
            0,
            "{now}"
        );
    }
    assert_eq!(
        verify(&[
            "-k",
            &key_path("ec-p256.spki.pem"),
            "-q",
            "--now",
            "2030-01-01T00:00:00Z",
            &t
        ])
        .0,
        1
    );
    // Relative --now: the token expired long ago, and an hour ago is still later.
    assert_eq!(
        verify(&["-k", &key_path("ec-p256.spki.pem"), "-q", "--now=-1h", &t]).0,
        1
    );
}

#[test]
fn crit_names_need_an_explicit_allowance() {
    let t = sign(&[
        "-k",
        &key_path("ec-p256.pkcs8.pem"),
        "--header",
        "exp-hint=1",
        "--header",
        "crit=[\"exp-hint\"]",
        "--sub",
        "x",
    ]);
    let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), &t]);
    assert_eq!((code, code_of(&r)), (1, "unknown_crit"), "{r}");
    let (code, r) = verify_json(&[
        "-k",
        &key_path("ec-p256.spki.pem"),
        "--crit",
        "exp-hint",
        &t,
    ]);
    assert_eq!(code, 0, "{r}");
}

#[test]
fn tokens_are_read_from_stdin_files_and_authorization_headers() {
    let dir = tempdir();
    let t = sign(&["-k", &key_path("ec-p256.pkcs8.pem"), "--sub", "x"]);
    let f = dir.path().join("t.jwt");
    std::fs::write(&f, format!("{t}\n")).expect("w");
    for (arg, stdin) in [
        (Some(format!("@{}", f.display())), None),
        (None, Some(format!("Bearer {t}\n"))),
        (Some("-".to_owned()), Some(format!("  {t}  "))),
        (
            Some(format!("https://app.example/cb#id_token={t}&state=1")),
            None,
        ),
    ] {
        let mut c = jose();
        c.args(["verify", "-q", "-k", &key_path("ec-p256.spki.pem")]);
        if let Some(a) = &arg {
            c.arg(a);
        }
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        c.assert().code(0);
    }
}

#[test]
fn lines_reports_every_token_in_order_and_exit_reflects_all() {
    let good = sign(&["-k", &key_path("ec-p256.pkcs8.pem"), "--sub", "good"]);
    let other = sign(&["-k", &key_path("ec-p384.pkcs8.pem"), "--sub", "other-key"]);
    let mut input = String::new();
    let mut want = Vec::new();
    for i in 0..300 {
        match i % 3 {
            0 => {
                input.push_str(&good);
                want.push(true);
            }
            1 => {
                input.push_str("not.a.token");
                want.push(false);
            }
            _ => {
                input.push_str(&other);
                want.push(false);
            }
        }
        input.push('\n');
        if i % 50 == 0 {
            input.push_str("   \n\n");
        }
    }
    for threads in ["1", "2", "4"] {
        let out = jose()
            .args([
                "verify",
                "--lines",
                "--threads",
                threads,
                "-k",
                &key_path("ec-p256.spki.pem"),
            ])
            .write_stdin(input.clone())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        let got: Vec<bool> = json_lines(&out.stdout)
            .iter()
            .map(|r| r["valid"].as_bool().expect("valid"))
            .collect();
        assert_eq!(got, want, "threads {threads}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("200 of 300") && err.contains("line 4"),
            "{err}"
        );
    }
    // All valid: exit 0.
    let all = format!("{good}\n\n{good}\n");
    jose()
        .args(["verify", "--lines", "-k", &key_path("ec-p256.spki.pem")])
        .write_stdin(all)
        .assert()
        .code(0);
}

#[test]
fn a_jwe_handed_to_verify_is_malformed_with_a_hint() {
    let jwe =
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
    let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), jwe]);
    assert_eq!((code, code_of(&r)), (1, "malformed"));
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("jose decrypt"))
    );
    let json = r#"{"protected":"eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0","iv":"AAAA","ciphertext":"AAAA","tag":"AAAA"}"#;
    let (code, r) = verify_json(&["-k", &key_path("ec-p256.spki.pem"), json]);
    assert_eq!((code, code_of(&r)), (1, "malformed"));
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("jose decrypt"))
    );
}

#[test]
fn output_file_gets_the_token_and_is_not_overwritten() {
    let dir = tempdir();
    let o = dir.path().join("t.jwt");
    jose()
        .args([
            "sign",
            "-k",
            &key_path("ec-p256.pkcs8.pem"),
            "--sub",
            "x",
            "-o",
            o.to_str().expect("p"),
        ])
        .assert()
        .code(0)
        .stdout("");
    let t = std::fs::read_to_string(&o).expect("r");
    assert!(t.ends_with('\n') && t.matches('.').count() == 2);
    jose()
        .args([
            "sign",
            "-k",
            &key_path("ec-p256.pkcs8.pem"),
            "--sub",
            "x",
            "-o",
            o.to_str().expect("p"),
        ])
        .assert()
        .code(2);
}

#[test]
fn lines_keep_input_order_across_batches_and_threads() {
    // 20,000 lines span three batches of 8,192; the report file is written
    // once, whole, after the last one.
    let dir = tempdir();
    let s = secret_file(&dir);
    let s = s.to_str().expect("p");
    let good = sign(&["--secret-file", s, "--sub", "x"]);
    let bad = format!("{}A", good.trim_end());
    let mut input = String::new();
    let mut want = Vec::new();
    for i in 0..20_000 {
        let ok = i % 997 != 500;
        input.push_str(if ok { &good } else { &bad });
        input.push('\n');
        want.push(ok);
        if i % 1000 == 0 {
            input.push('\n');
        }
    }
    let first_bad = input.lines().position(|l| l == bad).expect("a bad line") + 1;
    let tokens = dir.path().join("tokens.txt");
    std::fs::write(&tokens, &input).expect("w");
    for threads in ["1", "3"] {
        let report = dir.path().join(format!("reports-{threads}.jsonl"));
        let out = jose()
            .args([
                "verify",
                "--lines",
                "--threads",
                threads,
                "--secret-file",
                s,
            ])
            .arg(format!("@{}", tokens.display()))
            .arg("-o")
            .arg(&report)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let got: Vec<bool> = json_lines(&std::fs::read(&report).expect("report file"))
            .iter()
            .map(|r| r["valid"].as_bool().expect("valid"))
            .collect();
        assert_eq!(got.len(), want.len(), "threads {threads}");
        assert!(got == want, "threads {threads}: reports out of order");
        let rejected = want.iter().filter(|ok| !**ok).count();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "{rejected} of 20000 tokens rejected; the first, on line {first_bad}: "
            )),
            "{err}"
        );
    }
}

#[test]
fn lines_refuse_an_existing_output_file_and_leave_it_alone() {
    let dir = tempdir();
    let o = dir.path().join("reports.jsonl");
    std::fs::write(&o, "keep me\n").expect("w");
    let good = sign(&["-k", &key_path("ec-p256.pkcs8.pem"), "--sub", "x"]);
    for cmd in [["verify", "-k"], ["decrypt", "-k"]] {
        let key = if cmd[0] == "verify" {
            key_path("ec-p256.spki.pem")
        } else {
            data("jwe/oct128.jwk").display().to_string()
        };
        let out = jose()
            .args(cmd)
            .arg(&key)
            .args(["--lines", "-o"])
            .arg(&o)
            .write_stdin(format!("{good}\n"))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&o).expect("r"), "keep me\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}

/// Under `--json` every rejected input gets its report (and exit 1),
/// whatever the reason: too large, not UTF-8, not a token; `verify` and
/// `inspect`, one input or `--lines`.
#[test]
fn json_reports_every_rejected_input() {
    let dir = tempdir();
    let not_utf8 = dir.path().join("not-utf8.txt");
    std::fs::write(&not_utf8, b"\xff\xfe.\xfd.x").expect("write");
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "a".repeat(100)).expect("write");
    let at = |p: &PathBuf| format!("@{}", p.display());
    let cases: &[(&[&str], String, &str)] = &[
        (
            &["--max-input", "10"],
            "aaaaaaa.bbbbbbb.ccccccc".into(),
            "too_large",
        ),
        (&["--max-input", "10"], at(&big), "too_large"),
        (&[], at(&not_utf8), "malformed"),
        (&[], "not-a-token".into(), "malformed"),
    ];
    for (flags, input, code) in cases {
        let mut args = vec!["-k".to_owned(), key_path("rsa2048.spki.pem")];
        args.extend(flags.iter().map(|f| (*f).to_owned()));
        args.push(input.clone());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (exit, v) = verify_json(&args);
        assert_eq!(exit, 1, "verify {input}");
        assert_eq!(v["valid"], false, "verify {input}");
        assert_eq!(code_of(&v), *code, "verify {input}: {v}");
        assert!(v["error"]["message"].is_string(), "{v}");

        let out = jose()
            .args(["inspect", "--json"])
            .args(*flags)
            .arg(input)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "inspect {input}");
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("inspect {input}: no JSON report ({e})"));
        assert_eq!(v["verified"], false, "{v}");
        assert_eq!(v["kind"], Value::Null, "{v}");
        assert_eq!(code_of(&v), *code, "inspect {input}: {v}");
        // The one error line is still there for a person.
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    }
    // --lines: one report per line, the too large and the non-UTF-8 too.
    let mut input =
        b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b.c\n".to_vec();
    input.extend_from_slice(b"\xff\xfe.\xfd.x\nnot-a-token\n");
    let out = jose()
        .args(["verify", "--json", "--lines", "--max-input", "40", "-k"])
        .arg(key_path("rsa2048.spki.pem"))
        .write_stdin(input)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|v| code_of(v).to_owned())
        .collect();
    assert_eq!(codes, ["too_large", "malformed", "malformed"]);
}

/// `none` is a known name never allowed; its other spellings are unknown
/// names (algorithm names are case-sensitive, RFC 7515 §4.1.1).
#[test]
fn alg_none_and_its_case_variants_have_their_codes() {
    let dir = tempdir();
    let secret = secret_file(&dir);
    let payload = jose::b64::encode(br#"{"sub":"admin"}"#);
    for (name, code) in [
        ("none", "alg_not_allowed"),
        ("None", "unsupported_alg"),
        ("NONE", "unsupported_alg"),
        ("nOnE", "unsupported_alg"),
    ] {
        let h = jose::b64::encode(format!(r#"{{"alg":"{name}"}}"#));
        let t = format!("{h}.{payload}.");
        for key in [
            vec!["-k".to_owned(), key_path("rsa2048.spki.pem")],
            vec!["--secret-file".to_owned(), secret.display().to_string()],
        ] {
            let mut args: Vec<&str> = key.iter().map(String::as_str).collect();
            args.push(&t);
            let (exit, v) = verify_json(&args);
            assert_eq!(exit, 1, "{name}");
            assert_eq!(code_of(&v), code, "{name}: {v}");
        }
    }
}

/// `--alg` names allowed algorithms; with no key of an allowed alg's type,
/// a token signed with it is a rejection (`no_matching_key`, exit 1), not a
/// usage error, and a token of another alg is `alg_not_allowed`.
#[test]
fn an_allowed_alg_without_a_key_of_its_type_is_no_matching_key() {
    let dir = tempdir();
    let secret = secret_file(&dir);
    let hs256 = sign(&[
        "--secret-file",
        &secret.display().to_string(),
        "--claim",
        "a=1",
    ]);
    let es256 = sign(&["-k", &key_path("ec-p256.pkcs8.pem"), "--claim", "a=1"]);
    let rs256 = sign(&["-k", &key_path("rsa2048.pkcs8.pem"), "--claim", "a=1"]);
    let rsa = key_path("rsa2048.spki.pem");
    for (alg, token, code) in [
        ("HS256", &hs256, "no_matching_key"),
        ("ES256", &es256, "no_matching_key"),
        ("HS256", &rs256, "alg_not_allowed"),
    ] {
        let (exit, v) = verify_json(&["-k", &rsa, "--alg", alg, token]);
        assert_eq!(exit, 1, "--alg {alg}: {v}");
        assert_eq!(code_of(&v), code, "--alg {alg}: {v}");
        // The same without --json: exit 1 and the code in the one line.
        let (exit, out, err) = verify(&["-k", &rsa, "--alg", alg, token]);
        assert_eq!(exit, 1, "{err}");
        assert!(out.is_empty());
        assert!(err.contains(code), "{err}");
    }
    // With --lines the same, per line.
    let out = jose()
        .args(["verify", "--lines", "--json", "-k", &rsa, "--alg", "HS256"])
        .write_stdin(format!("{hs256}\n"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(code_of(&json_lines(&out.stdout)[0]), "no_matching_key");
}

/// `--lines` keeps parsed RSA public keys per thread: tokens of three RSA
/// keys (2048, 4096 bits; RS256 and PS256 on the same key) interleaved on
/// one thread each verify only against their own key, whatever was
/// verified before on that thread.
#[test]
fn lines_with_several_rsa_keys_check_each_token_against_its_own_key() {
    let dir = tempdir();
    let k2048 = data("keys/rsa2048.pkcs8.pem").display().to_string();
    let k4096 = data("keys/rsa4096.pkcs8.pem").display().to_string();
    let pub2048 = data("keys/rsa2048.spki.pem").display().to_string();
    let pub4096 = data("keys/rsa4096.spki.pem").display().to_string();
    let a = sign(&["-k", &k2048, "--alg", "RS256", "--sub", "a"]);
    let b = sign(&["-k", &k4096, "--alg", "RS256", "--sub", "b"]);
    let p = sign(&["-k", &k2048, "--alg", "PS256", "--sub", "p"]);
    let lines = [&a, &b, &p, &a, &b, &p].map(|t| format!("{t}\n")).concat();
    let file = dir.path().join("tokens.txt");
    std::fs::write(&file, lines).expect("write");
    let run = |keys: &[&str]| -> Vec<bool> {
        let mut c = jose();
        c.args(["verify", "--lines", "--threads", "1"]);
        for k in keys {
            c.args(["-k", k]);
        }
        c.arg(format!("@{}", file.display()));
        json_lines(&c.output().expect("run").stdout)
            .iter()
            .map(|r| r["valid"].as_bool().expect("valid"))
            .collect()
    };
    assert_eq!(run(&[&pub2048, &pub4096]), [true; 6]);
    assert_eq!(run(&[&pub2048]), [true, false, true, true, false, true]);
    assert_eq!(run(&[&pub4096]), [false, true, false, false, true, false]);
}
