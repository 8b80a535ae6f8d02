//! AES Key Wrap (RFC 3394, RFC 7518 §4.4) through RustCrypto's `aes-kw`.

use aes_kw::{KekAes128, KekAes192, KekAes256};

use super::Unspecified;

/// The shortest key wrapped or unwrapped: every JWE CEK has at least 16 bytes,
/// and RFC 3394 needs at least two 64-bit blocks.
const MIN_KEY: usize = 16;

/// Wrap `cek` under `kek` (RFC 3394 §2.2.1). Fails with [`Unspecified`] for
/// a KEK not of 16, 24 or 32 bytes, or a CEK under 16 bytes or not a multiple of 8.
pub fn wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, Unspecified> {
    if cek.len() < MIN_KEY || !cek.len().is_multiple_of(8) {
        return Err(Unspecified);
    }
    match kek.len() {
        16 => KekAes128::new(kek.into()).wrap_vec(cek),
        24 => KekAes192::new(kek.into()).wrap_vec(cek),
        32 => KekAes256::new(kek.into()).wrap_vec(cek),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}

/// Unwrap `wrapped` with `kek` and check its integrity value (RFC 3394
/// §2.2.2-§2.2.3). Fails with [`Unspecified`] for a KEK not of 16, 24 or 32
/// bytes, an input under 24 bytes or not a multiple of 8, or a failed check.
pub fn unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Vec<u8>, Unspecified> {
    if wrapped.len() < MIN_KEY + 8 || !wrapped.len().is_multiple_of(8) {
        return Err(Unspecified);
    }
    match kek.len() {
        16 => KekAes128::new(kek.into()).unwrap_vec(wrapped),
        24 => KekAes192::new(kek.into()).unwrap_vec(wrapped),
        32 => KekAes256::new(kek.into()).unwrap_vec(wrapped),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}
