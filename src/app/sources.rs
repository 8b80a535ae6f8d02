//! Key, secret and password sources named on the command line: files,
//! standard input (under the one-stdin rule) and environment variables.
//! What the bytes are is the library's detector's business.

use zeroize::Zeroizing;

use jose::keys::detect::{is_url, parse_bytes};
use jose::{Error, Key, KeyMaterial, Result, Secret};

use crate::cli::{PasswordArgs, SecretArgs};
use crate::io::Io;

/// Load a local SOURCE (path or `-`). Remote sources are resolved by the
/// commands that accept them (see `keys::remote`).
pub fn load_local(io: &mut Io<'_>, source: &str) -> Result<Vec<Key>> {
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
    parse_bytes(&data, origin)
}

/// Load every local SOURCE, in order.
pub fn load_all_local(io: &mut Io<'_>, sources: &[String]) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    for s in sources {
        keys.extend(load_local(io, s)?);
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
    let mut bytes = if let Some(path) = &args.password_file {
        let data = if path.as_os_str() == "-" {
            io.read_stdin("the password", 1 << 20)?
        } else {
            crate::io::input::read_file_limited(path, 1 << 20)?
        };
        Zeroizing::new(data.ok_or_else(|| Error::local("the password file is too large"))?)
    } else if let Some(var) = &args.password_env {
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
        return Err(Error::usage("the password is empty"));
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
