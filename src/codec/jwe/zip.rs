//! `zip: DEF` (RFC 7516 §4.1.3, RFC 1951 raw DEFLATE). Inflation stops at the
//! size bound: memory never exceeds the bound, whatever the ratio.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::model::error::{RejectCode, Rejection};

/// Raw DEFLATE (RFC 1951) of `data` at the default level, for `zip: DEF`.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(
        Vec::with_capacity(data.len() / 2 + 64),
        Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Inflate at most `max` bytes; more is `too_large`, invalid data `malformed`.
pub fn inflate(data: &[u8], max: usize) -> Result<Vec<u8>, Rejection> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(2).min(max).min(1 << 24));
    let mut d = DeflateDecoder::new(data).take(max as u64 + 1);
    d.read_to_end(&mut out)
        .map_err(|_| Rejection::malformed("the decrypted plaintext is not valid DEFLATE data"))?;
    if out.len() > max {
        return Err(Rejection::new(
            RejectCode::TooLarge,
            format!("the decompressed plaintext exceeds the limit of {max} bytes (--max-size)"),
        ));
    }
    Ok(out)
}
