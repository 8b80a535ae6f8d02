//! `jose key` and `jose keygen`: RFC 7517/7638/8037 vectors, every fixture
//! format converted to every output format, generated keys checked by
//! OpenSSL and Python `cryptography`, Wycheproof JWK cases, and the output
//! conventions (0600, --force).

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::util::*;

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {bytes:?}"))
}

/// `key`'s JWK or JWKS output `out` against its source `src`: a key the
/// source gave no `kid` gets one (cli.md: the RFC 7638 thumbprint), which
/// is taken out, and returned, before the two are compared.
fn without_added_kids(mut out: Value, src: &Value) -> (Value, Vec<String>) {
    fn keys(v: &mut Value) -> Vec<&mut Value> {
        if v.get("keys").is_some_and(Value::is_array) {
            v["keys"]
                .as_array_mut()
                .map(|a| a.iter_mut().collect())
                .unwrap_or_default()
        } else {
            vec![v]
        }
    }
    let mut src = src.clone();
    let src_keys = keys(&mut src);
    let mut added = Vec::new();
    for (o, s) in keys(&mut out).into_iter().zip(src_keys) {
        if s.get("kid").is_none() {
            let kid = o
                .as_object_mut()
                .and_then(|m| m.remove("kid"))
                .unwrap_or_else(|| panic!("no kid added: {o}"));
            added.push(kid.as_str().expect("a string kid").to_owned());
        }
    }
    (out, added)
}

fn run_ok(args: &[&str]) -> Vec<u8> {
    let out = jose().args(args).output().expect("run jose");
    assert!(
        out.status.success(),
        "jose {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn thumbprints(source: &str) -> Vec<String> {
    String::from_utf8(run_ok(&["key", source, "--thumbprint"]))
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn vector(rel: &str) -> String {
    path_str(&data(rel)).to_owned()
}

// ---------------------------------------------------------------- RFC vectors

/// RFC 7517 A.1 (public), A.2 (private), A.3 (symmetric) read and written
/// back as the same JSON (member order aside).
#[test]
fn rfc7517_appendix_a_round_trips() {
    for f in [
        "a1_public_keys.json",
        "a2_private_keys.json",
        "a3_symmetric_keys.json",
    ] {
        let src = vector(&format!("vectors/rfc7517/{f}"));
        let out = run_ok(&["key", &src, "--to", "jwks"]);
        let want = json_of(&read_data(&format!("vectors/rfc7517/{f}")));
        let (got, added) = without_added_kids(json_of(&out), &want);
        assert_eq!(got, want, "{f}");
        // Each added kid is that key's thumbprint.
        let tps: Vec<String> = String::from_utf8(run_ok(&["key", &src, "--thumbprint"]))
            .expect("UTF-8")
            .lines()
            .map(str::to_owned)
            .collect();
        assert!(added.iter().all(|k| tps.contains(k)), "{f}: {added:?}");
    }
}

/// RFC 7517 Appendix B's certificate does not hold the JWK's key, so §4.7
/// ("MUST match") rejects it; without `x5c` the same key round-trips.
#[test]
fn rfc7517_appendix_b_x5c_mismatch_is_rejected() {
    jose()
        .args(["key", &vector("vectors/rfc7517/b_x5c.json")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("x5c").and(predicate::str::contains("not the JWK's key")));

    let mut v = json_of(&read_data("vectors/rfc7517/b_x5c.json"));
    let key = v["keys"][0].as_object_mut().expect("object");
    key.remove("x5c");
    let dir = tempdir();
    let p = dir.path().join("b.json");
    std::fs::write(&p, serde_json::to_vec(&v).expect("json")).expect("write");
    let out = run_ok(&["key", path_str(&p), "--to", "jwks"]);
    assert_eq!(json_of(&out), v);
}

/// RFC 7638 §3.1: the thumbprint of the RFC 7517 A.1 RSA key.
#[test]
fn rfc7638_example_thumbprint() {
    assert_eq!(
        thumbprints(&vector("vectors/rfc7517/rfc7638_3_1_key.json")),
        ["NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"]
    );
    // The private A.2 form of the same key has the same thumbprint.
    assert_eq!(
        thumbprints(&vector("vectors/rfc7517/a2_private_keys.json"))[1],
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

/// RFC 8037 A.1/A.2 Ed25519 keys and the A.3 thumbprint; the cookbook's
/// Ed25519 and X25519 keys round-trip.
#[test]
fn rfc8037_okp_keys() {
    for f in ["a1_ed25519_private.json", "a2_ed25519_public.json"] {
        let src = vector(&format!("vectors/rfc8037/{f}"));
        assert_eq!(
            thumbprints(&src),
            ["kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"],
            "{f}"
        );
        let out = run_ok(&["key", &src, "--to", "jwk"]);
        let want = json_of(&read_data(&format!("vectors/rfc8037/{f}")));
        let (got, added) = without_added_kids(json_of(&out), &want);
        assert_eq!(got, want);
        assert_eq!(
            added,
            ["kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"],
            "{f}"
        );
    }
    // The public half of A.1 is A.2.
    let out = run_ok(&[
        "key",
        &vector("vectors/rfc8037/a1_ed25519_private.json"),
        "--public",
    ]);
    let want = json_of(&read_data("vectors/rfc8037/a2_ed25519_public.json"));
    assert_eq!(without_added_kids(json_of(&out), &want).0, want);

    let dir = tempdir();
    for f in [
        "cookbook_curve25519_jws.json",
        "cookbook_curve25519_ecdh-es.json",
    ] {
        let key = json_of(&read_data(&format!("vectors/rfc8037/{f}")))["input"]["key"].clone();
        let p = dir.path().join(f);
        std::fs::write(&p, serde_json::to_vec(&key).expect("json")).expect("write");
        let out = run_ok(&["key", path_str(&p)]);
        assert_eq!(without_added_kids(json_of(&out), &key).0, key, "{f}");
    }
}

// ------------------------------------------------------- fixture conversions

/// Every fixture, with whether it holds a private key.
const FIXTURES: &[(&str, bool)] = &[
    ("rsa2048.pkcs8.pem", true),
    ("rsa2048.pkcs1.pem", true),
    ("rsa2048.spki.pem", false),
    ("rsa2048.pkcs1pub.pem", false),
    ("rsa2048.pkcs8.der", true),
    ("rsa2048.pkcs1.der", true),
    ("rsa2048.spki.der", false),
    ("ec-p256.pkcs8.pem", true),
    ("ec-p256.sec1.pem", true),
    ("ec-p256.spki.pem", false),
    ("ec-p256.spki-compressed.pem", false),
    ("ec-p256.pkcs8.der", true),
    ("ec-p256.sec1.der", true),
    ("ec-p384.pkcs8.pem", true),
    ("ec-p384.sec1.pem", true),
    ("ec-p384.spki.pem", false),
    ("ec-p384.sec1-nopub.pem", true),
    ("ec-p384.pkcs8-nopub.pem", true),
    ("ec-p384.private.jwk.json", true),
    ("ec-p521.pkcs8.pem", true),
    ("ec-p521.sec1.pem", true),
    ("ec-p521.spki.pem", false),
    ("ec-secp256k1.pkcs8.pem", true),
    ("ec-secp256k1.sec1.pem", true),
    ("ec-secp256k1.spki.pem", false),
    ("ed25519.pkcs8.pem", true),
    ("ed25519.spki.pem", false),
    ("x25519.pkcs8.pem", true),
    ("x25519.spki.pem", false),
    ("cert-p256.pem", false),
    ("cert-p256.der", false),
    ("cert-rsa2048.pem", false),
];

/// Formats of one family share one thumbprint: every private form, public
/// form and certificate of a key names the same key.
#[test]
fn fixture_formats_agree_on_the_key() {
    let groups: &[(&str, &[&str])] = &[
        ("rsa2048", &["rsa2048.", "cert-rsa2048"]),
        ("ec-p256", &["ec-p256.", "cert-p256"]),
        ("ec-p384", &["ec-p384."]),
        ("ec-p521", &["ec-p521."]),
        ("ec-secp256k1", &["ec-secp256k1."]),
        ("ed25519", &["ed25519."]),
        ("x25519", &["x25519."]),
    ];
    for (name, prefixes) in groups {
        let members: Vec<&str> = FIXTURES
            .iter()
            .map(|(f, _)| *f)
            .filter(|f| prefixes.iter().any(|p| f.starts_with(p)) && !f.contains("encrypted"))
            .collect();
        assert!(members.len() >= 2, "{name}");
        let want = thumbprints(&vector(&format!("keys/{}", members[0])));
        for m in &members {
            assert_eq!(thumbprints(&vector(&format!("keys/{m}"))), want, "{m}");
        }
    }
}

/// Each fixture converts through `jose key` to PEM, DER, JWK and JWKS (and
/// their public forms) and reads back as the same key, private parts kept
/// exactly when they were there.
#[test]
fn fixtures_convert_to_every_format_and_back() {
    let dir = tempdir();
    for (i, (f, private)) in FIXTURES.iter().enumerate() {
        let src = vector(&format!("keys/{f}"));
        let want = thumbprints(&src);
        assert_eq!(want.len(), 1, "{f}");
        for to in ["pem", "der", "jwk", "jwks"] {
            for public in [false, true] {
                let out = dir.path().join(format!("{i}-{to}-{public}"));
                let mut args = vec!["key", &src, "--to", to, "-o", path_str(&out)];
                if public {
                    args.push("--public");
                }
                run_ok(&args);
                let o = path_str(&out).to_owned();
                assert_eq!(thumbprints(&o), want, "{f} --to {to} public={public}");
                let jwk = json_of(&run_ok(&["key", &o, "--to", "jwk"]));
                let has_private = jwk.get("d").is_some();
                assert_eq!(
                    has_private,
                    *private && !public,
                    "{f} --to {to} public={public}"
                );
                #[cfg(unix)]
                {
                    let mode = crate::util::mode_of(&out);
                    if has_private {
                        assert_eq!(mode, 0o600, "{f} --to {to}: private output must be 0600");
                    }
                }
            }
        }
    }
}

/// PEM/DER output is what OpenSSL itself writes for the same key: PKCS#8 and
/// SPKI are DER, which has one encoding.
#[test]
fn pem_output_is_byte_identical_to_openssl() {
    for name in [
        "rsa2048",
        "ec-p256",
        "ec-p384",
        "ec-p521",
        "ec-secp256k1",
        "ed25519",
        "x25519",
    ] {
        let private = read_data(&format!("keys/{name}.pkcs8.pem"));
        let public = read_data(&format!("keys/{name}.spki.pem"));
        for src in [
            format!("keys/{name}.pkcs8.pem"),
            format!("keys/{name}.sec1.pem"),
        ] {
            if !data(&src).exists() {
                continue;
            }
            let s = vector(&src);
            assert_eq!(run_ok(&["key", &s, "--to", "pem"]), private, "{src}");
            assert_eq!(
                run_ok(&["key", &s, "--to", "pem", "--public"]),
                public,
                "{src}"
            );
        }
    }
    assert_eq!(
        run_ok(&["key", &vector("keys/rsa2048.pkcs1.der"), "--to", "der"]),
        read_data("keys/rsa2048.pkcs8.der")
    );
    assert_eq!(
        run_ok(&["key", &vector("keys/rsa2048.pkcs1pub.pem"), "--to", "der"]),
        read_data("keys/rsa2048.spki.der")
    );
}

/// Thumbprints agree with jwcrypto's reading of the same PEM files, so the
/// parser reads the numbers an independent implementation reads.
#[test]
fn thumbprints_match_jwcrypto() {
    let mut py = interop_python("jwcrypto");
    let files: Vec<String> = FIXTURES
        .iter()
        .filter(|(f, _)| f.ends_with(".pem") && !f.starts_with("cert-") && !f.contains("nopub"))
        .map(|(f, _)| vector(&format!("keys/{f}")))
        .collect();
    let script = "import sys\nfrom jwcrypto import jwk\nfor f in sys.argv[1:]:\n    print(jwk.JWK.from_pem(open(f,'rb').read()).thumbprint())\n";
    let out = peer_ok(py.arg("-c").arg(script).args(&files));
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(theirs.len(), files.len());
    for (f, t) in files.iter().zip(&theirs) {
        assert_eq!(thumbprints(f), std::slice::from_ref(t), "{f}");
    }
}

#[test]
fn google_certificate_map_gives_kids() {
    let out = json_of(&run_ok(&["key", &vector("keys/google-certmap.json")]));
    let keys = out["keys"].as_array().expect("JWKS");
    let kids: Vec<&str> = keys.iter().filter_map(|k| k["kid"].as_str()).collect();
    assert_eq!(kids, ["a1b2c3-p256", "d4e5f6-rsa"]);
    assert_eq!(
        thumbprints(&vector("keys/google-certmap.json")),
        [
            thumbprints(&vector("keys/cert-p256.pem")).remove(0),
            thumbprints(&vector("keys/cert-rsa2048.pem")).remove(0)
        ]
    );
    // The certificate travels with its key: x5c and both thumbprints.
    assert!(
        keys[0]["x5c"].is_array() && keys[0]["x5t"].is_string() && keys[0]["x5t#S256"].is_string()
    );
}

#[test]
fn several_pem_blocks_are_several_keys() {
    let dir = tempdir();
    let p = dir.path().join("bundle.pem");
    let mut text = b"A bundle: text outside blocks is ignored.\n".to_vec();
    for f in [
        "keys/rsa2048.spki.pem",
        "keys/ec-p256.pkcs8.pem",
        "keys/cert-rsa2048.pem",
    ] {
        text.extend(read_data(f));
    }
    std::fs::write(&p, &text).expect("write");
    let src = path_str(&p);
    assert_eq!(thumbprints(src).len(), 3);
    let jwks = json_of(&run_ok(&["key", src]));
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(3));
    // CRLF line endings (PEM written on Windows) read the same.
    let crlf = dir.path().join("crlf.pem");
    let text = String::from_utf8(read_data("keys/ec-p256.pkcs8.pem")).expect("utf-8");
    std::fs::write(&crlf, text.replace('\n', "\r\n")).expect("write");
    assert_eq!(
        thumbprints(path_str(&crlf)),
        thumbprints(&vector("keys/ec-p256.spki.pem"))
    );
    // Several keys: one JWK cannot hold them, nor can DER.
    for to in ["jwk", "der"] {
        jose().args(["key", src, "--to", to]).assert().code(2);
    }
    // Several sources make one JWKS; PEM output is several blocks.
    let out = run_ok(&[
        "key",
        &vector("keys/ed25519.spki.pem"),
        &vector("keys/jwks-public.json"),
        "--to",
        "pem",
    ]);
    let pem = String::from_utf8(out).expect("utf-8");
    assert_eq!(pem.matches("-----BEGIN PUBLIC KEY-----").count(), 5);
}

#[test]
fn unusable_sources_are_clear_errors() {
    for f in ["keys/ec-p256.encrypted.pem", "keys/ec-p256.encrypted.der"] {
        jose()
            .args(["key", &vector(f)])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "the key is password-protected: give --key-password-file",
            ));
    }
    let dir = tempdir();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "unknown.pem",
            b"-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n",
            "unsupported PEM block type",
        ),
        (
            "unterminated.pem",
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n",
            "no matching",
        ),
        (
            "badb64.pem",
            b"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
            "base64",
        ),
        ("garbage.der", b"\x30\x03\x02\x01\x00", "DER"),
        ("text.txt", b"hello", "not a key"),
    ];
    for (name, bytes, msg) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let out = jose().args(["key", path_str(&p)]).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(msg), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
    }
    jose()
        .args(["key", "http://keys.example/jwks.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only allowed to loopback"));
}

#[test]
fn key_sets_metadata_and_checks_it_fits() {
    let src = vector("keys/ec-p256.pkcs8.pem");
    let jwk = json_of(&run_ok(&[
        "key", &src, "--kid", "k1", "--alg", "ES256", "--use", "sig", "--public",
    ]));
    assert_eq!(jwk["kid"], "k1");
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["use"], "sig");
    assert!(jwk.get("d").is_none());
    // An algorithm the key cannot serve, or an unknown one, is refused.
    for alg in ["RS256", "ES384", "HS256", "none", "ES521"] {
        jose().args(["key", &src, "--alg", alg]).assert().code(2);
    }
    // --kid names one key.
    jose()
        .args(["key", &vector("keys/jwks-public.json"), "--kid", "x"])
        .assert()
        .code(2);
    // Standard input is the default source.
    let out = jose()
        .args(["key", "--thumbprint"])
        .write_stdin(read_data("keys/ed25519.pkcs8.pem"))
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        thumbprints(&vector("keys/ed25519.spki.pem"))[0]
    );
}

// ---------------------------------------------------------------- keygen

/// Key families of keygen, as flags, with a label.
const ASYMMETRIC: &[(&str, &[&str])] = &[
    ("rsa", &["--alg", "RS256"]),
    ("p256", &["--alg", "ES256"]),
    ("p384", &["--alg", "ES384"]),
    ("p521", &["--alg", "ES512"]),
    ("secp256k1", &["--alg", "ES256K"]),
    ("ed25519", &["--alg", "EdDSA"]),
    ("x25519", &["--alg", "ECDH-ES", "--curve", "X25519"]),
];

fn keygen(dir: &Path, label: &str, flags: &[&str], format: &str) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{label}.{format}"));
    let public = dir.join(format!("{label}.pub.{format}"));
    let mut args = vec!["keygen"];
    args.extend_from_slice(flags);
    args.extend([
        "--format",
        format,
        "-o",
        path_str(&private),
        "--pub",
        path_str(&public),
    ]);
    run_ok(&args);
    (private, public)
}

fn openssl_pubout(private: &Path, der: bool) -> Vec<u8> {
    let mut c = std::process::Command::new("openssl");
    c.args(["pkey", "-in", path_str(private), "-pubout"]);
    if der {
        c.args(["-inform", "DER", "-outform", "DER"]);
    }
    let out = c.output().expect("openssl");
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Every asymmetric family × PEM/DER: OpenSSL reads the private key and
/// derives exactly the public key we wrote with --pub.
#[test]
fn keygen_pem_and_der_round_trip_through_openssl() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    for (label, flags) in ASYMMETRIC {
        for format in ["pem", "der"] {
            let (private, public) = keygen(dir.path(), label, flags, format);
            let theirs = openssl_pubout(&private, format == "der");
            let ours = std::fs::read(&public).expect("read pub");
            assert_eq!(theirs, ours, "{label} {format}");
            #[cfg(unix)]
            {
                let mode = crate::util::mode_of(&private);
                assert_eq!(mode, 0o600, "{label} {format}");
            }
        }
    }
}

/// Python `cryptography` reads what keygen writes. For PEM/DER it loads the
/// private key and prints its numbers; for JWK/JWKS it builds the key from
/// our components (which validates them) and prints the numbers it derives.
/// Both must equal the components `jose key` reports.
const PY_NUMBERS: &str = r#"
import sys, json, base64
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519, x25519
def b64(i, n=None):
    if n is None: n = (i.bit_length() + 7) // 8
    return base64.urlsafe_b64encode(i.to_bytes(n, 'big')).rstrip(b'=').decode()
def dec(s): return int.from_bytes(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)), 'big')
def raw(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
CURVES = {'P-256': ec.SECP256R1(), 'P-384': ec.SECP384R1(), 'P-521': ec.SECP521R1(), 'secp256k1': ec.SECP256K1()}
NAMES = {'secp256r1': 'P-256', 'secp384r1': 'P-384', 'secp521r1': 'P-521', 'secp256k1': 'secp256k1'}
path, fmt = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
if fmt in ('pem', 'der'):
    load = serialization.load_pem_private_key if fmt == 'pem' else serialization.load_der_private_key
    k = load(data, None)
else:
    j = json.loads(data)
    if fmt == 'jwks': j = j['keys'][0]
    if j['kty'] == 'RSA':
        pub = rsa.RSAPublicNumbers(dec(j['e']), dec(j['n']))
        k = rsa.RSAPrivateNumbers(dec(j['p']), dec(j['q']), dec(j['d']), dec(j['dp']), dec(j['dq']), dec(j['qi']), pub).private_key()
    elif j['kty'] == 'EC':
        k = ec.derive_private_key(dec(j['d']), CURVES[j['crv']])
    elif j['crv'] == 'Ed25519':
        k = ed25519.Ed25519PrivateKey.from_private_bytes(raw(j['d']))
    else:
        k = x25519.X25519PrivateKey.from_private_bytes(raw(j['d']))
if isinstance(k, rsa.RSAPrivateKey):
    n = k.private_numbers()
    out = {'kty': 'RSA', 'n': b64(n.public_numbers.n), 'e': b64(n.public_numbers.e), 'd': b64(n.d)}
elif isinstance(k, ec.EllipticCurvePrivateKey):
    n = k.private_numbers(); size = (k.curve.key_size + 7) // 8
    out = {'kty': 'EC', 'crv': NAMES[k.curve.name], 'x': b64(n.public_numbers.x, size), 'y': b64(n.public_numbers.y, size), 'd': b64(n.private_value, size)}
else:
    R = serialization.Encoding.Raw
    crv = 'Ed25519' if isinstance(k, ed25519.Ed25519PrivateKey) else 'X25519'
    out = {'kty': 'OKP', 'crv': crv, 'x': base64.urlsafe_b64encode(k.public_key().public_bytes(R, serialization.PublicFormat.Raw)).rstrip(b'=').decode(),
           'd': base64.urlsafe_b64encode(k.private_bytes(R, serialization.PrivateFormat.Raw, serialization.NoEncryption())).rstrip(b'=').decode()}
print(json.dumps(out))
"#;

#[test]
fn keygen_every_format_round_trips_through_python_cryptography() {
    let dir = tempdir();
    for (label, flags) in ASYMMETRIC {
        for format in ["pem", "der", "jwk", "jwks"] {
            let (private, public) = keygen(dir.path(), label, flags, format);
            let out = interop_python("cryptography")
                .args(["-c", PY_NUMBERS, path_str(&private), format])
                .output()
                .expect("python");
            assert!(
                out.status.success(),
                "{label} {format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let theirs = json_of(&out.stdout);
            let ours = json_of(&run_ok(&["key", path_str(&private), "--to", "jwk"]));
            for member in ["kty", "crv", "n", "e", "d", "x", "y"] {
                assert_eq!(
                    theirs.get(member),
                    ours.get(member),
                    "{label} {format}: {member}"
                );
            }
            // --pub holds the same key without the private parts.
            assert_eq!(
                thumbprints(path_str(&public)),
                thumbprints(path_str(&private)),
                "{label} {format}"
            );
            let pub_jwk = json_of(&run_ok(&["key", path_str(&public), "--to", "jwk"]));
            assert!(pub_jwk.get("d").is_none(), "{label} {format}");
        }
    }
}

#[test]
fn keygen_jwk_records_kid_alg_and_use() {
    // kid defaults to the RFC 7638 thumbprint; alg is recorded with --alg.
    let dir = tempdir();
    let (private, _) = keygen(dir.path(), "es", &["--alg", "ES256", "--use", "sig"], "jwk");
    let jwk = json_of(&std::fs::read(&private).expect("read"));
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["crv"], "P-256");
    assert_eq!(
        Some(jwk["kid"].as_str().unwrap_or_default().to_owned()),
        thumbprints(path_str(&private)).pop()
    );
    let jwk = json_of(&run_ok(&[
        "keygen", "--kty", "okp", "--format", "jwk", "--kid", "mine",
    ]));
    assert_eq!(jwk["kid"], "mine");
    assert_eq!(jwk["crv"], "Ed25519");
    assert!(jwk.get("alg").is_none());
}

/// Symmetric keys: size from the algorithm, JWK by default, `dir` for enc names.
#[test]
fn keygen_symmetric_sizes() {
    let cases: &[(&[&str], usize, Option<&str>)] = &[
        (&["--alg", "HS256"], 32, Some("HS256")),
        (&["--alg", "HS384"], 48, Some("HS384")),
        (&["--alg", "HS512"], 64, Some("HS512")),
        (&["--alg", "A128KW"], 16, Some("A128KW")),
        (&["--alg", "A192KW"], 24, Some("A192KW")),
        (&["--alg", "A256KW"], 32, Some("A256KW")),
        (&["--alg", "A128GCMKW"], 16, Some("A128GCMKW")),
        (&["--alg", "A256GCM"], 32, Some("dir")),
        (&["--alg", "A128CBC-HS256"], 32, Some("dir")),
        (&["--alg", "A256CBC-HS512"], 64, Some("dir")),
        (&["--kty", "oct"], 32, None),
        (&["--kty", "oct", "--bits", "512"], 64, None),
    ];
    for (flags, len, alg) in cases {
        let mut args = vec!["keygen"];
        args.extend_from_slice(flags);
        let jwk = json_of(&run_ok(&args));
        assert_eq!(jwk["kty"], "oct", "{flags:?}");
        let k = jwk["k"].as_str().expect("k");
        assert_eq!(k.len(), (len * 8).div_ceil(6), "{flags:?}");
        assert_eq!(jwk.get("alg").and_then(Value::as_str), *alg, "{flags:?}");
        assert!(jwk["kid"].is_string(), "{flags:?}");
    }
    let jwks = json_of(&run_ok(&["keygen", "--alg", "HS256", "--format", "jwks"]));
    assert_eq!(jwks["keys"][0]["kty"], "oct");
}

#[test]
fn keygen_defaults() {
    // No flags: RSA 2048 as PKCS#8 PEM.
    let pem = String::from_utf8(run_ok(&["keygen"])).expect("utf-8");
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
    let dir = tempdir();
    let p = dir.path().join("k.pem");
    std::fs::write(&p, &pem).expect("write");
    let jwk = json_of(&run_ok(&["key", path_str(&p)]));
    assert_eq!(jwk["kty"], "RSA");
    let n = jwk["n"].as_str().expect("n");
    assert_eq!(n.len(), 342, "2048-bit modulus");
    for (flags, kty, crv) in [
        (&["--kty", "ec"][..], "EC", "P-256"),
        (&["--kty", "okp"][..], "OKP", "Ed25519"),
        (&["--kty", "ec", "--curve", "P-384"][..], "EC", "P-384"),
        (&["--alg", "ECDH-ES+A128KW"][..], "EC", "P-256"),
        (&["--alg", "ECDH-ES", "--curve", "P-521"][..], "EC", "P-521"),
        (&["--curve", "X25519"][..], "OKP", "X25519"),
    ] {
        let mut args = vec!["keygen", "--format", "jwk"];
        args.extend_from_slice(flags);
        let jwk = json_of(&run_ok(&args));
        assert_eq!(
            (jwk["kty"].as_str(), jwk["crv"].as_str()),
            (Some(kty), Some(crv)),
            "{flags:?}"
        );
    }
}

#[test]
fn keygen_refusals_are_usage_errors() {
    let refused: &[&[&str]] = &[
        &["--bits", "1024"],
        &["--alg", "RS256", "--bits", "1024"],
        &["--bits", "16384"],
        &["--bits", "2049"],
        &["--kty", "oct", "--format", "pem"],
        &["--kty", "oct", "--format", "der"],
        &["--alg", "HS256", "--pub", "/nonexistent/never-written"],
        &["--alg", "HS256", "--bits", "128"],
        &["--alg", "ES256", "--curve", "P-384"],
        &["--alg", "ES256K", "--curve", "Ed25519"],
        &["--alg", "ECDH-ES", "--curve", "secp256k1"],
        &["--alg", "PBES2-HS256+A128KW"],
        &["--alg", "dir"],
        &["--alg", "none"],
        &["--alg", "RS257"],
        &["--kty", "ec", "--curve", "Ed25519"],
        &["--kty", "oct", "--bits", "100"],
        &["--curve", "P-999"],
    ];
    for flags in refused {
        let mut args = vec!["keygen"];
        args.extend_from_slice(flags);
        let out = jose().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(out.stdout.is_empty(), "{flags:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("jose: error: ") && err.lines().count() == 1,
            "{flags:?}: {err}"
        );
    }
}

/// -o never overwrites without --force (exit 2, file unchanged), --force
/// replaces, and the private key is 0600.
#[test]
fn keygen_output_file_conventions() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let public = dir.path().join("k.pub");
    std::fs::write(&key, b"precious").expect("write");
    jose()
        .args(["keygen", "--kty", "ec", "-o", path_str(&key)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read(&key).expect("read"), b"precious");
    // An existing --pub target is refused before anything is written.
    let fresh = dir.path().join("fresh.pem");
    std::fs::write(&public, b"also precious").expect("write");
    jose()
        .args([
            "keygen",
            "--kty",
            "ec",
            "-o",
            path_str(&fresh),
            "--pub",
            path_str(&public),
        ])
        .assert()
        .code(2);
    assert!(!fresh.exists());
    assert_eq!(std::fs::read(&public).expect("read"), b"also precious");

    jose()
        .args([
            "keygen",
            "--kty",
            "ec",
            "-o",
            path_str(&key),
            "--pub",
            path_str(&public),
            "--force",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(&key).expect("read");
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(thumbprints(path_str(&key)), thumbprints(path_str(&public)));
    #[cfg(unix)]
    {
        let mode = |p: &Path| crate::util::mode_of(p);
        assert_eq!(mode(&key), 0o600);
    }
    // jose key -o follows the same rule.
    jose()
        .args([
            "key",
            &vector("keys/ed25519.pkcs8.pem"),
            "-o",
            path_str(&key),
        ])
        .assert()
        .code(2);
}

// ------------------------------------------------------------- Wycheproof

/// What loading each Wycheproof JWK test's key set must do. Wycheproof
/// judges a JWS against a key set; at the key level only some of its
/// `invalid` cases are visible. The others are decided when verifying and
/// are listed here with the reason loading alone accepts them.
fn wycheproof_expectation(tc: u64) -> (bool, &'static str) {
    match tc {
        2 | 5 | 13 | 14 | 15 => (true, "valid"),
        1 => (
            true,
            "acceptable at load: a mixed symmetric/asymmetric set is a verify-time choice (MixedKeySet, Ambiguous)",
        ),
        3 => (
            true,
            "acceptable at load: the signature, not the key, is modified",
        ),
        // The duplicate-kid set's second key has a `k` whose last character
        // carries non-zero padding bits: strict base64url refuses it first.
        4 => (false, "non-canonical base64url in the second key's \"k\""),
        6 => (
            true,
            "acceptable at load: an RSA1_5/enc key is fine; the token's RS256 does not fit it at verify time",
        ),
        7 => (
            false,
            "RSA modulus with the ROCA fingerprint (CVE-2017-15361)",
        ),
        8 => (
            true,
            "acceptable at load: 1024-bit RSA is the reading minimum; the size policy applies at verify time",
        ),
        19 | 20 => (
            true,
            "acceptable at load: unregistered alg names (ES521, ES224) are kept but never select cryptography",
        ),
        9 => (false, "public exponent 1"),
        10..=12 => (false, "HMAC key shorter than the hash (RFC 7518 §3.2)"),
        16..=18 => (false, "empty symmetric key"),
        21 => (false, "use enc contradicts alg ES256"),
        22 => (false, "point not on the curve"),
        23 => (false, "P-256-sized coordinates on P-384"),
        24 => (false, "kty RSA with EC members"),
        25 | 26 => (false, "AES key alg with use sig"),
        _ => panic!("Wycheproof test {tc} has no expectation: add one"),
    }
}

#[test]
fn wycheproof_json_web_key_cases() {
    let file = json_of(&read_data("vectors/wycheproof/json_web_key_test.json"));
    let dir = tempdir();
    let mut seen = 0;
    for group in file["testGroups"].as_array().expect("groups") {
        for test in group["tests"].as_array().expect("tests") {
            let tc = test["tcId"].as_u64().expect("tcId");
            let (loads, why) = wycheproof_expectation(tc);
            if test["result"] == "valid" {
                assert!(loads, "tc {tc}: a valid case must load");
            }
            for which in ["private", "public"] {
                let Some(set) = group.get(which) else {
                    continue;
                };
                let p = dir.path().join(format!("{tc}-{which}.json"));
                std::fs::write(&p, serde_json::to_vec(set).expect("json")).expect("write");
                let out = jose()
                    .args(["key", path_str(&p), "--thumbprint"])
                    .output()
                    .expect("run");
                assert_eq!(
                    out.status.success(),
                    loads,
                    "tc {tc} ({which}): expected {} because {why}; stderr: {}",
                    if loads { "load" } else { "rejection" },
                    String::from_utf8_lossy(&out.stderr)
                );
                if !loads {
                    assert_eq!(out.status.code(), Some(2), "tc {tc}");
                }
            }
            seen += 1;
        }
    }
    assert_eq!(seen, file["numberOfTests"].as_u64().expect("count"));
}

// ------------------------------------------------------ Node `jose` interop

/// `gen ALG [CRV]`: a fresh key pair as {pkcs8, jwk, thumbprint}.
/// `read ALG PATH`: our PKCS#8 PEM imported and exported as {jwk, thumbprint}.
const NODE_KEYS: &str = r#"
const jose = require('jose');
const fs = require('fs');
(async () => {
  const [mode, alg, arg] = process.argv.slice(1);
  let key;
  if (mode === 'gen') {
    const opts = { extractable: true };
    if (arg) opts.crv = arg;
    key = (await jose.generateKeyPair(alg, opts)).privateKey;
  } else {
    key = await jose.importPKCS8(fs.readFileSync(arg, 'utf8'), alg, { extractable: true });
  }
  const jwk = await jose.exportJWK(key);
  const out = { jwk, thumbprint: await jose.calculateJwkThumbprint(jwk) };
  if (mode === 'gen') out.pkcs8 = await jose.exportPKCS8(key);
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(1); });
"#;

const NODE_FAMILIES: &[(&str, Option<&str>, &[&str])] = &[
    ("RS256", None, &["--alg", "RS256"]),
    ("ES256", None, &["--alg", "ES256"]),
    ("ES384", None, &["--alg", "ES384"]),
    ("ES512", None, &["--alg", "ES512"]),
    ("ES256K", None, &["--alg", "ES256K"]),
    ("EdDSA", Some("Ed25519"), &["--alg", "EdDSA"]),
    (
        "ECDH-ES",
        Some("X25519"),
        &["--alg", "ECDH-ES", "--curve", "X25519"],
    ),
];

fn node_json(args: &[&str]) -> Value {
    let out = interop_node("jose")
        .arg("-e")
        .arg(NODE_KEYS)
        .args(args)
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "node {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(&out.stdout)
}

const JWK_MEMBERS: [&str; 12] = [
    "kty", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi",
];

/// Keys Node `jose` generates read here as the same numbers and thumbprint,
/// and its PKCS#8 is byte-identical to ours; keys keygen makes import into
/// Node `jose` as the same numbers and thumbprint.
#[test]
fn node_jose_interop_both_directions() {
    let dir = tempdir();
    for (alg, crv, flags) in NODE_FAMILIES {
        // Node → jose
        let mut args = vec!["gen", *alg];
        args.extend(crv.iter());
        let theirs = node_json(&args);
        let pem = theirs["pkcs8"].as_str().expect("pkcs8");
        let p = dir.path().join(format!("node-{alg}.pem"));
        std::fs::write(&p, pem).expect("write");
        let ours = json_of(&run_ok(&["key", path_str(&p)]));
        for m in JWK_MEMBERS {
            assert_eq!(ours.get(m), theirs["jwk"].get(m), "{alg}: {m}");
        }
        assert_eq!(
            thumbprints(path_str(&p)),
            [theirs["thumbprint"].as_str().expect("thumbprint")],
            "{alg}"
        );
        let j = dir.path().join(format!("node-{alg}.jwk"));
        std::fs::write(&j, theirs["jwk"].to_string()).expect("write");
        let back = String::from_utf8(run_ok(&["key", path_str(&j), "--to", "pem"])).expect("utf-8");
        assert_eq!(back.trim_end(), pem.trim_end(), "{alg}: PKCS#8 encoding");

        // jose → Node
        let (private, _) = keygen(dir.path(), &format!("ours-{alg}"), flags, "pem");
        let theirs = node_json(&["read", alg, path_str(&private)]);
        let ours = json_of(&run_ok(&["key", path_str(&private)]));
        for m in JWK_MEMBERS {
            assert_eq!(ours.get(m), theirs["jwk"].get(m), "{alg} (ours): {m}");
        }
        assert_eq!(
            thumbprints(path_str(&private)),
            [theirs["thumbprint"].as_str().expect("thumbprint")],
            "{alg} (ours)"
        );
    }
}

// ------------------------------------------------------- PEM labels are hints

/// `body` (DER) under `label`, as a PEM text.
fn relabel(label: &str, der: &[u8]) -> String {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).expect("PEM")
}

/// What Perl's CryptX writes by default: an SPKI under `RSA PUBLIC KEY`.
/// OpenSSL 3 and Python `cryptography` read it as the key it is, and so do
/// we; likewise a PKCS#1 `RSAPublicKey` under `PUBLIC KEY` (OpenSSL reads
/// it, Python refuses it), and an EC SPKI under the RSA label. A body that is
/// none of the structures keeps the label's error.
#[test]
fn a_pem_label_is_a_hint_and_the_body_decides() {
    let dir = tempdir();
    let want = thumbprints(&vector("keys/rsa2048.spki.pem"));
    let spki = read_data("keys/rsa2048.spki.der");
    let pkcs1 = read_data("keys/rsa2048.pkcs1.der");
    // The PKCS#1 public key, as `jose key` writes it.
    let pkcs1_pub = run_ok(&["key", &vector("keys/rsa2048.pkcs1pub.pem"), "--to", "der"]);
    assert_eq!(pkcs1_pub.first(), Some(&0x30));
    let ec_spki = {
        let text = std::fs::read_to_string(data("keys/ec-p256.spki.pem")).expect("read");
        pem_rfc7468::decode_vec(text.as_bytes()).expect("PEM").1
    };
    let cases: &[(&str, &str, &[u8], &str)] = &[
        (
            "spki-as-rsa.pem",
            "RSA PUBLIC KEY",
            &spki,
            "keys/rsa2048.spki.pem",
        ),
        (
            "pkcs1-as-spki.pem",
            "PUBLIC KEY",
            &pkcs1_pub,
            "keys/rsa2048.spki.pem",
        ),
        (
            "pkcs1-priv-as-pkcs8.pem",
            "PRIVATE KEY",
            &pkcs1,
            "keys/rsa2048.spki.pem",
        ),
        (
            "ec-as-rsa.pem",
            "RSA PUBLIC KEY",
            &ec_spki,
            "keys/ec-p256.spki.pem",
        ),
    ];
    for (name, label, der, same_as) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, relabel(label, der)).expect("write");
        assert_eq!(
            thumbprints(path_str(&p)),
            thumbprints(&vector(same_as)),
            "{name}"
        );
        // It is used as a key, not only read: a token it verifies.
        if *name == "pkcs1-priv-as-pkcs8.pem" {
            let mut s = jose();
            s.args(["sign", "-k", path_str(&p), "--claim", "a=1"]);
            let token = stdout_of(s);
            jose()
                .args(["verify", token.trim(), "-q", "-k"])
                .arg(dir.path().join("spki-as-rsa.pem"))
                .assert()
                .success();
        }
    }
    assert_eq!(
        thumbprints(path_str(&dir.path().join("spki-as-rsa.pem"))),
        want
    );
    if require_tool("openssl") {
        for name in ["spki-as-rsa.pem", "pkcs1-as-spki.pem"] {
            let out = std::process::Command::new("openssl")
                .args(["pkey", "-pubin", "-noout", "-in"])
                .arg(dir.path().join(name))
                .output()
                .expect("run openssl");
            assert!(out.status.success(), "OpenSSL refuses {name}");
        }
    }
    peer_ok(
        interop_python("cryptography")
            .args([
                "-c",
                "import sys; from cryptography.hazmat.primitives import serialization as s; \
             s.load_pem_public_key(open(sys.argv[1], 'rb').read())",
            ])
            .arg(dir.path().join("spki-as-rsa.pem")),
    );
    // Not a key structure at all: the label's own error.
    let p = dir.path().join("junk.pem");
    std::fs::write(&p, relabel("RSA PUBLIC KEY", b"\x30\x03\x02\x01\x05")).expect("write");
    let out = jose().args(["key", path_str(&p)]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PKCS#1 RSA public key"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// One detector reads keys for every command, with the strict JSON reader
/// tokens get: a JWK with a duplicate member is refused by `--key` as by
/// `inspect` (the `--key` path once took the last value silently).
#[test]
fn a_duplicate_jwk_member_is_refused_everywhere() {
    let dir = tempdir();
    let jwk = dir.path().join("dup.jwk");
    std::fs::write(
        &jwk,
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow","k":"AAAA"}"#,
    )
    .expect("write");
    for args in [
        vec!["key", path_str(&jwk)],
        vec!["sign", "-k", path_str(&jwk), "--sub", "a"],
    ] {
        jose()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("duplicate"));
    }
    jose()
        .args(["inspect", &format!("@{}", path_str(&jwk))])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("duplicate"));
}

/// An EC private key whose scalar is not that of its public point is
/// refused on every curve, whichever library makes the check (ring for
/// P-256 and P-384, RustCrypto for the others); the matching pair loads.
#[test]
fn ec_private_key_must_match_its_public_point() {
    let dir = tempdir();
    for alg in ["ES256", "ES384", "ES512", "ES256K"] {
        let pair = |name: &str| -> Value {
            let path = dir.path().join(format!("{alg}-{name}.jwk"));
            run_ok(&[
                "keygen",
                "--alg",
                alg,
                "--format",
                "jwk",
                "-o",
                path_str(&path),
            ]);
            json_of(&std::fs::read(&path).expect("read"))
        };
        let (a, b) = (pair("a"), pair("b"));
        let mut mixed = a.clone();
        mixed["d"] = b["d"].clone();
        for (jwk, ok) in [(&a, true), (&mixed, false)] {
            let path = dir.path().join(format!("{alg}-check.jwk"));
            std::fs::write(&path, jwk.to_string()).expect("write");
            let out = jose()
                .args(["key", path_str(&path), "--public", "--to", "jwk"])
                .output()
                .expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.success(), ok, "{alg}: {err}");
            if !ok {
                assert!(
                    err.contains("EC private key does not match its public point"),
                    "{alg}: {err}"
                );
            }
        }
    }
}
