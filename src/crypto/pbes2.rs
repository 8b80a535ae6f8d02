//! PBES2 key derivation (RFC 7518 §4.8): PBKDF2 with salt = alg || 0x00 || p2s.

use std::num::NonZeroU32;

use ring::pbkdf2;

use super::Unspecified;
use crate::model::alg::JweAlg;

/// Derive the key-wrapping key. The caller bounds `p2c` before calling.
pub fn derive(alg: JweAlg, password: &[u8], p2s: &[u8], p2c: u32) -> Result<Vec<u8>, Unspecified> {
    let (prf, len) = match alg {
        JweAlg::Pbes2Hs256A128KW => (pbkdf2::PBKDF2_HMAC_SHA256, 16),
        JweAlg::Pbes2Hs384A192KW => (pbkdf2::PBKDF2_HMAC_SHA384, 24),
        JweAlg::Pbes2Hs512A256KW => (pbkdf2::PBKDF2_HMAC_SHA512, 32),
        _ => return Err(Unspecified),
    };
    let iterations = NonZeroU32::new(p2c).ok_or(Unspecified)?;
    let mut salt = Vec::with_capacity(alg.name().len() + 1 + p2s.len());
    salt.extend_from_slice(alg.name().as_bytes());
    salt.push(0);
    salt.extend_from_slice(p2s);
    let mut out = vec![0u8; len];
    pbkdf2::derive(prf, iterations, &salt, password, &mut out);
    Ok(out)
}
