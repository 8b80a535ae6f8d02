//! Remote key sources against a test HTTP server on 127.0.0.1 started by the
//! tests themselves (no network beyond loopback): JWKS URLs, Google
//! certificate maps, OIDC discovery, the Firebase preset, the key cache and
//! its permission and freshness rules, HTTPS behind a CA the test makes,
//! CONNECT proxies from the environment, and the failures that are exit 3.
//! `jose()` clears the environment, so the host's proxy and SSL_CERT_*
//! variables never reach these runs; each test sets what it needs.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::*;

#[derive(Clone)]
struct Route {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Accept the connection and never answer (until the server stops).
    hang: bool,
}

fn ok(body: impl Into<Vec<u8>>, cache_control: Option<&str>) -> Route {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(cc) = cache_control {
        headers.push(("Cache-Control".to_owned(), cc.to_owned()));
    }
    Route {
        status: 200,
        headers,
        body: body.into(),
        hang: false,
    }
}

/// A small HTTP/1.1 server: fixed routes, a request counter per path, and a
/// bounded life (it stops when dropped, or after two minutes at most).
struct Server {
    port: u16,
    /// Serve HTTPS with this configuration instead of plain HTTP.
    tls: Option<Arc<rustls::ServerConfig>>,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    agents: Arc<Mutex<Vec<String>>>,
    /// Hanging requests the server itself ended, at the end of its life
    /// rather than on the client's hang-up.
    gave_up: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start() -> Server {
        Server::start_with(None)
    }

    fn start_tls(ca: &TestCa) -> Server {
        Server::start_with(Some(ca.server.clone()))
    }

    fn start_with(tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let agents: Arc<Mutex<Vec<String>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let gave_up: Arc<AtomicUsize> = Arc::default();
        let (r, h, a, s) = (routes.clone(), hits.clone(), agents.clone(), stop.clone());
        let g = gave_up.clone();
        let t = tls.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let (r, h, a, s) = (r.clone(), h.clone(), a.clone(), s.clone());
                        let g = g.clone();
                        let t = t.clone();
                        std::thread::spawn(move || {
                            let _ = conn.set_nonblocking(false);
                            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                            match t {
                                None => serve(conn, &r, &h, &a, &g, &s),
                                Some(cfg) => {
                                    let Ok(tls) = rustls::ServerConnection::new(cfg) else {
                                        return;
                                    };
                                    serve(rustls::StreamOwned::new(tls, conn), &r, &h, &a, &g, &s);
                                }
                            }
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            tls,
            routes,
            hits,
            agents,
            gave_up,
            stop,
        }
    }

    fn url(&self, path: &str) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}{path}", self.port)
    }

    fn route(&self, path: &str, route: Route) {
        self.routes
            .lock()
            .expect("lock")
            .insert(path.to_owned(), route);
    }

    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn gave_up(&self) -> usize {
        self.gave_up.load(Ordering::Relaxed)
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().expect("lock").values().sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    mut conn: impl Read + Write,
    routes: &Mutex<HashMap<String, Route>>,
    hits: &Mutex<HashMap<String, usize>>,
    agents: &Mutex<Vec<String>>,
    gave_up: &AtomicUsize,
    stop: &AtomicBool,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    for line in text.lines() {
        if let Some(ua) = line
            .strip_prefix("User-Agent: ")
            .or_else(|| line.strip_prefix("user-agent: "))
        {
            agents.lock().expect("lock").push(ua.to_owned());
        }
    }
    *hits.lock().expect("lock").entry(path.clone()).or_default() += 1;
    let route = routes.lock().expect("lock").get(&path).cloned();
    let Some(route) = route else {
        let _ = conn
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    if route.hang {
        // Held for as long as the server lives, so that a client that
        // returns first can only have given up on its own.
        let until = Instant::now() + Duration::from_secs(120);
        while !stop.load(Ordering::Relaxed) {
            if Instant::now() >= until {
                gave_up.fetch_add(1, Ordering::Relaxed);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        return;
    }
    let reason = match route.status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", route.status);
    for (k, v) in &route.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        route.body.len()
    ));
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(&route.body);
    let _ = conn.flush();
}

/// A CA made for one test, and a server configuration whose certificate
/// (for 127.0.0.1 and localhost) it signed.
struct TestCa {
    pem: String,
    server: Arc<rustls::ServerConfig>,
}

fn test_ca() -> TestCa {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, SanType,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "jose test root CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("server key");
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()]).expect("server params");
    leaf.subject_alt_names
        .push(SanType::IpAddress(std::net::IpAddr::from([127, 0, 0, 1])));
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let issuer = rcgen::Issuer::from_params(&ca, &ca_key);
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("server certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![leaf_cert.der().clone()], key)
    .expect("server config");
    TestCa {
        pem: ca_cert.pem(),
        server: Arc::new(server),
    }
}

/// A CONNECT proxy on 127.0.0.1 that counts the tunnels it opens.
struct Proxy {
    port: u16,
    tunnels: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let tunnels = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (t, s) = (tunnels.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let t = t.clone();
                        std::thread::spawn(move || tunnel(conn, &t));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Proxy {
            port,
            tunnels,
            stop,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn tunnel(mut client: TcpStream, count: &AtomicUsize) {
    let _ = client.set_nonblocking(false);
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte, so nothing after the request head is swallowed.
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut words = text.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let Ok(mut upstream) = TcpStream::connect(target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    count.fetch_add(1, Ordering::SeqCst);
    let _ = upstream.set_read_timeout(Some(Duration::from_secs(10)));
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (Ok(mut c2), Ok(mut u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut upstream, &mut client);
    let _ = client.shutdown(std::net::Shutdown::Write);
    let _ = up.join();
}

const PROJECT: &str = "jose-test-project";
const KID: &str = "d4e5f6-rsa";
/// A fixed "now" for the claims; the cache itself runs on the real clock.
const NOW: i64 = 1_800_000_000;

fn rsa_key() -> String {
    data("keys/rsa2048.pkcs8.pem").display().to_string()
}

/// Sign a Firebase-like ID token with the fixture key. `drop` names flags
/// of the default set to leave out; `add` appends flags (a later flag of the
/// same name wins in `jose sign`, so `add` can also replace a default).
fn firebase_token_with(iss: &str, drop: &[&str], add: &[&str]) -> String {
    let defaults: Vec<(&str, String)> = vec![
        ("--kid", KID.to_owned()),
        ("--iss", iss.to_owned()),
        ("--aud", PROJECT.to_owned()),
        ("--sub", "uid-123".to_owned()),
        ("--iat", (NOW - 600).to_string()),
        ("--exp", (NOW + 3000).to_string()),
        ("--claim", format!("auth_time={}", NOW - 900)),
    ];
    let mut args: Vec<String> = vec!["sign".into(), "-k".into(), rsa_key()];
    for (flag, value) in defaults {
        let replaced = add
            .iter()
            .any(|a| a.split('=').next() == Some(flag) && flag != "--claim");
        if !drop.contains(&flag) && !replaced {
            args.push(format!("{flag}={value}"));
        }
    }
    args.extend(add.iter().map(|a| (*a).to_owned()));
    let mut c = jose();
    c.args(&args);
    stdout_of(c).trim().to_owned()
}

fn firebase_token(iss: &str, add: &[&str]) -> String {
    firebase_token_with(iss, &[], add)
}

fn id_iss() -> String {
    format!("https://securetoken.google.com/{PROJECT}")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn verify(cache: &Path, args: &[&str], token: &str) -> Run {
    verify_env(cache, &[], args, token)
}

/// `verify` with these environment variables (on top of `jose()`'s
/// cleared environment).
fn verify_env(cache: &Path, env: &[(&str, &str)], args: &[&str], token: &str) -> Run {
    let out = jose()
        .env("XDG_CACHE_HOME", cache)
        .envs(env.iter().copied())
        .arg("verify")
        .args(args)
        .arg(format!("--now={NOW}"))
        .arg(token)
        .output()
        .expect("run jose");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn firebase_server() -> Server {
    let s = Server::start();
    s.route(
        "/certs",
        ok(certmap(&[KID]).to_string(), Some("public, max-age=3600")),
    );
    s
}

#[test]
fn firebase_id_token_accepted_with_a_certificate_map() {
    let s = firebase_server();
    let cache = tempdir();
    let t = firebase_token(&id_iss(), &[]);
    let url = s.url("/certs");
    let r = verify(
        cache.path(),
        &["--firebase", PROJECT, "--key", &url, "--json"],
        &t,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).expect("json");
    assert_eq!(v["valid"], true);
    assert_eq!(v["claims"]["sub"], "uid-123");
    assert_eq!(v["key"]["kid"], KID);
    assert_eq!(s.hits("/certs"), 1);
    let agents = s.agents.lock().expect("lock").clone();
    assert!(agents.iter().all(|a| a.starts_with("jose/")), "{agents:?}");
}

#[test]
fn firebase_rules_each_have_their_code() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let sub129 = format!("--sub={}", "x".repeat(129));
    let future_auth = format!("--claim=auth_time={}", NOW + 3600);
    let future_iat = format!("--iat={}", NOW + 3600);
    let past_exp = format!("--exp={}", NOW - 3600);
    let cases: [(&str, &[&str], &[&str], &str); 10] = [
        ("wrong aud", &[], &["--aud=other-project"], "bad_audience"),
        (
            "wrong iss",
            &[],
            &["--iss=https://securetoken.google.com/other"],
            "bad_issuer",
        ),
        ("empty sub", &[], &["--sub="], "bad_subject"),
        ("129-char sub", &[], &[&sub129], "bad_subject"),
        ("future auth_time", &["--claim"], &[&future_auth], "policy"),
        ("future iat", &[], &[&future_iat], "issued_in_future"),
        ("expired", &[], &[&past_exp], "expired"),
        ("no exp", &["--exp"], &[], "missing_claim"),
        ("missing kid", &["--kid"], &[], "policy"),
        (
            "unknown kid",
            &[],
            &["--kid=no-such-kid"],
            "no_matching_key",
        ),
    ];
    for (what, drop, add, reject) in cases {
        let t = firebase_token_with(&id_iss(), drop, add);
        let r = verify(
            cache.path(),
            &["--firebase", PROJECT, "--key", &url, "--json"],
            &t,
        );
        assert_eq!(r.code, Some(1), "{what}: {}", r.stderr);
        let v: Value = serde_json::from_str(r.stdout.trim())
            .unwrap_or_else(|e| panic!("{what}: {e}: {}", r.stdout));
        assert_eq!(v["error"]["code"], reject, "{what}: {v}");
    }
}

#[test]
fn firebase_refuses_hs256_and_es256() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let claims = [
        "--kid",
        KID,
        "--iss",
        &id_iss(),
        "--aud",
        PROJECT,
        "--sub",
        "u",
    ]
    .map(str::to_owned);
    let mut hs = jose();
    hs.env("JOSE_TEST_SECRET", "0123456789abcdef0123456789abcdef")
        .args(["sign", "--secret-env", "JOSE_TEST_SECRET"])
        .args(&claims)
        .arg(format!("--claim=auth_time={}", NOW - 10))
        .arg(format!("--iat={}", NOW - 10))
        .arg(format!("--exp={}", NOW + 100));
    let hs = stdout_of(hs).trim().to_owned();
    let mut es = jose();
    es.args(["sign", "-k"])
        .arg(data("keys/ec-p256.pkcs8.pem"))
        .args(&claims)
        .arg(format!("--claim=auth_time={}", NOW - 10))
        .arg(format!("--iat={}", NOW - 10))
        .arg(format!("--exp={}", NOW + 100));
    let es = stdout_of(es).trim().to_owned();
    for t in [hs, es] {
        let r = verify(
            cache.path(),
            &["--firebase", PROJECT, "--key", &url, "--json"],
            &t,
        );
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        let v: Value = serde_json::from_str(r.stdout.trim()).expect("json");
        assert_eq!(v["error"]["code"], "alg_not_allowed", "{v}");
    }
}

#[test]
fn firebase_session_cookie_uses_its_issuer() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let cookie_iss = format!("https://session.firebase.google.com/{PROJECT}");
    let t = firebase_token(&cookie_iss, &[]);
    let r = verify(
        cache.path(),
        &["--firebase", PROJECT, "--session-cookie", "--key", &url],
        &t,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("uid-123"));
    // An ID token is not a session cookie, and the other way round.
    let id = firebase_token(&id_iss(), &[]);
    let r = verify(
        cache.path(),
        &["--firebase", PROJECT, "--session-cookie", "--key", &url],
        &id,
    );
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("bad_issuer"), "{}", r.stderr);
    let r = verify(cache.path(), &["--firebase", PROJECT, "--key", &url], &t);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("bad_issuer"), "{}", r.stderr);
}

#[test]
fn jwks_url_is_a_key_source() {
    let s = Server::start();
    s.route("/jwks", ok(read_data("keys/jwks-public.json"), None));
    let cache = tempdir();
    let mut c = jose();
    c.args(["sign", "-k"])
        .arg(data("keys/ec-p256.pkcs8.pem"))
        .args(["--sub", "x"]);
    let t = stdout_of(c).trim().to_owned();
    let r = verify(cache.path(), &["--key", &s.url("/jwks")], &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/jwks"), 1);
}

fn oidc_server(issuer_override: Option<&str>) -> Server {
    let s = Server::start();
    let issuer = issuer_override.map_or_else(|| s.url(""), str::to_owned);
    let doc = json!({"issuer": issuer, "jwks_uri": s.url("/jwks")});
    s.route(
        "/.well-known/openid-configuration",
        ok(doc.to_string(), Some("max-age=600")),
    );
    s.route(
        "/jwks",
        ok(read_data("keys/jwks-public.json"), Some("max-age=600")),
    );
    s
}

fn oidc_token(iss: &str, extra: &[&str]) -> String {
    let mut c = jose();
    c.args(["sign", "-k"])
        .arg(data("keys/rsa2048.pkcs8.pem"))
        .args(["--iss", iss, "--sub", "alice"])
        .arg(format!("--exp={}", NOW + 600))
        .args(extra);
    if !extra.contains(&"--no-iat") {
        c.arg(format!("--iat={}", NOW - 60));
    }
    stdout_of(c).trim().to_owned()
}

#[test]
fn oidc_discovery_then_jwks() {
    let s = oidc_server(None);
    let cache = tempdir();
    let issuer = s.url("");
    let t = oidc_token(&issuer, &["--aud", "client-1"]);
    let r = verify(cache.path(), &["--oidc", &issuer, "--aud", "client-1"], &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/.well-known/openid-configuration"), 1);
    assert_eq!(s.hits("/jwks"), 1);

    // azp must be an accepted audience when aud has several values.
    let t = oidc_token(
        &issuer,
        &[
            "--aud",
            "client-1",
            "--aud",
            "client-2",
            "--claim",
            "azp=client-2",
        ],
    );
    let r = verify(cache.path(), &["--oidc", &issuer, "--aud", "client-1"], &t);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("bad_audience"), "{}", r.stderr);
    let r = verify(
        cache.path(),
        &["--oidc", &issuer, "--aud", "client-1", "--aud", "client-2"],
        &t,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    // iss must be the issuer; exp and iat are required.
    let t = oidc_token("https://elsewhere.example", &["--aud", "client-1"]);
    let r = verify(cache.path(), &["--oidc", &issuer, "--aud", "client-1"], &t);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("bad_issuer"), "{}", r.stderr);
    let t = oidc_token(&issuer, &["--aud", "client-1", "--no-iat"]);
    let r = verify(cache.path(), &["--oidc", &issuer, "--aud", "client-1"], &t);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("missing_claim"), "{}", r.stderr);
}

#[test]
fn oidc_discovery_with_a_mismatched_issuer_is_exit_3() {
    let s = oidc_server(Some("https://impostor.example"));
    let cache = tempdir();
    let issuer = s.url("");
    let t = oidc_token(&issuer, &["--aud", "client-1"]);
    let r = verify(cache.path(), &["--oidc", &issuer, "--aud", "client-1"], &t);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains("impostor.example"), "{}", r.stderr);
    assert_eq!(s.hits("/jwks"), 0);
}

#[test]
fn remote_failures_are_exit_3_with_the_url_and_the_reason() {
    let s = Server::start();
    s.route(
        "/500",
        Route {
            status: 500,
            headers: vec![],
            body: b"oops".to_vec(),
            hang: false,
        },
    );
    s.route("/notjson", ok("<html>hello</html>", None));
    s.route("/huge", ok(vec![b' '; (1 << 20) + 10], None));
    s.route(
        "/hang",
        Route {
            status: 200,
            headers: vec![],
            body: vec![],
            hang: true,
        },
    );
    s.route(
        "/away",
        Route {
            status: 302,
            headers: vec![("Location".into(), "http://localhost:1/elsewhere".into())],
            body: vec![],
            hang: false,
        },
    );
    let t = firebase_token(&id_iss(), &[]);
    let cache = tempdir();
    for (path, needle) in [
        ("/404", "404"),
        ("/500", "500"),
        ("/notjson", "not JSON"),
        ("/huge", "larger than"),
        ("/away", "redirect"),
    ] {
        let url = s.url(path);
        let r = verify(cache.path(), &["--key", &url], &t);
        assert_eq!(r.code, Some(3), "{path}: {}", r.stderr);
        assert!(r.stderr.contains(&url), "{path}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{path}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{path}: {}", r.stderr);
    }
    // The server never answers /hang while it lives: each run ends by
    // jose's own --timeout (the server gave up on none of them), and the
    // wait jose reports is at least that timeout and grows with it.
    let url = s.url("/hang");
    let waited = |timeout: &str| {
        let r = verify(cache.path(), &["--key", &url, "--timeout", timeout], &t);
        assert_eq!(r.code, Some(3), "{}", r.stderr);
        assert_eq!(s.gave_up(), 0, "the server, not jose, ended the request");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        let secs: f64 = r
            .stderr
            .split("(after ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no wait reported: {}", r.stderr));
        secs
    };
    let (two, six) = (waited("2"), waited("6"));
    assert!(two >= 2.0, "a 2 s timeout reported after {two} s");
    assert!(six >= 6.0, "a 6 s timeout reported after {six} s");
    assert!(
        six / two > 1.5,
        "tripling --timeout took {six} s instead of {two} s: the flag is not the bound"
    );
}

#[test]
fn plain_http_to_another_host_is_refused_before_sending() {
    let cache = tempdir();
    let t = firebase_token(&id_iss(), &[]);
    let r = verify(cache.path(), &["--key", "http://keys.example/jwks"], &t);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("loopback"), "{}", r.stderr);
}

#[test]
fn the_cache_serves_fresh_key_sets_without_a_request() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    let args = ["--firebase", PROJECT, "--key", &url];
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 1, "second call must come from the cache");
    // --no-cache fetches every time.
    let mut nc = args.to_vec();
    nc.push("--no-cache");
    assert_eq!(verify(cache.path(), &nc, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 2);
    // --offline uses the cache only.
    let mut off = args.to_vec();
    off.push("--offline");
    assert_eq!(verify(cache.path(), &off, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 2);
    let empty = tempdir();
    let r = verify(empty.path(), &off, &t);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains("--offline"), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 2);
}

#[test]
fn freshness_follows_max_age_and_no_store() {
    let s = Server::start();
    s.route("/short", ok(certmap(&[KID]).to_string(), Some("max-age=4")));
    s.route(
        "/nostore",
        ok(certmap(&[KID]).to_string(), Some("no-store")),
    );
    let cache = tempdir();
    let t = firebase_token(&id_iss(), &[]);
    let short = s.url("/short");
    assert_eq!(verify(cache.path(), &["--key", &short], &t).code, Some(0));
    assert_eq!(verify(cache.path(), &["--key", &short], &t).code, Some(0));
    assert_eq!(s.hits("/short"), 1);
    // Freshness is kept in whole seconds: wait past max-age + 1.
    std::thread::sleep(Duration::from_millis(5200));
    assert_eq!(verify(cache.path(), &["--key", &short], &t).code, Some(0));
    assert_eq!(s.hits("/short"), 2, "expired entry must be fetched again");
    let ns = s.url("/nostore");
    assert_eq!(verify(cache.path(), &["--key", &ns], &t).code, Some(0));
    assert_eq!(verify(cache.path(), &["--key", &ns], &t).code, Some(0));
    assert_eq!(s.hits("/nostore"), 2, "no-store must not be cached");
}

#[test]
fn an_unknown_kid_refetches_once_and_not_again_within_30s() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let args = ["--firebase", PROJECT, "--key", &url];
    let t = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 1);
    // The issuer rotates in a new key; the cache still holds the old map.
    s.route(
        "/certs",
        ok(
            certmap(&[KID, "rotated-kid"]).to_string(),
            Some("max-age=3600"),
        ),
    );
    let rotated = firebase_token(&id_iss(), &["--kid=rotated-kid"]);
    let r = verify(cache.path(), &args, &rotated);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 2, "a kid miss refetches once");
    // Invented kids cannot hammer the issuer: no refetch within 30 s.
    let invented = firebase_token(&id_iss(), &["--kid=invented"]);
    let r = verify(cache.path(), &args, &invented);
    assert_eq!(r.code, Some(1));
    assert_eq!(s.hits("/certs"), 2);
    // The message says why the set was not looked at again.
    assert!(
        !r.stderr.contains("after fetching the key set again")
            && r.stderr.contains(&format!(
                "({url} was fetched again 0 s ago for another missing key; refetches are at least 30 s apart) (no_matching_key)"
            )),
        "{}",
        r.stderr
    );
    // Offline: no refetch, and it says so.
    let mut offline = args.to_vec();
    offline.push("--offline");
    let r = verify(cache.path(), &offline, &invented);
    assert_eq!(r.code, Some(1));
    assert_eq!(s.hits("/certs"), 2);
    assert!(
        r.stderr.contains(&format!(
            "(offline: {url} not fetched again) (no_matching_key)"
        )),
        "{}",
        r.stderr
    );
}

/// A kid miss right after the set came from the network in the same run
/// makes no second fetch, and the message says the set is that fresh.
#[test]
fn a_kid_miss_on_a_set_fetched_for_this_run_says_so() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let args = ["--firebase", PROJECT, "--key", &url];
    let invented = firebase_token(&id_iss(), &["--kid=invented"]);
    let r = verify(cache.path(), &args, &invented);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 1, "the one fetch, no refetch");
    assert!(
        r.stderr.contains(&format!(
            "({url} was fetched for this run) (no_matching_key)"
        )),
        "{}",
        r.stderr
    );
}

/// The message of a kid that even a fresh set lacks names the kids the set
/// holds and says the set was fetched again (issue 16).
#[test]
fn an_unknown_kid_names_the_held_kids_and_the_refetch() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let args = ["--firebase", PROJECT, "--key", &url];
    // A first run fills the cache; the next one's kid miss refetches.
    assert_eq!(
        verify(cache.path(), &args, &firebase_token(&id_iss(), &[])).code,
        Some(0)
    );
    let invented = firebase_token(&id_iss(), &["--kid=invented"]);
    let r = verify(cache.path(), &args, &invented);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 2, "the fetch, then the one refetch");
    assert!(
        r.stderr.contains(&format!(
            "no RS256 key with kid \"invented\"; the key set's RS256 keys have kid \"{KID}\" (after fetching the key set again) (no_matching_key)"
        )),
        "{}",
        r.stderr
    );
}

/// `--lines` refetches on a kid miss like one token does, once per run: the
/// lines signed with a rotated-in key verify, an invented kid stays
/// `no_matching_key`, and the whole stream costs one fetch.
#[test]
fn lines_refetch_once_on_a_kid_miss() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let args = ["--firebase", PROJECT, "--key", &url];
    let old = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &args, &old).code, Some(0));
    assert_eq!(s.hits("/certs"), 1);
    s.route(
        "/certs",
        ok(
            certmap(&[KID, "rotated-kid"]).to_string(),
            Some("max-age=3600"),
        ),
    );
    let rotated = firebase_token(&id_iss(), &["--kid=rotated-kid"]);
    let invented = firebase_token(&id_iss(), &["--kid=invented"]);
    let input = [&old, &invented, &rotated, &invented, &rotated]
        .map(|t| format!("{t}\n"))
        .concat();
    let out = jose()
        .env("XDG_CACHE_HOME", cache.path())
        .args(["verify", "--lines", &format!("--now={NOW}")])
        .args(args)
        .write_stdin(input)
        .output()
        .expect("run jose");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON report");
            v["error"]["code"].as_str().unwrap_or("ok").to_owned()
        })
        .collect();
    assert_eq!(
        codes,
        ["ok", "no_matching_key", "ok", "no_matching_key", "ok"],
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(s.hits("/certs"), 2, "one refetch for the whole stream");
}

/// A refetch that fails is a remote source that cannot be used: exit 3
/// for one token, naming why; in a stream the lines that missed stay
/// rejected and one warning says why their keys were not renewed.
#[test]
fn a_failed_refetch_is_exit_3_for_one_token_and_a_warning_in_a_stream() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let args = ["--firebase", PROJECT, "--key", &url];
    let old = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &args, &old).code, Some(0));
    s.route(
        "/certs",
        Route {
            status: 500,
            headers: Vec::new(),
            body: Vec::new(),
            hang: false,
        },
    );
    let rotated = firebase_token(&id_iss(), &["--kid=rotated-kid"]);
    let one = verify(cache.path(), &args, &rotated);
    assert_eq!(one.code, Some(3), "{}", one.stderr);
    assert!(
        one.stderr.contains("keys not refreshed for kid"),
        "{}",
        one.stderr
    );
    assert_eq!(one.stderr.lines().count(), 1, "{}", one.stderr);
    let out = jose()
        .env("XDG_CACHE_HOME", cache.path())
        .args(["verify", "--lines", "-q", &format!("--now={NOW}")])
        .args(args)
        .write_stdin(format!("{old}\n{rotated}\n{rotated}\n"))
        .output()
        .expect("run jose");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("keys not refreshed").count(), 1, "{stderr}");
}

#[test]
fn a_corrupt_cache_file_is_ignored() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    let dir = cache.path().join("jose/keys");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("cache dir") {
        std::fs::write(e.expect("entry").path(), b"{ not json").expect("corrupt");
        n += 1;
    }
    assert_eq!(n, 1);
    let r = verify(cache.path(), &["--key", &url], &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 2);
}

#[test]
fn header_jku_and_x5u_are_never_fetched() {
    let s = firebase_server();
    let cache = tempdir();
    let mut c = jose();
    c.args(["sign", "-k"])
        .arg(rsa_key())
        .args(["--sub", "x", "--kid", KID])
        .arg(format!("--header=jku=\"{}\"", s.url("/evil-jku")))
        .arg(format!("--header=x5u=\"{}\"", s.url("/evil-x5u")));
    let t = stdout_of(c).trim().to_owned();
    let url = s.url("/certs");
    let r = verify(cache.path(), &["--key", &url], &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(s.hits("/evil-jku") + s.hits("/evil-x5u"), 0);
    assert_eq!(s.total_hits(), 1);
}

#[test]
fn jose_key_converts_a_remote_key_set_and_skips_unknown_curves() {
    let s = Server::start();
    let mut jwks: Value =
        serde_json::from_slice(&read_data("keys/jwks-public.json")).expect("jwks");
    let n = jwks["keys"].as_array().map_or(0, Vec::len);
    if let Some(keys) = jwks["keys"].as_array_mut() {
        keys.push(json!({"kty": "OKP", "crv": "Ed448", "x": "AAAA", "kid": "ed448"}));
    }
    s.route("/jwks", ok(jwks.to_string(), None));
    let mut c = jose();
    c.args(["key", "--thumbprint", &s.url("/jwks")]);
    let out = stdout_of(c);
    assert_eq!(out.lines().count(), n, "{out}");
    let mut local = jose();
    local
        .args(["key", "--thumbprint"])
        .arg(data("keys/jwks-public.json"));
    assert_eq!(out, stdout_of(local));
    let s404 = s.url("/missing");
    jose().args(["key", &s404]).assert().code(3);
}

/// The one cache file a single-URL run leaves, and the folders above it.
fn cache_entry(cache: &Path) -> std::path::PathBuf {
    let dir = cache.join("jose/keys");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("cache folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn https_trusts_the_roots_ssl_cert_file_and_ssl_cert_dir_add() {
    let ca = test_ca();
    let s = Server::start_tls(&ca);
    s.route(
        "/certs",
        ok(certmap(&[KID]).to_string(), Some("max-age=3600")),
    );
    let url = s.url("/certs");
    assert!(url.starts_with("https://"), "{url}");
    let work = tempdir();
    let ca_file = work.path().join("corporate-root.pem");
    std::fs::write(&ca_file, &ca.pem).expect("write CA");
    let ca_dir = work.path().join("hashed");
    std::fs::create_dir(&ca_dir).expect("mkdir");
    // OpenSSL's c_rehash layout: HHHHHHHH.D (jose does not check the hash).
    std::fs::write(ca_dir.join("0a1b2c3d.0"), &ca.pem).expect("write CA");
    let t = firebase_token(&id_iss(), &[]);
    let args = ["--firebase", PROJECT, "--key", &url, "--no-cache"];
    let cache = tempdir();

    // The test CA is in no system store: without the variables, exit 3.
    let r = verify(cache.path(), &args, &t);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains(&url), "{}", r.stderr);
    assert!(r.stderr.contains("certificate"), "{}", r.stderr);
    assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);

    let file = ca_file.to_str().expect("utf-8 path");
    let r = verify_env(cache.path(), &[("SSL_CERT_FILE", file)], &args, &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("uid-123"), "{}", r.stdout);
    let dir = format!("/nonexistent-jose-test:{}", ca_dir.display());
    let r = verify_env(cache.path(), &[("SSL_CERT_DIR", &dir)], &args, &t);
    assert_eq!(
        r.code,
        Some(3),
        "a missing SSL_CERT_DIR entry is named: {}",
        r.stderr
    );
    assert!(r.stderr.contains("SSL_CERT_DIR"), "{}", r.stderr);
    let dir = ca_dir.display().to_string();
    let r = verify_env(cache.path(), &[("SSL_CERT_DIR", &dir)], &args, &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // A variable naming an unreadable file is an error that says so.
    let r = verify_env(
        cache.path(),
        &[("SSL_CERT_FILE", "/nonexistent-jose-test.pem")],
        &args,
        &t,
    );
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 2, "the refused handshakes reach no route");
}

#[test]
fn proxies_from_the_environment_tunnel_unless_no_proxy_exempts_the_host() {
    let ca = test_ca();
    let s = Server::start_tls(&ca);
    s.route(
        "/certs",
        ok(certmap(&[KID]).to_string(), Some("max-age=3600")),
    );
    let url = s.url("/certs");
    let work = tempdir();
    let ca_file = work.path().join("root.pem");
    std::fs::write(&ca_file, &ca.pem).expect("write CA");
    let ca_file = ca_file.to_str().expect("utf-8 path");
    let t = firebase_token(&id_iss(), &[]);
    let args = ["--firebase", PROJECT, "--key", &url, "--no-cache"];
    let cache = tempdir();
    let mut fetches = 0;
    for (proxy_var, no_proxy_var) in [
        ("HTTPS_PROXY", "NO_PROXY"),
        ("https_proxy", "no_proxy"),
        ("ALL_PROXY", "NO_PROXY"),
        ("all_proxy", "no_proxy"),
    ] {
        let p = Proxy::start();
        let via = p.url();
        let env = [("SSL_CERT_FILE", ca_file), (proxy_var, via.as_str())];
        let r = verify_env(cache.path(), &env, &args, &t);
        fetches += 1;
        assert_eq!(r.code, Some(0), "{proxy_var}: {}", r.stderr);
        assert_eq!(p.tunnels(), 1, "{proxy_var}: one CONNECT tunnel");
        assert_eq!(s.hits("/certs"), fetches, "{proxy_var}");
        // An exemption for other hosts leaves this one proxied.
        let others = [env[0], env[1], (no_proxy_var, "example.com, .internal")];
        let r = verify_env(cache.path(), &others, &args, &t);
        fetches += 1;
        assert_eq!(r.code, Some(0), "{proxy_var}: {}", r.stderr);
        assert_eq!(p.tunnels(), 2, "{no_proxy_var} for other hosts");
        for exempt in ["127.0.0.1", "localhost,127.0.0.0/8", "*"] {
            let bypass = [env[0], env[1], (no_proxy_var, exempt)];
            let r = verify_env(cache.path(), &bypass, &args, &t);
            fetches += 1;
            assert_eq!(r.code, Some(0), "{no_proxy_var}={exempt}: {}", r.stderr);
            assert_eq!(p.tunnels(), 2, "{no_proxy_var}={exempt} bypasses the proxy");
            assert_eq!(s.hits("/certs"), fetches, "{no_proxy_var}={exempt}");
        }
    }
    // HTTPS_PROXY wins over ALL_PROXY for https, and a proxy that cannot be
    // reached is a remote failure that says a proxy was used.
    let p = Proxy::start();
    let via = p.url();
    let dead = "http://127.0.0.1:1";
    let env = [
        ("SSL_CERT_FILE", ca_file),
        ("HTTPS_PROXY", via.as_str()),
        ("ALL_PROXY", dead),
    ];
    assert_eq!(verify_env(cache.path(), &env, &args, &t).code, Some(0));
    assert_eq!(p.tunnels(), 1);
    let env = [("SSL_CERT_FILE", ca_file), ("https_proxy", dead)];
    let r = verify_env(cache.path(), &env, &args, &t);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains("https_proxy"), "{}", r.stderr);
}

#[test]
fn plain_http_follows_http_proxy_but_not_its_upper_case_form() {
    let s = firebase_server();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    let args = ["--firebase", PROJECT, "--key", &url, "--no-cache"];
    let cache = tempdir();
    let p = Proxy::start();
    let via = p.url();
    let r = verify_env(cache.path(), &[("http_proxy", &via)], &args, &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(p.tunnels(), 1);
    // As curl: HTTP_PROXY is what a CGI program receives from a request's
    // `Proxy:` header, so only the lower-case name counts.
    let r = verify_env(cache.path(), &[("HTTP_PROXY", &via)], &args, &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(p.tunnels(), 1);
    // An https_proxy is for https URLs only.
    let r = verify_env(cache.path(), &[("https_proxy", &via)], &args, &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(p.tunnels(), 1);
    assert_eq!(s.hits("/certs"), 3);
    // A proxy jose cannot speak to is a remote failure naming the variable.
    let r = verify_env(
        cache.path(),
        &[("http_proxy", "ftp://127.0.0.1:1")],
        &args,
        &t,
    );
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains(&url), "{}", r.stderr);
    assert!(
        r.stderr.contains("http_proxy is not a usable proxy URL"),
        "{}",
        r.stderr
    );
    assert_eq!(s.hits("/certs"), 3);
}

#[test]
fn the_cache_is_private_and_written_whole() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    let entry = cache_entry(cache.path());
    assert_eq!(crate::util::mode_of(&cache.path().join("jose")), 0o700);
    assert_eq!(crate::util::mode_of(&cache.path().join("jose/keys")), 0o700);
    assert_eq!(crate::util::mode_of(&entry), 0o600);
    // A folder an older jose left 0755 is narrowed on the next write.
    chmod(&cache.path().join("jose/keys"), 0o755);
    assert_eq!(
        verify(cache.path(), &["--key", &url, "--no-cache"], &t).code,
        Some(0)
    );
    std::fs::remove_file(&entry).expect("remove");
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    assert_eq!(crate::util::mode_of(&cache.path().join("jose/keys")), 0o700);
    assert_eq!(crate::util::mode_of(&cache_entry(cache.path())), 0o600);
    // cache_entry also shows no temporary file was left behind.
    assert_eq!(s.hits("/certs"), 3);
}

#[test]
fn a_cache_entry_others_can_write_is_ignored() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 1, "a private entry is used");
    let mut hits = 1;
    for mode in [0o620, 0o602, 0o666] {
        let entry = cache_entry(cache.path());
        chmod(&entry, mode);
        let r = verify(cache.path(), &["--key", &url, "--offline"], &t);
        assert_eq!(r.code, Some(3), "{mode:o}: {}", r.stderr);
        assert!(
            r.stderr.contains("writable by group or others") && r.stderr.contains("--offline"),
            "{mode:o}: {}",
            r.stderr
        );
        let r = verify(cache.path(), &["--key", &url], &t);
        assert_eq!(r.code, Some(0), "{mode:o}: {}", r.stderr);
        hits += 1;
        assert_eq!(s.hits("/certs"), hits, "{mode:o}: refetched");
        assert_eq!(
            crate::util::mode_of(&cache_entry(cache.path())),
            0o600,
            "replaced"
        );
    }
}

/// CI runs the tests as root, which can give the entry to `nobody`; a run
/// that cannot fails here rather than passing without the check.
#[test]
fn a_cache_entry_owned_by_another_user_is_ignored() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    let give_away = || {
        let entry = cache_entry(cache.path());
        std::os::unix::fs::chown(&entry, Some(65534), Some(65534)).unwrap_or_else(|e| {
            panic!(
                "cannot chown {} to uid 65534 ({e}): this test needs root (CI runs it as root)",
                entry.display()
            )
        });
    };
    give_away();
    let r = verify(cache.path(), &["--key", &url, "--offline"], &t);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(
        r.stderr.contains("owned by another user (uid 65534)"),
        "{}",
        r.stderr
    );
    let r = verify(cache.path(), &["--key", &url], &t);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/certs"), 2, "refetched, not read");
    use std::os::unix::fs::MetadataExt;
    let mine = std::fs::metadata(cache.path().join("jose"))
        .expect("dir")
        .uid();
    let entry = cache_entry(cache.path());
    assert_eq!(std::fs::metadata(&entry).expect("entry").uid(), mine);
    assert_eq!(verify(cache.path(), &["--key", &url], &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 2, "the replaced entry is used");
}

/// Rewrite the times of the one cache entry (the file keeps its mode).
fn set_entry_times(cache: &Path, fetched_at: u64, fresh_until: u64) {
    let entry = cache_entry(cache);
    let mut v: Value = serde_json::from_slice(&std::fs::read(&entry).expect("read")).expect("json");
    v["fetched_at"] = fetched_at.into();
    v["fresh_until"] = fresh_until.into();
    std::fs::write(&entry, v.to_string()).expect("write");
}

#[test]
fn freshness_read_from_the_cache_is_capped_at_24_hours_from_the_fetch() {
    let s = firebase_server();
    let cache = tempdir();
    let url = s.url("/certs");
    let t = firebase_token(&id_iss(), &[]);
    let args = ["--key", &url];
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let (hour, year) = (3600, 365 * 86400);
    // Within 24 h of its fetch, an entry's own freshness holds.
    set_entry_times(cache.path(), now - 23 * hour, now + year);
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 1, "23 h old, still fresh");
    // Claiming a year of freshness buys no more than 24 h.
    set_entry_times(cache.path(), now - 25 * hour, now + year);
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 2, "25 h old: refetched");
    // A fetch time in the future cannot stretch the 24 h either.
    set_entry_times(cache.path(), now + year, now + year + hour);
    assert_eq!(verify(cache.path(), &args, &t).code, Some(0));
    assert_eq!(s.hits("/certs"), 3, "fetched in the future: refetched");
}

fn jwks_of(kty: &str) -> String {
    let mut jwks: Value =
        serde_json::from_slice(&read_data("keys/jwks-public.json")).expect("jwks");
    if let Some(keys) = jwks["keys"].as_array_mut() {
        keys.retain(|k| k["kty"] == kty);
        assert!(!keys.is_empty(), "jwks-public.json has a {kty} key");
    }
    jwks.to_string()
}

fn signed(key: &str, alg: &str) -> String {
    let mut c = jose();
    c.args(["sign", "-k"])
        .arg(data(key))
        .args(["--alg", alg, "--sub", "rotated"]);
    stdout_of(c).trim().to_owned()
}

/// The issuer moves from an EC key to an RSA one: the cached EC-only set
/// rejects the RS256 token before any kid is looked at (`alg_not_allowed`),
/// which is a key-type miss, so it costs the one refetch and then verifies.
#[test]
fn a_key_type_miss_refetches_once() {
    let s = Server::start();
    s.route("/jwks", ok(jwks_of("EC"), Some("max-age=3600")));
    let url = s.url("/jwks");
    let es256 = signed("keys/ec-p256.pkcs8.pem", "ES256");
    let rs256 = signed("keys/rsa2048.pkcs8.pem", "RS256");
    let es384 = signed("keys/ec-p384.pkcs8.pem", "ES384");
    let cache = tempdir();
    assert_eq!(verify(cache.path(), &["--key", &url], &es256).code, Some(0));
    assert_eq!(s.hits("/jwks"), 1);
    s.route(
        "/jwks",
        ok(read_data("keys/jwks-public.json"), Some("max-age=3600")),
    );
    let r = verify(cache.path(), &["--key", &url, "--json"], &rs256);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/jwks"), 2, "one refetch");
    // The refreshed set is cached; a key it lacks too (P-384) is rate-limited.
    let r = verify(cache.path(), &["--key", &url, "--json"], &es384);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("alg_not_allowed"), "{}", r.stdout);
    assert_eq!(s.hits("/jwks"), 2, "no second refetch within 30 s");

    // `--alg RS256` against a cached EC-only set is the same miss.
    let cache = tempdir();
    s.route("/jwks", ok(jwks_of("EC"), Some("max-age=3600")));
    assert_eq!(verify(cache.path(), &["--key", &url], &es256).code, Some(0));
    s.route(
        "/jwks",
        ok(read_data("keys/jwks-public.json"), Some("max-age=3600")),
    );
    let r = verify(cache.path(), &["--key", &url, "--alg", "RS256"], &rs256);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(s.hits("/jwks"), 4);

    // --lines: the stream costs one refetch, and the lines that missed are
    // checked again against the fresh set.
    let cache = tempdir();
    s.route("/jwks", ok(jwks_of("EC"), Some("max-age=3600")));
    assert_eq!(verify(cache.path(), &["--key", &url], &es256).code, Some(0));
    s.route(
        "/jwks",
        ok(read_data("keys/jwks-public.json"), Some("max-age=3600")),
    );
    let input = [&es256, &rs256, &es384, &rs256]
        .map(|t| format!("{t}\n"))
        .concat();
    let out = jose()
        .env("XDG_CACHE_HOME", cache.path())
        .args(["verify", "--lines", "--key", &url])
        .write_stdin(input)
        .output()
        .expect("run jose");
    let codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON report");
            v["error"]["code"].as_str().unwrap_or("ok").to_owned()
        })
        .collect();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(codes, ["ok", "ok", "alg_not_allowed", "ok"], "{stderr}");
    assert_eq!(s.hits("/jwks"), 6, "one refetch for the stream");
}
