//! Turning a `--key SOURCE`, `--secret-*` or `--password-*` into keys. The
//! content type is detected, never declared: PEM, DER, JWK, JWKS, or a
//! Google-style key-id → PEM certificate map.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{Key, KeyMaterial, Secret};
use crate::cli::{PasswordArgs, SecretArgs};
use crate::error::{Error, Result};
use crate::io::Io;

/// Parse key material of any supported format. `origin` names the source in
/// error messages.
pub fn parse_bytes(data: &[u8], origin: &str) -> Result<Vec<Key>> {
    let wrap = |e: Error| match e {
        Error::Local { msg, source } => Error::Local {
            msg: format!("{origin}: {msg}"),
            source,
        },
        other => other,
    };
    let trimmed = trim_ascii(data);
    let keys = if trimmed.starts_with(b"{") {
        let v: Value = serde_json::from_slice(trimmed)
            .map_err(|e| wrap(Error::local_with("not valid JSON", e)))?;
        parse_json(&v).map_err(wrap)?
    } else if trimmed.starts_with(b"-----BEGIN") || contains(trimmed, b"-----BEGIN ") {
        let text = std::str::from_utf8(trimmed)
            .map_err(|_| wrap(Error::local("PEM text is not UTF-8")))?;
        super::pem::parse(text).map_err(wrap)?
    } else if trimmed.first() == Some(&0x30) {
        super::der::parse(data).map_err(wrap)?
    } else {
        return Err(wrap(Error::local(
            "not a key: expected PEM, DER, a JWK, a JWKS or a certificate map",
        )));
    };
    if keys.is_empty() {
        return Err(wrap(Error::local("holds no usable key")));
    }
    Ok(keys)
}

/// A JSON key source: JWK (has `kty`), JWKS (has `keys`), or a certificate map
/// (every value a PEM certificate).
pub fn parse_json(v: &Value) -> Result<Vec<Key>> {
    let o = v
        .as_object()
        .ok_or_else(|| Error::local("a JSON key source must be an object"))?;
    if o.contains_key("kty") {
        Ok(vec![super::jwk::from_value(v)?])
    } else if o.contains_key("keys") {
        super::jwk::set_from_value(v)
    } else if !o.is_empty()
        && o.values().all(|v| {
            v.as_str()
                .is_some_and(|s| s.contains("-----BEGIN CERTIFICATE-----"))
        })
    {
        super::certmap::parse(o)
    } else {
        Err(Error::local(
            "JSON is neither a JWK (no \"kty\"), a JWKS (no \"keys\") nor a key id → certificate map",
        ))
    }
}

fn trim_ascii(d: &[u8]) -> &[u8] {
    let start = d
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(d.len());
    let end = d
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &d[start..end]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether a SOURCE names a remote key set.
pub fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

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
