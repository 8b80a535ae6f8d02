//! In-process JWS verification rate against bare `ring` on the same key and
//! signing input: the difference is what parsing, key choice and the claims
//! policy cost. The token is a ~600-byte Firebase-like ID token.
//!
//! `cargo bench --bench jws` (results and the machine: benches/README.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jose::JwsAlg;
use jose::b64;
use jose::jws::{Serialization, SignRequest, Signer, sign};
use jose::policy::Policy;
use jose::verify::{VerifyOptions, verify};
use jose::{Key, KeyMaterial, KeySet, keys::detect as source};
use ring::signature::{self, UnparsedPublicKey};
use serde_json::{Map, Value, json};

const NOW: i64 = 1_763_900_000;

fn fixture_key(name: &str) -> Key {
    let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("fixture key");
    source::parse_bytes(&bytes, name)
        .expect("key parses")
        .into_iter()
        .next()
        .expect("one key")
}

/// Claims shaped like a Firebase ID token.
fn claims() -> Vec<u8> {
    json!({
        "iss": "https://securetoken.google.com/example-project-4f2a1",
        "aud": "example-project-4f2a1",
        "auth_time": NOW - 600,
        "user_id": "Xk3nQ9vTz0aB7cD1eF2gH3iJ4kL5",
        "sub": "Xk3nQ9vTz0aB7cD1eF2gH3iJ4kL5",
        "iat": NOW - 60,
        "exp": NOW + 3540,
        "email": "ann.lee@example.com",
        "email_verified": true,
        "firebase": {
            "identities": {"email": ["ann.lee@example.com"]},
            "sign_in_provider": "password"
        }
    })
    .to_string()
    .into_bytes()
}

fn token(alg: JwsAlg, key: &KeyMaterial) -> String {
    let mut h = Map::new();
    h.insert(
        "kid".into(),
        json!("f2e8b4a1c3d5e7f90a1b2c3d4e5f6a7b8c9d0e1f"),
    );
    h.insert("typ".into(), json!("JWT"));
    sign(&SignRequest {
        payload: &claims(),
        signers: vec![Signer {
            alg,
            key,
            protected: h,
        }],
        serialization: Serialization::Compact,
        detached: false,
        unencoded: false,
    })
    .expect("sign")
}

/// What a careful caller would ask for: issuer, audience, time claims.
fn options() -> VerifyOptions {
    VerifyOptions {
        algs: None,
        policy: Policy {
            now: NOW,
            leeway: 60,
            iss: Some("https://securetoken.google.com/example-project-4f2a1".into()),
            aud: vec!["example-project-4f2a1".into()],
            ..Policy::at(0)
        },
        crit: Vec::new(),
        detached_payload: None,
        compact_only: false,
    }
}

/// The bare ring check of the same signature: key prepared once, signing
/// input and signature already split and decoded.
type Check = Box<dyn Fn(&[u8], &[u8]) -> bool + Sync>;

fn bare(alg: JwsAlg, public: &KeyMaterial) -> Check {
    match public {
        KeyMaterial::Rsa { n, e, .. } => {
            let n = n.clone();
            let e = e.clone();
            Box::new(move |msg, sig| {
                signature::RsaPublicKeyComponents { n: &n, e: &e }
                    .verify(&signature::RSA_PKCS1_2048_8192_SHA256, msg, sig)
                    .is_ok()
            })
        }
        KeyMaterial::Ec { x, y, .. } => {
            let mut p = vec![4u8];
            p.extend_from_slice(x);
            p.extend_from_slice(y);
            let k = UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, p);
            Box::new(move |msg, sig| k.verify(msg, sig).is_ok())
        }
        KeyMaterial::Okp { x, .. } => {
            let k = UnparsedPublicKey::new(&signature::ED25519, x.clone());
            Box::new(move |msg, sig| k.verify(msg, sig).is_ok())
        }
        KeyMaterial::Oct { k } => {
            assert_eq!(alg, JwsAlg::HS256);
            let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, k);
            Box::new(move |msg, sig| ring::hmac::verify(&k, msg, sig).is_ok())
        }
        KeyMaterial::Akp { .. } => unreachable!("benches/mldsa.rs measures ML-DSA"),
    }
}

fn bench(c: &mut Criterion) {
    let hmac = Key::new(KeyMaterial::Oct {
        k: zeroize::Zeroizing::new((0u8..32).collect()),
    });
    let cases = [
        (
            "RS256-2048",
            JwsAlg::RS256,
            fixture_key("rsa2048.pkcs8.pem"),
        ),
        ("ES256", JwsAlg::ES256, fixture_key("ec-p256.pkcs8.pem")),
        ("EdDSA", JwsAlg::EdDSA, fixture_key("ed25519.pkcs8.pem")),
        ("HS256", JwsAlg::HS256, hmac),
    ];
    let mut g = c.benchmark_group("verify");
    for (name, alg, key) in cases {
        let t = token(alg, &key.material);
        let public = key.to_public().unwrap_or_else(|| key.clone());
        let mut keyed = public.clone();
        keyed.kid = Some("f2e8b4a1c3d5e7f90a1b2c3d4e5f6a7b8c9d0e1f".into());
        let set = KeySet::new(vec![keyed]);
        let opts = options();
        assert!(verify(&t, &set, &opts).is_ok(), "{name} token verifies");
        eprintln!("{name}: token of {} bytes", t.len());

        g.bench_function(format!("jose/{name}"), |b| {
            b.iter(|| verify(black_box(&t), black_box(&set), black_box(&opts)).is_ok())
        });

        let (input, sig) = t.rsplit_once('.').expect("token");
        let sig = b64::decode(sig).expect("sig");
        let check = bare(alg, &public.material);
        assert!(check(input.as_bytes(), &sig));
        g.bench_function(format!("ring/{name}"), |b| {
            b.iter(|| check(black_box(input.as_bytes()), black_box(&sig)))
        });
        paired(
            name,
            &|| verify(black_box(&t), &set, &opts).is_ok(),
            &|| check(black_box(input.as_bytes()), black_box(&sig)),
        );
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores > 1 {
            paired_on_all_cores(
                name,
                cores,
                &|| verify(black_box(&t), &set, &opts).is_ok(),
                &|| check(black_box(input.as_bytes()), black_box(&sig)),
            );
        }
    }
    g.finish();
}

/// On a shared, busy machine load drifts between criterion's sequential
/// runs; alternating short batches of both and taking the median of the
/// per-round ratios cancels that drift.
fn paired(name: &str, ours: &dyn Fn() -> bool, bare: &dyn Fn() -> bool) {
    use std::time::Instant;
    let per_batch = {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed().as_millis() < 5 {
            black_box(bare());
            n += 1;
        }
        n.max(10)
    };
    let mut ratios = Vec::new();
    let mut ours_ns = Vec::new();
    let mut bare_ns = Vec::new();
    for _ in 0..200 {
        let a = Instant::now();
        for _ in 0..per_batch {
            black_box(ours());
        }
        let a = a.elapsed().as_nanos() as f64 / f64::from(per_batch);
        let b = Instant::now();
        for _ in 0..per_batch {
            black_box(bare());
        }
        let b = b.elapsed().as_nanos() as f64 / f64::from(per_batch);
        ratios.push(b / a);
        ours_ns.push(a);
        bare_ns.push(b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|x, y| x.total_cmp(y));
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    eprintln!(
        "PAIRED {name}: jose {:.2} us, ring {:.2} us, jose rate = {:.1}% of ring (median of 200 alternating rounds)",
        median(&mut ours_ns) / 1000.0,
        median(&mut bare_ns) / 1000.0,
        100.0 * median(&mut ratios)
    );
}

/// The same comparison with every core busy: each round runs a batch of
/// ours on all cores at once, then a batch of the bare primitive on all
/// cores; the rates include whatever the cores share (caches, a physical
/// core's two hyperthreads, the clock).
fn paired_on_all_cores(
    name: &str,
    cores: usize,
    ours: &(dyn Fn() -> bool + Sync),
    bare: &(dyn Fn() -> bool + Sync),
) {
    use std::time::Instant;
    let per_batch = 200u32;
    let on_all = |f: &(dyn Fn() -> bool + Sync)| {
        let start = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..cores {
                s.spawn(|| {
                    for _ in 0..per_batch {
                        black_box(f());
                    }
                });
            }
        });
        start.elapsed().as_nanos() as f64
    };
    let mut ratios = Vec::new();
    let mut ours_rate = Vec::new();
    let mut bare_rate = Vec::new();
    let per_round = (per_batch as usize * cores) as f64;
    for _ in 0..40 {
        let a = on_all(ours);
        let b = on_all(bare);
        ratios.push(b / a);
        ours_rate.push(per_round / a * 1e9);
        bare_rate.push(per_round / b * 1e9);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|x, y| x.total_cmp(y));
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    eprintln!(
        "PAIRED-ALL-CORES {name}: {cores} threads, jose {:.0}/s, ring {:.0}/s, jose rate = {:.1}% of ring (median of 40 alternating rounds)",
        median(&mut ours_rate),
        median(&mut bare_rate),
        100.0 * median(&mut ratios)
    );
}

/// A file of RS256 tokens for the `--lines` and whole-process measurements
/// (written when JOSE_BENCH_WRITE names a folder).
fn write_fixtures() {
    let Some(dir) = std::env::var_os("JOSE_BENCH_WRITE") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let key = fixture_key("rsa2048.pkcs8.pem");
    let t = token(JwsAlg::RS256, &key.material);
    std::fs::write(dir.join("firebase-like.jwt"), &t).expect("write");
    let mut all = String::with_capacity((t.len() + 1) * 100_000);
    for _ in 0..100_000 {
        all.push_str(&t);
        all.push('\n');
    }
    std::fs::write(dir.join("rs256-100k.txt"), all).expect("write");
    let public: Value = jose::keys::jwk::to_value(&key.to_public().expect("public"), false);
    std::fs::write(dir.join("rs256.pub.jwk"), public.to_string()).expect("write");
}

/// A whole-number environment setting (milliseconds); `None` when unset.
fn env_ms(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok())
}

/// The `--lines` fixture's RS256 token as ring and aws-lc-rs see it: the
/// signing input, the signature, and the public key.
fn rs256_fixture() -> (String, Vec<u8>, Key) {
    let key = fixture_key("rsa2048.pkcs8.pem");
    let t = token(JwsAlg::RS256, &key.material);
    let (input, sig) = t.rsplit_once('.').expect("token");
    let sig = b64::decode(sig).expect("sig");
    (input.to_owned(), sig, key.to_public().expect("public"))
}
/// `JOSE_BENCH_RING_RATE=MS`: only ring's bare rate on the `--lines`
/// fixture token (the RS256 one `write_fixtures` writes), counted for MS
/// milliseconds on one thread and then on every core. `benches/lines.sh`
/// interleaves it with whole `jose verify --lines` processes, so that both
/// rates come from the same minutes of a machine whose speed drifts.
fn ring_rate() -> bool {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};
    let Some(ms) = env_ms("JOSE_BENCH_RING_RATE") else {
        return false;
    };
    let (input, sig, public) = rs256_fixture();
    let input = input.as_str();
    let check = bare(JwsAlg::RS256, &public.material);
    assert!(check(input.as_bytes(), &sig));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        let done = AtomicU64::new(0);
        let start = Instant::now();
        let stop = start + Duration::from_millis(ms);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    while Instant::now() < stop {
                        for _ in 0..16 {
                            black_box(check(black_box(input.as_bytes()), black_box(&sig)));
                        }
                        done.fetch_add(16, Ordering::Relaxed);
                    }
                });
            }
        });
        let rate = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
        println!("RING-RATE {threads} {rate:.0}");
    }
    true
}

/// `JOSE_BENCH_RSA_BACKENDS=MS`: one thread's RS256 verify rate on the
/// `--lines` fixture token, for MS milliseconds each: ring (which derives
/// the public key from n and e in every call), and aws-lc-rs with a key
/// parsed once (`ParsedPublicKey`) and from the components in every call.
/// The numbers that chose the RSA verification backend (benches/README.md).
fn rsa_backends() -> bool {
    use std::time::{Duration, Instant};
    let Some(ms) = env_ms("JOSE_BENCH_RSA_BACKENDS") else {
        return false;
    };
    let (input, sig, public) = rs256_fixture();
    let input = input.as_str();
    let KeyMaterial::Rsa { n, e, .. } = public.material.clone() else {
        panic!("RSA fixture");
    };
    let lc = aws_lc_rs::signature::RsaPublicKeyComponents {
        n: &n[..],
        e: &e[..],
    };
    let parsed = lc
        .to_parsed_public_key(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256)
        .expect("parsed");
    let ring_check = bare(JwsAlg::RS256, &public.material);
    let rate = |f: &dyn Fn() -> bool| {
        assert!(f());
        let start = Instant::now();
        let stop = start + Duration::from_millis(ms);
        let mut done = 0u64;
        while Instant::now() < stop {
            for _ in 0..16 {
                black_box(f());
            }
            done += 16;
        }
        done as f64 / start.elapsed().as_secs_f64()
    };
    for round in 0..3 {
        let ring = rate(&|| ring_check(black_box(input.as_bytes()), black_box(&sig)));
        let aws_parsed = rate(&|| {
            parsed
                .verify_sig(black_box(input.as_bytes()), black_box(&sig))
                .is_ok()
        });
        let aws_components = rate(&|| {
            lc.verify(
                &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                black_box(input.as_bytes()),
                black_box(&sig),
            )
            .is_ok()
        });
        println!(
            "RSA-BACKENDS round {round}: ring {ring:.0}/s, aws-lc-rs parsed once {aws_parsed:.0}/s \
             ({:.2}x ring), aws-lc-rs components per call {aws_components:.0}/s ({:.2}x ring)",
            aws_parsed / ring,
            aws_components / ring
        );
    }
    true
}

/// `JOSE_BENCH_SCALING=MS`: how ring and aws-lc-rs (each thread with its
/// own parsed key, as `src/crypto/sig.rs` keeps them) scale from one thread
/// to every core on the `--lines` fixture token, MS milliseconds each,
/// alternated over 3 rounds. Why `verify --lines` on two threads falls
/// short of twice ring's one-thread rate (benches/README.md, "Issue 19").
fn scaling() -> bool {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};
    let Some(ms) = env_ms("JOSE_BENCH_SCALING") else {
        return false;
    };
    let (input, sig, public) = rs256_fixture();
    let input = input.as_str();
    let KeyMaterial::Rsa { n, e, .. } = public.material.clone() else {
        panic!("RSA fixture");
    };
    let ring_check = bare(JwsAlg::RS256, &public.material);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = |threads: usize, aws: bool| {
        let done = AtomicU64::new(0);
        let start = Instant::now();
        let stop = start + Duration::from_millis(ms);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let parsed = aws_lc_rs::signature::RsaPublicKeyComponents {
                        n: &n[..],
                        e: &e[..],
                    }
                    .to_parsed_public_key(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256)
                    .expect("parsed");
                    while Instant::now() < stop {
                        for _ in 0..16 {
                            if aws {
                                black_box(
                                    parsed
                                        .verify_sig(black_box(input.as_bytes()), black_box(&sig))
                                        .is_ok(),
                                );
                            } else {
                                black_box(ring_check(black_box(input.as_bytes()), black_box(&sig)));
                            }
                        }
                        done.fetch_add(16, Ordering::Relaxed);
                    }
                });
            }
        });
        done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
    };
    for round in 0..3 {
        let r1 = run(1, false);
        let a1 = run(1, true);
        let rn = run(cores, false);
        let an = run(cores, true);
        println!(
            "SCALING round {round}: ring {r1:.0}/s on 1 thread, {rn:.0}/s on {cores} ({:.2}x); \
             aws-lc-rs parsed {a1:.0}/s on 1, {an:.0}/s on {cores} ({:.2}x); \
             aws-lc-rs / ring: {:.2} on 1, {:.2} on {cores}",
            rn / r1,
            an / a1,
            a1 / r1,
            an / rn
        );
    }
    true
}

fn all(c: &mut Criterion) {
    write_fixtures();
    if ring_rate() || rsa_backends() || scaling() {
        return;
    }
    bench(c);
}

criterion_group!(benches, all);
criterion_main!(benches);
