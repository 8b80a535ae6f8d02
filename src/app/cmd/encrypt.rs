//! `jose encrypt`: plaintext + recipients → JWE.

use crate::cli::EncryptArgs;
use crate::io::{self, Emit, Io};
use crate::sources;
use jose::JweAlg;
use jose::defaults;
use jose::encrypt::{EncryptOptions, RecipientSpec, encrypt};
use jose::keymgmt::Unwrapper;
use jose::{Error, Result};

pub fn run(args: &EncryptArgs, io: &mut Io<'_>) -> Result<()> {
    let [key, secret, key_password] =
        crate::settings::key_inputs(&args.keys.key, &args.secret, &args.key_password);
    io.one_stdin(&[
        key,
        secret,
        key_password,
        (
            "the password",
            io::is_stdin(args.password.password_file.as_deref()),
        ),
        (
            "the plaintext",
            matches!(args.file.as_deref(), None | Some("-")),
        ),
    ])?;
    let mut keys = sources::load_all_local(
        io,
        &args.keys.key,
        &mut sources::KeyPassword::new(&args.key_password),
    )?;
    if let Some(k) = sources::secret_key(io, &args.secret)? {
        keys.push(k);
    }
    let mut password = sources::password(io, &args.password)?;
    // With no recipient given, a person at a terminal is asked for the
    // password (twice: it protects something new); scripts use the flags.
    if keys.is_empty()
        && password.is_none()
        && args
            .alg
            .is_none_or(|a| a.family() == jose::KeyFamily::Password)
        && crate::io::prompt::available()
    {
        password = Some(crate::io::prompt::password(
            "Enter a password to encrypt with: ",
            true,
        )?);
    }
    let several = keys.len() + usize::from(password.is_some()) > 1;
    if keys.is_empty() && password.is_none() {
        return Err(Error::usage(
            "no recipient key: give --key SOURCE, --secret-file/--secret-env or --password-file/--password-env",
        ));
    }
    if args.kid.is_some() && several {
        return Err(Error::usage(
            "--kid names one key; with several keys each key's own kid is used",
        ));
    }
    if let Some(a) = args.alg
        && a.is_direct()
        && several
    {
        return Err(Error::usage(format!(
            "{a} is a direct mode and takes exactly one key; use key wrapping (e.g. ECDH-ES+A256KW or A256KW) with several keys"
        )));
    }
    let mut recipients = Vec::new();
    for key in &keys {
        let alg = defaults::jwe_alg(key, args.alg, args.enc, several)?;
        recipients.push(RecipientSpec {
            with: Unwrapper::Key(&key.material),
            alg,
            kid: args.kid.clone().or_else(|| key.kid.clone()),
        });
    }
    if let Some(pw) = &password {
        let alg = match args.alg {
            Some(a) if a.family() == jose::KeyFamily::Password => a,
            Some(a) if keys.is_empty() => {
                return Err(Error::usage(format!(
                    "{a} cannot be used with a password; use a PBES2 alg"
                )));
            }
            _ => JweAlg::Pbes2Hs512A256KW,
        };
        recipients.push(RecipientSpec {
            with: Unwrapper::Password(pw),
            alg,
            kid: args.kid.clone(),
        });
    }
    if recipients.iter().any(|r| r.alg == JweAlg::Rsa1_5) {
        io.warn("RSA1_5 is deprecated (RFC 8725 §3.2) and open to padding-oracle attacks; prefer RSA-OAEP-256");
    }
    let plaintext = io::read_payload(
        io,
        args.file.as_deref(),
        "the plaintext",
        args.limit.max_input,
    )?;
    let mut opts = EncryptOptions::new(args.enc);
    opts.zip = args.zip.is_some();
    opts.p2c = args.p2c;
    opts.serialization = args.serialization.into();
    if let Some(t) = &args.typ {
        opts.header.insert("typ".into(), t.clone().into());
    }
    if let Some(t) = &args.cty {
        opts.header.insert("cty".into(), t.clone().into());
    }
    for (k, v) in &args.header {
        if opts.header.insert(k.clone(), v.clone()).is_some() {
            return Err(Error::usage(format!("header parameter {k:?} given twice")));
        }
    }
    let jwe = encrypt(plaintext, &recipients, &opts)?;
    io::emit(io, &args.out, jwe.as_bytes(), Emit::Line, false)
}
