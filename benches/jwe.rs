//! JWE benchmarks: small ID-token decrypts for the common key management
//! modes, and 16 MiB A256GCM throughput against bare ring AES-256-GCM.
//! One RSA private-key operation per modulus size (`rsa_cek`).
//! Run: cargo bench --bench jwe. Results: benches/README.md (## JWE; `rsa_cek`
//! under ## RSA).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jose::decrypt::{DecryptOptions, decrypt};
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::keymgmt::Unwrapper;
use jose::{JweAlg, JweEnc};
use jose::{Key, KeySet, keys::detect as source};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

const ID_TOKEN: &[u8] = br#"{"iss":"https://id.example","sub":"248289761001","aud":"mobile-app","nonce":"n-0S6_WzA2Mj","exp":1900000000,"iat":1800000000,"name":"Jane Doe","email":"jane@example.com"}"#;

fn load(rel: &str) -> Key {
    let path = format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read(&path).expect("key file");
    source::parse_bytes(&data, &path).expect("key").remove(0)
}

fn token(key: &Key, alg: JweAlg, enc: JweEnc, pt: Vec<u8>) -> String {
    let public = Key::new(
        key.material
            .to_public()
            .unwrap_or_else(|| key.material.clone()),
    );
    let r = [RecipientSpec {
        with: Unwrapper::Key(&public.material),
        alg,
        kid: None,
    }];
    encrypt(pt, &r, &EncryptOptions::new(enc)).expect("encrypt")
}

fn small(c: &mut Criterion) {
    let mut g = c.benchmark_group("decrypt_id_token");
    for (name, key, alg, enc) in [
        (
            "RSA-OAEP-2048+A256GCM",
            "keys/rsa2048.pkcs8.pem",
            JweAlg::RsaOaep,
            JweEnc::A256GCM,
        ),
        (
            "ECDH-ES-P256+A256GCM",
            "keys/ec-p256.pkcs8.pem",
            JweAlg::EcdhEs,
            JweEnc::A256GCM,
        ),
        (
            "A256KW+A256CBC-HS512",
            "jwe/oct256.jwk",
            JweAlg::A256KW,
            JweEnc::A256CbcHs512,
        ),
    ] {
        let k = load(key);
        let t = token(&k, alg, enc, ID_TOKEN.to_vec());
        let keys = KeySet::new(vec![k]);
        let opts = DecryptOptions::default();
        g.bench_function(name, |b| {
            b.iter(|| decrypt(black_box(&t), &keys, None, &opts).expect("decrypt"))
        });
    }
    g.finish();
}

const BIG: usize = 16 << 20;

fn big(c: &mut Criterion) {
    let k = load("jwe/oct256.jwk");
    let pt: Vec<u8> = (0..BIG).map(|i| (i * 31 % 251) as u8).collect();
    let t = token(&k, JweAlg::Dir, JweEnc::A256GCM, pt.clone());
    let keys = KeySet::new(vec![k.clone()]);
    let opts = DecryptOptions::default();
    let mut g = c.benchmark_group("a256gcm_16MiB");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(BIG as u64));
    g.bench_function("jose_decrypt_compact", |b| {
        b.iter(|| decrypt(black_box(&t), &keys, None, &opts).expect("decrypt"))
    });
    g.bench_function("jose_decrypt_owned_compact", |b| {
        b.iter_batched(
            || t.clone(),
            |tok| jose::decrypt::decrypt_owned(tok, &keys, None, &opts).expect("decrypt"),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("jose_encrypt_compact", |b| {
        b.iter(|| token(&k, JweAlg::Dir, JweEnc::A256GCM, black_box(pt.clone())))
    });
    let ring_key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[7u8; 32]).expect("key"));
    g.bench_function("bare_ring_seal", |b| {
        b.iter(|| {
            let mut buf = pt.clone();
            let nonce = Nonce::assume_unique_for_key([1u8; 12]);
            let tag = ring_key
                .seal_in_place_separate_tag(nonce, Aad::from(b"hdr"), &mut buf)
                .expect("seal");
            (buf, tag)
        })
    });
    g.bench_function("bare_ring_seal_no_alloc", |b| {
        let mut buf = pt.clone();
        b.iter(|| {
            let nonce = Nonce::assume_unique_for_key([1u8; 12]);
            ring_key
                .seal_in_place_separate_tag(nonce, Aad::from(b"hdr"), &mut buf)
                .expect("seal")
        })
    });
    g.bench_function("bare_ring_clone_only", |b| b.iter(|| black_box(pt.clone())));
    g.finish();
}

/// One RSA private-key operation: the CEK of an RSA-OAEP or RSA1_5 JWE
/// decrypted by `crypto::rsa_enc::decrypt` (key conversion included, as a
/// token pays it), per modulus size. `cargo bench --bench jwe -- rsa_cek`.
fn rsa_cek(c: &mut Criterion) {
    use jose::internal::crypto::rsa_enc;
    let mut g = c.benchmark_group("rsa_cek");
    for bits in [1024, 2048, 4096] {
        let k = load(&format!("keys/rsa{bits}.pkcs8.pem"));
        let public = k.material.to_public().expect("public");
        for alg in [JweAlg::RsaOaep, JweAlg::Rsa1_5] {
            let ek = rsa_enc::encrypt(alg, &public, &[7u8; 32]).expect("encrypt");
            g.bench_function(format!("{}-{bits}", alg.name()), |b| {
                b.iter(|| rsa_enc::decrypt(alg, &k.material, black_box(&ek), 32).expect("decrypt"))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, small, big, rsa_cek);

fn b64(c: &mut Criterion) {
    let pt: Vec<u8> = (0..BIG).map(|i| (i * 31 % 251) as u8).collect();
    let s = jose::b64::encode(&pt);
    let mut g = c.benchmark_group("b64_16MiB");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(BIG as u64));
    g.bench_function("decode", |b| b.iter(|| jose::b64::decode(black_box(&s))));
    g.bench_function("encode", |b| b.iter(|| jose::b64::encode(black_box(&pt))));
    g.finish();
}
criterion_group!(codec, b64);
criterion_main!(benches, codec);
