//! `jose decrypt`: JWE + keys → plaintext, or a JSON report per token.

use crate::render::report;
use crate::settings;

use crate::batch::{self, Outcome, Sink};
use crate::cli::DecryptArgs;
use crate::io::lines::Lines;
use crate::io::{self, Emit, Io, JweInput};
use crate::sources;
use jose::decrypt::{DecryptOptions, Decrypted, decrypt, decrypt_owned, decrypt_parsed};
use jose::verify::{self, VerifyOptions};
use jose::{Error, Rejection, Result};
use jose::{KeySet, Secret};

pub fn run(args: &DecryptArgs, io: &mut Io<'_>) -> Result<()> {
    let [key, secret, key_password] =
        settings::key_inputs(&args.keys.key, &args.secret, &args.key_password);
    io.one_stdin(&[
        key,
        (
            "a verification key",
            args.verify_key.iter().any(|k| k == "-"),
        ),
        secret,
        key_password,
        (
            "the password",
            io::is_stdin(args.password.password_file.as_deref()),
        ),
        ("the token", settings::token_on_stdin(args.token.as_deref())),
    ])?;
    let mut kp = sources::KeyPassword::new(&args.key_password);
    let nested = if args.verify_key.is_empty() {
        None
    } else {
        let vkeys = KeySet::new(sources::load_all_local(io, &args.verify_key, &mut kp)?);
        Some((vkeys, settings::nested_verify_options(args)))
    };
    let nested = nested.as_ref();
    let mut keys = sources::load_all_local(io, &args.keys.key, &mut kp)?;
    if let Some(k) = sources::secret_key(io, &args.secret)? {
        keys.push(k);
    }
    let mut password: Option<Secret> = sources::password(io, &args.password)?;
    if keys.is_empty() && password.is_none() && crate::io::prompt::available() {
        password = Some(crate::io::prompt::password(
            "Enter the password to decrypt with: ",
            false,
        )?);
    }
    if keys.is_empty() && password.is_none() {
        return Err(Error::usage(
            "no key: give --key SOURCE, --secret-file/--secret-env or --password-file/--password-env",
        ));
    }
    // Whether a key is public is known here, before any token is read: a
    // public key cannot decrypt, and "decryption failed" would blame the token.
    if password.is_none() && keys.iter().all(|k| !k.material.is_private()) {
        let what = if keys.iter().any(|k| !k.x5c.is_empty()) {
            "a certificate holds only a public key"
        } else if keys.len() == 1 {
            "the key is public"
        } else {
            "every key given is public"
        };
        return Err(Error::usage(format!(
            "{what} ({}): decrypting needs the private key the token was encrypted to",
            keys.iter()
                .map(|k| k.material.describe())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let keys = KeySet::new(keys);
    let opts = settings::decrypt_options(args);
    let pw = password.as_deref().map(|p| p.as_slice());

    if args.lines {
        return run_lines(args, io, &keys, pw, &opts, nested);
    }

    if !args.json {
        let d = match io::read_jwe(io, args.token.as_deref(), args.limit.max_input)? {
            // The token's own buffer becomes the plaintext's: one copy of a large JWE.
            JweInput::Text(token) => decrypt_owned(token, &keys, pw, &opts)?,
            // Decoded as it was read into the plaintext's buffer.
            JweInput::Parsed(jwe) => decrypt_parsed(*jwe?, &keys, pw, &opts)?,
        };
        let d = nest(d, nested)?;
        return io::emit(io, &args.out, &d.plaintext, Emit::Bytes, true);
    }
    let token = match io::read_token(io, args.token.as_deref(), args.limit.max_input) {
        Ok(token) => token,
        // Too large or not UTF-8: under --json it still gets its report.
        Err(Error::Rejected(r)) if args.json => {
            let outcome: std::result::Result<Decrypted, Rejection> = Err(r);
            let line = report::decrypt("", &outcome).to_string();
            io::emit(io, &args.out, line.as_bytes(), Emit::Line, false)?;
            return outcome.map(|_| ()).map_err(Error::Rejected);
        }
        Err(e) => return Err(e),
    };
    let result = decrypt_one(&token, &keys, pw, &opts, nested);
    let line = report::decrypt(&token, &result).to_string();
    // The report holds the plaintext.
    io::emit(io, &args.out, line.as_bytes(), Emit::Line, true)?;
    result.map(|_| ()).map_err(Error::Rejected)
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
    let check = |line: usize, token: Option<&str>| -> Outcome {
        let r = match token {
            Some(t) => decrypt_one(t, keys, pw, opts, nested),
            None => Err(crate::io::lines::too_large(limit)),
        };
        let mut report = report::with_line(line, report::decrypt(token.unwrap_or_default(), &r))
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
