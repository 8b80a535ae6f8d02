//! The committed `completions/` and `man/` must equal what the code
//! generates. Regenerate with: `JOSE_BLESS=1 cargo test --test integration sync_docs`.

use std::path::Path;

use jose::cli::docs;

fn check(dir: &str, files: Vec<(String, Vec<u8>)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let bless = std::env::var_os("JOSE_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&root).expect("create dir");
    }
    let mut stale = Vec::new();
    for (name, want) in &files {
        let path = root.join(name);
        if bless {
            std::fs::write(&path, want).expect("write generated file");
            continue;
        }
        match std::fs::read(&path) {
            Ok(have) if have == *want => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {stale:?}\nregenerate with: JOSE_BLESS=1 cargo test --test integration sync_docs"
    );
}

#[test]
fn completions_are_current() {
    let files = docs::completion_files()
        .into_iter()
        .map(|(n, c)| (n.to_owned(), c))
        .collect();
    check("completions", files);
}

#[test]
fn man_pages_are_current() {
    check("man", docs::man_pages());
}
