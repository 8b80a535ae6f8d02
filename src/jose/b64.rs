//! Strict base64url without padding (RFC 7515 §2, Appendix C): no `=`, no
//! characters outside the URL-safe alphabet, no non-canonical trailing bits.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const STRICT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

pub fn encode(data: impl AsRef<[u8]>) -> String {
    STRICT.encode(data)
}

pub fn encode_into(data: &[u8], out: &mut String) {
    STRICT.encode_string(data, out)
}

/// Decode strict base64url; `None` on any deviation.
pub fn decode(s: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    STRICT.decode(s).ok()
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
}
