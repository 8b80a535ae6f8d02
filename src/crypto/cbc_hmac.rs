//! AES_CBC_HMAC_SHA2 (RFC 7518 §5.2): the CEK is MAC_KEY || ENC_KEY, the tag
//! is the first half of HMAC(MAC_KEY, A || IV || E || AL). The MAC is checked
//! (in constant time) before anything is decrypted.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use ring::hmac;

use super::Unspecified;

/// The IV length in bytes: one AES block (RFC 7518 §5.2.2.1).
pub const IV_LEN: usize = 16;

fn hmac_alg(key_len: usize) -> Result<hmac::Algorithm, Unspecified> {
    match key_len {
        32 => Ok(hmac::HMAC_SHA256),
        48 => Ok(hmac::HMAC_SHA384),
        64 => Ok(hmac::HMAC_SHA512),
        _ => Err(Unspecified),
    }
}

fn tag(key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8]) -> Result<Vec<u8>, Unspecified> {
    let half = key.len() / 2;
    let mac_key = hmac::Key::new(hmac_alg(key.len())?, key.get(..half).ok_or(Unspecified)?);
    let mut ctx = hmac::Context::with_key(&mac_key);
    ctx.update(aad);
    ctx.update(iv);
    ctx.update(ct);
    let al = (aad.len() as u64).wrapping_mul(8).to_be_bytes();
    ctx.update(&al);
    let full = ctx.sign();
    Ok(full.as_ref().get(..half).ok_or(Unspecified)?.to_vec())
}

macro_rules! with_aes {
    ($len:expr, $a:ident => $body:expr) => {
        match $len {
            16 => {
                type $a = aes::Aes128;
                $body
            }
            24 => {
                type $a = aes::Aes192;
                $body
            }
            32 => {
                type $a = aes::Aes256;
                $body
            }
            _ => Err(Unspecified),
        }
    };
}

/// Encrypt `buf` (the plaintext) in place, growing it by the padding; returns the tag.
pub fn seal(key: &[u8], iv: &[u8], aad: &[u8], buf: &mut Vec<u8>) -> Result<Vec<u8>, Unspecified> {
    hmac_alg(key.len())?;
    if iv.len() != IV_LEN {
        return Err(Unspecified);
    }
    let half = key.len() / 2;
    let enc_key = key.get(half..).ok_or(Unspecified)?;
    let msg_len = buf.len();
    buf.resize(msg_len + 16 - msg_len % 16, 0);
    let ct_len = with_aes!(enc_key.len(), A => {
        let c = cbc::Encryptor::<A>::new_from_slices(enc_key, iv).map_err(|_| Unspecified)?;
        c.encrypt_padded_mut::<Pkcs7>(buf, msg_len).map(|ct| ct.len()).map_err(|_| Unspecified)
    })?;
    buf.truncate(ct_len);
    tag(key, aad, iv, buf)
}

/// Check the tag, then decrypt `buf` in place and strip the padding.
pub fn open(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut Vec<u8>,
    t: &[u8],
) -> Result<(), Unspecified> {
    if iv.len() != IV_LEN {
        return Err(Unspecified);
    }
    let want = tag(key, aad, iv, buf)?;
    if !super::ct_eq(&want, t) {
        return Err(Unspecified);
    }
    let half = key.len() / 2;
    let enc_key = key.get(half..).ok_or(Unspecified)?;
    let pt_len = with_aes!(enc_key.len(), A => {
        let c = cbc::Decryptor::<A>::new_from_slices(enc_key, iv).map_err(|_| Unspecified)?;
        c.decrypt_padded_mut::<Pkcs7>(buf).map(|p| p.len()).map_err(|_| Unspecified)
    })?;
    buf.truncate(pt_len);
    Ok(())
}
