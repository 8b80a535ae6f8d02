//! `jose key`: read keys from any source format, adjust their metadata, and
//! write them as PEM, DER, JWK or JWKS, or print their thumbprints.

use crate::cli::{KeyArgs, KeyFormat, Use};
use crate::io::{Emit, Io};
use jose::KeyUse;
use jose::defaults;
use jose::keys::detect::is_url;
use jose::keys::export;
use jose::remote;
use jose::{Error, Result};
use jose::{JweAlg, KeyAlg};

use crate::sources;

pub fn run(a: &KeyArgs, io: &mut Io<'_>) -> Result<()> {
    let stdin = ["-".to_owned()];
    // No SOURCE reads standard input, as `-` does.
    let sources: &[String] = if a.sources.is_empty() {
        &stdin
    } else {
        &a.sources
    };
    let on_stdin = sources.iter().filter(|s| *s == "-").count();
    io.one_stdin(&[
        ("a key", on_stdin > 0),
        ("another key", on_stdin > 1),
        (
            "the key password",
            crate::io::is_stdin(a.key_password.key_password_file.as_deref()),
        ),
    ])?;
    let mut pw = sources::KeyPassword::new(&a.key_password);
    let mut keys = Vec::new();
    for s in sources {
        if is_url(s) {
            // A JWKS or certificate map from a URL, fetched fresh: converting
            // keys should show what the issuer serves now, not a cached copy.
            let opts = remote::RemoteOptions::new(10, true, false, crate::clock::now);
            keys.extend(remote::load_keys(s, &opts)?.keys);
            continue;
        }
        keys.extend(sources::load_local(io, s, &mut pw)?);
    }

    if a.kid.is_some() && keys.len() > 1 {
        return Err(Error::usage(format!(
            "--kid names one key but the sources hold {}",
            keys.len()
        )));
    }
    let alg = a.alg.as_deref().map(parse_alg).transpose()?;
    for k in &mut keys {
        if let Some(kid) = &a.kid {
            k.kid = Some(kid.clone());
        }
        if let Some(alg) = &alg {
            defaults::check_recorded_alg(k, alg)?;
            // As keygen does: a key for an enc name is a `dir` key (RFC 7518 §4.5).
            k.alg = Some(match alg {
                KeyAlg::Enc(_) => KeyAlg::Jwe(JweAlg::Dir),
                other => other.clone(),
            });
        }
        if let Some(u) = a.key_use {
            k.key_use = Some(match u {
                Use::Sig => KeyUse::Sig,
                Use::Enc => KeyUse::Enc,
            });
        }
    }
    if a.public {
        keys = keys
            .into_iter()
            .map(|k| {
                k.to_public().ok_or_else(|| {
                    Error::usage(
                        "a symmetric (oct) key has no public half: --public does not apply",
                    )
                })
            })
            .collect::<Result<_>>()?;
    }

    if a.thumbprint {
        let mut out = String::new();
        for k in &keys {
            out.push_str(&jose::keys::thumbprint::sha256_b64(&k.material));
            out.push('\n');
        }
        return crate::io::emit(io, &a.out, out.as_bytes(), Emit::Line, false);
    }

    let format = a.to.unwrap_or(if keys.len() == 1 {
        KeyFormat::Jwk
    } else {
        KeyFormat::Jwks
    });
    let private = !a.public;
    if matches!(format, KeyFormat::Pem | KeyFormat::Der)
        && (a.kid.is_some() || a.alg.is_some() || a.key_use.is_some())
    {
        io.warn("PEM and DER cannot record kid, alg or use; they are not written");
    }
    if matches!(format, KeyFormat::Jwk | KeyFormat::Jwks) {
        // As keygen: a key published in a set needs an id tokens can name.
        for k in keys.iter_mut().filter(|k| k.kid.is_none()) {
            k.kid = Some(jose::keys::thumbprint::sha256_b64(&k.material));
        }
    }
    let encoded = if a.encrypt {
        let pw = pw.for_writing(io)?;
        jose::keyfile::encode_protected(&keys, format.into(), &pw)?
    } else {
        export::encode(&keys, format.into(), private)?
    };
    // A password-protected output is meant to hold the private key.
    if !a.encrypt && export::holds_private(&keys, private) {
        let n = keys.iter().filter(|k| k.material.is_private()).count();
        let what = if format == KeyFormat::Jwks {
            "this key set"
        } else {
            "this output"
        };
        io.warn(format!(
            "{what} holds {} private key{}: do not publish it; --public writes only the public keys",
            n,
            if n == 1 { "" } else { "s" }
        ));
    }
    let kind = if format == KeyFormat::Der {
        Emit::Binary
    } else {
        Emit::Line
    };
    let secret = export::holds_private(&keys, private);
    crate::io::emit(io, &a.out, &encoded, kind, secret)
}

/// A registered algorithm name; an enc name stands for `dir` with that enc.
fn parse_alg(name: &str) -> Result<KeyAlg> {
    match KeyAlg::parse(name) {
        KeyAlg::Unknown(n) => Err(Error::usage(format!("unknown algorithm {n:?}"))),
        other => Ok(other),
    }
}
