//! `jose` used as another program would use the library: keys read from
//! the bytes of a PEM file, a JWT signed and verified, the policy's clock
//! given explicitly (there is no default clock to forget).

use jose::JwsAlg;
use jose::KeySet;
use jose::RejectCode;
use jose::Serialization;
use jose::jws::{SignRequest, Signer, sign};
use jose::keys::detect::parse_bytes;
use jose::policy::Policy;
use jose::verify::{VerifyOptions, verify};
use serde_json::{Map, json};

use crate::util::read_data;

const NOW: i64 = 1_700_000_000;

#[test]
fn sign_and_verify_a_jwt_through_the_library() {
    let private = parse_bytes(&read_data("keys/ec-p256.pkcs8.pem"), "ec-p256.pkcs8.pem")
        .expect("a PEM private key");
    let public = parse_bytes(&read_data("keys/ec-p256.spki.pem"), "ec-p256.spki.pem")
        .expect("a PEM public key");
    let claims = json!({"iss": "https://issuer.example", "aud": "my-api", "sub": "alice",
                        "iat": NOW, "exp": NOW + 3600});
    let token = sign(&SignRequest {
        payload: claims.to_string().as_bytes(),
        signers: vec![Signer {
            alg: JwsAlg::ES256,
            key: &private[0].material,
            protected: Map::from_iter([("typ".to_owned(), json!("JWT"))]),
        }],
        serialization: Serialization::Compact,
        detached: false,
        unencoded: false,
    })
    .expect("sign");
    let keys = KeySet::new(public);
    let opts = |now: i64| VerifyOptions {
        policy: Policy {
            iss: Some("https://issuer.example".into()),
            aud: vec!["my-api".into()],
            ..Policy::at(now)
        },
        ..VerifyOptions::at(now)
    };

    let v = verify(&token, &keys, &opts(NOW + 60)).expect("valid within its hour");
    assert_eq!(v.alg, JwsAlg::ES256);
    assert_eq!(v.claims.expect("claims")["sub"], "alice");

    // The clock is the caller's: the same token two hours on is expired, a
    // minute before it was issued (past the 60 s leeway) it is not yet.
    let late = verify(&token, &keys, &opts(NOW + 7200)).expect_err("expired");
    assert_eq!(late.code, RejectCode::Expired, "{late}");
    let early = verify(&token, &keys, &opts(NOW - 120)).expect_err("issued in the future");
    assert_eq!(early.code, RejectCode::IssuedInFuture, "{early}");

    // The policy's own checks.
    let mut other = opts(NOW);
    other.policy.aud = vec!["someone-else".into()];
    let r = verify(&token, &keys, &other).expect_err("another audience");
    assert_eq!(r.code, RejectCode::BadAudience, "{r}");
}
