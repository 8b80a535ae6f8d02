//! Floor 0, the vocabulary every other layer speaks: algorithm names, the
//! key model, where keys come from ([`KeyProvider`]), and the typed errors
//! with the contract's rejection codes. Nothing here parses or computes.

pub mod alg;
pub mod curve;
pub mod error;
pub mod key;
pub mod provider;

pub use alg::{JweAlg, JweEnc, JwsAlg, KeyAlg, KeyFamily, MlDsaLevel};
pub use error::{Error, RejectCode, Rejection, Result};
pub use key::{Curve, Key, KeyMaterial, KeyOp, KeySet, KeyUse, OkpCurve, RsaPrivate, Secret};
pub use provider::{KeyMiss, KeyProvider, Refresh, RefreshOnce, StaticKeys};

/// Which serialization a JWS or JWE came in or goes out as (RFC 7515 §7,
/// RFC 7516 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Serialization {
    /// Dot-separated base64url parts, one signature or recipient (RFC 7515
    /// §7.1, RFC 7516 §7.1).
    #[default]
    Compact,
    /// JSON with the one signature's or recipient's members at the top level
    /// (RFC 7515 §7.2.2, RFC 7516 §7.2.2).
    Flattened,
    /// JSON with a `signatures` or `recipients` array (RFC 7515 §7.2.1,
    /// RFC 7516 §7.2.1).
    General,
}

impl Serialization {
    /// The lower-case name: `compact`, `flattened` or `general`.
    pub fn as_str(self) -> &'static str {
        match self {
            Serialization::Compact => "compact",
            Serialization::Flattened => "flattened",
            Serialization::General => "general",
        }
    }
}
