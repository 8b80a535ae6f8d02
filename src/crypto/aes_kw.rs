//! AES Key Wrap (RFC 3394, RFC 7518 §4.4) through RustCrypto's `aes-kw`.

use aes_kw::{KekAes128, KekAes192, KekAes256};

use super::Unspecified;

pub fn wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, Unspecified> {
    match kek.len() {
        16 => KekAes128::new(kek.into()).wrap_vec(cek),
        24 => KekAes192::new(kek.into()).wrap_vec(cek),
        32 => KekAes256::new(kek.into()).wrap_vec(cek),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}

pub fn unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Vec<u8>, Unspecified> {
    match kek.len() {
        16 => KekAes128::new(kek.into()).unwrap_vec(wrapped),
        24 => KekAes192::new(kek.into()).unwrap_vec(wrapped),
        32 => KekAes256::new(kek.into()).unwrap_vec(wrapped),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}
