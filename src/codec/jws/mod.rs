//! JWS objects (RFC 7515): the parsed form shared by all three
//! serializations, the parser, and the builders used by `sign`.

pub mod build;
pub mod header;
pub mod parse;

use crate::model::error::Rejection;

pub use build::{SignRequest, Signer, sign};
pub use header::JwsHeader;
pub use parse::parse;

pub use crate::model::Serialization;

/// One signature of a JWS with its headers.
#[derive(Debug, Clone)]
pub struct JwsSignature {
    /// The protected header exactly as it appeared (base64url): it is part
    /// of the signing input.
    pub protected_b64: String,
    /// The protected and unprotected headers, merged (their names are
    /// disjoint) and read. A problem of one member (`alg` included) is kept
    /// in its field and checked at verification, so that one unusable
    /// signature does not spoil the others of a general JWS.
    pub header: JwsHeader,
    /// The JWS Signature, decoded from base64url.
    pub signature: Vec<u8>,
}

/// A parsed JWS. The payload is kept as its serialized segment because the
/// signing input is built from it.
#[derive(Debug, Clone)]
pub struct Jws {
    /// The serialization the token arrived in.
    pub serialization: Serialization,
    /// The payload as it appears in the token: base64url text, or the raw
    /// payload when `b64` is false. Empty or absent when detached.
    pub payload_segment: Vec<u8>,
    /// Whether the payload was absent (JSON) or empty (compact): the caller
    /// may supply a detached payload (RFC 7515 Appendix F).
    pub detached: bool,
    /// The payload bytes (decoded once at parse time; empty when detached).
    pub payload_bytes: Vec<u8>,
    /// RFC 7797 `b64`; the same for every signature.
    pub b64: bool,
    /// The signatures in token order: one in the compact and flattened
    /// serializations, 1 to [`parse::MAX_SIGNATURES`] in the general one.
    pub signatures: Vec<JwsSignature>,
}

impl Jws {
    /// The payload segment to sign over, given an optional detached payload
    /// (borrowed from the token when there is none).
    pub fn signing_payload<'a>(
        &'a self,
        detached: Option<&[u8]>,
    ) -> Result<std::borrow::Cow<'a, [u8]>, Rejection> {
        use std::borrow::Cow;
        match detached {
            Some(p) if self.detached => Ok(Cow::Owned(if self.b64 {
                crate::codec::b64::encode(p).into_bytes()
            } else {
                p.to_vec()
            })),
            Some(_) => Err(Rejection::malformed(
                "a detached payload was given but the token carries its own payload",
            )),
            None => Ok(Cow::Borrowed(&self.payload_segment)),
        }
    }

    /// The payload bytes, given an optional detached payload.
    pub fn payload(&self, detached: Option<&[u8]>) -> Result<Vec<u8>, Rejection> {
        match detached {
            Some(p) if self.detached => Ok(p.to_vec()),
            Some(_) => Err(Rejection::malformed(
                "a detached payload was given but the token carries its own payload",
            )),
            None => Ok(self.payload_bytes.clone()),
        }
    }
}

/// `ASCII(protected) || '.' || payload segment` (RFC 7515 §5.1 step 5, RFC 7797 §3).
pub fn signing_input(protected_b64: &str, payload_segment: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(protected_b64.len() + 1 + payload_segment.len());
    v.extend_from_slice(protected_b64.as_bytes());
    v.push(b'.');
    v.extend_from_slice(payload_segment);
    v
}
