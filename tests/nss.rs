//! The binary links glibc dynamically, so host names resolve through every
//! NSS module the host's /etc/nsswitch.conf names. A static glibc binary
//! crashed (SIGSEGV) here when a lookup reached a module glibc must load,
//! systemd's `myhostname` (benches/README.md). This test fetches a key set from
//! `http://localhost:PORT` with the `hosts` line `files myhostname dns` and
//! an /etc/hosts without `localhost`, so `myhostname` answers the lookup:
//! both files are bind-mounted in a private mount namespace (`unshare -m`,
//! as root), the host's own files are untouched.
//!
//! Needs root, util-linux `unshare` and `mount`, and libnss-myhostname:
//! `bash tests/interop/setup.sh` installs the package. A missing piece fails
//! the test, with that instruction. `JOSE_NSS_BIN=path` runs another build
//! of `jose` instead (benches/README.md: a crt-static build fails here).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::util::*;

const SETUP: &str = "run `bash tests/interop/setup.sh` as root";

/// Where Debian's libnss-myhostname puts the module.
fn myhostname_module() -> Option<PathBuf> {
    [
        "/usr/lib/x86_64-linux-gnu/libnss_myhostname.so.2",
        "/lib/x86_64-linux-gnu/libnss_myhostname.so.2",
        "/usr/lib/aarch64-linux-gnu/libnss_myhostname.so.2",
        "/lib/aarch64-linux-gnu/libnss_myhostname.so.2",
        "/usr/lib64/libnss_myhostname.so.2",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Serves `body` at `/jwks.json` on 127.0.0.1 and, where the host has IPv6
/// loopback, on [::1] at the same port (myhostname answers `localhost` with
/// both), until dropped; counts the requests.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(body: Vec<u8>) -> Server {
        let v4 = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = v4.local_addr().expect("addr").port();
        let mut listeners = vec![v4];
        if let Ok(v6) = TcpListener::bind(("::1", port)) {
            listeners.push(v6);
        }
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let body = Arc::new(body);
        for l in listeners {
            l.set_nonblocking(true).expect("nonblocking");
            let (hits, stop, body) = (hits.clone(), stop.clone(), body.clone());
            std::thread::spawn(move || {
                let until = Instant::now() + Duration::from_secs(120);
                while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                    match l.accept() {
                        Ok((conn, _)) => {
                            hits.fetch_add(1, Ordering::Relaxed);
                            answer(conn, &body);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            });
        }
        Server { port, hits, stop }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn answer(mut conn: TcpStream, body: &[u8]) {
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut req = Vec::new();
    let mut chunk = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") && req.len() < 65536 {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&chunk[..n]),
        }
    }
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
}

/// Runs `program args` inside a private mount namespace in which
/// /etc/nsswitch.conf and /etc/hosts are the given files.
fn in_namespace(nsswitch: &Path, hosts: &Path, program: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("unshare");
    c.args(["--mount", "--propagation", "private", "--", "sh", "-c"])
        .arg(
            r#"mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@""#,
        )
        .arg("sh")
        .arg(nsswitch)
        .arg(hosts)
        .arg(program)
        .args(args);
    c
}

#[test]
fn remote_fetch_by_host_name_through_an_nss_module() {
    let module = myhostname_module().unwrap_or_else(|| {
        panic!("libnss_myhostname.so.2 is missing (libnss-myhostname): {SETUP}")
    });
    let dir = tempdir();
    let nsswitch = dir.path().join("nsswitch.conf");
    std::fs::write(&nsswitch, "hosts: files myhostname dns\n").expect("write nsswitch.conf");
    let hosts = dir.path().join("hosts");
    std::fs::write(&hosts, "# localhost is left to libnss_myhostname\n").expect("write hosts");

    let probe = in_namespace(
        &nsswitch,
        &hosts,
        Path::new("getent"),
        &["hosts", "localhost"],
    )
    .output()
    .unwrap_or_else(|e| panic!("cannot run unshare ({e}): {SETUP}"));
    assert!(
        probe.status.success(),
        "`unshare -m` with bind mounts, then `getent hosts localhost` through {}, failed \
         ({:?}; it needs root and libnss-myhostname: {SETUP}): {}",
        module.display(),
        probe.status,
        String::from_utf8_lossy(&probe.stderr)
    );

    let jwks = read_data("keys/jwks-public.json");
    let server = Server::start(jwks.clone());
    let url = format!("http://localhost:{}/jwks.json", server.port);
    let bin = std::env::var_os("JOSE_NSS_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_jose")), PathBuf::from);
    let trace = dir.path().join("ld-debug");
    let out = in_namespace(
        &nsswitch,
        &hosts,
        &bin,
        &["key", "--public", "--to", "jwks", &url],
    )
    .env("XDG_CACHE_HOME", dir.path().join("cache"))
    .env("HOME", dir.path())
    // glibc's loader writes which libraries it loads to trace.PID.
    .env("LD_DEBUG", "libs")
    .env("LD_DEBUG_OUTPUT", &trace)
    .output()
    .expect("run jose");
    assert!(
        out.status.success(),
        "jose key {url} failed: {:?} (a static glibc binary dies of SIGSEGV here, \
         exit 139 in a shell), stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        server.hits.load(Ordering::Relaxed) >= 1,
        "no request reached the server"
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JWKS on stdout");
    let want: serde_json::Value = serde_json::from_slice(&jwks).expect("fixture JWKS");
    let kids = |v: &serde_json::Value| -> Vec<String> {
        v["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| k["kid"].as_str().expect("kid").to_owned())
            .collect()
    };
    assert_eq!(kids(&got), kids(&want));
    // The lookup really went through the module: the loader opened it.
    let loaded = std::fs::read_dir(dir.path())
        .expect("read temp dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("ld-debug"))
        .any(|e| {
            std::fs::read_to_string(e.path()).is_ok_and(|t| {
                t.lines()
                    .any(|l| l.contains("calling init: ") && l.contains("libnss_myhostname"))
            })
        });
    assert!(
        loaded,
        "the loader trace does not show libnss_myhostname being loaded"
    );
}
