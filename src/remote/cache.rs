//! The on-disk key cache: one file per URL under `<cache dir>/keys/`, how
//! long an entry stays fresh, which files may be trusted (owner and mode),
//! [`get_cached`], and the timing of key-miss refetches. Every "now" here is
//! [`RemoteOptions::clock`], so that the cache is dated by the same clock as
//! the rest of the run.
//!
//! [`RemoteOptions`] lives here rather than in `mod.rs` because the cache
//! reads most of it, and `mod.rs` builds on this file, not the reverse.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::http::{MAX_BODY, MAX_FRESHNESS, fetch};
use crate::model::error::{Error, Result};

/// Key-miss (kid or key type) refetches of one URL are at least this far
/// apart.
pub const KID_MISS_INTERVAL: u64 = 30;

/// How remote sources may be used in one call.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// Total time for one fetch.
    pub timeout: Duration,
    /// Neither read nor write the cache.
    pub no_cache: bool,
    /// Never fetch; use the cache only.
    pub offline: bool,
    /// Cache folder; `None` disables caching.
    pub cache_dir: Option<PathBuf>,
    /// The wall clock, in Unix seconds, that cache entries are dated and
    /// judged by: the caller's, so that one clock serves a whole run.
    pub clock: fn() -> i64,
}

impl RemoteOptions {
    /// Options with a total fetch time of `timeout_secs` seconds (at least
    /// 1), the cache in [`default_cache_dir`], and `clock` for dating it.
    pub fn new(
        timeout_secs: u64,
        no_cache: bool,
        offline: bool,
        clock: fn() -> i64,
    ) -> RemoteOptions {
        RemoteOptions {
            timeout: Duration::from_secs(timeout_secs.max(1)),
            no_cache,
            offline,
            cache_dir: default_cache_dir(),
            clock,
        }
    }
}

/// `$XDG_CACHE_HOME/jose`, else `$HOME/.cache/jose`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join("jose"))
}

/// The options' clock as the cache's unsigned seconds (0 before 1970).
fn now_secs(opts: &RemoteOptions) -> u64 {
    u64::try_from((opts.clock)()).unwrap_or(0)
}

/// One cache file per URL: the body, when it was fetched, until when it is
/// fresh, and when a key-miss refetch last happened.
#[derive(Debug, Clone)]
struct CacheEntry {
    body: Vec<u8>,
    fetched_at: u64,
    fresh_until: u64,
    kid_refetch_at: Option<u64>,
}

impl CacheEntry {
    /// Fresh between its fetch and the earlier of its own `fresh_until` and
    /// 24 h after the fetch; a fetch time in the future (a planted entry, or
    /// a clock set back) makes it stale, so no entry can claim more than
    /// 24 h of freshness from now.
    fn is_fresh(&self, now: u64) -> bool {
        let until = self
            .fresh_until
            .min(self.fetched_at.saturating_add(MAX_FRESHNESS));
        self.fetched_at <= now && now < until
    }

    /// Whether a key-miss refetch happened less than 30 s ago (a time in the
    /// future does not count: it cannot hold refetches off for longer).
    fn refetched_recently(&self, now: u64) -> bool {
        self.kid_refetch_at
            .is_some_and(|t| t <= now && now < t + KID_MISS_INTERVAL)
    }
}

/// A cache file as stored. The fields are in the order the files have
/// always had (jose wrote them from a JSON map in this order before this
/// struct existed), so that old and new files are byte for byte alike.
#[derive(Serialize, Deserialize)]
struct CacheFile<'a> {
    /// Compared on read, so that a file copied or renamed under another
    /// URL's name does not serve that URL.
    url: Cow<'a, str>,
    fetched_at: u64,
    fresh_until: u64,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "u64_or_none"
    )]
    kid_refetch_at: Option<u64>,
    /// Text only: a body that is not UTF-8 cannot be a key set, and is not
    /// cached.
    body: Cow<'a, str>,
}

impl<'a> CacheFile<'a> {
    fn of(url: &'a str, body: &'a str, e: &CacheEntry) -> CacheFile<'a> {
        CacheFile {
            url: Cow::Borrowed(url),
            fetched_at: e.fetched_at,
            fresh_until: e.fresh_until,
            kid_refetch_at: e.kid_refetch_at,
            body: Cow::Borrowed(body),
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a struct of strings and integers serialises")
    }
}

/// A refetch time that is not a whole number of seconds only loses the
/// 30 s hold-off, not the entry.
fn u64_or_none<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    Ok(Value::deserialize(d)?.as_u64())
}

/// A cache lookup: nothing, an entry jose may use, or a file it must not
/// trust, with the reason.
enum Cached {
    Missing,
    Entry(CacheEntry),
    Untrusted(String),
}

fn cache_path(dir: &Path, url: &str) -> PathBuf {
    let h = crate::codec::b64::encode(crate::crypto::sha256(url.as_bytes()));
    dir.join("keys").join(format!("{h}.json"))
}

/// Why a cache file must not be trusted: another owner, or a mode that lets
/// group or others write it (whoever could write it could plant keys).
#[cfg(unix)]
fn untrusted(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Some(format!("owned by another user (uid {})", meta.uid()));
    }
    if meta.mode() & 0o022 != 0 {
        return Some(format!(
            "writable by group or others (mode {:o})",
            meta.mode() & 0o7777
        ));
    }
    None
}

#[cfg(not(unix))]
fn untrusted(_meta: &std::fs::Metadata) -> Option<String> {
    None
}

fn cache_read(opts: &RemoteOptions, url: &str) -> Cached {
    if opts.no_cache {
        return Cached::Missing;
    }
    let Some(dir) = opts.cache_dir.as_deref() else {
        return Cached::Missing;
    };
    let path = cache_path(dir, url);
    let Ok(link) = std::fs::symlink_metadata(&path) else {
        return Cached::Missing;
    };
    if !link.is_file() {
        return Cached::Untrusted(format!("{} is not a regular file", path.display()));
    }
    let Ok(file) = std::fs::File::open(&path) else {
        return Cached::Missing;
    };
    // The checks are made on the file that was opened, not on the name.
    let Ok(meta) = file.metadata() else {
        return Cached::Missing;
    };
    if let Some(why) = untrusted(&meta) {
        return Cached::Untrusted(format!("{} is {why}", path.display()));
    }
    let mut data = Vec::new();
    if file
        .take(4 * MAX_BODY as u64 + 1)
        .read_to_end(&mut data)
        .is_err()
        || data.len() > 4 * MAX_BODY
    {
        return Cached::Missing;
    }
    // A corrupt or foreign cache file is ignored, never fatal.
    match serde_json::from_slice::<CacheFile>(&data) {
        Ok(f) if f.url == url => Cached::Entry(CacheEntry {
            body: f.body.into_owned().into_bytes(),
            fetched_at: f.fetched_at,
            fresh_until: f.fresh_until,
            kid_refetch_at: f.kid_refetch_at,
        }),
        _ => Cached::Missing,
    }
}

/// Create the cache folders 0700 and narrow ones an older jose left wider.
#[cfg(unix)]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let me = rustix::process::geteuid().as_raw();
    for d in [dir.parent(), Some(dir)].into_iter().flatten() {
        let meta = std::fs::symlink_metadata(d)?;
        if meta.is_dir() && meta.uid() == me && meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Write `data` to `path` whole or not at all: a 0600 temporary file in the
/// same folder, renamed over `path`. No fsync: a cache file torn by a crash
/// does not parse and is fetched again.
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(name);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let result = o
        .open(&tmp)
        .and_then(|mut f| f.write_all(data))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn cache_write(opts: &RemoteOptions, url: &str, e: &CacheEntry) {
    if opts.no_cache {
        return;
    }
    let Some(dir) = opts.cache_dir.as_deref() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(&e.body) else {
        return;
    };
    let path = cache_path(dir, url);
    let text = CacheFile::of(url, body, e).to_json();
    // The cache is an optimisation: failing to write it must not fail the call.
    if let Some(parent) = path.parent()
        && private_dir(parent).is_ok()
    {
        let _ = write_private(&path, text.as_bytes());
    }
}

/// Where a body came from, for the caller's key-miss decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Fetched during this call.
    Network,
    /// Served from a fresh cache entry.
    Cache,
    /// Served from a stale cache entry because of `--offline`.
    StaleCache,
}

/// Get a URL's body through the cache. An entry that must not be trusted
/// is fetched anew, and with `--offline` it is an error naming why.
pub fn get_cached(url: &str, opts: &RemoteOptions) -> Result<(Vec<u8>, Origin)> {
    let now = now_secs(opts);
    let cached = match cache_read(opts, url) {
        Cached::Entry(e) => Some(e),
        Cached::Missing => None,
        Cached::Untrusted(why) if opts.offline => {
            return Err(Error::remote(format!(
                "{url}: the cached copy is not used ({why}) and --offline forbids fetching it"
            )));
        }
        Cached::Untrusted(_) => None,
    };
    if let Some(e) = &cached
        && e.is_fresh(now)
    {
        return Ok((e.body.clone(), Origin::Cache));
    }
    if opts.offline {
        return match cached {
            Some(e) => Ok((e.body, Origin::StaleCache)),
            None => Err(Error::remote(format!(
                "{url}: not in the key cache and --offline forbids fetching it"
            ))),
        };
    }
    let f = fetch(url, opts.timeout)?;
    if f.fresh_for > 0 {
        cache_write(
            opts,
            url,
            &CacheEntry {
                body: f.body.clone(),
                fetched_at: now,
                fresh_until: now + f.fresh_for,
                kid_refetch_at: cached.and_then(|c| c.kid_refetch_at),
            },
        );
    }
    Ok((f.body, Origin::Network))
}

/// After a key miss on the keys `url` gave (from `origin`): fetch it again
/// and hand the body to `parse`, unless it was fetched during this call,
/// `--offline` is set, or such a refetch of this URL happened less than
/// [`KID_MISS_INTERVAL`] ago. A body `parse` accepts is cached with the
/// refetch's time, which holds the next one off; a refused body is not
/// cached, so the old entry stays. `Ok(Err(why))` when no refetch was made.
pub(super) fn refetch_after_miss<T>(
    url: &str,
    origin: Origin,
    opts: &RemoteOptions,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<std::result::Result<T, String>> {
    if origin == Origin::Network {
        return Ok(Err(format!("{url} was fetched for this run")));
    }
    if opts.offline {
        return Ok(Err(format!("offline: {url} not fetched again")));
    }
    let now = now_secs(opts);
    if let Cached::Entry(c) = cache_read(opts, url)
        && c.refetched_recently(now)
    {
        let ago = now - c.kid_refetch_at.unwrap_or(now);
        return Ok(Err(format!(
            "{url} was fetched again {ago} s ago for another missing key; \
             refetches are at least {KID_MISS_INTERVAL} s apart"
        )));
    }
    let f = fetch(url, opts.timeout)?;
    let parsed = parse(&f.body)?;
    cache_write(
        opts,
        url,
        &CacheEntry {
            body: f.body,
            fetched_at: now,
            fresh_until: now + f.fresh_for,
            kid_refetch_at: Some(now),
        },
    );
    Ok(Ok(parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_claims_at_most_24_hours_from_its_fetch() {
        let e = |fetched_at, fresh_until| CacheEntry {
            body: Vec::new(),
            fetched_at,
            fresh_until,
            kid_refetch_at: None,
        };
        let now = 1_000_000_000;
        assert!(e(now - 10, now + 10).is_fresh(now));
        assert!(!e(now - 10, now).is_fresh(now));
        assert!(e(now - MAX_FRESHNESS + 1, u64::MAX).is_fresh(now));
        assert!(!e(now - MAX_FRESHNESS, u64::MAX).is_fresh(now));
        assert!(!e(now + 1, u64::MAX).is_fresh(now));
    }

    /// The bytes the hand-built map wrote before [`CacheFile`]: a cache
    /// filled by an older jose keeps serving, and the reverse.
    fn old_format(url: &str, e: &CacheEntry, body: &str) -> String {
        let mut o = serde_json::Map::new();
        o.insert("url".into(), url.into());
        o.insert("fetched_at".into(), e.fetched_at.into());
        o.insert("fresh_until".into(), e.fresh_until.into());
        if let Some(t) = e.kid_refetch_at {
            o.insert("kid_refetch_at".into(), t.into());
        }
        o.insert("body".into(), body.into());
        Value::Object(o).to_string()
    }

    #[test]
    fn cache_files_keep_their_format() {
        let body = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"\u{e9}\\n\t\"}]}";
        let url = "https://example.com/jwks?a=\"b\"";
        for kid_refetch_at in [None, Some(1_700_000_030)] {
            let e = CacheEntry {
                body: body.as_bytes().to_vec(),
                fetched_at: 1_700_000_000,
                fresh_until: 1_700_003_600,
                kid_refetch_at,
            };
            let text = CacheFile::of(url, body, &e).to_json();
            assert_eq!(text, old_format(url, &e, body));
            let back: CacheFile = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back.url, url);
            assert_eq!(back.body, body);
            assert_eq!(back.fetched_at, e.fetched_at);
            assert_eq!(back.fresh_until, e.fresh_until);
            assert_eq!(back.kid_refetch_at, kid_refetch_at);
        }
    }

    #[test]
    fn a_bad_refetch_time_keeps_the_entry() {
        let text =
            r#"{"url":"u","fetched_at":1,"fresh_until":2,"kid_refetch_at":"soon","body":"b"}"#;
        let f: CacheFile = serde_json::from_str(text).expect("the entry still reads");
        assert_eq!(f.kid_refetch_at, None);
        let missing = r#"{"url":"u","fetched_at":1,"body":"b"}"#;
        assert!(serde_json::from_str::<CacheFile>(missing).is_err());
    }
}
