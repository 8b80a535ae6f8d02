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

// The SIMD codec does the bulk work (a 16 MiB JWE is 21 MiB of base64url);
// it is exactly as strict as `STRICT`: no padding, URL alphabet only, and
// non-zero trailing bits refused (its non-"forgiving" mode).
const FAST: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

// Which engine decodes depends on the input's length alone, never on
// what the process did before, so a token is judged the same way every
// time. The SIMD codec's first call runs CPU feature detection (a dozen
// CPUID instructions, each a trap to the hypervisor on a VM: about 60 µs,
// 5 % of a one-token process), which pays off only for bulk input: a large
// JWE (a 16 MiB payload is 21 MiB of base64url). benches/README.md has the
// figures.
const SIMD_FROM: usize = 64 * 1024;

/// Whether input of this length is bulk: worth the SIMD code paths (this
/// codec's, and the dispatching `memchr` of the token scanners), whose
/// one-time CPU detection only bulk input repays.
pub(crate) fn simd(len: usize) -> bool {
    len >= SIMD_FROM
}

/// Encode as base64url without padding (RFC 7515 §2).
pub fn encode(data: impl AsRef<[u8]>) -> String {
    let data = data.as_ref();
    if simd(data.len()) {
        FAST.encode_to_string(data)
    } else {
        STRICT.encode(data)
    }
}

/// [`encode`], appended to `out` instead of a new string.
pub fn encode_into(data: &[u8], out: &mut String) {
    if simd(data.len()) {
        FAST.encode_append(data, out)
    } else {
        STRICT.encode_string(data, out)
    }
}

/// Decode strict base64url; `None` on any deviation.
pub fn decode(s: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    let s = s.as_ref();
    if simd(s.len()) {
        FAST.decode_to_vec(s).ok()
    } else {
        STRICT.decode(s).ok()
    }
}

/// Decode strict base64url in place; the decoded bytes are the first
/// returned-count bytes of `buf`. Saves a copy of large ciphertexts.
pub fn decode_in_place(buf: &mut [u8]) -> Option<usize> {
    if simd(buf.len()) {
        FAST.decode_inplace(buf).ok().map(|d| d.len())
    } else {
        let decoded = STRICT.decode(&*buf).ok()?;
        buf[..decoded.len()].copy_from_slice(&decoded);
        Some(decoded.len())
    }
}

/// Decode whole 4-character groups of strict base64url (`src.len()` a
/// multiple of 4) into the start of `dst`, which must hold `src.len() / 4 * 3`
/// bytes; `None` when a byte is outside the alphabet. A group has no spare
/// bits, so decoding a long text group by group, its last partial group by
/// [`decode`], judges it exactly as decoding it whole. The SIMD codec always:
/// only a stream of bulk input comes here.
pub fn decode_groups_into(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    debug_assert_eq!(src.len() % 4, 0);
    let n = src.len() / 4 * 3;
    let out = dst.get_mut(..n)?;
    FAST.decode(src, base64_simd::Out::from_slice(out))
        .ok()
        .map(|d| d.len())
}

/// Standard base64 with padding, as `x5c` uses (RFC 7517 §4.7).
pub fn decode_std(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// Standard base64 with padding, as `x5c` uses (RFC 7517 §4.7).
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
        let around = (SIMD_FROM * 3 / 4 - 8)..(SIMD_FROM * 3 / 4 + 8);
        for len in (0..300).chain([1000, 4097, 65_536 + 3]).chain(around) {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            let reference = STRICT.encode(&data);
            assert_eq!(FAST.encode_to_string(&data), reference);
            assert_eq!(FAST.decode_to_vec(&reference).ok(), Some(data.clone()));
            let mut simd_inplace = reference.clone().into_bytes();
            let n = FAST.decode_inplace(&mut simd_inplace).map(|d| d.len());
            assert_eq!(
                n.ok().map(|n| simd_inplace[..n].to_vec()),
                Some(data.clone())
            );
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
                    assert!(FAST.decode_to_vec(&bad).is_err(), "len {len} byte {c}");
                    assert_eq!(STRICT.decode(&bad).ok(), None);
                }
                let last = reference.len() - 1;
                let mut tweak = reference.clone().into_bytes();
                tweak[last] = if tweak[last] == b'A' { b'B' } else { b'A' };
                assert_eq!(
                    FAST.decode_to_vec(&tweak).ok(),
                    STRICT.decode(&tweak).ok(),
                    "len {len} trailing bits (SIMD)"
                );
                assert_eq!(
                    decode(&tweak),
                    STRICT.decode(&tweak).ok(),
                    "len {len} trailing bits"
                );
            }
        }
    }
}
