//! RSA key encryption (RFC 7518 §4.2, §4.3): RSAES-OAEP with SHA-1 or SHA-2
//! (MGF1 of the same hash) and RSAES-PKCS1-v1_5.
//!
//! Every private-key operation is constant-time and blinded (RUSTSEC-2023-0071,
//! the Marvin attack, is about the variable-time big-number arithmetic of
//! the `rsa` crate before 0.10, which 0.10 replaced with `crypto-bigint`):
//! - RSA-OAEP decryption uses aws-lc-rs (AWS-LC: blinded, constant-time
//!   exponentiation and OAEP check) for the moduli it takes, 2048 to 8192
//!   bits, and `rsa` 0.10 (constant-time `crypto-bigint`, blinded from the
//!   system RNG) for the others, e.g. the 1024-bit keys users still have.
//! - RSA1_5 decryption uses `rsa` 0.10 at every size: its PKCS#1 v1.5
//!   decryption rejects implicitly (a bad padding yields a synthetic message
//!   chosen in constant time, not an error), where AWS-LC's returns early
//!   with an error on bad padding, a timing difference its own source warns
//!   of.
//! - Encryption is a public-key operation: `rsa` 0.10 at every size.

use std::sync::{Arc, Mutex, PoisonError};

use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
    OaepAlgorithm, OaepPrivateDecryptingKey, PrivateDecryptingKey,
};
use rsa::traits::PrivateKeyParts;
use rsa::{BoxedUint, Pkcs1v15Encrypt};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use super::Unspecified;
use super::{RSA_MAX_BITS, RSA_MIN_READ_BITS};
use crate::model::alg::JweAlg;
use crate::model::key::{KeyMaterial, RsaPrivate, Secret};

/// The modulus sizes aws-lc-rs accepts for RSA keys (it refuses the others
/// with `KeyRejected`, see the `aws_lc_rs_refuses_other_sizes` test).
const LC_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

fn oaep_lc(alg: JweAlg) -> Option<&'static OaepAlgorithm> {
    Some(match alg {
        JweAlg::RsaOaep => &OAEP_SHA1_MGF1SHA1,
        JweAlg::RsaOaep256 => &OAEP_SHA256_MGF1SHA256,
        JweAlg::RsaOaep384 => &OAEP_SHA384_MGF1SHA384,
        JweAlg::RsaOaep512 => &OAEP_SHA512_MGF1SHA512,
        _ => return None,
    })
}

/// RSA-OAEP decryption by the `rsa` crate, blinded with the system RNG
/// (its `getrandom` feature).
fn oaep_decrypt_rc(alg: JweAlg, sk: &rsa::PrivateKey, ek: &[u8]) -> Result<Vec<u8>, Unspecified> {
    match alg {
        JweAlg::RsaOaep => sk.oaep_decrypt::<sha1::Sha1>(ek),
        JweAlg::RsaOaep256 => sk.oaep_decrypt::<sha2::Sha256>(ek),
        JweAlg::RsaOaep384 => sk.oaep_decrypt::<sha2::Sha384>(ek),
        JweAlg::RsaOaep512 => sk.oaep_decrypt::<sha2::Sha512>(ek),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}

const RSA_ENCRYPTION: pkcs8::ObjectIdentifier =
    pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Significant bits of a big-endian integer.
fn bit_len(v: &[u8]) -> usize {
    match v.iter().position(|&b| b != 0) {
        Some(i) => (v.len() - i) * 8 - v[i].leading_zeros() as usize,
        None => 0,
    }
}

/// `v` as an unsigned integer of `bits` precision (the modulus's width, as
/// the `rsa` crate's own decoder sizes every component of a key).
fn uint(v: &[u8], bits: u32) -> Result<BoxedUint, String> {
    BoxedUint::from_be_slice(v, bits).map_err(|_| "a component is wider than the modulus".into())
}

fn width(n: &[u8]) -> Result<u32, String> {
    u32::try_from(n.len() * 8).map_err(|_| "modulus too large".to_string())
}

fn public_rc(n: &[u8], e: &[u8]) -> Result<rsa::PublicKey, Unspecified> {
    rsa::PublicKey::new_with_size_limits(
        BoxedUint::from_be_slice_vartime(n),
        BoxedUint::from_be_slice_vartime(e),
        RSA_MIN_READ_BITS..=RSA_MAX_BITS,
    )
    .map_err(|_| Unspecified)
}

/// Parsed private keys of this process, by their PKCS#8 encoding. Building
/// one is more work than a decryption with it: AWS-LC checks the key on parse
/// (`RSA_check_key`) and sets up blinding and Montgomery tables on first use,
/// the `rsa` crate validates and computes CRT values. A process that checks a
/// key at load and then decrypts with it, or decrypts a stream of tokens
/// (`--lines`), does that once per key. At most [`CACHED`] keys are kept, the
/// oldest dropped first, the others until the process exits.
struct Cache<K>(Mutex<Vec<(Secret, K)>>);

const CACHED: usize = 64;

impl<K: Clone> Cache<K> {
    const fn new() -> Self {
        Cache(Mutex::new(Vec::new()))
    }

    fn get(&self, id: Secret, make: impl FnOnce() -> Result<K, String>) -> Result<K, String> {
        let find = |keys: &[(Secret, K)]| {
            keys.iter()
                .find(|(k, _)| super::ct_eq(k, &id))
                .map(|(_, v)| v.clone())
        };
        // A panic while the lock is held leaves the list whole: keep using it.
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = find(&lock()) {
            return Ok(v);
        }
        let v = make()?;
        let mut keys = lock();
        if keys.len() >= CACHED {
            keys.remove(0);
        }
        keys.push((id, v.clone()));
        Ok(v)
    }
}

/// Clones share AWS-LC's key object (a reference count), with its blinding.
static LC_KEYS: Cache<PrivateDecryptingKey> = Cache::new();
static RC_KEYS: Cache<Arc<rsa::PrivateKey>> = Cache::new();

/// PKCS#8 DER of the key: the only private-key form aws-lc-rs reads for
/// decryption, and the cache's name for it.
fn pkcs8_der(n: &[u8], e: &[u8], p: &RsaPrivate) -> Result<Secret, String> {
    use pkcs8::der::Encode;
    use pkcs8::der::asn1::UintRef;
    fn u(v: &[u8]) -> Result<UintRef<'_>, String> {
        UintRef::new(v).map_err(|e| e.to_string())
    }
    let inner = pkcs1::RsaPrivateKey {
        modulus: u(n)?,
        public_exponent: u(e)?,
        private_exponent: u(&p.d)?,
        prime1: u(&p.p)?,
        prime2: u(&p.q)?,
        exponent1: u(&p.dp)?,
        exponent2: u(&p.dq)?,
        coefficient: u(&p.qi)?,
        other_prime_infos: None,
    };
    let inner = Zeroizing::new(inner.to_der().map_err(|e| e.to_string())?);
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: RSA_ENCRYPTION,
            parameters: Some(pkcs8::der::asn1::AnyRef::NULL),
        },
        private_key: &inner,
        public_key: None,
    };
    info.to_der().map(Zeroizing::new).map_err(|e| e.to_string())
}

/// The `rsa` crate's key: checked (n = pq, de ≡ 1 mod p−1 and q−1) and with
/// its CRT values computed from p, q and d.
fn private_rc(n: &[u8], e: &[u8], p: &RsaPrivate) -> Result<Arc<rsa::PrivateKey>, String> {
    RC_KEYS.get(pkcs8_der(n, e, p)?, || {
        let w = width(n)?;
        rsa::PrivateKey::from_components(
            uint(n, w)?,
            BoxedUint::from_be_slice_vartime(e),
            uint(&p.d, w)?,
            vec![uint(&p.p, w)?, uint(&p.q, w)?],
        )
        .map(Arc::new)
        .map_err(|e| e.to_string())
    })
}

/// aws-lc-rs's key; AWS-LC checks every component on parse
/// (`RSA_check_key`: n = pq, d, and the CRT values dp, dq, qi).
fn private_lc(n: &[u8], e: &[u8], p: &RsaPrivate) -> Result<PrivateDecryptingKey, String> {
    let der = pkcs8_der(n, e, p)?;
    LC_KEYS.get(der.clone(), || {
        PrivateDecryptingKey::from_pkcs8(&der).map_err(|e| e.to_string())
    })
}

/// Check a private RSA key's components against each other with the backend
/// that would decrypt with it; the reason when they do not fit.
pub(super) fn check_private(n: &[u8], e: &[u8], p: &RsaPrivate) -> Result<(), String> {
    if LC_BITS.contains(&bit_len(n)) {
        return private_lc(n, e, p).map(drop);
    }
    let key = private_rc(n, e, p)?;
    let be = |v: Option<BoxedUint>| v.map(|v| v.to_be_bytes_trimmed_vartime());
    let trim = |v: &[u8]| v[v.iter().position(|&b| b != 0).unwrap_or(v.len())..].to_vec();
    if be(key.dp().cloned()).as_deref() != Some(trim(&p.dp).as_slice())
        || be(key.dq().cloned()).as_deref() != Some(trim(&p.dq).as_slice())
        || be(key.crt_coefficient()).as_deref() != Some(trim(&p.qi).as_slice())
    {
        return Err("CRT parameters do not match the key".into());
    }
    Ok(())
}

/// Encrypt the CEK to an RSA public key.
pub fn encrypt(alg: JweAlg, key: &KeyMaterial, cek: &[u8]) -> Result<Vec<u8>, Unspecified> {
    let KeyMaterial::Rsa { n, e, .. } = key else {
        return Err(Unspecified);
    };
    let pk = public_rc(n, e)?;
    // The padding's randomness comes from the system RNG (the crate's
    // `getrandom` feature).
    match alg {
        JweAlg::Rsa1_5 => pk.pkcs1v15_encrypt(cek),
        JweAlg::RsaOaep => pk.oaep_encrypt::<sha1::Sha1>(cek),
        JweAlg::RsaOaep256 => pk.oaep_encrypt::<sha2::Sha256>(cek),
        JweAlg::RsaOaep384 => pk.oaep_encrypt::<sha2::Sha384>(cek),
        JweAlg::RsaOaep512 => pk.oaep_encrypt::<sha2::Sha512>(cek),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}

/// Decrypt an encrypted CEK. For RSA1_5 this never fails on a bad
/// ciphertext: per RFC 7516 §11.5 (RFC 3218 §2.3.2) a random CEK of
/// `cek_len` bytes is drawn every time and kept, by a constant-time select,
/// unless the decryption gave exactly `cek_len` bytes; so a bad padding
/// shows only later, as the same `decrypt_failed` as a bad tag.
pub fn decrypt(
    alg: JweAlg,
    key: &KeyMaterial,
    ek: &[u8],
    cek_len: usize,
) -> Result<Secret, Unspecified> {
    let KeyMaterial::Rsa {
        n,
        e,
        private: Some(p),
    } = key
    else {
        return Err(Unspecified);
    };
    if alg == JweAlg::Rsa1_5 {
        let sk = private_rc(n, e, p).map_err(|_| Unspecified)?;
        return Ok(rsa1_5(&sk, ek, cek_len));
    }
    if LC_BITS.contains(&bit_len(n)) {
        let oaep = oaep_lc(alg).ok_or(Unspecified)?;
        let sk = private_lc(n, e, p).map_err(|_| Unspecified)?;
        let sk = OaepPrivateDecryptingKey::new(sk).map_err(|_| Unspecified)?;
        let mut buf = Zeroizing::new(vec![0u8; sk.min_output_size()]);
        let got = sk
            .decrypt(oaep, ek, &mut buf, None)
            .map_err(|_| Unspecified)?;
        return Ok(Zeroizing::new(got.to_vec()));
    }
    if oaep_lc(alg).is_none() {
        return Err(Unspecified);
    }
    let sk = private_rc(n, e, p).map_err(|_| Unspecified)?;
    oaep_decrypt_rc(alg, &sk, ek).map(Zeroizing::new)
}

/// RSAES-PKCS1-v1_5 with the RFC 7516 §11.5 countermeasure. The `rsa`
/// crate's implicit rejection already turns a bad padding into a synthetic
/// message (of a length the attacker cannot predict) instead of an error;
/// a message of any length but `cek_len` is replaced by the random CEK.
/// The only `Err` left is a ciphertext of the wrong length, which is public.
fn rsa1_5(sk: &rsa::PrivateKey, ek: &[u8], cek_len: usize) -> Secret {
    let mut out = Zeroizing::new(super::random_vec(cek_len));
    let got = Zeroizing::new(sk.decrypt(Pkcs1v15Encrypt, ek).unwrap_or_default());
    let ok = (got.len() as u64).ct_eq(&(cek_len as u64));
    for (i, b) in out.iter_mut().enumerate() {
        let v = got.get(i).copied().unwrap_or(0);
        b.conditional_assign(&v, ok);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// aws-lc-rs takes 2048 to 8192 bits and refuses the rest: why the
    /// `rsa` crate handles the other sizes.
    #[test]
    fn aws_lc_rs_refuses_other_sizes() {
        use aws_lc_rs::encoding::AsDer;
        let k = PrivateDecryptingKey::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("keygen");
        let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&k).expect("der");
        assert!(PrivateDecryptingKey::from_pkcs8(der.as_ref()).is_ok());
        let small = include_bytes!("../../tests/data/keys/rsa1024.pkcs8.der");
        let err = PrivateDecryptingKey::from_pkcs8(small).expect_err("1024 bits refused");
        assert_eq!(err.to_string(), "TooSmall");
        let large = include_bytes!("../../tests/data/keys/rsa8320.pkcs8.der");
        let err = PrivateDecryptingKey::from_pkcs8(large).expect_err("8320 bits refused");
        assert_eq!(err.to_string(), "TooLarge");
    }

    /// The cache builds a key once per encoding, builds again for any other
    /// encoding, and keeps the newest [`CACHED`].
    #[test]
    fn cache_by_encoding() {
        let cache: Cache<usize> = Cache::new();
        let made = std::cell::Cell::new(0);
        let get = |id: u8| {
            cache
                .get(Zeroizing::new(vec![id; 3]), || {
                    made.set(made.get() + 1);
                    Ok(made.get())
                })
                .expect("made")
        };
        assert_eq!((get(1), get(1), get(2), get(1)), (1, 1, 2, 1));
        for id in 3..=(CACHED as u8 + 1) {
            get(id);
        }
        // 1 was the oldest entry: built again.
        assert_eq!(get(1), CACHED + 2);
        assert!(
            cache
                .get(Zeroizing::new(vec![0]), || Err("no".into()))
                .is_err()
        );
    }

    /// A key that differs from a cached one in a single CRT value is checked
    /// on its own (and refused), by both backends.
    #[test]
    fn cached_key_does_not_vouch_for_another() {
        for bits in [1024, 2048] {
            let path = format!(
                "{}/tests/data/keys/rsa{bits}.pkcs8.pem",
                env!("CARGO_MANIFEST_DIR")
            );
            let pem = std::fs::read(&path).expect("fixture");
            let key = crate::codec::key::detect::parse_bytes(&pem, &path)
                .expect("key")
                .remove(0);
            let KeyMaterial::Rsa {
                n,
                e,
                private: Some(p),
            } = &key.material
            else {
                panic!("RSA private key")
            };
            assert_eq!(check_private(n, e, p), Ok(()));
            let mut bad = RsaPrivate {
                d: p.d.clone(),
                p: p.p.clone(),
                q: p.q.clone(),
                dp: p.dp.clone(),
                dq: p.dq.clone(),
                qi: p.qi.clone(),
            };
            let last = bad.qi.len() - 1;
            bad.qi[last] ^= 2;
            assert!(check_private(n, e, &bad).is_err(), "{bits}");
            assert_eq!(check_private(n, e, p), Ok(()));
        }
    }
}
