//! Hostile JWEs: every one is refused with the right code, in bounded time
//! and memory, and every cryptographic failure looks the same.

use jose::RejectCode;
use jose::Serialization;
use jose::b64;
use jose::decrypt::{DecryptOptions, decrypt};
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::keymgmt::Unwrapper;
use jose::{JweAlg, JweEnc};
use jose::{Key, KeySet};
use predicates::prelude::*;

use crate::util::{all_algs, data, fastest, jose, load_key, max_rss_kib, pbes2_token, timed_jose};

fn make(public: &Key, alg: JweAlg, enc: JweEnc, pt: &[u8]) -> String {
    let r = [RecipientSpec {
        with: Unwrapper::Key(&public.material),
        alg,
        kid: None,
    }];
    encrypt(pt.to_vec(), &r, &EncryptOptions::new(enc)).expect("encrypt")
}

fn code(token: &str, keys: &KeySet, opts: &DecryptOptions) -> RejectCode {
    match decrypt(token, keys, None, opts) {
        Ok(_) => panic!("accepted: {token}"),
        Err(e) => e.code,
    }
}

fn with_part(token: &str, i: usize, f: impl Fn(&mut Vec<u8>)) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut raw = b64::decode(&parts[i]).expect("b64");
    f(&mut raw);
    parts[i] = b64::encode(&raw);
    parts.join(".")
}

fn cases() -> Vec<(Key, Key, JweAlg, JweEnc)> {
    let rsa = (
        load_key("keys/rsa2048.spki.pem"),
        load_key("keys/rsa2048.pkcs8.pem"),
    );
    let ec = (
        load_key("keys/ec-p256.spki.pem"),
        load_key("keys/ec-p256.pkcs8.pem"),
    );
    let x = (
        load_key("keys/x25519.spki.pem"),
        load_key("keys/x25519.pkcs8.pem"),
    );
    let o256 = load_key("jwe/oct256.jwk");
    let o128 = load_key("jwe/oct128.jwk");
    vec![
        (
            rsa.0.clone(),
            rsa.1.clone(),
            JweAlg::RsaOaep256,
            JweEnc::A256GCM,
        ),
        (
            rsa.0.clone(),
            rsa.1.clone(),
            JweAlg::RsaOaep,
            JweEnc::A128CbcHs256,
        ),
        (rsa.0, rsa.1, JweAlg::Rsa1_5, JweEnc::A256CbcHs512),
        (ec.0.clone(), ec.1.clone(), JweAlg::EcdhEs, JweEnc::A256GCM),
        (ec.0, ec.1, JweAlg::EcdhEsA128KW, JweEnc::A192GCM),
        (x.0, x.1, JweAlg::EcdhEs, JweEnc::A128CbcHs256),
        (o256.clone(), o256.clone(), JweAlg::Dir, JweEnc::A256GCM),
        (o256.clone(), o256, JweAlg::A256GCMKW, JweEnc::A192CbcHs384),
        (o128.clone(), o128, JweAlg::A128KW, JweEnc::A128GCM),
    ]
}

#[test]
fn flipped_bits_in_every_part_fail() {
    let pt = b"The true sign of intelligence is not knowledge but imagination.";
    for (public, private, alg, enc) in cases() {
        let t = make(&public, alg, enc, pt);
        let keys = KeySet::new(vec![private]);
        assert_eq!(
            decrypt(&t, &keys, None, &all_algs()).expect("ok").plaintext,
            pt
        );
        for part in 0..5 {
            let len = b64::decode(t.split('.').nth(part).expect("part"))
                .expect("b64")
                .len();
            for pos in [0, len / 2, len.saturating_sub(1)] {
                if len == 0 {
                    continue;
                }
                for bit in [0u8, 7] {
                    let bad = with_part(&t, part, |b| b[pos] ^= 1 << bit);
                    let c = code(&bad, &keys, &all_algs());
                    if part == 0 {
                        // A changed header either stops parsing or changes the AAD.
                        assert!(
                            matches!(
                                c,
                                RejectCode::Malformed
                                    | RejectCode::DecryptFailed
                                    | RejectCode::UnsupportedAlg
                                    | RejectCode::NoMatchingKey
                            ),
                            "{alg} {enc} header byte {pos}: {c}"
                        );
                    } else {
                        assert_eq!(
                            c,
                            RejectCode::DecryptFailed,
                            "{alg} {enc} part {part} byte {pos} bit {bit}"
                        );
                    }
                }
            }
        }
        // Truncated and extended tags.
        let short = with_part(&t, 4, |b| {
            b.pop();
        });
        assert_eq!(
            code(&short, &keys, &all_algs()),
            RejectCode::DecryptFailed,
            "{alg} {enc}"
        );
        let long = with_part(&t, 4, |b| b.push(0));
        assert_eq!(
            code(&long, &keys, &all_algs()),
            RejectCode::DecryptFailed,
            "{alg} {enc}"
        );
        let none = with_part(&t, 4, Vec::clear);
        assert_eq!(
            code(&none, &keys, &all_algs()),
            RejectCode::DecryptFailed,
            "{alg} {enc}"
        );
    }
}

#[test]
fn wrong_key_and_wrong_key_type() {
    let rsa_pub = load_key("keys/rsa2048.spki.pem");
    let t = make(&rsa_pub, JweAlg::RsaOaep256, JweEnc::A256GCM, b"x");
    let other = jose::keys::generate(jose::keys::KeySpec::Rsa { bits: 2048 }).expect("rsa");
    let c = code(&t, &KeySet::new(vec![Key::new(other)]), &all_algs());
    assert_eq!(c, RejectCode::DecryptFailed);
    let c = code(
        &t,
        &KeySet::new(vec![load_key("jwe/oct256.jwk")]),
        &all_algs(),
    );
    assert_eq!(
        c,
        RejectCode::NoMatchingKey,
        "an oct key is never tried for RSA-OAEP"
    );
    let c = code(
        &t,
        &KeySet::new(vec![load_key("keys/ec-p256.pkcs8.pem")]),
        &all_algs(),
    );
    assert_eq!(c, RejectCode::NoMatchingKey);
    // Same for key wrap: a P-384 key for a P-256 epk.
    let ec = load_key("keys/ec-p256.spki.pem");
    let t = make(&ec, JweAlg::EcdhEs, JweEnc::A256GCM, b"x");
    let c = code(
        &t,
        &KeySet::new(vec![load_key("keys/ec-p384.pkcs8.pem")]),
        &all_algs(),
    );
    assert_eq!(
        c,
        RejectCode::DecryptFailed,
        "epk of another curve than the key"
    );
}

/// The RSA1_5 countermeasure: a bad encrypted key and a bad tag give the
/// same error, byte for byte, on the command line.
#[test]
fn rsa1_5_failures_are_indistinguishable() {
    let rsa_pub = load_key("keys/rsa2048.spki.pem");
    let t = make(&rsa_pub, JweAlg::Rsa1_5, JweEnc::A128CbcHs256, b"x");
    let bad_ek = with_part(&t, 1, |b| b[10] ^= 1);
    let bad_tag = with_part(&t, 4, |b| b[0] ^= 1);
    let mut short_ek = t.split('.').map(str::to_owned).collect::<Vec<_>>();
    short_ek[1] = b64::encode([7u8; 256]);
    let key = data("keys/rsa2048.pkcs8.pem");
    let mut errs = Vec::new();
    for tok in [bad_ek, bad_tag, short_ek.join(".")] {
        let out = jose()
            .args(["decrypt", "--alg", "RSA1_5", "-k"])
            .arg(&key)
            .arg(tok)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        errs.push(out.stderr);
    }
    assert_eq!(errs[0], errs[1]);
    assert_eq!(errs[1], errs[2]);
    assert!(String::from_utf8_lossy(&errs[0]).contains("decrypt_failed"));
}

#[test]
fn cek_of_the_wrong_length_fails() {
    // A 16-byte CEK wrapped with A128KW, announced as A256GCM (32 bytes).
    let kek = load_key("jwe/oct128.jwk");
    let jose::KeyMaterial::Oct { k } = &kek.material else {
        panic!("oct")
    };
    let ek = jose::internal::crypto::aes_kw::wrap(k, &[9u8; 16]).expect("wrap");
    let h = b64::encode(br#"{"alg":"A128KW","enc":"A256GCM"}"#);
    let t = format!(
        "{h}.{}.{}.{}.{}",
        b64::encode(&ek),
        b64::encode([0u8; 12]),
        b64::encode(b"abc"),
        b64::encode([0u8; 16])
    );
    assert_eq!(
        code(&t, &KeySet::new(vec![kek]), &all_algs()),
        RejectCode::DecryptFailed
    );
}

#[test]
fn enc_disagreeing_with_a_dir_key_fails() {
    let k = load_key("jwe/oct256.jwk");
    let t = make(&k, JweAlg::Dir, JweEnc::A256GCM, b"x");
    // Rewrite the header to claim A128GCM: the 256-bit key cannot be its CEK.
    let h = b64::encode(br#"{"alg":"dir","enc":"A128GCM"}"#);
    let rest: Vec<&str> = t.split('.').skip(1).collect();
    let t2 = format!("{h}.{}", rest.join("."));
    assert_eq!(
        code(&t2, &KeySet::new(vec![k.clone()]), &all_algs()),
        RejectCode::DecryptFailed
    );
    jose()
        .args(["decrypt", "-k"])
        .arg(data("jwe/oct256.jwk"))
        .arg(&t2)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("decrypt_failed"));
}

fn ecdh_token_with_epk(epk: &str, enc: &str) -> String {
    let h = format!(r#"{{"alg":"ECDH-ES","enc":"{enc}","epk":{epk}}}"#);
    format!(
        "{}..{}.{}.{}",
        b64::encode(h),
        b64::encode([0u8; 12]),
        b64::encode(b"abc"),
        b64::encode([0u8; 16])
    )
}

#[test]
fn epk_off_the_curve_or_low_order_fails() {
    let ec = load_key("keys/ec-p256.pkcs8.pem");
    let jose::KeyMaterial::Ec { x, y, .. } = &ec.material else {
        panic!("ec")
    };
    let mut y2 = y.clone();
    y2[31] ^= 1;
    let epk = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64::encode(x),
        b64::encode(&y2)
    );
    let t = ecdh_token_with_epk(&epk, "A256GCM");
    assert_eq!(
        code(&t, &KeySet::new(vec![ec.clone()]), &all_algs()),
        RejectCode::DecryptFailed
    );
    jose()
        .args(["decrypt", "-k"])
        .arg(data("keys/ec-p256.pkcs8.pem"))
        .arg(&t)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("decrypt_failed"));
    // The agreement itself refuses the point, not just the tag check.
    let off = jose::KeyMaterial::Ec {
        curve: jose::Curve::P256,
        x: x.clone(),
        y: y2,
        d: None,
    };
    assert!(jose::internal::crypto::ecdh::agree(&ec.material, &off).is_err());

    // X25519: a low-order point gives an all-zero secret, refused.
    let xk = load_key("keys/x25519.pkcs8.pem");
    let zero = format!(
        r#"{{"kty":"OKP","crv":"X25519","x":"{}"}}"#,
        b64::encode([0u8; 32])
    );
    let t = ecdh_token_with_epk(&zero, "A256GCM");
    assert_eq!(
        code(&t, &KeySet::new(vec![xk.clone()]), &all_algs()),
        RejectCode::DecryptFailed
    );
    let low = jose::KeyMaterial::Okp {
        curve: jose::OkpCurve::X25519,
        x: vec![0u8; 32],
        d: None,
    };
    assert!(jose::internal::crypto::ecdh::agree(&xk.material, &low).is_err());
}

#[test]
fn p2c_above_the_limit_is_refused_before_any_work() {
    let t = pbes2_token(2_000_000_000);
    let dir = crate::util::tempdir();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pw").expect("write");
    jose()
        .args(["decrypt", "--password-file"])
        .arg(&pw)
        .arg(&t)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("too_large"));
    // The count is judged before any PBKDF2 round: every count over the
    // limit gets the same refusal, whatever it would cost, and refusing 2e9
    // rounds (hours of work) takes less than deriving with the 1e6 the limit
    // admits. Both are timed here, so a loaded machine slows both alike.
    let none = KeySet::new(Vec::new());
    let opts = DecryptOptions::default();
    let password = Some(&b"pw"[..]);
    let cap = opts.max_p2c;
    for over in [cap + 1, 2_000_000_000, u64::from(u32::MAX), u64::MAX] {
        let e = decrypt(&pbes2_token(over), &none, password, &opts).expect_err("over the limit");
        assert_eq!(e.code, RejectCode::TooLarge, "p2c {over}: {e}");
        assert!(
            e.detail
                .contains(&format!("{over} is above the limit {cap}")),
            "p2c {over}: {e}"
        );
    }
    let at_cap = pbes2_token(cap);
    let e = decrypt(&at_cap, &none, password, &opts).expect_err("wrong password");
    assert_eq!(e.code, RejectCode::DecryptFailed, "{e}");
    let over = pbes2_token(2_000_000_000);
    let derived = fastest(3, || {
        let _ = decrypt(&at_cap, &none, password, &opts);
    });
    let refused = fastest(3, || {
        let _ = decrypt(&over, &none, password, &opts);
    });
    assert!(
        refused < derived,
        "refusing p2c 2e9 took {refused:?}, deriving with p2c {cap} {derived:?}"
    );
    // And a lower --max-p2c applies too.
    let t = pbes2_token(5_000);
    jose()
        .args(["decrypt", "--max-p2c", "4999", "--password-file"])
        .arg(&pw)
        .arg(&t)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("too_large"));
}

#[test]
fn deflate_bomb_is_refused_with_bounded_memory() {
    let k = load_key("jwe/oct256.jwk");
    let r = [RecipientSpec {
        with: Unwrapper::Key(&k.material),
        alg: JweAlg::Dir,
        kid: None,
    }];
    let mut o = EncryptOptions::new(JweEnc::A256GCM);
    o.zip = true;
    // 64 MiB of zeros compress to about 64 KiB.
    let t = encrypt(vec![0u8; 64 << 20], &r, &o).expect("encrypt");
    assert!(t.len() < 1 << 20, "{}", t.len());
    let opts = DecryptOptions {
        max_size: 1 << 20,
        ..DecryptOptions::default()
    };
    assert_eq!(
        code(&t, &KeySet::new(vec![k.clone()]), &opts),
        RejectCode::TooLarge
    );

    let dir = crate::util::tempdir();
    let tok = dir.path().join("bomb.jwe");
    std::fs::write(&tok, &t).expect("write");
    let out = timed_jose()
        .args(["decrypt", "--max-size", "1M", "-k"])
        .arg(data("jwe/oct256.jwk"))
        .arg(format!("@{}", tok.display()))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("too_large"), "{err}");
    let rss_kb = max_rss_kib(&err);
    assert!(
        rss_kb < 32 * 1024,
        "peak RSS {rss_kb} KiB for a 64 MiB bomb with a 1 MiB limit"
    );
}

#[test]
fn plaintext_over_max_size_and_bad_deflate() {
    let k = load_key("jwe/oct256.jwk");
    let t = make(&k, JweAlg::Dir, JweEnc::A256GCM, &[1u8; 2000]);
    let small = DecryptOptions {
        max_size: 1000,
        ..DecryptOptions::default()
    };
    assert_eq!(
        code(&t, &KeySet::new(vec![k.clone()]), &small),
        RejectCode::TooLarge
    );

    // Authentic plaintext that is not DEFLATE data: malformed.
    let r = [RecipientSpec {
        with: Unwrapper::Key(&k.material),
        alg: JweAlg::Dir,
        kid: None,
    }];
    let mut o = EncryptOptions::new(JweEnc::A256GCM);
    o.fixed.protected = Some(r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#.into());
    let t = encrypt(vec![0xff; 40], &r, &o).expect("encrypt");
    assert_eq!(
        code(&t, &KeySet::new(vec![k.clone()]), &all_algs()),
        RejectCode::Malformed
    );
}

#[test]
fn header_rules() {
    let k = load_key("jwe/oct128.jwk");
    let r = [RecipientSpec {
        with: Unwrapper::Key(&k.material),
        alg: JweAlg::A128KW,
        kid: None,
    }];
    let mut o = EncryptOptions::new(JweEnc::A128GCM);
    o.serialization = Serialization::Flattened;
    let t = encrypt(b"x".to_vec(), &r, &o).expect("encrypt");
    let keys = KeySet::new(vec![k]);
    let mut v: serde_json::Value = serde_json::from_str(&t).expect("json");
    // A parameter in both the protected and the unprotected header.
    v["unprotected"] = serde_json::json!({"enc": "A128GCM"});
    assert_eq!(
        code(&v.to_string(), &keys, &all_algs()),
        RejectCode::Malformed
    );
    // zip outside the protected header.
    v["unprotected"] = serde_json::json!({"zip": "DEF"});
    assert_eq!(
        code(&v.to_string(), &keys, &all_algs()),
        RejectCode::Malformed
    );
    // Per-recipient header duplicating the protected one.
    v.as_object_mut().expect("obj").remove("unprotected");
    v["header"] = serde_json::json!({"alg": "A128KW"});
    assert_eq!(
        code(&v.to_string(), &keys, &all_algs()),
        RejectCode::Malformed
    );
    // Duplicate member names inside one header.
    let h = b64::encode(br#"{"alg":"A128KW","alg":"A128KW","enc":"A128GCM"}"#);
    let parts: Vec<&str> = t.split('"').collect();
    let _ = parts;
    assert_eq!(
        code(&format!("{h}.AA.AA.AA.AA"), &keys, &all_algs()),
        RejectCode::Malformed
    );
    // Unknown crit.
    let h = b64::encode(br#"{"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1}"#);
    assert_eq!(
        code(&format!("{h}.AA.AA.AA.AA"), &keys, &all_algs()),
        RejectCode::UnknownCrit
    );
    // The one `crit` check of JWS holds for JWE too: a name that is not in
    // the protected header, a duplicate, a registered name or an empty list
    // is a malformed header, not an extension we fail to understand.
    for crit in [
        br#"{"alg":"A128KW","enc":"A128GCM","crit":["exp"]}"#.as_slice(),
        br#"{"alg":"A128KW","enc":"A128GCM","crit":["exp","exp"],"exp":1}"#,
        br#"{"alg":"A128KW","enc":"A128GCM","crit":["zip"],"zip":"DEF"}"#,
        br#"{"alg":"A128KW","enc":"A128GCM","crit":[]}"#,
        br#"{"alg":"A128KW","enc":"A128GCM","crit":"exp","exp":1}"#,
    ] {
        let h = b64::encode(crit);
        assert_eq!(
            code(&format!("{h}.AA.AA.AA.AA"), &keys, &all_algs()),
            RejectCode::Malformed,
            "{}",
            String::from_utf8_lossy(crit)
        );
    }
    // Garbage.
    for junk in [
        "",
        "a.b.c.d",
        "a.b.c.d.e.f",
        "{}",
        "{\"ciphertext\":1}",
        "e30.AA.AA.AA.AA",
        "!!.AA.AA.AA.AA",
    ] {
        assert_eq!(
            code(junk, &keys, &all_algs()),
            RejectCode::Malformed,
            "{junk:?}"
        );
    }
}
