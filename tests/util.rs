//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

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

pub fn read_data(rel: &str) -> Vec<u8> {
    let p = data(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
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

/// A compact PBES2-HS256+A128KW JWE with iteration count `p2c` and dummy
/// parts: enough to reach the `p2c` bound, which comes before any work.
pub fn pbes2_token(p2c: u64) -> String {
    use jose::jose::b64;
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
