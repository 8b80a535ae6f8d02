//! Completions and man pages, rendered from the one clap definition. The
//! committed `completions/` and `man/` are checked against these by the
//! tests below; `JOSE_BLESS=1 cargo test --bin jose sync_docs` regenerates them.

use clap::CommandFactory;
use clap_complete::Shell as CShell;

use super::{Cli, Shell};

fn to_clap(shell: Shell) -> CShell {
    match shell {
        Shell::Bash => CShell::Bash,
        Shell::Zsh => CShell::Zsh,
        Shell::Fish => CShell::Fish,
        Shell::Elvish => CShell::Elvish,
        Shell::Powershell => CShell::PowerShell,
    }
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(to_clap(shell), &mut cmd, "jose", &mut out);
    out
}

/// (file name under `completions/`, content) for every shell.
#[cfg(test)]
fn completion_files() -> Vec<(&'static str, Vec<u8>)> {
    [
        (Shell::Bash, "jose.bash"),
        (Shell::Zsh, "_jose"),
        (Shell::Fish, "jose.fish"),
        (Shell::Elvish, "jose.elv"),
        (Shell::Powershell, "_jose.ps1"),
    ]
    .into_iter()
    .map(|(s, name)| (name, completion(s)))
    .collect()
}

/// (file name under `man/`, roff) for `jose` and each subcommand.
#[cfg(test)]
fn man_pages() -> Vec<(String, Vec<u8>)> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    let mut render = |name: String, c: clap::Command| {
        let mut out = Vec::new();
        // Rendering into a Vec cannot fail for I/O reasons.
        if clap_mangen::Man::new(c).render(&mut out).is_ok() {
            pages.push((name, out));
        }
    };
    render("jose.1".into(), cmd.clone());
    for sub in cmd.get_subcommands() {
        let name = format!("jose-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .version(env!("CARGO_PKG_VERSION"));
        render(format!("{name}.1"), sub);
    }
    pages
}

/// The committed `completions/` and `man/` must equal what the code
/// generates.
#[cfg(test)]
mod sync_docs {
    use std::path::Path;

    use super::{completion_files, man_pages};

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
            "generated files are out of date: {stale:?}\nregenerate with: JOSE_BLESS=1 cargo test --bin jose sync_docs"
        );
    }

    #[test]
    fn completions_are_current() {
        let files = completion_files()
            .into_iter()
            .map(|(n, c)| (n.to_owned(), c))
            .collect();
        check("completions", files);
    }

    #[test]
    fn man_pages_are_current() {
        check("man", man_pages());
    }
}
