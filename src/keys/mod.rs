//! The key model: every source format (PEM, DER, JWK, JWKS, certificate map)
//! is parsed into [`Key`]s, and every output format is written from them.
//! [`KeySet::candidates`] is the one place that decides which keys a token may
//! be checked with.

pub mod cert;
pub mod cert_info;
pub mod certmap;
pub mod der;
pub mod export;
pub mod jwk;
pub mod pem;
pub mod remote;
pub mod source;
pub mod thumbprint;

use std::fmt;

use zeroize::Zeroizing;

use crate::jose::alg::{KeyAlg, KeyFamily};

/// Secret bytes, wiped on drop.
pub type Secret = Zeroizing<Vec<u8>>;

/// Weierstrass curves of the contract, with their JWK `crv` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    pub const ALL: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1];

    pub fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    pub fn from_jwk_name(s: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.jwk_name() == s)
    }

    /// Length in bytes of a coordinate or private scalar.
    pub fn coord_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    pub fn bits(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }
}

/// Edwards/Montgomery curves (RFC 8037), with their JWK `crv` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OkpCurve {
    Ed25519,
    X25519,
}

impl OkpCurve {
    pub fn jwk_name(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::X25519 => "X25519",
        }
    }

    pub fn from_jwk_name(s: &str) -> Option<OkpCurve> {
        match s {
            "Ed25519" => Some(OkpCurve::Ed25519),
            "X25519" => Some(OkpCurve::X25519),
            _ => None,
        }
    }
}

/// RSA private parts (RFC 7518 §6.3.2), big-endian unsigned integers.
/// Multi-prime keys (`oth`) are refused when read.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrivate {
    pub d: Secret,
    pub p: Secret,
    pub q: Secret,
    pub dp: Secret,
    pub dq: Secret,
    pub qi: Secret,
}

/// The cryptographic content of a key, in the JWK's own terms: big-endian
/// integers and curve coordinates of fixed length.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        private: Option<RsaPrivate>,
    },
    Ec {
        curve: Curve,
        x: Vec<u8>,
        y: Vec<u8>,
        d: Option<Secret>,
    },
    Okp {
        curve: OkpCurve,
        x: Vec<u8>,
        d: Option<Secret>,
    },
    Oct {
        k: Secret,
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
    pub fn kty(&self) -> &'static str {
        match self {
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { .. } => "EC",
            KeyMaterial::Okp { .. } => "OKP",
            KeyMaterial::Oct { .. } => "oct",
        }
    }

    /// Whether this holds private (or secret) parts.
    pub fn is_private(&self) -> bool {
        match self {
            KeyMaterial::Rsa { private, .. } => private.is_some(),
            KeyMaterial::Ec { d, .. } | KeyMaterial::Okp { d, .. } => d.is_some(),
            KeyMaterial::Oct { .. } => true,
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
            KeyMaterial::Oct { .. } => return None,
        })
    }

    /// Size in bits: the RSA modulus, the curve order, or the secret length.
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
        }
    }

    /// "RSA 2048", "EC P-256", "OKP Ed25519", "oct 256".
    pub fn describe(&self) -> String {
        match self {
            KeyMaterial::Rsa { .. } => format!("RSA {}", self.bits()),
            KeyMaterial::Ec { curve, .. } => format!("EC {}", curve.jwk_name()),
            KeyMaterial::Okp { curve, .. } => format!("OKP {}", curve.jwk_name()),
            KeyMaterial::Oct { k } => format!("oct {}", k.len() * 8),
        }
    }

    /// Whether an algorithm of this family may use this key.
    pub fn fits(&self, family: KeyFamily) -> bool {
        match (family, self) {
            (KeyFamily::Rsa, KeyMaterial::Rsa { .. }) => true,
            (KeyFamily::Ec(c), KeyMaterial::Ec { curve, .. }) => c == *curve,
            (KeyFamily::Okp(c), KeyMaterial::Okp { curve, .. }) => c == *curve,
            (KeyFamily::Oct, KeyMaterial::Oct { .. }) => true,
            (KeyFamily::Agreement, KeyMaterial::Ec { curve, .. }) => *curve != Curve::Secp256k1,
            (KeyFamily::Agreement, KeyMaterial::Okp { curve, .. }) => *curve == OkpCurve::X25519,
            _ => false,
        }
    }
}

/// JWK `use` (RFC 7517 §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyUse {
    Sig,
    Enc,
    Other(String),
}

impl KeyUse {
    pub fn parse(s: &str) -> KeyUse {
        match s {
            "sig" => KeyUse::Sig,
            "enc" => KeyUse::Enc,
            other => KeyUse::Other(other.to_owned()),
        }
    }

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
    pub material: KeyMaterial,
    pub kid: Option<String>,
    pub alg: Option<KeyAlg>,
    pub key_use: Option<KeyUse>,
    pub key_ops: Option<Vec<String>>,
    /// DER certificates, leaf first (RFC 7517 §4.7).
    pub x5c: Vec<Vec<u8>>,
    /// SHA-1 certificate thumbprint (RFC 7517 §4.8), as given or computed from `x5c[0]`.
    pub x5t: Option<Vec<u8>>,
    /// SHA-256 certificate thumbprint (RFC 7517 §4.9).
    pub x5t_s256: Option<Vec<u8>>,
}

impl Key {
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

    /// RFC 7638 SHA-256 thumbprint, base64url.
    pub fn thumbprint(&self) -> String {
        thumbprint::sha256_b64(&self.material)
    }
}

/// The keys given for one call, parsed once.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    pub keys: Vec<Key>,
}

impl KeySet {
    pub fn new(keys: Vec<Key>) -> KeySet {
        KeySet { keys }
    }

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
