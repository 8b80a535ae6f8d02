//! The elliptic curves of the contract, with their JWK `crv` names.

/// Weierstrass curves of the contract, with their JWK `crv` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// `P-256` (NIST P-256, secp256r1; RFC 7518 §6.2.1.1).
    P256,
    /// `P-384` (NIST P-384, secp384r1; RFC 7518 §6.2.1.1).
    P384,
    /// `P-521` (NIST P-521, secp521r1; RFC 7518 §6.2.1.1).
    P521,
    /// `secp256k1` (RFC 8812 §3.1), for ES256K only.
    Secp256k1,
}

impl Curve {
    /// Every curve, in declaration order.
    pub const ALL: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1];

    /// The JWK `crv` name (`P-256`, `P-384`, `P-521`, `secp256k1`).
    pub fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    /// The curve of a JWK `crv` name, matched exactly; `None` for any other name.
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

    /// The size of the curve order in bits: 256, 384 or 521.
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
    /// `Ed25519`, for EdDSA signatures (RFC 8037 §3.1).
    Ed25519,
    /// `X25519`, for ECDH-ES key agreement (RFC 8037 §3.2).
    X25519,
}

impl OkpCurve {
    /// The JWK `crv` name (`Ed25519` or `X25519`).
    pub fn jwk_name(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::X25519 => "X25519",
        }
    }

    /// The curve of a JWK `crv` name, matched exactly; `None` for any other name.
    pub fn from_jwk_name(s: &str) -> Option<OkpCurve> {
        match s {
            "Ed25519" => Some(OkpCurve::Ed25519),
            "X25519" => Some(OkpCurve::X25519),
            _ => None,
        }
    }
}
