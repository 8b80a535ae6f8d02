//! JWE objects (RFC 7516): parsing every serialization into one model,
//! joint headers per recipient (§7.2.1), key management, bounded DEFLATE,
//! and writing compact, flattened and general serializations.

pub mod build;
pub mod parse;
pub mod stream;
pub mod zip;

use serde_json::{Map, Value};

pub use parse::{parse, parse_owned};

/// A JWE header: a JSON object.
pub type Header = Map<String, Value>;

/// One recipient: its per-recipient header and encrypted key.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    /// The per-recipient unprotected header (`header`); `None` when absent,
    /// as always in the compact serialization.
    pub header: Option<Header>,
    /// The JWE Encrypted Key, decoded; empty when none was transmitted (as
    /// with `dir` and `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
}

/// A parsed JWE, whatever its serialization.
#[derive(Debug, Clone)]
pub struct Jwe {
    /// The serialization the token arrived in.
    pub serialization: crate::model::Serialization,
    /// The protected header exactly as transmitted (it is part of the AAD).
    pub protected_b64: String,
    /// The protected header, decoded; empty when a JSON serialization has
    /// no `protected` member.
    pub protected: Header,
    /// The shared unprotected header (`unprotected`); `None` when absent, as
    /// always in the compact serialization.
    pub unprotected: Option<Header>,
    /// The recipients in token order: one in the compact and flattened
    /// serializations, 1 to [`parse::MAX_RECIPIENTS`] in the general one.
    pub recipients: Vec<Recipient>,
    /// The Initialization Vector, decoded; empty when none was transmitted.
    pub iv: Vec<u8>,
    /// The JWE Ciphertext, decoded.
    pub ciphertext: Vec<u8>,
    /// The Authentication Tag, decoded; empty when none was transmitted.
    pub tag: Vec<u8>,
    /// The JSON serializations' `aad` member as transmitted.
    pub aad_b64: Option<String>,
}

impl Jwe {
    /// The Additional Authenticated Data (RFC 7516 §5.1 step 14).
    pub fn aad(&self) -> Vec<u8> {
        let mut a = self.protected_b64.as_bytes().to_vec();
        if let Some(x) = &self.aad_b64 {
            a.push(b'.');
            a.extend_from_slice(x.as_bytes());
        }
        a
    }

    /// Whether the protected and the shared unprotected header name the
    /// same parameter (RFC 7516 §7.2.1): checked once per token, not once
    /// per recipient.
    pub fn check_shared(&self) -> Result<(), String> {
        match &self.unprotected {
            Some(u) => disjoint(u, &[&self.protected]),
            None => Ok(()),
        }
    }

    /// The JOSE header of recipient `i` as a view over the three headers,
    /// nothing copied; its per-recipient header is checked against the two
    /// shared ones (the shared pair is [`Jwe::check_shared`]'s).
    pub fn joint(&self, i: usize) -> Result<JointHeader<'_>, String> {
        let per = self.recipients.get(i).and_then(|r| r.header.as_ref());
        if let Some(p) = per {
            let shared: Vec<&Header> = std::iter::once(&self.protected)
                .chain(self.unprotected.as_ref())
                .collect();
            disjoint(p, &shared)?;
        }
        Ok(JointHeader {
            parts: [Some(&self.protected), self.unprotected.as_ref(), per],
        })
    }

    /// The JOSE header of recipient `i`: protected ∪ unprotected ∪ per-recipient,
    /// a name in two of them being an error (RFC 7516 §7.2.1). A copy: for
    /// reports; decryption reads [`Jwe::joint`].
    pub fn joint_header(&self, i: usize) -> Result<Header, String> {
        self.check_shared()?;
        Ok(self.joint(i)?.to_header())
    }
}

fn disjoint(part: &Header, others: &[&Header]) -> Result<(), String> {
    match part
        .keys()
        .find(|k| others.iter().any(|o| o.contains_key(*k)))
    {
        Some(k) => Err(format!(
            "header parameter {k:?} appears in more than one header"
        )),
        None => Ok(()),
    }
}

/// One recipient's JOSE header read through its parts (protected, shared
/// unprotected, per-recipient), which are disjoint: a lookup is at most three
/// hash lookups and building it copies nothing, so trying a recipient with
/// many keys never multiplies the header.
#[derive(Debug, Clone, Copy)]
pub struct JointHeader<'a> {
    parts: [Option<&'a Header>; 3],
}

impl<'a> JointHeader<'a> {
    /// A header that is one object (what encryption builds).
    pub fn single(h: &'a Header) -> Self {
        JointHeader {
            parts: [Some(h), None, None],
        }
    }

    /// The parameter `name` from whichever part holds it; `None` if none does.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.parts.iter().flatten().find_map(|p| p.get(name))
    }

    /// The merged copy, in order: protected, unprotected, per-recipient.
    pub fn to_header(&self) -> Header {
        let mut out = Header::with_capacity(self.parts.iter().flatten().map(|p| p.len()).sum());
        for p in self.parts.iter().flatten() {
            out.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        out
    }
}
