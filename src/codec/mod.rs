//! Floor 2: bytes to typed values and back, strictly, with no policy.
//! Base64url and JSON as RFC 7515 §2 and RFC 8725 require them, JWS and JWE
//! syntax in every serialization, tokens pasted in other shapes, and keys in
//! every format (one detector for `--key` and remote sets, whose parsers
//! `inspect` shares).

pub mod b64;
pub mod claims;
pub mod header;
pub mod json;
pub mod jwe;
pub mod jws;
pub mod key;
pub mod peek;
pub mod token;
