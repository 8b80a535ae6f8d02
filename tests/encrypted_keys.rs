//! Password-protected keys against independent implementations: PKCS#8
//! `ENCRYPTED PRIVATE KEY` written by `openssl` and Python `cryptography`
//! and read by `jose`, and the other way round; JWE-protected JWKs
//! exchanged with jwcrypto; the prompt on a terminal; bad input refused in
//! one line with exit 2 before any KDF work it cannot afford.

use std::path::Path;
use std::process::Command as Std;

use crate::util::{interop_python, jose, openssl_ok, peer_ok, require_tool, stdout_of, tempdir};

const PW: &str = "correct horse battery staple";

fn pw_file(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("pw.txt");
    std::fs::write(&p, format!("{PW}\n")).expect("write password");
    p
}

/// The public JWK `jose key` reads from `path`, with extra arguments.
fn public_jwk(path: &Path, extra: &[&str]) -> serde_json::Value {
    let mut c = jose();
    c.arg("key").arg(path).args(["--public"]).args(extra);
    serde_json::from_str(&stdout_of(c)).expect("JWK")
}

/// `openssl genpkey` arguments for each key type the key model has.
const OPENSSL_KEYS: [(&str, &[&str]); 7] = [
    (
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    ),
    (
        "p256",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    ),
    (
        "p384",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    ),
    (
        "p521",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    ),
    (
        "k256",
        &[
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:secp256k1",
        ],
    ),
    ("ed25519", &["-algorithm", "ED25519"]),
    ("x25519", &["-algorithm", "X25519"]),
];

/// Every key type, encrypted by `openssl genpkey -aes256` (PBKDF2-SHA256,
/// AES-256-CBC) and by `openssl pkcs8 -topk8` with other PRFs, ciphers,
/// scrypt and DER, opens with the password and yields the key `openssl`
/// holds.
#[test]
fn openssl_encrypted_keys_are_read() {
    let dir = tempdir();
    let d = dir.path();
    let pwf = pw_file(d);
    let pass = format!("file:{}", pwf.display());
    let mut cases = 0;
    for (name, gen_args) in OPENSSL_KEYS {
        let plain = d.join(format!("{name}.pem"));
        let mut args = vec!["genpkey"];
        args.extend_from_slice(gen_args);
        args.extend(["-out", plain.to_str().expect("utf-8")]);
        openssl_ok(&args);
        let expected = public_jwk(&plain, &[]);
        let variants: [(&str, Vec<&str>); 5] = [
            ("aes256", vec!["-v2", "aes-256-cbc"]),
            (
                "aes128-sha512",
                vec!["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"],
            ),
            (
                "aes192-sha1",
                vec!["-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA1"],
            ),
            ("scrypt", vec!["-scrypt"]),
            ("der", vec!["-v2", "aes-256-cbc", "-outform", "DER"]),
        ];
        for (label, extra) in variants {
            let enc = d.join(format!("{name}.{label}.enc"));
            let mut args = vec![
                "pkcs8",
                "-topk8",
                "-in",
                plain.to_str().expect("utf-8"),
                "-passout",
                &pass,
                "-out",
                enc.to_str().expect("utf-8"),
            ];
            args.extend(extra);
            openssl_ok(&args);
            let got = public_jwk(&enc, &["--key-password-file", pwf.to_str().expect("utf-8")]);
            assert_eq!(got, expected, "{name} {label}");
            cases += 1;
        }
        // What `openssl genpkey -aes256` writes, read through an env var.
        let enc = d.join(format!("{name}.genpkey.pem"));
        let mut args = vec!["genpkey"];
        args.extend_from_slice(gen_args);
        args.extend([
            "-aes256",
            "-pass",
            &pass,
            "-out",
            enc.to_str().expect("utf-8"),
        ]);
        openssl_ok(&args);
        let mut c = jose();
        c.arg("key")
            .arg(&enc)
            .args(["--public", "--key-password-env", "KEYPW"])
            .env("KEYPW", PW);
        let got: serde_json::Value = serde_json::from_str(&stdout_of(c)).expect("JWK");
        assert_eq!(got["kty"], expected["kty"], "{name} genpkey");
        cases += 1;
    }
    assert_eq!(cases, 42);
}

/// `keygen --encrypt` and `key --encrypt` write PKCS#8 PBES2 that `openssl
/// pkey` opens (PEM and DER) and that holds the same key; the parameters
/// are PBKDF2-HMAC-SHA256 with 600,000 iterations and AES-256-CBC.
#[test]
fn jose_encrypted_keys_are_read_by_openssl() {
    let dir = tempdir();
    let d = dir.path();
    let pwf = pw_file(d);
    let pass = format!("file:{}", pwf.display());
    for (kty, curve) in [
        ("rsa", None),
        ("ec", Some("P-256")),
        ("ec", Some("P-521")),
        ("ec", Some("secp256k1")),
        ("okp", Some("Ed25519")),
        ("okp", Some("X25519")),
    ] {
        let tag = curve.unwrap_or(kty);
        let enc = d.join(format!("{tag}.pem"));
        let mut c = jose();
        c.args(["keygen", "--kty", kty, "--encrypt", "--key-password-file"])
            .arg(&pwf)
            .arg("-o")
            .arg(&enc);
        if let Some(cv) = curve {
            c.args(["--curve", cv]);
        }
        c.assert().success();
        let text = std::fs::read_to_string(&enc).expect("read");
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{text}"
        );
        let params = openssl_ok(&["asn1parse", "-in", enc.to_str().expect("utf-8")]);
        for part in [
            "PBES2",
            "PBKDF2",
            ":0927C0",
            "hmacWithSHA256",
            "aes-256-cbc",
        ] {
            assert!(params.contains(part), "{tag}: {part} missing in {params}");
        }
        // openssl opens it; its public key is the one jose reads.
        let pub_pem = d.join(format!("{tag}.pub.pem"));
        openssl_ok(&[
            "pkey",
            "-in",
            enc.to_str().expect("utf-8"),
            "-passin",
            &pass,
            "-pubout",
            "-out",
            pub_pem.to_str().expect("utf-8"),
        ]);
        assert_eq!(
            public_jwk(&pub_pem, &[]),
            public_jwk(&enc, &["--key-password-file", pwf.to_str().expect("utf-8")]),
            "{tag}"
        );
        // key --encrypt to DER: openssl opens that too.
        let der = d.join(format!("{tag}.der"));
        let mut c = jose();
        c.arg("key")
            .arg(&enc)
            .args(["--encrypt", "--to", "der", "--key-password-file"])
            .arg(&pwf)
            .arg("-o")
            .arg(&der);
        c.assert().success();
        openssl_ok(&[
            "pkey",
            "-inform",
            "DER",
            "-in",
            der.to_str().expect("utf-8"),
            "-passin",
            &pass,
            "-noout",
        ]);
    }
}

const PY_WRITE: &str = r#"
import sys
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
pw = sys.argv[1].encode()
keys = {
    "rsa": rsa.generate_private_key(65537, 2048),
    "p384": ec.generate_private_key(ec.SECP384R1()),
    "k256": ec.generate_private_key(ec.SECP256K1()),
    "ed25519": ed25519.Ed25519PrivateKey.generate(),
    "x25519": x25519.X25519PrivateKey.generate(),
}
for name, k in keys.items():
    for enc, ext in ((s.Encoding.PEM, "pem"), (s.Encoding.DER, "der")):
        data = k.private_bytes(enc, s.PrivateFormat.PKCS8, s.BestAvailableEncryption(pw))
        open(f"{sys.argv[2]}/{name}.{ext}", "wb").write(data)
    pub = k.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo)
    open(f"{sys.argv[2]}/{name}.pub", "wb").write(pub)
"#;

const PY_READ: &str = r#"
import sys
from cryptography.hazmat.primitives import serialization as s
data = open(sys.argv[2], "rb").read()
k = s.load_pem_private_key(data, password=sys.argv[1].encode())
sys.stdout.write(k.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo).decode())
"#;

/// Python `cryptography` (OpenSSL inside, but its own writer choices)
/// writes encrypted PKCS#8 that jose opens, and opens what jose writes.
#[test]
fn python_cryptography_exchanges_encrypted_keys() {
    let dir = tempdir();
    let d = dir.path();
    let pwf = pw_file(d);
    peer_ok(
        interop_python("cryptography")
            .args(["-c", PY_WRITE, PW])
            .arg(d),
    );
    let mut cases = 0;
    for name in ["rsa", "p384", "k256", "ed25519", "x25519"] {
        let expected = public_jwk(&d.join(format!("{name}.pub")), &[]);
        for ext in ["pem", "der"] {
            let got = public_jwk(
                &d.join(format!("{name}.{ext}")),
                &["--key-password-file", pwf.to_str().expect("utf-8")],
            );
            assert_eq!(got, expected, "{name}.{ext}");
            cases += 1;
        }
        // And back: jose re-encrypts it, cryptography opens it.
        let mine = d.join(format!("{name}.jose.pem"));
        jose()
            .arg("key")
            .arg(d.join(format!("{name}.pem")))
            .args(["--encrypt", "--to", "pem", "--key-password-file"])
            .arg(&pwf)
            .arg("-o")
            .arg(&mine)
            .assert()
            .success();
        let out = interop_python("cryptography")
            .args(["-c", PY_READ, PW])
            .arg(&mine)
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let py_pub = d.join(format!("{name}.py.pub"));
        std::fs::write(&py_pub, &out.stdout).expect("write");
        assert_eq!(public_jwk(&py_pub, &[]), expected, "{name} back");
        cases += 1;
    }
    assert_eq!(cases, 15);
}

const JWCRYPTO: &str = r#"
import json, sys
from jwcrypto import jwa, jwe, jwk
jwa.default_max_pbkdf2_iterations = 1_000_000
mode, pw, path = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "open":
    t = jwe.JWE()
    t.deserialize(open(path).read().strip(), key=jwk.JWK.from_password(pw))
    hdr = t.jose_header
    assert hdr["cty"] == "jwk+json", hdr
    assert hdr["alg"] == "PBES2-HS512+A256KW", hdr
    assert hdr["p2c"] == 210000, hdr
    k = jwk.JWK.from_json(t.payload)
    assert k.has_private
    print(k.thumbprint())
else:
    k = jwk.JWK.generate(kty="EC", crv="P-256")
    alg = sys.argv[4]
    t = jwe.JWE(k.export_private().encode(), protected=json.dumps(
        {"alg": alg, "enc": "A256GCM", "cty": "jwk+json", "p2c": 10000}))
    t.add_recipient(jwk.JWK.from_password(pw))
    open(path, "w").write(t.serialize(compact=True))
    print(k.thumbprint())
"#;

/// A JWK protected as a JWE (PBES2-HS512+A256KW with 210,000 iterations,
/// `cty: jwk+json`, as step writes) round-trips with jwcrypto both ways.
#[test]
fn protected_jwks_round_trip_with_jwcrypto() {
    let dir = tempdir();
    let d = dir.path();
    let pwf = pw_file(d);
    // jose writes, jwcrypto opens.
    let mine = d.join("k.jwe");
    jose()
        .args([
            "keygen",
            "--alg",
            "ES384",
            "--format",
            "jwk",
            "--encrypt",
            "--key-password-file",
        ])
        .arg(&pwf)
        .arg("-o")
        .arg(&mine)
        .assert()
        .success();
    let out = peer_ok(
        interop_python("jwcrypto")
            .args(["-c", JWCRYPTO, "open", PW])
            .arg(&mine),
    );
    let mut c = jose();
    c.arg("key")
        .arg(&mine)
        .args(["--thumbprint", "--key-password-file"])
        .arg(&pwf);
    assert_eq!(
        stdout_of(c).trim(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    // jwcrypto writes, jose opens (and signs with it).
    for alg in ["PBES2-HS512+A256KW", "PBES2-HS256+A128KW"] {
        let theirs = d.join(format!("{alg}.jwe"));
        let out = peer_ok(
            interop_python("jwcrypto")
                .args(["-c", JWCRYPTO, "seal", PW])
                .arg(&theirs)
                .arg(alg),
        );
        let mut c = jose();
        c.arg("key")
            .arg(&theirs)
            .args(["--thumbprint", "--key-password-env", "KEYPW"])
            .env("KEYPW", PW);
        assert_eq!(
            stdout_of(c).trim(),
            String::from_utf8_lossy(&out.stdout).trim(),
            "{alg}"
        );
        let mut c = jose();
        c.args(["sign", "-k"])
            .arg(&theirs)
            .args(["--key-password-env", "KEYPW", "--sub", "me"])
            .env("KEYPW", PW);
        assert!(stdout_of(c).starts_with("eyJ"), "{alg}");
    }
}

/// One line on standard error and exit 2.
fn refused(mut c: assert_cmd::Command) -> String {
    let out = c.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("jose: error: "), "{err}");
    err
}

/// Replace the first occurrence of `from` by `to` (same length).
fn patch(data: &mut [u8], from: &[u8], to: &[u8]) {
    let at = data
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern present");
    data[at..at + to.len()].copy_from_slice(to);
}

/// Wrong password, missing password, truncated key, forged KDF costs, a
/// legacy `Proc-Type` key and a protected JWK with an absurd `p2c`: each
/// one line, exit 2, and no KDF run beyond the bounds.
#[test]
fn bad_encrypted_keys_are_refused_in_one_line() {
    let dir = tempdir();
    let d = dir.path();
    let pwf = pw_file(d);
    let pass = format!("file:{}", pwf.display());
    let plain = d.join("p.pem");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        plain.to_str().expect("utf-8"),
    ]);
    let der = d.join("k.der");
    openssl_ok(&[
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-iter",
        "100000",
        "-in",
        plain.to_str().expect("utf-8"),
        "-passout",
        &pass,
        "-outform",
        "DER",
        "-out",
        der.to_str().expect("utf-8"),
    ]);
    let key_cmd = |path: &Path, pw: &Path| {
        let mut c = jose();
        c.arg("key").arg(path).arg("--key-password-file").arg(pw);
        c
    };
    // A wrong password.
    let wrong = d.join("wrong.txt");
    std::fs::write(&wrong, "not it").expect("write");
    let err = refused(key_cmd(&der, &wrong));
    assert!(err.contains("wrong password"), "{err}");
    // No password, and no terminal to ask on.
    let mut c = jose();
    c.arg("key").arg(&der);
    let err = refused(c);
    assert!(err.contains("--key-password-file"), "{err}");
    // Truncated: the DER cut short, and a PEM cut short.
    let bytes = std::fs::read(&der).expect("read");
    let cut = d.join("cut.der");
    std::fs::write(&cut, &bytes[..bytes.len() - 20]).expect("write");
    refused(key_cmd(&cut, &pwf));
    // Iterations forged to 8,388,607 (100000 = 0x0186A0 → 0x7FFFFF).
    let mut forged = bytes.clone();
    patch(
        &mut forged,
        &[0x02, 0x03, 0x01, 0x86, 0xA0],
        &[0x02, 0x03, 0x7F, 0xFF, 0xFF],
    );
    let path = d.join("iter.der");
    std::fs::write(&path, &forged).expect("write");
    let err = refused(key_cmd(&path, &pwf));
    assert!(err.contains("8388607 PBKDF2 iterations"), "{err}");
    // scrypt with r and p forged from 8 and 1 to 127: 32 GiB of mixing.
    let sc = d.join("sc.der");
    openssl_ok(&[
        "pkcs8",
        "-topk8",
        "-scrypt",
        "-in",
        plain.to_str().expect("utf-8"),
        "-passout",
        &pass,
        "-outform",
        "DER",
        "-out",
        sc.to_str().expect("utf-8"),
    ]);
    let mut forged = std::fs::read(&sc).expect("read");
    patch(
        &mut forged,
        &[0x02, 0x02, 0x40, 0x00, 0x02, 0x01, 0x08, 0x02, 0x01, 0x01],
        &[0x02, 0x02, 0x40, 0x00, 0x02, 0x01, 0x7F, 0x02, 0x01, 0x7F],
    );
    std::fs::write(&sc, &forged).expect("write");
    let err = refused(key_cmd(&sc, &pwf));
    assert!(err.contains("scrypt N=16384 r=127 p=127"), "{err}");
    // A legacy OpenSSL-encrypted PEM: how to convert it.
    let legacy = d.join("legacy.pem");
    openssl_ok(&[
        "ec",
        "-in",
        plain.to_str().expect("utf-8"),
        "-aes256",
        "-passout",
        &pass,
        "-out",
        legacy.to_str().expect("utf-8"),
    ]);
    assert!(
        std::fs::read_to_string(&legacy)
            .expect("read")
            .contains("Proc-Type: 4,ENCRYPTED")
    );
    let err = refused(key_cmd(&legacy, &pwf));
    assert!(err.contains("openssl pkcs8 -topk8"), "{err}");
    // A protected JWK whose p2c is absurd: refused before any PBKDF2 work.
    let jwe = d.join("p2c.jwe");
    std::fs::write(&jwe, crate::util::pbes2_token(2_000_000_000u64)).expect("write");
    let err = refused(key_cmd(&jwe, &pwf));
    assert!(err.contains("p2c"), "{err}");
    // A protected JWK opened with the wrong password.
    let good = d.join("good.jwe");
    jose()
        .args([
            "keygen",
            "--kty",
            "ec",
            "--format",
            "jwk",
            "--encrypt",
            "--key-password-file",
        ])
        .arg(&pwf)
        .arg("-o")
        .arg(&good)
        .assert()
        .success();
    let err = refused(key_cmd(&good, &wrong));
    assert!(err.contains("wrong password"), "{err}");
}

/// Run `cmd` under `script` (a pseudo-terminal), typing `input` after a
/// pause, so the answer arrives after the prompt turned echo off.
fn on_terminal(cmd: &str, input: &str) -> (Option<i32>, String) {
    require_tool("script");
    let sh = format!("(sleep 1; printf '{input}') | script -qec '{cmd}' /dev/null");
    let out = Std::new("sh").args(["-c", &sh]).output().expect("script");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// On a terminal, keys are opened and protected by a prompt with echo off
/// (asked twice for a new password), and PBES2 encrypt/decrypt ask too.
#[test]
fn prompts_on_a_terminal() {
    let dir = tempdir();
    let d = dir.path();
    let bin = env!("CARGO_BIN_EXE_jose");
    let key = d.join("k.pem");
    let k = key.display();
    // keygen --encrypt: asked twice; mismatched answers are refused.
    let (code, text) = on_terminal(
        &format!("{bin} keygen --kty ec --encrypt -o {k}"),
        "typed-secret-1\\ntyped-secret-1\\n",
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Verifying"), "{text}");
    assert!(
        !text.contains("typed-secret-1"),
        "the password was echoed: {text}"
    );
    let (code, text) = on_terminal(
        &format!("{bin} keygen --kty ec --encrypt -o {k}.2"),
        "one\\nother\\n",
    );
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("the two passwords differ"), "{text}");
    // Reading it: asked once, naming the file.
    let (code, text) = on_terminal(&format!("{bin} key {k} --public"), "typed-secret-1\\n");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("Enter the password of {k}")),
        "{text}"
    );
    assert!(text.contains("\"kty\": \"EC\""), "{text}");
    // encrypt with no recipient asks (twice); decrypt with no key asks.
    let msg = d.join("m.txt");
    std::fs::write(&msg, "hello").expect("write");
    let jwe = d.join("m.jwe");
    let (code, text) = on_terminal(
        &format!("{bin} encrypt {} -o {}", msg.display(), jwe.display()),
        "pw-typed\\npw-typed\\n",
    );
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = on_terminal(&format!("{bin} decrypt @{}", jwe.display()), "pw-typed\\n");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("hello"), "{text}");
}

/// `inspect` shows what protects an encrypted key (PEM or DER), never
/// its content, and needs no password.
#[test]
fn inspect_shows_the_protection_only() {
    let dir = tempdir();
    let d = dir.path();
    let pwf = pw_file(d);
    let pem = d.join("k.pem");
    jose()
        .args(["keygen", "--kty", "ec", "--encrypt", "--key-password-file"])
        .arg(&pwf)
        .arg("-o")
        .arg(&pem)
        .assert()
        .success();
    let der = d.join("k.der");
    // openssl reads -passin and -passout from one file as two lines.
    let pw2 = d.join("pw2.txt");
    std::fs::copy(&pwf, &pw2).expect("copy");
    openssl_ok(&[
        "pkcs8",
        "-topk8",
        "-scrypt",
        "-in",
        pem.to_str().expect("utf-8"),
        "-passin",
        &format!("file:{}", pwf.display()),
        "-passout",
        &format!("file:{}", pw2.display()),
        "-outform",
        "DER",
        "-out",
        der.to_str().expect("utf-8"),
    ]);
    let mut c = jose();
    c.arg("inspect").arg(format!("@{}", pem.display()));
    let human = stdout_of(c);
    assert!(
        human.contains("PBES2 (PBKDF2-HMAC-SHA256, 600000 iterations; AES-256-CBC)"),
        "{human}"
    );
    let mut c = jose();
    c.args(["inspect", "--json"])
        .arg(format!("@{}", der.display()));
    let v: serde_json::Value = serde_json::from_str(&stdout_of(c)).expect("json");
    assert_eq!(v["kind"], "key");
    assert_eq!(v["encrypted"], true);
    assert_eq!(
        v["protection"],
        "PBES2 (scrypt N=16384 r=8 p=1; AES-256-CBC)"
    );
    assert_eq!(v["keys"], serde_json::json!([]));
}
