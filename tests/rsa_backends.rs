//! RSA across the two backends of src/crypto/rsa_enc.rs: aws-lc-rs for
//! RSA-OAEP decryption with 2048–8192-bit moduli, `rsa` 0.10 for RSA1_5 and
//! the sizes aws-lc-rs refuses (1024-bit keys users still have, and above
//! 8192 bits). Tokens made by Python `cryptography` (an independent
//! implementation, from tests/interop/.pydeps) and by our own `encrypt`
//! decrypt at every size; key generation and key checks use the same split.

use std::path::Path;

use crate::util::*;

/// A compact JWE made by Python `cryptography` alone: the CEK encrypted with
/// RSA-OAEP (SHA-1 or SHA-256) or PKCS#1 v1.5, the content with AES-256-GCM.
const PY_JWE: &str = r#"
import sys, os, base64, json
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
key = serialization.load_pem_public_key(open(sys.argv[1], 'rb').read())
alg = sys.argv[2]
pad = {'RSA-OAEP': lambda: padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None),
       'RSA-OAEP-256': lambda: padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None),
       'RSA1_5': lambda: padding.PKCS1v15()}[alg]()
cek, iv = os.urandom(32), os.urandom(12)
h = b64(json.dumps({'alg': alg, 'enc': 'A256GCM'}).encode())
ct = AESGCM(cek).encrypt(iv, sys.argv[3].encode(), h.encode())
print('.'.join([h, b64(key.encrypt(cek, pad)), b64(iv), b64(ct[:-16]), b64(ct[-16:])]))
"#;

fn python() -> std::process::Command {
    let deps = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/.pydeps");
    assert!(
        deps.is_dir() && have("python3"),
        "python3 and tests/interop/.pydeps are needed: run `bash tests/interop/setup.sh`"
    );
    let mut c = std::process::Command::new("python3");
    c.env("PYTHONPATH", deps);
    c
}

fn decrypt(key: &str, alg: &str, token: &str) -> String {
    let mut c = jose();
    c.args(["decrypt", "--alg", alg, "-k"])
        .arg(data(key))
        .arg(token);
    stdout_of(c)
}

/// 1024 and 8320 bits (the `rsa` crate), 2048 and 4096 (aws-lc-rs for
/// RSA-OAEP): a token from Python `cryptography` and one from our `encrypt`
/// both decrypt, with every RSA key management algorithm.
#[test]
fn rsa_decrypt_at_every_size_and_padding() {
    for bits in [1024, 2048, 4096, 8320] {
        let private = format!("keys/rsa{bits}.pkcs8.pem");
        let public = data(&format!("keys/rsa{bits}.spki.pem"));
        for alg in ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] {
            let msg = format!("{alg} with {bits} bits");
            let out = python()
                .arg("-c")
                .arg(PY_JWE)
                .arg(&public)
                .arg(alg)
                .arg(&msg)
                .output()
                .expect("run python3");
            assert!(
                out.status.success(),
                "python: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let theirs = String::from_utf8(out.stdout).expect("utf-8");
            assert_eq!(
                decrypt(&private, alg, theirs.trim()),
                msg,
                "python {alg} {bits}"
            );

            let mut c = jose();
            c.args(["encrypt", "--alg", alg, "--enc", "A128CBC-HS256", "-k"])
                .arg(&public)
                .write_stdin(msg.clone());
            let ours = stdout_of(c);
            assert_eq!(
                decrypt(&private, alg, ours.trim()),
                msg,
                "jose {alg} {bits}"
            );
        }
    }
}

/// A private key whose CRT values do not fit its primes is refused at load,
/// by either backend (aws-lc-rs for 2048 bits, `rsa` for 1024).
#[test]
fn inconsistent_rsa_private_keys_are_refused() {
    for bits in [1024, 2048] {
        let mut c = jose();
        c.args(["key", "--to", "jwk"])
            .arg(data(&format!("keys/rsa{bits}.pkcs8.pem")));
        let jwk: serde_json::Value = serde_json::from_str(&stdout_of(c)).expect("JWK");
        for member in ["dp", "dq", "qi", "d"] {
            let mut bad = jwk.clone();
            let v = bad[member].as_str().expect("member").to_owned();
            // Change the last character but one: a different integer that is
            // still canonical base64url.
            let mut chars: Vec<char> = v.chars().collect();
            let i = chars.len() - 2;
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            bad[member] = serde_json::Value::String(chars.into_iter().collect());
            let dir = tempdir();
            let path = dir.path().join("bad.jwk");
            std::fs::write(&path, bad.to_string()).expect("write");
            let out = jose()
                .args(["key", "--to", "jwk"])
                .arg(&path)
                .output()
                .expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{bits} {member} accepted");
            assert!(
                err.starts_with("jose: error: ") && err.contains("RSA private key is inconsistent"),
                "{bits} {member}: {err}"
            );
        }
    }
}

/// Key generation makes the four sizes aws-lc-rs generates; a generated key
/// decrypts what is encrypted to it. Other sizes are usage errors.
#[test]
fn rsa_keygen_sizes() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let public = dir.path().join("k.pub.pem");
    jose()
        .args(["keygen", "--bits", "3072", "-o"])
        .arg(&key)
        .arg("--pub")
        .arg(&public)
        .assert()
        .success();
    let mut c = jose();
    c.args(["key", "--to", "jwk"]).arg(&key);
    let jwk: serde_json::Value = serde_json::from_str(&stdout_of(c)).expect("JWK");
    let n = jose::b64::decode(jwk["n"].as_str().expect("n")).expect("n");
    assert_eq!((n.len(), n[0] >> 7), (384, 1), "a 3072-bit modulus");
    assert_eq!(jwk["e"], "AQAB");
    let mut c = jose();
    c.args(["encrypt", "-k"]).arg(&public).write_stdin("hi");
    let t = stdout_of(c);
    let mut c = jose();
    c.args(["decrypt", "-k"]).arg(&key).arg(t.trim());
    assert_eq!(stdout_of(c), "hi");

    for bits in ["2056", "5000"] {
        let out = jose()
            .args(["keygen", "--bits", bits])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bits}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("use 2048 (default), 3072, 4096 or 8192") && err.lines().count() == 1,
            "{bits}: {err}"
        );
    }
}
