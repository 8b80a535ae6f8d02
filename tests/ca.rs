//! `jose cert` as a small CA: PKCS#10 requests made by `openssl req` and
//! Python `cryptography` are checked and signed, and the certificates are
//! verified by `openssl verify` and Python `cryptography`'s verifier;
//! `--path-len`, `--key-usage` and `--eku` are written as asked; P-521 and
//! X25519 keys get certificates, and what cannot be done is refused.

use std::path::{Path, PathBuf};

use crate::util::{interop_python, jose, openssl, openssl_ok, path_str as s, peer_ok, tempdir};

/// A P-384 root CA made by jose: (certificate, key).
fn root(d: &Path, args: &[&str]) -> (PathBuf, PathBuf) {
    let key = d.join("root.key");
    let crt = d.join("root.crt");
    jose()
        .args(["keygen", "--kty", "ec", "--curve", "P-384", "-o", s(&key)])
        .assert()
        .success();
    jose()
        .args([
            "cert",
            "-k",
            s(&key),
            "--cn",
            "Test Root",
            "--ca",
            "--days",
            "3650",
            "-o",
            s(&crt),
        ])
        .args(args)
        .assert()
        .success();
    (crt, key)
}

const PY_CSR: &str = r#"
import sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
k = ec.generate_private_key(ec.SECP256R1())
csr = (x509.CertificateSigningRequestBuilder()
       .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Py Org"),
                                x509.NameAttribute(NameOID.COMMON_NAME, "py.example")]))
       .add_extension(x509.SubjectAlternativeName([x509.DNSName("py.example")]), critical=False)
       .sign(k, hashes.SHA256()))
open(sys.argv[1], "wb").write(csr.public_bytes(serialization.Encoding.PEM))
"#;

const PY_VERIFY: &str = r#"
import sys
from cryptography import x509
from cryptography.x509 import verification as v
root = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
leaf = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
at = max(leaf.not_valid_before_utc, root.not_valid_before_utc)
verifier = (v.PolicyBuilder().store(v.Store([root])).time(at)
            .build_server_verifier(x509.DNSName(sys.argv[3])))
chain = verifier.verify(leaf, [])
print(len(chain), leaf.subject.rfc4514_string())
"#;

/// Requests from `openssl req` (P-384 signed with SHA-256, RSA, Ed25519)
/// and from Python `cryptography` are signed by a jose CA; `openssl verify`
/// and `cryptography`'s server verifier accept the results, whose subject
/// and SANs are the requests' unless given.
#[test]
fn csrs_from_openssl_and_python_are_signed() {
    let dir = tempdir();
    let d = dir.path();
    let (ca, ca_key) = root(d, &["--path-len", "0"]);
    let mut checked = 0;
    for (name, newkey) in [
        (
            "p384",
            vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
        ("rsa", vec!["-newkey", "rsa:2048"]),
        ("ed25519", vec!["-newkey", "ed25519"]),
    ] {
        let csr = d.join(format!("{name}.csr"));
        let host = format!("{name}.example");
        let mut args = vec!["req", "-new", "-nodes", "-keyout"];
        let keyout = d.join(format!("{name}.key"));
        args.push(s(&keyout));
        args.extend(newkey);
        let subj = format!("/C=DE/O=Org/CN={host}");
        let san = format!("subjectAltName=DNS:{host},IP:10.0.0.1");
        args.extend(["-subj", &subj, "-addext", &san, "-out", s(&csr)]);
        openssl_ok(&args);
        let crt = d.join(format!("{name}.crt"));
        jose()
            .args([
                "cert",
                "--csr-in",
                s(&csr),
                "--ca-cert",
                s(&ca),
                "--ca-key",
                s(&ca_key),
            ])
            .args([
                "--eku",
                "serverAuth",
                "--key-usage",
                "digitalSignature",
                "-o",
                s(&crt),
            ])
            .assert()
            .success();
        openssl_ok(&[
            "verify",
            "-CAfile",
            s(&ca),
            "-purpose",
            "sslserver",
            s(&crt),
        ]);
        let text = openssl_ok(&[
            "x509",
            "-in",
            s(&crt),
            "-noout",
            "-subject",
            "-ext",
            "subjectAltName",
        ]);
        assert!(
            text.contains(&format!("C = DE, O = Org, CN = {host}")),
            "{text}"
        );
        assert!(
            text.contains(&format!("DNS:{host}, IP Address:10.0.0.1")),
            "{text}"
        );
        // The certificate holds the requester's key.
        let cert_pub = openssl_ok(&["x509", "-in", s(&crt), "-noout", "-pubkey"]);
        let key_pub = openssl_ok(&["pkey", "-in", s(&keyout), "-pubout"]);
        assert_eq!(cert_pub, key_pub, "{name}");
        let out = interop_python("cryptography")
            .args(["-c", PY_VERIFY, s(&ca), s(&crt), &host])
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("2 "),
            "{name}"
        );
        checked += 1;
    }
    // Python cryptography's request, its names overridden by the flags.
    let csr = d.join("py.csr");
    peer_ok(interop_python("cryptography").args(["-c", PY_CSR, s(&csr)]));
    let crt = d.join("py.crt");
    jose()
        .args([
            "cert",
            "--csr-in",
            s(&csr),
            "--ca-cert",
            s(&ca),
            "--ca-key",
            s(&ca_key),
        ])
        .args([
            "--cn",
            "override.example",
            "--san",
            "dns:override.example",
            "-o",
            s(&crt),
        ])
        .assert()
        .success();
    openssl_ok(&["verify", "-CAfile", s(&ca), s(&crt)]);
    let text = openssl_ok(&[
        "x509",
        "-in",
        s(&crt),
        "-noout",
        "-subject",
        "-ext",
        "subjectAltName",
    ]);
    assert!(text.contains("subject=CN = override.example"), "{text}");
    assert!(!text.contains("py.example"), "{text}");
    peer_ok(interop_python("cryptography").args([
        "-c",
        PY_VERIFY,
        s(&ca),
        s(&crt),
        "override.example",
    ]));
    checked += 1;
    assert_eq!(checked, 4);
}

/// A request whose signature does not verify is exit 2 in one line.
#[test]
fn a_forged_request_is_refused() {
    let dir = tempdir();
    let d = dir.path();
    let (ca, ca_key) = root(d, &[]);
    let csr = d.join("r.der");
    openssl_ok(&[
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-keyout",
        s(&d.join("r.key")),
        "-subj",
        "/CN=honest.example",
        "-outform",
        "DER",
        "-out",
        s(&csr),
    ]);
    let mut der = std::fs::read(&csr).expect("read");
    // Change the subject's name: the signature no longer covers it.
    let at = der
        .windows(6)
        .position(|w| w == b"honest")
        .expect("name in the request");
    der[at..at + 6].copy_from_slice(b"forged");
    std::fs::write(&csr, &der).expect("write");
    let out = jose()
        .args([
            "cert",
            "--csr-in",
            s(&csr),
            "--ca-cert",
            s(&ca),
            "--ca-key",
            s(&ca_key),
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("signature does not verify"), "{err}");
}

/// `--path-len 0` is written and enforced by `openssl verify`; `--eku`
/// decides which purposes openssl accepts; `--key-usage` is written as
/// given.
#[test]
fn profiles_are_written_as_asked() {
    let dir = tempdir();
    let d = dir.path();
    let (ca, ca_key) = root(d, &["--path-len", "0"]);
    let text = openssl_ok(&[
        "x509",
        "-in",
        s(&ca),
        "-noout",
        "-ext",
        "basicConstraints,keyUsage",
    ]);
    assert!(text.contains("CA:TRUE, pathlen:0"), "{text}");
    assert!(
        text.contains("Digital Signature, Certificate Sign, CRL Sign"),
        "{text}"
    );
    // An intermediate under a path-length-0 root: openssl refuses its leaf.
    let int_key = d.join("int.key");
    let int = d.join("int.crt");
    jose()
        .args(["keygen", "--kty", "ec", "-o", s(&int_key)])
        .assert()
        .success();
    jose()
        .args([
            "cert",
            "-k",
            s(&int_key),
            "--cn",
            "Int",
            "--ca",
            "--ca-cert",
            s(&ca),
            "--ca-key",
            s(&ca_key),
        ])
        .args(["--key-usage", "keyCertSign", "-o", s(&int)])
        .assert()
        .success();
    let text = openssl_ok(&["x509", "-in", s(&int), "-noout", "-ext", "keyUsage"]);
    assert!(
        text.contains("Certificate Sign") && !text.contains("Digital Signature"),
        "{text}"
    );
    let leaf_key = d.join("leaf.key");
    let leaf = d.join("leaf.crt");
    jose()
        .args(["keygen", "--kty", "ec", "-o", s(&leaf_key)])
        .assert()
        .success();
    jose()
        .args([
            "cert",
            "-k",
            s(&leaf_key),
            "--cn",
            "leaf",
            "--ca-cert",
            s(&int),
            "--ca-key",
            s(&int_key),
        ])
        .args([
            "--eku",
            "clientAuth",
            "--eku",
            "1.3.6.1.4.1.99999.1",
            "-o",
            s(&leaf),
        ])
        .assert()
        .success();
    let out = openssl(&["verify", "-CAfile", s(&ca), "-untrusted", s(&int), s(&leaf)]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("path length"),
        "{out:?}"
    );
    // The same chain under a root without the constraint validates, for
    // clientAuth only.
    let free = d.join("free");
    std::fs::create_dir(&free).expect("mkdir");
    let (ca2, ca2_key) = root(&free, &[]);
    let int2 = d.join("int2.crt");
    jose()
        .args([
            "cert",
            "-k",
            s(&int_key),
            "--cn",
            "Int",
            "--ca",
            "--ca-cert",
            s(&ca2),
            "--ca-key",
            s(&ca2_key),
            "-o",
            s(&int2),
        ])
        .assert()
        .success();
    let leaf2 = d.join("leaf2.crt");
    jose()
        .args([
            "cert",
            "-k",
            s(&leaf_key),
            "--cn",
            "leaf",
            "--ca-cert",
            s(&int2),
            "--ca-key",
            s(&int_key),
        ])
        .args([
            "--eku",
            "clientAuth",
            "--eku",
            "1.3.6.1.4.1.99999.1",
            "-o",
            s(&leaf2),
        ])
        .assert()
        .success();
    openssl_ok(&[
        "verify",
        "-CAfile",
        s(&ca2),
        "-untrusted",
        s(&int2),
        "-purpose",
        "sslclient",
        s(&leaf2),
    ]);
    let out = openssl(&[
        "verify",
        "-CAfile",
        s(&ca2),
        "-untrusted",
        s(&int2),
        "-purpose",
        "sslserver",
        s(&leaf2),
    ]);
    assert!(!out.status.success(), "serverAuth accepted without the EKU");
    let text = openssl_ok(&[
        "x509",
        "-in",
        s(&leaf2),
        "-noout",
        "-ext",
        "extendedKeyUsage",
    ]);
    assert!(
        text.contains("TLS Web Client Authentication, 1.3.6.1.4.1.99999.1"),
        "{text}"
    );
    // Flags that do not fit.
    for bad in [
        vec!["--path-len", "1"],
        vec!["--key-usage", "nonRepudiation"],
        vec!["--eku", "serverauthx"],
    ] {
        let out = jose()
            .args(["cert", "-k", s(&leaf_key), "--cn", "x"])
            .args(&bad)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

/// P-521 self-signed (ECDSA-SHA512) and X25519 under a CA get
/// certificates openssl verifies; X25519 self-signed and secp256k1 are
/// refused with the reason.
#[test]
fn every_key_type_that_can_gets_a_certificate() {
    let dir = tempdir();
    let d = dir.path();
    let (ca, ca_key) = root(d, &[]);
    let p521 = d.join("p521.key");
    jose()
        .args(["keygen", "--alg", "ES512", "-o", s(&p521)])
        .assert()
        .success();
    let crt = d.join("p521.crt");
    jose()
        .args(["cert", "-k", s(&p521), "--cn", "p521", "-o", s(&crt)])
        .assert()
        .success();
    openssl_ok(&["verify", "-CAfile", s(&crt), s(&crt)]);
    let text = openssl_ok(&["x509", "-in", s(&crt), "-noout", "-text"]);
    assert!(
        text.contains("ecdsa-with-SHA512") && text.contains("NIST CURVE: P-521"),
        "{text}"
    );
    for (curve, name) in [("X25519", "x25519"), ("Ed25519", "ed25519")] {
        let key = d.join(format!("{name}.key"));
        jose()
            .args(["keygen", "--kty", "okp", "--curve", curve, "-o", s(&key)])
            .assert()
            .success();
        let crt = d.join(format!("{name}.crt"));
        jose()
            .args([
                "cert",
                "-k",
                s(&key),
                "--cn",
                name,
                "--ca-cert",
                s(&ca),
                "--ca-key",
                s(&ca_key),
                "-o",
                s(&crt),
            ])
            .assert()
            .success();
        openssl_ok(&["verify", "-CAfile", s(&ca), s(&crt)]);
        let cert_pub = openssl_ok(&["x509", "-in", s(&crt), "-noout", "-pubkey"]);
        let key_pub = openssl_ok(&["pkey", "-in", s(&key), "-pubout"]);
        assert_eq!(cert_pub, key_pub, "{name}");
        // The certificate's key is the key jose reads back from it.
        let mut c = jose();
        c.args(["key", s(&crt), "--thumbprint"]);
        let mut k = jose();
        k.args(["key", s(&key), "--thumbprint"]);
        assert_eq!(
            crate::util::stdout_of(c),
            crate::util::stdout_of(k),
            "{name}"
        );
    }
    let x = d.join("x25519.key");
    let out = jose()
        .args(["cert", "-k", s(&x), "--cn", "self"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("X25519 key cannot sign"));
    let k1 = d.join("k1.key");
    jose()
        .args(["keygen", "--alg", "ES256K", "-o", s(&k1)])
        .assert()
        .success();
    let out = jose()
        .args(["cert", "-k", s(&k1), "--cn", "k1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secp256k1"));
}
