//! `x5c` chains: chains made with `openssl` in Apple's shape (P-384 root
//! and intermediate, P-256 leaf marked with an extension OID), tokens
//! signed by `jose sign --x5c`, and `verify --x5c-root` accepting the good
//! chain and refusing, as `bad_chain` with the reason, an expired
//! intermediate, another root, a wrong name or OID, a wrong key usage, a
//! non-CA intermediate and a path too long; oversized and looping chains
//! are refused in bounded work.

use std::path::{Path, PathBuf};

use crate::util::{jose, openssl_ok, path_str as s, stdout_of, tempdir};

const APPLE_OID: &str = "1.2.840.113635.100.6.11.1";
const NOW: i64 = 1_800_000_000;

/// A key on `curve` at `dir/name.key`.
fn key(dir: &Path, name: &str, curve: &str) -> PathBuf {
    let k = dir.join(format!("{name}.key"));
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        &format!("ec_paramgen_curve:{curve}"),
        "-out",
        s(&k),
    ]);
    k
}

/// A certificate for `name`'s key, issued by `issuer` (or self-signed),
/// valid from `start` to `end` (openssl's YYYYMMDDHHMMSSZ), with `ext`.
fn cert(
    dir: &Path,
    name: &str,
    issuer: Option<&str>,
    start: &str,
    end: &str,
    ext: &str,
) -> PathBuf {
    let k = dir.join(format!("{name}.key"));
    let csr = dir.join(format!("{name}.csr"));
    let crt = dir.join(format!("{name}.crt"));
    let cnf = dir.join(format!("{name}.cnf"));
    std::fs::write(&cnf, format!("[v3]\n{ext}\n")).expect("write");
    openssl_ok(&[
        "req",
        "-new",
        "-key",
        s(&k),
        "-subj",
        &format!("/O=Test/CN={name}"),
        "-out",
        s(&csr),
    ]);
    let (ca_crt, ca_key) = match issuer {
        Some(i) => (dir.join(format!("{i}.crt")), dir.join(format!("{i}.key"))),
        None => (crt.clone(), k.clone()),
    };
    let db = dir.join("index.txt");
    if !db.exists() {
        std::fs::write(&db, "").expect("write");
        std::fs::write(dir.join("serial"), "1000\n").expect("write");
        std::fs::write(
            dir.join("ca.cnf"),
            format!(
                "[ca]\ndefault_ca=d\n[d]\ndatabase={}\nserial={}\nnew_certs_dir={}\ndefault_md=sha384\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\norganizationName=optional\n",
                s(&db),
                s(&dir.join("serial")),
                s(dir)
            ),
        )
        .expect("write");
    }
    let ca_cnf = dir.join("ca.cnf");
    let mut args = vec![
        "ca",
        "-batch",
        "-config",
        s(&ca_cnf),
        "-in",
        s(&csr),
        "-out",
        s(&crt),
        "-startdate",
        start,
        "-enddate",
        end,
        "-extfile",
        s(&cnf),
        "-extensions",
        "v3",
        "-notext",
    ];
    if issuer.is_none() {
        args.push("-selfsign");
    } else {
        args.extend(["-cert", s(&ca_crt)]);
    }
    args.extend(["-keyfile", s(&ca_key)]);
    openssl_ok(&args);
    crt
}

const CA_EXT: &str = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash";
const START: &str = "20250101000000Z";
const END: &str = "20350101000000Z";

fn leaf_ext(usage: &str) -> String {
    format!(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,{usage}\nsubjectAltName=DNS:leaf.example\n{APPLE_OID}=ASN1:NULL"
    )
}

fn cat(out: &Path, parts: &[&Path]) {
    let mut all = Vec::new();
    for p in parts {
        all.extend(std::fs::read(p).expect("read"));
    }
    std::fs::write(out, all).expect("write");
}

/// Sign a payload with `leaf.key` and the chain file.
fn sign(dir: &Path, leaf_key: &Path, chain: &Path) -> String {
    let mut c = jose();
    c.args([
        "sign",
        "-k",
        s(leaf_key),
        "--x5c",
        s(chain),
        "--sub",
        "me",
        "--no-iat",
    ]);
    let _ = dir;
    stdout_of(c).trim().to_owned()
}

/// `verify --x5c-root` with extra flags: (exit code, JSON report).
fn verify(token: &str, root: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    // Through a file: a hostile token is larger than an argument may be.
    let file = root.with_extension("token");
    std::fs::write(&file, token).expect("write");
    let out = jose()
        .args([
            "verify",
            "--json",
            "--x5c-root",
            s(root),
            "--now",
            &NOW.to_string(),
        ])
        .args(extra)
        .arg(format!("@{}", s(&file)))
        .output()
        .expect("run");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), report)
}

fn rejected(token: &str, root: &Path, extra: &[&str], why: &str) {
    let (code, report) = verify(token, root, extra);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["error"]["code"], "bad_chain", "{report}");
    let msg = report["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains(why), "{why:?} not in {msg:?}");
}

#[test]
fn apple_like_chains_validate_and_fail_for_the_right_reason() {
    let dir = tempdir();
    let d = dir.path();
    key(d, "root", "P-384");
    key(d, "int", "P-384");
    let leaf_key = key(d, "leaf", "P-256");
    let root = cert(d, "root", None, START, END, CA_EXT);
    let int = cert(d, "int", Some("root"), START, END, CA_EXT);
    let leaf = cert(
        d,
        "leaf",
        Some("int"),
        START,
        END,
        &leaf_ext("digitalSignature"),
    );
    let chain = d.join("chain.pem");
    cat(&chain, &[&leaf, &int]);
    let token = sign(d, &leaf_key, &chain);
    // The header carries the chain and its leaf thumbprint.
    let mut c = jose();
    c.args(["inspect", "--json", &token]);
    let shown: serde_json::Value = serde_json::from_str(&stdout_of(c)).expect("json");
    assert_eq!(shown["header"]["x5c"].as_array().map(Vec::len), Some(2));
    assert!(shown["header"]["x5t#S256"].is_string());
    // inspect shows that chain as certificates, NOT verified.
    assert_eq!(shown["x5c_chain"]["verified"], false, "{shown}");
    let certs = shown["x5c_chain"]["certificates"]
        .as_array()
        .expect("chain");
    assert_eq!(certs.len(), 2, "{shown}");
    assert!(
        certs[0]["subject"]
            .as_str()
            .unwrap_or_default()
            .contains("leaf"),
        "{shown}"
    );
    let mut c = jose();
    c.args(["inspect", &token]);
    let human = stdout_of(c);
    assert!(
        human.contains("x5c chain, NOT VERIFIED (2 certificates):"),
        "{human}"
    );
    assert!(human.contains("Certificate 2 of 2"), "{human}");
    // Good: with and without pins.
    let (code, report) = verify(&token, &root, &[]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["valid"], true);
    let (code, report) = verify(
        &token,
        &root,
        &["--x5c-name", "leaf.example", "--x5c-oid", APPLE_OID],
    );
    assert_eq!(code, Some(0), "{report}");
    // openssl agrees the chain is good.
    openssl_ok(&[
        "verify",
        "-CAfile",
        s(&root),
        "-untrusted",
        s(&int),
        s(&leaf),
    ]);

    // Pins that do not hold.
    rejected(
        &token,
        &root,
        &["--x5c-name", "other.example"],
        "name missing",
    );
    rejected(&token, &root, &["--x5c-oid", "1.2.3.4"], "OID missing");
    // Another root.
    key(d, "other", "P-384");
    let other = cert(d, "other", None, START, END, CA_EXT);
    rejected(&token, &other, &[], "unknown root");
    // Expired intermediate (ends in 2026, before --now).
    std::fs::copy(d.join("int.key"), d.join("oldint.key")).ok();
    let old_int = cert(d, "oldint", Some("root"), START, "20260101000000Z", CA_EXT);
    let leaf2 = cert(
        d,
        "leaf",
        Some("oldint"),
        START,
        END,
        &leaf_ext("digitalSignature"),
    );
    let chain2 = d.join("chain2.pem");
    cat(&chain2, &[&leaf2, &old_int]);
    rejected(&sign(d, &leaf_key, &chain2), &root, &[], "expired");
    // Wrong usage: the leaf may only encipher keys.
    let leaf3 = cert(
        d,
        "leaf",
        Some("int"),
        START,
        END,
        &leaf_ext("keyAgreement"),
    );
    let chain3 = d.join("chain3.pem");
    cat(&chain3, &[&leaf3, &int]);
    rejected(&sign(d, &leaf_key, &chain3), &root, &[], "wrong usage");
    // An intermediate that is not a CA.
    std::fs::copy(d.join("int.key"), d.join("notca.key")).expect("copy");
    let notca = cert(
        d,
        "notca",
        Some("root"),
        START,
        END,
        "basicConstraints=critical,CA:FALSE",
    );
    let leaf4 = cert(
        d,
        "leaf",
        Some("notca"),
        START,
        END,
        &leaf_ext("digitalSignature"),
    );
    let chain4 = d.join("chain4.pem");
    cat(&chain4, &[&leaf4, &notca]);
    rejected(&sign(d, &leaf_key, &chain4), &root, &[], "not a CA");
    // An intermediate whose path length (0) forbids the intermediate under
    // it. (webpki, like RFC 5937 allows, does not apply a trust anchor's
    // own constraints, so the limit sits on an intermediate.)
    std::fs::copy(d.join("int.key"), d.join("tight.key")).expect("copy");
    let tight = cert(
        d,
        "tight",
        Some("root"),
        START,
        END,
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign",
    );
    std::fs::copy(d.join("int.key"), d.join("int2.key")).expect("copy");
    let int2 = cert(d, "int2", Some("tight"), START, END, CA_EXT);
    let leaf5 = cert(
        d,
        "leaf",
        Some("int2"),
        START,
        END,
        &leaf_ext("digitalSignature"),
    );
    let chain5 = d.join("chain5.pem");
    cat(&chain5, &[&leaf5, &int2, &tight]);
    rejected(&sign(d, &leaf_key, &chain5), &root, &[], "path too long");
    // A token without x5c under --x5c-root.
    let mut c = jose();
    c.args(["sign", "-k", s(&leaf_key), "--sub", "me"]);
    let plain = stdout_of(c).trim().to_owned();
    rejected(&plain, &root, &[], "no x5c");
    // The leaf's key alone verifies: a token signed by another key that
    // carries the same good chain is a bad signature.
    let shown_x5c = shown["header"]["x5c"].to_string();
    let intruder = key(d, "intruder", "P-256");
    let mut c = jose();
    c.args(["sign", "-k", s(&intruder), "--sub", "me"])
        .args(["--header", &format!("x5c={shown_x5c}")]);
    let stolen = stdout_of(c).trim().to_owned();
    let (code, report) = verify(&stolen, &root, &[]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["error"]["code"], "bad_signature", "{report}");
}

/// A compact ES256 token whose header carries `x5c` = `certs` (base64
/// DER) and whose signature is junk: the chain is judged before any
/// signature, so these reach the chain checks.
fn forged(certs: &[String]) -> String {
    let header = serde_json::json!({"alg": "ES256", "x5c": certs});
    format!(
        "{}.{}.{}",
        jose::b64::encode(header.to_string()),
        jose::b64::encode(br#"{"sub":"me"}"#),
        jose::b64::encode([7u8; 64])
    )
}

/// 100 certificates, a loop of cross-signed CAs and a 1 MiB certificate:
/// each `bad_chain`, and none costs more than a small multiple of a good
/// chain's verify.
#[test]
fn hostile_chains_are_refused_in_bounded_work() {
    let dir = tempdir();
    let d = dir.path();
    key(d, "root", "P-384");
    key(d, "a", "P-384");
    key(d, "b", "P-384");
    key(d, "leaf", "P-256");
    let root = cert(d, "root", None, START, END, CA_EXT);
    // A and B sign each other: a loop with no way to the root.
    let a = cert(d, "a", None, START, END, CA_EXT);
    let b = cert(d, "b", Some("a"), START, END, CA_EXT);
    let a2 = cert(d, "a", Some("b"), START, END, CA_EXT);
    let leaf = cert(
        d,
        "leaf",
        Some("a"),
        START,
        END,
        &leaf_ext("digitalSignature"),
    );
    let b64 = |p: &Path| {
        let text = std::fs::read_to_string(p).expect("read");
        text.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>()
    };
    let (leaf64, a64, b64_, a2_64) = (b64(&leaf), b64(&a), b64(&b), b64(&a2));
    let mut looped = vec![leaf64.clone()];
    for _ in 0..4 {
        looped.extend([b64_.clone(), a2_64.clone()]);
    }
    looped.push(a64);
    let t = std::time::Instant::now();
    rejected(&forged(&looped), &root, &[], "unknown root");
    let loop_time = t.elapsed();
    // 100 certificates: refused unread.
    let hundred = vec![leaf64.clone(); 100];
    rejected(&forged(&hundred), &root, &[], "more than the 10");
    // A 1 MiB "certificate".
    let big = jose::b64::encode_std(&vec![0x30u8; 1 << 20]);
    rejected(&forged(&[big]), &root, &[], "not a valid certificate");
    // Bounded: the loop costs no more than a few runs with a one-link chain.
    let t = std::time::Instant::now();
    rejected(&forged(&[leaf64]), &root, &[], "unknown root");
    let plain_time = t.elapsed();
    assert!(
        loop_time < plain_time * 20,
        "{loop_time:?} vs {plain_time:?}"
    );
}

/// `sign --x5c` refuses a chain whose first certificate is not the
/// signing key's.
#[test]
fn sign_x5c_needs_the_signing_keys_certificate_first() {
    let dir = tempdir();
    let d = dir.path();
    key(d, "root", "P-384");
    let leaf_key = key(d, "leaf", "P-256");
    let root = cert(d, "root", None, START, END, CA_EXT);
    let out = jose()
        .args(["sign", "-k", s(&leaf_key), "--x5c", s(&root), "--sub", "me"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not hold the signing key"), "{err}");
}
