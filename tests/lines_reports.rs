//! `verify --lines` writes each token's report without building a JSON tree
//! (a payload segment copied, per-thread buffers): every report must still
//! be, byte for byte, what `verify --json` prints for that token alone.

use std::path::Path;

use crate::util::{data, jose, stdout_of, tempdir};

const NOW: &str = "1763900000";

fn sign(payload: &Path, args: &[&str]) -> String {
    let mut c = jose();
    c.arg("sign")
        .args(["-k", &data("keys/rsa2048.pkcs8.pem").display().to_string()])
        .args(args)
        .arg(payload);
    stdout_of(c).trim_end().to_owned()
}

fn b64(s: &str) -> String {
    jose::b64::encode(s.as_bytes())
}

/// A compact token with `header` as its protected header and another
/// token's payload and signature (the signature no longer matches).
fn with_header(header: &str, token: &str) -> String {
    let rest = token.split_once('.').map_or("", |(_, r)| r);
    format!("{}.{rest}", b64(header))
}

#[test]
fn every_lines_report_is_the_single_token_json_report() {
    let dir = tempdir();
    let file = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).expect("write");
        p
    };
    let claims = file(
        "claims.json",
        r#"{"iss":"https://issuer.example","aud":["a","b"],"exp":1763903540,"iat":1763899940,"sub":"s\u00e9\n\"q\"/","n":[1.5e3,-0.25,18446744073709551615,-9223372036854775808,1e300],"o":{"x":{"y":[true,false,null]},"e":{}},"t":"\ud83d\ude00<>&"}"#,
    );
    let spaced = file(
        "spaced.json",
        "{ \"sub\" : \"x\" ,\n \"exp\" : 1763903540.75 }",
    );
    let expired = file("expired.json", r#"{"sub":"x","exp":1763800000}"#);
    // Already serde_json's own writing: the report copies it.
    let canonical = file(
        "canonical.json",
        r#"{"sub":"a b","n":[0,-1,123456789012345678],"t":true,"o":{"e":{},"a":[null]},"u":"é/"}"#,
    );
    let unencoded = file("unencoded.json", r#"{"sub":"u","exp":1763903540}"#);
    let not_json = file("hello.txt", "hello, not a claims set");
    let bad_claims = file("bad.json", r#"{"sub":"x","sub":"y"}"#);
    let wrong_type = file("wrong.json", r#"{"exp":"tomorrow"}"#);

    let good = sign(&claims, &["--kid", "k1", "--typ", "JWT"]);
    let mut tampered = good.clone();
    let last = if tampered.ends_with('A') { 'Q' } else { 'A' };
    tampered.pop();
    tampered.push(last);
    let lines = [
        good.clone(),
        tampered,
        sign(&spaced, &[]),
        sign(&canonical, &[]),
        sign(&expired, &[]),
        sign(&not_json, &[]),
        sign(&bad_claims, &[]),
        sign(&wrong_type, &[]),
        sign(&unencoded, &["--unencoded"]),
        sign(
            &claims,
            &["--header", "x-extra={\"a\":[1,2]}", "--cty", "JWT"],
        ),
        sign(&claims, &["--serialization", "flattened"]).replace('\n', ""),
        sign(&claims, &["--serialization", "general"]).replace('\n', ""),
        // Header JSON that is not strict: cut short, a member twice,
        // members of the wrong type, an unknown or refused alg, crit.
        with_header(r#"{"alg":"RS256","#, &good),
        with_header(r#"{"alg":"RS256","alg":"RS256"}"#, &good),
        with_header(r#"{"alg":"RS256","kid":7}"#, &good),
        with_header(r#"{"alg":"RS257"}"#, &good),
        with_header(r#"{"alg":"none"}"#, &good),
        with_header(r#"{"alg":"RS256","crit":["x"],"x":1}"#, &good),
        with_header(r#"{"alg":"RS256","b64":true}"#, &good),
        // What normalization takes apart, and lines that are no token.
        format!("Bearer {good}"),
        format!("\"{good}\""),
        "not a token".to_owned(),
        "a.b".to_owned(),
        good.clone(),
    ];
    let stream = file(
        "tokens.txt",
        &lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    );
    let pubkey = data("keys/rsa2048.spki.pem").display().to_string();
    for threads in ["1", "2"] {
        let out = jose()
            .args([
                "verify",
                "--lines",
                "--threads",
                threads,
                "--now",
                NOW,
                "-k",
                &pubkey,
            ])
            .arg(format!("@{}", stream.display()))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "some lines are rejected");
        let reports = String::from_utf8(out.stdout).expect("utf-8");
        let reports: Vec<&str> = reports.lines().collect();
        assert_eq!(reports.len(), lines.len());
        for (i, (report, token)) in reports.iter().zip(&lines).enumerate() {
            let prefix = format!("{{\"line\":{},", i + 1);
            let rest = report.strip_prefix(&prefix).expect("the line number first");
            let single = jose()
                .args(["verify", "--json", "--now", NOW, "-k", &pubkey, token])
                .output()
                .expect("run");
            let single = String::from_utf8(single.stdout).expect("utf-8");
            assert_eq!(
                format!("{{{rest}"),
                single.trim_end(),
                "line {} ({threads} threads)",
                i + 1
            );
        }
        // The first token verifies; the line numbers run on.
        assert!(reports[0].contains("\"valid\":true"), "{}", reports[0]);
    }
}
