//! Resource bounds (issue 6 point 6) not covered elsewhere: JSON nesting
//! depth at its boundary, the number of JWE recipients, and the number of
//! keys tried per token for both verify and decrypt. (Input size:
//! conventions.rs and jws_adversarial.rs; signatures per JWS:
//! jws_adversarial.rs; PBES2 iterations, decompressed and plaintext size:
//! jwe_adversarial.rs; the per-line input size of `--lines`: jws_cli.rs.)
//! The total work of one `--lines` line is the product of these bounds, and
//! each applies per line: the last two tests check that through the binary.

use jose::RejectCode;
use jose::Serialization as JweSerialization;
use jose::decrypt::{self, DecryptOptions, decrypt};
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::internal::crypto::{KeySpec, generate};
use jose::json::{self, MAX_DEPTH};
use jose::jwe::parse::MAX_RECIPIENTS;
use jose::jws::{Serialization, SignRequest, Signer, sign};
use jose::keymgmt::Unwrapper;
use jose::verify::{self, VerifyOptions, verify};
use jose::{Curve, Key, KeyMaterial, KeySet, keys::jwk};
use jose::{JweAlg, JweEnc, JwsAlg};
use serde_json::{Map, Value, json};

use crate::util::{code_of, max_rss_kib, timed_jose};

fn nested(depth: usize) -> Value {
    (1..depth).fold(json!([]), |v, _| json!([v]))
}

#[test]
fn json_nesting_is_accepted_up_to_the_bound_and_refused_beyond() {
    let at = serde_json::to_vec(&nested(MAX_DEPTH)).expect("json");
    let over = serde_json::to_vec(&nested(MAX_DEPTH + 1)).expect("json");
    assert!(json::parse_value(&at).is_ok());
    assert!(json::parse_value(&over).is_err());
}

fn es256_token(key: &KeyMaterial, protected: Map<String, Value>) -> String {
    sign(&SignRequest {
        payload: br#"{"sub":"x"}"#,
        signers: vec![Signer {
            alg: JwsAlg::ES256,
            key,
            protected,
        }],
        serialization: Serialization::Compact,
        detached: false,
        unencoded: false,
    })
    .expect("sign")
}

fn public(m: &KeyMaterial) -> Key {
    Key::new(m.to_public().expect("public half"))
}

#[test]
fn a_header_nested_past_the_bound_is_malformed_and_one_within_verifies() {
    let k = generate(KeySpec::Ec(Curve::P256)).expect("key");
    let set = KeySet::new(vec![public(&k)]);
    // The header object is one level itself.
    let header = |depth: usize| {
        let mut h = Map::new();
        h.insert("ext".into(), nested(depth - 1));
        h
    };
    let ok = es256_token(&k, header(MAX_DEPTH));
    verify(&ok, &set, &VerifyOptions::at(0)).expect("within the bound");
    let deep = es256_token(&k, header(MAX_DEPTH + 1));
    let r = verify(&deep, &set, &VerifyOptions::at(0)).expect_err("too deep");
    assert_eq!(r.code, RejectCode::Malformed, "{r}");
}

/// A general JWE to `n` copies of one A128KW recipient.
fn with_recipients(n: usize, kek: &KeyMaterial) -> String {
    let mut opts = EncryptOptions::new(JweEnc::A128GCM);
    opts.serialization = JweSerialization::General;
    let t = encrypt(
        b"hello".to_vec(),
        &[RecipientSpec {
            with: Unwrapper::Key(kek),
            alg: JweAlg::A128KW,
            kid: None,
        }],
        &opts,
    )
    .expect("encrypt");
    let mut v: Value = serde_json::from_str(&t).expect("json");
    let r = v["recipients"][0].clone();
    v["recipients"] = Value::Array(vec![r; n]);
    v.to_string()
}

#[test]
fn jwe_recipients_are_bounded_before_any_work() {
    let kek = generate(KeySpec::Oct { bytes: 16 }).expect("key");
    let set = KeySet::new(vec![Key::new(kek.clone())]);
    let opts = DecryptOptions::default();
    let d =
        decrypt(&with_recipients(MAX_RECIPIENTS, &kek), &set, None, &opts).expect("at the bound");
    assert_eq!(d.plaintext, b"hello");
    // Refused by the parser, before any key is looked at: the same
    // refusal with the right key as with none.
    let none = KeySet::new(Vec::new());
    for n in [MAX_RECIPIENTS + 1, 100_000] {
        let t = with_recipients(n, &kek);
        let r = decrypt(&t, &set, None, &opts).expect_err("over the bound");
        assert_eq!(r.code, RejectCode::Malformed, "{r}");
        assert!(r.detail.contains(&format!("found {n}")), "{r}");
        let parsed = jose::jwe::parse(&t).expect_err("the parser refuses it");
        assert_eq!((parsed.code, &parsed.detail), (r.code, &r.detail));
        let keyless = decrypt(&t, &none, None, &opts).expect_err("over the bound");
        assert_eq!((keyless.code, &keyless.detail), (r.code, &r.detail));
    }
}

/// `n` keys of one kind, none with a `kid`: every one is a candidate.
fn many(n: usize, spec: impl Fn() -> KeySpec) -> Vec<KeyMaterial> {
    (0..n).map(|_| generate(spec()).expect("key")).collect()
}

#[test]
fn verify_tries_at_most_max_attempts_keys_per_token() {
    let keys = many(verify::MAX_ATTEMPTS + 8, || KeySpec::Ec(Curve::P256));
    let set = KeySet::new(keys.iter().map(public).collect());
    let opts = VerifyOptions::at(0);
    // The last key within the budget is reached; the first beyond it is not.
    let within = es256_token(&keys[verify::MAX_ATTEMPTS - 1], Map::new());
    let v = verify(&within, &set, &opts).expect("within the budget");
    assert_eq!(v.key.index, verify::MAX_ATTEMPTS - 1);
    let beyond = es256_token(&keys[verify::MAX_ATTEMPTS], Map::new());
    let r = verify(&beyond, &set, &opts).expect_err("beyond the budget");
    assert_eq!(r.code, RejectCode::BadSignature, "{r}");
    // A kid makes the right key the only candidate, wherever it is.
    let mut named: Vec<Key> = keys.iter().map(public).collect();
    let last = named.len() - 1;
    for (i, k) in named.iter_mut().enumerate() {
        k.kid = Some(format!("k{i}"));
    }
    let mut h = Map::new();
    h.insert("kid".into(), json!(format!("k{last}")));
    let t = es256_token(&keys[last], h);
    verify(&t, &KeySet::new(named), &opts).expect("found by kid");
}

#[test]
fn the_budget_spans_every_signature_of_a_general_jws() {
    let keys = many(8, || KeySpec::Ec(Curve::P256));
    let set = KeySet::new(keys.iter().map(public).collect());
    let stranger = generate(KeySpec::Ec(Curve::P256)).expect("key");
    // Nine signatures by a stranger cost 8 attempts each (72 > 64), so a
    // last, valid signature is never reached; with seven (56) it is.
    let signers = |strangers: usize| {
        let mut v: Vec<Signer<'_>> = (0..strangers)
            .map(|_| Signer {
                alg: JwsAlg::ES256,
                key: &stranger,
                protected: Map::new(),
            })
            .collect();
        v.push(Signer {
            alg: JwsAlg::ES256,
            key: &keys[0],
            protected: Map::new(),
        });
        v
    };
    let req = |signers| SignRequest {
        payload: b"x",
        signers,
        serialization: Serialization::General,
        detached: false,
        unencoded: false,
    };
    let t = sign(&req(signers(9))).expect("sign");
    let r = verify(&t, &set, &VerifyOptions::at(0)).expect_err("budget spent");
    assert_eq!(r.code, RejectCode::BadSignature, "{r}");
    let t = sign(&req(signers(7))).expect("sign");
    let v = verify(&t, &set, &VerifyOptions::at(0)).expect("within budget");
    assert_eq!(v.signature_index, 7);
}

#[test]
fn decrypt_tries_at_most_max_attempts_keys_per_token() {
    let keys = many(decrypt::MAX_ATTEMPTS + 8, || KeySpec::Oct { bytes: 16 });
    let set = KeySet::new(keys.iter().cloned().map(Key::new).collect());
    let token = |kek: &KeyMaterial| {
        encrypt(
            b"hello".to_vec(),
            &[RecipientSpec {
                with: Unwrapper::Key(kek),
                alg: JweAlg::A128KW,
                kid: None,
            }],
            &EncryptOptions::new(JweEnc::A128GCM),
        )
        .expect("encrypt")
    };
    let opts = DecryptOptions::default();
    let within = token(&keys[decrypt::MAX_ATTEMPTS - 1]);
    assert_eq!(
        decrypt(&within, &set, None, &opts)
            .expect("within")
            .plaintext,
        b"hello"
    );
    let beyond = token(&keys[decrypt::MAX_ATTEMPTS]);
    let r = decrypt(&beyond, &set, None, &opts).expect_err("beyond the budget");
    assert_eq!(r.code, RejectCode::DecryptFailed, "{r}");
}

/// A JWKS file of the public halves (or, for oct, the keys) of `keys`.
fn jwks_file(dir: &std::path::Path, name: &str, keys: &[KeyMaterial], oct: bool) -> String {
    let set: Vec<Key> = if oct {
        keys.iter().cloned().map(Key::new).collect()
    } else {
        keys.iter().map(public).collect()
    };
    let path = dir.join(name);
    std::fs::write(&path, jwk::set_to_value(&set, oct).to_string()).expect("write jwks");
    path.display().to_string()
}

/// Runs `args` with `lines` on stdin under `/usr/bin/time -v`; returns the
/// reports, the exit code and the peak RSS in KiB.
fn run_lines(args: &[&str], lines: &[String]) -> (Vec<Value>, Option<i32>, u64) {
    let mut c = timed_jose();
    c.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    let input = lines.join("\n");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(input.as_bytes()).expect("write stdin");
    });
    let out = child.wait_with_output().expect("run");
    writer.join().expect("writer");
    let reports = crate::util::json_lines(&out.stdout);
    let rss = max_rss_kib(&String::from_utf8_lossy(&out.stderr));
    (reports, out.status.code(), rss)
}

/// The key budget is per line: a line that spends all of it does not eat
/// into the next line's (a stream-wide budget would fail the later lines
/// that need `MAX_ATTEMPTS` tries), and a line beyond it costs no more.
#[test]
fn verify_lines_budget_is_per_line() {
    let keys = many(verify::MAX_ATTEMPTS + 8, || KeySpec::Ec(Curve::P256));
    let dir = crate::util::tempdir();
    let set = jwks_file(dir.path(), "keys.jwks", &keys, false);
    let within = es256_token(&keys[verify::MAX_ATTEMPTS - 1], Map::new());
    let beyond = es256_token(&keys[verify::MAX_ATTEMPTS], Map::new());
    let lines: Vec<String> = [&within, &beyond, &within, &beyond, &within]
        .iter()
        .map(|t| t.to_string())
        .collect();
    let (reports, code, _) = run_lines(&["verify", "--lines", "-k", &set], &lines);
    let codes: Vec<&str> = reports.iter().map(code_of).collect();
    assert_eq!(
        codes,
        ["", "bad_signature", "", "bad_signature", ""],
        "{reports:?}"
    );
    assert_eq!(reports[4]["valid"], true);
    assert_eq!(code, Some(1));
    // Each `beyond` line is refused although its key is in the set, one
    // place past the budget: a line tried no more than MAX_ATTEMPTS keys.
}

/// Every bound of a decrypt applies to each line on its own: the key budget,
/// PBES2 iterations and the decompressed size; a refused line is followed by
/// lines that still decrypt, and memory stays bounded over the whole stream.
#[test]
fn decrypt_lines_bounds_are_per_line() {
    let keys = many(decrypt::MAX_ATTEMPTS + 8, || KeySpec::Oct { bytes: 16 });
    let dir = crate::util::tempdir();
    let set = jwks_file(dir.path(), "keys.jwks", &keys, true);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pw").expect("write");
    let token = |kek: &KeyMaterial, zip: bool, pt: Vec<u8>| {
        let mut o = EncryptOptions::new(JweEnc::A128GCM);
        o.zip = zip;
        encrypt(
            pt,
            &[RecipientSpec {
                with: Unwrapper::Key(kek),
                alg: JweAlg::A128KW,
                kid: None,
            }],
            &o,
        )
        .expect("encrypt")
    };
    let within = token(&keys[decrypt::MAX_ATTEMPTS - 1], false, b"hello".to_vec());
    let beyond = token(&keys[decrypt::MAX_ATTEMPTS], false, b"hello".to_vec());
    // 64 MiB of zeros deflate to about 64 KiB.
    let bomb = token(&keys[0], true, vec![0u8; 64 << 20]);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let lines = vec![
        within.clone(),
        beyond,
        bomb,
        crate::util::pbes2_token(2_000_000_000),
        within.clone(),
        within,
    ];
    let pw = pw.display().to_string();
    let args = [
        "decrypt",
        "--lines",
        "--max-size",
        "1M",
        "-k",
        &set,
        "--password-file",
        &pw,
    ];
    let (reports, code, kb) = run_lines(&args, &lines);
    let codes: Vec<&str> = reports.iter().map(code_of).collect();
    assert_eq!(
        codes,
        ["", "decrypt_failed", "too_large", "too_large", "", ""],
        "{reports:?}"
    );
    for i in [0, 4, 5] {
        assert_eq!(reports[i]["plaintext"], "hello", "line {}", i + 1);
    }
    assert_eq!(code, Some(1));
    // Each refused by its own bound, checked before the work it bounds
    // (jwe_adversarial.rs times the p2c check against a derivation): the
    // bomb is cut at --max-size, not inflated to 64 MiB, and 2e9 PBKDF2
    // rounds are never started.
    let message = |i: usize| reports[i]["error"]["message"].as_str().unwrap_or("");
    assert!(
        message(2).contains("decompressed plaintext exceeds the limit of 1048576 bytes"),
        "{}",
        reports[2]
    );
    assert!(
        message(3).contains("2000000000 is above the limit"),
        "{}",
        reports[3]
    );
    assert!(kb < 48 * 1024, "peak RSS {kb} KiB");
}

#[test]
fn lines_hold_each_line_not_the_stream_to_max_input() {
    // 53 tokens: far more than --max-input in total, each one below it, and
    // one overlong line in the middle that is one too_large report.
    let dir = crate::util::tempdir();
    let key = crate::util::data("jwe/oct128.jwk").display().to_string();
    let ec = crate::util::data("keys/ec-p256.pkcs8.pem")
        .display()
        .to_string();
    let run = |args: &[&str]| {
        let mut c = crate::util::jose();
        c.args(args).write_stdin("hello");
        crate::util::stdout_of(c).trim_end().to_owned()
    };
    let cases = [
        (
            "verify",
            run(&["sign", "-k", &ec, "--sub", "x"]),
            crate::util::data("keys/ec-p256.spki.pem")
                .display()
                .to_string(),
        ),
        ("decrypt", run(&["encrypt", "-k", &key]), key.clone()),
    ];
    for (cmd, good, key) in cases {
        assert!(good.len() < 400, "{cmd}");
        let mut input = format!("{good}\n").repeat(50);
        input.push_str(&"A".repeat(5000));
        input.push_str(&format!("\n\n{good}").repeat(3));
        let f = dir.path().join(format!("{cmd}.txt"));
        std::fs::write(&f, &input).expect("write");
        for src in [None, Some(format!("@{}", f.display()))] {
            let mut c = crate::util::jose();
            c.args([cmd, "--lines", "--max-input", "1K", "-k", &key]);
            match &src {
                Some(a) => c.arg(a),
                None => c.write_stdin(input.clone()),
            };
            let out = c.output().expect("run");
            assert_eq!(out.status.code(), Some(1), "{cmd} {src:?}");
            let reports = crate::util::json_lines(&out.stdout);
            assert_eq!(reports.len(), 54, "{cmd} {src:?}");
            for (i, r) in reports.iter().enumerate() {
                let want = if i == 50 { "too_large" } else { "" };
                assert_eq!(code_of(r), want, "{cmd} line {}: {r}", i + 1);
            }
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("1 of 54 tokens rejected; the first, on line 51: "),
                "{cmd}: {err}"
            );
        }
    }
}
