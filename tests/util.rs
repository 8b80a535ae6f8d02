//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use jose::JweAlg;
use jose::decrypt::DecryptOptions;
use jose::{Key, KeySet, keys::detect as source, keys::jwk};
use serde_json::Value;

/// Our `jose`, by its cargo path (never by PATH: Debian's C tool is also
/// called `jose`), with a cleared environment and a private cache folder.
pub fn jose() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jose"));
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c.env("HOME", scratch_home());
    c.env("XDG_CACHE_HOME", scratch_home().join("cache"));
    c
}

fn scratch_home() -> PathBuf {
    let p = std::env::temp_dir().join(format!("jose-test-home-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&p);
    p
}

/// The repository's test data folder.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The bytes of a test data file.
pub fn read_data(rel: &str) -> Vec<u8> {
    let p = data(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// The path of `tests/data/keys/NAME` as a string, for `-k` and other
/// arguments.
pub fn key_path(name: &str) -> String {
    data(&format!("keys/{name}")).display().to_string()
}

/// The JSON of a test data file (`rel` under tests/data).
pub fn load_json(rel: &str) -> Value {
    serde_json::from_slice(&read_data(rel)).unwrap_or_else(|e| panic!("{rel}: not JSON: {e}"))
}

/// Every key of a test data file (`rel` under tests/data), read by the
/// library's key reader: PEM, DER, JWK or JWK Set.
pub fn load_keys(rel: &str) -> Vec<Key> {
    source::parse_bytes(&read_data(rel), rel).unwrap_or_else(|e| panic!("{rel}: no key: {e}"))
}

/// The first (for most files, the only) key of a test data file.
pub fn load_key(rel: &str) -> Key {
    load_keys(rel).remove(0)
}

/// A key given as a JWK object, such as a vector file's.
pub fn key_from_jwk(v: &Value) -> Key {
    jwk::from_value(v).unwrap_or_else(|e| panic!("JWK rejected: {e}: {v}"))
}

/// The set that verifies what `keys` signed: each key's public half, or the
/// key itself where it has none (HMAC).
pub fn public_set(keys: &[Key]) -> KeySet {
    KeySet::new(
        keys.iter()
            .map(|k| k.to_public().unwrap_or_else(|| k.clone()))
            .collect(),
    )
}

/// Decrypt options admitting every algorithm, RSA1_5 included (it is off by
/// default; vectors and peers use it).
pub fn all_algs() -> DecryptOptions {
    DecryptOptions {
        algs: JweAlg::ALL.to_vec(),
        ..DecryptOptions::default()
    }
}

/// The bytes of a hex string (as test vectors write them); panics on
/// anything else.
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The bytes of the hex string `v[name]` (a vector file's field).
pub fn hex_field(v: &Value, name: &str) -> Vec<u8> {
    hex(v[name]
        .as_str()
        .unwrap_or_else(|| panic!("no hex string {name:?} in {v}")))
}

/// The rejection code of a `--json`/`--lines` report, `""` for an accepted
/// token.
pub fn code_of(report: &Value) -> &str {
    report["error"]["code"].as_str().unwrap_or("")
}

/// A Firebase-style certificate map (`{kid: PEM, ...}`) holding
/// keys/cert-rsa2048.pem under each of `kids`.
pub fn certmap(kids: &[&str]) -> Value {
    let cert = String::from_utf8(read_data("keys/cert-rsa2048.pem")).expect("utf-8");
    kids.iter()
        .map(|k| ((*k).to_owned(), Value::String(cert.clone())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Runs `jose cert ARGS -o DIR/NAME`, which must succeed, and returns the
/// path it wrote.
pub fn make_cert(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let o = jose()
        .arg("cert")
        .args(args)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run jose");
    assert!(
        o.status.success(),
        "jose cert {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The permission bits of `p` (following symlinks), for the 0600 rules.
pub fn mode_of(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o7777
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// stdout of a successful run, as a String.
pub fn stdout_of(mut c: Command) -> String {
    let out = c.output().expect("run jose");
    assert!(
        out.status.success(),
        "jose failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// `--lines` output: one JSON report per line.
pub fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON report per line"))
        .collect()
}

/// Whether an external tool is on PATH.
pub fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool} >/dev/null 2>&1")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// A missing independent implementation or tool is a failure, never a
/// silent skip: `tests/interop/setup.sh` (the first half of the README's
/// test command) installs every one of them. Returns `true` so that callers
/// written as `if !require_tool(..) { return; }` read as before.
pub fn require_tool(tool: &str) -> bool {
    assert!(
        have(tool),
        "{tool} is required by this test: run `bash tests/interop/setup.sh` first"
    );
    true
}

/// A compact PBES2-HS256+A128KW JWE with iteration count `p2c` (written
/// as given: `2e9` and `"1000"` are JSON too) and dummy parts: enough to
/// reach the `p2c` bound, which comes before any work.
pub fn pbes2_token(p2c: impl std::fmt::Display) -> String {
    use jose::b64;
    let h = format!(
        r#"{{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAAAAAAAAAAAAAAAAAAAA","p2c":{p2c}}}"#
    );
    format!(
        "{}.{}.{}.{}.{}",
        b64::encode(h),
        b64::encode([1u8; 24]),
        b64::encode([0u8; 12]),
        b64::encode(b"abc"),
        b64::encode([0u8; 16])
    )
}

/// tests/interop: the independent implementations tests/interop/setup.sh
/// installs (.pydeps, node_modules, the go-jose driver) and their scripts.
pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// `python3` with PYTHONPATH at tests/interop/.pydeps (the releases
/// tests/interop/requirements.txt pins, not the system's), where the Python
/// package `module` must be installed: a missing one fails the test (never
/// skips it), like [`require_tool`].
pub fn interop_python(module: &str) -> std::process::Command {
    require_tool("python3");
    let deps = interop_dir().join(".pydeps");
    assert!(
        deps.join(module).is_dir(),
        "Python {module} is required in tests/interop/.pydeps: run `bash tests/interop/setup.sh` first"
    );
    let mut c = std::process::Command::new("python3");
    c.env("PYTHONPATH", deps);
    c
}

/// `node` run in tests/interop with NODE_PATH at its node_modules (ES
/// modules resolve from the folder, `require` in `-e` scripts from
/// NODE_PATH), where `package` must be installed: a missing one fails the
/// test.
pub fn interop_node(package: &str) -> std::process::Command {
    require_tool("node");
    let modules = interop_dir().join("node_modules");
    assert!(
        modules.join(package).is_dir(),
        "Node {package} is required in tests/interop/node_modules: run `bash tests/interop/setup.sh` first"
    );
    let mut c = std::process::Command::new("node");
    c.current_dir(interop_dir()).env("NODE_PATH", modules);
    c
}

/// The two independent JOSE implementations the JWS and JWE interop tests
/// exchange tokens with (go-jose has its own driver: tests/gojose.rs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Peer {
    /// Python jwcrypto.
    Jwcrypto,
    /// Node `jose` (panva).
    Node,
}

impl Peer {
    /// Its interpreter (see [`interop_python`], [`interop_node`]), to which
    /// the caller adds a script.
    pub fn command(self) -> std::process::Command {
        match self {
            Peer::Jwcrypto => interop_python("jwcrypto"),
            Peer::Node => interop_node("jose"),
        }
    }
}

/// Our `jose` under `/usr/bin/time -v`, for its peak memory
/// ([`max_rss_kib`] of its stderr); a missing `time` fails the test. The
/// environment is inherited, unlike [`jose`]'s.
pub fn timed_jose() -> std::process::Command {
    require_tool("/usr/bin/time");
    let mut c = std::process::Command::new("/usr/bin/time");
    c.arg("-v").arg(env!("CARGO_BIN_EXE_jose"));
    c
}

/// The peak RSS in KiB that `/usr/bin/time -v` wrote to `stderr`.
pub fn max_rss_kib(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in /usr/bin/time -v output: {stderr}"))
}

/// The fastest of `runs` runs of `f`: the least disturbed by other work on
/// the machine. Use it only in a ratio with another timing of the same test,
/// never against a fixed duration.
pub fn fastest(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("at least one run")
}

/// A path as the `&str` argument lists take.
pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A peer's run (Python, Node, openssl…), which must succeed: the test
/// fails with the peer's standard error otherwise.
pub fn peer_ok(c: &mut std::process::Command) -> std::process::Output {
    let out = c.output().expect("run the peer");
    assert!(
        out.status.success(),
        "{:?}: {}",
        c.get_program(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `openssl ARGS` as it ran (openssl is required, never skipped).
pub fn openssl(args: &[&str]) -> std::process::Output {
    require_tool("openssl");
    std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl")
}

/// `openssl ARGS`, which must succeed: its standard output.
pub fn openssl_ok(args: &[&str]) -> String {
    let out = openssl(args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
