//! Parsing and building JOSE objects: strict base64url, algorithm names,
//! headers, JWS, JWE, JWT claims and the claims policy.

pub mod alg;
pub mod b64;
pub mod claims;
pub mod decrypt;
pub mod encrypt;
pub mod json;
pub mod jwe;
pub mod jws;
pub mod peek;
pub mod policy;
pub mod presets;
pub mod verify;

/// Which serialization a JWS or JWE came in or goes out as (RFC 7515 §7,
/// RFC 7516 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Serialization {
    #[default]
    Compact,
    Flattened,
    General,
}

impl Serialization {
    pub fn as_str(self) -> &'static str {
        match self {
            Serialization::Compact => "compact",
            Serialization::Flattened => "flattened",
            Serialization::General => "general",
        }
    }
}
