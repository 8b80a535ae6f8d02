//! `jose keygen`: pick a key specification from the flags, generate it, and
//! write the private key (and optionally the public key).

use crate::cli::{KeyFormat, KeygenArgs, Kty, Use};
use crate::io::{Emit, Io};
use jose::keys::KeySpec;
use jose::keys::export;
use jose::{Curve, Key, KeyUse, OkpCurve};
use jose::{Error, Result};
use jose::{JweAlg, JweEnc, JwsAlg, KeyAlg};

/// A curve named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnyCurve {
    Ec(Curve),
    Okp(OkpCurve),
}

impl AnyCurve {
    fn parse(s: &str) -> Result<AnyCurve> {
        if let Some(c) = Curve::from_jwk_name(s) {
            Ok(AnyCurve::Ec(c))
        } else if let Some(c) = OkpCurve::from_jwk_name(s) {
            Ok(AnyCurve::Okp(c))
        } else {
            Err(Error::usage(format!(
                "unknown curve {s:?} (expected P-256, P-384, P-521, secp256k1, Ed25519 or X25519)"
            )))
        }
    }

    fn spec(self) -> KeySpec {
        match self {
            AnyCurve::Ec(c) => KeySpec::Ec(c),
            AnyCurve::Okp(c) => KeySpec::Okp(c),
        }
    }
}

/// What the flags ask for: the key to make and the `alg` to record.
fn plan(a: &KeygenArgs) -> Result<(KeySpec, Option<KeyAlg>)> {
    let curve = a.curve.as_deref().map(AnyCurve::parse).transpose()?;
    match &a.alg {
        Some(name) => plan_alg(name, curve, a.bits),
        None => Ok((plan_kty(a.kty, curve, a.bits)?, None)),
    }
}

fn rsa_bits(bits: Option<usize>) -> Result<KeySpec> {
    let bits = bits.unwrap_or(2048);
    if !jose::keys::RSA_GEN_BITS.contains(&bits) {
        return Err(Error::usage(format!(
            "RSA keys of {bits} bits are refused: use 2048 (default), 3072, 4096 or 8192"
        )));
    }
    Ok(KeySpec::Rsa { bits })
}

fn no_bits(bits: Option<usize>, what: &str) -> Result<()> {
    match bits {
        Some(_) => Err(Error::usage(format!("--bits does not apply to {what}"))),
        None => Ok(()),
    }
}

fn no_curve(curve: Option<AnyCurve>, what: &str) -> Result<()> {
    match curve {
        Some(_) => Err(Error::usage(format!("--curve does not apply to {what}"))),
        None => Ok(()),
    }
}

/// The fixed curve of an algorithm; `--curve` may only repeat it.
fn fixed_curve(curve: Option<AnyCurve>, want: AnyCurve, alg: &str) -> Result<KeySpec> {
    match curve {
        Some(c) if c != want => Err(Error::usage(format!(
            "{alg} needs curve {}; --curve {} does not fit",
            curve_name(want),
            curve_name(c)
        ))),
        _ => Ok(want.spec()),
    }
}

fn curve_name(c: AnyCurve) -> &'static str {
    match c {
        AnyCurve::Ec(c) => c.jwk_name(),
        AnyCurve::Okp(c) => c.jwk_name(),
    }
}

/// A symmetric key of `bytes` for `alg`; `--bits` may only repeat its size.
fn oct_for(bits: Option<usize>, bytes: usize, alg: &str) -> Result<KeySpec> {
    match bits {
        Some(b) if b != bytes * 8 => Err(Error::usage(format!(
            "{alg} needs a {}-bit key; --bits {b} does not fit",
            bytes * 8
        ))),
        _ => Ok(KeySpec::Oct { bytes }),
    }
}

fn plan_alg(
    name: &str,
    curve: Option<AnyCurve>,
    bits: Option<usize>,
) -> Result<(KeySpec, Option<KeyAlg>)> {
    if let Ok(alg) = name.parse::<JwsAlg>() {
        let spec = match alg {
            JwsAlg::HS256 | JwsAlg::HS384 | JwsAlg::HS512 => {
                no_curve(curve, name)?;
                let bytes = alg.sha().map_or(32, |s| s.output_len());
                oct_for(bits, bytes, name)?
            }
            JwsAlg::RS256
            | JwsAlg::RS384
            | JwsAlg::RS512
            | JwsAlg::PS256
            | JwsAlg::PS384
            | JwsAlg::PS512 => {
                no_curve(curve, name)?;
                rsa_bits(bits)?
            }
            JwsAlg::ES256 | JwsAlg::ES384 | JwsAlg::ES512 | JwsAlg::ES256K => {
                no_bits(bits, name)?;
                let c = match alg {
                    JwsAlg::ES384 => Curve::P384,
                    JwsAlg::ES512 => Curve::P521,
                    JwsAlg::ES256K => Curve::Secp256k1,
                    _ => Curve::P256,
                };
                fixed_curve(curve, AnyCurve::Ec(c), name)?
            }
            JwsAlg::EdDSA | JwsAlg::Ed25519 => {
                no_bits(bits, name)?;
                fixed_curve(curve, AnyCurve::Okp(OkpCurve::Ed25519), name)?
            }
        };
        return Ok((spec, Some(KeyAlg::Jws(alg))));
    }
    if let Ok(alg) = name.parse::<JweAlg>() {
        let spec = match alg {
            JweAlg::RsaOaep
            | JweAlg::RsaOaep256
            | JweAlg::RsaOaep384
            | JweAlg::RsaOaep512
            | JweAlg::Rsa1_5 => {
                no_curve(curve, name)?;
                rsa_bits(bits)?
            }
            JweAlg::EcdhEs | JweAlg::EcdhEsA128KW | JweAlg::EcdhEsA192KW | JweAlg::EcdhEsA256KW => {
                no_bits(bits, name)?;
                match curve {
                    None => KeySpec::Ec(Curve::P256),
                    Some(AnyCurve::Ec(c)) if c != Curve::Secp256k1 => KeySpec::Ec(c),
                    Some(AnyCurve::Okp(OkpCurve::X25519)) => KeySpec::Okp(OkpCurve::X25519),
                    Some(c) => {
                        return Err(Error::usage(format!(
                            "{name} works with P-256, P-384, P-521 or X25519, not {}",
                            curve_name(c)
                        )));
                    }
                }
            }
            JweAlg::Dir => {
                return Err(Error::usage(
                    "a `dir` key's size depends on the content encryption: give it instead, e.g. --alg A256GCM or --alg A128CBC-HS256",
                ));
            }
            JweAlg::Pbes2Hs256A128KW | JweAlg::Pbes2Hs384A192KW | JweAlg::Pbes2Hs512A256KW => {
                return Err(Error::usage(format!(
                    "{name} derives its key from a password: there is no key to generate (use --password-file or --password-env with encrypt/decrypt)"
                )));
            }
            JweAlg::A128KW
            | JweAlg::A192KW
            | JweAlg::A256KW
            | JweAlg::A128GCMKW
            | JweAlg::A192GCMKW
            | JweAlg::A256GCMKW => {
                no_curve(curve, name)?;
                let bytes = alg.kw_len().unwrap_or(32);
                oct_for(bits, bytes, name)?
            }
        };
        return Ok((spec, Some(KeyAlg::Jwe(alg))));
    }
    if let Ok(enc) = name.parse::<JweEnc>() {
        no_curve(curve, name)?;
        let spec = oct_for(bits, enc.key_len(), name)?;
        return Ok((spec, Some(KeyAlg::Jwe(JweAlg::Dir))));
    }
    Err(Error::usage(format!(
        "unknown algorithm {name:?} for keygen (a JWS alg, a JWE alg or a JWE enc name)"
    )))
}

fn plan_kty(kty: Option<Kty>, curve: Option<AnyCurve>, bits: Option<usize>) -> Result<KeySpec> {
    // A curve alone implies its key type.
    let kty = kty.or(match curve {
        Some(AnyCurve::Ec(_)) => Some(Kty::Ec),
        Some(AnyCurve::Okp(_)) => Some(Kty::Okp),
        None => None,
    });
    match kty.unwrap_or(Kty::Rsa) {
        Kty::Rsa => {
            no_curve(curve, "RSA keys")?;
            rsa_bits(bits)
        }
        Kty::Ec => {
            no_bits(bits, "EC keys (use --curve)")?;
            match curve {
                None => Ok(KeySpec::Ec(Curve::P256)),
                Some(AnyCurve::Ec(c)) => Ok(KeySpec::Ec(c)),
                Some(c) => Err(Error::usage(format!(
                    "{} is an OKP curve: use --kty okp",
                    curve_name(c)
                ))),
            }
        }
        Kty::Okp => {
            no_bits(bits, "OKP keys (use --curve)")?;
            match curve {
                None => Ok(KeySpec::Okp(OkpCurve::Ed25519)),
                Some(AnyCurve::Okp(c)) => Ok(KeySpec::Okp(c)),
                Some(c) => Err(Error::usage(format!(
                    "{} is an EC curve: use --kty ec",
                    curve_name(c)
                ))),
            }
        }
        Kty::Oct => {
            no_curve(curve, "oct keys")?;
            let bits = bits.unwrap_or(256);
            if !bits.is_multiple_of(8) || !(128..=8192).contains(&bits) {
                return Err(Error::usage(format!(
                    "oct key size {bits} refused: a multiple of 8 from 128 to 8192 bits"
                )));
            }
            Ok(KeySpec::Oct { bytes: bits / 8 })
        }
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
    if format == KeyFormat::Der && to_stdout && io.stdout_is_tty {
        return Err(Error::usage(
            "refusing to write a binary DER key to a terminal: use -o PATH or redirect",
        ));
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

    let private = export::encode(&keys, format.into(), true)?;
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
