//! The one runner for tests/data/vectors: every folder there holds a
//! `cases.toml` that says, per file, what the file is, where it comes from
//! and what this tool must make of it (tests/data/vectors/README.md gives the
//! format). This module reads every sidecar and checks every case through
//! the library, and the tokens of the JWS and JWE kinds through the real
//! binary as well; it refuses a sidecar naming a missing file as well as a
//! vector file no sidecar names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jose::RejectCode;
use jose::b64;
use jose::decrypt::{DecryptOptions, decrypt};
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::internal::crypto::sig;
use jose::jws::{self, SignRequest, Signer, sign};
use jose::keymgmt::{Fixed, Unwrapper};
use jose::verify::{VerifyOptions, verify};
use jose::{JweAlg, JweEnc, JwsAlg};
use jose::{Key, KeySet, keys::jwk};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::util::{data, hex, jose, key_from_jwk as key, public_set, tempdir};

// ------------------------------------------------------------ sidecar format

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    #[serde(default)]
    case: Vec<Case>,
    #[serde(default)]
    wycheproof: Vec<WycheproofFile>,
    #[serde(default)]
    elsewhere: Vec<Elsewhere>,
}

/// One expectation about one file. Fields other than file/source/kind/expect
/// are the inputs of their `kind`; the JSON pointers point into the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    source: String,
    kind: String,
    /// "ok", or the contract's rejection code.
    expect: String,
    // kind "jws" and "jwe"
    token: Option<String>,
    key: Option<String>,
    payload: Option<String>,
    payload_b64u: Option<String>,
    detached_payload: Option<String>,
    splice_payload: Option<String>,
    alg: Option<String>,
    signature_index: Option<usize>,
    header: Option<Map<String, Value>>,
    resign: Option<String>,
    resign_at: Option<String>,
    rebuild: Option<Value>,
    plaintext: Option<String>,
    algs: Option<String>,
    rebuild_at: Option<String>,
    now: Option<i64>,
    // kinds "jws-cookbook" and "jwe-cookbook"
    outputs: Option<usize>,
    reproduce: Option<usize>,
    unreproducible: Option<usize>,
    detached: Option<bool>,
    without_payload: Option<String>,
    at: Option<String>,
    plaintext_is: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WycheproofFile {
    file: String,
    kind: String,
    alg: Option<String>,
    jwk: Option<String>,
    #[serde(default, rename = "override")]
    overrides: Vec<Override>,
}

/// Where this tool's outcome for a Wycheproof test is not the file's
/// `result` (or the result is "acceptable"), and why.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    tc: Option<u64>,
    flag: Option<String>,
    result: Option<String>,
    accept: bool,
    cases: Option<usize>,
    same_token_as: Option<u64>,
    reason: String,
}

/// A vector file that another test module reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Elsewhere {
    file: String,
    source: String,
    test: String,
}

/// Files in a vector folder that are no vectors.
const NOT_VECTORS: &[&str] = &["cases.toml", "SOURCE.md", "LICENSE"];

fn root() -> PathBuf {
    data("vectors")
}

fn folders() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("vectors folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no vector folders");
    v
}

/// The fields each case kind reads besides file, source, kind and expect.
/// A field the kind does not read would be a check that silently never
/// runs, so it is refused.
const KIND_FIELDS: &[(&str, &[&str])] = &[
    (
        "jws",
        &[
            "token",
            "key",
            "payload",
            "payload_b64u",
            "detached_payload",
            "splice_payload",
            "alg",
            "signature_index",
            "header",
            "resign",
            "resign_at",
            "rebuild",
            "now",
        ],
    ),
    (
        "jws-cookbook",
        &[
            "outputs",
            "reproduce",
            "unreproducible",
            "detached",
            "without_payload",
            "rebuild",
        ],
    ),
    ("jwe", &["token", "key", "plaintext", "algs", "rebuild_at"]),
    (
        "jwe-cookbook",
        &["at", "plaintext_is", "algs", "outputs", "rebuild"],
    ),
    ("ecdh-es-kdf", &[]),
];

fn sidecar(folder: &Path) -> Sidecar {
    let p = folder.join("cases.toml");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let raw: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    for c in raw
        .get("case")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        let c = c.as_table().expect("[[case]] is a table");
        let kind = c
            .get("kind")
            .and_then(toml::Value::as_str)
            .unwrap_or_default();
        let (_, fields) = KIND_FIELDS
            .iter()
            .find(|(k, _)| *k == kind)
            .unwrap_or_else(|| panic!("{}: unknown kind {kind:?}", p.display()));
        for name in c.keys() {
            assert!(
                ["file", "source", "kind", "expect"].contains(&name.as_str())
                    || fields.contains(&name.as_str()),
                "{}: kind {kind:?} does not read {name:?} (case {:?})",
                p.display(),
                c.get("source")
            );
        }
    }
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn files_under(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            files_under(&p, base, out);
        } else {
            let rel = p.strip_prefix(base).expect("under base");
            out.push(rel.to_str().expect("UTF-8 file name").to_owned());
        }
    }
}

fn load(folder: &Path, file: &str) -> Value {
    let p = folder.join(file);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

// ------------------------------------------------------------------ helpers

fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in the file"))
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    at(v, pointer)
        .as_str()
        .unwrap_or_else(|| panic!("{pointer} is not a string"))
}

fn b64_at(v: &Value, pointer: &str) -> Vec<u8> {
    b64::decode(str_at(v, pointer)).unwrap_or_else(|| panic!("{pointer}: not base64url"))
}

fn bytes_at(v: &Value, pointer: &str) -> Vec<u8> {
    at(v, pointer)
        .as_array()
        .unwrap_or_else(|| panic!("{pointer} is not a byte list"))
        .iter()
        .map(|b| {
            b.as_u64()
                .and_then(|b| u8::try_from(b).ok())
                .expect("a byte")
        })
        .collect()
}

/// A token as the tool reads it: compact text, or the JSON serialization.
fn token_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One JWK, an array of them, or a JWK Set.
fn keys_of(v: &Value) -> Vec<Key> {
    match v {
        Value::Array(a) => a.iter().map(key).collect(),
        Value::Object(o) if o.contains_key("keys") => keys_of(&v["keys"]),
        other => vec![key(other)],
    }
}

fn deterministic(alg: JwsAlg) -> bool {
    alg.is_hmac()
        || matches!(
            alg,
            JwsAlg::RS256 | JwsAlg::RS384 | JwsAlg::RS512 | JwsAlg::EdDSA | JwsAlg::Ed25519
        )
}

fn code(s: &str) -> RejectCode {
    *RejectCode::ALL
        .iter()
        .find(|c| c.as_str() == s)
        .unwrap_or_else(|| panic!("{s:?} is no rejection code of the contract"))
}

/// `Ok(())` for "ok", else the expected rejection code.
fn expectation(expect: &str) -> Result<(), RejectCode> {
    match expect {
        "ok" => Ok(()),
        other => Err(code(other)),
    }
}

fn check_outcome<T>(what: &str, got: &Result<T, jose::Rejection>, want: Result<(), RejectCode>) {
    match (got, want) {
        (Ok(_), Ok(())) => {}
        (Err(r), Err(c)) => assert_eq!(r.code, c, "{what}: rejected for another reason: {r}"),
        (Ok(_), Err(c)) => panic!("{what}: accepted, expected {c}"),
        (Err(r), Ok(())) => panic!("{what}: rejected: {r}"),
    }
}

fn decrypt_opts(algs: Option<&str>) -> DecryptOptions {
    match algs {
        // Every algorithm, RSA1_5 included: the vectors use it.
        Some("all") => DecryptOptions {
            algs: JweAlg::ALL.to_vec(),
            ..DecryptOptions::default()
        },
        Some("default") => DecryptOptions::default(),
        other => panic!("algs must be \"all\" or \"default\", not {other:?}"),
    }
}

/// One token as the real binary is given it.
struct Cli<'a> {
    verify: bool,
    token: String,
    keys: Vec<Value>,
    password: Option<&'a [u8]>,
    detached: Option<&'a [u8]>,
    all_algs: bool,
    now: Option<i64>,
}

/// The JWKs at a sidecar's key pointer: one, an array, or a JWK Set.
fn jwks_of(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Object(o) if o.contains_key("keys") => jwks_of(&v["keys"]),
        other => vec![other.clone()],
    }
}

/// The same token through the real binary (`--json`): exit 0 with the
/// expected payload or plaintext, or exit 1 with the contract's rejection
/// code as `error.code`.
fn cli_check(cli: &Cli, want: Result<&[u8], RejectCode>, what: &str) -> usize {
    let dir = tempdir();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let mut cmd = jose();
    cmd.arg(if cli.verify { "verify" } else { "decrypt" });
    cmd.arg("--json");
    if !cli.keys.is_empty() {
        let set = serde_json::json!({ "keys": cli.keys });
        cmd.arg("-k")
            .arg(file("keys.json", set.to_string().as_bytes()));
    }
    if let Some(p) = cli.password {
        cmd.arg("--password-file").arg(file("password", p));
    }
    if let Some(d) = cli.detached {
        cmd.arg("--detached-payload").arg(file("payload", d));
    }
    if cli.all_algs {
        for a in JweAlg::ALL {
            cmd.args(["--alg", a.name()]);
        }
    }
    if let Some(n) = cli.now {
        cmd.arg(format!("--now={n}"));
    }
    let token = file("token", cli.token.as_bytes());
    cmd.arg(format!("@{}", token.display()));
    let out = cmd.output().expect("run jose");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what}: CLI report unreadable ({e}): {stderr}"));
    match want {
        Ok(payload) => {
            assert_eq!(out.status.code(), Some(0), "{what}: CLI: {stderr}");
            let field = if cli.verify {
                "payload_b64"
            } else {
                "plaintext_b64"
            };
            let got = report[field].as_str().and_then(b64::decode);
            assert_eq!(got.as_deref(), Some(payload), "{what}: CLI {field}");
        }
        Err(code) => {
            assert_eq!(out.status.code(), Some(1), "{what}: CLI: {stderr}");
            assert_eq!(report["error"]["code"], code.as_str(), "{what}: CLI");
        }
    }
    1
}

// ------------------------------------------------------------------- kinds

/// A JWS token at a pointer, verified with the key at another. Returns the
/// number of checks made.
fn jws_case(c: &Case, v: &Value, what: &str) -> usize {
    let keys = keys_of(at(v, c.key.as_deref().expect("key")));
    let set = public_set(&keys);
    let mut token = token_of(at(v, c.token.as_deref().expect("token")));
    if let Some(p) = &c.splice_payload {
        assert!(
            token.contains(".."),
            "{what}: no detached payload to splice"
        );
        token = token.replacen("..", &format!(".{}.", b64::encode(str_at(v, p))), 1);
    }
    let mut opts = VerifyOptions::at(0);
    if let Some(p) = &c.detached_payload {
        opts.detached_payload = Some(str_at(v, p).as_bytes().to_vec());
    }
    if let Some(now) = c.now {
        opts.policy.now = now;
    }
    let got = verify(&token, &set, &opts);
    check_outcome(what, &got, expectation(&c.expect));
    let cli = Cli {
        verify: true,
        token: token.clone(),
        keys: jwks_of(at(v, c.key.as_deref().expect("key"))),
        password: None,
        detached: opts.detached_payload.as_deref(),
        all_algs: false,
        now: c.now,
    };
    let want_cli = got
        .as_ref()
        .map(|ok| ok.payload.as_slice())
        .map_err(|r| r.code);
    let mut n = 1 + cli_check(&cli, want_cli, what);
    let Ok(ok) = got else { return n };
    let want_payload = match (&c.payload, &c.payload_b64u) {
        (Some(p), None) => Some(str_at(v, p).as_bytes().to_vec()),
        (None, Some(p)) => Some(b64_at(v, p)),
        (None, None) => None,
        _ => panic!("{what}: payload and payload_b64u both given"),
    };
    if let Some(p) = &want_payload {
        assert_eq!(&ok.payload, p, "{what}: payload");
    }
    if let Some(a) = &c.alg {
        assert_eq!(ok.alg.to_string(), *a, "{what}: alg");
    }
    if let Some(i) = c.signature_index {
        assert_eq!(ok.signature_index, i, "{what}: signature index");
    }
    for (name, want) in c.header.iter().flatten() {
        assert_eq!(ok.header.get(name), Some(want), "{what}: header {name}");
    }
    if let Some(mode) = &c.resign {
        let e = at(v, c.resign_at.as_deref().expect("resign_at"));
        let input = format!(
            "{}.{}",
            str_at(e, "/protected_b64u"),
            str_at(e, "/payload_b64u")
        );
        let mine = sig::sign(ok.alg, &keys[0].material, input.as_bytes()).expect("sign");
        match mode.as_str() {
            "exact" => {
                assert!(deterministic(ok.alg), "{what}: {} is randomised", ok.alg);
                assert_eq!(
                    mine,
                    b64_at(e, "/signature_b64u"),
                    "{what}: signature differs"
                );
            }
            "roundtrip" => assert!(
                sig::verify(ok.alg, &keys[0].material, input.as_bytes(), &mine).is_ok(),
                "{what}: own signature does not verify"
            ),
            other => panic!("{what}: resign {other:?}"),
        }
        n += 1;
    }
    if rebuild_flag(c) {
        let payload = want_payload.expect("rebuild needs the payload");
        let built = sign(&SignRequest {
            payload: &payload,
            signers: vec![Signer {
                alg: ok.alg,
                key: &keys[0].material,
                protected: Map::new(),
            }],
            serialization: jws::Serialization::Compact,
            detached: c.detached_payload.is_some(),
            unencoded: ok.header.get("b64") == Some(&Value::Bool(false)),
        })
        .expect("sign");
        assert_eq!(built, token, "{what}: our builder's token differs");
        n += 1;
    }
    n
}

/// A JOSE cookbook (RFC 7520-shaped) JWS file: every serialization in
/// "output", the deterministic signatures of "signing", and optionally our
/// own compact token.
fn jws_cookbook_case(c: &Case, v: &Value, what: &str) -> usize {
    let payload = str_at(v, "/input/payload").as_bytes();
    let keys = keys_of(at(v, "/input/key"));
    let set = public_set(&keys);
    let want = expectation(&c.expect);
    let detached = c.detached == Some(true);
    let outputs = at(v, "/output").as_object().expect("output");
    assert_eq!(Some(outputs.len()), c.outputs, "{what}: outputs");
    let mut n = 0;
    for (form, tok) in outputs {
        let what = format!("{what} {form}");
        let mut opts = VerifyOptions::at(0);
        if detached {
            opts.detached_payload = Some(payload.to_vec());
        }
        let got = verify(&token_of(tok), &set, &opts);
        check_outcome(&what, &got, want);
        if let Ok(ok) = got {
            assert_eq!(ok.payload, payload, "{what}: payload");
        }
        let mut cli = Cli {
            verify: true,
            token: token_of(tok),
            keys: jwks_of(at(v, "/input/key")),
            password: None,
            detached: detached.then_some(payload),
            all_algs: false,
            now: None,
        };
        n += 1 + cli_check(&cli, want.map(|()| payload), &what);
        if detached {
            let got = verify(&token_of(tok), &set, &VerifyOptions::at(0));
            let without = code(c.without_payload.as_deref().expect("without_payload"));
            let what = format!("{what} without its payload");
            check_outcome(&what, &got, Err(without));
            cli.detached = None;
            n += 1 + cli_check(&cli, Err(without), &what);
        }
    }
    let signings: Vec<&Value> = match at(v, "/signing") {
        Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    // Every deterministic signature is re-derived from its "sig-input";
    // the sidecar says how many must match and how many do not.
    let (mut reproduced, mut differ) = (0, 0);
    for s in &signings {
        let header = s.get("protected").unwrap_or(&s["unprotected"]);
        let alg: JwsAlg = str_at(header, "/alg").parse().expect("alg");
        if !deterministic(alg) {
            continue;
        }
        let input = str_at(s, "/sig-input");
        let k = keys
            .iter()
            .find(|k| k.material.fits(alg.family()))
            .expect("key for alg");
        let got = sig::sign(alg, &k.material, input.as_bytes()).expect("sign");
        if got == b64_at(s, "/sig") {
            reproduced += 1;
        } else {
            differ += 1;
        }
    }
    assert_eq!(
        Some(reproduced),
        c.reproduce,
        "{what}: signatures re-derived byte for byte"
    );
    assert_eq!(
        differ,
        c.unreproducible.unwrap_or(0),
        "{what}: deterministic signatures that differ from the published ones"
    );
    n += reproduced;
    if rebuild_flag(c) {
        let [s] = signings[..] else {
            panic!("{what}: rebuild needs one signing")
        };
        let mut protected = at(s, "/protected").as_object().expect("protected").clone();
        let alg: JwsAlg = protected
            .remove("alg")
            .and_then(|a| a.as_str().and_then(|a| a.parse().ok()))
            .expect("alg");
        let built = sign(&SignRequest {
            payload,
            signers: vec![Signer {
                alg,
                key: &keys[0].material,
                protected,
            }],
            serialization: jws::Serialization::Compact,
            detached: false,
            unencoded: false,
        })
        .expect("sign");
        assert_eq!(built, str_at(v, "/output/compact"), "{what}: rebuilt");
        n += 1;
    }
    n
}

/// A JWE token at a pointer, decrypted with the key at another; with
/// `rebuild_at`, re-encrypted with the published CEK and IV.
fn jwe_case(c: &Case, v: &Value, what: &str) -> usize {
    let k = key(at(v, c.key.as_deref().expect("key")));
    let keys = KeySet::new(vec![k.clone()]);
    let token = token_of(at(v, c.token.as_deref().expect("token")));
    let got = decrypt(&token, &keys, None, &decrypt_opts(c.algs.as_deref()));
    check_outcome(what, &got, expectation(&c.expect));
    let cli = Cli {
        verify: false,
        token: token.clone(),
        keys: jwks_of(at(v, c.key.as_deref().expect("key"))),
        password: None,
        detached: None,
        all_algs: c.algs.as_deref() == Some("all"),
        now: None,
    };
    let want_cli = got
        .as_ref()
        .map(|d| d.plaintext.as_slice())
        .map_err(|r| r.code);
    let mut n = 1 + cli_check(&cli, want_cli, what);
    if let (Ok(d), Some(p)) = (&got, &c.plaintext) {
        assert_eq!(d.plaintext, str_at(v, p).as_bytes(), "{what}: plaintext");
    }
    if let Some(r) = &c.rebuild_at {
        let e = at(v, r);
        let protected = String::from_utf8(b64_at(e, "/protected_b64u")).expect("utf-8");
        let header: Value = serde_json::from_str(&protected).expect("header JSON");
        let alg: JweAlg = str_at(&header, "/alg").parse().expect("alg");
        let enc: JweEnc = str_at(&header, "/enc").parse().expect("enc");
        let mut opts = EncryptOptions::new(enc);
        opts.fixed = Fixed {
            cek: Some(bytes_at(e, "/cek")),
            iv: Some(b64_at(e, "/iv_b64u")),
            protected: Some(protected),
            ..Fixed::default()
        };
        let r = [RecipientSpec {
            with: Unwrapper::Key(&k.material),
            alg,
            kid: None,
        }];
        let plaintext = str_at(v, c.plaintext.as_deref().expect("plaintext"));
        let out = encrypt(plaintext.as_bytes().to_vec(), &r, &opts).expect("encrypt");
        assert_eq!(out, token, "{what}: re-encrypted");
        n += 1;
    }
    n
}

/// A JOSE cookbook JWE file (below `at`, if given): every serialization
/// decrypts; `rebuild` re-encrypts with the published CEK, IV, salt and
/// key-wrap IV and compares the named part of the output.
fn jwe_cookbook_case(c: &Case, file: &Value, what: &str) -> usize {
    let v = match &c.at {
        Some(p) => at(file, p),
        None => file,
    };
    let input = at(v, "/input");
    let (keys, pw) = match input.get("pwd").and_then(Value::as_str) {
        Some(p) => (KeySet::default(), Some(p.as_bytes().to_vec())),
        None => (KeySet::new(keys_of(at(input, "/key"))), None),
    };
    let want = str_at(input, "/plaintext").as_bytes();
    if let Some(p) = &c.plaintext_is {
        assert_eq!(want, str_at(file, p).as_bytes(), "{what}: plaintext_is");
    }
    let opts = decrypt_opts(c.algs.as_deref());
    let outputs = at(v, "/output").as_object().expect("output");
    assert_eq!(Some(outputs.len()), c.outputs, "{what}: outputs");
    let mut n = 0;
    for (form, tok) in outputs {
        let what = format!("{what} {form}");
        let got = decrypt(&token_of(tok), &keys, pw.as_deref(), &opts);
        check_outcome(&what, &got, expectation(&c.expect));
        if let Ok(d) = got {
            assert_eq!(d.plaintext, want, "{what}: plaintext");
        }
        let cli = Cli {
            verify: false,
            token: token_of(tok),
            keys: input.get("key").map(jwks_of).unwrap_or_default(),
            password: pw.as_deref(),
            detached: None,
            all_algs: c.algs.as_deref() == Some("all"),
            now: None,
        };
        n += 1 + cli_check(&cli, expectation(&c.expect).map(|()| want), &what);
    }
    let Some(rebuild) = &c.rebuild else { return n };
    let rebuild = rebuild.as_str().expect("rebuild names an output part");
    let alg: JweAlg = str_at(input, "/alg").parse().expect("alg");
    let enc: JweEnc = str_at(input, "/enc").parse().expect("enc");
    let mut eo = EncryptOptions::new(enc);
    let b64_opt = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .map(|s| b64::decode(s).expect(p))
    };
    eo.fixed = Fixed {
        cek: b64_opt("/generated/cek"),
        iv: Some(b64_at(v, "/generated/iv")),
        p2s: b64_opt("/encrypting_key/salt"),
        kw_iv: b64_opt("/encrypting_key/iv"),
        protected: Some(
            String::from_utf8(b64_at(v, "/encrypting_content/protected_b64u")).expect("utf-8"),
        ),
        ..Fixed::default()
    };
    if let Some(p2c) = v
        .pointer("/encrypting_key/iteration_count")
        .and_then(Value::as_u64)
    {
        eo.p2c = u32::try_from(p2c).expect("p2c");
    }
    if input.get("zip").and_then(Value::as_str) == Some("DEF") {
        eo.zip = true;
        eo.serialization = jose::Serialization::Flattened;
    }
    if let Some(a) = input.get("aad").and_then(Value::as_str) {
        eo.aad = Some(a.as_bytes().to_vec());
        eo.serialization = jose::Serialization::Flattened;
    }
    let with = match &pw {
        Some(p) => Unwrapper::Password(p),
        None => Unwrapper::Key(&keys.keys[0].material),
    };
    let r = [RecipientSpec {
        with,
        alg,
        kid: None,
    }];
    let out = encrypt(want.to_vec(), &r, &eo).expect("encrypt");
    match rebuild {
        "compact" => assert_eq!(out, str_at(v, "/output/compact"), "{what}: rebuilt"),
        "json_flat" => {
            let got: Value = serde_json::from_str(&out).expect("json");
            assert_eq!(&got, at(v, "/output/json_flat"), "{what}: rebuilt");
        }
        // DEFLATE output differs between compressors: the key part must be
        // the published one and the whole must round-trip.
        "encrypted_key" => {
            let got: Value = serde_json::from_str(&out).expect("json");
            assert_eq!(
                &got["encrypted_key"],
                at(v, "/output/json_flat/encrypted_key"),
                "{what}: rebuilt encrypted_key"
            );
            let d = decrypt(&out, &keys, None, &opts).expect("round trip");
            assert_eq!(d.plaintext, want, "{what}: round trip");
        }
        other => panic!("{what}: rebuild {other:?}"),
    }
    n + 1
}

/// RFC 7518 Appendix C: ECDH-ES key agreement and the Concat KDF.
fn ecdh_es_kdf_case(c: &Case, v: &Value, what: &str) -> usize {
    assert_eq!(c.expect, "ok", "{what}: this kind has no rejection");
    let alice = key(at(v, "/alice_epk"));
    let bob = key(at(v, "/bob_key"));
    let public = |k: &Key| k.material.to_public().expect("public");
    let z = jose::internal::crypto::ecdh::agree(&alice.material, &public(&bob)).expect("agree");
    let want_z = bytes_at(v, "/z");
    assert_eq!(*z, want_z, "{what}: Z");
    let z2 = jose::internal::crypto::ecdh::agree(&bob.material, &public(&alice)).expect("agree");
    assert_eq!(*z2, want_z, "{what}: Z from Bob's side");
    let derived = jose::internal::crypto::ecdh::concat_kdf(
        &z,
        str_at(v, "/enc").as_bytes(),
        &b64_at(v, "/apu"),
        &b64_at(v, "/apv"),
        16,
    );
    assert_eq!(
        b64::encode(&*derived),
        str_at(v, "/derived_key"),
        "{what}: derived key"
    );
    // Through the whole JWE path: a JWE made with Alice's key as the
    // ephemeral one decrypts, and its content opens with the derived key.
    let mut opts = EncryptOptions::new(JweEnc::A128GCM);
    opts.header.insert("apu".into(), at(v, "/apu").clone());
    opts.header.insert("apv".into(), at(v, "/apv").clone());
    opts.fixed.epk = Some(alice.material.clone());
    let bob_pub = public(&bob);
    let r = [RecipientSpec {
        with: Unwrapper::Key(&bob_pub),
        alg: JweAlg::EcdhEs,
        kid: None,
    }];
    let token = encrypt(b"Alice to Bob".to_vec(), &r, &opts).expect("encrypt");
    let keys = KeySet::new(vec![bob.clone()]);
    let d = decrypt(&token, &keys, None, &DecryptOptions::default()).expect("decrypt");
    assert_eq!(d.plaintext, b"Alice to Bob", "{what}: JWE");
    let parts: Vec<&str> = token.split('.').collect();
    let [protected, _, iv, ct, tag] = parts[..] else {
        panic!("{what}: not a compact JWE")
    };
    let mut buf = b64::decode(ct).expect("ct");
    jose::internal::crypto::content_open(
        JweEnc::A128GCM,
        &derived,
        &b64::decode(iv).expect("iv"),
        protected.as_bytes(),
        &mut buf,
        &b64::decode(tag).expect("tag"),
    )
    .expect("the derived key is the CEK");
    assert_eq!(buf, b"Alice to Bob", "{what}: content");
    4
}

fn rebuild_flag(c: &Case) -> bool {
    match &c.rebuild {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => panic!("{}: rebuild is true or false here, not {other}", c.file),
    }
}

fn run_case(c: &Case, folder: &Path) -> usize {
    let v = load(folder, &c.file);
    let what = format!("{} ({})", c.file, c.source);
    match c.kind.as_str() {
        "jws" => jws_case(c, &v, &what),
        "jws-cookbook" => jws_cookbook_case(c, &v, &what),
        "jwe" => jwe_case(c, &v, &what),
        "jwe-cookbook" => jwe_cookbook_case(c, &v, &what),
        "ecdh-es-kdf" => ecdh_es_kdf_case(c, &v, &what),
        other => panic!("{what}: unknown kind {other:?}"),
    }
}

// --------------------------------------------------------------- Wycheproof

fn flags_of(t: &Value) -> Vec<&str> {
    t.get("flags")
        .and_then(Value::as_array)
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether a test must be accepted: the first matching override, else the
/// file's own result.
fn wanted(w: &WycheproofFile, t: &Value, used: &mut [usize]) -> bool {
    let id = t["tcId"].as_u64().expect("tcId");
    let result = t["result"].as_str().expect("result");
    let flags = flags_of(t);
    for (i, o) in w.overrides.iter().enumerate() {
        let matches = o.tc.is_none_or(|tc| tc == id)
            && o.flag.as_deref().is_none_or(|f| flags.contains(&f))
            && o.result.as_deref().is_none_or(|r| r == result);
        if matches {
            used[i] += 1;
            return o.accept;
        }
    }
    match result {
        "valid" => true,
        "invalid" => false,
        other => panic!(
            "{} tcId {id}: {other} {flags:?} needs an override saying what this tool does",
            w.file
        ),
    }
}

fn tests_of(v: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    at(v, "/testGroups")
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

fn raw_ec_key(pk: &Value) -> Key {
    use jose::{Curve, KeyMaterial};
    let curve = match str_at(pk, "/curve") {
        "secp256r1" => Curve::P256,
        "secp384r1" => Curve::P384,
        "secp521r1" => Curve::P521,
        "secp256k1" => Curve::Secp256k1,
        other => panic!("curve {other}"),
    };
    Key::new(KeyMaterial::Ec {
        curve,
        x: hex(str_at(pk, "/wx")),
        y: hex(str_at(pk, "/wy")),
        d: None,
    })
}

/// Whether this tool accepts one Wycheproof test.
fn accepts(w: &WycheproofFile, g: &Value, t: &Value) -> bool {
    let id = &t["tcId"];
    match w.kind.as_str() {
        "jws" => {
            let k = g.get("public").unwrap_or(&g["private"]);
            let set = KeySet::new(vec![key(k)]);
            verify(str_at(t, "/jws"), &set, &VerifyOptions::at(0)).is_ok()
        }
        "signature" => {
            let alg: JwsAlg = w.alg.as_deref().expect("alg").parse().expect("alg");
            let k = match g.get(w.jwk.as_deref().expect("jwk")) {
                Some(j) => key(j),
                // Some groups only give the raw point (coordinates that a
                // JWK cannot carry canonically, e.g. with a leading zero).
                None => raw_ec_key(&g["publicKey"]),
            };
            let msg = hex(str_at(t, "/msg"));
            sig::verify(alg, &k.material, &msg, &hex(str_at(t, "/sig"))).is_ok()
        }
        "jwe" => {
            let k = jwk::from_value(&g["private"])
                .unwrap_or_else(|e| panic!("tcId {id}: key unreadable: {e}"));
            let d = decrypt(
                &token_of(&t["jwe"]),
                &KeySet::new(vec![k]),
                None,
                &decrypt_opts(Some("all")),
            );
            match d {
                Ok(d) if t["result"] == "valid" => {
                    assert_eq!(d.plaintext, hex(str_at(t, "/pt")), "tcId {id}: plaintext");
                    true
                }
                other => other.is_ok(),
            }
        }
        "ecdh" => {
            let (Ok(ours), Ok(peer)) = (
                jwk::from_value(&t["private"]),
                jwk::from_value(&t["public"]),
            ) else {
                return false;
            };
            match jose::internal::crypto::ecdh::agree(&ours.material, &peer.material) {
                Ok(z) if t["result"] == "valid" => {
                    assert_eq!(*z, hex(str_at(t, "/shared")), "tcId {id}: shared secret");
                    true
                }
                other => other.is_ok(),
            }
        }
        other => panic!("{}: unknown kind {other:?}", w.file),
    }
}

fn run_wycheproof(w: &WycheproofFile, folder: &Path) -> usize {
    let primitive = w.kind == "signature";
    assert!(
        w.alg.is_some() == primitive && w.jwk.is_some() == primitive,
        "{}: alg and jwk are read by kind \"signature\" only, and needed there",
        w.file
    );
    let v = load(folder, &w.file);
    let mut used = vec![0; w.overrides.len()];
    let mut count = 0;
    for (g, t) in tests_of(&v) {
        let want = wanted(w, t, &mut used);
        let got = accepts(w, g, t);
        assert_eq!(
            got, want,
            "{} tcId {} ({}, {}, {:?}): accepted {got}",
            w.file, t["tcId"], t["comment"], t["result"], t["flags"]
        );
        count += 1;
    }
    assert_eq!(
        count,
        usize::try_from(at(&v, "/numberOfTests").as_u64().expect("n")).expect("usize"),
        "{}: numberOfTests",
        w.file
    );
    let jws_of = |id: u64| {
        tests_of(&v)
            .find(|(_, t)| t["tcId"] == id)
            .map(|(_, t)| token_of(&t["jws"]))
            .unwrap_or_else(|| panic!("{}: no tcId {id}", w.file))
    };
    for (o, n) in w.overrides.iter().zip(&used) {
        assert!(
            !o.reason.is_empty(),
            "{}: an override without a reason",
            w.file
        );
        match o.cases {
            Some(c) => assert_eq!(*n, c, "{}: override {:?} matched", w.file, o.reason),
            None => assert!(
                *n > 0,
                "{}: override {:?} matches nothing",
                w.file,
                o.reason
            ),
        }
        if let Some(same) = o.same_token_as {
            let tc = o.tc.expect("same_token_as needs tc");
            assert_eq!(jws_of(tc), jws_of(same), "{}: tcId {tc} vs {same}", w.file);
        }
    }
    count
}

// -------------------------------------------------------------------- tests

/// Every vector file is named by its folder's sidecar, every named file
/// exists, every folder has its provenance note, and every file said to be
/// read elsewhere is named in that test's source.
#[test]
fn every_vector_file_is_named_by_a_sidecar() {
    for folder in folders() {
        let name = folder.display().to_string();
        assert!(folder.join("SOURCE.md").is_file(), "{name}: no SOURCE.md");
        let s = sidecar(&folder);
        let mut named: Vec<&str> = s.case.iter().map(|c| c.file.as_str()).collect();
        named.extend(s.wycheproof.iter().map(|w| w.file.as_str()));
        for e in &s.elsewhere {
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(&e.test);
            let text =
                std::fs::read_to_string(&src).unwrap_or_else(|err| panic!("{}: {err}", e.test));
            let base = e.file.rsplit('/').next().expect("file name");
            assert!(
                text.contains(base),
                "{name}: {} ({}) is said to be read by {}, which does not name it",
                e.file,
                e.source,
                e.test
            );
            named.push(&e.file);
        }
        for f in &named {
            assert!(
                folder.join(f).is_file(),
                "{name}: sidecar names missing {f}"
            );
        }
        let mut present = Vec::new();
        files_under(&folder, &folder, &mut present);
        for f in present {
            if !NOT_VECTORS.contains(&f.as_str()) {
                assert!(named.contains(&f.as_str()), "{name}: {f} is in no sidecar");
            }
        }
    }
    let mut loose = Vec::new();
    for e in std::fs::read_dir(root()).expect("vectors") {
        let p = e.expect("entry").path();
        if p.is_file() && p.file_name().is_some_and(|n| n != "README.md") {
            loose.push(p.display().to_string());
        }
    }
    assert!(loose.is_empty(), "files outside a vector folder: {loose:?}");
}

/// Every `[[case]]` of every sidecar.
#[test]
fn every_case() {
    let mut per_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for folder in folders() {
        let s = sidecar(&folder);
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("folder name")
            .to_owned();
        for c in &s.case {
            let checks = run_case(c, &folder);
            assert!(checks > 0, "{}: nothing checked", c.file);
            let e = per_source.entry(name.clone()).or_default();
            e.0 += 1;
            e.1 += checks;
        }
    }
    for (source, (cases, checks)) in &per_source {
        eprintln!("{source}: {cases} cases, {checks} checks");
    }
    assert!(!per_source.is_empty(), "no cases");
}

/// Every Wycheproof file a sidecar lists, test by test.
#[test]
fn every_wycheproof_test() {
    let mut total = 0;
    for folder in folders() {
        for w in &sidecar(&folder).wycheproof {
            let n = run_wycheproof(w, &folder);
            eprintln!("{}: {n} tests", w.file);
            total += n;
        }
    }
    assert!(total > 0, "no Wycheproof tests");
}
