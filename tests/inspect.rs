//! `jose inspect`: every kind of input, both output forms, relative ages
//! with a fixed `--now`, and rejection of what is none of them.

use std::path::Path;
use std::process::Command as Std;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::util::*;

const VEC: &str = "vectors";

fn vector(name: &str) -> Value {
    serde_json::from_slice(&read_data(&format!("{VEC}/{name}"))).expect("vector JSON")
}

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// `jose inspect --json` of a literal input.
fn inspect(input: &str) -> Value {
    let mut c = jose();
    c.args(["inspect", "--json", input]);
    let out = stdout_of(c);
    assert_eq!(out.lines().count(), 1, "one line: {out}");
    serde_json::from_str(&out).expect("JSON")
}

fn inspect_file(path: &Path) -> Value {
    inspect(&format!("@{}", path.display()))
}

fn human(input: &str, now: &str) -> String {
    let mut c = jose();
    c.args(["inspect", input, "--now", now]);
    let out = stdout_of(c);
    assert!(
        out.starts_with("NOT VERIFIED: decoded only\n"),
        "banner missing: {out}"
    );
    out
}

/// The header the vector's token carries: its `protected_b64u`, decoded
/// (the RFC 7797 file's `protected` object lists a `crit` its encoded form
/// does not have).
fn protected(signing: &Value) -> Value {
    let Some(b) = signing["protected_b64u"].as_str() else {
        return Value::Null;
    };
    let raw = URL_SAFE_NO_PAD.decode(b).expect("b64");
    serde_json::from_slice(&raw).expect("header JSON")
}

/// Every serialization of a cookbook JWS shows the vector's headers and payload.
#[test]
fn jws_vectors_in_every_serialization() {
    for name in [
        "rfc7520/jws/4_1.rsa_v15_signature.json",
        "rfc7520/jws/4_5.signature_with_detached_content.json",
        "rfc7520/jws/4_6.protecting_specific_header_fields.json",
        "rfc7520/jws/4_8.multiple_signatures.json",
        "rfc7797/4.2.hmac-sha2_b64_false.json",
    ] {
        let v = vector(name);
        let signing: Vec<Value> = match &v["signing"] {
            Value::Array(a) => a.clone(),
            s => vec![s.clone()],
        };
        let detached = name.contains("/4_5.");
        let payload = v["input"]["payload"].as_str().expect("payload");
        let outputs = v["output"].as_object().expect("outputs");
        assert!(!outputs.is_empty());
        for (form, token) in outputs {
            let text = match token {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let got = inspect(&text);
            let want_ser = match form.as_str() {
                "compact" => "compact",
                "json_flat" => "flattened",
                "json" => "general",
                other => panic!("unknown output form {other}"),
            };
            assert_eq!(got["kind"], "jws", "{name} {form}");
            assert_eq!(got["verified"], false);
            assert_eq!(got["serialization"], want_ser, "{name} {form}");
            assert_eq!(got["header"], protected(&signing[0]), "{name} {form}");
            if detached {
                assert_eq!(got["detached"], true, "{name} {form}");
                assert!(got["payload_b64"].is_null());
            } else {
                assert_eq!(got["payload_b64"], b64(payload.as_bytes()), "{name} {form}");
                assert!(got.get("claims").is_none());
            }
            if want_ser != "compact" {
                let sigs = got["signatures"].as_array().expect("signatures");
                assert_eq!(
                    sigs.len(),
                    if want_ser == "general" {
                        signing.len()
                    } else {
                        1
                    }
                );
                for (s, want) in sigs.iter().zip(&signing) {
                    assert_eq!(s["protected"], protected(want), "{name} {form}");
                    let unprot = want.get("unprotected").cloned().unwrap_or(Value::Null);
                    assert_eq!(s["header"], unprot, "{name} {form}");
                }
                let first_unprot = signing[0]
                    .get("unprotected")
                    .cloned()
                    .unwrap_or(Value::Null);
                assert_eq!(got["unprotected"], first_unprot, "{name} {form}");
            }
        }
    }
}

#[test]
fn jwe_vectors_in_every_serialization() {
    let dec = |s: &Value| {
        URL_SAFE_NO_PAD
            .decode(s.as_str().expect("b64 string"))
            .expect("b64")
            .len()
    };
    for name in [
        "rfc7520/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
        "rfc7520/jwe/5_13.encrypting_to_multiple_recipients.json",
    ] {
        let v = vector(name);
        let recipients: Vec<Value> = match &v["encrypting_key"] {
            Value::Array(a) => a.clone(),
            r => vec![r.clone()],
        };
        let content = &v["encrypting_content"];
        for (form, token) in v["output"].as_object().expect("outputs") {
            let text = match token {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let got = inspect(&text);
            assert_eq!(got["kind"], "jwe", "{name} {form}");
            assert_eq!(got["verified"], false);
            assert_eq!(got["header"], content["protected"], "{name} {form}");
            assert_eq!(got["encrypted"], true);
            let n = if form == "json_flat" || form == "compact" {
                1
            } else {
                recipients.len()
            };
            assert_eq!(got["recipients"], n, "{name} {form}");
            assert_eq!(
                got["sizes"]["ciphertext"],
                dec(&content["ciphertext"]),
                "{name} {form}"
            );
            assert_eq!(got["sizes"]["tag"], dec(&content["tag"]), "{name} {form}");
            assert_eq!(
                got["sizes"]["iv"],
                dec(&v["generated"]["iv"]),
                "{name} {form}"
            );
            let keys: Vec<usize> = recipients
                .iter()
                .take(n)
                .map(|r| dec(&r["encrypted_key"]))
                .collect();
            assert_eq!(got["sizes"]["encrypted_key"], json!(keys), "{name} {form}");
            assert!(got.get("plaintext").is_none() && got.get("claims").is_none());
            if form == "json" {
                let heads: Vec<Value> = recipients
                    .iter()
                    .map(|r| r.get("header").cloned().unwrap_or(Value::Null))
                    .collect();
                assert_eq!(got["recipient_headers"], json!(heads), "{name}");
                assert_eq!(
                    got["unprotected"],
                    content.get("unprotected").cloned().unwrap_or(Value::Null)
                );
            }
        }
        let compact_or_json = v["output"]
            .get("compact")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| v["output"]["json"].to_string());
        let h = human(&compact_or_json, "0");
        assert!(h.contains("JWE ("), "{h}");
        assert!(h.contains("The content is encrypted"), "{h}");
        assert!(h.contains("\"enc\": \"A"), "{h}");
    }
}

/// RFC 7638 thumbprint computed by Python's hashlib, independently of us.
fn py_thumbprint(jwk: &Value) -> String {
    let members: &[&str] = match jwk["kty"].as_str() {
        Some("RSA") => &["e", "kty", "n"],
        Some("EC") => &["crv", "kty", "x", "y"],
        Some("OKP") => &["crv", "kty", "x"],
        _ => &["k", "kty"],
    };
    let mut o = serde_json::Map::new();
    for m in members {
        o.insert((*m).to_owned(), jwk[*m].clone());
    }
    let script = "import sys,json,hashlib,base64;o=json.loads(sys.argv[1]);print(base64.urlsafe_b64encode(hashlib.sha256(json.dumps(o,sort_keys=True,separators=(',',':')).encode()).digest()).decode().rstrip('='))";
    let out = Std::new("python3")
        .args(["-c", script, &Value::Object(o).to_string()])
        .output()
        .expect("python3");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn jwk_and_jwks() {
    if !require_tool("python3") {
        return;
    }
    let ec = vector("rfc7520/jwk/3_1.ec_public_key.json");
    let rsa_pub = vector("rfc7520/jwk/3_3.rsa_public_key.json");
    let rsa_priv = vector("rfc7520/jwk/3_4.rsa_private_key.json");
    for (jwk, private) in [(&ec, false), (&rsa_pub, false), (&rsa_priv, true)] {
        let got = inspect(&jwk.to_string());
        assert_eq!(got["kind"], "jwk");
        assert_eq!(got["verified"], false);
        let k = &got["keys"][0];
        assert_eq!(k["kty"], jwk["kty"]);
        assert_eq!(k["kid"], jwk["kid"]);
        assert_eq!(k["use"], jwk["use"]);
        assert_eq!(k["private"], private);
        assert_eq!(k["thumbprint"], py_thumbprint(jwk));
        // Private members never appear in the report.
        for secret in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(k.get(secret).is_none());
        }
    }
    assert_eq!(inspect(&ec.to_string())["keys"][0]["crv"], "P-521");
    assert_eq!(inspect(&rsa_pub.to_string())["keys"][0]["bits"], 2048);

    let jwks = json!({"keys": [ec, rsa_pub]});
    let dir = tempdir();
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, jwks.to_string()).expect("write");
    let got = inspect_file(&path);
    assert_eq!(got["kind"], "jwks");
    assert_eq!(got["keys"].as_array().map(Vec::len), Some(2));
    assert_eq!(got["keys"][1]["thumbprint"], py_thumbprint(&rsa_pub));

    let h = human(&format!("@{}", path.display()), "0");
    assert!(h.contains("JWKS: 2 keys"), "{h}");
    assert!(h.contains("EC P-521"), "{h}");
    assert!(h.contains("RSA 2048"), "{h}");
    assert!(h.contains("bilbo.baggins@hobbiton.example"), "{h}");
    assert!(h.contains(&py_thumbprint(&ec)), "{h}");
}

#[test]
fn pem_and_der_keys() {
    for (file, kty, private) in [
        ("keys/rsa2048.pkcs8.pem", "RSA", true),
        ("keys/rsa2048.spki.der", "RSA", false),
        ("keys/ec-p256.pkcs8.der", "EC", true),
        ("keys/ed25519.spki.pem", "OKP", false),
    ] {
        let got = inspect_file(&data(file));
        assert_eq!(got["kind"], "key", "{file}");
        assert_eq!(got["keys"][0]["kty"], kty, "{file}");
        assert_eq!(got["keys"][0]["private"], private, "{file}");
    }
    // The public and private halves have the same thumbprint.
    assert_eq!(
        inspect_file(&data("keys/rsa2048.pkcs8.pem"))["keys"][0]["thumbprint"],
        inspect_file(&data("keys/rsa2048.spki.der"))["keys"][0]["thumbprint"]
    );
}

fn sha256_b64(path: &Path) -> String {
    let out = Std::new("python3")
        .args([
            "-c",
            "import sys,hashlib,base64;print(base64.urlsafe_b64encode(hashlib.sha256(open(sys.argv[1],'rb').read()).digest()).decode().rstrip('='))",
        ])
        .arg(path)
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn certificates_pem_and_der() {
    if !require_tool("openssl") || !require_tool("python3") {
        return;
    }
    let dir = tempdir();
    let key = data("keys/ec-p256.pkcs8.pem").display().to_string();
    let pem = make_cert(
        dir.path(),
        "c.pem",
        &[
            "--key",
            &key,
            "--subject",
            r"CN=Doe\, John,O=Org,OU=Unit,C=DE",
            "--san",
            "dns:example.com",
            "--san",
            "ip:2001:db8::1",
            "--san",
            "email:a@example.com",
            "--san",
            "uri:urn:x:y",
            "--not-before",
            "2030-01-01T00:00:00Z",
            "--days",
            "365",
        ],
    );
    let der = dir.path().join("c.der");
    let ok = Std::new("openssl")
        .args(["x509", "-in"])
        .arg(&pem)
        .args(["-outform", "DER", "-out"])
        .arg(&der)
        .status()
        .expect("openssl");
    assert!(ok.success());
    let serial = Std::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(&pem)
        .output()
        .expect("openssl");
    let serial = String::from_utf8_lossy(&serial.stdout)
        .trim()
        .trim_start_matches("serial=")
        .to_owned();
    let key_tp = inspect(&format!("@{key}"))["keys"][0]["thumbprint"].clone();
    for path in [&pem, &der] {
        let got = inspect_file(path);
        assert_eq!(got["kind"], "certificate");
        assert_eq!(got["verified"], false);
        // RFC 4514: most specific first, escapes kept.
        assert_eq!(got["subject"], r"CN=Doe\, John,O=Org,OU=Unit,C=DE");
        assert_eq!(got["issuer"], got["subject"]);
        assert_eq!(got["serial"], serial);
        assert_eq!(got["not_before"], "2030-01-01T00:00:00Z");
        assert_eq!(got["not_after"], "2031-01-01T00:00:00Z");
        assert_eq!(
            got["sans"],
            json!([
                "dns:example.com",
                "ip:2001:db8::1",
                "email:a@example.com",
                "uri:urn:x:y"
            ])
        );
        assert_eq!(got["is_ca"], false);
        assert_eq!(got["key"], "EC P-256");
        assert_eq!(got["thumbprint"], key_tp);
        assert_eq!(got["x5t#S256"], sha256_b64(&der));
        assert_eq!(got["keys"][0]["thumbprint"], key_tp);
    }
    let ca = make_cert(dir.path(), "ca.pem", &["--key", &key, "--cn", "CA", "--ca"]);
    assert_eq!(inspect_file(&ca)["is_ca"], true);

    // Human form: validity with relative ages against a fixed clock.
    let h = human(&format!("@{}", pem.display()), "2030-01-01T00:00:00Z");
    assert!(h.contains("expires in 365d"), "{h}");
    assert!(h.contains(r"CN=Doe\, John,O=Org,OU=Unit,C=DE"), "{h}");
    assert!(h.contains(&serial), "{h}");
    assert!(h.contains("dns:example.com"), "{h}");
    assert!(h.contains(&sha256_b64(&der)), "{h}");
    assert!(h.contains(key_tp.as_str().unwrap_or("?")), "{h}");
    let h = human(&format!("@{}", pem.display()), "2031-01-01T03:12:00Z");
    assert!(h.contains("expired 3h12m ago"), "{h}");
    let h = human(&format!("@{}", pem.display()), "2029-12-31T00:00:00Z");
    assert!(h.contains("not valid for another 1d"), "{h}");
}

#[test]
fn certificate_map() {
    let dir = tempdir();
    let a = make_cert(
        dir.path(),
        "a.pem",
        &[
            "--key",
            &data("keys/rsa2048.pkcs8.pem").display().to_string(),
            "--cn",
            "a",
        ],
    );
    let b = make_cert(
        dir.path(),
        "b.pem",
        &[
            "--key",
            &data("keys/ec-p256.pkcs8.pem").display().to_string(),
            "--cn",
            "b",
        ],
    );
    let map = json!({
        "kid-a": std::fs::read_to_string(&a).expect("read"),
        "kid-b": std::fs::read_to_string(&b).expect("read"),
    });
    let got = inspect(&map.to_string());
    assert_eq!(got["kind"], "cert-map");
    assert_eq!(got["verified"], false);
    let keys = got["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], "kid-a");
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[1]["kid"], "kid-b");
    assert_eq!(keys[1]["crv"], "P-256");
    assert_eq!(keys[1]["certificate"]["subject"], "CN=b");
    assert_eq!(
        keys[0]["thumbprint"],
        inspect_file(&data("keys/rsa2048.pkcs8.pem"))["keys"][0]["thumbprint"]
    );
}

fn seg(v: &Value) -> String {
    b64(v.to_string().as_bytes())
}

const NOW: i64 = 1_900_000_000;

fn jwt(claims: Value) -> String {
    format!(
        "{}.{}.{}",
        seg(&json!({"alg": "HS256", "typ": "JWT"})),
        seg(&claims),
        b64(b"not a real signature")
    )
}

#[test]
fn jwt_times_with_relative_ages() {
    let t = jwt(json!({
        "sub": "alice",
        "exp": NOW + 2 * 3600 + 5 * 60,
        "iat": NOW - 300,
        "nbf": NOW - (3 * 3600 + 12 * 60),
        "auth_time": NOW - 2 * 86_400,
    }));
    let h = human(&t, &NOW.to_string());
    assert!(h.contains("expires in 2h05m"), "{h}");
    assert!(h.contains("issued 5m ago"), "{h}");
    assert!(h.contains("valid since 3h12m ago"), "{h}");
    assert!(h.contains("authenticated 2d ago"), "{h}");
    assert!(h.contains("2030-03-17T19:51:40Z"), "exp as a UTC date: {h}");
    assert!(h.contains("\"sub\": \"alice\""), "{h}");

    let expired = jwt(json!({"exp": NOW - (3 * 3600 + 12 * 60)}));
    let h = human(&expired, &NOW.to_string());
    assert!(h.contains("expired 3h12m ago"), "{h}");
    // --now accepts RFC 3339 and relative forms too.
    let h = human(&expired, "2030-03-17T17:46:40Z");
    assert!(h.contains("expired 3h12m ago"), "{h}");

    let got = inspect(&t);
    assert_eq!(got["kind"], "jws");
    assert_eq!(got["claims"]["sub"], "alice");
    assert_eq!(got["header"]["typ"], "JWT");
    assert!(got.get("payload_b64").is_none());
}

#[test]
fn token_input_forms() {
    let t = jwt(json!({"sub": "x"}));
    // Bearer prefix, URL parameter, @file, standard input.
    assert_eq!(inspect(&format!("Bearer {t}"))["claims"]["sub"], "x");
    assert_eq!(
        inspect(&format!("https://app.example/cb#state=1&id_token={t}"))["claims"]["sub"],
        "x"
    );
    let dir = tempdir();
    let p = dir.path().join("t.jwt");
    std::fs::write(&p, format!("{t}\n")).expect("write");
    assert_eq!(inspect_file(&p)["claims"]["sub"], "x");
    let out = jose()
        .args(["inspect", "--json"])
        .write_stdin(format!("  {t}\n"))
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["claims"]["sub"], "x");
    // A DER certificate through standard input.
    let der = read_data("keys/cert-p256.der");
    let out = jose()
        .args(["inspect", "--json", "-"])
        .write_stdin(der)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["kind"], "certificate");
}

#[test]
fn garbage_is_malformed_with_exit_1() {
    let dir = tempdir();
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, [0x30u8, 0x03, 0x02, 0x01, 0x05, 0xff, 0x00, 0x01]).expect("write");
    let binary = dir.path().join("bin");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0x80]).expect("write");
    let junk_arg = format!("@{}", junk.display());
    let binary_arg = format!("@{}", binary.display());
    for input in [
        "hello",
        "a.b",
        "a.b.c.d",
        "e30.e30.x=",
        "W10.e30.AA",
        "eyJhIjoxLCJhIjoyfQ.e30.AA",
        "{not json",
        r#"{"foo":1}"#,
        r#"{"kty":"EC","crv":"P-256"}"#,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        r#"{"payload":"e30","signatures":[]}"#,
        r#"{"payload":"e30","signature":"AA"}"#,
        r#"{"ciphertext":"AA"}"#,
        r#"{"payload":1,"signature":"AA","protected":"e30"}"#,
        "0abc",
        r#"{"protected":"e30","ciphertext":"AA","recipients":"x"}"#,
        junk_arg.as_str(),
        binary_arg.as_str(),
    ] {
        let out = jose().args(["inspect", "--", input]).output().expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{input:?}: {err}");
        assert!(err.contains("(malformed)"), "{input:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
    let out = jose().args(["inspect", "hello"]).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tried:") && err.contains("JWKS"), "{err}");
    // Over the input limit: too_large.
    let out = jose()
        .args(["inspect", "--max-input", "10", &jwt(json!({}))])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too_large"));
}

#[test]
fn human_forms_carry_the_banner() {
    let v = vector("rfc7520/jws/4_8.multiple_signatures.json");
    let h = human(&v["output"]["json"].to_string(), "0");
    assert!(
        h.contains("JWS (general serialization, 3 signatures)"),
        "{h}"
    );
    assert!(h.contains("Unprotected header (signature 1)"), "{h}");
    let h = human(
        &vector("rfc7520/jwk/3_1.ec_public_key.json").to_string(),
        "0",
    );
    assert!(h.contains("EC P-521 (public)"), "{h}");
    let h = human(
        &format!("@{}", data("keys/rsa2048.pkcs8.pem").display()),
        "0",
    );
    assert!(h.contains("RSA 2048 (private)"), "{h}");
    // A payload that is text but not JSON is shown as text.
    let t = format!(
        "{}.{}.AA",
        seg(&json!({"alg":"HS256"})),
        b64(b"hello world")
    );
    let h = human(&t, "0");
    assert!(h.contains("hello world"), "{h}");
}
