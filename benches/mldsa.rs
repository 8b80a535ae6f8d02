//! ML-DSA sign and verify rates in-process, jose against the bare `ml-dsa`
//! crate, per level. "jose" is `jose::internal::crypto::sig::sign`/`verify`
//! on an `AKP` key as the pipelines call them: the key is the 32-byte seed or
//! the encoded public key, expanded on every call, and signing draws 32
//! bytes from the OS. "bare, key kept" holds the crate's expanded signing key
//! or decoded verifying key across calls (what a program that keeps its
//! key object does); "bare, key per call" derives it from the same bytes
//! on every call, as jose does. Signing in both is hedged (fresh `rnd`):
//! the rejection loop's length depends on it, so a fixed `rnd` would
//! measure one lucky or unlucky message.
//!
//! "jose token" is the whole pipeline on a compact JWS: `jose::jws::sign`
//! (header, base64url, signature) and `jose::verify::verify` (strict parse,
//! allow-list, key choice, signature, payload and claims policy).
//!
//! Paired rounds: each round times a batch of every side in turn and the
//! ratio is taken per round; the median over the rounds is printed, robust
//! to the load drifting on a shared machine.
//!
//! `cargo bench --bench mldsa` (results: benches/README.md).

use std::hint::black_box;
use std::time::Instant;

use jose::internal::crypto::sig;
use jose::jws::{Serialization, SignRequest, Signer, sign};
use jose::verify::{VerifyOptions, verify};
use jose::{Key, KeyMaterial, KeySet, MlDsaLevel};
use ml_dsa::{
    B32, EncodedSignature, EncodedVerifyingKey, ExpandedSigningKey, MlDsa44, MlDsa65, MlDsa87,
    MlDsaParams, Signature, VerifyingKey,
};

const ROUNDS: usize = 31;
const INPUT: &[u8] = b"eyJhbGciOiJNTC1EU0EtNjUiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJhcGkiLCJpYXQiOjE3NjM5MDAwMDAsImV4cCI6MTc2MzkwMzYwMH0";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Operations per second of `f` run `n` times.
fn rate(n: usize, mut f: impl FnMut(usize)) -> f64 {
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    n as f64 / t.elapsed().as_secs_f64()
}

fn rnd(i: usize) -> B32 {
    let mut r = B32::default();
    r[..8].copy_from_slice(&(i as u64).to_le_bytes());
    r[8] = 0x5a;
    r
}

fn level_bench<P: MlDsaParams>(level: MlDsaLevel, name: &str) {
    let m = jose::keys::generate(jose::keys::KeySpec::MlDsa(level)).expect("keygen");
    let KeyMaterial::Akp { seed, public, .. } = &m else {
        unreachable!("an ML-DSA key is AKP")
    };
    let seed = ml_dsa::Seed::try_from(seed.as_deref().expect("private").as_slice()).expect("seed");
    let alg = level.alg();
    let sk = ExpandedSigningKey::<P>::from_seed(&seed);
    let enc_vk = EncodedVerifyingKey::<P>::try_from(public.as_slice()).expect("pub");
    let vk = VerifyingKey::<P>::decode(&enc_vk);
    let sig_bytes = sig::sign(alg, &m, INPUT).expect("sign");
    let enc_sig = EncodedSignature::<P>::try_from(sig_bytes.as_slice()).expect("sig");
    let mp: [&[u8]; 2] = [&[0, 0], INPUT];
    let n = 40;
    let claims = br#"{"iss":"https://issuer.example","sub":"alice","aud":"api","iat":1763900000,"exp":1763903600}"#;
    let request = || SignRequest {
        payload: claims,
        signers: vec![Signer {
            alg,
            key: &m,
            protected: serde_json::Map::new(),
        }],
        serialization: Serialization::Compact,
        detached: false,
        unencoded: false,
    };
    let token = sign(&request()).expect("sign");
    let set = KeySet::new(vec![Key::new(m.to_public().expect("public"))]);
    let opts = VerifyOptions::at(1_763_900_100);
    verify(&token, &set, &opts).expect("verify");
    let (mut ts, mut tv) = (vec![], vec![]);

    let (mut s_kept, mut s_per, mut v_kept, mut v_per) = (vec![], vec![], vec![], vec![]);
    let mut abs = [0f64; 6];
    for round in 0..ROUNDS {
        let j_sign = rate(n, |_| {
            black_box(sig::sign(alg, &m, black_box(INPUT)).expect("sign"));
        });
        let b_sign_kept = rate(n, |i| {
            black_box(sk.sign_internal(&mp, &rnd(round * n + i)).encode());
        });
        let b_sign_per = rate(n, |i| {
            let sk = ExpandedSigningKey::<P>::from_seed(&seed);
            black_box(sk.sign_internal(&mp, &rnd(round * n + i)).encode());
        });
        let j_verify = rate(n, |_| {
            sig::verify(alg, &m, black_box(INPUT), &sig_bytes).expect("verify");
        });
        let b_verify_kept = rate(n, |_| {
            let s = Signature::<P>::decode(&enc_sig).expect("decode");
            assert!(vk.verify_with_context(black_box(INPUT), &[], &s));
        });
        let b_verify_per = rate(n, |_| {
            let vk = VerifyingKey::<P>::decode(&enc_vk);
            let s = Signature::<P>::decode(&enc_sig).expect("decode");
            assert!(vk.verify_with_context(black_box(INPUT), &[], &s));
        });
        let t_sign = rate(n, |_| {
            black_box(sign(&request()).expect("sign"));
        });
        let t_verify = rate(n, |_| {
            black_box(verify(black_box(&token), &set, &opts).expect("verify"));
        });
        ts.push(t_sign / b_sign_kept);
        tv.push(t_verify / b_verify_kept);
        s_kept.push(j_sign / b_sign_kept);
        s_per.push(j_sign / b_sign_per);
        v_kept.push(j_verify / b_verify_kept);
        v_per.push(j_verify / b_verify_per);
        for (a, r) in abs.iter_mut().zip([
            j_sign,
            b_sign_kept,
            b_sign_per,
            j_verify,
            b_verify_kept,
            b_verify_per,
        ]) {
            *a += r / ROUNDS as f64;
        }
    }
    println!(
        "{name}: sign jose {:.0}/s, bare kept {:.0}/s, bare per call {:.0}/s: jose = {:.1} % of kept, {:.1} % of per call",
        abs[0],
        abs[1],
        abs[2],
        100.0 * median(s_kept),
        100.0 * median(s_per)
    );
    println!(
        "{name}: verify jose {:.0}/s, bare kept {:.0}/s, bare per call {:.0}/s: jose = {:.1} % of kept, {:.1} % of per call",
        abs[3],
        abs[4],
        abs[5],
        100.0 * median(v_kept),
        100.0 * median(v_per)
    );
    println!(
        "{name}: jose token ({} bytes): sign = {:.1} %, verify = {:.1} % of bare kept",
        token.len(),
        100.0 * median(ts),
        100.0 * median(tv)
    );
}

fn main() {
    // `cargo bench` passes --bench (and any filter): nothing to parse.
    level_bench::<MlDsa44>(MlDsaLevel::L44, "ML-DSA-44");
    level_bench::<MlDsa65>(MlDsaLevel::L65, "ML-DSA-65");
    level_bench::<MlDsa87>(MlDsaLevel::L87, "ML-DSA-87");
}
