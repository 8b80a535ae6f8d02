//! DER keys and certificates. [keys helper: to implement]

use super::Key;
use crate::error::{Error, Result};

/// Parse one DER key (PKCS#8, PKCS#1, SEC1, SPKI) or certificate.
pub fn parse(_der: &[u8]) -> Result<Vec<Key>> {
    Err(Error::local("DER input is not supported yet"))
}

/// PKCS#8 `PrivateKeyInfo` DER of a private asymmetric key.
pub fn to_pkcs8(_key: &Key) -> Result<Vec<u8>> {
    Err(Error::local("PKCS#8 output is not supported yet"))
}

/// SPKI `SubjectPublicKeyInfo` DER of an asymmetric key's public half.
pub fn to_spki(_key: &Key) -> Result<Vec<u8>> {
    Err(Error::local("SPKI output is not supported yet"))
}
