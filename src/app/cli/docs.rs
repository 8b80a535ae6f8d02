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

/// (file name under `man/`, roff) for `jose` and each subcommand: clap's
/// NAME, SYNOPSIS, DESCRIPTION, OPTIONS (and SUBCOMMANDS), then the text
/// of [`super::pages`]: EXAMPLES, EXIT STATUS, ENVIRONMENT, FILES, the
/// reference sections, SEE ALSO.
#[cfg(test)]
fn man_pages() -> Vec<(String, Vec<u8>)> {
    // `jose help` is clap's: no page of its own to refer to.
    let cmd = Cli::command().disable_help_subcommand(true);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    let mut pages = vec![("jose.1".to_owned(), man_page(cmd.clone(), None, &subs))];
    for sub in cmd.get_subcommands() {
        let name = format!("jose-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .version(env!("CARGO_PKG_VERSION"));
        pages.push((
            format!("{name}.1"),
            man_page(page, Some(sub.get_name()), &subs),
        ));
    }
    pages
}

/// One page: clap_mangen's sections, ours, then the version.
#[cfg(test)]
fn man_page(mut cmd: clap::Command, sub: Option<&str>, subs: &[String]) -> Vec<u8> {
    // Built, so that clap's own --help and --version are among the arguments.
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    // Rendering into a Vec cannot fail for I/O reasons.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut out);
    }
    if cmd.has_subcommands() {
        let _ = man.render_subcommands_section(&mut out);
    }
    let mut roff = String::new();
    extra_sections(&mut roff, sub, subs);
    out.extend_from_slice(roff.as_bytes());
    let _ = man.render_version_section(&mut out);
    out
}

/// Plain text as roff: backslashes and minus signs escaped (so that
/// `--flag` copies as typed), control characters at a line start made
/// literal.
#[cfg(test)]
fn roff_text(s: &str) -> String {
    s.lines()
        .map(|l| {
            let l = l.replace('\\', "\\e").replace('-', "\\-");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
fn extra_sections(r: &mut String, sub: Option<&str>, subs: &[String]) {
    use std::fmt::Write;

    use super::pages::{self, Rejects};

    let page = pages::page(sub);
    if !page.examples.is_empty() {
        r.push_str(".SH EXAMPLES\n");
        for e in page.examples {
            let _ = write!(
                r,
                ".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n",
                e.what,
                roff_text(e.run)
            );
        }
    }

    r.push_str(".SH \"EXIT STATUS\"\n");
    let mut status = |code: &str, text: &str| {
        let _ = write!(r, ".TP\n\\fB{code}\\fR\n{text}\n");
    };
    status(
        "0",
        match page.rejects {
            Rejects::Verify | Rejects::Decrypt | Rejects::All => {
                "Success: every input was accepted."
            }
            _ => "Success.",
        },
    );
    match page.rejects {
        Rejects::Never => {}
        Rejects::TooLarge => status(
            "1",
            "The input was rejected: larger than \\fB\\-\\-max\\-input\\fR (too_large).",
        ),
        _ => status(
            "1",
            "An input was rejected; the rejection code below ends the error line (and is \\fBerror.code\\fR of a \\fB\\-\\-json\\fR report).",
        ),
    }
    status(
        "2",
        "Usage or local input error: bad flags, an unreadable file, an unusable or mismatched key, an unknown algorithm name on the command line, an existing output file without \\fB\\-\\-force\\fR.",
    );
    if page.remote {
        status(
            "3",
            "A remote key source could not be used: network error, HTTP error, timeout, bad discovery document. The error line names the URL and what to do next.",
        );
    }
    let codes = pages::codes(page.rejects);
    if codes.len() > 1 {
        r.push_str(".PP\nRejection codes:\n");
        for c in codes {
            let _ = write!(r, ".TP\n\\fB{}\\fR\n{}\n", c, pages::code_meaning(c));
        }
    }

    r.push_str(".SH ENVIRONMENT\n");
    let mut env = |name: &str, text: &str| {
        let _ = write!(r, ".TP\n\\fB{name}\\fR\n{text}\n");
    };
    if page.secret_env {
        env(
            "VAR (\\-\\-secret\\-env, \\-\\-password\\-env)",
            "The variable these flags name holds the secret or password (its bytes, as is).",
        );
    }
    if page.cache {
        env(
            "XDG_CACHE_HOME, HOME",
            "The key cache is \\fB$XDG_CACHE_HOME/jose\\fR, else \\fB$HOME/.cache/jose\\fR.",
        );
    }
    if page.remote {
        env(
            "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
            "The proxy for https and http fetches, and the hosts that bypass it, as curl reads them (either case; ALL_PROXY may be socks5h://).",
        );
        env(
            "SSL_CERT_FILE, SSL_CERT_DIR",
            "Root certificates trusted for https fetches, beside the system's.",
        );
    }
    env(
        "NO_COLOR",
        "When set, help and usage messages are not coloured.",
    );

    if page.cache {
        r.push_str(".SH FILES\n");
        let _ = write!(
            r,
            ".TP\n\\fB$XDG_CACHE_HOME/jose/keys/\\fR (default \\fB~/.cache/jose/keys/\\fR)\nRemote key sets, one file per URL (named by a hash of it), kept as long as the server's Cache\\-Control allows (at most 24 h). The folder is created with mode 0700 and its files 0600; a file owned by another user or writable by group or others is ignored. Deleting the folder is always safe.\n"
        );
    }

    for (heading, paragraphs) in page.sections {
        let _ = writeln!(r, ".SH \"{heading}\"");
        for p in *paragraphs {
            let _ = writeln!(r, ".PP\n{p}");
        }
        if *heading == "ALGORITHMS" {
            for (what, names) in pages::algorithms() {
                let _ = write!(r, ".TP\n{what}\n{}\n", roff_text(&names.join(" ")));
            }
        }
    }

    r.push_str(".SH \"SEE ALSO\"\n");
    let refs: Vec<String> = match sub {
        None => subs
            .iter()
            .map(|s| format!("\\fBjose\\-{s}\\fR(1)"))
            .collect(),
        Some(_) => std::iter::once("\\fBjose\\fR(1)".to_owned()).collect(),
    };
    let _ = writeln!(r, "{}", refs.join(", "));
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

    /// Every page is a full reference (cli.md: completions): the sections
    /// a user looks for, the rejection codes where a command can reject,
    /// the cache where it is used, and no page referred to that is not made.
    #[test]
    fn man_pages_have_every_section() {
        let pages = man_pages();
        let names: Vec<String> = pages.iter().map(|(n, _)| n.replace(".1", "")).collect();
        for (name, roff) in &pages {
            let text = String::from_utf8_lossy(roff);
            for section in [
                ".SH NAME",
                ".SH SYNOPSIS",
                ".SH DESCRIPTION",
                ".SH OPTIONS",
                ".SH EXAMPLES",
                ".SH \"EXIT STATUS\"",
                ".SH ENVIRONMENT",
                ".SH \"SEE ALSO\"",
            ] {
                assert!(text.contains(section), "{name}: no {section}");
            }
            for referred in text.split("\\fB").filter_map(|t| t.split_once("\\fR(1)")) {
                let page = referred.0.replace("\\-", "-");
                assert!(names.contains(&page), "{name} refers to {page}(1)");
            }
        }
        let page = |n: &str| {
            let (_, roff) = pages.iter().find(|(p, _)| p == n).expect("page");
            String::from_utf8_lossy(roff).into_owned()
        };
        for n in ["jose.1", "jose-verify.1", "jose-decrypt.1"] {
            let p = page(n);
            assert!(
                p.contains("no_matching_key") && p.contains("malformed"),
                "{n}"
            );
        }
        for n in ["jose.1", "jose-verify.1"] {
            let p = page(n);
            assert!(
                p.contains(".SH FILES") && p.contains("SSL_CERT_FILE"),
                "{n}"
            );
            assert!(
                p.contains("XDG_CACHE_HOME") && p.contains("HTTPS_PROXY"),
                "{n}"
            );
        }
        assert!(
            page("jose.1").contains("ES256 ES384"),
            "jose.1 lists algorithms"
        );
        assert!(
            !page("jose.1").contains("jose\\-help"),
            "jose.1 names jose-help"
        );
    }

    #[test]
    fn man_pages_are_current() {
        check("man", man_pages());
    }
}
