//! Property tests (issue 6 point 5): round trips for random payloads over
//! every JWS algorithm and a representative set of JWE alg × enc (with and
//! without DEFLATE), single-byte mutations of valid tokens, and the exit
//! code contract of the binary on random input.
//!
//! Keys are made once per family through the library. RSA comes from the
//! fixture file, as RSA key generation costs far more than the others; the
//! other families are generated.

use std::sync::OnceLock;

use jose::decrypt::{DecryptOptions, decrypt};
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::internal::crypto::{KeySpec, generate};
use jose::jws::{Serialization, SignRequest, Signer, sign};
use jose::keymgmt::Unwrapper;
use jose::verify::{VerifyOptions, verify};
use jose::{Curve, Key, KeyMaterial, KeySet, MlDsaLevel, OkpCurve};
use jose::{JweAlg, JweEnc, JwsAlg};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Map;

use crate::util::{jose, load_key, public_set};

const PASSWORD: &[u8] = b"correct horse battery staple";

struct Keys {
    rsa: KeyMaterial,
    p256: KeyMaterial,
    p384: KeyMaterial,
    p521: KeyMaterial,
    k256: KeyMaterial,
    ed25519: KeyMaterial,
    x25519: KeyMaterial,
    oct16: KeyMaterial,
    oct32: KeyMaterial,
    oct64: KeyMaterial,
    mldsa: [KeyMaterial; 3],
}

fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| {
        let gen_ = |s| generate(s).expect("key generation");
        let rsa = load_key("keys/rsa2048.pkcs8.pem").material;
        Keys {
            rsa,
            p256: gen_(KeySpec::Ec(Curve::P256)),
            p384: gen_(KeySpec::Ec(Curve::P384)),
            p521: gen_(KeySpec::Ec(Curve::P521)),
            k256: gen_(KeySpec::Ec(Curve::Secp256k1)),
            ed25519: gen_(KeySpec::Okp(OkpCurve::Ed25519)),
            x25519: gen_(KeySpec::Okp(OkpCurve::X25519)),
            oct16: gen_(KeySpec::Oct { bytes: 16 }),
            oct32: gen_(KeySpec::Oct { bytes: 32 }),
            oct64: gen_(KeySpec::Oct { bytes: 64 }),
            mldsa: MlDsaLevel::ALL.map(|l| gen_(KeySpec::MlDsa(l))),
        }
    })
}

fn jws_key(alg: JwsAlg) -> &'static KeyMaterial {
    let k = keys();
    use JwsAlg::*;
    match alg {
        HS256 | HS384 | HS512 => &k.oct64,
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => &k.rsa,
        ES256 => &k.p256,
        ES384 => &k.p384,
        ES512 => &k.p521,
        ES256K => &k.k256,
        EdDSA | Ed25519 => &k.ed25519,
        MlDsa44 => &k.mldsa[0],
        MlDsa65 => &k.mldsa[1],
        MlDsa87 => &k.mldsa[2],
    }
}

fn jws_token(alg: JwsAlg, payload: &[u8], serialization: Serialization) -> String {
    sign(&SignRequest {
        payload,
        signers: vec![Signer {
            alg,
            key: jws_key(alg),
            protected: Map::new(),
        }],
        serialization,
        detached: false,
        unencoded: false,
    })
    .expect("sign")
}

/// Only the algorithm under test is accepted, so a pass proves that
/// algorithm and not a neighbour.
fn verify_opts(alg: JwsAlg) -> VerifyOptions {
    VerifyOptions {
        algs: Some(vec![alg]),
        ..VerifyOptions::at(0)
    }
}

/// A JWE recipient kind: what encrypts and what decrypts.
#[derive(Clone, Copy, Debug)]
enum Recipient {
    Key(&'static KeyMaterial),
    Password,
}

/// Every key management family, each with an `enc` of another kind, some
/// compressed.
fn jwe_cases() -> Vec<(JweAlg, JweEnc, Recipient, bool)> {
    let k = keys();
    use JweAlg::*;
    use JweEnc::*;
    vec![
        (RsaOaep, A128CbcHs256, Recipient::Key(&k.rsa), false),
        (RsaOaep256, A256GCM, Recipient::Key(&k.rsa), true),
        (RsaOaep384, A192CbcHs384, Recipient::Key(&k.rsa), false),
        (RsaOaep512, A192GCM, Recipient::Key(&k.rsa), true),
        (A128KW, A128CbcHs256, Recipient::Key(&k.oct16), true),
        (A256KW, A256CbcHs512, Recipient::Key(&k.oct32), false),
        (A256GCMKW, A192GCM, Recipient::Key(&k.oct32), false),
        (Dir, A128GCM, Recipient::Key(&k.oct16), true),
        (Dir, A256CbcHs512, Recipient::Key(&k.oct64), false),
        (EcdhEs, A256GCM, Recipient::Key(&k.p256), false),
        (EcdhEsA128KW, A192CbcHs384, Recipient::Key(&k.p384), true),
        (EcdhEsA256KW, A256GCM, Recipient::Key(&k.p521), false),
        (EcdhEsA192KW, A128GCM, Recipient::Key(&k.x25519), true),
        (Pbes2Hs256A128KW, A128GCM, Recipient::Password, true),
        (Pbes2Hs512A256KW, A256CbcHs512, Recipient::Password, false),
    ]
}

fn jwe_token(
    alg: JweAlg,
    enc: JweEnc,
    r: Recipient,
    zip: bool,
    plaintext: &[u8],
    serialization: Serialization,
) -> String {
    let public;
    let with = match r {
        Recipient::Key(m) => {
            public = m.to_public().unwrap_or_else(|| m.clone());
            Unwrapper::Key(&public)
        }
        Recipient::Password => Unwrapper::Password(PASSWORD),
    };
    let mut opts = EncryptOptions::new(enc);
    opts.zip = zip;
    // Few iterations: the property is about the construction, and PBKDF2
    // would dominate the run.
    opts.p2c = 1000;
    opts.serialization = serialization;
    encrypt(
        plaintext.to_vec(),
        &[RecipientSpec {
            with,
            alg,
            kid: None,
        }],
        &opts,
    )
    .expect("encrypt")
}

fn jwe_open(token: &str, r: Recipient) -> Result<Vec<u8>, jose::Rejection> {
    let (set, password) = match r {
        Recipient::Key(m) => (KeySet::new(vec![Key::new(m.clone())]), None),
        Recipient::Password => (KeySet::new(Vec::new()), Some(PASSWORD)),
    };
    decrypt(token, &set, password, &DecryptOptions::default()).map(|d| d.plaintext)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn serializations() -> impl Strategy<Value = Serialization> {
    prop_oneof![
        Just(Serialization::Compact),
        Just(Serialization::Flattened),
        Just(Serialization::General),
    ]
}

/// Claim names the policy does not interpret: a random `"sub": 0` is a
/// claim of the wrong type (malformed) and a random `exp` may have passed,
/// both rightly rejected and neither what a round trip tests.
fn claim_name() -> impl Strategy<Value = String> {
    "[a-z]{1,8}".prop_filter("a registered claim the policy checks", |n| {
        !["iss", "sub", "aud", "exp", "nbf", "iat"].contains(&n.as_str())
    })
}

/// Random bytes, and JSON objects (claims). A payload whose first
/// non-space byte is `{` but is not strict JSON is rejected as malformed by
/// design (`verify::claims_of`), so raw bytes never start like an object.
fn payloads() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512).prop_filter(
            "looks like a JSON object",
            |p| p.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
        ),
        proptest::collection::btree_map(claim_name(), any::<i64>(), 0..8)
            .prop_map(|m| serde_json::to_vec(&m).expect("JSON")),
    ]
}

#[test]
fn sign_then_verify_round_trips_for_every_jws_alg() {
    for &alg in JwsAlg::ALL {
        let set = public_set(&[Key::new(jws_key(alg).clone())]);
        let opts = verify_opts(alg);
        runner(64)
            .run(&(payloads(), serializations()), |(payload, ser)| {
                let token = jws_token(alg, &payload, ser);
                let v = verify(&token, &set, &opts)
                    .map_err(|e| TestCaseError::fail(format!("{alg} {ser:?}: {e}")))?;
                prop_assert_eq!(v.alg, alg);
                prop_assert_eq!(v.payload, payload);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
    }
}

#[test]
fn a_token_does_not_verify_with_another_key_of_its_family() {
    let other = generate(KeySpec::Ec(Curve::P256)).expect("key");
    let set = public_set(&[Key::new(other.clone())]);
    runner(16)
        .run(&payloads(), |payload| {
            let token = jws_token(JwsAlg::ES256, &payload, Serialization::Compact);
            prop_assert!(verify(&token, &set, &verify_opts(JwsAlg::ES256)).is_err());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn encrypt_then_decrypt_round_trips_for_alg_enc_and_zip() {
    for (alg, enc, r, zip) in jwe_cases() {
        // Compressible and random plaintexts both: DEFLATE must survive either.
        let plaintext = prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..1024),
            (any::<u8>(), 0usize..4096).prop_map(|(b, n)| vec![b; n]),
        ];
        let ser = prop_oneof![
            Just(Serialization::Compact),
            Just(Serialization::Flattened),
            Just(Serialization::General),
        ];
        runner(48)
            .run(&(plaintext, ser), |(pt, ser)| {
                let token = jwe_token(alg, enc, r, zip, &pt, ser);
                let got = jwe_open(&token, r)
                    .map_err(|e| TestCaseError::fail(format!("{alg} {enc} zip={zip}: {e}")))?;
                prop_assert_eq!(got, pt);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{alg} {enc} zip={zip}: {e}"));
    }
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Positions are taken modulo the length; bytes are printable ASCII half
    // the time so that most mutants stay tokens rather than bad UTF-8.
    let byte = prop_oneof![0x20u8..0x7f, any::<u8>()];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
    ]
}

/// The mutant, or `None` when the edit changes nothing.
fn apply(token: &str, m: &Mutation) -> Option<String> {
    let mut b = token.as_bytes().to_vec();
    match *m {
        Mutation::Replace(i, x) => {
            let i = i % b.len();
            if b[i] == x {
                return None;
            }
            b[i] = x;
        }
        Mutation::Insert(i, x) => b.insert(i % (b.len() + 1), x),
        Mutation::Delete(i) => {
            b.remove(i % b.len());
        }
    }
    Some(String::from_utf8_lossy(&b).into_owned())
}

#[test]
fn every_single_byte_mutation_of_a_jws_is_rejected_or_keeps_its_payload() {
    let payload = br#"{"sub":"alice","admin":false}"#;
    for alg in [JwsAlg::HS256, JwsAlg::ES256, JwsAlg::EdDSA, JwsAlg::RS256] {
        let token = jws_token(alg, payload, Serialization::Compact);
        let set = public_set(&[Key::new(jws_key(alg).clone())]);
        let opts = VerifyOptions::at(0);
        runner(128)
            .run(&mutation(), |m| {
                let Some(mutant) = apply(&token, &m) else {
                    return Ok(());
                };
                if let Ok(v) = verify(&mutant, &set, &opts) {
                    prop_assert_eq!(&v.payload[..], &payload[..], "mutant {:?}", mutant);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
    }
}

#[test]
fn every_single_byte_mutation_of_a_jwe_is_rejected_or_keeps_its_plaintext() {
    let k = keys();
    let plaintext = b"the eagle lands at dawn";
    for (alg, enc, r, zip) in [
        (
            JweAlg::A128KW,
            JweEnc::A128CbcHs256,
            Recipient::Key(&k.oct16),
            true,
        ),
        (
            JweAlg::Dir,
            JweEnc::A128GCM,
            Recipient::Key(&k.oct16),
            false,
        ),
        (
            JweAlg::EcdhEs,
            JweEnc::A256GCM,
            Recipient::Key(&k.p256),
            false,
        ),
    ] {
        let token = jwe_token(alg, enc, r, zip, plaintext, Serialization::Compact);
        runner(128)
            .run(&mutation(), |m| {
                let Some(mutant) = apply(&token, &m) else {
                    return Ok(());
                };
                if let Ok(got) = jwe_open(&mutant, r) {
                    prop_assert_eq!(&got[..], &plaintext[..], "mutant {:?}", mutant);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{alg} {enc}: {e}"));
    }
}

/// Random input on standard input: the exit code is one the contract names
/// (never a panic's 101 or a signal).
fn exit_code_property(subcommand: &[&str], input: impl Strategy<Value = Vec<u8>>) {
    runner(32)
        .run(&input, |bytes| {
            let out = jose()
                .args(subcommand)
                .write_stdin(bytes.clone())
                .output()
                .expect("run jose");
            let code = out.status.code();
            prop_assert!(
                matches!(code, Some(0..=3)),
                "{:?} exited {:?} on {:?}: {}",
                subcommand,
                code,
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(&out.stderr)
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Bytes, then strings shaped like tokens (segments of the base64url
/// alphabet and JSON punctuation) so that parsing gets past the first check.
fn cli_inputs() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        "[A-Za-z0-9_.{}\":,\\[\\] -]{0,200}".prop_map(String::into_bytes),
        "eyJ[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,40}"
            .prop_map(String::into_bytes),
    ]
}

#[test]
fn verify_exits_within_the_contract_on_random_tokens() {
    let key = crate::util::data("keys/ec-p256.spki.pem");
    let key = key.to_str().expect("utf-8 path");
    exit_code_property(&["verify", "-k", key, "-"], cli_inputs());
}

#[test]
fn decrypt_exits_within_the_contract_on_random_tokens() {
    let key = crate::util::data("jwe/oct256.jwk");
    let key = key.to_str().expect("utf-8 path");
    exit_code_property(&["decrypt", "-k", key, "-"], cli_inputs());
}

#[test]
fn inspect_exits_within_the_contract_on_random_tokens() {
    exit_code_property(&["inspect", "-"], cli_inputs());
}
