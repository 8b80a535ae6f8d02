//! Settings: the command line's arguments turned into the library's
//! options, once per run (ripgrep's low-level to high-level arguments). The
//! claims policy, the verify and decrypt options, the presets and the key
//! provider are decided here, with the one clock ([`crate::clock`]).

use std::sync::Arc;

use jose::decrypt::DecryptOptions;
use jose::policy::Policy;
use jose::presets::{self, FirebaseKind};
use jose::remote::{self, RemoteOptions, RemoteProvider};
use jose::verify::VerifyOptions;
use jose::{Error, KeyOp, KeyProvider, KeySet, Result, StaticKeys};

use serde_json::{Map, Value};

use jose::x509::{self, CertRequest};

use crate::cli::{CertArgs, ClaimArgs, DecryptArgs, PolicyArgs, SignArgs, VerifyArgs};
use crate::io::{self, Io};
use crate::sources;

/// The claims policy the flags ask for; shared with `decrypt --verify-key`.
pub fn policy(p: &PolicyArgs) -> Policy {
    Policy {
        now: p
            .now
            .map(|t| t.resolve(crate::clock::now()))
            .unwrap_or_else(crate::clock::now),
        leeway: i64::try_from(p.leeway).unwrap_or(i64::MAX),
        iss: p.iss.clone(),
        aud: p.aud.clone(),
        sub: p.sub.clone(),
        typ: p.typ.clone(),
        require: p.require.clone(),
        max_age: p.max_age,
        rules: Vec::new(),
    }
}

pub fn verify_options(args: &VerifyArgs, io: &mut Io<'_>, keys: &KeySet) -> Result<VerifyOptions> {
    let algs = if args.alg.is_empty() {
        None
    } else {
        // Not a usage error: the algs are allowed, and a token signed with
        // one is rejected as `no_matching_key` (exit 1) like any token whose
        // key was not given.
        if args.x5c_root.is_empty()
            && !args
                .alg
                .iter()
                .any(|a| keys.keys.iter().any(|k| k.permits(KeyOp::Verify(*a))))
        {
            io.warn(format!(
                "none of the given keys can verify {}: such tokens are rejected (no_matching_key)",
                args.alg
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Some(args.alg.clone())
    };
    let detached_payload = match &args.detached_payload {
        None => None,
        Some(path) => Some(io::read_payload(
            io,
            Some(path),
            "the detached payload",
            args.limit.max_input,
        )?),
    };
    Ok(VerifyOptions {
        algs,
        policy: policy(&args.policy),
        crit: args.policy.crit.clone(),
        detached_payload,
        compact_only: false,
    })
}

/// The keys of this call: local files, secrets, and remote sources
/// (`--key https://…`, `--oidc`, `--firebase`), loaded once.
pub fn provider(args: &VerifyArgs, io: &mut Io<'_>) -> Result<Box<dyn KeyProvider>> {
    let (urls, local): (Vec<String>, Vec<String>) = args
        .keys
        .key
        .iter()
        .cloned()
        .partition(|s| jose::keys::detect::is_url(s));
    let mut keys = sources::load_all_local(
        io,
        &local,
        &mut sources::KeyPassword::new(&args.key_password),
    )?;
    if let Some(k) = sources::secret_key(io, &args.secret)? {
        keys.push(k);
    }
    let r = &args.remote;
    let ropts = RemoteOptions::new(r.timeout, r.no_cache, r.offline, crate::clock::now);
    let mut urls = urls;
    // A --key given with a preset replaces the preset's key source: a saved
    // key set works offline, and nothing is fetched.
    if let Some(issuer) = &r.oidc
        && args.keys.key.is_empty()
    {
        urls.push(remote::discover_jwks_uri(issuer, &ropts)?);
    }
    if r.firebase.is_some() && args.keys.key.is_empty() {
        urls.push(firebase_kind(args).keys_url().to_owned());
    }
    if keys.is_empty() && urls.is_empty() && args.x5c_root.is_empty() {
        return Err(Error::usage(
            "no verification key: give --key, --secret-file/--secret-env, --oidc, --firebase or --x5c-root",
        ));
    }
    if urls.is_empty() {
        return Ok(Box::new(StaticKeys(Arc::new(KeySet::new(keys)))));
    }
    let p = RemoteProvider::load(keys, &urls, ropts)?;
    for url in p.stale_sources() {
        io.warn(format!("{url}: using expired cached keys (--offline)"));
    }
    Ok(Box::new(p))
}

/// `--x5c-root` and its pins: the roots read as PEM or DER certificates.
pub fn x5c_trust(args: &VerifyArgs, io: &mut Io<'_>) -> Result<Option<jose::verify::X5cTrust>> {
    if args.x5c_root.is_empty() {
        return Ok(None);
    }
    let mut roots = Vec::new();
    for path in &args.x5c_root {
        let data = io::read_source(io, path)?;
        let found = jose::keys::pem::certificates_pem_or_der(&data).map_err(|e| e.context(path))?;
        if found.is_empty() {
            return Err(Error::local(format!("{path}: holds no certificate")));
        }
        for der in &found {
            jose::keys::cert_info::parse(der).map_err(|e| e.context(path))?;
        }
        roots.extend(found);
    }
    for oid in &args.x5c_oid {
        if jose::x509::parse_oid(oid).is_none() {
            return Err(Error::usage(format!(
                "--x5c-oid {oid:?} is not a dotted OID"
            )));
        }
    }
    Ok(Some(jose::verify::X5cTrust {
        roots,
        pins: jose::verify::LeafPins {
            names: args.x5c_name.iter().cloned().collect(),
            oids: args.x5c_oid.clone(),
        },
    }))
}

pub fn firebase_kind(args: &VerifyArgs) -> FirebaseKind {
    if args.remote.session_cookie {
        FirebaseKind::SessionCookie
    } else {
        FirebaseKind::IdToken
    }
}

/// Apply `--firebase`/`--oidc` on top of the flags' policy.
pub fn apply_presets(args: &VerifyArgs, opts: &mut VerifyOptions) {
    if let Some(project) = &args.remote.firebase {
        presets::firebase(opts, project, firebase_kind(args));
    }
    if let Some(issuer) = &args.remote.oidc {
        presets::oidc(opts, issuer);
    }
}

pub fn decrypt_options(args: &DecryptArgs) -> DecryptOptions {
    DecryptOptions {
        algs: args.alg.clone(),
        encs: args.enc.clone(),
        max_p2c: args.max_p2c,
        max_size: args.max_size,
    }
}

/// The inner JWS's checks: verify's policy flags and `--verify-alg`.
pub fn nested_verify_options(args: &DecryptArgs) -> VerifyOptions {
    VerifyOptions {
        algs: if args.verify_alg.is_empty() {
            None
        } else {
            Some(args.verify_alg.clone())
        },
        policy: policy(&args.policy),
        crit: args.policy.crit.clone(),
        detached_payload: None,
        compact_only: false,
    }
}

/// Build the claims object: FILE's object (if any) with the flags over it.
pub fn claims(base: Option<Map<String, Value>>, c: &ClaimArgs, now: i64) -> Map<String, Value> {
    let mut m = base.unwrap_or_default();
    for (k, v) in &c.claim {
        m.insert(k.clone(), v.clone());
    }
    if let Some(s) = &c.iss {
        m.insert("iss".into(), Value::String(s.clone()));
    }
    if let Some(s) = &c.sub {
        m.insert("sub".into(), Value::String(s.clone()));
    }
    match c.aud.as_slice() {
        [] => {}
        [one] => {
            m.insert("aud".into(), Value::String(one.clone()));
        }
        many => {
            m.insert(
                "aud".into(),
                Value::Array(many.iter().cloned().map(Value::String).collect()),
            );
        }
    }
    if let Some(t) = c.exp {
        m.insert("exp".into(), t.resolve(now).into());
    }
    if let Some(t) = c.nbf {
        m.insert("nbf".into(), t.resolve(now).into());
    }
    if let Some(t) = c.iat {
        m.insert("iat".into(), t.resolve(now).into());
    } else if c.no_iat {
        m.remove("iat");
    } else if !m.contains_key("iat") {
        m.insert("iat".into(), now.into());
    }
    if let Some(j) = &c.jti {
        m.insert("jti".into(), Value::String(j.clone()));
    }
    m
}

/// Why a JWT with these claims can never be valid (an `exp` already past,
/// `nbf` at or after `exp`): it is still made, with these warnings.
pub fn never_valid(claims: &Map<String, Value>, now: i64) -> Vec<String> {
    let time = |name: &str| claims.get(name).and_then(Value::as_i64);
    let mut out = Vec::new();
    if let Some(exp) = time("exp")
        && exp <= now
    {
        out.push(format!(
            "exp {} is in the past: the token is expired already (a bare number is unix seconds; for a lifetime write a duration such as --exp 1h)",
            jose::claims::utc(exp),
        ));
    }
    if let (Some(nbf), Some(exp)) = (time("nbf"), time("exp"))
        && nbf >= exp
    {
        out.push(format!(
            "nbf {} is not before exp {}: the token is never valid",
            jose::claims::utc(nbf),
            jose::claims::utc(exp),
        ));
    }
    out
}

/// The extra protected header members of `--header`; those with a flag
/// of their own are refused here.
pub fn extra_headers(args: &SignArgs) -> Result<Map<String, Value>> {
    let mut h = Map::new();
    for (name, value) in &args.header {
        match name.as_str() {
            "alg" => return Err(Error::usage("--header cannot set alg: use --alg")),
            "b64" => {
                return Err(Error::usage(
                    "--header cannot set b64: use --unencoded (RFC 7797)",
                ));
            }
            "kid" | "typ" | "cty" => {
                return Err(Error::usage(format!(
                    "--header cannot set {name}: use --{name}"
                )));
            }
            _ => {}
        }
        if h.insert(name.clone(), value.clone()).is_some() {
            return Err(Error::usage(format!("--header {name} given twice")));
        }
    }
    Ok(h)
}

const DEFAULT_DAYS: u32 = 365;

/// Subject, SANs and validity from the flags.
/// What the certificate says; with `--csr-in`, `csr` is the checked request,
/// whose subject and SANs stand unless the flags give their own.
pub fn cert_request(args: &CertArgs, now: i64, csr: Option<&x509::Csr>) -> Result<CertRequest> {
    let mut subject = match &args.subject {
        Some(s) => x509::parse_subject(s)?,
        None => x509::Subject::default(),
    };
    if let Some(cn) = &args.cn {
        if subject
            .0
            .iter()
            .any(|(a, _)| *a == x509::DnAttr::CommonName)
        {
            return Err(Error::usage(
                "--cn and a CN in --subject both name the common name; give one",
            ));
        }
        subject.0.insert(0, (x509::DnAttr::CommonName, cn.clone()));
    }
    let mut sans = args
        .san
        .iter()
        .map(|s| x509::parse_san(s))
        .collect::<Result<Vec<_>>>()?;
    if let Some(csr) = csr {
        if subject.0.is_empty() {
            subject = csr.subject.clone();
        }
        if sans.is_empty() {
            sans = csr.sans.clone();
        }
    }
    if subject.0.is_empty() {
        // An empty subject would need a critical SAN extension (RFC 5280
        // §4.2.1.6), which rcgen does not write; name it after the first SAN.
        let first = sans.first().ok_or_else(|| {
            Error::usage("a certificate needs a name: give --subject, --cn or --san")
        })?;
        subject.0.push((x509::DnAttr::CommonName, first.value()));
    }
    let not_before = args.not_before.map_or(now, |t| t.resolve(now));
    let not_after = match args.not_after {
        Some(t) => t.resolve(now),
        None => {
            let days = i64::from(args.days.unwrap_or(DEFAULT_DAYS));
            if days == 0 {
                return Err(Error::usage("--days must be at least 1"));
            }
            not_before.saturating_add(days.saturating_mul(86_400))
        }
    };
    Ok(CertRequest {
        subject,
        sans,
        not_before,
        not_after,
        ca: args.ca,
        path_len: args.path_len,
        key_usages: args
            .key_usage
            .iter()
            .map(|u| x509::parse_key_usage(u))
            .collect::<Result<_>>()?,
        ekus: args
            .eku
            .iter()
            .map(|e| x509::parse_eku(e))
            .collect::<Result<_>>()?,
    })
}

/// The inputs a command shares (`--key`, the secret, the key password) as
/// [`crate::io::Io::one_stdin`] takes them.
pub fn key_inputs<'a>(
    keys: &'a [String],
    secret: &'a crate::cli::SecretArgs,
    key_password: &'a crate::cli::KeyPasswordArgs,
) -> [(&'static str, bool); 3] {
    [
        ("a key", keys.iter().any(|k| k == "-")),
        ("the secret", io::is_stdin(secret.secret_file.as_deref())),
        (
            "the key password",
            io::is_stdin(key_password.key_password_file.as_deref()),
        ),
    ]
}

/// Whether a TOKEN argument reads standard input (absent or `-`).
pub fn token_on_stdin(token: Option<&str>) -> bool {
    matches!(token, None | Some("-"))
}
