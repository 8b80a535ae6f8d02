//! Timing-leak check of RSA decryption (dudect-style, Reparaz et al. 2017):
//! for each key size and padding, `crypto::rsa_enc::decrypt` is timed on two
//! classes of ciphertext, measurements of the two interleaved in random
//! order, and Welch's t statistic compares the classes' mean times; dudect's
//! threshold is |t| < 4.5 for "no leak detected". The t-test is run on every
//! measurement and on those below three percentiles of the pooled times
//! (dudect's cropping, which drops the scheduler's outliers).
//!
//! Classes: a valid ciphertext of a 32-byte CEK against
//! - "bad padding": a random integer below the modulus (its decryption is
//!   not a valid encoding, with overwhelming probability);
//! - for RSA1_5, "wrong length": a valid encoding of a 16-byte CEK where 32
//!   bytes are expected (RFC 7516 §11.5 treats both like a bad tag).
//!
//! Not part of `cargo test`: run with `cargo bench --bench rsa_timing`
//! (about 5 minutes here; `JOSE_TIMING_N` sets the measurements per class,
//! default 10,000). Results: benches/README.md.

use std::hint::black_box;
use std::time::Instant;

use jose::JweAlg;
use jose::internal::crypto::{random_vec, rsa_enc};
use jose::{KeyMaterial, keys::detect as source};

fn load(rel: &str) -> KeyMaterial {
    let path = format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read(&path).expect("key file");
    source::parse_bytes(&data, &path)
        .expect("key")
        .remove(0)
        .material
}

/// Mean and unbiased variance.
fn moments(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, v)
}

fn welch(a: &[f64], b: &[f64]) -> f64 {
    let (ma, va) = moments(a);
    let (mb, vb) = moments(b);
    (ma - mb) / (va / a.len() as f64 + vb / b.len() as f64).sqrt()
}

/// One comparison: `n` measurements of each class, in random order.
fn compare(name: &str, alg: JweAlg, key: &KeyMaterial, a: &[Vec<u8>], b: &[Vec<u8>], n: usize) {
    let mut times: [Vec<f64>; 2] = [Vec::with_capacity(n), Vec::with_capacity(n)];
    let order = random_vec(2 * n);
    let mut left = [n, n];
    // Warm caches and the allocator before measuring.
    for ek in a.iter().chain(b) {
        let _ = black_box(rsa_enc::decrypt(alg, key, ek, 32));
    }
    for (i, r) in order.iter().enumerate() {
        let mut class = usize::from(r & 1);
        if left[class] == 0 {
            class ^= 1;
        }
        left[class] -= 1;
        let pool = if class == 0 { a } else { b };
        let ek = &pool[i % pool.len()];
        let start = Instant::now();
        let r = rsa_enc::decrypt(alg, key, black_box(ek), 32);
        let t = start.elapsed();
        let _ = black_box(r);
        times[class].push(t.as_nanos() as f64);
    }
    let mut pooled: Vec<f64> = times.iter().flatten().copied().collect();
    pooled.sort_by(f64::total_cmp);
    let pct = |p: f64| pooled[((pooled.len() - 1) as f64 * p) as usize];
    let (ma, _) = moments(&times[0]);
    let (mb, _) = moments(&times[1]);
    let mut line = format!(
        "{name:<40} n={n:<6} mean {:>9.1} / {:>9.1} µs  t(all) {:>6.2}",
        ma / 1e3,
        mb / 1e3,
        welch(&times[0], &times[1])
    );
    let mut worst = welch(&times[0], &times[1]).abs();
    for p in [0.5, 0.75, 0.9] {
        let cut = pct(p);
        let ca: Vec<f64> = times[0].iter().copied().filter(|&t| t <= cut).collect();
        let cb: Vec<f64> = times[1].iter().copied().filter(|&t| t <= cut).collect();
        let t = welch(&ca, &cb);
        worst = worst.max(t.abs());
        line += &format!("  t(<p{:.0}) {t:>6.2}", p * 100.0);
    }
    line += if worst < 4.5 {
        "  no leak detected"
    } else {
        "  LEAK? |t| >= 4.5"
    };
    println!("{line}");
}

/// `count` ciphertexts whose plaintexts are valid encodings of `len` bytes.
fn valid(alg: JweAlg, public: &KeyMaterial, len: usize, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|_| rsa_enc::encrypt(alg, public, &random_vec(len)).expect("encrypt"))
        .collect()
}

/// `count` random integers below the modulus, as ciphertexts.
fn random_below(public: &KeyMaterial, count: usize) -> Vec<Vec<u8>> {
    let KeyMaterial::Rsa { n, .. } = public else {
        panic!("RSA key")
    };
    (0..count)
        .map(|_| {
            let mut c = random_vec(n.len());
            c[0] = 0;
            c
        })
        .collect()
}

fn main() {
    // `cargo test --benches` runs bench binaries without `--bench`: this one
    // measures for minutes, so it only runs under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("rsa_timing: run with `cargo bench --bench rsa_timing`");
        return;
    }
    let n: usize = std::env::var("JOSE_TIMING_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    println!(
        "Welch t, valid vs other class; |t| < 4.5 everywhere = no leak detected (dudect threshold)"
    );
    for bits in [1024, 2048] {
        let key = load(&format!("keys/rsa{bits}.pkcs8.pem"));
        let public = key.to_public().expect("public");
        for alg in [JweAlg::RsaOaep, JweAlg::RsaOaep256, JweAlg::Rsa1_5] {
            let good = valid(alg, &public, 32, 64);
            let bad = random_below(&public, 64);
            compare(
                &format!("{}-{bits} valid vs bad padding", alg.name()),
                alg,
                &key,
                &good,
                &bad,
                n,
            );
            if alg == JweAlg::Rsa1_5 {
                let short = valid(alg, &public, 16, 64);
                compare(
                    &format!("{}-{bits} valid vs wrong length", alg.name()),
                    alg,
                    &key,
                    &good,
                    &short,
                    n,
                );
            }
        }
    }
}
