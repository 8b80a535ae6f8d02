//! The facts that pair algorithms with keys, in one place: which algorithm
//! a key signs or encrypts with when none is asked for, which algorithm a
//! key may record, and which key `keygen` makes for an algorithm. What a key
//! may do once it has an algorithm is [`crate::Key::permits`].

use crate::crypto::KeySpec;
use crate::model::{
    Curve, Error, JweAlg, JweEnc, JwsAlg, Key, KeyAlg, KeyFamily, KeyMaterial, MlDsaLevel,
    OkpCurve, Result,
};

/// The algorithm a key signs with when none is asked for.
pub fn default_jws_alg(key: &Key) -> Result<JwsAlg> {
    match &key.alg {
        Some(KeyAlg::Jws(a)) => return Ok(*a),
        Some(other) => {
            return Err(Error::local(format!(
                "the key is for {other}, not for signing"
            )));
        }
        None => {}
    }
    Ok(match &key.material {
        KeyMaterial::Rsa { .. } => JwsAlg::RS256,
        KeyMaterial::Ec { curve, .. } => match curve {
            Curve::P256 => JwsAlg::ES256,
            Curve::P384 => JwsAlg::ES384,
            Curve::P521 => JwsAlg::ES512,
            Curve::Secp256k1 => JwsAlg::ES256K,
        },
        KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            ..
        } => JwsAlg::EdDSA,
        KeyMaterial::Okp { .. } => {
            return Err(Error::local(format!(
                "a {} key cannot sign",
                key.material.describe()
            )));
        }
        KeyMaterial::Oct { .. } => JwsAlg::HS256,
        KeyMaterial::Akp { level, .. } => level.alg(),
    })
}

/// The algorithm to sign with: `asked`, if the key can serve it and its own
/// `alg` agrees, else the key's default ([`default_jws_alg`]).
pub fn jws_alg(key: &Key, asked: Option<JwsAlg>) -> Result<JwsAlg> {
    let Some(alg) = asked else {
        return default_jws_alg(key);
    };
    if !key.material.fits(alg.family()) {
        return Err(Error::local(format!(
            "--alg {alg} cannot be used with a {} key",
            key.material.describe()
        )));
    }
    match &key.alg {
        Some(KeyAlg::Jws(own)) if *own != alg && !own.same_as(alg) => Err(Error::local(format!(
            "--alg {alg} conflicts with the key's own alg {own}"
        ))),
        Some(KeyAlg::Jws(_)) | None => Ok(alg),
        Some(other) => Err(Error::local(format!(
            "the key is for {other}, not for signing"
        ))),
    }
}

/// Key wrapping by the secret's length, for when `dir` cannot serve.
pub fn kw_for(len: usize) -> Option<JweAlg> {
    match len {
        16 => Some(JweAlg::A128KW),
        24 => Some(JweAlg::A192KW),
        32 => Some(JweAlg::A256KW),
        _ => None,
    }
}

/// The contract's default `alg` for a key; `several` turns direct modes into key wrapping.
pub fn default_jwe_alg(key: &Key, enc: JweEnc, several: bool) -> Result<JweAlg> {
    if let Some(KeyAlg::Jwe(a)) = &key.alg {
        return Ok(*a);
    }
    match &key.material {
        KeyMaterial::Rsa { .. } => Ok(JweAlg::RsaOaep256),
        m @ (KeyMaterial::Ec { .. } | KeyMaterial::Okp { .. }) => {
            if !m.fits(KeyFamily::Agreement) {
                return Err(Error::local(format!(
                    "a {} key cannot encrypt (JWE uses EC P-256/P-384/P-521, X25519, RSA or symmetric keys)",
                    m.describe()
                )));
            }
            Ok(if several {
                JweAlg::EcdhEsA256KW
            } else {
                JweAlg::EcdhEs
            })
        }
        m @ KeyMaterial::Akp { .. } => Err(Error::local(format!(
            "an {} key cannot encrypt (JWE uses EC P-256/P-384/P-521, X25519, RSA or symmetric keys)",
            m.describe()
        ))),
        KeyMaterial::Oct { k } => {
            if !several && k.len() == enc.key_len() {
                return Ok(JweAlg::Dir);
            }
            kw_for(k.len()).ok_or_else(|| {
                Error::local(format!(
                    "a {}-bit secret fits neither dir with {enc} nor AES key wrap (128, 192 or 256 bits); give --alg or another key",
                    k.len() * 8
                ))
            })
        }
    }
}

/// The algorithm to encrypt to `key` with: `asked`, unless the key records
/// another, else the key's default ([`default_jwe_alg`]).
pub fn jwe_alg(key: &Key, asked: Option<JweAlg>, enc: JweEnc, several: bool) -> Result<JweAlg> {
    let Some(a) = asked else {
        return default_jwe_alg(key, enc, several);
    };
    if let Some(KeyAlg::Jwe(own)) = &key.alg
        && *own != a
    {
        return Err(Error::local(format!(
            "the key{} is for {own}, not {a}",
            key.kid
                .as_deref()
                .map(|k| format!(" {k:?}"))
                .unwrap_or_default()
        )));
    }
    Ok(a)
}

/// An algorithm recorded on a key must be one the key can serve, or the
/// JWK would select a key that can never work.
pub fn check_recorded_alg(k: &Key, alg: &KeyAlg) -> Result<()> {
    let (family, size) = match alg {
        KeyAlg::Jws(a) => (a.family(), None),
        KeyAlg::Jwe(a) => {
            if a.family() == KeyFamily::Password {
                return Err(Error::usage(format!("{a} uses a password, not a key")));
            }
            let size = match a {
                JweAlg::Dir => None,
                _ => a.kw_len().filter(|_| a.family() == KeyFamily::Oct),
            };
            (a.family(), size)
        }
        KeyAlg::Enc(e) => (KeyFamily::Oct, Some(e.key_len())),
        KeyAlg::Unknown(n) => return Err(Error::usage(format!("unknown algorithm {n:?}"))),
    };
    if !k.material.fits(family) {
        return Err(Error::usage(format!(
            "{alg} cannot be used with a {} key",
            k.material.describe()
        )));
    }
    if let (Some(len), KeyMaterial::Oct { k: secret }) = (size, &k.material)
        && secret.len() != len
    {
        return Err(Error::usage(format!(
            "{alg} needs a {}-bit key, this one has {}",
            len * 8,
            secret.len() * 8
        )));
    }
    Ok(())
}

/// A curve named by its JWK `crv` name, of either kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyCurve {
    /// A Weierstrass curve.
    Ec(Curve),
    /// An Edwards or Montgomery curve.
    Okp(OkpCurve),
}

impl AnyCurve {
    /// The curve with this JWK `crv` name.
    pub fn parse(s: &str) -> Result<AnyCurve> {
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

    /// The key specification of a key on this curve.
    pub fn spec(self) -> KeySpec {
        match self {
            AnyCurve::Ec(c) => KeySpec::Ec(c),
            AnyCurve::Okp(c) => KeySpec::Okp(c),
        }
    }
}

/// An RSA key of `bits` (2048 by default), if it is a size generated.
pub fn rsa_bits(bits: Option<usize>) -> Result<KeySpec> {
    let bits = bits.unwrap_or(2048);
    if !crate::crypto::RSA_GEN_BITS.contains(&bits) {
        return Err(Error::usage(format!(
            "RSA keys of {bits} bits are refused: use 2048 (default), 3072, 4096 or 8192"
        )));
    }
    Ok(KeySpec::Rsa { bits })
}

/// Refuse a size for `what`, whose size is fixed.
pub fn no_bits(bits: Option<usize>, what: &str) -> Result<()> {
    match bits {
        Some(_) => Err(Error::usage(format!("--bits does not apply to {what}"))),
        None => Ok(()),
    }
}

/// Refuse a curve for `what`, which has none.
pub fn no_curve(curve: Option<AnyCurve>, what: &str) -> Result<()> {
    match curve {
        Some(_) => Err(Error::usage(format!("--curve does not apply to {what}"))),
        None => Ok(()),
    }
}

/// The fixed curve of an algorithm; `--curve` may only repeat it.
pub fn fixed_curve(curve: Option<AnyCurve>, want: AnyCurve, alg: &str) -> Result<KeySpec> {
    match curve {
        Some(c) if c != want => Err(Error::usage(format!(
            "{alg} needs curve {}; --curve {} does not fit",
            curve_name(want),
            curve_name(c)
        ))),
        _ => Ok(want.spec()),
    }
}

/// The JWK `crv` name.
pub fn curve_name(c: AnyCurve) -> &'static str {
    match c {
        AnyCurve::Ec(c) => c.jwk_name(),
        AnyCurve::Okp(c) => c.jwk_name(),
    }
}

/// A symmetric key of `bytes` for `alg`; `--bits` may only repeat its size.
pub fn oct_for(bits: Option<usize>, bytes: usize, alg: &str) -> Result<KeySpec> {
    match bits {
        Some(b) if b != bytes * 8 => Err(Error::usage(format!(
            "{alg} needs a {}-bit key; --bits {b} does not fit",
            bytes * 8
        ))),
        _ => Ok(KeySpec::Oct { bytes }),
    }
}

/// The key to generate for algorithm `name` (a JWS alg, a JWE alg, or a
/// JWE enc, which stands for `dir`), and the `alg` to record on it;
/// `curve` and `bits` may only confirm what the algorithm implies.
pub fn keygen_spec(
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
            JwsAlg::MlDsa44 | JwsAlg::MlDsa65 | JwsAlg::MlDsa87 => {
                no_bits(bits, name)?;
                no_curve(curve, name)?;
                let level = MlDsaLevel::of(alg).expect("an ML-DSA algorithm has a level");
                KeySpec::MlDsa(level)
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

/// The JWK key types (RFC 7518 §6.1, RFC 8037 §2), as `keygen --kty` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// `RSA`.
    Rsa,
    /// `EC`.
    Ec,
    /// `OKP`.
    Okp,
    /// `oct`.
    Oct,
}

/// The key to generate for a key type (RSA when none is given), `curve`
/// and `bits`; a curve alone implies its type.
pub fn keygen_spec_for_type(
    kty: Option<KeyType>,
    curve: Option<AnyCurve>,
    bits: Option<usize>,
) -> Result<KeySpec> {
    // A curve alone implies its key type.
    let kty = kty.or(match curve {
        Some(AnyCurve::Ec(_)) => Some(KeyType::Ec),
        Some(AnyCurve::Okp(_)) => Some(KeyType::Okp),
        None => None,
    });
    match kty.unwrap_or(KeyType::Rsa) {
        KeyType::Rsa => {
            no_curve(curve, "RSA keys")?;
            rsa_bits(bits)
        }
        KeyType::Ec => {
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
        KeyType::Okp => {
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
        KeyType::Oct => {
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
