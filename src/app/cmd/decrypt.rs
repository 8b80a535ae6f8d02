//! `jose decrypt`: JWE + keys → plaintext, or a JSON report per token.

use serde_json::{Value, json};

use crate::batch::{self, Outcome, Sink};
use crate::cli::DecryptArgs;
use crate::io::lines::Lines;
use crate::io::{self, Emit, Io};
use crate::sources;
use jose::b64;
use jose::decrypt::{DecryptOptions, Decrypted, decrypt, decrypt_owned};
use jose::verify::{self, VerifyOptions};
use jose::{Error, Rejection, Result};
use jose::{KeySet, Secret};

fn options(args: &DecryptArgs) -> DecryptOptions {
    DecryptOptions {
        algs: args.alg.clone(),
        encs: args.enc.clone(),
        max_p2c: args.max_p2c,
        max_size: args.max_size,
    }
}

/// The protected header of a token that failed, when it can be read at all.
fn header_of(token: &str) -> Value {
    jose::jwe::parse(token)
        .ok()
        .and_then(|j| j.joint_header(0).ok())
        .map_or(Value::Object(Default::default()), Value::Object)
}

fn report(token: &str, r: &std::result::Result<Decrypted, Rejection>) -> Value {
    match r {
        Ok(d) => json!({
            "valid": true,
            "header": Value::Object(d.header.clone()),
            "plaintext": std::str::from_utf8(&d.plaintext).ok(),
            "plaintext_b64": b64::encode(&d.plaintext),
            "error": null,
        }),
        Err(e) => json!({
            "valid": false,
            "header": header_of(token),
            "plaintext": null,
            "plaintext_b64": null,
            "error": {"code": e.code.as_str(), "message": e.detail},
        }),
    }
}

pub fn run(args: &DecryptArgs, io: &mut Io<'_>) -> Result<()> {
    let nested = if args.verify_key.is_empty() {
        None
    } else {
        let vkeys = KeySet::new(sources::load_all_local(io, &args.verify_key)?);
        Some((vkeys, verify_options(args)))
    };
    let nested = nested.as_ref();
    let mut keys = sources::load_all_local(io, &args.keys.key)?;
    if let Some(k) = sources::secret_key(io, &args.secret)? {
        keys.push(k);
    }
    let password: Option<Secret> = sources::password(io, &args.password)?;
    if keys.is_empty() && password.is_none() {
        return Err(Error::usage(
            "no key: give --key SOURCE, --secret-file/--secret-env or --password-file/--password-env",
        ));
    }
    let keys = KeySet::new(keys);
    let opts = options(args);
    let pw = password.as_deref().map(|p| p.as_slice());

    if args.lines {
        return run_lines(args, io, &keys, pw, &opts, nested);
    }

    let token = match io::read_token(io, args.token.as_deref(), args.limit.max_input) {
        Ok(token) => token,
        // Too large or not UTF-8: under --json it still gets its report.
        Err(Error::Rejected(r)) if args.json => {
            let outcome: std::result::Result<Decrypted, Rejection> = Err(r);
            let line = report("", &outcome).to_string();
            io::emit(io, &args.out, line.as_bytes(), Emit::Line, false)?;
            return outcome.map(|_| ()).map_err(Error::Rejected);
        }
        Err(e) => return Err(e),
    };
    if args.json {
        let result = decrypt_one(&token, &keys, pw, &opts, nested);
        let line = report(&token, &result).to_string();
        // The report holds the plaintext.
        io::emit(io, &args.out, line.as_bytes(), Emit::Line, true)?;
        return result.map(|_| ()).map_err(Error::Rejected);
    }
    // The token's own buffer becomes the plaintext's: one copy of a large JWE.
    let d = nest(decrypt_owned(token, &keys, pw, &opts)?, nested)?;
    io::emit(io, &args.out, &d.plaintext, Emit::Bytes, true)
}

/// `--lines`: one JSON report per token, checked on every core.
fn run_lines(
    args: &DecryptArgs,
    io: &mut Io<'_>,
    keys: &KeySet,
    pw: Option<&[u8]>,
    opts: &DecryptOptions,
    nested: Option<&(KeySet, VerifyOptions)>,
) -> Result<()> {
    let limit = args.limit.max_input;
    let input = Lines::open(args.token.as_deref(), limit)?;
    // The reports hold plaintexts: written as secrets.
    let sink = Sink::new(&args.out, false, true)?;
    let check = |token: Option<&str>| -> Outcome {
        let r = match token {
            Some(t) => decrypt_one(t, keys, pw, opts, nested),
            None => Err(batch::too_large(limit)),
        };
        let mut report = report(token.unwrap_or_default(), &r)
            .to_string()
            .into_bytes();
        report.push(b'\n');
        Outcome {
            report,
            rejection: r.err(),
            warnings: Vec::new(),
        }
    };
    batch::run_stream(io, input, sink, args.threads, &check)
}

/// The inner JWS's checks: verify's policy flags and `--verify-alg`.
fn verify_options(args: &DecryptArgs) -> VerifyOptions {
    VerifyOptions {
        algs: if args.verify_alg.is_empty() {
            None
        } else {
            Some(args.verify_alg.clone())
        },
        policy: super::verify::policy(&args.policy),
        crit: args.policy.crit.clone(),
        detached_payload: None,
        compact_only: false,
    }
}

/// Decrypt, and with `--verify-key` verify the plaintext as a JWS and keep
/// its payload as the result.
fn decrypt_one(
    token: &str,
    keys: &KeySet,
    pw: Option<&[u8]>,
    opts: &DecryptOptions,
    nested: Option<&(KeySet, VerifyOptions)>,
) -> std::result::Result<Decrypted, Rejection> {
    nest(decrypt(token, keys, pw, opts)?, nested)
}

fn nest(
    mut d: Decrypted,
    nested: Option<&(KeySet, VerifyOptions)>,
) -> std::result::Result<Decrypted, Rejection> {
    if let Some((vkeys, vopts)) = nested {
        let inner = std::str::from_utf8(&d.plaintext).map_err(|_| {
            Rejection::malformed("the decrypted plaintext is not a JWS (not UTF-8 text)")
        })?;
        let v = verify::verify(inner.trim(), vkeys, vopts)?;
        d.plaintext = v.payload;
    }
    Ok(d)
}
