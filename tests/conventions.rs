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
