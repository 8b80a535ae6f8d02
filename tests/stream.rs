//! A large compact JWE read in chunks (`jose::jwe::stream`, the `decrypt`
//! reader for files and standard input) must be judged exactly as the
//! whole-text reader judges it (`token::normalize_token_owned`, then
//! `jwe::parse_owned`): every pasted form, every malformed part, at every
//! chunk boundary. The library is compared verdict for verdict with reads
//! cut short at many sizes; the binary is compared output for output with
//! its whole-text path (a pipe given as `@/dev/stdin` has no length, so it
//! is read whole) and held to the memory the streaming saves.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;

use jose::jwe::stream::{CHUNK, Streamed, read_compact};
use jose::jwe::{Jwe, parse_owned};
use jose::{Rejection, token};

use crate::util::{jose, max_rss_kib, path_str, require_tool, tempdir, timed_jose};

/// Reads at most `step` bytes at a time: chunk boundaries everywhere.
struct Short<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Short<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.data.len().min(self.step).min(buf.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[derive(Debug)]
enum Verdict {
    TooLarge,
    NotUtf8,
    Jwe(Result<Box<Jwe>, Rejection>),
}

/// The whole-text reader's verdict (`jose decrypt`'s before streaming).
fn whole(input: &[u8], limit: usize) -> Verdict {
    if input.len() > limit {
        return Verdict::TooLarge;
    }
    match String::from_utf8(input.to_vec()) {
        Err(_) => Verdict::NotUtf8,
        Ok(s) => Verdict::Jwe(parse_owned(token::normalize_token_owned(s)).map(Box::new)),
    }
}

/// The streaming reader's verdict, and whether it decided while streaming
/// (not by handing the input back whole, which must then be the input).
fn streamed(input: &[u8], limit: usize, step: usize, hint: Option<u64>) -> (Verdict, bool) {
    let mut r = Short { data: input, step };
    match read_compact(&mut r, limit, hint).expect("no read error") {
        Streamed::TooLarge => (Verdict::TooLarge, false),
        Streamed::Parsed(v) => (Verdict::Jwe(v), true),
        Streamed::Whole(raw) => {
            assert!(raw == input, "handed back other bytes than were read");
            (whole(&raw, limit), false)
        }
    }
}

fn same(a: &Verdict, b: &Verdict) -> bool {
    match (a, b) {
        (Verdict::TooLarge, Verdict::TooLarge) | (Verdict::NotUtf8, Verdict::NotUtf8) => true,
        (Verdict::Jwe(Err(x)), Verdict::Jwe(Err(y))) => x.code == y.code && x.detail == y.detail,
        (Verdict::Jwe(Ok(x)), Verdict::Jwe(Ok(y))) => {
            x.protected_b64 == y.protected_b64
                && x.protected == y.protected
                && x.recipients.len() == y.recipients.len()
                && x.recipients[0].encrypted_key == y.recipients[0].encrypted_key
                && x.iv == y.iv
                && x.ciphertext == y.ciphertext
                && x.tag == y.tag
                && x.aad_b64 == y.aad_b64
                && format!("{:?}", x.serialization) == format!("{:?}", y.serialization)
        }
        _ => false,
    }
}

fn short(v: &Verdict) -> String {
    match v {
        Verdict::Jwe(Ok(j)) => format!("Ok(ciphertext {} bytes)", j.ciphertext.len()),
        other => format!("{other:?}"),
    }
}

/// Both readers on `input`, the streaming one at several read sizes;
/// returns whether streaming decided (at the largest read size).
fn check(what: &str, input: &[u8], limit: usize) -> bool {
    let expected = whole(input, limit);
    let mut decided = false;
    let len = input.len() as u64;
    // With the length known, without it, and with a length that the input
    // outgrows (a file written to while it is read).
    for (step, hint) in [
        (CHUNK, Some(len)),
        (usize::MAX, None),
        (65_536, None),
        (4093, Some(len)),
        (CHUNK + 1, Some(len / 2)),
    ] {
        let (got, d) = streamed(input, limit, step, hint);
        assert!(
            same(&got, &expected),
            "{what} (reads of {step}): streamed {} but whole {}",
            short(&got),
            short(&expected)
        );
        decided |= d;
    }
    decided
}

/// A key and a compact A256KW/A256GCM JWE of `len` plaintext bytes made by
/// the binary; returns (key path, token, plaintext).
fn make_jwe(dir: &Path, len: usize) -> (String, String, Vec<u8>) {
    let key = dir.join("oct.jwk");
    if !key.exists() {
        let out = jose()
            .args(["keygen", "--alg", "A256KW", "-o", path_str(&key)])
            .output()
            .expect("run jose keygen");
        assert!(out.status.success(), "{out:?}");
    }
    let mut x: u32 = len as u32 ^ 0x9e37_79b9;
    let plain: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let p = dir.join(format!("plain-{len}"));
    std::fs::write(&p, &plain).expect("write plaintext");
    let out = jose()
        .args(["encrypt", "-k", path_str(&key), "--alg", "A256KW"])
        .args(["--enc", "A256GCM", path_str(&p)])
        .output()
        .expect("run jose encrypt");
    assert!(out.status.success(), "{out:?}");
    let tok = String::from_utf8(out.stdout).expect("a token is text");
    (path_str(&key).to_owned(), tok.trim().to_owned(), plain)
}

/// Where the ciphertext part starts and ends in `tok`.
fn ct_span(tok: &str) -> (usize, usize) {
    let dots: Vec<usize> = tok.match_indices('.').map(|(i, _)| i).collect();
    assert_eq!(dots.len(), 4);
    (dots[2] + 1, dots[3])
}

fn fold(t: &str, width: usize, sep: &str) -> String {
    t.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Every pasted and malformed form, the library's streaming reader against
/// the whole-text reader, with reads of many sizes; the clean forms must
/// really be decided while streaming.
#[test]
fn streaming_judges_every_form_as_the_whole_text_reader() {
    let dir = tempdir();
    // Plaintexts of each length mod 3 give ciphertext parts ending in a
    // whole group, and in 2 and 3 characters.
    for len in [400_000, 400_001, 400_002] {
        let (_, tok, _) = make_jwe(dir.path(), len);
        let (s, e) = ct_span(&tok);
        let limit = 1 << 24;
        let streams = |what: &str, text: String| {
            assert!(check(what, text.as_bytes(), limit), "{what}: not streamed");
        };
        streams("plain", tok.clone());
        streams("newline", format!("{tok}\n"));
        streams("CRLF", format!("{tok}\r\n"));
        streams("spaces around", format!(" \t {tok}  \n"));
        streams("double quotes", format!("\"{tok}\"\n"));
        streams("single quotes", format!("'{tok}'"));
        streams("Bearer", format!("Bearer {tok}"));
        streams("bearer quoted", format!("bearer  \"{tok}\"\r\n"));
        streams(
            "Authorization header",
            format!("Authorization: Bearer '{tok}'\r\n"),
        );
        streams(
            "folded before the ciphertext",
            format!("{}\n {}", &tok[..10], &tok[10..]),
        );
        streams(
            "folded after the ciphertext",
            format!("{}\r\n{}", &tok[..e + 3], &tok[e + 3..]),
        );
        // The leading white space moves the chunk boundary over the
        // ciphertext's groups: each residue mod 4.
        for pad in 0..4 {
            streams("shifted", format!("{}{tok}", " ".repeat(pad)));
        }
        // Decided whole (or refused the same way), never differently.
        let judged = |what: &str, text: &[u8]| {
            check(what, text, limit);
        };
        judged("folded at 76", fold(&tok, 76, "\n").as_bytes());
        judged("folded at 64 with CRLF", fold(&tok, 64, "\r\n").as_bytes());
        judged("folded with spaces", fold(&tok, 1000, " ").as_bytes());
        judged(
            "folded, then a quote inside",
            format!("{}\"", fold(&tok, 76, "\n")).as_bytes(),
        );
        for at in [s, s + 1, s + 2, s + 3, CHUNK - 1, CHUNK, CHUNK + 1, e - 1] {
            for bad in [b'+', b'/', b'=', b' ', b'\n', b'.', b'?', b'"', 0xc3, 0x0b] {
                let mut t = tok.clone().into_bytes();
                t[at] = bad;
                judged(&format!("byte {bad:#x} at {at}"), &t);
            }
        }
        let mut t = tok.clone().into_bytes();
        // The last character of the ciphertext, with spare bits set (or
        // a canonical one: both readers agree either way).
        for c in [b'A', b'B', b'D', b'_', b'w'] {
            t[e - 1] = c;
            judged(&format!("last ciphertext character {}", c as char), &t);
        }
        // A character too many or too few in the ciphertext.
        judged(
            "one character more",
            format!("{}A{}", &tok[..e], &tok[e..]).as_bytes(),
        );
        judged(
            "one character less",
            format!("{}{}", &tok[..e - 1], &tok[e..]).as_bytes(),
        );
        for cut in [e + 1, e + 5, e, e - 1, CHUNK + 7, s + 10] {
            judged(&format!("truncated at {cut}"), &tok.as_bytes()[..cut]);
        }
        judged("a sixth part", format!("{tok}.x").as_bytes());
        judged(
            "a dot in the tag",
            format!("{}.{}", &tok[..e + 5], &tok[e + 5..]).as_bytes(),
        );
        judged("bad tag", format!("{}.Q", &tok[..e]).as_bytes());
        judged(
            "bad IV",
            format!("{}=.{}", &tok[..s - 1], &tok[s..]).as_bytes(),
        );
        judged("bad header", format!("x{tok}").as_bytes());
        judged(
            "a JWS shape",
            format!("{}.{}", &tok[..s - 1], &tok[e + 1..]).as_bytes(),
        );
        judged(
            "non-breaking space after",
            format!("{tok}\u{a0}").as_bytes(),
        );
        judged(
            "non-breaking space before",
            format!("\u{a0}{tok}").as_bytes(),
        );
        judged("invalid UTF-8 after", &[tok.as_bytes(), b"\xff"].concat());
        judged("vertical tab after", format!("{tok}\x0b").as_bytes());
        judged(
            "a URL",
            format!("https://app.example/cb#state=1&id_token={tok}").as_bytes(),
        );
        judged("a query only", format!("{tok}?x").as_bytes());
        judged("quote on one side", format!("\"{tok}").as_bytes());
        judged(
            "tail too long",
            format!("{tok}{}", " ".repeat(8000)).as_bytes(),
        );
        judged(
            "head too long",
            format!("{}{tok}", " ".repeat(70_000)).as_bytes(),
        );
        // A flattened JSON serialization of the same parts.
        let parts: Vec<&str> = tok.split('.').collect();
        let json = format!(
            "{{\"protected\":\"{}\",\"encrypted_key\":\"{}\",\"iv\":\"{}\",\"ciphertext\":\"{}\",\"tag\":\"{}\"}}\n",
            parts[0], parts[1], parts[2], parts[3], parts[4]
        );
        judged("JSON serialization", json.as_bytes());
        judged("JSON quoted", format!("'{json}'").as_bytes());
        // The input limit: exactly at it, and one byte over.
        let text = format!("{tok}\n");
        check("at the limit", text.as_bytes(), text.len());
        check("over the limit", text.as_bytes(), text.len() - 1);
        check("far over the limit", text.as_bytes(), CHUNK + 3);
    }
}

/// Random edits near the token's ends and its chunk boundaries.
#[test]
fn streaming_agrees_on_random_edits() {
    let dir = tempdir();
    let (_, tok, _) = make_jwe(dir.path(), 300_001);
    let (s, e) = ct_span(&tok);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut rnd = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let bytes = b" \n\r\t\x0b\x0c.\"'?#=+/A_-:{}\xc3\xa0";
    for i in 0..120 {
        let mut t = tok.clone().into_bytes();
        for _ in 0..1 + rnd(3) {
            let anchors = [0, s, e, t.len(), CHUNK];
            let at = (anchors[rnd(anchors.len())] + rnd(9))
                .saturating_sub(4)
                .min(t.len());
            let b = bytes[rnd(bytes.len())];
            match rnd(3) {
                0 if at < t.len() => t[at] = b,
                1 if at < t.len() => {
                    t.remove(at);
                }
                _ => t.insert(at, b),
            }
        }
        check(&format!("edit {i}"), &t, 1 << 24);
    }
}

/// [`jose`] as a `std::process::Command`, whose standard input can be a
/// file or a pipe fed while it runs.
fn std_jose() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jose"));
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c
}

/// `jose decrypt ARGS` with `stdin` piped in (in pieces, from a thread):
/// (stdout, stderr, exit code).
fn run(args: &[&str], stdin: Option<&[u8]>) -> (Vec<u8>, String, Option<i32>) {
    let mut c = std_jose();
    c.arg("decrypt").args(args);
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("run jose decrypt");
    let feeder = stdin.map(|data| {
        let data = data.to_vec();
        let mut w = child.stdin.take().expect("piped");
        std::thread::spawn(move || {
            for piece in data.chunks(10_007) {
                // A closed pipe (the reader refused early) ends the feed.
                if w.write_all(piece).is_err() {
                    break;
                }
            }
        })
    });
    let out = child.wait_with_output().expect("wait for jose");
    if let Some(f) = feeder {
        f.join().expect("feeder");
    }
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// The binary: `@FILE`, `< FILE` and a pipe on `-` (streamed) give the
/// same stdout, stderr and exit code as the whole-text path (a pipe opened
/// as `@/dev/stdin`, which has no length to stream by), for the pasted and
/// the broken forms.
#[test]
fn decrypt_streamed_and_whole_give_the_same_output() {
    let dir = tempdir();
    let (key, tok, plain) = make_jwe(dir.path(), 700_001);
    let (s, e) = ct_span(&tok);
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("plain", tok.clone().into_bytes()),
        ("newline", format!("{tok}\n").into_bytes()),
        ("quotes and CRLF", format!("\"{tok}\"\r\n").into_bytes()),
        (
            "Bearer",
            format!("Authorization: Bearer {tok}").into_bytes(),
        ),
        ("folded", fold(&tok, 76, "\n").into_bytes()),
        ("folded CRLF", fold(&tok, 64, "\r\n").into_bytes()),
        ("truncated", tok.as_bytes()[..e + 4].to_vec()),
        (
            "truncated in the ciphertext",
            tok.as_bytes()[..CHUNK + 1].to_vec(),
        ),
        ("not UTF-8", [tok.as_bytes(), b"\xff"].concat()),
        (
            "a URL",
            format!("https://x.example/#id_token={tok}").into_bytes(),
        ),
    ];
    for at in [CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 2] {
        let mut t = tok.clone().into_bytes();
        t[at] = b'+';
        cases.push(("bad base64 at the chunk boundary", t));
    }
    let mut t = tok.clone().into_bytes();
    t[e - 1] = if t[e - 1] == b'B' { b'C' } else { b'B' };
    cases.push(("non-canonical last character", t));
    let mut t = tok.clone().into_bytes();
    // Another base64url character (the ciphertext is random: any of 64).
    t[s + 5] = if t[s + 5] == b'A' { b'B' } else { b'A' };
    cases.push(("tampered ciphertext", t));
    let file = dir.path().join("tok");
    let at_file = format!("@{}", file.display());
    let mut streamed_ok = 0;
    for (what, text) in &cases {
        std::fs::write(&file, text).expect("write token");
        for limit in [None, Some(text.len()), Some(text.len() - 1)] {
            let lim = limit.map(|l| l.to_string());
            let mut args = vec!["-k", key.as_str()];
            if let Some(l) = &lim {
                args.extend(["--max-input", l]);
            }
            let whole = run(&[args.as_slice(), &["@/dev/stdin"]].concat(), Some(text));
            let from_file = run(&[args.as_slice(), &[at_file.as_str()]].concat(), None);
            let piped = run(&[args.as_slice(), &["-"]].concat(), Some(text));
            let mut c = std_jose();
            let redirected = c
                .arg("decrypt")
                .args(&args)
                .stdin(std::fs::File::open(&file).expect("open token"))
                .output()
                .expect("run jose decrypt < file");
            let redirected = (
                redirected.stdout,
                String::from_utf8_lossy(&redirected.stderr).into_owned(),
                redirected.status.code(),
            );
            for (how, got) in [
                ("@FILE", &from_file),
                ("pipe on -", &piped),
                ("< FILE", &redirected),
            ] {
                assert!(
                    got.0 == whole.0 && got.1 == whole.1 && got.2 == whole.2,
                    "{what}, --max-input {lim:?}, {how}: {:?} {} bytes, but whole: {:?} {} bytes",
                    (&got.1, got.2),
                    got.0.len(),
                    (&whole.1, whole.2),
                    whole.0.len()
                );
            }
            if whole.2 == Some(0) {
                assert!(whole.0 == plain, "{what}: wrong plaintext");
                streamed_ok += 1;
            }
        }
    }
    // The pasted forms decrypt (and the over-limit runs refuse), so the
    // comparison covered both outcomes.
    assert!(streamed_ok >= 12, "only {streamed_ok} runs decrypted");
}

/// Peak memory of a 16 MiB decrypt from a file: the token (21.3 MiB) is
/// never held whole; the plaintext's buffer is about all there is above
/// a tiny decrypt's process (a ratio of two runs of the same binary).
#[test]
fn decrypt_of_16_mib_holds_about_the_plaintext() {
    require_tool("/usr/bin/time");
    let dir = tempdir();
    let (key, tok, plain) = make_jwe(dir.path(), 16 << 20);
    let big = dir.path().join("big.jwe");
    std::fs::write(&big, &tok).expect("write token");
    let (_, small_tok, _) = make_jwe(dir.path(), 100);
    let small = dir.path().join("small.jwe");
    std::fs::write(&small, &small_tok).expect("write token");
    // `piped`: the token on standard input through a pipe, which has no
    // length to size the plaintext's buffer by.
    let rss = |file: &Path, piped: bool| {
        let mut c = timed_jose();
        c.args(["decrypt", "-k", &key]).stdout(Stdio::null());
        c.stderr(Stdio::piped());
        if piped {
            c.arg("-").stdin(Stdio::piped());
        } else {
            c.arg(format!("@{}", file.display())).stdin(Stdio::null());
        }
        let mut child = c.spawn().expect("run jose decrypt");
        if piped {
            let mut w = child.stdin.take().expect("piped");
            let text = std::fs::read(file).expect("read token");
            w.write_all(&text).expect("feed the token");
        }
        let out = child.wait_with_output().expect("wait for jose");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{err}");
        max_rss_kib(&err) * 1024
    };
    for piped in [false, true] {
        let base = (0..3).map(|_| rss(&small, piped)).min().expect("runs");
        let peak = (0..3).map(|_| rss(&big, piped)).min().expect("runs");
        let above = peak.saturating_sub(base) as f64 / plain.len() as f64;
        eprintln!(
            "16 MiB decrypt (piped: {piped}): peak {peak} bytes, tiny decrypt {base}, above it {above:.2}x the plaintext"
        );
        // Holding the token whole too (read, decoded in place) was 1.36x.
        assert!(
            above < 1.15,
            "a 16 MiB decrypt (piped: {piped}) takes {above:.2}x the plaintext above a tiny one"
        );
    }
}
