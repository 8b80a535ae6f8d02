//! `jose verify`: one token, or `--lines` of them verified in parallel.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::batch::{self, Outcome, Sink};
use crate::cli::{PolicyArgs, VerifyArgs};
use crate::io::lines::Lines;
use crate::io::{self, Emit, Io};
use jose::b64;
use jose::jws;
use jose::policy::Policy;
use jose::verify::{self, Verified, VerifyOptions};
use jose::{Error, Rejection, Result};

use crate::sources;
use jose::KeySet;
use jose::presets::{self, FirebaseKind};
use jose::remote::{self, RemoteOptions, RemoteProvider};
use jose::{KeyMiss, KeyOp, KeyProvider, RefreshOnce, StaticKeys};

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

fn options(args: &VerifyArgs, io: &mut Io<'_>, keys: &KeySet) -> Result<VerifyOptions> {
    let algs = if args.alg.is_empty() {
        None
    } else {
        // Not a usage error: the algs are allowed, and a token signed with
        // one is rejected as `no_matching_key` (exit 1) like any token whose
        // key was not given.
        if !args
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

/// The `--json` report of the contract, one object per token.
pub fn report(token: &str, outcome: &std::result::Result<Verified, Rejection>) -> Value {
    match outcome {
        Ok(v) => json!({
            "valid": true,
            "header": Value::Object(v.header.clone()),
            "claims": v.claims.clone().map(Value::Object).unwrap_or(Value::Null),
            "payload_b64": b64::encode(&v.payload),
            "key": {
                "kid": v.key.kid,
                "thumbprint": v.key.thumbprint(),
            },
            "error": Value::Null,
        }),
        Err(r) => {
            // What can be shown of a rejected token: its header and payload
            // as found, never its claims as if they were vouched for.
            let parsed = jws::parse(token).ok();
            let header = parsed
                .as_ref()
                .and_then(|j| j.signatures.first())
                .map(|s| Value::Object(s.header.clone()))
                .unwrap_or(Value::Null);
            let payload = parsed
                .as_ref()
                .filter(|j| !j.detached)
                .and_then(|j| j.payload(None).ok())
                .map(|p| Value::String(b64::encode(p)))
                .unwrap_or(Value::Null);
            json!({
                "valid": false,
                "header": header,
                "claims": Value::Null,
                "payload_b64": payload,
                "key": Value::Null,
                "error": {"code": r.code.as_str(), "message": r.detail},
            })
        }
    }
}

fn unasked_checks(args: &VerifyArgs, v: &Verified) -> Vec<&'static str> {
    let mut out = Vec::new();
    let Some(c) = &v.claims else {
        return out;
    };
    if args.policy.iss.is_none() {
        out.push("issuer (no --iss)");
    }
    if args.policy.aud.is_empty() {
        out.push("audience (no --aud)");
    }
    if !c.contains_key("exp") {
        out.push("expiry (the token has no exp)");
    }
    out
}

/// The keys of this call: local files, secrets, and remote sources
/// (`--key https://…`, `--oidc`, `--firebase`), loaded once.
fn provider(args: &VerifyArgs, io: &mut Io<'_>) -> Result<Box<dyn KeyProvider>> {
    let (urls, local): (Vec<String>, Vec<String>) = args
        .keys
        .key
        .iter()
        .cloned()
        .partition(|s| jose::keys::detect::is_url(s));
    let mut keys = sources::load_all_local(io, &local)?;
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
    if keys.is_empty() && urls.is_empty() {
        return Err(Error::usage(
            "no verification key: give --key, --secret-file/--secret-env, --oidc or --firebase",
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

fn firebase_kind(args: &VerifyArgs) -> FirebaseKind {
    if args.remote.session_cookie {
        FirebaseKind::SessionCookie
    } else {
        FirebaseKind::IdToken
    }
}

/// Apply `--firebase`/`--oidc` on top of the flags' policy.
fn apply_presets(args: &VerifyArgs, opts: &mut VerifyOptions) {
    if let Some(project) = &args.remote.firebase {
        presets::firebase(opts, project, firebase_kind(args));
    }
    if let Some(issuer) = &args.remote.oidc {
        presets::oidc(opts, issuer);
    }
}

/// The set to start from: when `--alg` names only algs no loaded key can
/// verify, a remote source may have rotated to a key of a new type, so that
/// is a key-type miss and costs the run's one refetch.
fn keys_for_algs(args: &VerifyArgs, provider: &dyn KeyProvider) -> Result<Arc<KeySet>> {
    let keys = provider.keys()?;
    let served = |keys: &KeySet| {
        args.alg
            .iter()
            .any(|a| keys.keys.iter().any(|k| k.permits(KeyOp::Verify(*a))))
    };
    match args.alg.first() {
        Some(alg) if !served(&keys) => {
            let fresh = provider.refresh(&KeyMiss::Alg(*alg))?;
            Ok(fresh.unwrap_or(keys))
        }
        _ => Ok(keys),
    }
}

pub fn run(args: &VerifyArgs, io: &mut Io<'_>) -> Result<()> {
    if args.remote.oidc.is_some() && args.policy.aud.is_empty() {
        // Without it any client's ID token from that issuer would pass.
        return Err(Error::usage(
            "--oidc needs --aud CLIENT_ID: an ID token is meant for one client (OIDC Core §3.1.3.7)",
        ));
    }
    let provider = RefreshOnce::new(provider(args, io)?);
    let keys = keys_for_algs(args, &provider)?;
    if args.lines {
        return run_lines(args, io, &provider);
    }
    let mut opts = options(args, io, &keys)?;
    apply_presets(args, &mut opts);
    let (token, outcome) = match io::read_token(io, args.token.as_deref(), args.limit.max_input) {
        Ok(token) => match verify::verify_with(&token, &provider, &opts) {
            Ok(v) => (token, Ok(v)),
            Err(Error::Rejected(r)) => (token, Err(r)),
            Err(e) => return Err(e),
        },
        // Too large or not UTF-8: under --json it still gets its report.
        Err(Error::Rejected(r)) if args.json => (String::new(), Err(r)),
        Err(e) => return Err(e),
    };
    if let Ok(v) = &outcome {
        for w in &v.warnings {
            io.warn(w);
        }
    }
    if args.json {
        let line = report(&token, &outcome).to_string();
        if !args.quiet {
            io::emit(io, &args.out, line.as_bytes(), Emit::Line, false)?;
        }
        return outcome.map(|_| ()).map_err(Error::from);
    }
    let v = outcome?;
    if !args.quiet {
        let unasked = unasked_checks(args, &v);
        if !unasked.is_empty() {
            io.note(format!(
                "jose: note: signature valid; not checked: {}",
                unasked.join(", ")
            ));
        }
        io::emit(io, &args.out, &v.payload, Emit::Bytes, false)?;
    }
    Ok(())
}

/// `--lines`: one report per token, checked on every core. Tokens that
/// miss the key set share one refresh of a remote source for the run.
fn run_lines(
    args: &VerifyArgs,
    io: &mut Io<'_>,
    provider: &RefreshOnce<Box<dyn KeyProvider>>,
) -> Result<()> {
    let keys = provider.keys()?;
    let mut opts = options(args, io, &keys)?;
    apply_presets(args, &mut opts);
    let input = Lines::open(args.token.as_deref(), args.limit.max_input)?;
    let sink = Sink::new(&args.out, args.quiet, false)?;
    let limit = args.limit.max_input;
    let check = |tok: Option<&str>| -> Outcome {
        let outcome = match tok {
            Some(t) => match verify::verify_with(t, provider, &opts) {
                Ok(v) => Ok(v),
                Err(Error::Rejected(r)) => Err(r),
                // The refresh-once provider turns a failed fetch into no
                // fresh keys; anything else is reported on the line.
                Err(e) => Err(Rejection::new(
                    jose::RejectCode::NoMatchingKey,
                    e.to_string(),
                )),
            },
            None => Err(batch::too_large(limit)),
        };
        let mut report_line = Vec::new();
        if !args.quiet
            && let Ok(mut l) = serde_json::to_vec(&report(tok.unwrap_or_default(), &outcome))
        {
            l.push(b'\n');
            report_line = l;
        }
        match outcome {
            Ok(v) => Outcome {
                report: report_line,
                rejection: None,
                warnings: v.warnings,
            },
            Err(r) => Outcome {
                report: report_line,
                rejection: Some(r),
                warnings: Vec::new(),
            },
        }
    };
    let result = batch::run_stream(io, input, sink, args.threads, &check);
    if let Some(why) = provider.failure() {
        io.warn(why);
    }
    result
}
