//! The one wall clock. Every "now" of a run (claims, `iat`, certificate
//! validity, `inspect`'s ages) is read here, once per use, as Unix seconds,
//! so a run can be pinned with `--now` and tests never race the clock.

/// Seconds since the Unix epoch; 0 for a clock set before 1970.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
