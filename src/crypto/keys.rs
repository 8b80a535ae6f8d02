//! Key checks, public-key derivation and key generation.

use ring::signature::{Ed25519KeyPair, KeyPair};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use zeroize::Zeroizing;

use super::KeyRejected;
use crate::keys::{Curve, KeyMaterial, OkpCurve, RsaPrivate};

/// The smallest RSA modulus accepted when reading a key.
pub const RSA_MIN_READ_BITS: usize = 1024;
/// The smallest RSA modulus generated.
pub const RSA_MIN_GEN_BITS: usize = 2048;
/// The largest RSA modulus accepted: bounds the work one key can cause.
pub const RSA_MAX_BITS: usize = 16384;

/// What `keygen` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Rsa { bits: usize },
    Ec(Curve),
    Okp(OkpCurve),
    Oct { bytes: usize },
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

/// Derive the public key of an OKP private key.
pub fn okp_public(curve: OkpCurve, d: &[u8]) -> Result<Vec<u8>, KeyRejected> {
    match curve {
        OkpCurve::Ed25519 => {
            let kp = Ed25519KeyPair::from_seed_unchecked(d)
                .map_err(|_| KeyRejected("Ed25519 seed must be 32 bytes".into()))?;
            Ok(kp.public_key().as_ref().to_vec())
        }
        OkpCurve::X25519 => {
            let d: [u8; 32] = d
                .try_into()
                .map_err(|_| KeyRejected("X25519 private key must be 32 bytes".into()))?;
            let sk = x25519_dalek::StaticSecret::from(d);
            Ok(x25519_dalek::PublicKey::from(&sk).as_bytes().to_vec())
        }
    }
}

fn big(v: &[u8]) -> rsa::BigUint {
    rsa::BigUint::from_bytes_be(v)
}

/// Check that key material is usable and self-consistent: RSA sizes within
/// bounds and the private parts matching the modulus; EC points on their
/// curve and matching the private scalar; OKP public keys matching the seed.
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
                let key = rsa::RsaPrivateKey::from_components(
                    big(n),
                    big(e),
                    big(&p.d),
                    vec![big(&p.p), big(&p.q)],
                )
                .map_err(|e| KeyRejected(format!("RSA private key is inconsistent: {e}")))?;
                key.validate()
                    .map_err(|e| KeyRejected(format!("RSA private key is inconsistent: {e}")))?;
                let (dp, dq, qi) = (key.dp(), key.dq(), key.crt_coefficient());
                if dp.map(|v| v.to_bytes_be()) != Some(p.dp.to_vec())
                    || dq.map(|v| v.to_bytes_be()) != Some(p.dq.to_vec())
                    || qi.map(|v| v.to_bytes_be()) != Some(p.qi.to_vec())
                {
                    return Err(KeyRejected(
                        "RSA CRT parameters do not match the key".into(),
                    ));
                }
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
            if let Some(d) = d {
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

fn be(v: &rsa::BigUint) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(v.to_bytes_be())
}

/// Generate a fresh key.
pub fn generate(spec: KeySpec) -> Result<KeyMaterial, KeyRejected> {
    match spec {
        KeySpec::Rsa { bits } => {
            if !(RSA_MIN_GEN_BITS..=RSA_MAX_BITS).contains(&bits) || bits % 8 != 0 {
                return Err(KeyRejected(format!(
                    "RSA key size {bits} refused: use 2048, 3072 or 4096 (at least {RSA_MIN_GEN_BITS})"
                )));
            }
            let key = generate_rsa(bits)
                .map_err(|e| KeyRejected(format!("RSA key generation failed: {e}")))?;
            let primes = key.primes();
            let (Some(dp), Some(dq), Some(qi), [p, q]) =
                (key.dp(), key.dq(), key.crt_coefficient(), primes)
            else {
                return Err(KeyRejected(
                    "RSA key generation produced an unexpected key".into(),
                ));
            };
            Ok(KeyMaterial::Rsa {
                n: key.n().to_bytes_be(),
                e: key.e().to_bytes_be(),
                private: Some(RsaPrivate {
                    d: be(key.d()),
                    p: be(p),
                    q: be(q),
                    dp: be(dp),
                    dq: be(dq),
                    qi: be(&qi),
                }),
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

/// RSA key generation is a random search for primes whose time varies
/// severalfold from one key to the next (2048 bits: 40 to 400 ms here). One
/// search per core, racing, the first key kept, cuts the wait to the fastest
/// of them; the others are stopped at their next random draw. Each search is
/// the `rsa` crate's own, from its own system randomness.
fn generate_rsa(bits: usize) -> rsa::Result<rsa::RsaPrivateKey> {
    #[cfg(panic = "unwind")]
    {
        let racers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if racers > 1 {
            return race::generate(bits, racers);
        }
    }
    rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
}

#[cfg(panic = "unwind")]
mod race {
    use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;

    use rand_core::{CryptoRng, OsRng, RngCore};

    /// The system RNG, until the race is won: then the next draw unwinds
    /// the losing search (without the panic hook, so nothing is printed).
    pub(super) struct Until<'a>(pub(super) &'a AtomicBool);

    /// The payload of that unwind.
    pub(super) struct Lost;

    impl Until<'_> {
        fn check(&self) {
            if self.0.load(Ordering::Relaxed) {
                resume_unwind(Box::new(Lost));
            }
        }
    }

    impl RngCore for Until<'_> {
        fn next_u32(&mut self) -> u32 {
            self.check();
            OsRng.next_u32()
        }
        fn next_u64(&mut self) -> u64 {
            self.check();
            OsRng.next_u64()
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            self.check();
            OsRng.fill_bytes(dest)
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.check();
            OsRng.try_fill_bytes(dest)
        }
    }

    impl CryptoRng for Until<'_> {}

    pub(super) fn generate(bits: usize, racers: usize) -> rsa::Result<rsa::RsaPrivateKey> {
        let done = AtomicBool::new(false);
        let (tx, rx) = mpsc::channel();
        std::thread::scope(|s| {
            for _ in 0..racers {
                let tx = tx.clone();
                let done = &done;
                s.spawn(move || {
                    let r = catch_unwind(AssertUnwindSafe(|| {
                        rsa::RsaPrivateKey::new(&mut Until(done), bits)
                    }));
                    // Err: this search lost (or the crate panicked: then
                    // the others still answer, or the channel closes).
                    if let Ok(key) = r {
                        let _ = tx.send(key);
                    }
                });
            }
            drop(tx);
            let first = rx.recv();
            done.store(true, Ordering::Relaxed);
            // The scope joins the losers, which stop at their next draw.
            first.unwrap_or(Err(rsa::Error::Internal))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Racing searches give a valid key of the asked size, and a search
    /// whose race is over stops at its next draw instead of running on.
    #[cfg(panic = "unwind")]
    #[test]
    fn rsa_race() {
        let key = race::generate(2048, 3).expect("key");
        key.validate().expect("consistent key");
        assert_eq!(key.n().bits(), 2048);
        let over = std::sync::atomic::AtomicBool::new(true);
        let start = std::time::Instant::now();
        let lost = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rsa::RsaPrivateKey::new(&mut race::Until(&over), 4096)
        }));
        assert!(lost.is_err_and(|p| p.is::<race::Lost>()));
        assert!(start.elapsed() < std::time::Duration::from_millis(100));
    }

    /// 65537^a mod M, M the product of the ROCA primes, is exactly the shape
    /// of a vulnerable modulus's residues; one more is not.
    #[test]
    fn roca_fingerprint() {
        let m = ROCA_PRIMES
            .iter()
            .fold(rsa::BigUint::from(1u32), |acc, &p| {
                acc * rsa::BigUint::from(p)
            });
        let g = rsa::BigUint::from(65537u32);
        for a in [1u32, 7, 12345, 999_983] {
            let n = g.modpow(&rsa::BigUint::from(a), &m);
            assert!(has_roca_fingerprint(&n.to_bytes_be()), "{a}");
            let off = n + rsa::BigUint::from(1u32);
            assert!(!has_roca_fingerprint(&off.to_bytes_be()), "{a}");
        }
    }
}
