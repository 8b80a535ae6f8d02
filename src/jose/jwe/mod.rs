//! JWE objects (RFC 7516): parsing every serialization into one model,
//! joint headers per recipient (§7.2.1), key management, bounded DEFLATE,
//! and writing compact, flattened and general serializations.

pub mod build;
pub mod keymgmt;
pub mod parse;
pub mod zip;

use serde_json::{Map, Value};

pub use parse::{parse, parse_owned};

/// A JWE header: a JSON object.
pub type Header = Map<String, Value>;

/// One recipient: its per-recipient header and encrypted key.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub header: Option<Header>,
    pub encrypted_key: Vec<u8>,
}

/// A parsed JWE, whatever its serialization.
#[derive(Debug, Clone)]
pub struct Jwe {
    pub serialization: crate::jose::Serialization,
    /// The protected header exactly as transmitted (it is part of the AAD).
    pub protected_b64: String,
    pub protected: Header,
    pub unprotected: Option<Header>,
    pub recipients: Vec<Recipient>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
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

    /// The JOSE header of recipient `i`: protected ∪ unprotected ∪ per-recipient,
    /// a name in two of them being an error (RFC 7516 §7.2.1).
    pub fn joint_header(&self, i: usize) -> Result<Header, String> {
        let mut out = self.protected.clone();
        let per = self.recipients.get(i).and_then(|r| r.header.as_ref());
        for part in [self.unprotected.as_ref(), per].into_iter().flatten() {
            for (k, v) in part {
                if out.contains_key(k) {
                    return Err(format!(
                        "header parameter {k:?} appears in more than one header"
                    ));
                }
                out.insert(k.clone(), v.clone());
            }
        }
        Ok(out)
    }
}
