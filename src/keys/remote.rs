//! Remote key sets: a JWKS or a Google key-id → certificate map fetched over
//! HTTPS (plain http only for loopback hosts), and OpenID Connect discovery,
//! with a per-URL cache that honours `Cache-Control`.
//!
//! Every failure here is [`Error::Remote`] (exit 3), naming the URL, the HTTP
//! status or network error, and how long it waited; a URL refused before
//! anything is sent (plain http to another host) is a usage error (exit 2).

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use url::Url;

use super::Key;
use crate::error::{Error, Result};

/// Largest body accepted from a remote source.
pub const MAX_BODY: usize = 1 << 20;
/// Redirects followed, all on the same host.
pub const MAX_REDIRECTS: usize = 3;
/// Longest a fetched key set stays fresh, whatever `max-age` says.
pub const MAX_FRESHNESS: u64 = 24 * 3600;
/// Freshness when the response has no `Cache-Control`.
pub const DEFAULT_FRESHNESS: u64 = 5 * 60;
/// Kid-miss refetches of one URL are at least this far apart.
pub const KID_MISS_INTERVAL: u64 = 30;
/// Connect timeout (or the total timeout, when smaller).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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
}

impl RemoteOptions {
    pub fn new(timeout_secs: u64, no_cache: bool, offline: bool) -> RemoteOptions {
        RemoteOptions {
            timeout: Duration::from_secs(timeout_secs.max(1)),
            no_cache,
            offline,
            cache_dir: default_cache_dir(),
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

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Parse and vet a URL before anything is sent: https anywhere, http only to
/// loopback hosts.
pub fn check_url(s: &str) -> Result<Url> {
    let u = Url::parse(s).map_err(|e| Error::usage(format!("{s}: not a valid URL ({e})")))?;
    match u.scheme() {
        "https" => {}
        "http" if is_loopback(&u) => {}
        "http" => {
            return Err(Error::usage(format!(
                "{s}: plain http is only allowed to loopback hosts; use https (nothing was sent)"
            )));
        }
        other => {
            return Err(Error::usage(format!(
                "{s}: unsupported URL scheme {other:?} (use https)"
            )));
        }
    }
    if u.host().is_none() {
        return Err(Error::usage(format!("{s}: URL without a host")));
    }
    Ok(u)
}

/// How long a response may be reused, from its `Cache-Control` header.
pub fn freshness(cache_control: Option<&str>) -> u64 {
    let Some(cc) = cache_control else {
        return DEFAULT_FRESHNESS;
    };
    let mut max_age = None;
    for d in cc.split(',').map(str::trim) {
        let lower = d.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return 0;
        }
        if let Some(v) = lower.strip_prefix("max-age=") {
            max_age = v.trim_matches('"').parse::<u64>().ok().or(Some(0));
        }
    }
    max_age.map_or(DEFAULT_FRESHNESS, |m| m.min(MAX_FRESHNESS))
}

/// A fetched body with its freshness.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Vec<u8>,
    pub fresh_for: u64,
}

fn remote_err(url: &str, started: Instant, what: impl std::fmt::Display) -> Error {
    Error::remote(format!(
        "{url}: {what} (after {:.1} s)",
        started.elapsed().as_secs_f64()
    ))
}

/// GET `url` with the contract's limits: connect and total timeouts, a body
/// cap, at most three redirects on the same host and never to plain http
/// (unless loopback), a `User-Agent` naming this tool.
pub fn fetch(url: &str, timeout: Duration) -> Result<Fetched> {
    let mut current = check_url(url)?;
    let origin_host = current.host_str().map(str::to_owned);
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .redirects(0)
        .user_agent(concat!("jose/", env!("CARGO_PKG_VERSION")))
        .build();
    let started = Instant::now();
    for _ in 0..=MAX_REDIRECTS {
        let remaining = timeout.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return Err(remote_err(url, started, "timed out"));
        }
        let resp = agent
            .get(current.as_str())
            .timeout(remaining)
            .set("Accept", "application/json")
            .call();
        let resp = match resp {
            Ok(r) => r,
            Err(ureq::Error::Status(code, r)) if !(300..400).contains(&code) => {
                return Err(remote_err(
                    url,
                    started,
                    format!("HTTP {code} {}", r.status_text()),
                ));
            }
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                return Err(remote_err(url, started, format!("network error: {t}")));
            }
        };
        let status = resp.status();
        if (300..400).contains(&status) {
            let loc = resp.header("Location").ok_or_else(|| {
                remote_err(url, started, format!("HTTP {status} without a Location"))
            })?;
            let next = current
                .join(loc)
                .map_err(|e| remote_err(url, started, format!("bad redirect {loc:?}: {e}")))?;
            let same_host = next.host_str().map(str::to_owned) == origin_host;
            let secure =
                next.scheme() == "https" || (next.scheme() == "http" && is_loopback(&next));
            if !same_host || !secure || (current.scheme() == "https" && next.scheme() != "https") {
                return Err(remote_err(
                    url,
                    started,
                    format!("refused redirect to {next} (only to the same host over https)"),
                ));
            }
            current = next;
            continue;
        }
        let fresh_for = freshness(resp.header("Cache-Control"));
        let mut body = Vec::new();
        resp.into_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                remote_err(url, started, format!("network error reading the body: {e}"))
            })?;
        if body.len() > MAX_BODY {
            return Err(remote_err(
                url,
                started,
                format!("response body larger than {MAX_BODY} bytes"),
            ));
        }
        return Ok(Fetched { body, fresh_for });
    }
    Err(remote_err(
        url,
        started,
        format!("more than {MAX_REDIRECTS} redirects"),
    ))
}

/// One cache file per URL: the body, when it was fetched, until when it is
/// fresh, and when a kid miss last caused a refetch.
#[derive(Debug, Clone)]
struct CacheEntry {
    body: Vec<u8>,
    fetched_at: u64,
    fresh_until: u64,
    kid_refetch_at: Option<u64>,
}

fn cache_path(dir: &Path, url: &str) -> PathBuf {
    let h = crate::jose::b64::encode(crate::crypto::sha256(url.as_bytes()));
    dir.join("keys").join(format!("{h}.json"))
}

fn cache_read(opts: &RemoteOptions, url: &str) -> Option<CacheEntry> {
    if opts.no_cache {
        return None;
    }
    let path = cache_path(opts.cache_dir.as_deref()?, url);
    let data = crate::io::input::read_file_limited(&path, 4 * MAX_BODY).ok()??;
    // A corrupt or foreign cache file is ignored, never fatal.
    let v: Value = serde_json::from_slice(&data).ok()?;
    if v.get("url")?.as_str()? != url {
        return None;
    }
    Some(CacheEntry {
        body: v.get("body")?.as_str()?.as_bytes().to_vec(),
        fetched_at: v.get("fetched_at")?.as_u64()?,
        fresh_until: v.get("fresh_until")?.as_u64()?,
        kid_refetch_at: v.get("kid_refetch_at").and_then(Value::as_u64),
    })
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
    let mut o = Map::new();
    o.insert("url".into(), url.into());
    o.insert("fetched_at".into(), e.fetched_at.into());
    o.insert("fresh_until".into(), e.fresh_until.into());
    if let Some(t) = e.kid_refetch_at {
        o.insert("kid_refetch_at".into(), t.into());
    }
    o.insert("body".into(), body.into());
    let text = Value::Object(o).to_string();
    // The cache is an optimisation: failing to write it must not fail the call.
    if let Some(parent) = path.parent()
        && std::fs::create_dir_all(parent).is_ok()
    {
        let _ = crate::io::write_file(&path, text.as_bytes(), false, true);
    }
}

/// Where a body came from, for the caller's kid-miss decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Fetched during this call.
    Network,
    /// Served from a fresh cache entry.
    Cache,
    /// Served from a stale cache entry because of `--offline`.
    StaleCache,
}

/// Get a URL's body through the cache.
pub fn get_cached(url: &str, opts: &RemoteOptions) -> Result<(Vec<u8>, Origin)> {
    let now = now_secs();
    let cached = cache_read(opts, url);
    if let Some(e) = &cached
        && now < e.fresh_until
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

/// Parse a remote body as a JWKS or a certificate map.
pub fn parse_key_body(url: &str, body: &[u8]) -> Result<Vec<Key>> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Error::remote(format!("{url}: the response is not JSON ({e})")))?;
    super::source::parse_json(&v).map_err(|e| Error::remote(format!("{url}: {e}")))
}

/// A remote key set as loaded for one call.
#[derive(Debug, Clone)]
pub struct RemoteKeys {
    pub url: String,
    pub keys: Vec<Key>,
    pub origin: Origin,
}

/// Load the keys behind `url` (cache first).
pub fn load_keys(url: &str, opts: &RemoteOptions) -> Result<RemoteKeys> {
    let (body, origin) = get_cached(url, opts)?;
    let keys = match parse_key_body(url, &body) {
        Ok(k) => k,
        // A cached body that no longer parses is dropped and fetched anew.
        Err(_) if origin != Origin::Network && !opts.offline => {
            let f = fetch(url, opts.timeout)?;
            return Ok(RemoteKeys {
                url: url.to_owned(),
                keys: parse_key_body(url, &f.body)?,
                origin: Origin::Network,
            });
        }
        Err(e) => return Err(e),
    };
    Ok(RemoteKeys {
        url: url.to_owned(),
        keys,
        origin,
    })
}

/// After a token's `kid` matched none of `current`'s keys: fetch the URL
/// again, unless it was fetched during this call, `--offline` is set, or a
/// kid-miss refetch of this URL happened less than 30 s ago. `Ok(None)` when
/// no refetch was made.
pub fn refetch_on_kid_miss(
    current: &RemoteKeys,
    opts: &RemoteOptions,
) -> Result<Option<RemoteKeys>> {
    if current.origin == Origin::Network || opts.offline {
        return Ok(None);
    }
    let now = now_secs();
    let cached = cache_read(opts, &current.url);
    if let Some(t) = cached.as_ref().and_then(|c| c.kid_refetch_at)
        && now < t + KID_MISS_INTERVAL
    {
        return Ok(None);
    }
    let f = fetch(&current.url, opts.timeout)?;
    let keys = parse_key_body(&current.url, &f.body)?;
    cache_write(
        opts,
        &current.url,
        &CacheEntry {
            body: f.body,
            fetched_at: now,
            fresh_until: now + f.fresh_for,
            kid_refetch_at: Some(now),
        },
    );
    Ok(Some(RemoteKeys {
        url: current.url.clone(),
        keys,
        origin: Origin::Network,
    }))
}

/// OpenID Connect discovery: fetch `ISSUER/.well-known/openid-configuration`,
/// require its `issuer` to equal ISSUER exactly, and return its `jwks_uri`.
pub fn discover_jwks_uri(issuer: &str, opts: &RemoteOptions) -> Result<String> {
    check_url(issuer)?;
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let (body, _) = get_cached(&url, opts)?;
    let doc: Value = serde_json::from_slice(&body)
        .map_err(|e| Error::remote(format!("{url}: the discovery document is not JSON ({e})")))?;
    let found = doc
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::remote(format!("{url}: the discovery document has no \"issuer\"")))?;
    if found != issuer {
        return Err(Error::remote(format!(
            "{url}: the discovery document's issuer is {found:?}, expected {issuer:?} (OIDC Discovery §4.3)"
        )));
    }
    let jwks = doc.get("jwks_uri").and_then(Value::as_str).ok_or_else(|| {
        Error::remote(format!("{url}: the discovery document has no \"jwks_uri\""))
    })?;
    check_url(jwks).map_err(|e| Error::remote(format!("{url}: jwks_uri {jwks:?} refused: {e}")))?;
    Ok(jwks.to_owned())
}

/// The keys of one `verify` call: local keys plus remote key sets, with the
/// kid-miss refetch of the contract.
pub struct RemoteProvider {
    local: Vec<Key>,
    opts: RemoteOptions,
    state: std::sync::Mutex<(Vec<RemoteKeys>, std::sync::Arc<super::KeySet>)>,
}

fn combine(local: &[Key], remote: &[RemoteKeys]) -> std::sync::Arc<super::KeySet> {
    let mut keys = local.to_vec();
    for r in remote {
        keys.extend(r.keys.iter().cloned());
    }
    std::sync::Arc::new(super::KeySet::new(keys))
}

impl RemoteProvider {
    /// Load every URL now (cache first): a source that cannot be used fails
    /// the call with exit 3 before any token is looked at.
    pub fn load(local: Vec<Key>, urls: &[String], opts: RemoteOptions) -> Result<RemoteProvider> {
        let remote = urls
            .iter()
            .map(|u| load_keys(u, &opts))
            .collect::<Result<Vec<_>>>()?;
        let set = combine(&local, &remote);
        Ok(RemoteProvider {
            local,
            opts,
            state: std::sync::Mutex::new((remote, set)),
        })
    }

    /// Whether any loaded source was served stale because of `--offline`.
    pub fn stale_sources(&self) -> Vec<String> {
        match self.state.lock() {
            Ok(s) => {
                s.0.iter()
                    .filter(|r| r.origin == Origin::StaleCache)
                    .map(|r| r.url.clone())
                    .collect()
            }
            Err(_) => Vec::new(),
        }
    }
}

impl crate::jose::verify::KeyProvider for RemoteProvider {
    fn keys(&self) -> Result<std::sync::Arc<super::KeySet>> {
        let s = self
            .state
            .lock()
            .map_err(|_| Error::remote("key cache state is unusable"))?;
        Ok(s.1.clone())
    }

    fn refresh_for_kid(&self, kid: &str) -> Result<Option<std::sync::Arc<super::KeySet>>> {
        let mut s = self
            .state
            .lock()
            .map_err(|_| Error::remote("key cache state is unusable"))?;
        let mut changed = false;
        for r in s.0.iter_mut() {
            if r.keys.iter().any(|k| k.kid.as_deref() == Some(kid)) {
                continue;
            }
            if let Some(fresh) = refetch_on_kid_miss(r, &self.opts)? {
                *r = fresh;
                changed = true;
            }
        }
        if !changed {
            return Ok(None);
        }
        let set = combine(&self.local, &s.0);
        s.1 = set.clone();
        Ok(Some(set))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control() {
        assert_eq!(freshness(None), DEFAULT_FRESHNESS);
        assert_eq!(
            freshness(Some("public, max-age=19845, must-revalidate")),
            19845
        );
        assert_eq!(freshness(Some("max-age=999999")), MAX_FRESHNESS);
        assert_eq!(freshness(Some("no-store")), 0);
        assert_eq!(freshness(Some("max-age=0")), 0);
        assert_eq!(freshness(Some("public")), DEFAULT_FRESHNESS);
    }

    #[test]
    fn url_rules() {
        assert!(check_url("https://example.com/jwks").is_ok());
        assert!(check_url("http://127.0.0.1:8080/jwks").is_ok());
        assert!(check_url("http://localhost/jwks").is_ok());
        assert!(check_url("http://[::1]/jwks").is_ok());
        assert!(matches!(
            check_url("http://example.com/jwks"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            check_url("ftp://example.com/x"),
            Err(Error::Usage(_))
        ));
    }
}
