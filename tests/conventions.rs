//! The conventions every subcommand shares (cli.md "Conventions").

use predicates::prelude::*;

use crate::util::*;

#[test]
fn usage_errors_are_one_line_with_exit_2() {
    let out = jose().args(["verify", "--bogus"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("jose: error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn help_and_version_succeed() {
    jose()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: jose"));
    jose()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        jose()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("jose"));
    }
    jose().args(["completions", "tcsh"]).assert().code(2);
}

/// A compact HS256 token over `payload`, and the secret file that verifies it.
fn hs256(dir: &std::path::Path, payload: &[u8]) -> (String, std::path::PathBuf) {
    let secret = dir.join("secret.bin");
    std::fs::write(&secret, b"0123456789abcdef0123456789abcdef").expect("write secret");
    let pl = dir.join("payload.bin");
    std::fs::write(&pl, payload).expect("write payload");
    let mut c = jose();
    c.args(["sign", "--secret-file"]).arg(&secret).arg(&pl);
    (stdout_of(c).trim().to_owned(), secret)
}

#[test]
fn token_sources_literal_stdin_at_file_bearer_and_urls() {
    let dir = tempdir();
    let (t, secret) = hs256(dir.path(), b"{\"sub\":\"x\"}");
    let file = dir.path().join("token.txt");
    std::fs::write(&file, format!("  Bearer {t}\n")).expect("write token");
    let check = |c: &mut assert_cmd::Command| {
        c.assert().success().stdout("{\"sub\":\"x\"}");
    };
    check(
        jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .arg(&t),
    );
    check(
        jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .arg(format!("@{}", file.display())),
    );
    check(
        jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .write_stdin(format!("bearer {t}\r\n")),
    );
    check(
        jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .arg("-")
            .write_stdin(t.clone()),
    );
    check(
        jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .arg(format!("BEARER {t}")),
    );
    for url in [
        format!("https://hub.example/chat?id=7&access_token={t}"),
        format!("https://app.example/callback#state=s&id_token={t}&token_type=Bearer"),
        format!("wss://hub.example/ws?token={t}"),
    ] {
        check(
            jose()
                .args(["verify", "--secret-file"])
                .arg(&secret)
                .arg(url),
        );
    }
    // Only a text that starts with a scheme is a URL: a verdict never
    // applies to a token found somewhere inside other text.
    for text in [
        format!("garbage?token={t}"),
        format!("see https://hub.example/?token={t}"),
        format!("/callback#id_token={t}"),
    ] {
        jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .arg(&text)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("malformed"));
    }
}

#[test]
fn at_most_one_input_reads_stdin() {
    let dir = tempdir();
    let (t, _) = hs256(dir.path(), b"{}");
    // Every command checks the rule before it reads anything, so the error
    // names the two inputs whatever standard input holds.
    for args in [
        &["verify", "--secret-file", "-", "-"][..],
        &["verify", "-k", "-"],
        &["verify", "-k", "x.pem", "--key-password-file", "-"],
        &["decrypt", "-k", "-"],
        &[
            "decrypt",
            "-k",
            "k.pem",
            "--verify-key",
            "-",
            "--password-file",
            "x",
        ],
        &["decrypt", "--password-file", "-"],
        &["encrypt", "-k", "-"],
        &["encrypt", "-k", "k.pem", "--password-file", "-", "-"],
        &["sign", "-k", "-"],
        &["sign", "--secret-file", "-", "--sub", "a", "-"],
        &["key", "-", "-"],
        &["key", "--key-password-file", "-"],
        &[
            "cert",
            "-k",
            "-",
            "--ca-cert",
            "-",
            "--ca-key",
            "ca.pem",
            "--cn",
            "x",
        ],
    ] {
        let out = jose()
            .current_dir(dir.path())
            .args(args)
            .write_stdin(t.clone())
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("would read standard input"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn payloads_are_exact_bytes_and_tokens_end_with_one_newline() {
    let dir = tempdir();
    let payload = b"\x00\x01binary\xff\n\n";
    let (t, secret) = hs256(dir.path(), payload);
    let out = jose()
        .args(["verify", "--secret-file"])
        .arg(&secret)
        .arg(&t)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(out.stdout, payload, "not a terminal: no newline added");
    let mut c = jose();
    c.args(["sign", "--secret-file"])
        .arg(&secret)
        .arg(dir.path().join("payload.bin"));
    let signed = stdout_of(c);
    assert!(signed.ends_with('\n') && !signed.ends_with("\n\n"));
    assert_eq!(signed.matches('\n').count(), 1);
}

#[test]
fn input_over_max_input_is_too_large() {
    let dir = tempdir();
    let (t, secret) = hs256(dir.path(), b"{}");
    let out = jose()
        .args(["verify", "--max-input", "16", "--json", "--secret-file"])
        .arg(&secret)
        .arg(&t)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("too_large"), "{err}");
}

#[test]
fn secrets_on_argv_warn() {
    let dir = tempdir();
    let (t, _) = hs256(dir.path(), b"{}");
    jose()
        .args(["verify", "--secret", "0123456789abcdef0123456789abcdef", &t])
        .assert()
        .success()
        .stderr(predicate::str::contains("argv").or(predicate::str::contains("command line")));
}

#[test]
fn output_files_are_atomic_private_and_never_clobbered() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    jose()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(&key)
        .assert()
        .success();
    let mode = crate::util::mode_of(&key);
    assert_eq!(mode, 0o600);
    let before = std::fs::read(&key).expect("read");
    let out = jose()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(&key)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read(&key).expect("read"),
        before,
        "file must be unchanged"
    );
    // The decrypted plaintext is a secret too.
    let pt = dir.path().join("pt.bin");
    std::fs::write(&pt, b"secret plaintext").expect("write");
    let jwk = dir.path().join("k.jwk");
    jose()
        .args(["keygen", "--alg", "A256KW", "-o"])
        .arg(&jwk)
        .assert()
        .success();
    let mut enc = jose();
    enc.args(["encrypt", "-k"]).arg(&jwk).arg(&pt);
    let jwe = stdout_of(enc);
    let out_file = dir.path().join("out.bin");
    jose()
        .args(["decrypt", "-k"])
        .arg(&jwk)
        .arg("-o")
        .arg(&out_file)
        .arg(jwe.trim())
        .assert()
        .success();
    assert_eq!(std::fs::read(&out_file).expect("read"), b"secret plaintext");
    let mode = crate::util::mode_of(&out_file);
    assert_eq!(mode, 0o600, "plaintext written 0600");
    jose()
        .args(["decrypt", "-k"])
        .arg(&jwk)
        .arg("-o")
        .arg(&out_file)
        .arg(jwe.trim())
        .assert()
        .code(2);
    jose()
        .args(["decrypt", "--force", "-k"])
        .arg(&jwk)
        .arg("-o")
        .arg(&out_file)
        .arg(jwe.trim())
        .assert()
        .success();
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let dir = tempdir();
    let big = vec![b'a'; 4 << 20];
    let (t, secret) = hs256(dir.path(), &big);
    // `jose verify … | true`: the reader goes away without reading.
    let tok = dir.path().join("big.tok");
    std::fs::write(&tok, &t).expect("write");
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' verify --secret-file '{}' @'{}' | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            env!("CARGO_BIN_EXE_jose"),
            secret.display(),
            tok.display()
        ))
        .output()
        .expect("sh");
    let err = String::from_utf8_lossy(&status.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert_eq!(String::from_utf8_lossy(&status.stdout).trim(), "0", "{err}");
}

#[test]
fn every_rejection_is_one_line_with_its_code() {
    let out = jose()
        .args([
            "verify",
            "--secret",
            "0123456789abcdef0123456789abcdef",
            "not.a.token!",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("jose: warning"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("jose: error: ") && lines[0].contains("malformed"),
        "{err}"
    );
}

#[test]
fn output_to_a_character_device_writes_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir();
    let (t, secret) = hs256(dir.path(), b"{\"a\":1}");
    for force in [false, true] {
        let mut c = jose();
        c.args(["verify", "--secret-file"])
            .arg(&secret)
            .args(["-o", "/dev/null"]);
        if force {
            c.arg("--force");
        }
        c.arg(&t).assert().success();
        let meta = std::fs::metadata("/dev/null").expect("stat /dev/null");
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null must stay a device"
        );
    }
}

/// A FIFO, a socket or a symlink someone planted where `-o` points is
/// never written without `--force`: whoever reads the pipe would get the
/// secret, and with no reader the command would hang.
#[test]
fn an_existing_fifo_socket_or_symlink_is_never_written_without_force() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir();
    let (t, secret) = hs256(dir.path(), b"{\"a\":1}");
    let fifo = dir.path().join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success());
    assert!(matches!(ok, Ok(true)), "mkfifo");
    let to_fifo = dir.path().join("to-pipe");
    std::os::unix::fs::symlink(&fifo, &to_fifo).expect("symlink");
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
    let sock = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind socket");
    let key = dir.path().join("k.jwk");
    for target in [&fifo, &to_fifo, &dangling, &sock] {
        // keygen writes a private key; decrypt-like secrets are the same rule.
        let out = jose()
            .args(["keygen", "--alg", "HS256", "-o"])
            .arg(target)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--force"), "{err}");
        let out = jose()
            .args(["verify", "--secret-file"])
            .arg(&secret)
            .arg("-o")
            .arg(target)
            .arg(&t)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
    }
    assert!(!key.exists());
    assert!(
        std::fs::symlink_metadata(&dangling)
            .expect("stat")
            .file_type()
            .is_symlink(),
        "the dangling symlink is left alone"
    );
    // Asked for by name with --force, a pipe is written into, not replaced.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
    };
    jose()
        .args(["verify", "--force", "--secret-file"])
        .arg(&secret)
        .arg("-o")
        .arg(&fifo)
        .arg(&t)
        .assert()
        .success();
    assert_eq!(reader.join().expect("reader"), b"{\"a\":1}");
    assert!(
        std::fs::metadata(&fifo)
            .expect("stat")
            .file_type()
            .is_fifo()
    );
}

/// Plaintexts are secrets in every output mode: `--json` and `--lines`
/// reports carry them too.
#[test]
fn plaintext_files_are_0600_in_every_mode() {
    let dir = tempdir();
    let jwk = dir.path().join("k.jwk");
    jose()
        .args(["keygen", "--alg", "A256KW", "-o"])
        .arg(&jwk)
        .assert()
        .success();
    let pt = dir.path().join("pt.txt");
    std::fs::write(&pt, b"secret plaintext").expect("write");
    let mut enc = jose();
    enc.args(["encrypt", "-k"]).arg(&jwk).arg(&pt);
    let jwe = stdout_of(enc);
    let lines = dir.path().join("tokens.txt");
    std::fs::write(&lines, &jwe).expect("write");
    let modes: [(&str, &[&str]); 3] = [
        ("plain.out", &[]),
        ("json.out", &["--json"]),
        ("lines.out", &["--lines"]),
    ];
    for (name, flags) in modes {
        let out = dir.path().join(name);
        let mut c = jose();
        c.args(["decrypt", "-k"])
            .arg(&jwk)
            .args(flags)
            .arg("-o")
            .arg(&out);
        if flags.contains(&"--lines") {
            c.arg(format!("@{}", lines.display()));
        } else {
            c.arg(jwe.trim());
        }
        c.assert().success();
        let body = std::fs::read_to_string(&out).expect("read");
        assert!(body.contains("secret plaintext"), "{name}: {body}");
        let mode = crate::util::mode_of(&out);
        assert_eq!(mode, 0o600, "{name} written {mode:o}");
    }
}

/// Text from the input never reaches the terminal raw: a key id or a
/// certificate name holding ESC, BEL, DEL, a C1 CSI or a line break is
/// shown escaped, in the human form, in `--json`, and in error lines.
#[test]
fn control_characters_from_the_input_are_escaped() {
    let kid = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{7f}\nforged line";
    let jwk = serde_json::json!({"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0","kid":kid});
    let text = jwk.to_string();
    for json in [false, true] {
        let mut c = jose();
        c.arg("inspect").arg(&text);
        if json {
            c.arg("--json");
        }
        let out = stdout_of(c);
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "raw control character in {out:?}"
        );
        assert!(!out.contains("\nforged line"), "{out}");
        if json {
            let v: serde_json::Value = serde_json::from_str(&out).expect("json");
            assert_eq!(v["keys"][0]["kid"], kid, "the JSON value is unchanged");
        }
    }
    // An unknown kid quoted in an error line stays one inert line.
    let dir = tempdir();
    let secret = dir.path().join("s");
    std::fs::write(&secret, b"0123456789abcdef0123456789abcdef").expect("write");
    let mut sign = jose();
    sign.args(["sign", "--kid", kid, "--secret-file"])
        .arg(&secret)
        .args(["--sub", "a"]);
    let t = stdout_of(sign);
    let key = dir.path().join("k.jwk");
    std::fs::write(
        &key,
        r#"{"kty":"oct","kid":"other","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}"#,
    )
    .expect("write");
    let out = jose()
        .args(["verify", "-k"])
        .arg(&key)
        .arg(t.trim())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Binary output never goes to a terminal, whichever command writes it: the
/// rule lives in the writer (`io::output`), so `cert` keeps it as `keygen`
/// and `key` do. `script` gives the command a pseudo-terminal.
#[test]
fn binary_der_is_never_written_to_a_terminal() {
    require_tool("script");
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    jose()
        .args(["keygen", "--kty", "ec", "-o"])
        .arg(&key)
        .assert()
        .success();
    let bin = env!("CARGO_BIN_EXE_jose");
    let k = key.display();
    for cmd in [
        format!("{bin} keygen --kty ec --format der"),
        format!("{bin} key {k} --to der"),
        format!("{bin} cert -k {k} --cn t --format der"),
    ] {
        let out = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .output()
            .expect("script");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {text}");
        assert!(
            text.contains("refusing to write binary DER to a terminal"),
            "{cmd}: {text}"
        );
        // Redirected, the same command writes the DER.
        let piped = std::process::Command::new("sh")
            .args(["-c", &format!("{cmd} | od -An -tx1 -N1")])
            .output()
            .expect("sh");
        assert_eq!(String::from_utf8_lossy(&piped.stdout).trim(), "30", "{cmd}");
    }
}

/// A key's own JWK `alg`, `use` and `key_ops` mean the same for every
/// operation (`Key::permits`): an unknown `alg`, or a `use` that is not the
/// operation's, refuses the key for decryption as it always did for
/// verification (decryption used to accept both).
#[test]
fn key_metadata_restricts_decrypt_as_it_restricts_verify() {
    let dir = tempdir();
    let enc_key = dir.path().join("enc.jwk");
    let sig_key = dir.path().join("sig.jwk");
    jose()
        .args(["keygen", "--alg", "A128KW", "-o"])
        .arg(&enc_key)
        .assert()
        .success();
    jose()
        .args(["keygen", "--alg", "HS256", "-o"])
        .arg(&sig_key)
        .assert()
        .success();
    let jwe = stdout_of({
        let mut c = jose();
        c.args(["encrypt", "-k"])
            .arg(&enc_key)
            .arg("-")
            .write_stdin("hi");
        c
    });
    let jws = stdout_of({
        let mut c = jose();
        c.args(["sign", "-k"])
            .arg(&sig_key)
            .arg("-")
            .write_stdin("hi");
        c
    });
    let edit = |path: &std::path::Path, member: &str, value: &str| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).expect("read")).expect("jwk");
        v[member] = value.into();
        let out = dir.path().join(format!("edited-{member}-{value}.jwk"));
        std::fs::write(&out, v.to_string()).expect("write");
        out
    };
    // As made, each key does its own job.
    jose()
        .args(["decrypt", "-k"])
        .arg(&enc_key)
        .arg(jwe.trim())
        .assert()
        .success();
    jose()
        .args(["verify", "-k"])
        .arg(&sig_key)
        .arg(jws.trim())
        .assert()
        .success();
    for (member, value) in [("alg", "XYZ-unknown"), ("use", "foo")] {
        let k = edit(&enc_key, member, value);
        jose()
            .args(["decrypt", "-k"])
            .arg(&k)
            .arg(jwe.trim())
            .assert()
            .code(1);
        let k = edit(&sig_key, member, value);
        jose()
            .args(["verify", "-k"])
            .arg(&k)
            .arg(jws.trim())
            .assert()
            .code(1);
    }
    // A `use` that contradicts the key's own `alg` is refused when the key
    // is read, for every command.
    for (key, cmd, token) in [(&enc_key, "decrypt", &jwe), (&sig_key, "verify", &jws)] {
        let other = if cmd == "decrypt" { "sig" } else { "enc" };
        jose()
            .args([cmd, "-k"])
            .arg(edit(key, "use", other))
            .arg(token.trim())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("contradicts"));
    }
}
