//! Key, secret and password sources named on the command line: files,
//! standard input (under the one-stdin rule) and environment variables.
//! What the bytes are is the library's detector's business.

use zeroize::Zeroizing;

use std::path::Path;

use jose::keys::detect::is_url;
use jose::{Error, Key, KeyMaterial, Result, Secret};

use crate::cli::{KeyPasswordArgs, PasswordArgs, SecretArgs};
use crate::io::Io;

/// The password of protected keys for one run: from `--key-password-file`,
/// `--key-password-env`, or a prompt on the terminal; asked for only when a
/// protected key is met (or one is to be written), then kept for the run.
pub struct KeyPassword<'a> {
    args: &'a KeyPasswordArgs,
    cached: Option<Secret>,
}

impl<'a> KeyPassword<'a> {
    pub fn new(args: &'a KeyPasswordArgs) -> KeyPassword<'a> {
        KeyPassword { args, cached: None }
    }

    /// The password that opens the protected key read from `origin`.
    pub fn for_reading(&mut self, io: &mut Io<'_>, origin: &str) -> Result<Secret> {
        if let Some(pw) = &self.cached {
            return Ok(pw.clone());
        }
        let pw = match self.flagged(io)? {
            Some(pw) => pw,
            None if crate::io::prompt::available() => {
                crate::io::prompt::password(&format!("Enter the password of {origin}: "), false)?
            }
            None => {
                return Err(Error::usage(format!(
                    "{origin}: the key is password-protected: give --key-password-file or --key-password-env (standard input is not a terminal to ask on)"
                )));
            }
        };
        self.cached = Some(pw.clone());
        Ok(pw)
    }

    /// The password to protect a new key with (`--encrypt`); a prompt asks
    /// twice.
    pub fn for_writing(&mut self, io: &mut Io<'_>) -> Result<Secret> {
        if let Some(pw) = self.flagged(io)? {
            return Ok(pw);
        }
        if crate::io::prompt::available() {
            return crate::io::prompt::password("Enter a password to protect the key: ", true);
        }
        Err(Error::usage(
            "--encrypt needs a password: give --key-password-file or --key-password-env (standard input is not a terminal to ask on)",
        ))
    }

    fn flagged(&mut self, io: &mut Io<'_>) -> Result<Option<Secret>> {
        if let Some(pw) = &self.cached {
            return Ok(Some(pw.clone()));
        }
        let pw = password_from(
            io,
            self.args.key_password_file.as_deref(),
            self.args.key_password_env.as_deref(),
            "the key password",
        )?;
        if let Some(pw) = &pw {
            self.cached = Some(pw.clone());
        }
        Ok(pw)
    }
}

/// Load a local SOURCE (path or `-`), opening a protected key with
/// `password`. Remote sources are resolved by the commands that accept
/// them (see `keys::remote`).
pub fn load_local(
    io: &mut Io<'_>,
    source: &str,
    password: &mut KeyPassword<'_>,
) -> Result<Vec<Key>> {
    if is_url(source) {
        return Err(Error::usage(format!(
            "{source}: remote key sources are only accepted by `jose verify` and `jose key`"
        )));
    }
    let data = crate::io::read_source(io, source)?;
    let origin = if source == "-" {
        "standard input"
    } else {
        source
    };
    jose::keyfile::read_keys(&data, origin, &mut || password.for_reading(io, origin))
}

/// Load every local SOURCE, in order.
pub fn load_all_local(
    io: &mut Io<'_>,
    sources: &[String],
    password: &mut KeyPassword<'_>,
) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    for s in sources {
        keys.extend(load_local(io, s, password)?);
    }
    Ok(keys)
}

/// The symmetric key given by `--secret-file`, `--secret-env` or `--secret`.
pub fn secret_key(io: &mut Io<'_>, args: &SecretArgs) -> Result<Option<Key>> {
    let bytes: Secret = if let Some(path) = &args.secret_file {
        let data = if path.as_os_str() == "-" {
            io.read_stdin("the secret", crate::io::input::MAX_KEY_SOURCE)?
        } else {
            crate::io::input::read_file_limited(path, crate::io::input::MAX_KEY_SOURCE)?
        };
        let data = data.ok_or_else(|| Error::local("the secret file is too large"))?;
        if data.ends_with(b"\n") {
            io.warn(format!(
                "{} ends with a newline, which is part of the secret (write it with printf, not echo)",
                path.display()
            ));
        }
        Zeroizing::new(data)
    } else if let Some(var) = &args.secret_env {
        let v = std::env::var_os(var)
            .ok_or_else(|| Error::usage(format!("environment variable {var} is not set")))?;
        Zeroizing::new(os_bytes(v))
    } else if let Some(s) = &args.secret {
        io.warn("--secret puts the secret on the command line, where other users can see it; use --secret-file or --secret-env");
        Zeroizing::new(s.as_bytes().to_vec())
    } else {
        return Ok(None);
    };
    if bytes.is_empty() {
        return Err(Error::usage("the secret is empty"));
    }
    Ok(Some(Key::new(KeyMaterial::Oct { k: bytes })))
}

/// The PBES2 password given by `--password-file` or `--password-env`. A
/// single trailing newline of a password file is not part of the password.
pub fn password(io: &mut Io<'_>, args: &PasswordArgs) -> Result<Option<Secret>> {
    password_from(
        io,
        args.password_file.as_deref(),
        args.password_env.as_deref(),
        "the password",
    )
}

/// A password from a file (`-`: standard input) or an environment variable.
fn password_from(
    io: &mut Io<'_>,
    file: Option<&Path>,
    env: Option<&str>,
    what: &str,
) -> Result<Option<Secret>> {
    let mut bytes = if let Some(path) = file {
        let data = if path.as_os_str() == "-" {
            io.read_stdin(what, 1 << 20)?
        } else {
            crate::io::input::read_file_limited(path, 1 << 20)?
        };
        Zeroizing::new(data.ok_or_else(|| Error::local(format!("{what} file is too large")))?)
    } else if let Some(var) = env {
        let v = std::env::var_os(var)
            .ok_or_else(|| Error::usage(format!("environment variable {var} is not set")))?;
        Zeroizing::new(os_bytes(v))
    } else {
        return Ok(None);
    };
    let len = bytes.len();
    if bytes.ends_with(b"\r\n") {
        bytes.truncate(len - 2);
    } else if bytes.ends_with(b"\n") {
        bytes.truncate(len - 1);
    }
    if bytes.is_empty() {
        return Err(Error::usage(format!("{what} is empty")));
    }
    Ok(Some(bytes))
}

#[cfg(unix)]
fn os_bytes(v: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    v.into_vec()
}

#[cfg(not(unix))]
fn os_bytes(v: std::ffi::OsString) -> Vec<u8> {
    v.to_string_lossy().into_owned().into_bytes()
}
