//! `jose verify`: one token, or `--lines` of them verified in parallel.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::cli::VerifyArgs;
use crate::error::{Error, Rejection, Result};
use crate::io::{self, Emit, Io};
use crate::jose::b64;
use crate::jose::jws;
use crate::jose::policy::Policy;
use crate::jose::verify::{self, Verified, VerifyOptions};
use std::sync::Arc;

use crate::jose::presets::{self, FirebaseKind};
use crate::jose::verify::{KeyProvider, StaticKeys};
use crate::keys::remote::{self, RemoteOptions, RemoteProvider};
use crate::keys::{KeySet, source};

fn options(args: &VerifyArgs, io: &mut Io<'_>, keys: &KeySet) -> Result<VerifyOptions> {
    let p = &args.policy;
    let now = p
        .now
        .map(|t| t.resolve(super::sign::now()))
        .unwrap_or_else(super::sign::now);
    let algs = if args.alg.is_empty() {
        None
    } else {
        if !args
            .alg
            .iter()
            .any(|a| keys.keys.iter().any(|k| verify::key_serves(k, *a)))
        {
            return Err(Error::local(format!(
                "none of the given keys can verify {}",
                args.alg
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
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
        policy: Policy {
            now,
            leeway: i64::try_from(p.leeway).unwrap_or(i64::MAX),
            iss: p.iss.clone(),
            aud: p.aud.clone(),
            sub: p.sub.clone(),
            typ: p.typ.clone(),
            require: p.require.clone(),
            max_age: p.max_age,
            rules: Vec::new(),
        },
        crit: p.crit.clone(),
        detached_payload,
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
            "key": {"kid": v.key.kid, "thumbprint": v.key.thumbprint},
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
        .partition(|s| source::is_url(s));
    let mut keys = source::load_all_local(io, &local)?;
    if let Some(k) = source::secret_key(io, &args.secret)? {
        keys.push(k);
    }
    let r = &args.remote;
    let ropts = RemoteOptions::new(r.timeout, r.no_cache, r.offline);
    let mut urls = urls;
    if let Some(issuer) = &r.oidc {
        urls.push(remote::discover_jwks_uri(issuer, &ropts)?);
    }
    // A --key given with --firebase replaces Google's key source.
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

pub fn run(args: &VerifyArgs, io: &mut Io<'_>) -> Result<()> {
    let provider = provider(args, io)?;
    let keys = provider.keys()?;
    if args.lines {
        return run_lines(args, io, &keys);
    }
    let mut opts = options(args, io, &keys)?;
    apply_presets(args, &mut opts);
    let token = io::read_token(io, args.token.as_deref(), args.limit.max_input)?;
    let outcome = match verify::verify_with(&token, provider.as_ref(), &opts) {
        Ok(v) => Ok(v),
        Err(Error::Rejected(r)) => Err(r),
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

/// Verify many tokens on `threads` threads; reports come back in input order.
pub fn verify_many(
    tokens: &[String],
    keys: &KeySet,
    opts: &VerifyOptions,
    threads: usize,
) -> Vec<std::result::Result<Verified, Rejection>> {
    let threads = threads.clamp(1, tokens.len().max(1));
    if threads == 1 {
        return tokens
            .iter()
            .map(|t| verify::verify(t, keys, opts))
            .collect();
    }
    // Small batches from a shared counter: tokens of uneven cost (RSA next
    // to HMAC) still spread evenly over the threads.
    const BATCH: usize = 64;
    let next = AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, std::result::Result<Verified, Rejection>)>> =
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let start = next.fetch_add(BATCH, Ordering::Relaxed);
                            if start >= tokens.len() {
                                break;
                            }
                            let end = (start + BATCH).min(tokens.len());
                            for (i, t) in tokens.iter().enumerate().take(end).skip(start) {
                                mine.push((i, verify::verify(t, keys, opts)));
                            }
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
    let mut out: Vec<Option<std::result::Result<Verified, Rejection>>> =
        (0..tokens.len()).map(|_| None).collect();
    for part in parts.iter_mut() {
        for (i, r) in part.drain(..) {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    out.into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(Rejection::malformed(
                    "internal error: token was not verified",
                ))
            })
        })
        .collect()
}

fn run_lines(args: &VerifyArgs, io: &mut Io<'_>, keys: &KeySet) -> Result<()> {
    let mut opts = options(args, io, keys)?;
    apply_presets(args, &mut opts);
    let raw = io::input::read_token_bytes(io, args.token.as_deref(), args.limit.max_input)?;
    let text = String::from_utf8_lossy(&raw);
    let (line_nos, tokens): (Vec<usize>, Vec<String>) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (n + 1, io::input::normalize_token(l)))
        .unzip();
    let threads = match args.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let results = verify_many(&tokens, keys, &opts, threads);

    let mut out = Vec::with_capacity(results.len() * 256);
    let mut rejected = 0usize;
    let mut first: Option<(usize, Rejection)> = None;
    let mut warned: Vec<String> = Vec::new();
    for (i, (t, r)) in tokens.iter().zip(&results).enumerate() {
        match r {
            Ok(v) => {
                for w in &v.warnings {
                    if !warned.contains(w) {
                        warned.push(w.clone());
                    }
                }
            }
            Err(e) => {
                rejected += 1;
                if first.is_none() {
                    first = Some((line_nos.get(i).copied().unwrap_or(i + 1), e.clone()));
                }
            }
        }
        let mut line = serde_json::to_vec(&report(t, r)).unwrap_or_default();
        line.push(b'\n');
        out.extend_from_slice(&line);
    }
    for w in warned {
        io.warn(w);
    }
    if !args.quiet {
        io::emit(io, &args.out, &out, Emit::Binary, false)?;
    }
    match first {
        None => Ok(()),
        Some((i, e)) => Err(Error::Rejected(Rejection::new(
            e.code,
            format!(
                "{rejected} of {} tokens rejected; the first on line {i} ({}: {})",
                tokens.len(),
                e.code,
                e.detail
            ),
        ))),
    }
}
