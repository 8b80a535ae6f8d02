//! Replays the committed fuzz corpora (`tests/fuzz/corpus/<target>/`)
//! through the same harness the cargo-fuzz targets use: every file must
//! return normally (a panic fails the test with the file's name). Seeds of
//! `verify` and `decrypt` must also be accepted, which proves the fixed key
//! set the fuzzer runs against is the one the seeds were made for.

use std::path::{Path, PathBuf};

#[path = "fuzz/harness.rs"]
mod harness;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    files
}

fn is_seed(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("seed-"))
}

/// Runs `f` on every file; a panic names the file.
fn replay(target: &str, f: impl Fn(&Path, &[u8])) {
    for p in corpus(target) {
        let data = std::fs::read(&p).expect("corpus file");
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&p, &data)));
        assert!(r.is_ok(), "{target}: {} panicked", p.display());
    }
}

#[test]
fn parse_token_corpus_replays() {
    replay("parse_token", |_, d| harness::parse_token(d));
}

#[test]
fn parse_key_corpus_replays() {
    replay("parse_key", |_, d| harness::parse_key(d));
}

#[test]
fn verify_corpus_replays_and_its_seeds_verify() {
    replay("verify", |p, d| {
        let ok = harness::verify(d);
        assert!(ok || !is_seed(p), "seed {} does not verify", p.display());
    });
}

#[test]
fn decrypt_corpus_replays_and_its_seeds_decrypt() {
    replay("decrypt", |p, d| {
        let ok = harness::decrypt(d);
        assert!(ok || !is_seed(p), "seed {} does not decrypt", p.display());
    });
}
