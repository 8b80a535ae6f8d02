//! ML-DSA (RFC 9964, FIPS 204) and `AKP` keys: every case of Wycheproof's
//! ML-DSA files (tests/data/vectors/mldsa-wycheproof), the RFC 9964
//! Appendix A examples (tests/data/vectors/rfc9964), the real binary's
//! keygen/key/inspect/sign/verify/cert with these keys, tampering with every
//! part of a token and a key, and interoperability with Python
//! `cryptography` (OpenSSL's ML-DSA) in both directions.

use std::path::{Path, PathBuf};

use jose::internal::crypto::{mldsa, sig};
use jose::keys::{der, jwk, thumbprint};
use jose::{KeyMaterial, MlDsaLevel};
use serde_json::{Value, json};

use crate::util::{code_of, hex, interop_python, jose, json_lines, load_json, stdout_of, tempdir};

const LEVELS: [(MlDsaLevel, &str); 3] = [
    (MlDsaLevel::L44, "ML-DSA-44"),
    (MlDsaLevel::L65, "ML-DSA-65"),
    (MlDsaLevel::L87, "ML-DSA-87"),
];

fn hex_opt(t: &Value, name: &str) -> Option<Vec<u8>> {
    t.get(name).and_then(Value::as_str).map(hex)
}

fn hex_of(t: &Value, name: &str) -> Vec<u8> {
    hex_opt(t, name).unwrap_or_else(|| panic!("no {name} in {t}"))
}

fn tests_of(v: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    v["testGroups"]
        .as_array()
        .expect("testGroups")
        .iter()
        .flat_map(|g| {
            g["tests"]
                .as_array()
                .expect("tests")
                .iter()
                .map(move |t| (g, t))
        })
}

fn valid(t: &Value) -> bool {
    match t["result"].as_str() {
        Some("valid") => true,
        Some("invalid") => false,
        other => panic!("tc {}: result {other:?}", t["tcId"]),
    }
}

// ------------------------------------------------------------- Wycheproof

/// One verify file: every case through ML-DSA.Verify with its context; the
/// cases without a context (what JWS uses) also through the JWS signature
/// layer on an `AKP` key; every group's SPKI DER through the key reader.
/// Returns (passed, total).
fn wycheproof_verify(file: &str, level: MlDsaLevel) -> (usize, usize) {
    let v = load_json(&format!("vectors/mldsa-wycheproof/{file}"));
    let total = v["numberOfTests"].as_u64().expect("numberOfTests") as usize;
    let (mut passed, mut seen) = (0, 0);
    for (g, t) in tests_of(&v) {
        seen += 1;
        let id = t["tcId"].clone();
        let pk = hex_of(g, "publicKey");
        let msg = hex_of(t, "msg");
        let ctx = hex_opt(t, "ctx").unwrap_or_default();
        let s = hex_of(t, "sig");
        let want = valid(t);
        let got = mldsa::verify_with_context(level, &pk, &msg, &ctx, &s).is_ok();
        // The SPKI form reads exactly when the raw key has its level's length.
        let spki = der::from_spki(&hex_of(g, "publicKeyDer"));
        let spki_ok = match &spki {
            Ok(k) => {
                k.material
                    == KeyMaterial::Akp {
                        level,
                        public: pk.clone(),
                        seed: None,
                    }
            }
            Err(_) => pk.len() != level.public_len(),
        };
        // The JWS layer: same answer, and a key of the wrong length never loads.
        let jws_ok = if ctx.is_empty() {
            match spki {
                Ok(k) => sig::verify(level.alg(), &k.material, &msg, &s).is_ok() == want,
                Err(_) => !want,
            }
        } else {
            true
        };
        if got == want && spki_ok && jws_ok {
            passed += 1;
        } else {
            eprintln!("{file} tc {id}: want {want}, got {got}, spki {spki_ok}, jws {jws_ok}");
        }
    }
    assert_eq!(seen, total, "{file}: numberOfTests");
    eprintln!("{file}: {passed}/{total} passed");
    (passed, total)
}

#[test]
fn wycheproof_verify_44() {
    let (p, t) = wycheproof_verify("mldsa_44_verify_test.json", MlDsaLevel::L44);
    assert_eq!((p, t), (180, 180));
}

#[test]
fn wycheproof_verify_65() {
    let (p, t) = wycheproof_verify("mldsa_65_verify_test.json", MlDsaLevel::L65);
    assert_eq!((p, t), (210, 210));
}

#[test]
fn wycheproof_verify_87() {
    let (p, t) = wycheproof_verify("mldsa_87_verify_test.json", MlDsaLevel::L87);
    assert_eq!((p, t), (241, 241));
}

/// KeyGen from the seed, the PKCS#8 seed form read and written back byte
/// for byte, the seed as a JWK `priv`, and every signature: deterministic
/// (no `rnd`), with the given `rnd`, or from μ alone; each signature made
/// also verifies. Seeds of the wrong length and contexts over 255 bytes are
/// refused.
#[test]
fn wycheproof_sign_seed_44() {
    let file = "mldsa_44_sign_seed_test.json";
    let v = load_json(&format!("vectors/mldsa-wycheproof/{file}"));
    let level = MlDsaLevel::L44;
    let total = v["numberOfTests"].as_u64().expect("numberOfTests") as usize;
    let (mut passed, mut seen) = (0, 0);
    for (g, t) in tests_of(&v) {
        seen += 1;
        let id = t["tcId"].clone();
        let seed = hex_of(g, "privateSeed");
        let want = valid(t);
        let ok = if seed.len() != MlDsaLevel::SEED_LEN {
            // No key: KeyGen refuses it, and so does the JWK reader.
            let keygen_refused = mldsa::public_from_seed(level, &seed).is_err();
            let jwk_refused = jwk::from_value(&json!({
                "kty": "AKP", "alg": "ML-DSA-44",
                "pub": jose::b64::encode(vec![0u8; level.public_len()]),
                "priv": jose::b64::encode(&seed),
            }))
            .is_err();
            !want && keygen_refused && jwk_refused
        } else {
            let pk = hex_of(g, "publicKey");
            let keygen = mldsa::public_from_seed(level, &seed).ok() == Some(pk.clone());
            let pkcs8 = match hex_opt(g, "privateKeyPkcs8") {
                None => true,
                Some(p8) => der::from_pkcs8(&p8).is_ok_and(|k| {
                    k.material
                        == KeyMaterial::Akp {
                            level,
                            public: pk.clone(),
                            seed: Some(seed.clone().into()),
                        }
                        && der::to_pkcs8(&k).ok() == Some(p8.clone())
                }),
            };
            let signed = match (hex_opt(t, "msg"), hex_opt(t, "mu")) {
                (Some(msg), _) => {
                    let ctx = hex_opt(t, "ctx").unwrap_or_default();
                    let rnd: [u8; 32] = hex_opt(t, "rnd")
                        .map(|r| r.try_into().expect("32-byte rnd"))
                        .unwrap_or([0; 32]);
                    match mldsa::sign_with_randomness(level, &seed, &msg, &ctx, &rnd) {
                        Ok(s) => {
                            want && s == hex_of(t, "sig")
                                && mldsa::verify_with_context(level, &pk, &msg, &ctx, &s).is_ok()
                        }
                        Err(_) => !want,
                    }
                }
                (None, Some(mu)) => {
                    assert!(t.get("rnd").is_none(), "tc {id}: randomized μ case");
                    mldsa::sign_mu_deterministic(level, &seed, &mu).ok() == Some(hex_of(t, "sig"))
                        && want
                }
                (None, None) => false,
            };
            keygen && pkcs8 && signed
        };
        if ok {
            passed += 1;
        } else {
            eprintln!("{file} tc {id}: failed");
        }
    }
    assert_eq!(seen, total, "{file}: numberOfTests");
    eprintln!("{file}: {passed}/{total} passed");
    assert_eq!((passed, total), (86, 86));
}

// ------------------------------------------------------ RFC 9964 examples

fn rfc_example(level: &str) -> Value {
    load_json(&format!(
        "vectors/rfc9964/ML_DSA_{}.jose.json",
        level.trim_start_matches("ML-DSA-")
    ))
}

/// Appendix A: the `kid` is the AKP thumbprint (alg, kty, pub), KeyGen of
/// the all-zeros seed gives `pub`, the JWS's signing input and signature are
/// the published bytes, our deterministic signing re-derives the signature
/// (so the example was made with rnd = 0), and our hedged signature of the
/// same input verifies under the published key.
#[test]
fn rfc9964_appendix_examples() {
    for (level, name) in LEVELS {
        let v = rfc_example(name);
        let key = jwk::from_value(&v["jwk"]).expect("example JWK");
        assert_eq!(
            thumbprint::sha256_b64(&key.material),
            v["jwk"]["kid"].as_str().expect("kid"),
            "{name}: thumbprint"
        );
        let seed = hex_of(&v, "priv");
        let pk = hex_of(&v, "raw_public_key");
        assert_eq!(seed, vec![0u8; 32], "{name}");
        assert_eq!(
            mldsa::public_from_seed(level, &seed).expect("keygen"),
            pk,
            "{name}"
        );
        let token = v["jws"].as_str().expect("jws");
        let (input, sig_b64) = token.rsplit_once('.').expect("compact");
        assert_eq!(
            input.as_bytes(),
            hex_of(&v, "raw_to_be_signed"),
            "{name}: signing input"
        );
        let published = jose::b64::decode(sig_b64).expect("b64");
        assert_eq!(published, hex_of(&v, "raw_signature"), "{name}: signature");
        assert_eq!(published.len(), level.signature_len(), "{name}");
        let again = mldsa::sign_with_randomness(level, &seed, input.as_bytes(), &[], &[0; 32])
            .expect("sign");
        assert_eq!(again, published, "{name}: deterministic re-derivation");
        let hedged = sig::sign(level.alg(), &key.material, input.as_bytes()).expect("sign");
        assert_ne!(
            hedged, published,
            "{name}: hedged signing draws fresh randomness"
        );
        assert!(sig::verify(level.alg(), &key.material, input.as_bytes(), &hedged).is_ok());
    }
}

// ----------------------------------------------------------- the binary

struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// For each level: `NAME.pem`/`NAME.pub.pem` (keygen's default format) and
/// `NAME.jwk`/`NAME.pub.jwk`, where NAME is the alg.
fn keys() -> Keys {
    let dir = tempdir();
    for (_, name) in LEVELS {
        let p = |s: &str| dir.path().join(format!("{name}{s}"));
        jose()
            .args(["keygen", "--alg", name, "-o"])
            .arg(p(".pem"))
            .arg("--pub")
            .arg(p(".pub.pem"))
            .assert()
            .success();
        jose()
            .args(["keygen", "--alg", name, "--format", "jwk", "-o"])
            .arg(p(".jwk"))
            .arg("--pub")
            .arg(p(".pub.jwk"))
            .assert()
            .success();
    }
    Keys { dir }
}

fn sign(args: &[&str], payload: &[u8]) -> String {
    let mut c = jose();
    c.arg("sign").args(args).write_stdin(payload.to_vec());
    stdout_of(c).trim_end().to_owned()
}

/// `jose verify --json`: (exit status, report).
fn verify_json(args: &[&str], token: &str) -> (i32, Value) {
    let out = jose()
        .args(["verify", "--json"])
        .args(args)
        .write_stdin(token.to_owned())
        .output()
        .expect("run");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit"), report)
}

fn header_of(token: &str) -> Value {
    let h = token.split('.').next().expect("header");
    serde_json::from_slice(&jose::b64::decode(h).expect("b64")).expect("json")
}

/// keygen writes PKCS#8 PEM by default (0600) and a JWK that records its
/// alg with the thumbprint as kid; the private PEM is the RFC 9881 seed
/// form; sizes per level are FIPS 204's.
#[test]
fn keygen_formats_and_sizes() {
    let k = keys();
    for (level, name) in LEVELS {
        let pem = std::fs::read_to_string(k.path(&format!("{name}.pem"))).expect("pem");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{name}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(k.path(&format!("{name}.pem")))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
        let key = jose::keys::pem::parse(&pem).expect("parse").remove(0);
        let p8 = der::to_pkcs8(&key).expect("pkcs8");
        // SEQUENCE, version 0, AlgorithmIdentifier { id-ml-dsa-* }, OCTET STRING { [0] seed }
        assert_eq!(p8.len(), 54, "{name}: seed-form PKCS#8");
        assert_eq!(&p8[p8.len() - 34..p8.len() - 32], &[0x80, 0x20], "{name}");
        let j: Value =
            serde_json::from_slice(&std::fs::read(k.path(&format!("{name}.jwk"))).expect("jwk"))
                .expect("json");
        assert_eq!(j["kty"], "AKP");
        assert_eq!(j["alg"], name);
        let pubb = jose::b64::decode(j["pub"].as_str().expect("pub")).expect("b64");
        let privb = jose::b64::decode(j["priv"].as_str().expect("priv")).expect("b64");
        assert_eq!(
            (pubb.len(), privb.len()),
            (level.public_len(), 32),
            "{name}"
        );
        let key = jwk::from_value(&j).expect("jwk");
        assert_eq!(j["kid"], thumbprint::sha256_b64(&key.material));
        let pubj: Value = serde_json::from_slice(
            &std::fs::read(k.path(&format!("{name}.pub.jwk"))).expect("jwk"),
        )
        .expect("json");
        assert!(
            pubj.get("priv").is_none(),
            "{name}: public JWK without priv"
        );
        assert_eq!(pubj["alg"], name);
    }
    // --bits and --curve do not apply.
    jose()
        .args(["keygen", "--alg", "ML-DSA-65", "--bits", "2048"])
        .assert()
        .code(2);
    jose()
        .args(["keygen", "--alg", "ML-DSA-65", "--curve", "P-256"])
        .assert()
        .code(2);
}

/// `key` converts PEM <-> JWK <-> DER losslessly and prints the same
/// thumbprint for every form of one key, private or public.
#[test]
fn key_conversions_and_thumbprints() {
    let k = keys();
    for (_, name) in LEVELS {
        let pem = k.path(&format!("{name}.pem"));
        let out = k.path(&format!("{name}.conv.jwk"));
        jose()
            .args(["key", &pem, "--to", "jwk", "-o", &out])
            .assert()
            .success();
        let der_out = k.path(&format!("{name}.conv.der"));
        jose()
            .args(["key", &out, "--to", "der", "-o", &der_out])
            .assert()
            .success();
        let back = k.path(&format!("{name}.back.pem"));
        jose()
            .args(["key", &der_out, "--to", "pem", "-o", &back])
            .assert()
            .success();
        assert_eq!(
            std::fs::read(&pem).expect("pem"),
            std::fs::read(&back).expect("pem"),
            "{name}: PEM -> JWK -> DER -> PEM"
        );
        let mut c = jose();
        c.args([
            "key",
            "--thumbprint",
            &pem,
            &out,
            &k.path(&format!("{name}.pub.pem")),
        ]);
        let prints = stdout_of(c);
        let lines: Vec<&str> = prints.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| *l == lines[0]), "{name}: {prints}");
        let mut c = jose();
        c.args(["key", "--public", &pem, "--to", "pem"]);
        assert_eq!(
            stdout_of(c),
            std::fs::read_to_string(k.path(&format!("{name}.pub.pem"))).expect("pub")
        );
        // A conflicting alg cannot be recorded on an AKP key.
        jose()
            .args(["key", &pem, "--alg", "ES256"])
            .assert()
            .code(2);
        let other = if name == "ML-DSA-44" {
            "ML-DSA-65"
        } else {
            "ML-DSA-44"
        };
        jose().args(["key", &pem, "--alg", other]).assert().code(2);
    }
}

/// `inspect` names the key type, level, and sizes, in both forms.
#[test]
fn inspect_describes_akp_keys() {
    let k = keys();
    for (level, name) in LEVELS {
        let mut c = jose();
        c.arg("inspect")
            .write_stdin(std::fs::read(k.path(&format!("{name}.pub.pem"))).expect("pem"));
        let human = stdout_of(c);
        assert!(human.contains(&format!("AKP {name} (public)")), "{human}");
        assert!(
            human.contains(&format!("signature {} bytes", level.signature_len())),
            "{human}"
        );
        let mut c = jose();
        c.args(["inspect", "--json"])
            .write_stdin(std::fs::read(k.path(&format!("{name}.jwk"))).expect("jwk"));
        let v: Value = serde_json::from_str(&stdout_of(c)).expect("json");
        let key = &v["keys"][0];
        assert_eq!(key["kty"], "AKP");
        assert_eq!(key["alg"], name);
        assert_eq!(key["private"], true);
        assert_eq!(key["public_key_bytes"], level.public_len());
    }
}

/// sign picks the key's own alg; every serialization verifies with the
/// public key in either format; signing is hedged (two signatures of one
/// payload differ); a key of another level or type is refused.
#[test]
fn sign_and_verify_every_serialization() {
    let k = keys();
    for (level, name) in LEVELS {
        let key = k.path(&format!("{name}.pem"));
        let pem_as_jwk = k.path(&format!("{name}.pem.pub.jwk"));
        jose()
            .args(["key", "--public", &key, "--to", "jwk", "-o", &pem_as_jwk])
            .assert()
            .success();
        for ser in ["compact", "flattened", "general"] {
            let t = sign(&["-k", &key, "--serialization", ser], b"payload");
            for pubkey in [format!("{name}.pub.pem"), format!("{name}.pem.pub.jwk")] {
                let (code, r) = verify_json(&["-k", &k.path(&pubkey)], &t);
                assert_eq!(
                    (code, r["valid"].clone()),
                    (0, json!(true)),
                    "{name} {ser}: {r}"
                );
                assert_eq!(r["header"]["alg"], name);
            }
        }
        let a = sign(&["-k", &key], b"same");
        let b = sign(&["-k", &key], b"same");
        assert_ne!(a, b, "{name}: hedged signatures differ");
        let sig = jose::b64::decode(a.rsplit('.').next().expect("sig")).expect("b64");
        assert_eq!(sig.len(), level.signature_len());
        assert_eq!(header_of(&a)["alg"], name);
        // A JWK key's kid goes into the header.
        let j = sign(&["-k", &k.path(&format!("{name}.jwk"))], b"x");
        assert!(header_of(&j)["kid"].is_string());
        // --alg of another level, or of another family, is refused.
        let other = if name == "ML-DSA-87" {
            "ML-DSA-44"
        } else {
            "ML-DSA-87"
        };
        for alg in [other, "ES256", "EdDSA"] {
            jose()
                .args(["sign", "-k", &key, "--alg", alg])
                .write_stdin("x")
                .assert()
                .code(2);
        }
        // A public key cannot sign.
        jose()
            .args(["sign", "-k", &k.path(&format!("{name}.pub.pem"))])
            .write_stdin("x")
            .assert()
            .code(2);
    }
}

/// Key choice and policy: a token verifies only under its own level's key;
/// a header kid picks the key among several; `--alg` is an allow-list.
#[test]
fn key_choice_and_alg_policy() {
    let k = keys();
    let t65 = sign(&["-k", &k.path("ML-DSA-65.jwk")], b"p");
    // Only the 65 key fits: the others are never tried.
    let (code, r) = verify_json(
        &[
            "-k",
            &k.path("ML-DSA-44.pub.jwk"),
            "-k",
            &k.path("ML-DSA-87.pub.pem"),
        ],
        &t65,
    );
    assert_eq!(code, 1, "{r}");
    assert_ne!(code_of(&r), "");
    // All three keys given: the kid and the level select the right one.
    let (code, r) = verify_json(
        &[
            "-k",
            &k.path("ML-DSA-44.pub.jwk"),
            "-k",
            &k.path("ML-DSA-65.pub.jwk"),
            "-k",
            &k.path("ML-DSA-87.pub.jwk"),
        ],
        &t65,
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["key"]["kid"], header_of(&t65)["kid"]);
    // Two ML-DSA-65 keys: the kid picks; a wrong kid finds no key.
    let dir = tempdir();
    let other = dir.path().join("other.jwk");
    jose()
        .args([
            "keygen",
            "--alg",
            "ML-DSA-65",
            "--format",
            "jwk",
            "--kid",
            "other",
            "-o",
        ])
        .arg(&other)
        .assert()
        .success();
    let o = other.display().to_string();
    let (code, r) = verify_json(&["-k", &o, "-k", &k.path("ML-DSA-65.pub.jwk")], &t65);
    assert_eq!(code, 0, "{r}");
    let (code, r) = verify_json(&["-k", &o], &t65);
    assert_eq!(code, 1, "{r}");
    // --alg allow-list.
    let pubk = k.path("ML-DSA-65.pub.jwk");
    assert_eq!(verify_json(&["-k", &pubk, "--alg", "ML-DSA-65"], &t65).0, 0);
    let (code, r) = verify_json(&["-k", &pubk, "--alg", "ML-DSA-44"], &t65);
    assert_eq!((code, code_of(&r)), (1, "alg_not_allowed"), "{r}");
}

/// `--lines`: a batch of tokens of the three levels (and one bad line)
/// gets one report each, in order.
#[test]
fn lines_batch() {
    let k = keys();
    let mut input = String::new();
    let mut keys_args = Vec::new();
    for (_, name) in LEVELS {
        input.push_str(&sign(
            &["-k", &k.path(&format!("{name}.jwk"))],
            b"{\"n\":1}",
        ));
        input.push('\n');
        keys_args.push("-k".to_owned());
        keys_args.push(k.path(&format!("{name}.pub.jwk")));
    }
    let t = sign(&["-k", &k.path("ML-DSA-44.jwk")], b"z");
    let (head, _) = t.rsplit_once('.').expect("compact");
    input.push_str(&format!("{head}.{}\n", jose::b64::encode([0u8; 2420])));
    let out = jose()
        .args(["verify", "--lines", "--json"])
        .args(&keys_args)
        .write_stdin(input)
        .output()
        .expect("run");
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), 4);
    for r in &reports[..3] {
        assert_eq!(r["valid"], true, "{r}");
    }
    assert_eq!(code_of(&reports[3]), "bad_signature");
    assert_eq!(out.status.code(), Some(1));
}

/// A signature one byte short or long, doubled, or of another level's
/// length is `bad_signature`, like any signature that does not verify.
#[test]
fn wrong_length_signature_is_bad_signature() {
    let k = keys();
    let t = sign(&["-k", &k.path("ML-DSA-65.pem")], b"p");
    let (head, s) = t.rsplit_once('.').expect("compact");
    let sig = jose::b64::decode(s).expect("b64");
    let mut variants = vec![
        sig[..sig.len() - 1].to_vec(),
        [sig.clone(), vec![0]].concat(),
        vec![0u8; 2420],
        vec![0u8; 4627],
    ];
    variants.push([sig.clone(), sig.clone()].concat());
    for v in variants {
        let bad = format!("{head}.{}", jose::b64::encode(&v));
        let (code, r) = verify_json(&["-k", &k.path("ML-DSA-65.pub.pem")], &bad);
        assert_eq!(
            (code, code_of(&r)),
            (1, "bad_signature"),
            "len {}: {r}",
            v.len()
        );
    }
    // An empty signature part is malformed for every algorithm, this one too.
    let (code, r) = verify_json(&["-k", &k.path("ML-DSA-65.pub.pem")], &format!("{head}."));
    assert_eq!((code, code_of(&r)), (1, "malformed"), "{r}");
}

/// A JWK whose alg is not one of the three, is missing, or whose pub/priv
/// sizes do not match its alg (or whose priv is not pub's seed) is refused
/// when loaded: exit 2, one line.
#[test]
fn malformed_akp_jwks_are_refused() {
    let k = keys();
    let good: Value = serde_json::from_slice(&std::fs::read(k.path("ML-DSA-44.jwk")).expect("jwk"))
        .expect("json");
    let other: Value =
        serde_json::from_slice(&std::fs::read(k.path("ML-DSA-65.jwk")).expect("jwk"))
            .expect("json");
    let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = good.clone();
        f(v.as_object_mut().expect("object"));
        v
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "no alg",
            with(&|o| {
                o.remove("alg");
            }),
        ),
        (
            "alg ES256",
            with(&|o| {
                o.insert("alg".into(), "ES256".into());
            }),
        ),
        (
            "alg ML-DSA-99",
            with(&|o| {
                o.insert("alg".into(), "ML-DSA-99".into());
            }),
        ),
        (
            "alg ml-dsa-44",
            with(&|o| {
                o.insert("alg".into(), "ml-dsa-44".into());
            }),
        ),
        (
            "alg of another level",
            with(&|o| {
                o.insert("alg".into(), "ML-DSA-65".into());
            }),
        ),
        (
            "pub of another level",
            with(&|o| {
                o.insert("pub".into(), other["pub"].clone());
            }),
        ),
        (
            "pub one byte short",
            with(&|o| {
                let p = jose::b64::decode(o["pub"].as_str().expect("pub")).expect("b64");
                o.insert("pub".into(), jose::b64::encode(&p[1..]).into());
            }),
        ),
        (
            "priv 31 bytes",
            with(&|o| {
                o.insert("priv".into(), jose::b64::encode([7u8; 31]).into());
            }),
        ),
        (
            "priv 64 bytes",
            with(&|o| {
                o.insert("priv".into(), jose::b64::encode([7u8; 64]).into());
            }),
        ),
        (
            "priv of another key",
            with(&|o| {
                o.insert("priv".into(), other["priv"].clone());
            }),
        ),
        (
            "no pub",
            with(&|o| {
                o.remove("pub");
            }),
        ),
        (
            "pub not base64url",
            with(&|o| {
                o.insert("pub".into(), "a+b/".into());
            }),
        ),
    ];
    let dir = tempdir();
    for (what, v) in cases {
        assert!(
            jwk::from_value(&v).is_err(),
            "{what}: accepted by the library"
        );
        let p = dir.path().join("bad.jwk");
        std::fs::write(&p, v.to_string()).expect("write");
        let out = jose()
            .args(["sign", "-k"])
            .arg(&p)
            .write_stdin("x")
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.starts_with("jose: error: ") && err.lines().count() == 1,
            "{what}: {err}"
        );
    }
    // Inside a JWK Set, a broken AKP key is an error too, not skipped; an
    // AKP key of an algorithm no registry here knows is skipped, as keys on
    // unknown curves are (RFC 7517 §5), and the set's other keys stay usable.
    let set = json!({"keys": [with(&|o| { o.insert("alg".into(), "ES256".into()); })]});
    assert!(jwk::set_from_value(&set).is_err());
    let unknown = with(&|o| {
        o.insert("alg".into(), "SLH-DSA-SHA2-128s".into());
    });
    let set = json!({"keys": [unknown, good.clone()]});
    let keys = jwk::set_from_value(&set).expect("set");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].kid.as_deref(), good["kid"].as_str());
}

fn pkcs8(oid_last: u8, inner: &[u8]) -> Vec<u8> {
    pkcs8_with(oid_last, &[], inner)
}

/// PKCS#8 `PrivateKeyInfo` for id-ml-dsa-* (RFC 9881), with `params` after
/// the OID in the AlgorithmIdentifier (RFC 9881 forbids any).
fn pkcs8_with(oid_last: u8, params: &[u8], inner: &[u8]) -> Vec<u8> {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match body.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend_from_slice(&[0x81, n as u8]),
            n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(body);
        out
    }
    let oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, oid_last,
    ];
    let alg = tlv(0x30, &[&oid[..], params].concat());
    let body = [vec![0x02, 0x01, 0x00], alg, tlv(0x04, inner)].concat();
    tlv(0x30, &body)
}

/// The three private-key forms of RFC 9881 §6: the seed form and the `both`
/// form (checked against the seed) read as the same key; an expanded key
/// alone is refused with a message that says why; `both` whose halves
/// disagree is refused.
#[test]
fn pkcs8_private_key_forms() {
    let seed = [0x42u8; 32];
    for (level, name) in LEVELS {
        let last = match level {
            MlDsaLevel::L44 => 17,
            MlDsaLevel::L65 => 18,
            MlDsaLevel::L87 => 19,
        };
        let expanded = mldsa::expanded_from_seed(level, &seed).expect("expand");
        assert_eq!(expanded.len(), level.expanded_len());
        let seed_form = pkcs8(last, &[&[0x80, 0x20][..], &seed].concat());
        let mut both_body = vec![0x04, 0x20];
        both_body.extend_from_slice(&seed);
        both_body.extend_from_slice(&[
            0x04,
            0x82,
            (expanded.len() >> 8) as u8,
            expanded.len() as u8,
        ]);
        both_body.extend_from_slice(&expanded);
        let mut both = vec![
            0x30,
            0x82,
            (both_body.len() >> 8) as u8,
            both_body.len() as u8,
        ];
        both.extend_from_slice(&both_body);
        let both_form = pkcs8(last, &both);
        let a = der::from_pkcs8(&seed_form).expect("seed form");
        let b = der::from_pkcs8(&both_form).expect("both form");
        assert_eq!(a.material, b.material, "{name}");
        assert_eq!(
            der::to_pkcs8(&b).expect("write"),
            seed_form,
            "{name}: written as seed"
        );
        let mut tampered = both.clone();
        let n = tampered.len();
        tampered[n - 1] ^= 1;
        let e = der::from_pkcs8(&pkcs8(last, &tampered)).expect_err("mismatched both");
        assert!(e.to_string().contains("not the one of the seed"), "{e}");
        let mut exp_only = vec![
            0x04,
            0x82,
            (expanded.len() >> 8) as u8,
            expanded.len() as u8,
        ];
        exp_only.extend_from_slice(&expanded);
        let e = der::from_pkcs8(&pkcs8(last, &exp_only)).expect_err("expanded only");
        assert!(e.to_string().contains("seed"), "{e}");
        // Through the binary: the both form converts to the seed form's JWK.
        let dir = tempdir();
        let p = dir.path().join("both.der");
        std::fs::write(&p, &both_form).expect("write");
        let mut c = jose();
        c.arg("key").arg(&p).args(["--to", "jwk"]);
        let j: Value = serde_json::from_str(&stdout_of(c)).expect("json");
        assert_eq!(j["priv"], jose::b64::encode(seed));
        assert_eq!(j["alg"], name);
        let p = dir.path().join("exp.der");
        std::fs::write(&p, pkcs8(last, &exp_only)).expect("write");
        jose().arg("key").arg(&p).assert().code(2);
        // Algorithm parameters are forbidden (RFC 9881 §2).
        let with_null = pkcs8_with(last, &[0x05, 0x00], &[&[0x80, 0x20][..], &seed].concat());
        assert!(der::from_pkcs8(&with_null).is_err(), "{name}: parameters");
    }
}

// ------------------------------------------------------------ tampering

/// Every byte class of a token: each header member changed (alg to the
/// other levels, another family, `none`; kid; a flipped header byte), the
/// payload, and the signature's three parts (c̃ first, z in the middle, the
/// hint at the end), each flipped; every variant is rejected. Then the key:
/// a changed `pub` verifies nothing, a changed `priv` no longer matches
/// `pub` and is refused, and a changed seed in a PEM key signs tokens the
/// original public key rejects.
#[test]
fn tampering_with_token_and_key() {
    let k = keys();
    let pubk = k.path("ML-DSA-65.pub.jwk");
    let t = sign(&["-k", &k.path("ML-DSA-65.jwk")], b"{\"sub\":\"alice\"}");
    assert_eq!(verify_json(&["-k", &pubk], &t).0, 0);
    let parts: Vec<&str> = t.split('.').collect();
    let header = header_of(&t);
    let mut variants: Vec<(String, String)> = Vec::new();
    for alg in ["ML-DSA-44", "ML-DSA-87", "ES256", "EdDSA", "HS256", "none"] {
        let mut h = header.clone();
        h["alg"] = alg.into();
        variants.push((
            format!("alg {alg}"),
            format!(
                "{}.{}.{}",
                jose::b64::encode(h.to_string()),
                parts[1],
                parts[2]
            ),
        ));
    }
    let mut h = header.clone();
    h["kid"] = "someone-else".into();
    variants.push((
        "kid".into(),
        format!(
            "{}.{}.{}",
            jose::b64::encode(h.to_string()),
            parts[1],
            parts[2]
        ),
    ));
    let flip = |part: &str, at: usize| -> String {
        let mut b = jose::b64::decode(part).expect("b64");
        let i = at.min(b.len() - 1);
        b[i] ^= 0x01;
        jose::b64::encode(b)
    };
    variants.push((
        "header byte".into(),
        format!("{}.{}.{}", flip(parts[0], 3), parts[1], parts[2]),
    ));
    variants.push((
        "payload byte".into(),
        format!("{}.{}.{}", parts[0], flip(parts[1], 2), parts[2]),
    ));
    variants.push((
        "empty payload".into(),
        format!("{}..{}", parts[0], parts[2]),
    ));
    let sig_len = MlDsaLevel::L65.signature_len();
    for (what, at) in [
        ("c~", 0),
        ("c~ end", 47),
        ("z", 1500),
        ("z end", 3200),
        ("hint", sig_len - 1),
        ("hint start", sig_len - 60),
    ] {
        variants.push((
            format!("signature {what}"),
            format!("{}.{}.{}", parts[0], parts[1], flip(parts[2], at)),
        ));
    }
    for (what, token) in &variants {
        let (code, r) = verify_json(&["-k", &pubk], token);
        assert_eq!(code, 1, "{what}: {r}");
        assert_ne!(code_of(&r), "", "{what}");
    }
    // The key: a flipped pub byte verifies nothing.
    let mut j: Value = serde_json::from_slice(&std::fs::read(&pubk).expect("jwk")).expect("json");
    let p = jose::b64::decode(j["pub"].as_str().expect("pub")).expect("b64");
    let dir = tempdir();
    for at in [0, 31, 32, p.len() / 2, p.len() - 1] {
        let mut q = p.clone();
        q[at] ^= 0x80;
        j["pub"] = jose::b64::encode(&q).into();
        let f = dir.path().join("pub.jwk");
        std::fs::write(&f, j.to_string()).expect("write");
        let (code, r) = verify_json(&["-k", &f.display().to_string()], &t);
        assert_eq!(code, 1, "pub byte {at}: {r}");
    }
    // A flipped priv byte no longer matches pub: the JWK is refused.
    let mut j: Value =
        serde_json::from_slice(&std::fs::read(k.path("ML-DSA-65.jwk")).expect("jwk"))
            .expect("json");
    let s = jose::b64::decode(j["priv"].as_str().expect("priv")).expect("b64");
    for at in [0, 15, 31] {
        let mut q = s.clone();
        q[at] ^= 1;
        j["priv"] = jose::b64::encode(&q).into();
        assert!(jwk::from_value(&j).is_err(), "priv byte {at}");
    }
    // SPKI DER: the OID of another level makes the key's length wrong for
    // it (refused when loaded, exit 2); a changed key byte verifies nothing.
    let signer_pub: Value =
        serde_json::from_slice(&std::fs::read(&pubk).expect("jwk")).expect("json");
    let spki = der::to_spki(&jwk::from_value(&signer_pub).expect("jwk")).expect("der");
    let f = dir.path().join("signer.der");
    std::fs::write(&f, &spki).expect("write");
    let (code, r) = verify_json(&["-k", &f.display().to_string()], &t);
    assert_eq!(code, 0, "untouched SPKI: {r}");
    let oid_at = spki
        .windows(9)
        .position(|w| w == [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12])
        .expect("id-ml-dsa-65")
        + 8;
    for other in [0x11u8, 0x13] {
        let mut b = spki.clone();
        b[oid_at] = other;
        let f = dir.path().join("other-level.der");
        std::fs::write(&f, &b).expect("write");
        let out = jose()
            .args(["verify", "-k", &f.display().to_string()])
            .write_stdin(t.clone())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "OID {other:#x}");
    }
    let mut b = spki.clone();
    let n = b.len();
    b[n - 100] ^= 0x04;
    let f = dir.path().join("changed-pub.der");
    std::fs::write(&f, &b).expect("write");
    let (code, r) = verify_json(&["-k", &f.display().to_string()], &t);
    assert_eq!((code, code_of(&r)), (1, "bad_signature"), "{r}");
    // A changed seed in the PEM (which carries no public key) is another
    // key: what it signs, the original public key rejects.
    let pem = std::fs::read_to_string(k.path("ML-DSA-65.pem")).expect("pem");
    let key = jose::keys::pem::parse(&pem).expect("pem").remove(0);
    let mut p8 = der::to_pkcs8(&key).expect("der");
    let n = p8.len();
    p8[n - 1] ^= 1;
    let f = dir.path().join("changed.der");
    std::fs::write(&f, &p8).expect("write");
    let t2 = sign(&["-k", &f.display().to_string()], b"x");
    let (code, r) = verify_json(&["-k", &k.path("ML-DSA-65.pub.pem")], &t2);
    assert_eq!((code, code_of(&r)), (1, "bad_signature"), "{r}");
}

// ------------------------------------------------------------- interop

const PY_PEER: &str = r#"
import base64, json, sys
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import mldsa

CLS = {"ML-DSA-44": (mldsa.MLDSA44PrivateKey, mldsa.MLDSA44PublicKey),
       "ML-DSA-65": (mldsa.MLDSA65PrivateKey, mldsa.MLDSA65PublicKey),
       "ML-DSA-87": (mldsa.MLDSA87PrivateKey, mldsa.MLDSA87PublicKey)}
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
unb64 = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
cmd, alg, d = sys.argv[1], sys.argv[2], sys.argv[3]
if cmd == "make":
    # A key, as PEM (PKCS#8, SPKI) and as the AKP JWK of RFC 9964 built
    # from the raw seed and public key; a compact JWS it signs.
    k = CLS[alg][0].generate()
    open(d + "/py.pem", "wb").write(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))
    pub = k.public_key()
    open(d + "/py.pub.pem", "wb").write(pub.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
    raw = pub.public_bytes_raw()
    jwk = {"kty": "AKP", "alg": alg, "pub": b64(raw), "priv": b64(k.private_bytes_raw())}
    open(d + "/py.jwk", "w").write(json.dumps(jwk))
    import hashlib
    tp = json.dumps({"alg": alg, "kty": "AKP", "pub": b64(raw)}, separators=(",", ":"))
    open(d + "/py.thumbprint", "w").write(b64(hashlib.sha256(tp.encode()).digest()))
    h = b64(json.dumps({"alg": alg}).encode())
    p = b64(b"signed by cryptography")
    sig = k.sign((h + "." + p).encode())
    open(d + "/py.jws", "w").write(h + "." + p + "." + b64(sig))
elif cmd == "verify":
    # Verify jose's compact token with a key jose wrote (PEM or JWK).
    src = sys.argv[4]
    if src.endswith(".jwk"):
        j = json.load(open(src))
        assert j["kty"] == "AKP" and j["alg"] == alg, j
        pub = CLS[alg][1].from_public_bytes(unb64(j["pub"]))
        if "priv" in j:
            priv = CLS[alg][0].from_seed_bytes(unb64(j["priv"]))
            assert priv.public_key().public_bytes_raw() == unb64(j["pub"])
    else:
        key = s.load_pem_private_key(open(src, "rb").read(), None) if "PRIVATE" in open(src).read() else None
        pub = key.public_key() if key else s.load_pem_public_key(open(src, "rb").read())
        assert isinstance(pub, CLS[alg][1]), type(pub)
    tok = sys.stdin.read().strip()
    h, p, sg = tok.split(".")
    assert json.loads(unb64(h))["alg"] == alg
    pub.verify(unb64(sg), (h + "." + p).encode())
    sys.stdout.write(unb64(p).decode())
"#;

fn py(args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut c = interop_python("cryptography");
    c.arg("-c").arg(PY_PEER).args(args);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3");
    assert!(
        out.status.success(),
        "python {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn path_str(p: PathBuf) -> String {
    p.display().to_string()
}

/// Python `cryptography` (OpenSSL's ML-DSA) and jose, both directions: its
/// PEM keys and the AKP JWK built from its raw seed and public key load in
/// jose with the same thumbprint it computes; its JWS verifies in jose;
/// jose's tokens verify in Python under jose's PEM and JWK keys, and under
/// jose's conversion of Python's key.
#[test]
fn interop_python_cryptography() {
    let k = keys();
    for (_, name) in LEVELS {
        let dir = tempdir();
        let d = dir.path().display().to_string();
        let f = |n: &str| path_str(dir.path().join(n));
        py(&["make", name, &d], "");
        // Keys from Python: the same key in each form, its thumbprint.
        let mut c = jose();
        c.args([
            "key",
            "--thumbprint",
            &f("py.pem"),
            &f("py.pub.pem"),
            &f("py.jwk"),
        ]);
        let prints = stdout_of(c);
        let want = std::fs::read_to_string(f("py.thumbprint")).expect("thumbprint");
        assert_eq!(
            prints.lines().collect::<Vec<_>>(),
            vec![want.as_str(); 3],
            "{name}"
        );
        // Python's token verifies in jose under each of its keys.
        let tok = std::fs::read_to_string(f("py.jws")).expect("jws");
        for key in ["py.pub.pem", "py.pem", "py.jwk"] {
            let (code, r) = verify_json(&["-k", &f(key)], &tok);
            assert_eq!(code, 0, "{name} {key}: {r}");
            assert_eq!(
                jose::b64::decode(r["payload_b64"].as_str().expect("payload")).expect("b64"),
                b"signed by cryptography"
            );
        }
        // jose signs with Python's key (PEM and JWK); Python verifies.
        for key in ["py.pem", "py.jwk"] {
            let t = sign(&["-k", &f(key)], b"from jose");
            assert_eq!(py(&["verify", name, &d, &f("py.pub.pem")], &t), "from jose");
        }
        // jose's own keys: Python reads the PEM and the JWK, and verifies.
        let t = sign(&["-k", &k.path(&format!("{name}.jwk"))], b"jose key");
        for key in [format!("{name}.pub.jwk"), format!("{name}.jwk")] {
            assert_eq!(py(&["verify", name, &d, &k.path(&key)], &t), "jose key");
        }
        let t = sign(&["-k", &k.path(&format!("{name}.pem"))], b"jose pem");
        for key in [format!("{name}.pub.pem"), format!("{name}.pem")] {
            assert_eq!(py(&["verify", name, &d, &k.path(&key)], &t), "jose pem");
        }
        // Python's PEM converted to JWK by jose, and back to PEM: Python reads both.
        let conv = f("conv.jwk");
        jose()
            .args(["key", &f("py.pem"), "--to", "jwk", "-o", &conv])
            .assert()
            .success();
        let t = sign(&["-k", &conv], b"converted");
        assert_eq!(py(&["verify", name, &d, &conv], &t), "converted");
        let back = f("back.pem");
        jose()
            .args(["key", &conv, "--to", "pem", "-o", &back])
            .assert()
            .success();
        assert_eq!(py(&["verify", name, &d, &back], &t), "converted");
        assert!(Path::new(&back).is_file());
    }
}

const PY_CERTS: &str = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import mldsa
load = lambda p: x509.load_pem_x509_certificate(open(p, "rb").read())
OIDS = {"ML-DSA-44": "2.16.840.1.101.3.4.3.17", "ML-DSA-65": "2.16.840.1.101.3.4.3.18",
        "ML-DSA-87": "2.16.840.1.101.3.4.3.19"}
PUB = {"ML-DSA-44": mldsa.MLDSA44PublicKey, "ML-DSA-65": mldsa.MLDSA65PublicKey,
       "ML-DSA-87": mldsa.MLDSA87PublicKey}
for arg in sys.argv[1:]:
    kind, rest = arg.split(":", 1)
    if kind == "self":
        # A self-signed ML-DSA certificate: its key, algorithm and signature.
        alg, path = rest.split(":")
        c = load(path)
        assert isinstance(c.public_key(), PUB[alg]), type(c.public_key())
        assert c.signature_algorithm_oid.dotted_string == OIDS[alg]
        c.verify_directly_issued_by(c)
    elif kind == "issued":
        ca, leaf = rest.split(":")
        load(leaf).verify_directly_issued_by(load(ca))
    elif kind == "csr":
        alg, path = rest.split(":")
        r = x509.load_pem_x509_csr(open(path, "rb").read())
        assert isinstance(r.public_key(), PUB[alg]) and r.is_signature_valid
print("ok")
"#;

/// `cert` makes ML-DSA certificates (RFC 9881), self-signed and CA-issued
/// in both directions (an ML-DSA CA issuing ML-DSA and EC leaves, an EC CA
/// issuing an ML-DSA leaf), and PKCS#10 requests; Python `cryptography`
/// (OpenSSL's strict parser and ML-DSA) checks every signature, and the
/// certificate verifies tokens as its key does.
#[test]
fn certificates_for_ml_dsa_keys() {
    let k = keys();
    let dir = tempdir();
    let f = |n: &str| dir.path().join(n).display().to_string();
    let mut checks = Vec::new();
    for (_, name) in LEVELS {
        let cert = f(&format!("{name}.cert.pem"));
        jose()
            .args([
                "cert",
                "--cn",
                name,
                "--key",
                &k.path(&format!("{name}.pem")),
                "-o",
                &cert,
            ])
            .assert()
            .success();
        checks.push(format!("self:{name}:{cert}"));
        let mut c = jose();
        c.arg("inspect")
            .write_stdin(std::fs::read(&cert).expect("cert"));
        let human = stdout_of(c);
        let level = name.trim_start_matches("ML-DSA-");
        assert!(human.contains(&format!("id-ml-dsa-{level}")), "{human}");
        assert!(human.contains(&format!("AKP {name}")), "{human}");
        let t = sign(&["-k", &k.path(&format!("{name}.pem"))], b"certified");
        let (code, r) = verify_json(&["-k", &cert], &t);
        assert_eq!(code, 0, "{name}: {r}");
        let req = f(&format!("{name}.csr.pem"));
        jose()
            .args([
                "cert",
                "--csr",
                "--cn",
                name,
                "--key",
                &k.path(&format!("{name}.pem")),
                "-o",
                &req,
            ])
            .assert()
            .success();
        checks.push(format!("csr:{name}:{req}"));
    }
    let ca = f("ca65.pem");
    let ca_key = k.path("ML-DSA-65.pem");
    jose()
        .args(["cert", "--ca", "--cn", "PQ CA", "--key", &ca_key, "-o", &ca])
        .assert()
        .success();
    let ec = f("ec.pem");
    jose()
        .args(["keygen", "--alg", "ES256", "-o", &ec])
        .assert()
        .success();
    for (leaf_key, out) in [
        (k.path("ML-DSA-44.pem"), f("leaf44.pem")),
        (ec.clone(), f("leaf-ec.pem")),
    ] {
        jose()
            .args(["cert", "--cn", "leaf", "--key", &leaf_key])
            .args([
                "--ca-cert",
                &ca,
                "--ca-key",
                &ca_key,
                "--days",
                "30",
                "-o",
                &out,
            ])
            .assert()
            .success();
        checks.push(format!("issued:{ca}:{out}"));
    }
    let ec_ca = f("ec-ca.pem");
    jose()
        .args(["cert", "--ca", "--cn", "EC CA", "--key", &ec, "-o", &ec_ca])
        .assert()
        .success();
    let leaf87 = f("leaf87.pem");
    jose()
        .args(["cert", "--cn", "pq leaf", "--key", &k.path("ML-DSA-87.pem")])
        .args([
            "--ca-cert",
            &ec_ca,
            "--ca-key",
            &ec,
            "--days",
            "30",
            "-o",
            &leaf87,
        ])
        .assert()
        .success();
    checks.push(format!("issued:{ec_ca}:{leaf87}"));
    let out = interop_python("cryptography")
        .arg("-c")
        .arg(PY_CERTS)
        .args(&checks)
        .output()
        .expect("python3");
    assert!(
        out.status.success() && out.stdout == b"ok\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A public ML-DSA key cannot sign a certificate.
    jose()
        .args(["cert", "--cn", "x", "--key", &k.path("ML-DSA-65.pub.pem")])
        .assert()
        .code(2);
}

/// An ML-DSA key is for signatures only: encrypting to it is refused, by
/// default and with an explicit key management alg.
#[test]
fn encrypt_refuses_ml_dsa_keys() {
    let k = keys();
    for args in [
        vec![],
        vec!["--alg", "ECDH-ES"],
        vec!["--alg", "RSA-OAEP-256"],
    ] {
        let out = jose()
            .args(["encrypt", "-k", &k.path("ML-DSA-65.pub.pem")])
            .args(&args)
            .write_stdin("x")
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("ML-DSA-65"), "{err}");
    }
}
