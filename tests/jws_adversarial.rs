//! RFC 8725 attacks and hostile input against `verify`: each must be refused
//! with the right code, exit 1, one error line and never a panic.

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use jose::JwsAlg;
use jose::RejectCode;
use jose::b64;
use jose::verify::{VerifyOptions, verify};
use jose::{Key, KeyMaterial, KeySet};
use serde_json::Value;

use crate::util::{data, hex, jose, key_path, load_keys, tempdir};

fn set(name: &str) -> KeySet {
    KeySet::new(load_keys(&format!("keys/{name}")))
}

fn enc(v: &Value) -> String {
    b64::encode(v.to_string())
}

/// Sign `header.payload` with a private key file through the library.
fn signed(header: &Value, payload: &[u8], alg: JwsAlg, key: &KeyMaterial) -> String {
    let input = format!("{}.{}", enc(header), b64::encode(payload));
    let sig = jose::internal::crypto::sig::sign(alg, key, input.as_bytes()).expect("sign");
    format!("{input}.{}", b64::encode(sig))
}

/// Run `jose verify --json` and check exit 1, the code, and one error line.
fn rejected_cli(args: &[&str], token: &str, want: &str) {
    let out = jose()
        .arg("verify")
        .arg("--json")
        .args(args)
        .write_stdin(token.to_owned())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{want}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(r["valid"], false);
    assert_eq!(r["error"]["code"], want, "{r}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("jose: error: "), "{err}");
}

#[test]
fn alg_none_in_any_case_is_never_accepted() {
    // `none` is a known name outside every allow-list; its case variants are
    // unknown names (algorithm names are case-sensitive).
    let dir = tempdir();
    let secret = dir.path().join("s.key");
    std::fs::write(&secret, b"0123456789abcdef0123456789abcdef").expect("w");
    let secret = secret.display().to_string();
    let payload = b64::encode(br#"{"sub":"admin"}"#);
    let code_for = |name: &str| {
        if name == "none" {
            "alg_not_allowed"
        } else {
            "unsupported_alg"
        }
    };
    for name in ["none", "None", "NONE", "nOnE", "NoNe"] {
        let h = enc(&serde_json::json!({ "alg": name }));
        for sig in ["", "AAAA"] {
            let t = format!("{h}.{payload}.{sig}");
            // With an HMAC key, an RSA key, and an explicit allow-list.
            for keys in [vec!["--secret-file", secret.as_str()], vec!["-k", "RSA"]] {
                let rsa = key_path("rsa2048.spki.pem");
                let args: Vec<&str> = keys
                    .iter()
                    .map(|a| if *a == "RSA" { rsa.as_str() } else { a })
                    .collect();
                rejected_cli(&args, &t, code_for(name));
            }
            let r = verify(
                &t,
                &set("rsa2048.spki.pem"),
                &VerifyOptions {
                    algs: Some(JwsAlg::ALL.to_vec()),
                    ..VerifyOptions::at(0)
                },
            )
            .expect_err("none accepted");
            assert_eq!(r.code.as_str(), code_for(name), "{name}");
        }
    }
}

#[test]
fn hmac_signed_with_the_rsa_public_key_bytes_is_refused() {
    // The classic confusion attack: the verifier holds an RSA public key and
    // the attacker signs HS256 with that key's public encodings as secret.
    let pem = std::fs::read(data("keys/rsa2048.spki.pem")).expect("pem");
    let der = std::fs::read(data("keys/rsa2048.spki.der")).expect("der");
    let KeyMaterial::Rsa { n, .. } = &load_keys("keys/rsa2048.spki.pem")[0].material else {
        panic!("rsa")
    };
    for secret in [pem, der, n.clone()] {
        let hk = KeyMaterial::Oct {
            k: zeroize::Zeroizing::new(secret),
        };
        for alg in [JwsAlg::HS256, JwsAlg::HS384, JwsAlg::HS512] {
            let t = signed(
                &serde_json::json!({"alg": alg.name()}),
                br#"{"sub":"admin"}"#,
                alg,
                &hk,
            );
            rejected_cli(
                &["-k", &key_path("rsa2048.spki.pem")],
                &t,
                "alg_not_allowed",
            );
            // Even when the caller's allow-list names HS256, the RSA key is
            // never an HMAC secret.
            rejected_cli(
                &[
                    "-k",
                    &key_path("rsa2048.spki.pem"),
                    "--alg",
                    alg.name(),
                    "--alg",
                    "RS256",
                ],
                &t,
                "no_matching_key",
            );
        }
    }
}

#[test]
fn an_embedded_jwk_is_never_trusted() {
    // The attacker signs with their own key and embeds its public half.
    let attacker = &load_keys("keys/ec-p384.pkcs8.pem")[0];
    let jwk = jose::keys::jwk::to_value(&attacker.to_public().expect("public"), false);
    let h = serde_json::json!({"alg": "ES384", "jwk": jwk});
    let t = signed(&h, br#"{"sub":"admin"}"#, JwsAlg::ES384, &attacker.material);
    // The verifier's key is P-256: ES384 is not served by it.
    rejected_cli(
        &["-k", &key_path("ec-p256.spki.pem")],
        &t,
        "alg_not_allowed",
    );
    // Same curve but another key: the signature fails.
    let attacker = &load_keys("keys/ec-p256.pkcs8.pem")[0];
    let other = jose::keys::generate(jose::keys::KeySpec::Ec(jose::Curve::P256)).expect("gen");
    let jwk = jose::keys::jwk::to_value(&Key::new(other.to_public().expect("pub")), false);
    let h = serde_json::json!({"alg": "ES256", "jwk": jwk});
    let t = signed(&h, br#"{"sub":"admin"}"#, JwsAlg::ES256, &other);
    rejected_cli(&["-k", &key_path("ec-p256.spki.pem")], &t, "bad_signature");
    let _ = attacker;
    // x5c naming the attacker's certificate: also ignored.
    let cert = std::fs::read(data("keys/cert-p256.der")).expect("cert");
    let h = serde_json::json!({"alg": "ES256", "x5c": [b64::encode_std(&cert)]});
    let t = signed(&h, b"x", JwsAlg::ES256, &other);
    rejected_cli(&["-k", &key_path("ec-p256.spki.pem")], &t, "bad_signature");
}

#[test]
fn jku_and_x5u_are_never_fetched() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let other = jose::keys::generate(jose::keys::KeySpec::Ec(jose::Curve::P256)).expect("gen");
    for member in ["jku", "x5u"] {
        let h = serde_json::json!({"alg": "ES256", member: format!("http://127.0.0.1:{port}/keys.json"), "kid": "k1"});
        let t = signed(&h, b"x", JwsAlg::ES256, &other);
        rejected_cli(&["-k", &key_path("ec-p256.spki.pem")], &t, "bad_signature");
    }
    std::thread::sleep(Duration::from_millis(100));
    match listener.accept() {
        Ok((mut s, _)) => {
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            panic!(
                "verify connected to the jku/x5u URL: {}",
                String::from_utf8_lossy(&buf)
            );
        }
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock),
    }
}

/// Curve orders, big-endian (from `openssl ecparam -param_enc explicit -text`).
const N_P256: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const N_P384: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973";
const N_P521: &str = "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409";
const N_K256: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

fn add_one(v: &[u8]) -> Vec<u8> {
    let mut out = v.to_vec();
    for b in out.iter_mut().rev() {
        let (x, carry) = b.overflowing_add(1);
        *b = x;
        if !carry {
            break;
        }
    }
    out
}

#[test]
fn ecdsa_signatures_with_r_or_s_zero_or_at_least_n_are_rejected() {
    let cases = [
        (
            "ec-p256.pkcs8.pem",
            "ec-p256.spki.pem",
            JwsAlg::ES256,
            N_P256,
        ),
        (
            "ec-p384.pkcs8.pem",
            "ec-p384.spki.pem",
            JwsAlg::ES384,
            N_P384,
        ),
        (
            "ec-p521.pkcs8.pem",
            "ec-p521.spki.pem",
            JwsAlg::ES512,
            N_P521,
        ),
        (
            "ec-secp256k1.pkcs8.pem",
            "ec-secp256k1.spki.pem",
            JwsAlg::ES256K,
            N_K256,
        ),
    ];
    for (private, public, alg, n) in cases {
        let key = &load_keys(&format!("keys/{private}"))[0].material;
        let good = signed(&serde_json::json!({"alg": alg.name()}), b"x", alg, key);
        let (input, sig) = good.rsplit_once('.').expect("token");
        let sig = b64::decode(sig).expect("sig");
        let half = sig.len() / 2;
        let (r, s) = sig.split_at(half);
        let n = hex(n);
        let n = [vec![0u8; half - n.len()], n].concat();
        let zero = vec![0u8; half];
        let ones = vec![0xffu8; half];
        let n_plus_1 = add_one(&n);
        let bad: Vec<(&str, Vec<u8>)> = vec![
            ("r=0,s=0", [zero.clone(), zero.clone()].concat()),
            ("r=0", [zero.clone(), s.to_vec()].concat()),
            ("s=0", [r.to_vec(), zero.clone()].concat()),
            ("r=n", [n.clone(), s.to_vec()].concat()),
            ("s=n", [r.to_vec(), n.clone()].concat()),
            ("r=n+1", [n_plus_1.clone(), s.to_vec()].concat()),
            ("s=n+1", [r.to_vec(), n_plus_1.clone()].concat()),
            ("r=max", [ones.clone(), s.to_vec()].concat()),
            ("s=max", [r.to_vec(), ones.clone()].concat()),
            ("short", sig[..sig.len() - 1].to_vec()),
            ("long", [sig.clone(), vec![0]].concat()),
            ("empty", Vec::new()),
        ];
        // The genuine one passes, so the failures below are about r and s.
        assert!(
            verify(&good, &set(public), &VerifyOptions::at(0)).is_ok(),
            "{alg}"
        );
        for (what, b) in bad {
            let t = format!("{input}.{}", b64::encode(&b));
            let r = verify(&t, &set(public), &VerifyOptions::at(0)).expect_err(what);
            let want = if b.is_empty() {
                RejectCode::Malformed
            } else {
                RejectCode::BadSignature
            };
            assert_eq!(r.code, want, "{alg} {what}");
        }
        // r + n with s: r is reduced by nobody.
        let t = format!("{input}.{}", b64::encode([n.clone(), s.to_vec()].concat()));
        rejected_cli(&["-k", &key_path(public)], &t, "bad_signature");
    }
}

#[test]
fn unknown_crit_and_crit_misuse() {
    let key = &load_keys("keys/ec-p256.pkcs8.pem")[0].material;
    let pk = key_path("ec-p256.spki.pem");
    let t = signed(
        &serde_json::json!({"alg":"ES256","crit":["x-new"],"x-new":1}),
        b"x",
        JwsAlg::ES256,
        key,
    );
    rejected_cli(&["-k", &pk], &t, "unknown_crit");
    for h in [
        serde_json::json!({"alg":"ES256","crit":[]}),
        serde_json::json!({"alg":"ES256","crit":"x-new","x-new":1}),
        serde_json::json!({"alg":"ES256","crit":["x-new"]}),
        serde_json::json!({"alg":"ES256","crit":["alg"]}),
        serde_json::json!({"alg":"ES256","crit":["x-new","x-new"],"x-new":1}),
        serde_json::json!({"alg":"ES256","crit":[1]}),
        serde_json::json!({"alg":"ES256","b64":false}),
        serde_json::json!({"alg":"ES256","b64":"false","crit":["b64"]}),
    ] {
        let t = signed(&h, b"x", JwsAlg::ES256, key);
        rejected_cli(&["-k", &pk, "--crit", "x-new"], &t, "malformed");
    }
}

#[test]
fn every_single_byte_tamper_of_a_valid_token_is_rejected() {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (private, public, alg) in [
        ("ec-p256.pkcs8.pem", "ec-p256.spki.pem", JwsAlg::ES256),
        ("ed25519.pkcs8.pem", "ed25519.spki.pem", JwsAlg::EdDSA),
        ("rsa2048.pkcs8.pem", "rsa2048.spki.pem", JwsAlg::RS256),
    ] {
        let key = &load_keys(&format!("keys/{private}"))[0].material;
        let keys = set(public);
        let t = signed(
            &serde_json::json!({"alg": alg.name(), "kid": "k"}),
            br#"{"sub":"user","admin":false}"#,
            alg,
            key,
        );
        assert!(verify(&t, &keys, &VerifyOptions::at(0)).is_ok());
        let bytes = t.as_bytes();
        let mut tried = 0;
        for i in 0..bytes.len() {
            if bytes[i] == b'.' {
                continue;
            }
            // Two replacements per position: a neighbour and a far character.
            let pos = alphabet
                .iter()
                .position(|c| *c == bytes[i])
                .expect("b64 char");
            for delta in [1, 32] {
                let mut m = bytes.to_vec();
                m[i] = alphabet[(pos + delta) % 64];
                let m = String::from_utf8(m).expect("ascii");
                assert!(
                    verify(&m, &keys, &VerifyOptions::at(0)).is_err(),
                    "{alg}: tamper at {i} accepted"
                );
                tried += 1;
            }
            // And a byte outside the alphabet.
            let mut m = bytes.to_vec();
            m[i] = b'=';
            let m = String::from_utf8(m).expect("ascii");
            let r = verify(&m, &keys, &VerifyOptions::at(0)).expect_err("tamper");
            assert_eq!(r.code, RejectCode::Malformed, "{alg} '=' at {i}");
        }
        let positions = bytes.iter().filter(|b| **b != b'.').count();
        assert_eq!(tried, 2 * positions, "{alg}");
    }
}

#[test]
fn malformed_inputs_are_exit_1_malformed_without_panic() {
    let key = &load_keys("keys/ec-p256.pkcs8.pem")[0].material;
    let good = signed(
        &serde_json::json!({"alg":"ES256"}),
        b"payload",
        JwsAlg::ES256,
        key,
    );
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let hdr = |v: &str| b64::encode(v);
    let cases: Vec<String> = vec![
        String::from("."),
        String::from(".."),
        format!("{h}.{p}"),
        format!("{h}.{p}.{s}."),
        format!("{h}.{p}.{s}.x.y.z"),
        format!("{h}"),
        format!(".{p}.{s}"),
        format!("{h}.{p}."),
        format!("{h}=.{p}.{s}"),
        format!("{h}.{p}=.{s}"),
        format!("{h}.{p}.{s}=="),
        format!("{h}.{p}+.{s}"),
        format!("{h}.{p}.{}", s.replace('-', "+").replace('_', "/") + "+/"),
        format!("{}.{p}.{s}", hdr("[]")),
        format!("{}.{p}.{s}", hdr("1")),
        format!("{}.{p}.{s}", hdr("\"ES256\"")),
        format!("{}.{p}.{s}", hdr("{")),
        format!("{}.{p}.{s}", hdr("{\"alg\":\"ES256\",\"alg\":\"ES256\"}")),
        format!("{}.{p}.{s}", hdr("{}")),
        format!("{}.{p}.{s}", hdr("{\"alg\":256}")),
        format!("{}.{p}.{s}", b64::encode([0xff, 0xfe, b'{', b'}'])),
        format!(
            "{}.{p}.{s}",
            hdr(&format!("{}1{}", "[".repeat(200), "]".repeat(200)))
        ),
        String::from("{"),
        String::from("{}"),
        String::from("[]"),
        String::from("{\"payload\":\"eA\",\"signatures\":[]}"),
        String::from("{\"payload\":\"eA\",\"signatures\":{}}"),
        String::from("{\"payload\":\"eA\",\"signature\":\"AA\",\"signatures\":[]}"),
        format!(
            "{{\"payload\":\"{p}\",\"protected\":\"{h}\",\"header\":{{\"alg\":\"ES256\"}},\"signature\":\"{s}\"}}"
        ),
        format!(
            "{{\"payload\":\"{p}\",\"protected\":\"{h}\",\"signature\":\"{s}\",\"signature\":\"{s}\"}}"
        ),
        format!("{{\"payload\":\"{p}=\",\"protected\":\"{h}\",\"signature\":\"{s}\"}}"),
        format!("{{\"payload\":7,\"protected\":\"{h}\",\"signature\":\"{s}\"}}"),
    ];
    for t in &cases {
        let out = jose()
            .args(["verify", "--json", "-k", &key_path("ec-p256.spki.pem")])
            .write_stdin(t.clone())
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{t}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: Value = serde_json::from_slice(&out.stdout).expect("report");
        assert_eq!(r["error"]["code"], "malformed", "{t}: {r}");
    }
    // White space inside a compact token is a folded paste, joined again
    // (cli.md, Inputs): not malformed, the token verifies.
    let out = jose()
        .args(["verify", "--json", "-k", &key_path("ec-p256.spki.pem")])
        .write_stdin(format!("{h} .{p}.\n{s}"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn unknown_algs_are_unsupported_alg() {
    let p = b64::encode(b"x");
    for alg in ["HS1", "RS1", "es256", "ES512K", "EdDSA448", "dir"] {
        let t = format!("{}.{p}.AAAA", b64::encode(format!("{{\"alg\":\"{alg}\"}}")));
        rejected_cli(
            &["-k", &key_path("ec-p256.spki.pem")],
            &t,
            "unsupported_alg",
        );
    }
}

#[test]
fn ten_megabyte_inputs_are_too_large_or_malformed_never_a_panic() {
    let dir = tempdir();
    let big = "A".repeat(10 << 20);
    let f = dir.path().join("big.jwt");
    // One 10 MB base64url segment, two dots.
    std::fs::write(&f, format!("eyJhbGciOiJFUzI1NiJ9.{big}.AAAA")).expect("w");
    let at = format!("@{}", f.display());
    let out = jose()
        .args(["verify", "--json", "-k", &key_path("ec-p256.spki.pem"), &at])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(r["error"]["code"], "bad_signature", "{r}");
    // Over --max-input: too_large, exit 1.
    let out = jose()
        .args([
            "verify",
            "--max-input",
            "1M",
            "-k",
            &key_path("ec-p256.spki.pem"),
            &at,
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too_large"));
    // 10 MB of garbage, and 10 MB of nested JSON.
    for body in [
        big.replace('A', "."),
        "[".repeat(10 << 20),
        format!("{{\"payload\":\"{big}\"}}"),
    ] {
        std::fs::write(&f, body).expect("w");
        let out = jose()
            .args(["verify", "--json", "-k", &key_path("ec-p256.spki.pem"), &at])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        let r: Value = serde_json::from_slice(&out.stdout).expect("report");
        assert_eq!(r["error"]["code"], "malformed", "{r}");
    }
}

#[test]
fn too_many_signatures_are_refused_before_any_work() {
    let sig =
        serde_json::json!({"protected": b64::encode("{\"alg\":\"ES256\"}"), "signature": "AAAA"});
    let t = serde_json::json!({"payload": "eA", "signatures": vec![sig; 1000]}).to_string();
    let r = verify(&t, &set("ec-p256.spki.pem"), &VerifyOptions::at(0)).expect_err("1000 sigs");
    assert_eq!(r.code, RejectCode::Malformed);
}
