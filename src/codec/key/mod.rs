//! Keys in every format the contract names: PEM, DER, JWK, JWKS and
//! Google's key id → certificate map, read by one detector ([`detect`]) and
//! written by one encoder ([`export`]).

pub mod cert;
pub mod cert_info;
pub mod certmap;
pub mod der;
pub mod detect;
pub mod export;
pub mod jwk;
pub mod password;
pub mod pem;
pub mod thumbprint;
