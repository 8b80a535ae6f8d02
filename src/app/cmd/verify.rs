//! `jose verify`: one token, or `--lines` of them verified in parallel.

use std::sync::Arc;

use serde_json::{Value, json};

use super::lines::{self, Batch, Job, Lines, Sink, Tally};
use crate::cli::{PolicyArgs, VerifyArgs};
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
use jose::{KeyMiss, KeyOp, KeyProvider, StaticKeys};

/// The claims policy the flags ask for; shared with `decrypt --verify-key`.
pub fn policy(p: &PolicyArgs) -> Policy {
    Policy {
        now: p
            .now
            .map(|t| t.resolve(super::sign::now()))
            .unwrap_or_else(super::sign::now),
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
/// `thumbprints` are the key set's, from [`verify::thumbprints`].
pub fn report(
    token: &str,
    outcome: &std::result::Result<Verified, Rejection>,
    thumbprints: &[Option<String>],
) -> Value {
    match outcome {
        Ok(v) => json!({
            "valid": true,
            "header": Value::Object(v.header.clone()),
            "claims": v.claims.clone().map(Value::Object).unwrap_or(Value::Null),
            "payload_b64": b64::encode(&v.payload),
            "key": {
                "kid": v.key.kid,
                "thumbprint": v.key.thumbprint().or_else(|| thumbprints.get(v.key.index).cloned().flatten()),
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
    let ropts = RemoteOptions::new(r.timeout, r.no_cache, r.offline);
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
/// is a key-type miss and costs the one refetch (`true` when it was asked).
fn keys_for_algs(args: &VerifyArgs, provider: &dyn KeyProvider) -> Result<(Arc<KeySet>, bool)> {
    let keys = provider.keys()?;
    let served = |keys: &KeySet| {
        args.alg
            .iter()
            .any(|a| keys.keys.iter().any(|k| k.permits(KeyOp::Verify(*a))))
    };
    match args.alg.first() {
        Some(alg) if !served(&keys) => {
            let fresh = provider.refresh(&KeyMiss::Alg(*alg))?;
            Ok((fresh.unwrap_or(keys), true))
        }
        _ => Ok((keys, false)),
    }
}

pub fn run(args: &VerifyArgs, io: &mut Io<'_>) -> Result<()> {
    if args.remote.oidc.is_some() && args.policy.aud.is_empty() {
        // Without it any client's ID token from that issuer would pass.
        return Err(Error::usage(
            "--oidc needs --aud CLIENT_ID: an ID token is meant for one client (OIDC Core §3.1.3.7)",
        ));
    }
    let provider = provider(args, io)?;
    let (keys, refreshed) = keys_for_algs(args, provider.as_ref())?;
    if args.lines {
        return run_lines(args, io, provider.as_ref(), keys, refreshed);
    }
    let mut opts = options(args, io, &keys)?;
    apply_presets(args, &mut opts);
    let (token, outcome) = match io::read_token(io, args.token.as_deref(), args.limit.max_input) {
        Ok(token) => match verify::verify_with(&token, provider.as_ref(), &opts) {
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
        // verify_with kept the key that verified, for its thumbprint.
        let line = report(&token, &outcome, &[]).to_string();
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

/// What one `--lines` worker hands back: the rendered report (empty with
/// `-q`), the rejection if any, and warnings.
struct LineOutcome {
    report: Vec<u8>,
    rejection: Option<Rejection>,
    warnings: Vec<String>,
}

/// One `--lines` line: its outcome and, unless `-q`, its report line.
fn verify_line(
    args: &VerifyArgs,
    opts: &VerifyOptions,
    keys: &KeySet,
    prints: &[Option<String>],
    tok: Option<&str>,
) -> LineOutcome {
    let outcome = match tok {
        Some(t) => verify::verify(t, keys, opts),
        None => Err(lines::too_large(args.limit.max_input)),
    };
    let mut report_line = Vec::new();
    if !args.quiet
        && let Ok(mut l) = serde_json::to_vec(&report(tok.unwrap_or_default(), &outcome, prints))
    {
        l.push(b'\n');
        report_line = l;
    }
    match outcome {
        Ok(v) => LineOutcome {
            report: report_line,
            rejection: None,
            warnings: v.warnings,
        },
        Err(r) => LineOutcome {
            report: report_line,
            rejection: Some(r),
            warnings: Vec::new(),
        },
    }
}

fn run_lines(
    args: &VerifyArgs,
    io: &mut Io<'_>,
    provider: &dyn KeyProvider,
    keys: Arc<KeySet>,
    refreshed: bool,
) -> Result<()> {
    let mut keys = keys;
    let mut refreshed = refreshed;
    let mut opts = options(args, io, &keys)?;
    apply_presets(args, &mut opts);
    let opts = &opts;
    let mut input = Lines::open(args.token.as_deref(), args.limit.max_input)?;
    let mut sink = Sink::new(&args.out, args.quiet, false)?;
    let mut tally = Tally::default();
    let mut warned: Vec<String> = Vec::new();
    let mut prints = Arc::new(verify::thumbprints(&keys));
    // As for one token, a kid or key type the key set lacks asks a remote
    // source for a fresh set (rotated keys), but once per run: a stream of
    // invented kids costs at most one fetch (and the source rate-limits it
    // across runs).
    // The job that checks line `j` of `batch` with these keys, or with
    // `only`, line `only[j]`.
    let job = |batch: &Arc<Batch>,
               keys: &Arc<KeySet>,
               prints: &Arc<Vec<Option<String>>>,
               only: Option<Arc<Vec<usize>>>|
     -> Job<'_, LineOutcome> {
        let (b, k, p) = (batch.clone(), keys.clone(), prints.clone());
        Arc::new(move |j| {
            let i = only.as_ref().and_then(|o| o.get(j).copied()).unwrap_or(j);
            verify_line(args, opts, &k, &p, b.token(i))
        })
    };
    lines::with_pool(lines::threads(args.threads), |pool| {
        let mut batch = Arc::new(input.next_batch(io)?);
        while !batch.is_empty() {
            let (mut results, next) =
                pool.map(batch.len(), job(&batch, &keys, &prints, None), || {
                    input.next_batch(io)
                })?;
            // The lines that missed the set (an unknown kid, or an alg no
            // key of the set verifies), with the first one's miss.
            let missed: Vec<(usize, KeyMiss)> = if refreshed {
                Vec::new()
            } else {
                (0..results.len())
                    .filter_map(|i| {
                        let r = results[i].rejection.as_ref()?;
                        verify::key_miss(batch.token(i)?, &keys, opts, r).map(|m| (i, m))
                    })
                    .collect()
            };
            if let Some((_, miss)) = missed.first() {
                refreshed = true;
                // The lines before were already reported; a failed refetch
                // leaves these lines rejected rather than the stream cut off.
                let fresh = provider.refresh(miss).unwrap_or_else(|e| {
                    io.warn(format_args!("keys not refreshed for {miss}: {e:#}"));
                    None
                });
                if let Some(fresh) = fresh {
                    keys = fresh;
                    prints = Arc::new(verify::thumbprints(&keys));
                    let redo: Vec<usize> = missed.iter().map(|(i, _)| *i).collect();
                    let redo = Arc::new(redo);
                    let (again, ()) = pool.map(
                        redo.len(),
                        job(&batch, &keys, &prints, Some(redo.clone())),
                        || (),
                    )?;
                    for (&i, r) in redo.iter().zip(again) {
                        results[i] = r;
                    }
                }
            }
            let mut out = Vec::with_capacity(results.iter().map(|r| r.report.len()).sum());
            for (i, r) in results.into_iter().enumerate() {
                for w in r.warnings {
                    if !warned.contains(&w) {
                        warned.push(w);
                    }
                }
                tally.add(batch.line_no(i), r.rejection.as_ref());
                out.extend_from_slice(&r.report);
            }
            sink.write(io, &out)?;
            input.advance(&mut batch, next)?;
        }
        Ok::<_, Error>(())
    })?;
    for w in warned {
        io.warn(w);
    }
    sink.finish()?;
    tally.finish()
}
