//! `jose verify`: one token, or `--lines` of them verified in parallel.

use crate::render::report;
use crate::settings;
use std::sync::Arc;

use crate::batch::{self, Outcome, Sink};
use crate::cli::VerifyArgs;
use crate::io::lines::Lines;
use crate::io::{self, Emit, Io};
use jose::verify::{self};
use jose::{Error, Rejection, Result};

use jose::KeySet;
use jose::{KeyMiss, KeyOp, KeyProvider, Refresh, RefreshOnce};

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
        Some(alg) if !served(&keys) => match provider.refresh(&KeyMiss::Alg(*alg))? {
            Refresh::Fresh(fresh) => Ok(fresh),
            Refresh::Unchanged(_) => Ok(keys),
        },
        _ => Ok(keys),
    }
}

/// One token: through its own `x5c` under `--x5c-root`, else the keys.
fn check(
    token: &str,
    provider: &dyn KeyProvider,
    trust: Option<&verify::X5cTrust>,
    opts: &verify::VerifyOptions,
) -> Result<verify::Verified> {
    match trust {
        Some(t) => verify::verify_x5c(token, t, opts).map_err(Error::from),
        None => verify::verify_with(token, provider, opts),
    }
}

pub fn run(args: &VerifyArgs, io: &mut Io<'_>) -> Result<()> {
    let [key, secret, key_password] =
        settings::key_inputs(&args.keys.key, &args.secret, &args.key_password);
    io.one_stdin(&[
        key,
        secret,
        key_password,
        ("the token", settings::token_on_stdin(args.token.as_deref())),
        (
            "the detached payload",
            args.detached_payload.as_deref() == Some("-"),
        ),
    ])?;
    run_checked(args, io).map_err(|e| next_step(e, args.remote.offline))
}

/// A remote key source that cannot be used ends with what to do instead:
/// the cache, or a key set saved to a file.
fn next_step(e: Error, offline: bool) -> Error {
    match e {
        Error::Remote { .. } => {
            let mut line = e.to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                line.push_str(": ");
                line.push_str(&c.to_string());
                cause = c.source();
            }
            let step = if offline {
                "give a saved key set with -k FILE"
            } else {
                "without the network, --offline uses cached keys, or give a saved key set with -k FILE"
            };
            Error::remote(format!("{line}; {step}"))
        }
        other => other,
    }
}

fn run_checked(args: &VerifyArgs, io: &mut Io<'_>) -> Result<()> {
    if args.remote.oidc.is_some() && args.policy.aud.is_empty() {
        // Without it any client's ID token from that issuer would pass.
        return Err(Error::usage(
            "--oidc needs --aud CLIENT_ID: an ID token is meant for one client (OIDC Core §3.1.3.7)",
        ));
    }
    let trust = settings::x5c_trust(args, io)?;
    let provider = RefreshOnce::new(settings::provider(args, io)?);
    let keys = keys_for_algs(args, &provider)?;
    // A remote source that could not be refreshed is exit 3, as any remote
    // source that cannot be used; in a stream, only a warning at the end.
    if let Some(why) = provider.failure() {
        return Err(Error::remote(why));
    }
    if args.lines {
        return run_lines(args, io, &provider, trust.as_ref());
    }
    let mut opts = settings::verify_options(args, io, &keys)?;
    settings::apply_presets(args, &mut opts);
    let (token, outcome) = match io::read_token(io, args.token.as_deref(), args.limit.max_input) {
        Ok(token) => match check(&token, &provider, trust.as_ref(), &opts) {
            Ok(v) => (token, Ok(v)),
            Err(Error::Rejected(r)) => match provider.failure() {
                Some(why) => return Err(Error::remote(why)),
                None => (token, Err(r)),
            },
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
        let line = report::verify(&token, &outcome).to_string();
        if !args.quiet {
            io::emit(io, &args.out, line.as_bytes(), Emit::Line, false)?;
        }
        return outcome.map(|_| ()).map_err(Error::from);
    }
    let v = outcome?;
    if !args.quiet {
        let unasked = report::unasked_checks(args, &v);
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
    trust: Option<&verify::X5cTrust>,
) -> Result<()> {
    let keys = provider.keys()?;
    let mut opts = settings::verify_options(args, io, &keys)?;
    settings::apply_presets(args, &mut opts);
    let input = Lines::open(args.token.as_deref(), args.limit.max_input)?;
    let sink = Sink::new(&args.out, args.quiet, false)?;
    let limit = args.limit.max_input;
    let thumbs = if args.quiet {
        Vec::new()
    } else {
        verify::thumbprints(&keys)
    };
    let check = |line: usize, tok: Option<&str>, report_line: &mut Vec<u8>| -> Outcome {
        let outcome = match tok {
            Some(t) => match check(t, provider, trust, &opts) {
                Ok(v) => Ok(v),
                Err(Error::Rejected(r)) => Err(r),
                // The refresh-once provider turns a failed fetch into no
                // fresh keys; anything else is reported on the line.
                Err(e) => Err(Rejection::new(
                    jose::RejectCode::NoMatchingKey,
                    e.to_string(),
                )),
            },
            None => Err(crate::io::lines::too_large(limit)),
        };
        if !args.quiet {
            let fresh;
            let thumb = match &outcome {
                Ok(v) => match (&v.key.set, thumbs.get(v.key.index)) {
                    // The set read at the start: its thumbprints were
                    // computed once (a refreshed set's is computed here).
                    (Some(set), Some(t)) if Arc::ptr_eq(set, &keys) => t.as_deref(),
                    _ => {
                        fresh = v.key.thumbprint();
                        fresh.as_deref()
                    }
                },
                Err(_) => None,
            };
            let tok = tok.unwrap_or_default();
            let start = report_line.len();
            if report::write_verify_line(report_line, line, tok, &outcome, thumb).is_err() {
                report_line.truncate(start);
            }
        }
        match outcome {
            Ok(v) => Outcome {
                report: Vec::new(),
                rejection: None,
                warnings: v.warnings,
            },
            Err(r) => Outcome {
                report: Vec::new(),
                rejection: Some(r),
                warnings: Vec::new(),
            },
        }
    };
    let result = batch::run_stream_into(io, input, sink, args.threads, &check);
    if let Some(why) = provider.failure() {
        io.warn(why);
    }
    result
}
