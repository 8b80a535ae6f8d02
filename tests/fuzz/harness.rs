//! The library calls each fuzz target makes, shared by the cargo-fuzz
//! targets (`fuzz_targets/*.rs`) and the corpus replay test
//! (`tests/fuzz_corpus.rs`), so that a committed crasher is replayed through
//! exactly the code that found it. Each function must return normally for
//! every input: rejections are fine, panics are the bug.
#![allow(dead_code)]

use std::sync::OnceLock;

use jose::decrypt::{self, DecryptOptions};
use jose::verify::{self, VerifyOptions};
use jose::{Key, KeySet, keys::detect as source};
use jose::{dangerous as peek, json, jwe, jws};

/// The password of the `decrypt` target's PBES2 recipients.
pub const PASSWORD: &[u8] = b"fuzz-password";

/// Every parser a token meets: the JWS and JWE parsers (all three
/// serializations each) and `inspect`'s peeking parsers.
pub fn parse_token(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = jws::parse(s);
    let _ = jwe::parse(s);
    let _ = peek::compact(s.trim());
    if let Ok(o) = json::parse_object(data)
        && peek::is_json_token(&o)
    {
        let _ = peek::json(&o);
    }
}

/// Key loading with format detection: PEM, DER, JWK, JWKS, certificate maps.
pub fn parse_key(data: &[u8]) {
    let _ = source::parse_bytes(data, "fuzz");
}

fn load(set: &mut Vec<Key>, bytes: &[u8]) {
    if let Ok(keys) = source::parse_bytes(bytes, "fixture") {
        set.extend(keys);
    }
}

/// One key of each family; the same set verifies and decrypts.
fn key_set() -> &'static KeySet {
    static SET: OnceLock<KeySet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut v = Vec::new();
        load(&mut v, include_bytes!("../data/keys/rsa2048.pkcs8.pem"));
        load(&mut v, include_bytes!("../data/keys/ec-p256.pkcs8.pem"));
        load(&mut v, include_bytes!("../data/keys/ec-p521.pkcs8.pem"));
        load(&mut v, include_bytes!("../data/keys/ed25519.pkcs8.pem"));
        load(&mut v, include_bytes!("../data/keys/x25519.pkcs8.pem"));
        load(&mut v, include_bytes!("../data/jwe/oct256.jwk"));
        load(&mut v, include_bytes!("../data/jwe/oct128.jwk"));
        KeySet::new(v)
    })
}

/// `jose verify` with a fixed key set and the default options; whether the
/// input was accepted.
pub fn verify(data: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(data) else {
        return false;
    };
    verify::verify(s.trim(), key_set(), &VerifyOptions::at(0)).is_ok()
}

/// `jose decrypt` with a fixed key set and a password. The PBES2 bound is
/// lowered so that a fuzzer's time goes to code paths rather than to
/// 1,000,000 legitimate PBKDF2 rounds; the bound itself is tested in the
/// normal suite.
pub fn decrypt(data: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(data) else {
        return false;
    };
    let opts = DecryptOptions {
        max_p2c: 10_000,
        ..DecryptOptions::default()
    };
    decrypt::decrypt(s.trim(), key_set(), Some(PASSWORD), &opts).is_ok()
}
