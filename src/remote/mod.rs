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
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use url::Url;

use crate::model::error::{Error, Result};
use crate::model::key::Key;

/// Largest body accepted from a remote source.
pub const MAX_BODY: usize = 1 << 20;
/// Redirects followed, all on the same host.
pub const MAX_REDIRECTS: usize = 3;
/// Longest a fetched key set stays fresh, whatever `max-age` says.
pub const MAX_FRESHNESS: u64 = 24 * 3600;
/// Freshness when the response has no `Cache-Control`.
pub const DEFAULT_FRESHNESS: u64 = 5 * 60;
/// Key-miss (kid or key type) refetches of one URL are at least this far
/// apart.
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
    /// The response body, at most [`MAX_BODY`] bytes.
    pub body: Vec<u8>,
    /// Seconds the body may be reused, as [`freshness`] reads the response's
    /// `Cache-Control`; 0: not at all.
    pub fresh_for: u64,
}

fn remote_err(url: &str, started: Instant, what: impl std::fmt::Display) -> Error {
    Error::remote(format!(
        "{url}: {what} (after {:.1} s)",
        started.elapsed().as_secs_f64()
    ))
}

/// An environment variable as curl reads it: unset and empty are the same.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The first of `names` that is set, with its name.
fn env_first(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|n| env_value(n).map(|v| (*n, v)))
}

/// Whether `host` is exempt from proxying under a `NO_PROXY` list, by curl's
/// rules: `*` alone exempts every host; a name matches itself and its
/// subdomains (a leading dot is ignored: `example.com` and `.example.com`
/// both match `a.example.com`); an IP address matches an address or CIDR
/// range (`10.0.0.0/8`). Entries are separated by commas (blanks around
/// them are skipped; as in curl, a blank not followed by a comma ends the
/// list).
pub fn no_proxy_matches(host: &str, list: &str) -> bool {
    if list.trim() == "*" {
        return true;
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = host.parse::<IpAddr>().ok();
    let name = host.strip_suffix('.').unwrap_or(host);
    let blank = |c: char| c == ' ' || c == '\t';
    let mut rest = list;
    loop {
        rest = rest.trim_start_matches(blank);
        let end = rest
            .find(|c: char| blank(c) || c == ',')
            .unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        let matched = !token.is_empty()
            && match ip {
                Some(ip) => ip_matches(ip, token),
                None => name_matches(name, token),
            };
        if matched {
            return true;
        }
        rest = after.trim_start_matches(blank);
        match rest.strip_prefix(',') {
            Some(r) => rest = r.trim_start_matches(','),
            None => return false,
        }
    }
}

fn name_matches(name: &str, token: &str) -> bool {
    let t = token.strip_suffix('.').unwrap_or(token);
    let t = t.strip_prefix('.').unwrap_or(t);
    if t.is_empty() || t.len() > name.len() || !name.is_char_boundary(name.len() - t.len()) {
        return false;
    }
    let (head, tail) = name.split_at(name.len() - t.len());
    tail.eq_ignore_ascii_case(t) && (head.is_empty() || head.ends_with('.'))
}

/// `token` is an address or `address/bits`; a token of another family, or
/// one that is not an address, does not match.
fn ip_matches(ip: IpAddr, token: &str) -> bool {
    let token = token.trim_start_matches('[').trim_end_matches(']');
    let (addr, bits) = match token.split_once('/') {
        Some((a, b)) => (a, b.parse::<u32>().ok()),
        None => (token, None),
    };
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    match (ip, addr.parse::<IpAddr>()) {
        (IpAddr::V4(h), Ok(IpAddr::V4(n))) => prefix_eq(
            &h.octets(),
            &n.octets(),
            bits.filter(|b| *b > 0).unwrap_or(32),
        ),
        (IpAddr::V6(h), Ok(IpAddr::V6(n))) => prefix_eq(
            &h.octets(),
            &n.octets(),
            bits.filter(|b| *b > 0).unwrap_or(128),
        ),
        _ => false,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u32) -> bool {
    if bits as usize > a.len() * 8 {
        return false;
    }
    let whole = (bits / 8) as usize;
    let rest = bits % 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// The proxy for `u` from the environment, as curl picks it: none when
/// `no_proxy`/`NO_PROXY` exempts the host; else `https_proxy`/`HTTPS_PROXY`
/// for https and `http_proxy` for http (curl ignores an upper-case
/// `HTTP_PROXY`: a CGI program gets the request's `Proxy:` header under
/// that name), then `all_proxy`/`ALL_PROXY`. Returns the variable's name
/// with the proxy, for messages that must not show the proxy's password.
fn proxy_for(u: &Url) -> std::result::Result<Option<(&'static str, ureq::Proxy)>, String> {
    let host = u.host_str().unwrap_or_default();
    if let Some((_, list)) = env_first(&["no_proxy", "NO_PROXY"])
        && no_proxy_matches(host, &list)
    {
        return Ok(None);
    }
    let names: &[&'static str] = if u.scheme() == "https" {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    };
    let Some((name, value)) = env_first(names) else {
        return Ok(None);
    };
    let proxy = ureq::Proxy::new(value.trim()).map_err(|e| {
        format!(
            "{name} is not a usable proxy URL ({e}; expected http://, https://, socks4://, socks5:// or socks5h://HOST:PORT)"
        )
    })?;
    Ok(Some((name, proxy)))
}

/// PEM bundles of the common Unix systems, as Go's crypto/x509 looks for
/// them; the first that exists is the system's root store.
const SYSTEM_ROOT_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/etc/ssl/cert.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
    "/etc/openssl/certs/ca-certificates.crt",
];
/// Hashed-certificate folders (OpenSSL's `c_rehash` layout), used when no
/// bundle exists.
const SYSTEM_ROOT_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

type Cert = ureq::tls::Certificate<'static>;

fn pem_certs(data: &[u8], out: &mut Vec<Cert>) {
    for item in ureq::tls::parse_pem(data) {
        if let Ok(ureq::tls::PemItem::Certificate(c)) = item {
            out.push(c);
        }
    }
}

/// The certificates of an OpenSSL-style folder: files named `HHHHHHHH.D`.
fn dir_certs(dir: &Path, out: &mut Vec<Cert>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hashed = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.len() == 10
                && n.as_bytes()[8] == b'.'
                && n[..8].bytes().all(|b| b.is_ascii_hexdigit())
                && n.as_bytes()[9].is_ascii_digit()
        });
        if hashed && let Ok(data) = std::fs::read(&path) {
            pem_certs(&data, out);
        }
    }
    Ok(())
}

/// The roots HTTPS fetches trust: the system's store plus the PEM bundle
/// `SSL_CERT_FILE` and the hashed folders `SSL_CERT_DIR` (colon-separated)
/// name. Both variables add to the system store rather than replace it, so
/// that a corporate root can be added without losing the public ones. No
/// compiled-in roots: a list jose carried would not follow the system's
/// distrust of a root, and a host without a store is told to get one.
fn load_roots() -> std::result::Result<Vec<Cert>, String> {
    let mut roots = Vec::new();
    let system = SYSTEM_ROOT_FILES
        .iter()
        .map(Path::new)
        .find(|p| p.is_file());
    match system {
        Some(p) => {
            if let Ok(data) = std::fs::read(p) {
                pem_certs(&data, &mut roots);
            }
        }
        None => {
            if let Some(d) = SYSTEM_ROOT_DIRS.iter().map(Path::new).find(|p| p.is_dir()) {
                let _ = dir_certs(d, &mut roots);
            }
        }
    }
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()) {
        let file = PathBuf::from(file);
        let data = std::fs::read(&file)
            .map_err(|e| format!("SSL_CERT_FILE={}: cannot read it ({e})", file.display()))?;
        let before = roots.len();
        pem_certs(&data, &mut roots);
        if roots.len() == before {
            return Err(format!(
                "SSL_CERT_FILE={}: holds no PEM certificate",
                file.display()
            ));
        }
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR").filter(|v| !v.is_empty()) {
        for dir in std::env::split_paths(&dirs).filter(|d| !d.as_os_str().is_empty()) {
            dir_certs(&dir, &mut roots)
                .map_err(|e| format!("SSL_CERT_DIR: cannot read {} ({e})", dir.display()))?;
        }
    }
    roots.sort_unstable_by(|a, b| a.der().cmp(b.der()));
    roots.dedup_by(|a, b| a.der() == b.der());
    if roots.is_empty() {
        return Err(
            "no trusted root certificates: the system has no CA bundle (install ca-certificates) and SSL_CERT_FILE/SSL_CERT_DIR name none"
                .to_owned(),
        );
    }
    Ok(roots)
}

/// The trusted roots, read on the first HTTPS fetch of the process only: a
/// cached verify or a loopback http fetch never reads the store.
fn roots() -> std::result::Result<ureq::tls::RootCerts, String> {
    static ROOTS: OnceLock<std::result::Result<ureq::tls::RootCerts, String>> = OnceLock::new();
    ROOTS
        .get_or_init(|| load_roots().map(|certs| ureq::tls::RootCerts::Specific(Arc::new(certs))))
        .clone()
}

/// One request of [`fetch`]: its own agent, because the proxy depends on
/// the URL and the time left shrinks with each redirect.
fn agent_for(
    u: &Url,
    timeout: Duration,
    remaining: Duration,
    proxy: Option<ureq::Proxy>,
) -> std::result::Result<ureq::Agent, String> {
    let mut cfg = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
        .timeout_global(Some(remaining))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("jose/", env!("CARGO_PKG_VERSION")))
        .accept("application/json")
        .proxy(proxy.clone());
    // The roots matter when TLS is spoken: to the origin, or to an https proxy.
    let tls =
        u.scheme() == "https" || proxy.is_some_and(|p| p.protocol() == ureq::ProxyProtocol::Https);
    if tls {
        cfg = cfg.tls_config(ureq::tls::TlsConfig::builder().root_certs(roots()?).build());
    }
    Ok(cfg.build().new_agent())
}

/// GET `url` with the contract's limits: connect and total timeouts, a body
/// cap, at most three redirects on the same host and never to plain http
/// (unless loopback), a `User-Agent` naming this tool, through the proxy the
/// environment names.
pub fn fetch(url: &str, timeout: Duration) -> Result<Fetched> {
    let mut current = check_url(url)?;
    let origin_host = current.host_str().map(str::to_owned);
    let started = Instant::now();
    for _ in 0..=MAX_REDIRECTS {
        let remaining = timeout.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return Err(remote_err(url, started, "timed out"));
        }
        let proxy = proxy_for(&current).map_err(|e| remote_err(url, started, e))?;
        let via = proxy
            .as_ref()
            .map(|(name, _)| format!(" (through the proxy {name} names)"))
            .unwrap_or_default();
        let agent = agent_for(&current, timeout, remaining, proxy.map(|(_, p)| p))
            .map_err(|e| remote_err(url, started, e))?;
        let resp = agent.get(current.as_str()).call().map_err(|e| {
            // rustls's verdict on the server's certificate arrives wrapped
            // in an I/O error; its text is what tells it apart.
            let e = e.to_string();
            let hint = if e.contains("certificate") {
                "; trusted roots: the system's plus SSL_CERT_FILE/SSL_CERT_DIR"
            } else {
                ""
            };
            remote_err(url, started, format!("network error{via}: {e}{hint}"))
        })?;
        let status = resp.status();
        let code = status.as_u16();
        if status.is_redirection() {
            let loc = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    remote_err(url, started, format!("HTTP {code} without a Location"))
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
        if !status.is_success() {
            return Err(remote_err(
                url,
                started,
                format!("HTTP {code} {}", status.canonical_reason().unwrap_or("")),
            ));
        }
        let fresh_for = freshness(
            resp.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
        );
        let mut body = Vec::new();
        resp.into_body()
            .into_reader()
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
    let entry = || -> Option<CacheEntry> {
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
    };
    entry().map_or(Cached::Missing, Cached::Entry)
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

/// Parse a remote body as a JWKS or a certificate map.
pub fn parse_key_body(url: &str, body: &[u8]) -> Result<Vec<Key>> {
    let v = crate::codec::json::parse_value(body)
        .map_err(|e| Error::remote(format!("{url}: the response is not JSON ({e})")))?;
    crate::codec::key::detect::parse_json(&v).map_err(|e| Error::remote(format!("{url}: {e}")))
}

/// A remote key set as loaded for one call.
#[derive(Debug, Clone)]
pub struct RemoteKeys {
    /// The URL the keys were loaded from, as given.
    pub url: String,
    /// The keys the body holds.
    pub keys: Vec<Key>,
    /// Where the body came from: this call's fetch or the cache.
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

/// After a token missed `current`'s keys (an unknown `kid`, or an alg no
/// key of the set can verify): fetch the URL again, unless it was fetched
/// during this call, `--offline` is set, or such a refetch of this URL
/// happened less than 30 s ago. `Ok(None)` when no refetch was made.
pub fn refetch_on_miss(current: &RemoteKeys, opts: &RemoteOptions) -> Result<Option<RemoteKeys>> {
    if current.origin == Origin::Network || opts.offline {
        return Ok(None);
    }
    let now = now_secs(opts);
    if let Cached::Entry(c) = cache_read(opts, &current.url)
        && c.refetched_recently(now)
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
/// kid- or key-type-miss refetch of the contract.
pub struct RemoteProvider {
    local: Vec<Key>,
    opts: RemoteOptions,
    state: std::sync::Mutex<(Vec<RemoteKeys>, std::sync::Arc<crate::model::key::KeySet>)>,
}

fn combine(local: &[Key], remote: &[RemoteKeys]) -> std::sync::Arc<crate::model::key::KeySet> {
    let mut keys = local.to_vec();
    for r in remote {
        keys.extend(r.keys.iter().cloned());
    }
    std::sync::Arc::new(crate::model::key::KeySet::new(keys))
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

impl crate::model::KeyProvider for RemoteProvider {
    fn keys(&self) -> Result<std::sync::Arc<crate::model::key::KeySet>> {
        let s = self
            .state
            .lock()
            .map_err(|_| Error::remote("key cache state is unusable"))?;
        Ok(s.1.clone())
    }

    fn refresh(
        &self,
        miss: &crate::model::KeyMiss,
    ) -> Result<Option<std::sync::Arc<crate::model::key::KeySet>>> {
        use crate::model::{KeyMiss, KeyOp};
        let mut s = self
            .state
            .lock()
            .map_err(|_| Error::remote("key cache state is unusable"))?;
        let mut changed = false;
        for r in s.0.iter_mut() {
            let holds = match miss {
                KeyMiss::Kid(kid) => r.keys.iter().any(|k| k.kid.as_deref() == Some(kid)),
                KeyMiss::Alg(alg) => r.keys.iter().any(|k| k.permits(KeyOp::Verify(*alg))),
            };
            if holds {
                continue;
            }
            if let Some(fresh) = refetch_on_miss(r, &self.opts)? {
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
    fn no_proxy_follows_curl() {
        assert!(no_proxy_matches("example.com", "example.com"));
        assert!(no_proxy_matches("a.b.example.com", "example.com"));
        assert!(no_proxy_matches("a.example.com", ".example.com"));
        assert!(no_proxy_matches("example.com", ".example.com"));
        assert!(no_proxy_matches("EXAMPLE.com.", "example.COM"));
        assert!(!no_proxy_matches("nonexample.com", "example.com"));
        assert!(!no_proxy_matches("example.com", "a.example.com"));
        assert!(no_proxy_matches("anything", " * "));
        assert!(!no_proxy_matches("anything", "*.anything, other"));
        assert!(no_proxy_matches("b.internal", "x.org , ,, .internal"));
        assert!(!no_proxy_matches("b.internal", "x.org .internal"));
        assert!(no_proxy_matches("127.0.0.1", "localhost,127.0.0.1"));
        assert!(!no_proxy_matches("127.0.0.1", "localhost"));
        assert!(!no_proxy_matches("localhost", "127.0.0.1"));
        assert!(no_proxy_matches("10.1.2.3", "10.0.0.0/8"));
        assert!(no_proxy_matches("10.1.2.3", "10.1.2.0/23"));
        assert!(!no_proxy_matches("11.1.2.3", "10.0.0.0/8"));
        assert!(!no_proxy_matches("10.1.2.3", "10.1.2.4"));
        assert!(no_proxy_matches("[::1]", "::1"));
        assert!(no_proxy_matches("[fd00::5]", "fd00::/8"));
        assert!(!no_proxy_matches("[fe80::5]", "fd00::/8, 10.0.0.0/8"));
        assert!(!no_proxy_matches("example.com", ""));
    }

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
