//! Interoperability with go-jose (gopkg.in/square/go-jose.v2 as Debian
//! packages it, built with Debian's Go by tests/interop/setup.sh into
//! tests/interop/gojose-peer), a third independent implementation. Both
//! directions: JWS for every alg, JWE for every alg × enc, the JSON
//! serializations (flattened, and general with several signatures or
//! recipients), and the JWKs each side writes. What go-jose lacks is listed,
//! and each listed gap must still fail on its side, so a go-jose that gains
//! it makes this test ask for the list to be updated.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jose::Serialization;
use jose::b64;
use jose::decrypt::{DecryptOptions, decrypt};
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::keymgmt::Unwrapper;
use jose::{JweAlg, JweEnc, JwsAlg};
use jose::{KeySet, keys::jwk};
use serde_json::{Value, json};

use crate::util::{all_algs, data, interop_dir, jose, json_lines, load_key, stdout_of, tempdir};

const PAYLOAD: &[u8] = b"go-jose interop \x00\x01\xfe\xff {\"a\":1}\n";
const PASSWORD: &str = "correct horse battery staple";
/// Small enough to keep the PBES2 cases quick; go-jose's own default
/// (100,000) is covered once by `gojose_default_p2c_is_within_our_bound`.
const P2C: u32 = 2048;

fn peer_path() -> PathBuf {
    interop_dir().join("gojose-peer")
}

/// The driver must be built: a missing one fails the test, never skips it.
fn require_peer() {
    assert!(
        peer_path().is_file(),
        "go-jose driver missing: run `bash tests/interop/setup.sh` first"
    );
}

fn run_peer(jobs: &[Value]) -> Vec<Value> {
    let mut child = Command::new(peer_path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("go-jose driver");
    let input = serde_json::to_vec(jobs).expect("json");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&input)
    });
    let out = child.wait_with_output().expect("driver output");
    writer.join().expect("writer").expect("write jobs");
    assert!(
        out.status.success(),
        "go-jose driver: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).expect("driver JSON");
    assert_eq!(v.len(), jobs.len());
    v
}

/// Our fixture for an alg: private key file.
fn jws_key_file(alg: JwsAlg) -> &'static str {
    use JwsAlg::*;
    match alg {
        HS256 | HS384 | HS512 => "jwe/oct512.jwk",
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => "keys/rsa2048.pkcs8.pem",
        ES256 => "keys/ec-p256.pkcs8.pem",
        ES384 => "keys/ec-p384.pkcs8.pem",
        ES512 => "keys/ec-p521.pkcs8.pem",
        ES256K => "keys/ec-secp256k1.pkcs8.pem",
        EdDSA | Ed25519 => "keys/ed25519.pkcs8.pem",
        MlDsa44 => "keys/ml-dsa-44.pkcs8.pem",
        MlDsa65 => "keys/ml-dsa-65.pkcs8.pem",
        MlDsa87 => "keys/ml-dsa-87.pkcs8.pem",
    }
}

/// JWS algs go-jose v2 does not have: secp256k1 (RFC 8812), the
/// fully-specified Ed25519 name (RFC 9864) and ML-DSA (RFC 9964).
fn gojose_lacks_jws(alg: JwsAlg) -> bool {
    matches!(
        alg,
        JwsAlg::ES256K | JwsAlg::Ed25519 | JwsAlg::MlDsa44 | JwsAlg::MlDsa65 | JwsAlg::MlDsa87
    )
}

/// JWE key management go-jose v2 does not have: RSA-OAEP with SHA-384/512,
/// and ECDH-ES over X25519 (it reads EC keys only).
fn gojose_lacks_jwe(alg: JweAlg, key: Option<&str>) -> bool {
    matches!(alg, JweAlg::RsaOaep384 | JweAlg::RsaOaep512)
        || key.is_some_and(|k| k.contains("x25519"))
}

/// The JWK `jose key` writes for a key file: the public half, or a secret
/// key whole.
fn our_public_jwk(path: &Path) -> Value {
    let secret = path.extension().is_some_and(|e| e == "jwk");
    let mut c = jose();
    c.args(["key", "--to", "jwk"]);
    if !secret {
        c.arg("--public");
    }
    c.arg(path);
    serde_json::from_str(&stdout_of(c)).expect("jwk")
}

#[test]
fn jws_ours_to_gojose_every_alg_and_serialization() {
    require_peer();
    let dir = tempdir();
    let payload = dir.path().join("payload.bin");
    std::fs::write(&payload, PAYLOAD).expect("w");
    let mut jobs = Vec::new();
    let mut what = Vec::new();
    for &alg in JwsAlg::ALL {
        let key = data(jws_key_file(alg));
        let public = our_public_jwk(&key);
        for ser in ["compact", "flattened", "general"] {
            let mut c = jose();
            c.args(["sign", "--alg", alg.name(), "--serialization", ser, "-k"])
                .arg(&key)
                .arg(&payload);
            let token = stdout_of(c).trim().to_owned();
            jobs.push(json!({"op": "verify", "token": token, "key": public}));
            what.push((alg, ser));
        }
    }
    let results = run_peer(&jobs);
    let mut verified = 0;
    for ((alg, ser), r) in what.iter().zip(&results) {
        if gojose_lacks_jws(*alg) {
            assert_eq!(
                r["ok"], false,
                "{alg} {ser}: go-jose now verifies it: update gojose_lacks_jws"
            );
            continue;
        }
        assert_eq!(r["ok"], true, "{alg} {ser}: {}", r["error"]);
        assert_eq!(r["payload_b64"], b64::encode(PAYLOAD), "{alg} {ser}");
        verified += 1;
    }
    assert_eq!(verified, 13 * 3);
    eprintln!("go-jose verified {verified} of our {} JWS", jobs.len());
}

/// Keys go-jose makes and writes as JWKs, with a kid each.
struct GoKeys {
    /// (name, private JWK, public JWK; the same for oct)
    keys: Vec<(&'static str, Value, Value)>,
}

impl GoKeys {
    fn make() -> GoKeys {
        let names = [
            "RSA", "P-256", "P-384", "P-521", "Ed25519", "oct128", "oct192", "oct256", "oct384",
            "oct512",
        ];
        let jobs: Vec<Value> = names
            .iter()
            .map(|n| json!({"op": "genkey", "kty": n, "kid": format!("go-{n}")}))
            .collect();
        let keys = names
            .iter()
            .zip(run_peer(&jobs))
            .map(|(n, r)| {
                assert_eq!(r["ok"], true, "genkey {n}: {}", r["error"]);
                let public = if r["public"].is_null() {
                    r["private"].clone()
                } else {
                    r["public"].clone()
                };
                (*n, r["private"].clone(), public)
            })
            .collect();
        GoKeys { keys }
    }

    fn get(&self, name: &str) -> (&Value, &Value) {
        let (_, p, q) = self
            .keys
            .iter()
            .find(|(n, _, _)| *n == name)
            .unwrap_or_else(|| panic!("no go key {name}"));
        (p, q)
    }

    fn for_jws(&self, alg: JwsAlg) -> &'static str {
        use JwsAlg::*;
        match alg {
            HS256 | HS384 | HS512 => "oct512",
            RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => "RSA",
            ES256 => "P-256",
            ES384 => "P-384",
            ES512 => "P-521",
            EdDSA => "Ed25519",
            ES256K | Ed25519 | MlDsa44 | MlDsa65 | MlDsa87 => {
                unreachable!("go-jose lacks {alg}")
            }
        }
    }

    /// Write every public JWK (and oct secret) to its own file.
    fn public_files(&self, dir: &Path) -> Vec<PathBuf> {
        self.keys
            .iter()
            .map(|(n, _, public)| {
                let p = dir.join(format!("go-{n}.public.jwk"));
                std::fs::write(&p, public.to_string()).expect("w");
                p
            })
            .collect()
    }
}

#[test]
fn jws_gojose_to_ours_every_alg_compact_and_full() {
    require_peer();
    let dir = tempdir();
    let go = GoKeys::make();
    let mut jobs = Vec::new();
    for &alg in JwsAlg::ALL.iter().filter(|a| !gojose_lacks_jws(**a)) {
        let (private, _) = go.get(go.for_jws(alg));
        for ser in ["compact", "full"] {
            jobs.push(json!({
                "op": "sign", "algs": [alg.name()], "keys": [private], "ser": ser,
                "payload_b64": b64::encode(PAYLOAD),
            }));
        }
    }
    // And what go-jose refuses to make.
    let (ed, _) = go.get("Ed25519");
    let lacks = [json!({
        "op": "sign", "algs": ["Ed25519"], "keys": [ed], "ser": "compact",
        "payload_b64": b64::encode(PAYLOAD),
    })];
    let results = run_peer(&[jobs.clone(), lacks.to_vec()].concat());
    let (made, refused) = results.split_at(jobs.len());
    assert_eq!(
        refused[0]["ok"], false,
        "go-jose now signs with alg Ed25519: update gojose_lacks_jws"
    );
    let tokens: Vec<String> = made
        .iter()
        .map(|r| {
            assert_eq!(r["ok"], true, "{}", r["error"]);
            r["token"].as_str().expect("token").to_owned()
        })
        .collect();
    // The full form of one signature is flattened.
    for t in tokens.iter().filter(|t| t.starts_with('{')) {
        let v: Value = serde_json::from_str(t).expect("json");
        assert!(v.get("signature").is_some() && v.get("signatures").is_none());
    }
    // One jose run reads every token with every go-jose public JWK: the kid
    // go-jose wrote selects the key.
    let mut c = jose();
    c.args(["verify", "--lines"]);
    for f in go.public_files(dir.path()) {
        c.arg("-k").arg(f);
    }
    let out = c.write_stdin(tokens.join("\n")).output().expect("jose");
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), tokens.len());
    for (r, job) in reports.iter().zip(&jobs) {
        assert_eq!(r["valid"], true, "{job}: {r}");
        assert_eq!(r["payload_b64"], b64::encode(PAYLOAD), "{job}");
        assert_eq!(r["header"]["alg"], job["algs"][0]);
    }
    assert_eq!(out.status.code(), Some(0));
    eprintln!("jose verified go-jose's {} JWS", tokens.len());
}

/// go-jose's private JWKs as signing keys for jose, verified by go-jose.
#[test]
fn jws_ours_signs_with_gojose_private_jwks() {
    require_peer();
    let dir = tempdir();
    let go = GoKeys::make();
    let payload = dir.path().join("payload.bin");
    std::fs::write(&payload, PAYLOAD).expect("w");
    let mut jobs = Vec::new();
    for alg in [
        JwsAlg::HS384,
        JwsAlg::PS512,
        JwsAlg::ES256,
        JwsAlg::ES384,
        JwsAlg::ES512,
        JwsAlg::EdDSA,
    ] {
        let name = go.for_jws(alg);
        let (private, public) = go.get(name);
        let f = dir.path().join(format!("{name}.private.jwk"));
        std::fs::write(&f, private.to_string()).expect("w");
        let mut c = jose();
        c.args(["sign", "--alg", alg.name(), "-k"])
            .arg(&f)
            .arg(&payload);
        let token = stdout_of(c).trim().to_owned();
        let header: Value = serde_json::from_slice(
            &b64::decode(token.split('.').next().expect("header")).expect("b64"),
        )
        .expect("header");
        assert_eq!(header["kid"], format!("go-{name}"), "the JWK's kid is used");
        jobs.push(json!({"op": "verify", "token": token, "key": public}));
    }
    for r in run_peer(&jobs) {
        assert_eq!(r["ok"], true, "{}", r["error"]);
        assert_eq!(r["payload_b64"], b64::encode(PAYLOAD));
    }
}

#[test]
fn jws_several_signatures_both_ways() {
    require_peer();
    let dir = tempdir();
    let go = GoKeys::make();
    // go-jose → jose: three signers, general JSON.
    let names = ["RSA", "P-384", "Ed25519"];
    let algs = ["RS256", "ES384", "EdDSA"];
    let privates: Vec<&Value> = names.iter().map(|n| go.get(n).0).collect();
    let r = run_peer(&[json!({
        "op": "sign", "algs": algs, "keys": privates, "ser": "full",
        "payload_b64": b64::encode(PAYLOAD),
    })]);
    assert_eq!(r[0]["ok"], true, "{}", r[0]["error"]);
    let token = r[0]["token"].as_str().expect("token").to_owned();
    let v: Value = serde_json::from_str(&token).expect("json");
    assert_eq!(v["signatures"].as_array().map(Vec::len), Some(3));
    for (n, alg) in names.iter().zip(algs) {
        let f = dir.path().join(format!("{n}.jwk"));
        std::fs::write(&f, go.get(n).1.to_string()).expect("w");
        let mut c = jose();
        c.args(["verify", "--json", "-k"]).arg(&f).arg(&token);
        let rep: Value = serde_json::from_str(&stdout_of(c)).expect("report");
        assert_eq!(rep["valid"], true, "{n}");
        assert_eq!(rep["header"]["alg"], alg, "{n}: the signature its key made");
    }

    // jose → go-jose: three keys, general JSON; each key verifies its own.
    let payload = dir.path().join("payload.bin");
    std::fs::write(&payload, PAYLOAD).expect("w");
    let ours = [
        "keys/rsa2048.pkcs8.pem",
        "keys/ec-p521.pkcs8.pem",
        "keys/ed25519.pkcs8.pem",
    ];
    let mut c = jose();
    c.args(["sign", "--serialization", "general"]);
    for k in ours {
        c.arg("-k").arg(data(k));
    }
    c.arg(&payload);
    let token = stdout_of(c).trim().to_owned();
    let jobs: Vec<Value> = ours
        .iter()
        .map(|k| json!({"op": "verify", "token": token, "key": our_public_jwk(&data(k))}))
        .collect();
    for (i, r) in run_peer(&jobs).iter().enumerate() {
        assert_eq!(r["ok"], true, "{}: {}", ours[i], r["error"]);
        assert_eq!(r["index"], i, "{}", ours[i]);
        assert_eq!(r["payload_b64"], b64::encode(PAYLOAD));
    }
}

/// Detached payloads (RFC 7515 Appendix F), with and without `b64: false`
/// (RFC 7797), both ways. An attached `b64: false` payload is where the two
/// part: go-jose v2 signs the raw payload but serializes it base64url-encoded
/// and reads it back decoded, which RFC 7797 §5 does not allow, so neither
/// side accepts the other's.
#[test]
fn jws_detached_and_unencoded_payloads() {
    require_peer();
    let dir = tempdir();
    let go = GoKeys::make();
    let payload: &[u8] = b"detached $ payload {\"x\":1}";
    let pfile = dir.path().join("payload.bin");
    std::fs::write(&pfile, payload).expect("w");
    let (private, public) = go.get("P-256");
    let privf = dir.path().join("go-p256.private.jwk");
    std::fs::write(&privf, private.to_string()).expect("w");
    let pubf = dir.path().join("go-p256.public.jwk");
    std::fs::write(&pubf, public.to_string()).expect("w");
    let sign = |unencoded: bool, detached: bool| {
        json!({
            "op": "sign", "algs": ["ES256"], "keys": [private], "ser": "compact",
            "payload_b64": b64::encode(payload), "unencoded": unencoded, "detached": detached,
        })
    };
    let made = run_peer(&[sign(false, true), sign(true, true), sign(true, false)]);
    let tokens: Vec<String> = made
        .iter()
        .map(|r| {
            assert_eq!(r["ok"], true, "{}", r["error"]);
            r["token"].as_str().expect("token").to_owned()
        })
        .collect();
    // go-jose → jose, detached: accepted, b64 true or false.
    for t in &tokens[..2] {
        assert_eq!(t.split('.').nth(1), Some(""), "detached");
        let mut c = jose();
        c.args(["verify", "-k"])
            .arg(&pubf)
            .arg("--detached-payload")
            .arg(&pfile)
            .arg(t);
        c.assert().success().stdout(payload);
    }
    // go-jose's attached b64:false token carries the payload encoded.
    let attached = &tokens[2];
    assert_eq!(
        attached.split('.').nth(1),
        Some(b64::encode(payload).as_str())
    );
    let mut c = jose();
    c.args(["verify", "-k"]).arg(&pubf).arg(attached);
    c.assert().code(1);
    let own = run_peer(&[json!({"op": "verify", "token": attached, "key": public})]);
    assert_eq!(
        own[0]["ok"], true,
        "go-jose reads its own: {}",
        own[0]["error"]
    );

    // jose → go-jose.
    let ours = |flags: &[&str]| {
        let mut c = jose();
        c.args(["sign", "-k"]).arg(&privf).args(flags).arg(&pfile);
        stdout_of(c).trim().to_owned()
    };
    let jobs = [
        json!({"op": "verify", "token": ours(&["--detached"]), "key": public,
               "detached_payload_b64": b64::encode(payload)}),
        json!({"op": "verify", "token": ours(&["--detached", "--unencoded"]), "key": public,
               "detached_payload_b64": b64::encode(payload)}),
        json!({"op": "verify", "token": ours(&["--unencoded"]), "key": public}),
    ];
    let r = run_peer(&jobs);
    for v in &r[..2] {
        assert_eq!(v["ok"], true, "{}", v["error"]);
        assert_eq!(v["payload_b64"], b64::encode(payload));
    }
    assert_eq!(
        r[2]["ok"], false,
        "go-jose now reads an attached unencoded payload: update this test"
    );
}

/// RFC 7638 thumbprints agree on the asymmetric JWKs each side wrote;
/// go-jose v2 has none for `oct` keys (RFC 7638 §3.2 defines one).
#[test]
fn jwk_thumbprints_agree() {
    require_peer();
    let dir = tempdir();
    let go = GoKeys::make();
    let oct = run_peer(&[json!({"op": "thumbprint", "key": go.get("oct256").1})]);
    assert_eq!(
        oct[0]["ok"], false,
        "go-jose now has oct thumbprints: compare them too"
    );
    let asymmetric = |(n, _, _): &&(&str, Value, Value)| !n.starts_with("oct");
    let mut files: Vec<PathBuf> = go
        .public_files(dir.path())
        .into_iter()
        .zip(&go.keys)
        .filter(|(_, k)| asymmetric(k))
        .map(|(f, _)| f)
        .collect();
    let mut jwks: Vec<Value> = go
        .keys
        .iter()
        .filter(asymmetric)
        .map(|(_, _, p)| p.clone())
        .collect();
    for k in [
        "keys/rsa2048.pkcs8.pem",
        "keys/ec-p256.pkcs8.pem",
        "keys/ec-p384.pkcs8.pem",
        "keys/ec-p521.pkcs8.pem",
        "keys/ed25519.pkcs8.pem",
    ] {
        let public = our_public_jwk(&data(k));
        let f = dir.path().join(format!("{}.ours.jwk", files.len()));
        std::fs::write(&f, public.to_string()).expect("w");
        files.push(f);
        jwks.push(public);
    }
    let mut c = jose();
    c.args(["key", "--thumbprint"]).args(&files);
    let ours: Vec<String> = stdout_of(c).lines().map(str::to_owned).collect();
    let jobs: Vec<Value> = jwks
        .iter()
        .map(|k| json!({"op": "thumbprint", "key": k}))
        .collect();
    let theirs = run_peer(&jobs);
    assert_eq!(ours.len(), theirs.len());
    for ((o, t), k) in ours.iter().zip(&theirs).zip(&jwks) {
        assert_eq!(t["ok"], true, "{k}: {}", t["error"]);
        assert_eq!(t["thumbprint"].as_str(), Some(o.as_str()), "{k}");
    }
}

struct JweJob {
    /// Our key (private), by fixture path; `None`: the password.
    key: Option<&'static str>,
    alg: JweAlg,
    enc: JweEnc,
    zip: bool,
    ser: Serialization,
}

fn oct_for(alg: JweAlg, enc: JweEnc) -> &'static str {
    let bits = if alg == JweAlg::Dir {
        enc.key_len() * 8
    } else {
        alg.kw_len().unwrap_or(16) * 8
    };
    match bits {
        128 => "jwe/oct128.jwk",
        192 => "jwe/oct192.jwk",
        256 => "jwe/oct256.jwk",
        384 => "jwe/oct384.jwk",
        512 => "jwe/oct512.jwk",
        _ => unreachable!("no oct fixture of {bits} bits"),
    }
}

fn keys_for(alg: JweAlg, enc: JweEnc) -> Vec<Option<&'static str>> {
    use JweAlg::*;
    match alg {
        RsaOaep | RsaOaep256 | RsaOaep384 | RsaOaep512 | Rsa1_5 => {
            vec![Some("keys/rsa2048.pkcs8.pem")]
        }
        EcdhEs | EcdhEsA128KW | EcdhEsA192KW | EcdhEsA256KW => vec![
            Some("keys/ec-p256.pkcs8.pem"),
            Some("keys/ec-p384.pkcs8.pem"),
            Some("keys/ec-p521.pkcs8.pem"),
            Some("keys/x25519.pkcs8.pem"),
        ],
        Pbes2Hs256A128KW | Pbes2Hs384A192KW | Pbes2Hs512A256KW => vec![None],
        _ => vec![Some(oct_for(alg, enc))],
    }
}

#[test]
fn jwe_ours_to_gojose_every_alg_and_enc() {
    require_peer();
    let mut jobs = Vec::new();
    for &enc in JweEnc::ALL {
        for &alg in JweAlg::ALL {
            for key in keys_for(alg, enc) {
                jobs.push(JweJob {
                    key,
                    alg,
                    enc,
                    zip: false,
                    ser: Serialization::Compact,
                });
            }
        }
    }
    // The JSON forms and DEFLATE, on one alg of each family.
    for ser in [Serialization::Flattened, Serialization::General] {
        for (key, alg) in [
            (Some("keys/rsa2048.pkcs8.pem"), JweAlg::RsaOaep256),
            (Some("keys/ec-p384.pkcs8.pem"), JweAlg::EcdhEs),
            (Some("keys/ec-p521.pkcs8.pem"), JweAlg::EcdhEsA256KW),
            (Some("jwe/oct256.jwk"), JweAlg::A256GCMKW),
            (None, JweAlg::Pbes2Hs512A256KW),
        ] {
            for zip in [false, true] {
                jobs.push(JweJob {
                    key,
                    alg,
                    enc: JweEnc::A128CbcHs256,
                    zip,
                    ser,
                });
            }
        }
    }
    let pt = PAYLOAD.repeat(40);
    let mut wire = Vec::new();
    for j in &jobs {
        let key = j.key.map(load_key);
        let with = match &key {
            Some(k) => Unwrapper::Key(&k.material),
            None => Unwrapper::Password(PASSWORD.as_bytes()),
        };
        let mut o = EncryptOptions::new(j.enc);
        o.zip = j.zip;
        o.serialization = j.ser;
        o.p2c = P2C;
        let r = [RecipientSpec {
            with,
            alg: j.alg,
            kid: None,
        }];
        let token = encrypt(pt.clone(), &r, &o).expect("our encrypt");
        let mut w = json!({"op": "decrypt", "token": token});
        match &key {
            Some(k) => w["key"] = jwk::to_value(k, true),
            None => w["password"] = PASSWORD.into(),
        }
        wire.push(w);
    }
    let results = run_peer(&wire);
    let mut decrypted = 0;
    for (j, r) in jobs.iter().zip(&results) {
        let what = format!(
            "{} {} {:?} zip={} {}",
            j.alg,
            j.enc,
            j.key,
            j.zip,
            j.ser.as_str()
        );
        if gojose_lacks_jwe(j.alg, j.key) {
            assert_eq!(
                r["ok"], false,
                "{what}: go-jose now decrypts it: update gojose_lacks_jwe"
            );
            continue;
        }
        assert_eq!(r["ok"], true, "{what}: {}", r["error"]);
        assert_eq!(
            r["plaintext_b64"].as_str(),
            Some(b64::encode(&pt).as_str()),
            "{what}"
        );
        decrypted += 1;
    }
    eprintln!("go-jose decrypted {decrypted} of our {} JWE", jobs.len());
    assert!(decrypted > 100, "{decrypted}");
}

/// go-jose's key for an alg: (name in GoKeys, or None for the password).
fn go_key_for(alg: JweAlg, enc: JweEnc) -> Vec<Option<&'static str>> {
    use JweAlg::*;
    match alg {
        RsaOaep | RsaOaep256 | Rsa1_5 => vec![Some("RSA")],
        EcdhEs | EcdhEsA128KW | EcdhEsA192KW | EcdhEsA256KW => {
            vec![Some("P-256"), Some("P-384"), Some("P-521")]
        }
        Pbes2Hs256A128KW | Pbes2Hs384A192KW | Pbes2Hs512A256KW => vec![None],
        RsaOaep384 | RsaOaep512 => vec![],
        _ => vec![Some(match oct_for(alg, enc) {
            "jwe/oct128.jwk" => "oct128",
            "jwe/oct192.jwk" => "oct192",
            "jwe/oct256.jwk" => "oct256",
            "jwe/oct384.jwk" => "oct384",
            _ => "oct512",
        })],
    }
}

#[test]
fn jwe_gojose_to_ours_every_alg_and_enc() {
    require_peer();
    let go = GoKeys::make();
    let pt = PAYLOAD.repeat(40);
    let mut jobs = Vec::new();
    let mut meta = Vec::new();
    for &enc in JweEnc::ALL {
        for &alg in JweAlg::ALL {
            for key in go_key_for(alg, enc) {
                for (ser, zip) in [("compact", false), ("full", enc == JweEnc::A256GCM)] {
                    let mut j = json!({
                        "op": "encrypt", "enc": enc.name(), "zip": zip, "ser": ser,
                        "p2c": P2C, "payload_b64": b64::encode(&pt),
                        "recipients": [{"alg": alg.name()}],
                    });
                    match key {
                        Some(n) => j["recipients"][0]["key"] = go.get(n).1.clone(),
                        None => j["recipients"][0]["password"] = PASSWORD.into(),
                    }
                    jobs.push(j);
                    meta.push((alg, enc, key, ser, zip));
                }
            }
        }
    }
    // What go-jose refuses to make.
    let (_, rsa_pub) = go.get("RSA");
    let lacks: Vec<Value> = ["RSA-OAEP-384", "RSA-OAEP-512"]
        .iter()
        .map(|alg| {
            json!({"op": "encrypt", "enc": "A256GCM", "ser": "compact",
                   "payload_b64": "AA", "recipients": [{"alg": alg, "key": rsa_pub}]})
        })
        .collect();
    let results = run_peer(&[jobs.clone(), lacks.clone()].concat());
    let (made, refused) = results.split_at(jobs.len());
    for (r, j) in refused.iter().zip(&lacks) {
        assert_eq!(
            r["ok"], false,
            "go-jose now encrypts {j}: update gojose_lacks_jwe"
        );
    }
    let opts = all_algs();
    let mut n = 0;
    for ((alg, enc, key, ser, zip), r) in meta.iter().zip(made) {
        let what = format!("{alg} {enc} {key:?} {ser} zip={zip}");
        assert_eq!(r["ok"], true, "{what}: {}", r["error"]);
        let token = r["token"].as_str().expect("token");
        if *ser == "full" {
            let v: Value = serde_json::from_str(token).expect("json");
            assert!(
                v.get("recipients").is_none(),
                "{what}: one recipient is flattened"
            );
            assert!(v["protected"].is_string(), "{what}");
        }
        let keys = match key {
            Some(name) => KeySet::new(vec![
                jwk::from_value(go.get(name).0).expect("go-jose's JWK"),
            ]),
            None => KeySet::new(Vec::new()),
        };
        let password = key.is_none().then_some(PASSWORD.as_bytes());
        let d = decrypt(token, &keys, password, &opts)
            .unwrap_or_else(|e| panic!("{what}: ours of theirs: {e}"));
        assert_eq!(d.plaintext, pt, "{what}");
        n += 1;
    }
    eprintln!("jose decrypted go-jose's {n} JWE");
    assert!(n > 100, "{n}");
}

/// go-jose's general JSON for several recipients also carries the first
/// recipient's `encrypted_key` at the top level; `jose decrypt` reads the
/// `recipients` and ignores it (RFC 7516 §7.2.1). And the other way round:
/// go-jose decrypts our several-recipient JWE with each key.
#[test]
fn jwe_several_recipients_both_ways() {
    require_peer();
    let dir = tempdir();
    let go = GoKeys::make();
    let pt = PAYLOAD.repeat(3);
    let names = ["RSA", "P-384", "oct128"];
    let algs = ["RSA-OAEP-256", "ECDH-ES+A192KW", "A128KW"];
    let mut recipients: Vec<Value> = names
        .iter()
        .zip(algs)
        .map(|(n, alg)| json!({"alg": alg, "key": go.get(n).1}))
        .collect();
    recipients.push(json!({"alg": "PBES2-HS256+A128KW", "password": PASSWORD}));
    let r = run_peer(&[json!({
        "op": "encrypt", "enc": "A256GCM", "ser": "full", "p2c": P2C,
        "payload_b64": b64::encode(&pt), "recipients": recipients,
    })]);
    assert_eq!(r[0]["ok"], true, "{}", r[0]["error"]);
    let token = r[0]["token"].as_str().expect("token").to_owned();
    let v: Value = serde_json::from_str(&token).expect("json");
    assert_eq!(v["recipients"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        v["encrypted_key"], v["recipients"][0]["encrypted_key"],
        "go-jose repeats the first recipient's encrypted_key at the top level"
    );
    for n in names {
        let f = dir.path().join(format!("{n}.private.jwk"));
        std::fs::write(&f, go.get(n).0.to_string()).expect("w");
        let mut c = jose();
        c.args(["decrypt", "-k"]).arg(&f).arg(&token);
        c.assert().success().stdout(pt.clone());
    }
    let pw = dir.path().join("password");
    std::fs::write(&pw, PASSWORD).expect("w");
    let mut c = jose();
    c.args(["decrypt", "--password-file"]).arg(&pw).arg(&token);
    c.assert().success().stdout(pt.clone());

    // jose → go-jose.
    let input = dir.path().join("pt.bin");
    std::fs::write(&input, &pt).expect("w");
    let ours = [
        "keys/rsa2048.pkcs8.pem",
        "keys/ec-p256.pkcs8.pem",
        "jwe/oct256.jwk",
    ];
    let mut c = jose();
    c.args(["encrypt", "--enc", "A192CBC-HS384"]);
    for k in ours {
        c.arg("-k").arg(data(k));
    }
    c.arg(&input);
    let token = stdout_of(c).trim().to_owned();
    let jobs: Vec<Value> = ours
        .iter()
        .map(|k| json!({"op": "decrypt", "token": token, "key": jwk::to_value(&load_key(k), true)}))
        .collect();
    for (i, r) in run_peer(&jobs).iter().enumerate() {
        assert_eq!(r["ok"], true, "{}: {}", ours[i], r["error"]);
        assert_eq!(r["index"], i, "{}", ours[i]);
        assert_eq!(r["plaintext_b64"], b64::encode(&pt));
    }
}

/// The JSON-only `aad` member, both ways; a changed `aad` fails to decrypt.
#[test]
fn jwe_json_aad_both_ways() {
    require_peer();
    let go = GoKeys::make();
    let aad = b"additional \x00 authenticated data";
    let (private, public) = go.get("P-521");
    let (oct, _) = go.get("oct256");
    let one = json!([{"alg": "ECDH-ES+A128KW", "key": public}]);
    let two = json!([{"alg": "ECDH-ES+A128KW", "key": public}, {"alg": "A256KW", "key": oct}]);
    let jobs: Vec<Value> = [one, two]
        .into_iter()
        .map(|rs| {
            json!({"op": "encrypt", "enc": "A128GCM", "ser": "full", "recipients": rs,
                   "payload_b64": b64::encode(PAYLOAD), "aad_b64": b64::encode(aad)})
        })
        .collect();
    let keys = KeySet::new(vec![jwk::from_value(private).expect("go-jose's JWK")]);
    for r in run_peer(&jobs) {
        assert_eq!(r["ok"], true, "{}", r["error"]);
        let token = r["token"].as_str().expect("token");
        let mut v: Value = serde_json::from_str(token).expect("json");
        assert_eq!(v["aad"], b64::encode(aad));
        let d = decrypt(token, &keys, None, &all_algs()).expect("ours of theirs");
        assert_eq!(d.plaintext, PAYLOAD);
        v["aad"] = json!(b64::encode(b"other"));
        match decrypt(&v.to_string(), &keys, None, &all_algs()) {
            Ok(_) => panic!("a changed aad was accepted"),
            Err(e) => assert_eq!(e.code, jose::RejectCode::DecryptFailed, "{e}"),
        }
    }

    // jose → go-jose, flattened and general.
    let ours = load_key("keys/ec-p384.pkcs8.pem");
    let jobs: Vec<Value> = [Serialization::Flattened, Serialization::General]
        .into_iter()
        .map(|ser| {
            let mut o = EncryptOptions::new(JweEnc::A256CbcHs512);
            o.serialization = ser;
            o.aad = Some(aad.to_vec());
            let r = [RecipientSpec {
                with: Unwrapper::Key(&ours.material),
                alg: JweAlg::EcdhEsA256KW,
                kid: None,
            }];
            let token = encrypt(PAYLOAD.to_vec(), &r, &o).expect("our encrypt");
            json!({"op": "decrypt", "token": token, "key": jwk::to_value(&ours, true)})
        })
        .collect();
    for r in run_peer(&jobs) {
        assert_eq!(r["ok"], true, "{}", r["error"]);
        assert_eq!(r["plaintext_b64"], b64::encode(PAYLOAD));
        assert_eq!(r["aad_b64"], b64::encode(aad));
    }
}

/// go-jose's default PBES2 count (100,000) is within our default bound.
#[test]
fn gojose_default_p2c_is_within_our_bound() {
    require_peer();
    let r = run_peer(&[json!({
        "op": "encrypt", "enc": "A128GCM", "ser": "compact",
        "payload_b64": b64::encode(PAYLOAD),
        "recipients": [{"alg": "PBES2-HS256+A128KW", "password": PASSWORD}],
    })]);
    assert_eq!(r[0]["ok"], true, "{}", r[0]["error"]);
    let token = r[0]["token"].as_str().expect("token");
    let header: Value = serde_json::from_slice(
        &b64::decode(token.split('.').next().expect("header")).expect("b64"),
    )
    .expect("header");
    assert_eq!(header["p2c"], 100_000);
    let d = decrypt(
        token,
        &KeySet::new(Vec::new()),
        Some(PASSWORD.as_bytes()),
        &DecryptOptions::default(),
    )
    .expect("decrypt");
    assert_eq!(d.plaintext, PAYLOAD);
}

/// Without go-jose: a general JWE keeps decrypting when flattened-form
/// members sit beside `recipients`, whether they repeat the first
/// recipient's (as go-jose writes) or hold anything else; they are ignored.
#[test]
fn general_jwe_ignores_flattened_members_beside_recipients() {
    let dir = tempdir();
    let input = dir.path().join("pt.bin");
    std::fs::write(&input, PAYLOAD).expect("w");
    let keys = ["keys/rsa2048.pkcs8.pem", "keys/ec-p256.pkcs8.pem"];
    let mut c = jose();
    c.args(["encrypt", "--serialization", "general"]);
    for k in keys {
        c.arg("-k").arg(data(k));
    }
    c.arg(&input);
    let general: Value = serde_json::from_str(&stdout_of(c)).expect("json");
    let first = general["recipients"][0].clone();
    let mut like_gojose = general.clone();
    like_gojose["encrypted_key"] = first["encrypted_key"].clone();
    like_gojose["header"] = first["header"].clone();
    let mut stray = general.clone();
    stray["encrypted_key"] = json!(b64::encode([7u8; 32]));
    stray["header"] = json!({"alg": "A128KW", "kid": "nobody"});
    for (what, token) in [("go-jose's shape", like_gojose), ("stray members", stray)] {
        for k in keys {
            let mut c = jose();
            c.args(["decrypt", "-k"])
                .arg(data(k))
                .arg(token.to_string());
            let out = c.output().expect("run jose");
            assert!(
                out.status.success(),
                "{what}, {k}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.stdout, PAYLOAD, "{what}, {k}");
        }
    }
}
