//! Strict base64url without padding (RFC 7515 §2, Appendix C): no `=`, no
//! characters outside the URL-safe alphabet, no non-canonical trailing bits.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

#[cfg_attr(not(test), allow(dead_code))]
const STRICT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

// The SIMD codec does the bulk work (a 16 MiB JWE is 21 MiB of base64url);
// it is exactly as strict as `STRICT`: no padding, URL alphabet only, and
// non-zero trailing bits refused (its non-"forgiving" mode). The `base64`
// engine stays as the reference the tests compare against.
const FAST: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

pub fn encode(data: impl AsRef<[u8]>) -> String {
    FAST.encode_to_string(data)
}

pub fn encode_into(data: &[u8], out: &mut String) {
    FAST.encode_append(data, out)
}

/// Decode strict base64url; `None` on any deviation.
pub fn decode(s: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    FAST.decode_to_vec(s).ok()
}

/// Decode strict base64url in place; the decoded bytes are the first
/// returned-count bytes of `buf`. Saves a copy of large ciphertexts.
pub fn decode_in_place(buf: &mut [u8]) -> Option<usize> {
    FAST.decode_inplace(buf).ok().map(|d| d.len())
}

/// Standard base64 with padding, as `x5c` uses (RFC 7517 §4.7).
pub fn decode_std(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

pub fn encode_std(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict() {
        assert_eq!(encode(b"\x03\xec\xff"), "A-z_");
        assert_eq!(decode("A-z_"), Some(b"\x03\xec\xff".to_vec()));
        assert_eq!(decode("A-z_="), None);
        assert_eq!(decode("A+z/"), None);
        assert_eq!(decode("eyJ"), decode("eyI").and(None).or(decode("eyJ")));
        // "QR" has non-zero trailing bits where "QQ" is canonical for "A".
        assert_eq!(decode("QQ"), Some(b"A".to_vec()));
        assert_eq!(decode("QR"), None);
        assert_eq!(decode("Q"), None);
        assert_eq!(decode(""), Some(vec![]));
        assert_eq!(decode("QQ\n"), None);
    }

    /// The SIMD codec agrees with the reference engine on every length and
    /// on corrupted inputs, long enough to take the vector paths.
    #[test]
    fn fast_codec_matches_reference() {
        let mut x: u32 = 12345;
        for len in (0..300).chain([1000, 4097, 65_536 + 3]) {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            let reference = STRICT.encode(&data);
            assert_eq!(encode(&data), reference);
            let mut appended = String::from("x.");
            encode_into(&data, &mut appended);
            assert_eq!(appended, format!("x.{reference}"));
            assert_eq!(decode(&reference), Some(data.clone()));
            let mut inplace = reference.clone().into_bytes();
            let n = decode_in_place(&mut inplace).expect("in place");
            assert_eq!(&inplace[..n], &data[..]);
            if !reference.is_empty() {
                let mut bad = reference.clone().into_bytes();
                let i = (x as usize) % bad.len();
                for c in [b'=', b'+', b'/', b'.', b' ', 0xc3] {
                    bad[i] = c;
                    assert_eq!(decode(&bad), None, "len {len} byte {c}");
                    assert_eq!(STRICT.decode(&bad).ok(), None);
                }
                let last = reference.len() - 1;
                let mut tweak = reference.clone().into_bytes();
                tweak[last] = if tweak[last] == b'A' { b'B' } else { b'A' };
                assert_eq!(
                    decode(&tweak),
                    STRICT.decode(&tweak).ok(),
                    "len {len} trailing bits"
                );
            }
        }
    }
}
