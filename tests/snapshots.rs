//! The command-line interface as snapshots (trycmd): help texts, usage errors,
//! rejection lines and the `--json` shapes, one case per `.toml` under
//! `tests/cmd/`. A changed snapshot is a changed contract; `tests/cmd/README.md`
//! says how to re-bless them.

use std::path::Path;

/// The case files, listed apart from trycmd's glob, so that an empty glob or
/// a case that inherits the caller's environment fails instead of passing
/// unnoticed.
fn case_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            case_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = Vec::new();
    case_files(&root.join("tests/cmd"), &mut cases);
    assert!(cases.len() > 50, "only {} cases found", cases.len());
    for case in &cases {
        let text = std::fs::read_to_string(case).expect("read case");
        // No bin.name: a name trycmd cannot resolve is skipped, not failed.
        assert!(
            text.contains("env.inherit = false") && !text.contains("bin."),
            "{}: every case clears the environment and runs the default binary",
            case.display()
        );
    }

    // HOME and the key cache point into a fresh folder, so that no case can
    // read (or fill) the user's cache; the width is fixed for clap's help.
    let home = crate::util::tempdir();
    let home_str = home.path().to_str().expect("UTF-8 temp path");
    let cache = home.path().join("cache");
    let t = trycmd::TestCases::new();
    t.default_bin_path(env!("CARGO_BIN_EXE_jose"))
        .env("HOME", home_str)
        .env("XDG_CACHE_HOME", cache.to_str().expect("UTF-8 temp path"))
        .env("COLUMNS", "100")
        .env("LINES", "50")
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .case("tests/cmd/**/*.toml");
    t.run();
    assert!(!cache.exists(), "a snapshot case wrote the key cache");
}
