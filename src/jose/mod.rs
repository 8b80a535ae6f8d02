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
