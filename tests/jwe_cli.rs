//! `jose encrypt` / `jose decrypt` on the real binary: defaults, every
//! alg × enc round trip, serializations, several recipients, exit codes,
//! `--json`, `--lines`, `-o`, nested JWTs.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{data, jose, json_lines, stdout_of, tempdir};

fn p(rel: &str) -> String {
    data(rel).display().to_string()
}

pub fn encrypt(key: &str, extra: &[&str], plaintext: &[u8]) -> String {
    let mut c = jose();
    c.args(["encrypt", "-k", key])
        .args(extra)
        .write_stdin(plaintext.to_vec());
    stdout_of(c).trim_end().to_owned()
}

fn decrypt_ok(key: &str, extra: &[&str], token: &str) -> Vec<u8> {
    let out = jose()
        .args(["decrypt", "-k", key])
        .args(extra)
        .arg(token)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "decrypt failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn header(token: &str) -> Value {
    let first = token.split('.').next().expect("part");
    serde_json::from_slice(&jose::b64::decode(first).expect("b64")).expect("json")
}

const RSA_PRIV: &str = "keys/rsa2048.pkcs8.pem";
const RSA_PUB: &str = "keys/rsa2048.spki.pem";

#[test]
fn defaults_follow_the_key() {
    let cases = [
        ("keys/rsa2048.spki.pem", "RSA-OAEP-256"),
        ("keys/ec-p256.spki.pem", "ECDH-ES"),
        ("keys/x25519.spki.pem", "ECDH-ES"),
        ("jwe/oct256.jwk", "dir"),
        ("jwe/oct128.jwk", "A128KW"),
        ("jwe/oct192.jwk", "A192KW"),
    ];
    for (key, alg) in cases {
        let t = encrypt(&p(key), &[], b"x");
        let h = header(&t);
        assert_eq!(h["alg"], alg, "{key}");
        assert_eq!(h["enc"], "A256GCM", "{key}");
    }
    let t = encrypt(&p("jwe/oct256.jwk"), &[], b"x");
    assert_eq!(header(&t)["kid"], "oct256", "kid defaults to the key's kid");
    // A 256-bit secret with A128GCM does not fit dir: key wrap by its length.
    let t = encrypt(&p("jwe/oct256.jwk"), &["--enc", "A128GCM"], b"x");
    assert_eq!(header(&t)["alg"], "A256KW");
}

#[test]
fn password_defaults_to_pbes2_hs512() {
    let dir = tempdir();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "correct horse\n").expect("write");
    let pw = pw.display().to_string();
    let mut c = jose();
    c.args(["encrypt", "--password-file", &pw, "--p2c", "1000"])
        .write_stdin("secret");
    let t = stdout_of(c).trim_end().to_owned();
    let h = header(&t);
    assert_eq!(h["alg"], "PBES2-HS512+A256KW");
    assert_eq!(h["p2c"], 1000);
    let out = jose()
        .args(["decrypt", "--password-file", &pw, &t])
        .output()
        .expect("run");
    assert_eq!(out.stdout, b"secret");
}

fn key_pair_for(alg: &str) -> (String, String) {
    match alg {
        a if a.starts_with("RSA") => (p(RSA_PUB), p(RSA_PRIV)),
        "A128KW" | "A128GCMKW" => (p("jwe/oct128.jwk"), p("jwe/oct128.jwk")),
        "A192KW" | "A192GCMKW" => (p("jwe/oct192.jwk"), p("jwe/oct192.jwk")),
        "A256KW" | "A256GCMKW" => (p("jwe/oct256.jwk"), p("jwe/oct256.jwk")),
        _ => (p("keys/ec-p384.spki.pem"), p("keys/ec-p384.pkcs8.pem")),
    }
}

#[test]
fn every_alg_and_enc_round_trips() {
    let algs = [
        "RSA-OAEP",
        "RSA-OAEP-256",
        "RSA-OAEP-384",
        "RSA-OAEP-512",
        "RSA1_5",
        "A128KW",
        "A192KW",
        "A256KW",
        "ECDH-ES+A128KW",
        "ECDH-ES+A192KW",
        "ECDH-ES+A256KW",
        "A128GCMKW",
        "A192GCMKW",
        "A256GCMKW",
    ];
    let encs = [
        "A128GCM",
        "A192GCM",
        "A256GCM",
        "A128CBC-HS256",
        "A192CBC-HS384",
        "A256CBC-HS512",
    ];
    for alg in algs {
        for enc in encs {
            let (enc_key, dec_key) = key_pair_for(alg);
            let t = encrypt(&enc_key, &["--alg", alg, "--enc", enc], b"round trip");
            let allow: &[&str] = if alg == "RSA1_5" {
                &["--alg", "RSA1_5"]
            } else {
                &[]
            };
            assert_eq!(
                decrypt_ok(&dec_key, allow, &t),
                b"round trip",
                "{alg} {enc}"
            );
        }
    }
    // dir and ECDH-ES on every curve, for every enc
    for enc in encs {
        let bits = match enc {
            "A128GCM" => 128,
            "A192GCM" => 192,
            "A256GCM" | "A128CBC-HS256" => 256,
            "A192CBC-HS384" => 384,
            _ => 512,
        };
        let k = p(&format!("jwe/oct{bits}.jwk"));
        let t = encrypt(&k, &["--alg", "dir", "--enc", enc], b"direct");
        assert_eq!(decrypt_ok(&k, &[], &t), b"direct", "dir {enc}");
        for (public, private) in [
            ("keys/ec-p256.spki.pem", "keys/ec-p256.pkcs8.pem"),
            ("keys/ec-p384.spki.pem", "keys/ec-p384.pkcs8.pem"),
            ("keys/ec-p521.spki.pem", "keys/ec-p521.pkcs8.pem"),
            ("keys/x25519.spki.pem", "keys/x25519.pkcs8.pem"),
        ] {
            let t = encrypt(&p(public), &["--alg", "ECDH-ES", "--enc", enc], b"agreed");
            assert_eq!(
                decrypt_ok(&p(private), &[], &t),
                b"agreed",
                "ECDH-ES {public} {enc}"
            );
        }
    }
}

#[test]
fn pbes2_variants_round_trip() {
    let dir = tempdir();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pw").expect("write");
    let pw = pw.display().to_string();
    for alg in [
        "PBES2-HS256+A128KW",
        "PBES2-HS384+A192KW",
        "PBES2-HS512+A256KW",
    ] {
        let mut c = jose();
        c.args([
            "encrypt",
            "--password-file",
            &pw,
            "--alg",
            alg,
            "--p2c",
            "2000",
        ])
        .write_stdin("pbes2");
        let t = stdout_of(c).trim_end().to_owned();
        let out = jose()
            .args(["decrypt", "--password-file", &pw, &t])
            .output()
            .expect("run");
        assert_eq!(out.stdout, b"pbes2", "{alg}");
    }
}

#[test]
fn serializations_zip_and_binary_plaintext() {
    let bin: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    for ser in ["compact", "flattened", "general"] {
        for zip in [false, true] {
            let mut extra = vec!["--serialization", ser];
            if zip {
                extra.extend(["--zip", "DEF"]);
            }
            let t = encrypt(&p(RSA_PUB), &extra, &bin);
            assert_eq!(t.starts_with('{'), ser != "compact", "{ser}");
            assert_eq!(decrypt_ok(&p(RSA_PRIV), &[], &t), bin, "{ser} zip={zip}");
        }
    }
}

#[test]
fn several_keys_give_general_json_one_recipient_each() {
    let keys = [p(RSA_PUB), p("keys/ec-p256.spki.pem"), p("jwe/oct256.jwk")];
    let mut c = jose();
    c.args(["encrypt", "-k", &keys[0], "-k", &keys[1], "-k", &keys[2]])
        .write_stdin("to all");
    let t = stdout_of(c);
    let v: Value = serde_json::from_str(&t).expect("general JSON");
    let rs = v["recipients"].as_array().expect("recipients");
    let algs: Vec<&str> = rs
        .iter()
        .map(|r| r["header"]["alg"].as_str().expect("alg"))
        .collect();
    assert_eq!(algs, ["RSA-OAEP-256", "ECDH-ES+A256KW", "A256KW"]);
    for k in [
        p(RSA_PRIV),
        p("keys/ec-p256.pkcs8.pem"),
        p("jwe/oct256.jwk"),
    ] {
        assert_eq!(decrypt_ok(&k, &[], t.trim_end()), b"to all", "{k}");
    }
    // An explicit direct alg with several keys is a usage error.
    jose()
        .args([
            "encrypt",
            "-k",
            &keys[1],
            "-k",
            &p("keys/ec-p384.spki.pem"),
            "--alg",
            "ECDH-ES",
        ])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn certificate_encrypts_to_its_public_key() {
    let t = encrypt(
        &p("keys/cert-rsa2048.pem"),
        &["--alg", "RSA-OAEP"],
        b"id token",
    );
    assert_eq!(decrypt_ok(&p(RSA_PRIV), &[], &t), b"id token");
}

#[test]
fn rsa1_5_only_when_named_and_warns() {
    jose()
        .args(["encrypt", "-k", &p(RSA_PUB), "--alg", "RSA1_5"])
        .write_stdin("x")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning"));
    let t = encrypt(&p(RSA_PUB), &["--alg", "RSA1_5"], b"x");
    jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), &t])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("alg_not_allowed"));
}

#[test]
fn allow_lists_and_key_errors() {
    let t = encrypt(&p(RSA_PUB), &[], b"x");
    jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), "--alg", "RSA-OAEP", &t])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("alg_not_allowed"));
    jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), "--enc", "A128GCM", &t])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("alg_not_allowed"));
    // Allowed alg, no key of its type: no_matching_key.
    jose()
        .args(["decrypt", "-k", &p("keys/ec-p256.pkcs8.pem"), &t])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no_matching_key"));
    // Wrong RSA key: decrypt_failed.
    let other = tempdir();
    let k = other.path().join("k.pem");
    jose().args(["keygen", "-o"]).arg(&k).assert().success();
    jose()
        .args(["decrypt", "-k"])
        .arg(&k)
        .arg(&t)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("decrypt_failed"));
    // A key that cannot encrypt at all is a local error.
    jose()
        .args(["encrypt", "-k", &p("keys/ed25519.spki.pem")])
        .write_stdin("x")
        .assert()
        .code(2);
    jose()
        .args(["encrypt", "-k", &p("jwe/oct256.jwk"), "--alg", "RSA-OAEP"])
        .write_stdin("x")
        .assert()
        .code(2);
    // An unknown alg in the token: unsupported_alg.
    let h = jose::b64::encode(br#"{"alg":"RSA-OAEP-1024","enc":"A256GCM"}"#);
    jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), &format!("{h}.AA.AA.AA.AA")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unsupported_alg"));
}

#[test]
fn json_report_and_lines() {
    let good = encrypt(&p(RSA_PUB), &[], "héllo".as_bytes());
    let bin = encrypt(&p(RSA_PUB), &[], &[0xff, 0xfe]);
    let out = stdout_of({
        let mut c = jose();
        c.args(["decrypt", "-k", &p(RSA_PRIV), "--json", &good]);
        c
    });
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["valid"], true);
    assert_eq!(v["plaintext"], "héllo");
    assert_eq!(v["plaintext_b64"], jose::b64::encode("héllo"));
    assert_eq!(v["header"]["alg"], "RSA-OAEP-256");
    assert_eq!(v["error"], Value::Null);
    let keys: Vec<&String> = v.as_object().expect("obj").keys().collect();
    assert_eq!(
        keys,
        ["valid", "header", "plaintext", "plaintext_b64", "error"]
    );

    let mut bad = good.clone();
    bad.push('A');
    let input = format!("{good}\n\n{bin}\n{bad}\n");
    let out = jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), "--lines"])
        .write_stdin(input)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["plaintext"], "héllo");
    assert_eq!(
        lines[1]["plaintext"],
        Value::Null,
        "binary plaintext is not text"
    );
    assert_eq!(lines[1]["plaintext_b64"], "__4");
    assert_eq!(lines[2]["valid"], false);
    assert!(lines[2]["error"]["code"].is_string());
}

#[test]
fn plaintext_exact_bytes_and_output_file() {
    let t = encrypt(&p(RSA_PUB), &[], b"no newline");
    assert_eq!(decrypt_ok(&p(RSA_PRIV), &[], &t), b"no newline");
    let dir = tempdir();
    let out = dir.path().join("pt");
    jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), "-o"])
        .arg(&out)
        .arg(&t)
        .assert()
        .success();
    assert_eq!(std::fs::read(&out).expect("read"), b"no newline");
    #[cfg(unix)]
    {
        let mode = crate::util::mode_of(&out);
        assert_eq!(mode, 0o600, "plaintexts are secrets");
    }
    jose()
        .args(["decrypt", "-k", &p(RSA_PRIV), "-o"])
        .arg(&out)
        .arg(&t)
        .assert()
        .code(2);
    let tok = dir.path().join("t.jwe");
    jose()
        .args(["encrypt", "-k", &p(RSA_PUB), "-o"])
        .arg(&tok)
        .write_stdin("via file")
        .assert()
        .success();
    let at = format!("@{}", tok.display());
    assert_eq!(decrypt_ok(&p(RSA_PRIV), &[], &at), b"via file");
}

fn sign_jwt(key: &Path, claims: &[&str]) -> String {
    let mut c = jose();
    c.args(["sign", "-k"]).arg(key).args(claims).write_stdin("");
    stdout_of(c).trim_end().to_owned()
}

#[test]
fn nested_jwt_verified_with_verify_key() {
    let jwt = sign_jwt(
        &data("keys/ec-p256.pkcs8.pem"),
        &["--claim", "iss=issuer", "--exp", "5m"],
    );
    let t = encrypt(&p(RSA_PUB), &["--cty", "JWT"], jwt.as_bytes());
    let out = decrypt_ok(
        &p(RSA_PRIV),
        &[
            "--verify-key",
            &p("keys/ec-p256.spki.pem"),
            "--iss",
            "issuer",
        ],
        &t,
    );
    let claims: Value = serde_json::from_slice(&out).expect("claims");
    assert_eq!(claims["iss"], "issuer");
    jose()
        .args([
            "decrypt",
            "-k",
            &p(RSA_PRIV),
            "--verify-key",
            &p("keys/ec-p256.spki.pem"),
        ])
        .args(["--iss", "someone-else", &t])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad_issuer"));
    jose()
        .args([
            "decrypt",
            "-k",
            &p(RSA_PRIV),
            "--verify-key",
            &p("keys/ec-p384.spki.pem"),
            &t,
        ])
        .assert()
        .code(1);
    jose()
        .args([
            "decrypt",
            "-k",
            &p(RSA_PRIV),
            "--verify-key",
            &p("keys/ec-p256.spki.pem"),
        ])
        .args(["--verify-alg", "ES384", &t])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("alg_not_allowed"));
}

/// Under `--json` every rejected input gets its report (and exit 1),
/// whatever the reason: too large, not UTF-8, not a token.
#[test]
fn json_reports_every_rejected_input() {
    let dir = tempdir();
    let not_utf8 = dir.path().join("not-utf8.txt");
    std::fs::write(&not_utf8, b"\xff\xfe.a.b.c.d").expect("write");
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "a".repeat(100)).expect("write");
    let cases: &[(&[&str], String, &str)] = &[
        (
            &["--max-input", "10"],
            "aaaa.bbbb.cccc.dddd.eeee".into(),
            "too_large",
        ),
        (
            &["--max-input", "10"],
            format!("@{}", big.display()),
            "too_large",
        ),
        (&[], format!("@{}", not_utf8.display()), "malformed"),
        (&[], "not-a-token".into(), "malformed"),
    ];
    for (flags, input, code) in cases {
        let out = jose()
            .args(["decrypt", "--json", "-k", &p(RSA_PRIV)])
            .args(*flags)
            .arg(input)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{input}");
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{input}: no JSON report ({e})"));
        assert_eq!(v["valid"], false, "{v}");
        assert_eq!(v["error"]["code"], *code, "{input}: {v}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    }
    let mut input = format!("{}.b.c.d.e\n", "a".repeat(60)).into_bytes();
    input.extend_from_slice(b"\xff\xfe.a.b.c.d\nnot-a-token\n");
    let out = jose()
        .args([
            "decrypt",
            "--lines",
            "--max-input",
            "40",
            "-k",
            &p(RSA_PRIV),
        ])
        .write_stdin(input)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|v| v["error"]["code"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(codes, ["too_large", "malformed", "malformed"]);
}

/// A JWE past the bulk threshold (SIMD scans, no whole-token copy) is read
/// in every pasted shape the small one is: surrounded by white space,
/// quoted, after `Bearer`, folded over lines, from a file; a dot inside its
/// ciphertext is still a wrong part count.
#[test]
fn a_large_token_is_read_in_every_pasted_shape() {
    let dir = tempdir();
    let key = dir.path().join("oct.jwk");
    let out = jose()
        .args(["keygen", "--alg", "A256KW", "-o"])
        .arg(&key)
        .output()
        .expect("run");
    assert!(out.status.success());
    let key = key.display().to_string();
    let plaintext: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let token = encrypt(&key, &["--enc", "A256GCM"], &plaintext);
    assert!(token.len() > 256 * 1024);
    let folded: String = token
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect::<Vec<_>>()
        .join("\r\n ");
    for shape in [
        format!("{token}\n"),
        format!("  \"{token}\"  "),
        format!("Authorization: Bearer {token}\r\n"),
        format!("{folded}\n"),
        format!(
            "{}\t{}",
            &token[..token.len() / 2],
            &token[token.len() / 2..]
        ),
    ] {
        let file = dir.path().join("token.jwe");
        std::fs::write(&file, &shape).expect("write");
        let got = decrypt_ok(&key, &[], &format!("@{}", file.display()));
        assert!(got == plaintext, "shape starting {:?}", &shape[..12]);
        let out = jose()
            .args(["decrypt", "-k", &key])
            .write_stdin(shape.clone())
            .output()
            .expect("run");
        assert!(out.status.success() && out.stdout == plaintext);
    }
    // A dot in the middle of the ciphertext: six parts, said so.
    let mid = token.len() / 2;
    let bad = format!("{}.{}", &token[..mid], &token[mid..]);
    let out = jose()
        .args(["decrypt", "-k", &key])
        .write_stdin(bad)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a compact JWE has 5 parts, found 6"), "{err}");
}
