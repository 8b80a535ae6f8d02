//! The only module that names `ring`, `aws-lc-rs`, `rsa` and the RustCrypto
//! crates. Every other module speaks in terms of
//! [`crate::model::key::KeyMaterial`] and the algorithm enums. Cryptographic
//! failures are opaque on purpose ([`Unspecified`]); key-parse failures are
//! explained ([`KeyRejected`]).

pub mod aes_gcm;
pub mod aes_kw;
pub mod cbc_hmac;
pub mod chain;
pub mod ecdh;
mod keys;
pub mod mldsa;
pub mod pbes2;
pub mod pkcs8_enc;
pub mod rsa_enc;
pub mod sig;
pub mod x509;

pub use keys::{KeySpec, check_key, ec_point_from_sec1, ec_public, generate, okp_public};

/// The smallest RSA modulus accepted when reading a key.
pub const RSA_MIN_READ_BITS: usize = 1024;
/// The RSA sizes generated: the ones aws-lc-rs makes.
pub const RSA_GEN_BITS: [usize; 4] = [2048, 3072, 4096, 8192];
/// The largest RSA modulus accepted: bounds the work one key can cause.
pub const RSA_MAX_BITS: usize = 16384;

use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};

/// A cryptographic operation failed; deliberately says nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cryptographic operation failed")]
pub struct Unspecified;

/// A key is unusable, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyRejected(pub String);

/// The SHA-1 digest of `data`, for `x5t` certificate thumbprints (RFC 7517 §4.8).
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let d = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data);
    let mut out = [0u8; 20];
    out.copy_from_slice(d.as_ref());
    out
}

/// The SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Fill `buf` from the operating system's CSPRNG.
pub fn random(buf: &mut [u8]) {
    // SystemRandom only fails when the OS has no entropy source at all, in
    // which case continuing would be worse than stopping.
    #[allow(clippy::expect_used)]
    SystemRandom::new()
        .fill(buf)
        .expect("the operating system's random number generator failed");
}

/// `len` fresh bytes from the operating system's CSPRNG, as [`random`] fills them.
pub fn random_vec(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    random(&mut v);
    v
}

/// Constant-time equality for MACs and tags.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Content encryption (RFC 7518 §5) in place; returns the tag. A CEK of the
/// wrong length for `enc` fails.
pub fn content_seal(
    enc: crate::model::alg::JweEnc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut Vec<u8>,
) -> Result<Vec<u8>, Unspecified> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() {
        return Err(Unspecified);
    }
    if enc.is_gcm() {
        aes_gcm::seal(cek, iv, aad, buf).map(|t| t.to_vec())
    } else {
        cbc_hmac::seal(cek, iv, aad, buf)
    }
}

/// Check the tag and decrypt in place. Every failure is the same [`Unspecified`].
pub fn content_open(
    enc: crate::model::alg::JweEnc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut Vec<u8>,
    tag: &[u8],
) -> Result<(), Unspecified> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() {
        return Err(Unspecified);
    }
    if enc.is_gcm() {
        aes_gcm::open(cek, iv, aad, buf, tag)
    } else {
        cbc_hmac::open(cek, iv, aad, buf, tag)
    }
}
