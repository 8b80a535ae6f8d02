//! The key model: every source format (PEM, DER, JWK, JWKS, certificate map)
//! is parsed into [`Key`]s, and every output format is written from them.
//! [`Key::permits`] is the one rule for what a key may do, and
//! [`KeySet::candidates`] the one place that picks the keys a token may be
//! checked with.

use std::fmt;

use zeroize::Zeroizing;

use super::alg::{JweAlg, JweEnc, JwsAlg, KeyAlg, KeyFamily, MlDsaLevel};
pub use super::curve::{Curve, OkpCurve};

/// Secret bytes, wiped on drop.
pub type Secret = Zeroizing<Vec<u8>>;

/// RSA private parts (RFC 7518 §6.3.2), big-endian unsigned integers.
/// Multi-prime keys (`oth`) are refused when read.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrivate {
    /// Private exponent (§6.3.2.1).
    pub d: Secret,
    /// First prime factor (§6.3.2.2).
    pub p: Secret,
    /// Second prime factor (§6.3.2.3).
    pub q: Secret,
    /// First factor CRT exponent, d mod (p - 1) (§6.3.2.4).
    pub dp: Secret,
    /// Second factor CRT exponent, d mod (q - 1) (§6.3.2.5).
    pub dq: Secret,
    /// First CRT coefficient, q⁻¹ mod p (§6.3.2.6).
    pub qi: Secret,
}

/// The cryptographic content of a key, in the JWK's own terms: big-endian
/// integers and curve coordinates of fixed length.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// An RSA key (`kty` `RSA`, RFC 7518 §6.3).
    Rsa {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
        /// The private parts; `None` for a public key.
        private: Option<RsaPrivate>,
    },
    /// An elliptic-curve key (`kty` `EC`, RFC 7518 §6.2).
    Ec {
        /// The curve (`crv`).
        curve: Curve,
        /// The public point's x coordinate, [`Curve::coord_len`] bytes.
        x: Vec<u8>,
        /// The public point's y coordinate, [`Curve::coord_len`] bytes.
        y: Vec<u8>,
        /// The private scalar, [`Curve::coord_len`] bytes; `None` for a public key.
        d: Option<Secret>,
    },
    /// An octet key pair (`kty` `OKP`, RFC 8037 §2).
    Okp {
        /// The curve (`crv`).
        curve: OkpCurve,
        /// The public key.
        x: Vec<u8>,
        /// The private key; `None` for a public key.
        d: Option<Secret>,
    },
    /// A symmetric secret (`kty` `oct`, RFC 7518 §6.4).
    Oct {
        /// The secret bytes.
        k: Secret,
    },
    /// An algorithm key pair (`kty` `AKP`, RFC 9964 §3) for ML-DSA: the
    /// JWK's required `alg` is part of the key, as its level.
    Akp {
        /// The ML-DSA level, from the JWK `alg` or the PKCS#8/SPKI identifier.
        level: MlDsaLevel,
        /// The encoded public key (`pub`), [`MlDsaLevel::public_len`] bytes.
        public: Vec<u8>,
        /// The 32-byte private seed (`priv`); `None` for a public key.
        seed: Option<Secret>,
    },
}

// Debug must never print secret material.
impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())?;
        if self.is_private() {
            f.write_str(" (private)")?;
        }
        Ok(())
    }
}

impl KeyMaterial {
    /// The JWK `kty`: `RSA`, `EC`, `OKP`, `oct` or `AKP`.
    pub fn kty(&self) -> &'static str {
        match self {
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { .. } => "EC",
            KeyMaterial::Okp { .. } => "OKP",
            KeyMaterial::Oct { .. } => "oct",
            KeyMaterial::Akp { .. } => "AKP",
        }
    }

    /// Whether this holds private (or secret) parts.
    pub fn is_private(&self) -> bool {
        match self {
            KeyMaterial::Rsa { private, .. } => private.is_some(),
            KeyMaterial::Ec { d, .. } | KeyMaterial::Okp { d, .. } => d.is_some(),
            KeyMaterial::Oct { .. } => true,
            KeyMaterial::Akp { seed, .. } => seed.is_some(),
        }
    }

    /// Symmetric keys have no public half.
    pub fn is_symmetric(&self) -> bool {
        matches!(self, KeyMaterial::Oct { .. })
    }

    /// The public half; `None` for symmetric keys.
    pub fn to_public(&self) -> Option<KeyMaterial> {
        Some(match self {
            KeyMaterial::Rsa { n, e, .. } => KeyMaterial::Rsa {
                n: n.clone(),
                e: e.clone(),
                private: None,
            },
            KeyMaterial::Ec { curve, x, y, .. } => KeyMaterial::Ec {
                curve: *curve,
                x: x.clone(),
                y: y.clone(),
                d: None,
            },
            KeyMaterial::Okp { curve, x, .. } => KeyMaterial::Okp {
                curve: *curve,
                x: x.clone(),
                d: None,
            },
            KeyMaterial::Akp { level, public, .. } => KeyMaterial::Akp {
                level: *level,
                public: public.clone(),
                seed: None,
            },
            KeyMaterial::Oct { .. } => return None,
        })
    }

    /// Size in bits: the RSA modulus, the curve order, the secret length, or
    /// the ML-DSA public key length.
    pub fn bits(&self) -> usize {
        match self {
            KeyMaterial::Rsa { n, .. } => {
                let lead = n.iter().position(|b| *b != 0).unwrap_or(n.len());
                let n = &n[lead..];
                match n.first() {
                    Some(b) => n.len() * 8 - b.leading_zeros() as usize,
                    None => 0,
                }
            }
            KeyMaterial::Ec { curve, .. } => curve.bits(),
            KeyMaterial::Okp { .. } => 256,
            KeyMaterial::Oct { k } => k.len() * 8,
            KeyMaterial::Akp { public, .. } => public.len() * 8,
        }
    }

    /// "RSA 2048", "EC P-256", "OKP Ed25519", "oct 256", "AKP ML-DSA-65".
    pub fn describe(&self) -> String {
        match self {
            KeyMaterial::Rsa { .. } => format!("RSA {}", self.bits()),
            KeyMaterial::Ec { curve, .. } => format!("EC {}", curve.jwk_name()),
            KeyMaterial::Okp { curve, .. } => format!("OKP {}", curve.jwk_name()),
            KeyMaterial::Oct { k } => format!("oct {}", k.len() * 8),
            KeyMaterial::Akp { level, .. } => format!("AKP {}", level.name()),
        }
    }

    /// Whether an algorithm of this family may use this key.
    pub fn fits(&self, family: KeyFamily) -> bool {
        match (family, self) {
            (KeyFamily::Rsa, KeyMaterial::Rsa { .. }) => true,
            (KeyFamily::Ec(c), KeyMaterial::Ec { curve, .. }) => c == *curve,
            (KeyFamily::Okp(c), KeyMaterial::Okp { curve, .. }) => c == *curve,
            (KeyFamily::Oct, KeyMaterial::Oct { .. }) => true,
            (KeyFamily::Akp(l), KeyMaterial::Akp { level, .. }) => l == *level,
            (KeyFamily::Agreement, KeyMaterial::Ec { curve, .. }) => *curve != Curve::Secp256k1,
            (KeyFamily::Agreement, KeyMaterial::Okp { curve, .. }) => *curve == OkpCurve::X25519,
            _ => false,
        }
    }
}

/// JWK `use` (RFC 7517 §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyUse {
    /// `sig`: for signatures.
    Sig,
    /// `enc`: for encryption.
    Enc,
    /// Any other value, kept as given; [`Key::permits`] refuses every
    /// operation to a key that has it.
    Other(String),
}

impl KeyUse {
    /// Classify a `use` value, matched exactly; never fails.
    pub fn parse(s: &str) -> KeyUse {
        match s {
            "sig" => KeyUse::Sig,
            "enc" => KeyUse::Enc,
            other => KeyUse::Other(other.to_owned()),
        }
    }

    /// The value as written in the JWK.
    pub fn as_str(&self) -> &str {
        match self {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
            KeyUse::Other(s) => s,
        }
    }
}

/// A key with its JWK metadata. Certificates contribute their public key and
/// keep their DER in `x5c` so that `x5t`/`x5t#S256` selection works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key itself.
    pub material: KeyMaterial,
    /// JWK `kid` (RFC 7517 §4.5); `None` matches any token `kid` in
    /// [`KeySet::candidates`].
    pub kid: Option<String>,
    /// JWK `alg` (RFC 7517 §4.4); when present, it limits the key to that
    /// algorithm (see [`Key::permits`]).
    pub alg: Option<KeyAlg>,
    /// JWK `use` (RFC 7517 §4.2); `None` allows both signing and encryption.
    pub key_use: Option<KeyUse>,
    /// JWK `key_ops` (RFC 7517 §4.3) as given, unknown values kept; `None`
    /// allows every operation.
    pub key_ops: Option<Vec<String>>,
    /// DER certificates, leaf first (RFC 7517 §4.7).
    pub x5c: Vec<Vec<u8>>,
    /// SHA-1 certificate thumbprint (RFC 7517 §4.8), as given or computed from `x5c[0]`.
    pub x5t: Option<Vec<u8>>,
    /// SHA-256 certificate thumbprint (RFC 7517 §4.9).
    pub x5t_s256: Option<Vec<u8>>,
}

impl Key {
    /// A key with this material and no metadata.
    pub fn new(material: KeyMaterial) -> Key {
        Key {
            material,
            kid: None,
            alg: None,
            key_use: None,
            key_ops: None,
            x5c: Vec::new(),
            x5t: None,
            x5t_s256: None,
        }
    }

    /// The public half with its metadata; symmetric keys have none.
    pub fn to_public(&self) -> Option<Key> {
        Some(Key {
            material: self.material.to_public()?,
            ..self.clone()
        })
    }
}

/// What a key is asked to do, with the algorithms involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOp {
    /// Make a JWS signature.
    Sign(JwsAlg),
    /// Check a JWS signature.
    Verify(JwsAlg),
    /// Encrypt a JWE to this key (wrap, agree or use it directly).
    Encrypt(JweAlg, JweEnc),
    /// Decrypt a JWE with this key.
    Decrypt(JweAlg, JweEnc),
}

impl Key {
    /// Whether this key may do `op`: the algorithm's key family fits the
    /// material, and the key's own JWK `alg`, `use` and `key_ops` (RFC 7517
    /// §4.2-§4.4), when present, allow it. Every pipeline asks this one
    /// question, so a key refused for verification is refused for the same
    /// reason everywhere. Where two older rules disagreed, the stricter one
    /// holds: an unknown `alg` or a `use` other than the operation's own
    /// (`sig` or `enc`) refuses the key.
    pub fn permits(&self, op: KeyOp) -> bool {
        let (family, want_use, alg_ok) = match op {
            KeyOp::Sign(alg) | KeyOp::Verify(alg) => (
                alg.family(),
                KeyUse::Sig,
                match &self.alg {
                    None => true,
                    Some(KeyAlg::Jws(a)) => a.same_as(alg),
                    Some(_) => false,
                },
            ),
            KeyOp::Encrypt(alg, enc) | KeyOp::Decrypt(alg, enc) => (
                alg.family(),
                KeyUse::Enc,
                match &self.alg {
                    None => true,
                    Some(KeyAlg::Jwe(a)) => *a == alg,
                    Some(KeyAlg::Enc(e)) => alg == JweAlg::Dir && *e == enc,
                    Some(_) => false,
                },
            ),
        };
        let use_ok = self.key_use.as_ref().is_none_or(|u| *u == want_use);
        let ops_ok = self.key_ops.as_ref().is_none_or(|ops| {
            let allowed: &[&str] = match op {
                KeyOp::Sign(_) => &["sign"],
                KeyOp::Verify(_) => &["verify"],
                KeyOp::Encrypt(alg, _) if alg.is_direct() => {
                    &["encrypt", "deriveKey", "deriveBits"]
                }
                KeyOp::Encrypt(..) => &["wrapKey", "encrypt", "deriveKey", "deriveBits"],
                KeyOp::Decrypt(alg, _) if alg.is_direct() => {
                    &["decrypt", "deriveKey", "deriveBits"]
                }
                KeyOp::Decrypt(..) => &["unwrapKey", "decrypt", "deriveKey", "deriveBits"],
            };
            ops.iter().any(|o| allowed.contains(&o.as_str()))
        });
        self.material.fits(family) && alg_ok && use_ok && ops_ok
    }
}

/// The keys given for one call, parsed once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeySet {
    /// The keys; [`KeySet::candidates`] yields them in this order.
    pub keys: Vec<Key>,
}

impl KeySet {
    /// A set of these keys.
    pub fn new(keys: Vec<Key>) -> KeySet {
        KeySet { keys }
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Keys a token may be checked with (RFC 7515 §4.1.4/§4.1.7/§4.1.8): a
    /// header `kid` keeps keys with that kid or with none; `x5t`/`x5t#S256`
    /// keep certificates with that thumbprint and keys without a certificate;
    /// only keys whose family fits the algorithm survive. Nothing named inside
    /// the token (`jwk`, `jku`, `x5u`, `x5c`) is ever a candidate.
    pub fn candidates<'a>(
        &'a self,
        family: KeyFamily,
        kid: Option<&'a str>,
        x5t: Option<&'a [u8]>,
        x5t_s256: Option<&'a [u8]>,
    ) -> impl Iterator<Item = &'a Key> + 'a {
        self.keys.iter().filter(move |k| {
            k.material.fits(family)
                && match (kid, k.kid.as_deref()) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
                && match (x5t, k.x5t.as_deref()) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
                && match (x5t_s256, k.x5t_s256.as_deref()) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
        })
    }
}
