//! Key checks, public-key derivation and key generation.

use ring::signature::{Ed25519KeyPair, KeyPair};
use zeroize::Zeroizing;

use super::KeyRejected;
use crate::model::alg::MlDsaLevel;
use crate::model::key::{Curve, KeyMaterial, OkpCurve, RsaPrivate};

use super::{RSA_MAX_BITS, RSA_MIN_READ_BITS};

/// What `keygen` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// An RSA key with e = 65537.
    Rsa {
        /// The modulus size; one of [`super::RSA_GEN_BITS`], others are refused.
        bits: usize,
    },
    /// An EC key on this curve.
    Ec(Curve),
    /// An OKP key on this curve.
    Okp(OkpCurve),
    /// An ML-DSA key of this level (`AKP`, RFC 9964).
    MlDsa(MlDsaLevel),
    /// A random symmetric secret.
    Oct {
        /// The length in bytes, 1 to 1024; others are refused.
        bytes: usize,
    },
}

fn uncompressed(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(1 + x.len() + y.len());
    p.push(4);
    p.extend_from_slice(x);
    p.extend_from_slice(y);
    p
}

macro_rules! with_curve {
    ($curve:expr, $m:ident => $body:expr) => {
        match $curve {
            Curve::P256 => {
                use p256 as $m;
                $body
            }
            Curve::P384 => {
                use p384 as $m;
                $body
            }
            Curve::P521 => {
                use p521 as $m;
                $body
            }
            Curve::Secp256k1 => {
                use k256 as $m;
                $body
            }
        }
    };
}

/// Derive the public point (x, y) of private scalar `d`, each `coord_len` bytes.
pub fn ec_public(curve: Curve, d: &[u8]) -> Result<(Vec<u8>, Vec<u8>), KeyRejected> {
    use elliptic_curve_ext::*;
    with_curve!(curve, c => {
        let sk = c::SecretKey::from_slice(d)
            .map_err(|_| KeyRejected(format!("{} private scalar out of range", curve.jwk_name())))?;
        let point = sk.public_key().to_encoded_point(false);
        match (point.x(), point.y()) {
            (Some(x), Some(y)) => Ok((x.to_vec(), y.to_vec())),
            _ => Err(KeyRejected("public point at infinity".into())),
        }
    })
}

/// Decode a SEC1 point (uncompressed or compressed) of `curve` into its
/// fixed-length affine coordinates (x, y); the identity and off-curve points
/// are refused.
pub fn ec_point_from_sec1(curve: Curve, bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>), KeyRejected> {
    use elliptic_curve_ext::*;
    with_curve!(curve, c => {
        let pk = c::PublicKey::from_sec1_bytes(bytes)
            .map_err(|_| KeyRejected(format!("public point is not on curve {}", curve.jwk_name())))?;
        let point = pk.to_encoded_point(false);
        match (point.x(), point.y()) {
            (Some(x), Some(y)) => Ok((x.to_vec(), y.to_vec())),
            _ => Err(KeyRejected("public point at infinity".into())),
        }
    })
}

/// Whether (x, y) is a point on `curve` (and not the identity).
fn ec_point_valid(curve: Curve, x: &[u8], y: &[u8]) -> bool {
    let p = uncompressed(x, y);
    with_curve!(curve, c => c::PublicKey::from_sec1_bytes(&p).is_ok())
}

/// Whether ring finds that `d` times the base point is (x, y), on P-256 and
/// P-384 (the check `EcdsaKeyPair::from_private_key_and_public_key` makes,
/// the same pair-match as [`ec_public`]'s, with ring's precomputed tables for
/// the base point: the generic multiplication of the RustCrypto curves was
/// 40 % of a whole ECDH-ES decrypt). `false` means "not shown here", never
/// "bad".
fn ring_pair_matches(curve: Curve, d: &[u8], x: &[u8], y: &[u8]) -> bool {
    use ring::signature::{
        ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair,
    };
    let alg = match curve {
        Curve::P256 => &ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 | Curve::Secp256k1 => return false,
    };
    EcdsaKeyPair::from_private_key_and_public_key(
        alg,
        d,
        &uncompressed(x, y),
        &ring::rand::SystemRandom::new(),
    )
    .is_ok()
}

/// Derive the public key of an OKP private key.
pub fn okp_public(curve: OkpCurve, d: &[u8]) -> Result<Vec<u8>, KeyRejected> {
    match curve {
        OkpCurve::Ed25519 => {
            let kp = Ed25519KeyPair::from_seed_unchecked(d)
                .map_err(|_| KeyRejected("Ed25519 seed must be 32 bytes".into()))?;
            Ok(kp.public_key().as_ref().to_vec())
        }
        OkpCurve::X25519 => {
            use aws_lc_rs::agreement::{PrivateKey, X25519};
            let bad = || KeyRejected("X25519 private key must be 32 bytes".into());
            if d.len() != 32 {
                return Err(bad());
            }
            // The same backend as the agreement itself (src/crypto/ecdh.rs).
            let sk = PrivateKey::from_private_key(&X25519, d).map_err(|_| bad())?;
            let pk = sk.compute_public_key().map_err(|_| bad())?;
            Ok(pk.as_ref().to_vec())
        }
    }
}

/// Check that key material is usable and self-consistent: RSA sizes within
/// bounds and the private parts matching the modulus; EC points on their
/// curve and matching the private scalar; OKP and AKP public keys matching
/// the seed.
pub fn check_key(m: &KeyMaterial) -> Result<(), KeyRejected> {
    match m {
        KeyMaterial::Rsa { n, e, private } => {
            let bits = m.bits();
            if bits < RSA_MIN_READ_BITS {
                return Err(KeyRejected(format!(
                    "RSA key of {bits} bits is too small (at least {RSA_MIN_READ_BITS})"
                )));
            }
            if bits > RSA_MAX_BITS {
                return Err(KeyRejected(format!(
                    "RSA key of {bits} bits is too large (at most {RSA_MAX_BITS})"
                )));
            }
            if e.len() > 4 || e.last().is_none_or(|b| b & 1 == 0) || e.as_slice() == [1] {
                return Err(KeyRejected(
                    "RSA public exponent is not a usable odd value".into(),
                ));
            }
            if has_roca_fingerprint(n) {
                return Err(KeyRejected(
                    "RSA key has the ROCA fingerprint (CVE-2017-15361): it was made by a vulnerable Infineon library and its private key can be recovered; replace it".into(),
                ));
            }
            if let Some(p) = private {
                super::rsa_enc::check_private(n, e, p)
                    .map_err(|e| KeyRejected(format!("RSA private key is inconsistent: {e}")))?;
            }
            Ok(())
        }
        KeyMaterial::Ec { curve, x, y, d } => {
            if !ec_point_valid(*curve, x, y) {
                return Err(KeyRejected(format!(
                    "public point is not on curve {}",
                    curve.jwk_name()
                )));
            }
            if let Some(d) = d
                && !ring_pair_matches(*curve, d, x, y)
            {
                // The authority when ring cannot say (P-521, secp256k1, a
                // scalar of another length) and the precise message when
                // the pair is bad.
                let (px, py) = ec_public(*curve, d)?;
                if px != *x || py != *y {
                    return Err(KeyRejected(
                        "EC private key does not match its public point".into(),
                    ));
                }
            }
            Ok(())
        }
        KeyMaterial::Okp { curve, x, d } => {
            if x.len() != 32 {
                return Err(KeyRejected(format!(
                    "{} public key must be 32 bytes",
                    curve.jwk_name()
                )));
            }
            if let Some(d) = d
                && okp_public(*curve, d)? != *x
            {
                return Err(KeyRejected(format!(
                    "{} private key does not match its public key",
                    curve.jwk_name()
                )));
            }
            Ok(())
        }
        KeyMaterial::Oct { k } => {
            if k.is_empty() {
                return Err(KeyRejected("empty symmetric key".into()));
            }
            Ok(())
        }
        KeyMaterial::Akp {
            level,
            public,
            seed,
        } => super::mldsa::check(*level, public, seed.as_deref().map(|s| s.as_slice())),
    }
}

/// The small primes of the ROCA fingerprint (Nemec et al., CCS 2017).
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// Moduli from the vulnerable Infineon generator are 65537^a mod M for a
/// primorial M, so n mod p lies in the subgroup that 65537 generates mod p
/// for every prime p of M. A random modulus passes all 38 tests with
/// negligible probability.
fn has_roca_fingerprint(n: &[u8]) -> bool {
    ROCA_PRIMES.iter().all(|&p| {
        let residue = n.iter().fold(0u32, |r, &b| (r * 256 + u32::from(b)) % p);
        let g = 65537 % p;
        let mut x = 1u32;
        loop {
            if x == residue {
                return true;
            }
            x = x * g % p;
            if x == 1 {
                return false;
            }
        }
    })
}

/// Generate a fresh key.
pub fn generate(spec: KeySpec) -> Result<KeyMaterial, KeyRejected> {
    match spec {
        KeySpec::Rsa { bits } => generate_rsa(bits),
        KeySpec::MlDsa(level) => {
            let (seed, public) = super::mldsa::generate(level);
            Ok(KeyMaterial::Akp {
                level,
                public,
                seed: Some(seed),
            })
        }
        KeySpec::Ec(curve) => loop {
            // A uniformly random string is a valid scalar with overwhelming
            // probability; retry the rare out-of-range draw.
            let d = Zeroizing::new(super::random_vec(curve.coord_len()));
            let mut d = d;
            if curve == Curve::P521 {
                d[0] &= 0x01;
            }
            if let Ok((x, y)) = ec_public(curve, &d) {
                return Ok(KeyMaterial::Ec {
                    curve,
                    x,
                    y,
                    d: Some(d),
                });
            }
        },
        KeySpec::Okp(curve) => {
            let d = Zeroizing::new(super::random_vec(32));
            let x = okp_public(curve, &d)?;
            Ok(KeyMaterial::Okp {
                curve,
                x,
                d: Some(d),
            })
        }
        KeySpec::Oct { bytes } => {
            if bytes == 0 || bytes > 1024 {
                return Err(KeyRejected(format!(
                    "symmetric key of {bytes} bytes refused"
                )));
            }
            Ok(KeyMaterial::Oct {
                k: Zeroizing::new(super::random_vec(bytes)),
            })
        }
    }
}

/// Trait imports for the curve crates, kept in one place.
mod elliptic_curve_ext {
    pub use p256::elliptic_curve::sec1::ToEncodedPoint;
}

/// An RSA key from aws-lc-rs (AWS-LC's `RSA_generate_key_ex`, e = 65537),
/// which makes the four sizes of [`aws_lc_rs::rsa::KeySize`]; its PKCS#8
/// export is read back into the JWK's components.
fn generate_rsa(bits: usize) -> Result<KeyMaterial, KeyRejected> {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
    use aws_lc_rs::rsa::{KeySize, PrivateDecryptingKey};
    use pkcs8::der::Decode;
    // The match is RSA_GEN_BITS, one size per aws-lc-rs KeySize.
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        8192 => KeySize::Rsa8192,
        _ => {
            return Err(KeyRejected(format!(
                "RSA key size {bits} refused: use 2048, 3072, 4096 or 8192"
            )));
        }
    };
    let failed = |e: &dyn std::fmt::Display| KeyRejected(format!("RSA key generation failed: {e}"));
    let key = PrivateDecryptingKey::generate(size).map_err(|e| failed(&e))?;
    let der: Pkcs8V1Der<'static> = key.as_der().map_err(|e| failed(&e))?;
    let info = pkcs8::PrivateKeyInfo::from_der(der.as_ref()).map_err(|e| failed(&e))?;
    let k = pkcs1::RsaPrivateKey::from_der(info.private_key).map_err(|e| failed(&e))?;
    let secret = |v: pkcs1::UintRef<'_>| Zeroizing::new(v.as_bytes().to_vec());
    Ok(KeyMaterial::Rsa {
        n: k.modulus.as_bytes().to_vec(),
        e: k.public_exponent.as_bytes().to_vec(),
        private: Some(RsaPrivate {
            d: secret(k.private_exponent),
            p: secret(k.prime1),
            q: secret(k.prime2),
            dp: secret(k.exponent1),
            dq: secret(k.exponent2),
            qi: secret(k.coefficient),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 65537^a mod M, M the product of the ROCA primes, is exactly the shape
    /// of a vulnerable modulus's residues; one more is not.
    #[test]
    fn roca_fingerprint() {
        use num_bigint::BigUint;
        let m = ROCA_PRIMES
            .iter()
            .fold(BigUint::from(1u32), |acc, &p| acc * BigUint::from(p));
        let g = BigUint::from(65537u32);
        for a in [1u32, 7, 12345, 999_983] {
            let n = g.modpow(&BigUint::from(a), &m);
            assert!(has_roca_fingerprint(&n.to_bytes_be()), "{a}");
            let off = n + BigUint::from(1u32);
            assert!(!has_roca_fingerprint(&off.to_bytes_be()), "{a}");
        }
    }
}
