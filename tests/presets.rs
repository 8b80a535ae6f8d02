//! Rules the presets add before any key is fetched or any signature checked.

use crate::util::{jose, stdout_of, tempdir};

/// An ID token is meant for one client: `--oidc` without `--aud` would
/// accept any client's token from that issuer, so it is refused up front,
/// before the discovery document is fetched (the issuer here is unreachable).
#[test]
fn oidc_needs_aud() {
    let out = jose()
        .args(["verify", "--oidc", "https://issuer.invalid", "a.b.c"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--aud"), "{err}");
    assert!(!err.contains("issuer.invalid"), "nothing fetched: {err}");
}

/// A JWT is compact only (RFC 7519 §7.2): the presets refuse the JSON
/// serializations of a token they would otherwise accept.
#[test]
fn presets_take_compact_jwts_only() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let public = dir.path().join("k.jwk");
    jose()
        .args([
            "keygen", "--alg", "RS256", "--format", "jwk", "--kid", "k1", "-o",
        ])
        .arg(&key)
        .arg("--pub")
        .arg(&public)
        .assert()
        .success();
    let project = "demo-project";
    let iss = format!("https://securetoken.google.com/{project}");
    let oidc_iss = "https://issuer.example";
    for (preset, iss) in [
        (vec!["--firebase", project], iss.as_str()),
        (vec!["--oidc", oidc_iss, "--aud", project], oidc_iss),
    ] {
        for ser in ["compact", "flattened", "general"] {
            let mut sign = jose();
            sign.args(["sign", "-k"])
                .arg(&key)
                .args(["--iss", iss, "--aud", project, "--sub", "alice"])
                .args(["--exp", "1h", "--claim", "auth_time=1"])
                .args(["--serialization", ser]);
            let t = stdout_of(sign);
            let out = jose()
                .arg("verify")
                .args(&preset)
                .arg("-k")
                .arg(&public)
                .arg(t.trim())
                .output()
                .expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            if ser == "compact" {
                assert_eq!(out.status.code(), Some(0), "{preset:?}: {err}");
            } else {
                assert_eq!(out.status.code(), Some(1), "{preset:?} {ser}: {err}");
                assert!(
                    err.contains("malformed") && err.contains("compact"),
                    "{err}"
                );
            }
        }
    }
}
