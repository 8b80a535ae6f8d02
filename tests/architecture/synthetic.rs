//! The analyser on small trees written to a temporary directory.

use super::*;

/// The smallest tree that keeps the table, plus `extra` files. It passes only if
/// `crate::Error` follows lib.rs's re-export down to model/ and main.rs may print.
fn tree(extra: &[(&str, &str)]) -> (tempfile::TempDir, Findings) {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = [
        (
            "lib.rs",
            "pub mod model;\npub mod fs;\npub mod crypto;\npub mod codec;\npub mod ops;\npub mod remote;\npub use model::error::Error;\n",
        ),
        ("model/mod.rs", "pub mod error;\n"),
        ("model/error.rs", "pub struct Error;\n"),
        ("fs.rs", "pub fn write() {}\n"),
        ("crypto/mod.rs", "use ring::digest;\npub fn sha256() {}\n"),
        ("codec/mod.rs", "pub mod b64;\npub use b64::decode;\n"),
        (
            "codec/b64.rs",
            "use crate::Error;\nuse super::decode as _d;\npub fn decode() -> Result<(), Error> { crate::crypto::sha256(); Ok(()) }\n",
        ),
        ("ops/mod.rs", "use crate::codec::b64;\n"),
        ("remote/mod.rs", "use crate::model::error::Error;\n"),
        (
            "main.rs",
            "use std::process::ExitCode;\nfn main() -> ExitCode { println!(\"hi\"); ExitCode::SUCCESS }\n",
        ),
    ];
    for (path, text) in base.iter().chain(extra) {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let f = analyse(
        dir.path(),
        &Table {
            layers: LAYERS,
            stack: STACK,
        },
    )
    .1;
    (dir, f)
}

fn offences(f: &Findings, rule: &str) -> Vec<String> {
    f.offences.get(rule).cloned().unwrap_or_default()
}

#[test]
fn the_base_tree_is_clean() {
    let (_d, f) = tree(&[]);
    assert!(f.offences.is_empty(), "{:#?}", f.offences);
    assert!(f.circles.is_empty() && !f.edges.is_empty());
}

#[test]
fn an_upward_import_is_named_with_its_line() {
    let (_d, f) = tree(&[
        (
            "codec/jws.rs",
            "//! jws\n\nuse crate::ops::verify;\nfn f() { crate::remote::fetch(); }\n",
        ),
        ("ops/verify.rs", ""),
    ]);
    let r1 = offences(&f, R1);
    assert!(r1.contains(&"src/codec/jws.rs:3: use crate::ops::verify; — names crate::ops::verify (floor 3 ops) from floor 2 codec".to_owned()), "{r1:#?}");
    assert!(
        r1.iter()
            .any(|o| o.starts_with("src/codec/jws.rs:4:") && o.contains("crate::remote::fetch")),
        "{r1:#?}"
    );
    let msg = failure(
        &f,
        &Table {
            layers: LAYERS,
            stack: STACK,
        },
    )
    .expect("fails");
    assert!(
        msg.contains("move the shared item down, or the caller up") && msg.contains(STACK),
        "{msg}"
    );
}

#[test]
fn a_use_group_in_codec_is_read_leaf_by_leaf() {
    let (_d, f) = tree(&[
        (
            "codec/jwe.rs",
            "use crate::{\n    ops::x,\n    model::error::Error,\n};\n",
        ),
        ("codec/jws.rs", "use crate::{ops::x, model::{error, fs}};\n"),
        ("ops/x.rs", ""),
    ]);
    let r1 = offences(&f, R1);
    assert!(
        r1.iter()
            .any(|o| o.starts_with("src/codec/jwe.rs:2: ops::x, — names crate::ops::x")),
        "{r1:#?}"
    );
    let one_line =
        "src/codec/jws.rs:1: use crate::{ops::x, model::{error, fs}}; — names crate::ops::x";
    assert!(r1.iter().any(|o| o.starts_with(one_line)), "{r1:#?}");
    assert_eq!(r1.len(), 2, "model is below codec: {r1:#?}");
}

#[test]
fn ops_and_remote_do_not_name_each_other() {
    let (_d, f) = tree(&[
        ("remote/cache.rs", "use crate::ops::{a, b};\n"),
        ("ops/a.rs", ""),
    ]);
    assert!(
        offences(&f, R1)
            .iter()
            .any(|o| o.contains("(floor 3 ops) from floor 3 remote")),
        "{:#?}",
        f.offences
    );
}

#[test]
fn a_super_super_climb_out_of_the_layer_is_caught() {
    let (_d, f) = tree(&[
        ("codec/jws/mod.rs", "pub mod parse;\n"),
        (
            "codec/jws/parse.rs",
            "use super::super::super::ops::verify;\nuse super::super::b64;\n",
        ),
        ("ops/verify.rs", ""),
    ]);
    let r1 = offences(&f, R1);
    assert!(
        r1.iter()
            .any(|o| o.starts_with("src/codec/jws/parse.rs:1:")
                && o.contains("out of codec into ops")),
        "{r1:#?}"
    );
    assert!(
        !r1.iter()
            .any(|o| o.starts_with("src/codec/jws/parse.rs:2:")),
        "{r1:#?}"
    );
}

#[test]
fn a_circle_between_two_codec_files_is_caught() {
    let (_d, f) = tree(&[
        ("codec/a.rs", "use super::b::B;\npub struct A;\n"),
        ("codec/b.rs", "pub struct B(crate::codec::a::A);\n"),
    ]);
    assert_eq!(f.circles.len(), 1);
    let r4 = offences(&f, R4);
    assert!(r4.iter().any(|o| o.starts_with("src/codec/a.rs:1: use super::b::B; — → src/codec/b.rs, in the circle src/codec/a.rs src/codec/b.rs")), "{r4:#?}");
    assert!(
        r4.iter().any(|o| o.starts_with("src/codec/b.rs:1:")),
        "{r4:#?}"
    );
}

#[test]
fn a_mod_rs_re_exporting_its_child_is_no_circle() {
    let (_d, f) = tree(&[
        (
            "codec/jws/mod.rs",
            "mod parse;\npub use parse::parse;\npub use self::parse::Jws;\npub struct Header;\n",
        ),
        (
            "codec/jws/parse.rs",
            "use super::Header;\npub struct Jws;\n",
        ),
    ]);
    assert!(f.circles.is_empty(), "{:#?}", f.offences);
    assert!(!f.offences.contains_key(R4));
}

#[test]
fn rsa_in_a_string_or_an_identifier_is_not_the_crate() {
    let ok = "fn f() -> &'static str { let rsa_enc = 1; let _ = KeySpec::Rsa; let _ = crate::crypto::rsa::x; \"rsa::\" }\n// ring::digest\n/* rsa:: */ const C: char = '\"'; const S: &str = r#\"rsa::x\"#;\n";
    let (_d, f) = tree(&[
        ("codec/k.rs", ok),
        (
            "ops/k.rs",
            "use rsa::RsaPublicKey;\nfn f() { let _ = ring::rand::SystemRandom::new(); }\n",
        ),
    ]);
    let r3 = offences(&f, R3);
    assert_eq!(r3.len(), 2, "{r3:#?}");
    assert!(
        r3[0].starts_with(
            "src/ops/k.rs:1: use rsa::RsaPublicKey; — names the crate rsa outside src/crypto/"
        ),
        "{r3:#?}"
    );
    assert!(
        r3[1].starts_with("src/ops/k.rs:2:") && r3[1].contains("crate ring"),
        "{r3:#?}"
    );
}

#[test]
fn a_crypto_module_imported_by_name_is_not_the_crate() {
    let (_d, f) = tree(&[
        ("crypto/aes_gcm.rs", "pub fn seal() {}\n"),
        (
            "codec/c.rs",
            "use crate::crypto::aes_gcm;\nfn f() { aes_gcm::seal() }\n",
        ),
    ]);
    assert!(!f.offences.contains_key(R3), "{:#?}", f.offences);
}

#[test]
fn clap_in_a_comment_is_not_clap_but_in_code_it_is() {
    let (_d, f) = tree(&[
        (
            "ops/doc.rs",
            "//! Flags are parsed by clap in src/app/.\nfn f() -> u8 { /* clap */ 1 } // println!\n#[cfg(test)]\nmod tests { fn t() { println!(\"ok\"); } }\n",
        ),
        (
            "ops/bad.rs",
            "use clap::Parser;\nfn f() { eprintln!(\"x\"); std::io::stdout(); std::process::exit(2) }\nuse std::io::{self, stdin};\n",
        ),
    ]);
    let r2 = offences(&f, R2);
    assert!(!r2.iter().any(|o| o.contains("ops/doc.rs")), "{r2:#?}");
    for want in [
        "bad.rs:1:",
        "names eprintln!",
        "names std::io::stdout",
        "names std::process::exit",
        "bad.rs:3:",
    ] {
        assert!(r2.iter().any(|o| o.contains(want)), "{want}: {r2:#?}");
    }
}

#[test]
fn a_missing_layer_or_an_unplaced_file_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("cli")).expect("mkdir");
    std::fs::write(dir.path().join("cli/args.rs"), "").expect("write");
    let f = analyse(
        dir.path(),
        &Table {
            layers: LAYERS,
            stack: STACK,
        },
    )
    .1;
    let r5 = offences(&f, R5);
    assert!(
        r5.iter().any(|o| o.starts_with("src/codec/: missing")),
        "{r5:#?}"
    );
    assert!(
        r5.iter()
            .any(|o| o.starts_with("src/cli/args.rs:1: belongs to 0 layers")),
        "{r5:#?}"
    );
}

#[test]
fn the_report_counts_lines_edges_and_functions() {
    let (d, f) = tree(&[
        (
            "codec/a.rs",
            "use super::b::B;\n\nfn long() {\n    let x = 1;\n}\n",
        ),
        ("codec/b.rs", "use crate::codec::a::A;\n"),
    ]);
    assert_eq!(f.circles.len(), 1);
    let files = analyse(
        d.path(),
        &Table {
            layers: LAYERS,
            stack: STACK,
        },
    )
    .0;
    let r = report(
        &files,
        &f,
        &Table {
            layers: LAYERS,
            stack: STACK,
        },
    );
    assert!(
        r.contains("crossing layers upward: 0") && r.contains("circles: 1"),
        "{r}"
    );
    assert!(r.contains("3 src/codec/a.rs:3 long"), "{r}");
}

#[test]
fn a_test_module_may_name_any_layer_but_no_crypto_crate() {
    let (_d, f) = tree(&[
        (
            "crypto/k.rs",
            "pub fn k() {}\n#[cfg(test)]\nmod tests {\n    use crate::codec::b64;\n}\n",
        ),
        (
            "codec/pem.rs",
            "pub fn p() {}\n#[cfg(test)]\nmod tests {\n    use ring::rand;\n}\n",
        ),
    ]);
    assert!(!f.offences.contains_key(R1), "{:#?}", f.offences);
    let r3 = offences(&f, R3);
    assert!(
        r3.iter().any(|o| o.starts_with("src/codec/pem.rs:4:")),
        "{r3:#?}"
    );
}
