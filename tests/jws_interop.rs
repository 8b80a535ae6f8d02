//! Interoperability in both directions, for every JWS algorithm, with two
//! independent implementations (Python jwcrypto, Node jose), keys exchanged
//! as PEM, JWK, JWKS and X.509 certificates. The implementations are
//! installed by tests/interop/setup.sh; in CI a missing one is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::util::{Peer, data, interop_dir, jose, require_tool, stdout_of, tempdir};

const PAYLOAD: &[u8] = b"interop payload \x00\x01\xfe\xff {\"a\":1}\n";

/// alg, private key (PKCS#8 PEM), public key (SPKI PEM); `None` = HMAC.
const ALGS: &[(&str, Option<(&str, &str)>)] = &[
    ("HS256", None),
    ("HS384", None),
    ("HS512", None),
    ("RS256", Some(("rsa2048.pkcs8.pem", "rsa2048.spki.pem"))),
    ("RS384", Some(("rsa2048.pkcs8.pem", "rsa2048.spki.pem"))),
    ("RS512", Some(("rsa2048.pkcs8.pem", "rsa2048.spki.pem"))),
    ("PS256", Some(("rsa2048.pkcs8.pem", "rsa2048.spki.pem"))),
    ("PS384", Some(("rsa2048.pkcs8.pem", "rsa2048.spki.pem"))),
    ("PS512", Some(("rsa2048.pkcs8.pem", "rsa2048.spki.pem"))),
    ("ES256", Some(("ec-p256.pkcs8.pem", "ec-p256.spki.pem"))),
    ("ES384", Some(("ec-p384.pkcs8.pem", "ec-p384.spki.pem"))),
    ("ES512", Some(("ec-p521.pkcs8.pem", "ec-p521.spki.pem"))),
    (
        "ES256K",
        Some(("ec-secp256k1.pkcs8.pem", "ec-secp256k1.spki.pem")),
    ),
    ("EdDSA", Some(("ed25519.pkcs8.pem", "ed25519.spki.pem"))),
];

/// Run a batch of tasks through a peer; one result per task.
fn run_peer(peer: Peer, dir: &Path, tasks: &[Value]) -> Vec<Value> {
    let f = dir.join(format!("tasks-{peer:?}.json"));
    std::fs::write(&f, serde_json::to_vec(tasks).expect("json")).expect("write tasks");
    let script = match peer {
        Peer::Jwcrypto => "jws_jwcrypto.py",
        Peer::Node => "jws_node.mjs",
    };
    let out = peer
        .command()
        .arg(interop_dir().join(script))
        .arg(&f)
        .output()
        .expect("run peer");
    assert!(
        out.status.success(),
        "{peer:?} helper failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).expect("peer results");
    assert_eq!(v.len(), tasks.len());
    v
}

struct Fixture {
    dir: tempfile::TempDir,
    payload: PathBuf,
    secret: PathBuf,
    secret_jwk: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempdir();
    let payload = dir.path().join("payload.bin");
    std::fs::write(&payload, PAYLOAD).expect("w");
    let secret = dir.path().join("hmac.key");
    let bytes: Vec<u8> = (0u8..64)
        .map(|i| i.wrapping_mul(37).wrapping_add(11))
        .collect();
    std::fs::write(&secret, &bytes).expect("w");
    let secret_jwk = dir.path().join("hmac.jwk");
    std::fs::write(
        &secret_jwk,
        json!({"kty": "oct", "k": jose::b64::encode(&bytes)}).to_string(),
    )
    .expect("w");
    Fixture {
        dir,
        payload,
        secret,
        secret_jwk,
    }
}

/// A self-signed certificate for a private key, made by OpenSSL for this run.
fn cert_for(dir: &Path, private: &str) -> PathBuf {
    let out = dir.join(format!("{private}.crt"));
    if !out.exists() {
        let st = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-new",
                "-subj",
                "/CN=jose interop",
                "-days",
                "2",
                "-key",
            ])
            .arg(data(&format!("keys/{private}")))
            .arg("-out")
            .arg(&out)
            .output()
            .expect("openssl");
        assert!(
            st.status.success(),
            "openssl req: {}",
            String::from_utf8_lossy(&st.stderr)
        );
    }
    out
}

/// Our public key of `private` as a JWK and as a JWKS.
fn our_jwk_files(dir: &Path, private: &str) -> (PathBuf, PathBuf) {
    let jwk = dir.join(format!("{private}.ours.jwk"));
    let jwks = dir.join(format!("{private}.ours.jwks"));
    for (to, path) in [("jwk", &jwk), ("jwks", &jwks)] {
        let mut c = jose();
        c.args(["key", "--public", "--to", to])
            .arg(data(&format!("keys/{private}")));
        std::fs::write(path, stdout_of(c)).expect("w");
    }
    (jwk, jwks)
}

/// Key files the peer verifies with: (format, path).
fn peer_verify_keys(fx: &Fixture, alg_keys: Option<(&str, &str)>) -> Vec<(&'static str, PathBuf)> {
    match alg_keys {
        None => vec![("raw", fx.secret.clone()), ("jwk", fx.secret_jwk.clone())],
        Some((private, public)) => {
            let (jwk, jwks) = our_jwk_files(fx.dir.path(), private);
            vec![
                ("pem", data(&format!("keys/{public}"))),
                ("jwk", jwk),
                ("jwks", jwks),
                ("x509", cert_for(fx.dir.path(), private)),
            ]
        }
    }
}

fn ours_to_peer(peer: Peer) {
    require_tool("openssl");
    let fx = fixture();
    let mut tasks = Vec::new();
    let mut labels = Vec::new();
    for (alg, keys) in ALGS {
        let mut c = jose();
        c.args(["sign", "--alg", alg]);
        match keys {
            None => c.arg("--secret-file").arg(&fx.secret),
            Some((private, _)) => c.arg("-k").arg(data(&format!("keys/{private}"))),
        };
        c.arg(&fx.payload);
        let token = stdout_of(c).trim_end().to_owned();
        let keys = peer_verify_keys(&fx, *keys);
        for (format, key) in &keys {
            tasks.push(json!({"op": "verify", "alg": alg, "key": key, "token": token}));
            labels.push(format!("{alg} via {format}"));
        }
        // The harness must be able to fail: a tampered payload is refused.
        let tampered = token.replacen(".", ".AA", 1);
        tasks.push(json!({"op": "verify", "alg": alg, "key": keys[0].1, "token": tampered}));
        labels.push(format!("TAMPERED {alg}"));
    }
    let results = run_peer(peer, fx.dir.path(), &tasks);
    let want = jose::b64::encode(PAYLOAD);
    let mut failures = Vec::new();
    for (label, r) in labels.iter().zip(&results) {
        let accepted = r["ok"] == true && r["out"] == want.as_str();
        if label.starts_with("TAMPERED") {
            if r["ok"] == true {
                failures.push(format!("{label} was accepted"));
            }
        } else if !accepted {
            failures.push(format!("{label}: {}", r["err"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{peer:?} could not verify our tokens:\n{}",
        failures.join("\n")
    );
    assert!(labels.len() >= 50, "{}", labels.len());
}

fn peer_to_ours(peer: Peer) {
    require_tool("openssl");
    let fx = fixture();
    let d = fx.dir.path();
    // The peer signs every alg, and exports the public keys as JWK.
    let mut tasks = Vec::new();
    for (alg, keys) in ALGS {
        let key = match keys {
            None => fx.secret.clone(),
            Some((private, _)) => data(&format!("keys/{private}")),
        };
        tasks.push(json!({"op": "sign", "alg": alg, "key": key, "payload": fx.payload}));
        let jwk_source = match keys {
            None => fx.secret_jwk.clone(),
            Some((_, public)) => data(&format!("keys/{public}")),
        };
        tasks.push(json!({"op": "jwk", "alg": alg, "key": jwk_source}));
    }
    let results = run_peer(peer, d, &tasks);
    let mut checked = 0;
    let mut failures = Vec::new();
    for (i, (alg, keys)) in ALGS.iter().enumerate() {
        let signed = &results[2 * i];
        let jwk = &results[2 * i + 1];
        assert_eq!(
            signed["ok"], true,
            "{peer:?} could not sign {alg}: {}",
            signed["err"]
        );
        assert_eq!(
            jwk["ok"], true,
            "{peer:?} could not export a JWK for {alg}: {}",
            jwk["err"]
        );
        let token = signed["out"].as_str().expect("token");
        let their_jwk = d.join(format!("{alg}.{peer:?}.jwk"));
        let their_jwks = d.join(format!("{alg}.{peer:?}.jwks"));
        let mut jwk_value: Value =
            serde_json::from_str(jwk["out"].as_str().expect("jwk")).expect("jwk json");
        // Published under the kid the peer's tokens carry (jwcrypto would
        // otherwise name it by its thumbprint).
        jwk_value["kid"] = json!("interop");
        std::fs::write(&their_jwk, jwk_value.to_string()).expect("w");
        std::fs::write(&their_jwks, json!({"keys": [jwk_value]}).to_string()).expect("w");
        let mut sources: Vec<(&str, Vec<String>)> = vec![
            ("jwk", vec!["-k".into(), their_jwk.display().to_string()]),
            ("jwks", vec!["-k".into(), their_jwks.display().to_string()]),
        ];
        match keys {
            None => sources.push((
                "raw",
                vec!["--secret-file".into(), fx.secret.display().to_string()],
            )),
            Some((private, public)) => {
                sources.push((
                    "pem",
                    vec![
                        "-k".into(),
                        data(&format!("keys/{public}")).display().to_string(),
                    ],
                ));
                sources.push((
                    "x509",
                    vec!["-k".into(), cert_for(d, private).display().to_string()],
                ));
            }
        }
        for (format, args) in sources {
            let out = jose()
                .arg("verify")
                .args(&args)
                .arg(token)
                .output()
                .expect("run");
            if !out.status.success() || out.stdout != PAYLOAD {
                failures.push(format!(
                    "{alg} via {format}: exit {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "we could not verify {peer:?} tokens:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 50, "{checked}");
}

#[test]
fn jwcrypto_verifies_our_tokens_for_every_alg_and_key_format() {
    ours_to_peer(Peer::Jwcrypto);
}

#[test]
fn we_verify_jwcrypto_tokens_for_every_alg_and_key_format() {
    peer_to_ours(Peer::Jwcrypto);
}

#[test]
fn node_jose_verifies_our_tokens_for_every_alg_and_key_format() {
    ours_to_peer(Peer::Node);
}

#[test]
fn we_verify_node_jose_tokens_for_every_alg_and_key_format() {
    peer_to_ours(Peer::Node);
}
