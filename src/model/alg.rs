//! Registered algorithm names (RFC 7518, RFC 8037, RFC 9864) as enums.
//! `none` is not representable: it can be neither produced nor accepted.

use std::fmt;
use std::str::FromStr;

/// The family of key an algorithm needs. An algorithm is only ever used with a
/// key of its own family (RFC 8725 §3.1): an RSA public key is never an HMAC secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// An RSA key, of any accepted size.
    Rsa,
    /// An EC key on exactly this curve.
    Ec(super::curve::Curve),
    /// An OKP key on exactly this curve (RFC 8037).
    Okp(super::curve::OkpCurve),
    /// A symmetric (`oct`) secret.
    Oct,
    /// ECDH-ES works with any EC curve of the contract but secp256k1, or X25519.
    Agreement,
    /// A password for PBES2 (RFC 7518 §4.8): no key material fits it.
    Password,
    /// An `AKP` key of exactly this ML-DSA level (RFC 9964).
    Akp(MlDsaLevel),
}

/// An ML-DSA parameter set (FIPS 204 Table 1): the level of an `AKP` key,
/// which RFC 9964 binds to the key through its required `alg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MlDsaLevel {
    /// ML-DSA-44 (NIST security category 2).
    L44,
    /// ML-DSA-65 (NIST security category 3).
    L65,
    /// ML-DSA-87 (NIST security category 5).
    L87,
}

impl MlDsaLevel {
    /// Every level, smallest first.
    pub const ALL: [MlDsaLevel; 3] = [MlDsaLevel::L44, MlDsaLevel::L65, MlDsaLevel::L87];

    /// The JWS algorithm of this level.
    pub fn alg(self) -> JwsAlg {
        match self {
            MlDsaLevel::L44 => JwsAlg::MlDsa44,
            MlDsaLevel::L65 => JwsAlg::MlDsa65,
            MlDsaLevel::L87 => JwsAlg::MlDsa87,
        }
    }

    /// The level of an ML-DSA algorithm; `None` for any other.
    pub fn of(alg: JwsAlg) -> Option<MlDsaLevel> {
        match alg {
            JwsAlg::MlDsa44 => Some(MlDsaLevel::L44),
            JwsAlg::MlDsa65 => Some(MlDsaLevel::L65),
            JwsAlg::MlDsa87 => Some(MlDsaLevel::L87),
            _ => None,
        }
    }

    /// The registered name, `ML-DSA-44`, `ML-DSA-65` or `ML-DSA-87`.
    pub fn name(self) -> &'static str {
        self.alg().name()
    }

    /// The encoded public key length (FIPS 204 Table 2).
    pub fn public_len(self) -> usize {
        match self {
            MlDsaLevel::L44 => 1312,
            MlDsaLevel::L65 => 1952,
            MlDsaLevel::L87 => 2592,
        }
    }

    /// The signature length (FIPS 204 Table 2).
    pub fn signature_len(self) -> usize {
        match self {
            MlDsaLevel::L44 => 2420,
            MlDsaLevel::L65 => 3309,
            MlDsaLevel::L87 => 4627,
        }
    }

    /// The expanded private key length (FIPS 204 Table 2); JOSE keys hold
    /// the 32-byte seed instead ([`MlDsaLevel::SEED_LEN`]).
    pub fn expanded_len(self) -> usize {
        match self {
            MlDsaLevel::L44 => 2560,
            MlDsaLevel::L65 => 4032,
            MlDsaLevel::L87 => 4896,
        }
    }

    /// The private seed length, the same at every level (RFC 9964 §4).
    pub const SEED_LEN: usize = 32;
}

macro_rules! alg_enum {
    ($(#[$m:meta])* $name:ident, $what:literal {
        $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The registered name, as written in a header or JWK.
            pub fn name(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = UnknownAlg;
            /// Names match exactly, case-sensitively (RFC 7515 §4.1.1).
            fn from_str(s: &str) -> Result<Self, UnknownAlg> {
                match s {
                    $($s => Ok($name::$var),)+
                    _ => Err(UnknownAlg { kind: $what, name: s.to_owned() }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
    };
}

/// An algorithm name this tool does not know (or `none`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} algorithm {name:?}")]
pub struct UnknownAlg {
    /// Which registry was searched: `JWS`, `JWE key management` or `JWE
    /// content encryption`.
    pub kind: &'static str,
    /// The name as given.
    pub name: String,
}

alg_enum!(
    /// JWS `alg` values (RFC 7518 §3.1, RFC 8037, RFC 8812 ES256K, RFC 9864
    /// Ed25519, RFC 9964 ML-DSA).
    JwsAlg, "JWS" {
        /// `HS256`: HMAC with SHA-256 (RFC 7518 §3.2).
        HS256 => "HS256",
        /// `HS384`: HMAC with SHA-384 (RFC 7518 §3.2).
        HS384 => "HS384",
        /// `HS512`: HMAC with SHA-512 (RFC 7518 §3.2).
        HS512 => "HS512",
        /// `RS256`: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
        RS256 => "RS256",
        /// `RS384`: RSASSA-PKCS1-v1_5 with SHA-384 (RFC 7518 §3.3).
        RS384 => "RS384",
        /// `RS512`: RSASSA-PKCS1-v1_5 with SHA-512 (RFC 7518 §3.3).
        RS512 => "RS512",
        /// `PS256`: RSASSA-PSS with SHA-256 and MGF1 with SHA-256 (RFC 7518 §3.5).
        PS256 => "PS256",
        /// `PS384`: RSASSA-PSS with SHA-384 and MGF1 with SHA-384 (RFC 7518 §3.5).
        PS384 => "PS384",
        /// `PS512`: RSASSA-PSS with SHA-512 and MGF1 with SHA-512 (RFC 7518 §3.5).
        PS512 => "PS512",
        /// `ES256`: ECDSA on P-256 with SHA-256 (RFC 7518 §3.4).
        ES256 => "ES256",
        /// `ES384`: ECDSA on P-384 with SHA-384 (RFC 7518 §3.4).
        ES384 => "ES384",
        /// `ES512`: ECDSA on P-521 with SHA-512 (RFC 7518 §3.4).
        ES512 => "ES512",
        /// `ES256K`: ECDSA on secp256k1 with SHA-256 (RFC 8812 §3.2).
        ES256K => "ES256K",
        /// `EdDSA`: Edwards-curve signatures (RFC 8037 §3.1); here only on Ed25519 keys.
        EdDSA => "EdDSA",
        /// `Ed25519`: EdDSA on Ed25519, fully specified (RFC 9864).
        Ed25519 => "Ed25519",
        /// `ML-DSA-44`: ML-DSA-44 (FIPS 204) on an `AKP` key of that level (RFC 9964).
        MlDsa44 => "ML-DSA-44",
        /// `ML-DSA-65`: ML-DSA-65 (FIPS 204) on an `AKP` key of that level (RFC 9964).
        MlDsa65 => "ML-DSA-65",
        /// `ML-DSA-87`: ML-DSA-87 (FIPS 204) on an `AKP` key of that level (RFC 9964).
        MlDsa87 => "ML-DSA-87",
    }
);

alg_enum!(
    /// JWE key management `alg` values (RFC 7518 §4.1, RFC 8037).
    JweAlg, "JWE key management" {
        /// `RSA-OAEP`: RSAES-OAEP with SHA-1 and MGF1 with SHA-1 (RFC 7518 §4.3).
        RsaOaep => "RSA-OAEP",
        /// `RSA-OAEP-256`: RSAES-OAEP with SHA-256 and MGF1 with SHA-256 (RFC 7518 §4.3).
        RsaOaep256 => "RSA-OAEP-256",
        /// `RSA-OAEP-384`: RSAES-OAEP with SHA-384 and MGF1 with SHA-384 (IANA JOSE registry).
        RsaOaep384 => "RSA-OAEP-384",
        /// `RSA-OAEP-512`: RSAES-OAEP with SHA-512 and MGF1 with SHA-512 (IANA JOSE registry).
        RsaOaep512 => "RSA-OAEP-512",
        /// `RSA1_5`: RSAES-PKCS1-v1_5 (RFC 7518 §4.2).
        Rsa1_5 => "RSA1_5",
        /// `A128KW`: AES Key Wrap with a 128-bit key (RFC 7518 §4.4).
        A128KW => "A128KW",
        /// `A192KW`: AES Key Wrap with a 192-bit key (RFC 7518 §4.4).
        A192KW => "A192KW",
        /// `A256KW`: AES Key Wrap with a 256-bit key (RFC 7518 §4.4).
        A256KW => "A256KW",
        /// `dir`: the shared symmetric key is the CEK (RFC 7518 §4.5).
        Dir => "dir",
        /// `ECDH-ES`: the Concat KDF output of ECDH-ES is the CEK (RFC 7518 §4.6).
        EcdhEs => "ECDH-ES",
        /// `ECDH-ES+A128KW`: ECDH-ES, the derived key wraps the CEK with A128KW (RFC 7518 §4.6).
        EcdhEsA128KW => "ECDH-ES+A128KW",
        /// `ECDH-ES+A192KW`: ECDH-ES, the derived key wraps the CEK with A192KW (RFC 7518 §4.6).
        EcdhEsA192KW => "ECDH-ES+A192KW",
        /// `ECDH-ES+A256KW`: ECDH-ES, the derived key wraps the CEK with A256KW (RFC 7518 §4.6).
        EcdhEsA256KW => "ECDH-ES+A256KW",
        /// `A128GCMKW`: the CEK encrypted with AES-GCM under a 128-bit key (RFC 7518 §4.7).
        A128GCMKW => "A128GCMKW",
        /// `A192GCMKW`: the CEK encrypted with AES-GCM under a 192-bit key (RFC 7518 §4.7).
        A192GCMKW => "A192GCMKW",
        /// `A256GCMKW`: the CEK encrypted with AES-GCM under a 256-bit key (RFC 7518 §4.7).
        A256GCMKW => "A256GCMKW",
        /// `PBES2-HS256+A128KW`: PBKDF2 with HMAC SHA-256, then A128KW (RFC 7518 §4.8).
        Pbes2Hs256A128KW => "PBES2-HS256+A128KW",
        /// `PBES2-HS384+A192KW`: PBKDF2 with HMAC SHA-384, then A192KW (RFC 7518 §4.8).
        Pbes2Hs384A192KW => "PBES2-HS384+A192KW",
        /// `PBES2-HS512+A256KW`: PBKDF2 with HMAC SHA-512, then A256KW (RFC 7518 §4.8).
        Pbes2Hs512A256KW => "PBES2-HS512+A256KW",
    }
);

alg_enum!(
    /// JWE content encryption `enc` values (RFC 7518 §5.1).
    JweEnc, "JWE content encryption" {
        /// `A128CBC-HS256`: AES-128-CBC with HMAC SHA-256, a 32-byte CEK (RFC 7518 §5.2.3).
        A128CbcHs256 => "A128CBC-HS256",
        /// `A192CBC-HS384`: AES-192-CBC with HMAC SHA-384, a 48-byte CEK (RFC 7518 §5.2.4).
        A192CbcHs384 => "A192CBC-HS384",
        /// `A256CBC-HS512`: AES-256-CBC with HMAC SHA-512, a 64-byte CEK (RFC 7518 §5.2.5).
        A256CbcHs512 => "A256CBC-HS512",
        /// `A128GCM`: AES-GCM with a 128-bit key (RFC 7518 §5.3).
        A128GCM => "A128GCM",
        /// `A192GCM`: AES-GCM with a 192-bit key (RFC 7518 §5.3).
        A192GCM => "A192GCM",
        /// `A256GCM`: AES-GCM with a 256-bit key (RFC 7518 §5.3).
        A256GCM => "A256GCM",
    }
);

/// The SHA-2 width an algorithm is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sha {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Sha {
    /// The digest length in bytes: 32, 48 or 64.
    pub fn output_len(self) -> usize {
        match self {
            Sha::Sha256 => 32,
            Sha::Sha384 => 48,
            Sha::Sha512 => 64,
        }
    }
}

impl JwsAlg {
    /// Whether two names denote the same algorithm: `EdDSA` (RFC 8037) and
    /// the fully specified `Ed25519` (RFC 9864) are one algorithm on an
    /// Ed25519 key.
    pub fn same_as(self, other: JwsAlg) -> bool {
        let ed = |x| matches!(x, JwsAlg::EdDSA | JwsAlg::Ed25519);
        self == other || (ed(self) && ed(other))
    }

    /// The key family this algorithm accepts.
    pub fn family(self) -> KeyFamily {
        use super::curve::{Curve, OkpCurve};
        match self {
            JwsAlg::HS256 | JwsAlg::HS384 | JwsAlg::HS512 => KeyFamily::Oct,
            JwsAlg::RS256 | JwsAlg::RS384 | JwsAlg::RS512 => KeyFamily::Rsa,
            JwsAlg::PS256 | JwsAlg::PS384 | JwsAlg::PS512 => KeyFamily::Rsa,
            JwsAlg::ES256 => KeyFamily::Ec(Curve::P256),
            JwsAlg::ES384 => KeyFamily::Ec(Curve::P384),
            JwsAlg::ES512 => KeyFamily::Ec(Curve::P521),
            JwsAlg::ES256K => KeyFamily::Ec(Curve::Secp256k1),
            JwsAlg::EdDSA | JwsAlg::Ed25519 => KeyFamily::Okp(OkpCurve::Ed25519),
            JwsAlg::MlDsa44 => KeyFamily::Akp(MlDsaLevel::L44),
            JwsAlg::MlDsa65 => KeyFamily::Akp(MlDsaLevel::L65),
            JwsAlg::MlDsa87 => KeyFamily::Akp(MlDsaLevel::L87),
        }
    }

    /// The SHA-2 hash the algorithm uses; `None` for EdDSA/Ed25519 and
    /// ML-DSA, whose hash is fixed by the signature scheme itself.
    pub fn sha(self) -> Option<Sha> {
        match self {
            JwsAlg::HS256 | JwsAlg::RS256 | JwsAlg::PS256 | JwsAlg::ES256 | JwsAlg::ES256K => {
                Some(Sha::Sha256)
            }
            JwsAlg::HS384 | JwsAlg::RS384 | JwsAlg::PS384 | JwsAlg::ES384 => Some(Sha::Sha384),
            JwsAlg::HS512 | JwsAlg::RS512 | JwsAlg::PS512 | JwsAlg::ES512 => Some(Sha::Sha512),
            JwsAlg::EdDSA
            | JwsAlg::Ed25519
            | JwsAlg::MlDsa44
            | JwsAlg::MlDsa65
            | JwsAlg::MlDsa87 => None,
        }
    }

    /// Whether this is `HS256`, `HS384` or `HS512` (a shared-secret MAC).
    pub fn is_hmac(self) -> bool {
        self.family() == KeyFamily::Oct
    }
}

impl JweAlg {
    /// Whether the key management mode is direct (no encrypted key, one recipient only).
    pub fn is_direct(self) -> bool {
        matches!(self, JweAlg::Dir | JweAlg::EcdhEs)
    }

    /// For AES key wrap based modes: the KEK length in bytes.
    pub fn kw_len(self) -> Option<usize> {
        match self {
            JweAlg::A128KW
            | JweAlg::EcdhEsA128KW
            | JweAlg::A128GCMKW
            | JweAlg::Pbes2Hs256A128KW => Some(16),
            JweAlg::A192KW
            | JweAlg::EcdhEsA192KW
            | JweAlg::A192GCMKW
            | JweAlg::Pbes2Hs384A192KW => Some(24),
            JweAlg::A256KW
            | JweAlg::EcdhEsA256KW
            | JweAlg::A256GCMKW
            | JweAlg::Pbes2Hs512A256KW => Some(32),
            _ => None,
        }
    }

    /// The key family this algorithm accepts: `dir`, AES-KW and AES-GCM-KW
    /// take a symmetric secret.
    pub fn family(self) -> KeyFamily {
        match self {
            JweAlg::RsaOaep
            | JweAlg::RsaOaep256
            | JweAlg::RsaOaep384
            | JweAlg::RsaOaep512
            | JweAlg::Rsa1_5 => KeyFamily::Rsa,
            JweAlg::EcdhEs | JweAlg::EcdhEsA128KW | JweAlg::EcdhEsA192KW | JweAlg::EcdhEsA256KW => {
                KeyFamily::Agreement
            }
            JweAlg::Pbes2Hs256A128KW | JweAlg::Pbes2Hs384A192KW | JweAlg::Pbes2Hs512A256KW => {
                KeyFamily::Password
            }
            _ => KeyFamily::Oct,
        }
    }
}

impl JweEnc {
    /// The content encryption key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            JweEnc::A128CbcHs256 => 32,
            JweEnc::A192CbcHs384 => 48,
            JweEnc::A256CbcHs512 => 64,
            JweEnc::A128GCM => 16,
            JweEnc::A192GCM => 24,
            JweEnc::A256GCM => 32,
        }
    }

    /// Whether this is one of the AES-GCM encryptions (RFC 7518 §5.3).
    pub fn is_gcm(self) -> bool {
        matches!(self, JweEnc::A128GCM | JweEnc::A192GCM | JweEnc::A256GCM)
    }

    /// The IV length in bytes: 16 for AES-CBC-HMAC, 12 for AES-GCM.
    pub fn iv_len(self) -> usize {
        match self {
            JweEnc::A128CbcHs256 | JweEnc::A192CbcHs384 | JweEnc::A256CbcHs512 => 16,
            _ => 12,
        }
    }

    /// The `enc` whose CEK has exactly this many bytes, preferring GCM.
    pub fn for_key_len(len: usize) -> Option<JweEnc> {
        [
            JweEnc::A128GCM,
            JweEnc::A192GCM,
            JweEnc::A256GCM,
            JweEnc::A256CbcHs512,
            JweEnc::A192CbcHs384,
        ]
        .into_iter()
        .find(|e| e.key_len() == len)
    }
}

/// An algorithm as recorded in a JWK's `alg` member. Unknown names are kept as
/// they are so that reading and re-writing a JWK loses nothing, but they never
/// select any cryptography.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    /// A JWS signature algorithm.
    Jws(JwsAlg),
    /// A JWE key management algorithm.
    Jwe(JweAlg),
    /// A JWE content encryption algorithm (a key used with `dir`).
    Enc(JweEnc),
    /// A name none of the three enums knows, kept verbatim.
    Unknown(String),
}

impl KeyAlg {
    /// Classify a name, trying JWS, then JWE key management, then content
    /// encryption; never fails, an unknown name becomes [`KeyAlg::Unknown`].
    pub fn parse(s: &str) -> KeyAlg {
        if let Ok(a) = s.parse() {
            KeyAlg::Jws(a)
        } else if let Ok(a) = s.parse() {
            KeyAlg::Jwe(a)
        } else if let Ok(e) = s.parse() {
            KeyAlg::Enc(e)
        } else {
            KeyAlg::Unknown(s.to_owned())
        }
    }

    /// The name as it appears in the JWK.
    pub fn name(&self) -> &str {
        match self {
            KeyAlg::Jws(a) => a.name(),
            KeyAlg::Jwe(a) => a.name(),
            KeyAlg::Enc(e) => e.name(),
            KeyAlg::Unknown(s) => s,
        }
    }
}

impl fmt::Display for KeyAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_exactly() {
        for a in JwsAlg::ALL {
            assert_eq!(a.name().parse::<JwsAlg>(), Ok(*a));
        }
        for a in JweAlg::ALL {
            assert_eq!(a.name().parse::<JweAlg>(), Ok(*a));
        }
        for e in JweEnc::ALL {
            assert_eq!(e.name().parse::<JweEnc>(), Ok(*e));
        }
    }

    #[test]
    fn none_and_case_variants_are_unknown() {
        for s in ["none", "None", "NONE", "hs256", "Rs256", "eddsa", "DIR", ""] {
            assert!(s.parse::<JwsAlg>().is_err(), "{s}");
            assert!(s.parse::<JweAlg>().is_err(), "{s}");
        }
    }
}
