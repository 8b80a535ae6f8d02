//! `jose cert`: certificates and requests checked by OpenSSL and Python
//! `cryptography`, never only by ourselves.

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use serde_json::Value;

use crate::util::*;

/// The keys helper's fixtures (tests/data/keys, with their SOURCE note).
const SIGNING_KEYS: [(&str, &str); 4] = [
    ("rsa2048.pkcs8.pem", "sha256WithRSAEncryption"),
    ("ec-p256.pkcs8.pem", "ecdsa-with-SHA256"),
    ("ec-p384.pkcs8.pem", "ecdsa-with-SHA384"),
    ("ed25519.pkcs8.pem", "ED25519"),
];

fn openssl(args: &[&str]) -> (bool, String) {
    let out = Std::new("openssl")
        .args(args)
        .output()
        .expect("run openssl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// [`make_cert`], with what it wrote put through [`strict_check`], so every
/// certificate and request of this suite is read by the strict parsers, not
/// only by OpenSSL.
fn make_checked(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = make_cert(dir, name, args);
    let after = |flag: &str| {
        args.iter()
            .position(|a| *a == flag)
            .and_then(|i| args.get(i + 1))
            .map(Path::new)
    };
    let kind = if args.contains(&"--csr") {
        Made::Request
    } else if args.contains(&"--ca") {
        Made::Ca
    } else {
        Made::Leaf
    };
    strict_check(&out, kind, after("--ca-cert"));
    out
}

/// What `jose cert` was asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Made {
    Leaf,
    Ca,
    Request,
}

/// Python `cryptography`'s X.509 reader (rust-asn1: strict DER, refuses an
/// encoded DEFAULT, lazily parsed extensions, so each is touched here), the
/// signature against the issuer (or itself), and for an issued leaf its
/// chain under cryptography's Web PKI policy (a SAN made optional), which
/// forbids Ed25519 keys in a CA: those chains are left to webpki.
const STRICT_PY: &str = r#"
import sys
from cryptography import x509
from cryptography.x509 import verification as v
from cryptography.hazmat.primitives.asymmetric import ed25519

def load(path):
    b = open(path, 'rb').read()
    if b.startswith(b'-----BEGIN CERTIFICATE REQUEST-----'):
        return 'request', x509.load_pem_x509_csr(b)
    if b.startswith(b'-----BEGIN'):
        return 'certificate', x509.load_pem_x509_certificate(b)
    try:
        return 'certificate', x509.load_der_x509_certificate(b)
    except ValueError:
        return 'request', x509.load_der_x509_csr(b)

kind, obj = load(sys.argv[1])
assert kind == sys.argv[2], f'{kind}, expected {sys.argv[2]}'
exts = [(e.oid.dotted_string, e.critical, e.value) for e in obj.extensions]
obj.subject.rfc4514_string()
obj.public_key()
if kind == 'request':
    assert obj.is_signature_valid, 'the request signature does not verify'
    print('request', len(exts))
    sys.exit(0)
obj.issuer.rfc4514_string()
assert obj.serial_number > 0
bc = obj.extensions.get_extension_for_class(x509.BasicConstraints)
assert bc.critical and bc.value.ca == (sys.argv[3] == 'ca'), bc
issuer = load(sys.argv[4])[1] if len(sys.argv) > 4 else obj
obj.verify_directly_issued_by(issuer)
chain = 'skipped'
if sys.argv[3] == 'leaf' and issuer is not obj and not isinstance(issuer.public_key(), ed25519.Ed25519PublicKey):
    at = max(obj.not_valid_before_utc, issuer.not_valid_before_utc)
    # The Web PKI wants a SAN in every leaf; a certificate named only by
    # its subject is legitimate outside it.
    ee = v.ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.SubjectAlternativeName, v.Criticality.AGNOSTIC, None)
    verifier = (v.PolicyBuilder().store(v.Store([issuer])).time(at)
                .extension_policies(ca_policy=v.ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee)
                .build_client_verifier())
    verifier.verify(obj, [])
    chain = 'verified'
print('certificate', len(exts), chain)
"#;

/// A certificate file's DER (PEM or DER on disk).
fn der_of(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).expect("read certificate");
    if bytes.starts_with(b"-----BEGIN") {
        let text = std::str::from_utf8(&bytes).expect("PEM is text");
        pem_rfc7468::decode_vec(text.as_bytes())
            .expect("one PEM block")
            .1
    } else {
        bytes
    }
}

fn not_before(der: &[u8]) -> i64 {
    x509_parser::parse_x509_certificate(der)
        .expect("x509-parser reads it")
        .1
        .validity()
        .not_before
        .timestamp()
}

/// Every signature algorithm rustls-webpki verifies with ring.
const WEBPKI_ALGS: &[&dyn rustls_pki_types::SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
];

/// rustls-webpki's path check of `leaf` (DER) to `anchor` (DER) as the
/// only trust anchor, at the later of the two validity starts. webpki reads
/// certificates as strict DER and parses basic constraints on the path.
pub(crate) fn webpki_chain(leaf: &[u8], anchor: &[u8]) -> Result<(), webpki::Error> {
    use rustls_pki_types::{CertificateDer, UnixTime};
    let anchor_der = CertificateDer::from(anchor);
    let anchors = [webpki::anchor_from_trusted_cert(&anchor_der)?.to_owned()];
    let leaf_der = CertificateDer::from(leaf);
    let ee = webpki::EndEntityCert::try_from(&leaf_der)?;
    let at = not_before(leaf).max(not_before(anchor)) + 1;
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(at).expect("validity after 1970"),
    ));
    ee.verify_for_usage(
        WEBPKI_ALGS,
        &anchors,
        &[],
        at,
        webpki::KeyUsage::client_auth(),
        None,
        None,
    )
    .map(|_| ())
}

/// The strict reading of one file `jose cert` wrote: Python `cryptography`
/// always, and rustls-webpki for every certificate that is not a CA (issued:
/// chained to its CA; self-signed: its own anchor). A CA is only webpki-parsed
/// as an anchor here (webpki refuses a CA as an end entity); its strictness
/// is checked when its leaves are chained to it.
pub(crate) fn strict_check(path: &Path, kind: Made, issuer: Option<&Path>) {
    let mut py = interop_python("cryptography");
    py.args(["-c", STRICT_PY])
        .arg(path)
        .arg(match kind {
            Made::Request => "request",
            _ => "certificate",
        })
        .arg(if kind == Made::Ca { "ca" } else { "leaf" });
    if let Some(i) = issuer {
        py.arg(i);
    }
    let out = py.output().expect("run python3");
    assert!(
        out.status.success(),
        "Python cryptography refuses {} ({kind:?}): {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "strict-check python {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    if kind == Made::Request {
        return;
    }
    let der = der_of(path);
    match (kind, issuer) {
        (Made::Ca, None) => {
            let d = rustls_pki_types::CertificateDer::from(der.as_slice());
            webpki::anchor_from_trusted_cert(&d)
                .unwrap_or_else(|e| panic!("webpki refuses {}: {e:?}", path.display()));
            eprintln!("strict-check webpki-anchor {}", path.display());
        }
        (_, issuer) => {
            let anchor = issuer.map_or_else(|| der.clone(), der_of);
            if kind == Made::Ca {
                // An intermediate: webpki takes no CA as the end entity.
                let d = rustls_pki_types::CertificateDer::from(der.as_slice());
                webpki::anchor_from_trusted_cert(&d)
                    .unwrap_or_else(|e| panic!("webpki refuses {}: {e:?}", path.display()));
                eprintln!("strict-check webpki-anchor {}", path.display());
                return;
            }
            webpki_chain(&der, &anchor)
                .unwrap_or_else(|e| panic!("webpki refuses {} ({kind:?}): {e:?}", path.display()));
            eprintln!("strict-check webpki-chain {}", path.display());
        }
    }
}

fn inspect_json(path: &Path) -> Value {
    let mut c = jose();
    c.args(["inspect", "--json"])
        .arg(format!("@{}", path.display()));
    serde_json::from_str(stdout_of(c).trim()).expect("inspect --json is JSON")
}

#[test]
fn self_signed_for_each_signing_key_verifies_with_openssl() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    for (k, sigalg) in SIGNING_KEYS {
        let cert = make_checked(
            dir.path(),
            &format!("{k}.crt"),
            &[
                "--key",
                &key_path(k),
                "--subject",
                "CN=MyCertificate,O=Org,OU=Unit",
                "--san",
                "dns:example.com",
                "--san",
                "ip:10.1.2.3",
                "--san",
                "email:ops@example.com",
                "--san",
                "uri:https://example.com/app",
            ],
        );
        let c = cert.to_str().expect("utf-8 path");
        let (ok, text) = openssl(&["verify", "-CAfile", c, c]);
        assert!(ok, "{k}: openssl verify: {text}");
        let (ok, text) = openssl(&[
            "x509", "-in", c, "-noout", "-text", "-nameopt", "RFC2253", "-subject", "-issuer",
        ]);
        assert!(ok, "{text}");
        assert!(
            text.contains("subject=CN=MyCertificate,O=Org,OU=Unit"),
            "{k}: {text}"
        );
        assert!(
            text.contains("issuer=CN=MyCertificate,O=Org,OU=Unit"),
            "{text}"
        );
        assert!(
            text.contains(&format!("Signature Algorithm: {sigalg}")),
            "{k}: {text}"
        );
        for san in [
            "DNS:example.com",
            "IP Address:10.1.2.3",
            "email:ops@example.com",
            "URI:https://example.com/app",
        ] {
            assert!(text.contains(san), "{k}: {san} missing: {text}");
        }
        assert!(text.contains("CA:FALSE"), "{text}");
        // Random positive 16-byte serial: 16 colon-separated octets, top bit clear.
        let (_, serial) = openssl(&["x509", "-in", c, "-noout", "-serial"]);
        let hex = serial.trim().trim_start_matches("serial=");
        assert_eq!(hex.len(), 32, "{serial}");
        assert!(u8::from_str_radix(&hex[..2], 16).expect("hex") < 0x80);
    }
}

#[test]
fn serials_differ_between_runs() {
    let dir = tempdir();
    let a = inspect_json(&make_checked(
        dir.path(),
        "a.crt",
        &["--key", &key_path("ec-p256.pkcs8.pem"), "--cn", "a"],
    ));
    let b = inspect_json(&make_checked(
        dir.path(),
        "b.crt",
        &["--key", &key_path("ec-p256.pkcs8.pem"), "--cn", "a"],
    ));
    assert_ne!(a["serial"], b["serial"]);
}

#[test]
fn validity_default_days_and_explicit_bounds() {
    let dir = tempdir();
    let c = inspect_json(&make_checked(
        dir.path(),
        "v.crt",
        &[
            "--key",
            &key_path("ec-p256.pkcs8.pem"),
            "--cn",
            "v",
            "--not-before",
            "2030-01-01T00:00:00Z",
        ],
    ));
    assert_eq!(c["not_before"], "2030-01-01T00:00:00Z");
    assert_eq!(c["not_after"], "2031-01-01T00:00:00Z");
    let c = inspect_json(&make_checked(
        dir.path(),
        "d.crt",
        &[
            "--key",
            &key_path("ec-p256.pkcs8.pem"),
            "--cn",
            "v",
            "--not-before",
            "1893456000",
            "--days",
            "10",
        ],
    ));
    assert_eq!(c["not_before"], "2030-01-01T00:00:00Z");
    assert_eq!(c["not_after"], "2030-01-11T00:00:00Z");
    let c = inspect_json(&make_checked(
        dir.path(),
        "e.crt",
        &[
            "--key",
            &key_path("ec-p256.pkcs8.pem"),
            "--cn",
            "v",
            "--not-before",
            "2030-01-01T00:00:00Z",
            "--not-after",
            "2055-06-01T12:00:00Z",
        ],
    ));
    // 2055 is past 2049: written as GeneralizedTime, read back the same.
    assert_eq!(c["not_after"], "2055-06-01T12:00:00Z");
    // Default: 365 days from now.
    let c = inspect_json(&make_checked(
        dir.path(),
        "n.crt",
        &["--key", &key_path("ec-p256.pkcs8.pem"), "--cn", "n"],
    ));
    let t = |v: &Value| {
        time::OffsetDateTime::parse(
            v.as_str().expect("string"),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339")
        .unix_timestamp()
    };
    assert_eq!(t(&c["not_after"]) - t(&c["not_before"]), 365 * 86_400);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((t(&c["not_before"]) - now).abs() < 300);
}

#[test]
fn bad_validity_and_names_are_usage_errors() {
    let k = key_path("ec-p256.pkcs8.pem");
    for args in [
        vec![
            "--cn",
            "x",
            "--not-before",
            "2030-01-01T00:00:00Z",
            "--not-after",
            "2029-01-01T00:00:00Z",
        ],
        vec!["--subject", "XX=1"],
        vec!["--subject", "CN=a,C=Germany"],
        vec!["--cn", "x", "--san", "ip:not-an-ip"],
        vec!["--cn", "x", "--san", "ftp:x"],
        vec!["--subject", "CN=a", "--cn", "b"],
        vec![],
    ] {
        jose()
            .args(["cert", "--key", &k])
            .args(&args)
            .assert()
            .code(2)
            .stdout("");
    }
}

#[test]
fn unsupported_and_public_keys_are_refused_clearly() {
    for (k, needle) in [
        ("x25519.pkcs8.pem", "X25519"),
        ("ec-secp256k1.pkcs8.pem", "secp256k1"),
        ("ec-p256.spki.pem", "private key"),
    ] {
        let out = jose()
            .args(["cert", "--key", &key_path(k), "--cn", "x"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{k}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{k}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn ca_issued_certificates_verify_against_the_ca() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    for (ca_key, _) in SIGNING_KEYS {
        let ca = make_checked(
            dir.path(),
            &format!("ca-{ca_key}.crt"),
            &[
                "--key",
                &key_path(ca_key),
                "--subject",
                "CN=Test CA,O=Org",
                "--ca",
            ],
        );
        let ca_s = ca.to_str().expect("utf-8");
        let (_, text) = openssl(&["x509", "-in", ca_s, "-noout", "-text"]);
        assert!(text.contains("CA:TRUE"), "{text}");
        assert!(text.contains("Certificate Sign, CRL Sign"), "{text}");
        let ca_ski = ski(&text).expect("CA has a subject key identifier");
        let other_key = SIGNING_KEYS
            .iter()
            .map(|(k, _)| *k)
            .find(|k| *k != ca_key)
            .expect("another key");
        let impostor = make_checked(
            dir.path(),
            &format!("impostor-{ca_key}.crt"),
            &[
                "--key",
                &key_path(other_key),
                "--subject",
                "CN=Test CA,O=Org",
                "--ca",
            ],
        );
        let impostor_s = impostor.to_str().expect("utf-8");
        for (leaf_key, _) in SIGNING_KEYS {
            let leaf = make_checked(
                dir.path(),
                &format!("leaf-{ca_key}-{leaf_key}.crt"),
                &[
                    "--key",
                    &key_path(leaf_key),
                    "--cn",
                    "leaf.example",
                    "--san",
                    "dns:leaf.example",
                    "--ca-cert",
                    ca_s,
                    "--ca-key",
                    &key_path(ca_key),
                ],
            );
            let l = leaf.to_str().expect("utf-8");
            let (ok, text) = openssl(&["verify", "-CAfile", ca_s, l]);
            assert!(ok, "{ca_key} → {leaf_key}: {text}");
            let (_, text) = openssl(&[
                "x509", "-in", l, "-noout", "-text", "-nameopt", "RFC2253", "-issuer", "-subject",
            ]);
            assert!(text.contains("issuer=CN=Test CA,O=Org"), "{text}");
            assert!(text.contains("subject=CN=leaf.example"), "{text}");
            assert!(text.contains("CA:FALSE"), "{text}");
            let aki = text
                .split("X509v3 Authority Key Identifier:")
                .nth(1)
                .and_then(|r| r.lines().nth(1))
                .map(|l| l.trim().trim_start_matches("keyid:").to_owned())
                .expect("AKI present");
            assert_eq!(aki, ca_ski, "AKI must be the CA's SKI");
            // Same name, another key: the signature must not verify.
            let (ok, _) = openssl(&["verify", "-CAfile", impostor_s, l]);
            assert!(
                !ok,
                "{ca_key} → {leaf_key}: verified against an impostor CA"
            );
        }
    }
}

fn ski(text: &str) -> Option<String> {
    text.split("X509v3 Subject Key Identifier:")
        .nth(1)
        .and_then(|r| r.lines().nth(1))
        .map(|l| l.trim().to_owned())
}

#[test]
fn ca_key_must_match_ca_certificate() {
    let dir = tempdir();
    let ca = make_checked(
        dir.path(),
        "ca.crt",
        &[
            "--key",
            &key_path("ec-p384.pkcs8.pem"),
            "--cn",
            "CA",
            "--ca",
        ],
    );
    let out = jose()
        .args([
            "cert",
            "--key",
            &key_path("rsa2048.pkcs8.pem"),
            "--cn",
            "x",
            "--ca-cert",
        ])
        .arg(&ca)
        .args(["--ca-key", &key_path("ec-p256.pkcs8.pem")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not belong"));
    // --ca-cert without --ca-key is a usage error.
    jose()
        .args([
            "cert",
            "--key",
            &key_path("rsa2048.pkcs8.pem"),
            "--cn",
            "x",
            "--ca-cert",
        ])
        .arg(&ca)
        .assert()
        .code(2);
}

#[test]
fn csr_verifies_with_openssl() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    for (k, _) in SIGNING_KEYS {
        let csr = make_checked(
            dir.path(),
            &format!("{k}.csr"),
            &[
                "--key",
                &key_path(k),
                "--csr",
                "--subject",
                "CN=req.example,O=Org",
                "--san",
                "dns:req.example",
            ],
        );
        let c = csr.to_str().expect("utf-8");
        let (ok, text) = openssl(&[
            "req", "-in", c, "-verify", "-noout", "-text", "-nameopt", "RFC2253", "-subject",
        ]);
        assert!(ok, "{k}: {text}");
        assert!(text.contains("verify OK"), "{text}");
        assert!(text.contains("subject=CN=req.example,O=Org"), "{text}");
        assert!(text.contains("DNS:req.example"), "{text}");
        assert!(
            std::fs::read_to_string(&csr)
                .expect("read")
                .starts_with("-----BEGIN CERTIFICATE REQUEST-----\n")
        );
    }
}

#[test]
fn der_output_and_file_rules() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    let der = dir.path().join("c.der");
    jose()
        .args([
            "cert",
            "--key",
            &key_path("ed25519.pkcs8.pem"),
            "--cn",
            "d",
            "--format",
            "der",
            "-o",
        ])
        .arg(&der)
        .assert()
        .success()
        .stdout("");
    strict_check(&der, Made::Leaf, None);
    let bytes = std::fs::read(&der).expect("read");
    assert_eq!(bytes.first(), Some(&0x30));
    let (ok, text) = openssl(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        der.to_str().expect("utf-8"),
        "-noout",
        "-subject",
    ]);
    assert!(ok && text.contains("CN = d"), "{text}");
    #[cfg(unix)]
    {
        let mode = crate::util::mode_of(&der);
        assert_eq!(mode, 0o644, "a certificate is public");
    }
    // An existing file is not overwritten without --force.
    jose()
        .args([
            "cert",
            "--key",
            &key_path("ed25519.pkcs8.pem"),
            "--cn",
            "d",
            "-o",
        ])
        .arg(&der)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&der).expect("read"), bytes);
    jose()
        .args([
            "cert",
            "--key",
            &key_path("ed25519.pkcs8.pem"),
            "--cn",
            "d",
            "--force",
            "-o",
        ])
        .arg(&der)
        .assert()
        .success();
    // PEM to standard output, one certificate block.
    let mut c = jose();
    c.args(["cert", "--key", &key_path("ed25519.pkcs8.pem"), "--cn", "d"]);
    let pem = stdout_of(c);
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(pem.ends_with("-----END CERTIFICATE-----\n"));
}

#[test]
fn python_cryptography_loads_it_and_the_key_matches() {
    let dir = tempdir();
    for (k, _) in SIGNING_KEYS {
        let cert = make_checked(
            dir.path(),
            &format!("{k}.crt"),
            &["--key", &key_path(k), "--cn", "py"],
        );
        let script = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization as s
cert = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
key = s.load_pem_private_key(open(sys.argv[2], 'rb').read(), password=None)
f = (s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)
assert cert.public_key().public_bytes(*f) == key.public_key().public_bytes(*f), "public key differs"
assert cert.serial_number > 0
print(cert.subject.rfc4514_string())
"#;
        let out = interop_python("cryptography")
            .args(["-c", script])
            .arg(&cert)
            .arg(key_path(k))
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "{k}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "CN=py");
    }
}

#[test]
fn certificate_key_has_the_keys_thumbprint() {
    let dir = tempdir();
    for (k, _) in SIGNING_KEYS {
        let cert = make_checked(
            dir.path(),
            &format!("{k}.crt"),
            &["--key", &key_path(k), "--cn", "t"],
        );
        let c = inspect_json(&cert);
        let kj = inspect_json(&data(&format!("keys/{k}")));
        assert_eq!(kj["kind"], "key");
        assert!(c["thumbprint"].is_string(), "{c}");
        assert_eq!(c["thumbprint"], kj["keys"][0]["thumbprint"], "{k}");
        assert_eq!(c["keys"][0]["thumbprint"], c["thumbprint"]);
        // `jose key` reads the certificate as a key source (what
        // `encrypt --key cert.pem` relies on) and agrees.
        let mut a = jose();
        a.args(["key", "--thumbprint"]).arg(&cert);
        let mut b = jose();
        b.args(["key", "--thumbprint", &key_path(k)]);
        let (a, b) = (stdout_of(a), stdout_of(b));
        assert_eq!(a, b, "{k}");
        assert_eq!(a.trim(), c["thumbprint"].as_str().unwrap_or("?"), "{k}");
    }
}

#[test]
fn issuing_needs_a_ca_certificate_and_warns_past_its_validity() {
    let dir = tempdir();
    let k = key_path("ec-p256.pkcs8.pem");
    let leaf = make_checked(dir.path(), "leaf.crt", &["--key", &k, "--cn", "leaf"]);
    let out = jose()
        .args([
            "cert",
            "--key",
            &key_path("rsa2048.pkcs8.pem"),
            "--cn",
            "x",
            "--ca-cert",
        ])
        .arg(&leaf)
        .args(["--ca-key", &k])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a CA certificate"));

    let ca = make_checked(
        dir.path(),
        "ca.crt",
        &["--key", &k, "--cn", "CA", "--ca", "--days", "30"],
    );
    let out = jose()
        .args([
            "cert",
            "--key",
            &key_path("rsa2048.pkcs8.pem"),
            "--cn",
            "x",
            "--ca-cert",
        ])
        .arg(&ca)
        .args(["--ca-key", &k])
        .output()
        .expect("run");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("jose: warning:") && err.contains("after the CA's"),
        "{err}"
    );
    let out = jose()
        .args([
            "cert",
            "--key",
            &key_path("rsa2048.pkcs8.pem"),
            "--cn",
            "x",
            "--days",
            "10",
            "--ca-cert",
        ])
        .arg(&ca)
        .args(["--ca-key", &k])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn san_only_certificate_is_named_after_its_first_san() {
    let dir = tempdir();
    let c = inspect_json(&make_checked(
        dir.path(),
        "s.crt",
        &[
            "--key",
            &key_path("ec-p256.pkcs8.pem"),
            "--san",
            "dns:svc.example",
            "--san",
            "ip:10.0.0.1",
        ],
    ));
    assert_eq!(c["subject"], "CN=svc.example");
    assert_eq!(
        c["sans"],
        serde_json::json!(["dns:svc.example", "ip:10.0.0.1"])
    );
}

#[test]
fn keys_from_keygen_in_pem_and_jwk_work() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    for (alg, format) in [("ES384", "pem"), ("EdDSA", "jwk"), ("RS256", "jwk")] {
        let k = dir.path().join(format!("{alg}.{format}"));
        jose()
            .args(["keygen", "--alg", alg, "--format", format, "-o"])
            .arg(&k)
            .assert()
            .success();
        let ks = k.to_str().expect("utf-8");
        let cert = make_checked(
            dir.path(),
            &format!("{alg}.crt"),
            &["--key", ks, "--cn", alg],
        );
        let c = cert.to_str().expect("utf-8");
        let (ok, text) = openssl(&["verify", "-CAfile", c, c]);
        assert!(ok, "{alg} {format}: {text}");
    }
}

#[test]
fn three_level_chain_verifies() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    let (root_k, inter_k, leaf_k) = (
        key_path("rsa2048.pkcs8.pem"),
        key_path("ec-p384.pkcs8.pem"),
        key_path("ed25519.pkcs8.pem"),
    );
    let root = make_checked(
        dir.path(),
        "root.crt",
        &["--key", &root_k, "--cn", "Root", "--ca"],
    );
    let root_s = root.to_str().expect("utf-8");
    let inter = make_checked(
        dir.path(),
        "inter.crt",
        &[
            "--key",
            &inter_k,
            "--cn",
            "Intermediate",
            "--ca",
            "--ca-cert",
            root_s,
            "--ca-key",
            &root_k,
        ],
    );
    let inter_s = inter.to_str().expect("utf-8");
    let leaf = make_checked(
        dir.path(),
        "leaf.crt",
        &[
            "--key",
            &leaf_k,
            "--cn",
            "leaf",
            "--ca-cert",
            inter_s,
            "--ca-key",
            &inter_k,
        ],
    );
    let leaf_s = leaf.to_str().expect("utf-8");
    let (ok, text) = openssl(&["verify", "-CAfile", root_s, "-untrusted", inter_s, leaf_s]);
    assert!(ok, "{text}");
    // Without the intermediate the chain is incomplete.
    let (ok, _) = openssl(&["verify", "-CAfile", root_s, leaf_s]);
    assert!(!ok);
}

#[test]
fn ca_certifies_a_public_key() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    let ca_k = key_path("ec-p384.pkcs8.pem");
    let ca = make_checked(
        dir.path(),
        "ca.crt",
        &["--key", &ca_k, "--cn", "CA", "--ca"],
    );
    let ca_s = ca.to_str().expect("utf-8");
    for public in ["ec-p256.spki.pem", "rsa2048.spki.der", "ed25519.spki.pem"] {
        let leaf = make_checked(
            dir.path(),
            &format!("{public}.crt"),
            &[
                "--key",
                &key_path(public),
                "--cn",
                "pub",
                "--ca-cert",
                ca_s,
                "--ca-key",
                &ca_k,
            ],
        );
        let (ok, text) = openssl(&["verify", "-CAfile", ca_s, leaf.to_str().expect("utf-8")]);
        assert!(ok, "{public}: {text}");
        assert_eq!(
            inspect_json(&leaf)["thumbprint"],
            inspect_json(&data(&format!("keys/{public}")))["keys"][0]["thumbprint"]
        );
    }
    // A key type rcgen cannot write into a certificate: a clear exit 2.
    let out = jose()
        .args([
            "cert",
            "--key",
            &key_path("ec-secp256k1.spki.pem"),
            "--cn",
            "x",
            "--ca-cert",
            ca_s,
            "--ca-key",
            &ca_k,
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secp256k1"));
}

#[test]
fn ca_issued_leaves_chain_under_webpki_for_every_key_type() {
    let dir = tempdir();
    let mut chained = 0;
    for (ca_key, _) in SIGNING_KEYS {
        let ca = make_checked(
            dir.path(),
            &format!("wp-ca-{ca_key}.crt"),
            &["--key", &key_path(ca_key), "--cn", "webpki CA", "--ca"],
        );
        let ca_s = ca.to_str().expect("utf-8");
        // Same name, another key: a leaf must not chain to it.
        let other = SIGNING_KEYS
            .iter()
            .map(|(k, _)| *k)
            .find(|k| *k != ca_key)
            .expect("another key");
        let impostor = make_checked(
            dir.path(),
            &format!("wp-impostor-{ca_key}.crt"),
            &["--key", &key_path(other), "--cn", "webpki CA", "--ca"],
        );
        for (leaf_key, _) in SIGNING_KEYS {
            let leaf = make_checked(
                dir.path(),
                &format!("wp-leaf-{ca_key}-{leaf_key}.crt"),
                &[
                    "--key",
                    &key_path(leaf_key),
                    "--cn",
                    "leaf",
                    "--days",
                    "30",
                    "--ca-cert",
                    ca_s,
                    "--ca-key",
                    &key_path(ca_key),
                ],
            );
            let leaf = der_of(&leaf);
            webpki_chain(&leaf, &der_of(&ca))
                .unwrap_or_else(|e| panic!("{ca_key} → {leaf_key}: webpki: {e:?}"));
            assert!(
                webpki_chain(&leaf, &der_of(&impostor)).is_err(),
                "{ca_key} → {leaf_key}: chained to an impostor CA"
            );
            chained += 1;
        }
    }
    assert_eq!(chained, SIGNING_KEYS.len() * SIGNING_KEYS.len());
}

/// The strict check could not fail if it let this through: OpenSSL writes
/// the encoded-DEFAULT `cA FALSE` that `jose cert` wrote before, and
/// Python `cryptography` must refuse it. (rustls-webpki 0.103 reads that
/// BOOLEAN leniently, 0x00 as false, so it is no witness here.)
#[test]
fn strict_check_refuses_an_encoded_default() {
    if !require_tool("openssl") {
        return;
    }
    let dir = tempdir();
    let bad = dir.path().join("bad.crt");
    let (ok, text) = openssl(&[
        "req",
        "-x509",
        "-new",
        "-key",
        &key_path("ec-p256.pkcs8.pem"),
        "-subj",
        "/CN=bad",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,DER:30:03:01:01:00",
        "-out",
        bad.to_str().expect("utf-8"),
    ]);
    assert!(ok, "{text}");
    let (ok, text) = openssl(&[
        "verify",
        "-CAfile",
        bad.to_str().expect("utf-8"),
        bad.to_str().expect("utf-8"),
    ]);
    assert!(ok, "OpenSSL accepts it: {text}");
    let mut py = interop_python("cryptography");
    let out = py
        .args(["-c", STRICT_PY])
        .arg(&bad)
        .args(["certificate", "leaf"])
        .output()
        .expect("run python3");
    assert!(!out.status.success(), "Python cryptography accepted it");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("EncodedDefault"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// DER leaves one encoding for each value; these are the two places rcgen
/// 0.13 wrote another (a BOOLEAN FALSE that is the DEFAULT, and a key usage
/// BIT STRING with trailing zero bits), so their bytes are pinned here.
#[test]
fn extension_values_are_minimal_der() {
    let dir = tempdir();
    let ext = |path: &Path, oid: &str| -> (bool, Vec<u8>) {
        let der = der_of(path);
        let (_, cert) = x509_parser::parse_x509_certificate(&der).expect("parse");
        let e = cert
            .extensions()
            .iter()
            .find(|e| e.oid.to_id_string() == oid)
            .unwrap_or_else(|| panic!("{oid} missing"));
        (e.critical, e.value.to_vec())
    };
    for (k, _) in SIGNING_KEYS {
        let ca = make_checked(
            dir.path(),
            &format!("min-ca-{k}.crt"),
            &["--key", &key_path(k), "--cn", "CA", "--ca"],
        );
        // digitalSignature, keyCertSign, cRLSign: bits 0, 5, 6; one unused bit.
        assert_eq!(ext(&ca, "2.5.29.15"), (true, vec![0x03, 0x02, 0x01, 0x86]));
        assert_eq!(
            ext(&ca, "2.5.29.19"),
            (true, vec![0x30, 0x03, 0x01, 0x01, 0xff])
        );
        let self_signed = make_checked(
            dir.path(),
            &format!("min-leaf-{k}.crt"),
            &["--key", &key_path(k), "--cn", "leaf"],
        );
        let issued = make_checked(
            dir.path(),
            &format!("min-issued-{k}.crt"),
            &[
                "--key",
                &key_path(k),
                "--cn",
                "leaf",
                "--days",
                "30",
                "--ca-cert",
                ca.to_str().expect("utf-8"),
                "--ca-key",
                &key_path(k),
            ],
        );
        for leaf in [&self_signed, &issued] {
            // cA FALSE is the DEFAULT: an empty SEQUENCE.
            assert_eq!(ext(leaf, "2.5.29.19"), (true, vec![0x30, 0x00]), "{k}");
            let (critical, ski) = ext(leaf, "2.5.29.14");
            assert!(!critical);
            assert_eq!(ski.len(), 22, "{k}: OCTET STRING of 20 bytes");
        }
    }
}
