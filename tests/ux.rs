//! Issue 16, the operator's points that a snapshot cannot pin: what
//! depends on what standard input is (a file with bytes waiting, a
//! terminal), and the README's quick start run step by step.

use std::process::Stdio;

use crate::util::{jose, key_path, require_tool, tempdir};

/// Claim flags, no FILE, and bytes waiting on standard input: the claims
/// come from the flags (cli.md: sign) and standard error says the input was
/// not read. With `-` the object is merged, without a warning. (A file, not
/// a pipe: a pipe's writer may not have written when jose looks.)
#[test]
fn sign_names_the_standard_input_it_does_not_read() {
    let dir = tempdir();
    let piped = dir.path().join("payload.json");
    std::fs::write(&piped, "{\"x\":1}\n").expect("write payload");
    let run = |extra: &[&str]| {
        // std's Command: assert_cmd's writes standard input through a pipe.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jose"))
            .env_clear()
            .args([
                "sign",
                "-k",
                &key_path("rsa2048.pkcs8.pem"),
                "--sub",
                "alice",
            ])
            .args(extra)
            .stdin(Stdio::from(std::fs::File::open(&piped).expect("open")))
            .output()
            .expect("run jose");
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        let token = String::from_utf8(out.stdout).expect("UTF-8");
        let payload = token.trim().split('.').nth(1).expect("a compact JWS");
        let claims: serde_json::Value =
            serde_json::from_slice(&jose::b64::decode(payload).expect("base64url")).expect("JSON");
        (claims, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (claims, err) = run(&[]);
    assert_eq!(claims.get("x"), None);
    assert_eq!(claims["sub"], "alice");
    assert!(
        err.contains("jose: warning: standard input is not read") && err.contains("give - as FILE"),
        "{err}"
    );
    let (claims, err) = run(&["-"]);
    assert_eq!(claims["x"], 1);
    assert_eq!(claims["sub"], "alice");
    assert!(err.is_empty(), "{err}");
}

/// A read from a terminal says so once, on standard error, before it waits.
#[test]
fn reading_a_terminal_says_so_once() {
    require_tool("script");
    let dir = tempdir();
    let log = dir.path().join("typescript");
    // `script` gives jose a terminal; its own input is at its end at once,
    // so the read ends.
    let cmd = format!(
        "{} verify -k {}",
        env!("CARGO_BIN_EXE_jose"),
        key_path("rsa2048.spki.pem")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd])
        .arg(&log)
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    let text = String::from_utf8_lossy(&out.stdout);
    let note = "jose: reading the token from standard input (the terminal); end it with Ctrl-D";
    assert_eq!(text.matches(note).count(), 1, "{text}");

    // Not a terminal: no note.
    let out = jose()
        .args(["verify", "-k", &key_path("rsa2048.spki.pem")])
        .write_stdin("x")
        .output()
        .expect("run jose");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("reading"),
        "{out:?}"
    );
}

/// A key source that cannot be reached: exit 3, one line, the URL once, a
/// plain reason and the next step (cli.md: Outputs, Errors).
#[test]
fn an_unreachable_key_source_says_what_to_do() {
    // A loopback port that was free a moment ago: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("https://127.0.0.1:{port}/jwks.json");
    let token =
        std::fs::read_to_string(crate::util::data("../cmd/fixtures/rs256.jwt")).expect("fixture");
    let out = jose()
        .args(["verify", "-k", &url, token.trim()])
        .output()
        .expect("run jose");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches(&url).count(), 1, "{err}");
    assert!(err.contains("connection refused"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    assert!(
        err.contains("--offline uses cached keys, or give a saved key set with -k FILE"),
        "{err}"
    );
}

/// TAB completes registered names: the bash script offers them for
/// `--alg`, `--enc`, `--curve` and `--kty` (cli.md: completions).
#[test]
fn completions_offer_the_registered_names() {
    let out = jose()
        .args(["completions", "bash"])
        .output()
        .expect("run jose");
    let script = String::from_utf8(out.stdout).expect("UTF-8");
    for (flag, some) in [
        ("--alg", "ES256"),
        ("--alg", "RSA-OAEP-256"),
        ("--enc", "A256GCM"),
        ("--curve", "P-256"),
        ("--kty", "EC"),
    ] {
        let offered = script.split(&format!("{flag})")).skip(1).any(|case| {
            case.lines()
                .nth(1)
                .is_some_and(|l| l.contains("compgen -W") && l.contains(some))
        });
        assert!(offered, "{flag} does not complete {some}");
    }
}

/// `--kty` takes JOSE's own spellings in any case (cli.md: keygen).
#[test]
fn kty_takes_the_jose_spelling() {
    for (kty, want) in [("EC", "EC"), ("ec", "EC"), ("OKP", "OKP"), ("Oct", "oct")] {
        let out = jose()
            .args(["keygen", "--kty", kty, "--format", "jwk"])
            .output()
            .expect("run jose");
        assert_eq!(out.status.code(), Some(0), "{kty}: {out:?}");
        let jwk: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JWK");
        assert_eq!(jwk["kty"], want, "{kty}");
    }
}

/// The README's quick start runs literally, line by line, in an empty
/// directory, with this build's `jose` first on PATH (Debian's unrelated
/// `jose` must not answer): every step must succeed.
#[cfg(unix)]
#[test]
fn readme_quick_start_runs_step_by_step() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("\n## Quick start")
        .nth(1)
        .expect("a Quick start section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a sh block in the Quick start");
    let steps: Vec<&str> = block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    assert!(steps.len() >= 5, "quick start: {steps:?}");

    let bin = tempdir();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_jose"), bin.path().join("jose"))
        .expect("symlink jose");
    let path = match std::env::var_os("PATH") {
        Some(p) => {
            let mut dirs = vec![bin.path().to_path_buf()];
            dirs.extend(std::env::split_paths(&p));
            std::env::join_paths(dirs).expect("PATH")
        }
        None => bin.path().as_os_str().to_owned(),
    };
    let work = tempdir();
    let home = tempdir();
    for step in steps {
        let out = std::process::Command::new("sh")
            .args(["-c", step])
            .current_dir(work.path())
            .env_clear()
            .env("PATH", &path)
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .stdin(Stdio::null())
            .output()
            .expect("run sh");
        assert!(
            out.status.success(),
            "README quick start step failed ({}): {step}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        if step.starts_with("jose decrypt") {
            assert_eq!(out.stdout, br#"{"sub":"alice"}"#, "{step}");
        }
    }
}
