//! AES-GCM (RFC 7518 §5.3, §4.7): ring for 128/256-bit keys, RustCrypto's
//! `aes-gcm` for 192 bits, which ring does not offer. In place, tag apart.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{KeyInit, Nonce};
use ring::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce as RingNonce, UnboundKey};

use super::Unspecified;

/// The authentication tag length in bytes (RFC 7518 §5.3: 128 bits).
pub const TAG_LEN: usize = 16;
/// The IV length in bytes (RFC 7518 §5.3: 96 bits); other lengths are refused.
pub const IV_LEN: usize = 12;

type Aes192Gcm = aes_gcm::AesGcm<aes::Aes192, aes_gcm::aead::consts::U12>;

fn ring_key(key: &[u8]) -> Result<Option<LessSafeKey>, Unspecified> {
    let alg = match key.len() {
        16 => &AES_128_GCM,
        32 => &AES_256_GCM,
        24 => return Ok(None),
        _ => return Err(Unspecified),
    };
    Ok(Some(LessSafeKey::new(
        UnboundKey::new(alg, key).map_err(|_| Unspecified)?,
    )))
}

/// Encrypt `buf` in place; returns the 16-byte tag.
pub fn seal(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN], Unspecified> {
    if iv.len() != IV_LEN {
        return Err(Unspecified);
    }
    let mut out = [0u8; TAG_LEN];
    match ring_key(key)? {
        Some(k) => {
            let nonce = RingNonce::try_assume_unique_for_key(iv).map_err(|_| Unspecified)?;
            let tag = k
                .seal_in_place_separate_tag(nonce, Aad::from(aad), buf)
                .map_err(|_| Unspecified)?;
            out.copy_from_slice(tag.as_ref());
        }
        None => {
            let c = Aes192Gcm::new_from_slice(key).map_err(|_| Unspecified)?;
            let tag = c
                .encrypt_in_place_detached(Nonce::from_slice(iv), aad, buf)
                .map_err(|_| Unspecified)?;
            out.copy_from_slice(&tag);
        }
    }
    Ok(out)
}

/// Check `tag` and decrypt `buf` in place. On failure `buf` holds no plaintext
/// the caller may use.
pub fn open(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8],
) -> Result<(), Unspecified> {
    if iv.len() != IV_LEN || tag.len() != TAG_LEN {
        return Err(Unspecified);
    }
    match ring_key(key)? {
        Some(k) => {
            let nonce = RingNonce::try_assume_unique_for_key(iv).map_err(|_| Unspecified)?;
            let tag = ring::aead::Tag::try_from(tag).map_err(|_| Unspecified)?;
            k.open_in_place_separate_tag(nonce, Aad::from(aad), tag, buf, 0..)
                .map(|_| ())
                .map_err(|_| Unspecified)
        }
        None => {
            let c = Aes192Gcm::new_from_slice(key).map_err(|_| Unspecified)?;
            c.decrypt_in_place_detached(
                Nonce::from_slice(iv),
                aad,
                buf,
                aes_gcm::Tag::from_slice(tag),
            )
            .map_err(|_| Unspecified)
        }
    }
}
