//! `jose keygen`: pick a key specification from the flags, generate it, and
//! write the private key (and optionally the public key).

use crate::cli::{KeyFormat, KeygenArgs, Use};
use crate::io::{Emit, Io};
use jose::KeyAlg;
use jose::defaults;
use jose::keys::KeySpec;
use jose::keys::export;
use jose::{Error, Result};
use jose::{Key, KeyUse};

/// What the flags ask for: the key to make and the `alg` to record.
fn plan(a: &KeygenArgs) -> Result<(KeySpec, Option<KeyAlg>)> {
    let curve = a
        .curve
        .as_deref()
        .map(defaults::AnyCurve::parse)
        .transpose()?;
    match &a.alg {
        Some(name) => defaults::keygen_spec(name, curve, a.bits),
        None => Ok((
            defaults::keygen_spec_for_type(a.kty.map(Into::into), curve, a.bits)?,
            None,
        )),
    }
}

pub fn run(a: &KeygenArgs, io: &mut Io<'_>) -> Result<()> {
    let (spec, alg) = plan(a)?;
    let symmetric = matches!(spec, KeySpec::Oct { .. });
    let format = a.format.unwrap_or(if symmetric {
        KeyFormat::Jwk
    } else {
        KeyFormat::Pem
    });
    if symmetric && matches!(format, KeyFormat::Pem | KeyFormat::Der) {
        return Err(Error::usage(
            "symmetric (oct) keys cannot be written as PEM or DER: use --format jwk or jwks",
        ));
    }
    if symmetric && a.public.is_some() {
        return Err(Error::usage(
            "symmetric (oct) keys have no public half: --pub does not apply",
        ));
    }
    let to_stdout = a.out.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
    if format == KeyFormat::Der {
        // Before the (possibly slow) generation rather than after.
        crate::io::output::check_binary_destination(io, &a.out, "binary DER")?;
    }
    // Refuse before the (possibly slow) generation rather than after.
    if !a.out.force {
        let targets = a.out.output.iter().filter(|_| !to_stdout).chain(&a.public);
        for p in targets {
            if std::fs::symlink_metadata(p).is_ok() {
                return Err(Error::usage(format!(
                    "{} already exists: not overwritten (use --force to replace it)",
                    p.display()
                )));
            }
        }
    }
    let is_json = matches!(format, KeyFormat::Jwk | KeyFormat::Jwks);
    if !is_json && (a.kid.is_some() || a.key_use.is_some()) {
        io.warn("PEM and DER cannot record --kid or --use; they are not written");
    }

    // Asked before the (possibly slow) generation, as the checks above.
    let password = if a.encrypt {
        Some(crate::sources::KeyPassword::new(&a.key_password).for_writing(io)?)
    } else {
        None
    };
    let material = jose::keys::generate(spec).map_err(|e| Error::usage(e.to_string()))?;
    let mut key = Key::new(material);
    if is_json {
        key.kid = Some(
            a.kid
                .clone()
                .unwrap_or_else(|| jose::keys::thumbprint::sha256_b64(&key.material)),
        );
        key.alg = alg;
        key.key_use = a.key_use.map(|u| match u {
            Use::Sig => KeyUse::Sig,
            Use::Enc => KeyUse::Enc,
        });
    }
    let keys = [key];

    let private = match &password {
        Some(pw) => jose::keyfile::encode_protected(&keys, format.into(), pw)?,
        None => export::encode(&keys, format.into(), true)?,
    };
    let kind = if format == KeyFormat::Der {
        Emit::Binary
    } else {
        Emit::Line
    };
    crate::io::emit(io, &a.out, &private, kind, true)?;
    if let Some(path) = &a.public {
        let public = export::encode(&keys, format.into(), false)?;
        jose::fs::write_file(path, &public, false, a.out.force)?;
    }
    Ok(())
}
