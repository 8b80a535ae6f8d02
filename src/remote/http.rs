//! Getting one URL's body over the network: which URLs may be fetched
//! (https anywhere, plain http only to loopback hosts), which proxy the
//! environment names, which roots TLS trusts, and the GET itself with its
//! timeouts, body cap and same-host redirects. Its network errors name the
//! URL and how long the fetch had run.
//!
//! It neither reads nor writes the key cache. It does read the response's
//! `Cache-Control` into seconds ([`Fetched::fresh_for`], by [`freshness`]):
//! that number is all the cache needs of the headers, and keeping it here
//! lets the cache build on this file without this file naming the cache.

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use url::Url;

use crate::model::error::{Error, Result};

/// Largest body accepted from a remote source.
pub const MAX_BODY: usize = 1 << 20;
/// Redirects followed, all on the same host.
pub const MAX_REDIRECTS: usize = 3;
/// Longest a fetched key set stays fresh, whatever `max-age` says.
pub const MAX_FRESHNESS: u64 = 24 * 3600;
/// Freshness when the response has no `Cache-Control`.
pub const DEFAULT_FRESHNESS: u64 = 5 * 60;
/// Connect timeout (or the total timeout, when smaller).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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

/// What went wrong, in words an operator reads at a glance: the resolver's
/// and the socket's own texts name the URL again or the OS's error number.
fn plain_reason(e: &ureq::Error) -> String {
    use std::io::ErrorKind;
    let text = e.to_string();
    // rustls's verdict on the server's certificate arrives wrapped in an
    // I/O error; its text is what tells it apart.
    if text.contains("certificate") {
        let text = text.strip_prefix("io: ").unwrap_or(&text);
        return format!(
            "TLS certificate not trusted ({text}); trusted roots: the system's plus SSL_CERT_FILE/SSL_CERT_DIR"
        );
    }
    match e {
        ureq::Error::HostNotFound => "host name not found (DNS)".into(),
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::ConnectionFailed => "cannot connect".into(),
        ureq::Error::ConnectProxyFailed(why) => format!("the proxy refused to connect ({why})"),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "connection refused".into(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                "connection closed by the server".into()
            }
            ErrorKind::TimedOut | ErrorKind::WouldBlock => "timed out".into(),
            ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
                "network unreachable".into()
            }
            // getaddrinfo's failures come as "other" errors with its text.
            _ if text.contains("lookup address") || text.contains("resolve") => {
                "host name not found (DNS)".into()
            }
            _ => format!(
                "network error ({})",
                text.strip_prefix("io: ").unwrap_or(&text)
            ),
        },
        _ => format!("network error ({text})"),
    }
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
        let resp = agent
            .get(current.as_str())
            .call()
            .map_err(|e| remote_err(url, started, format!("{}{via}", plain_reason(&e))))?;
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
