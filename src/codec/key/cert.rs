//! An X.509 certificate as a key source: its subject public key, with the
//! certificate kept in `x5c` and its thumbprints in `x5t`/`x5t#S256` so that
//! tokens naming the certificate select it.

use crate::model::error::{Error, Result};
use crate::model::key::Key;

/// The public key of a DER certificate.
pub fn from_der(der: &[u8]) -> Result<Key> {
    let (rest, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| Error::local(format!("invalid X.509 certificate: {e}")))?;
    if !rest.is_empty() {
        return Err(Error::local("trailing data after the X.509 certificate"));
    }
    let mut key = super::der::from_spki(cert.tbs_certificate.subject_pki.raw)
        .map_err(|e| Error::local(format!("certificate public key: {e}")))?;
    key.x5c = vec![der.to_vec()];
    key.x5t = Some(crate::crypto::sha1(der).to_vec());
    key.x5t_s256 = Some(x5t_s256(der).to_vec());
    Ok(key)
}

/// The `x5t#S256` thumbprint of a DER certificate (RFC 7515 §4.1.8).
pub fn x5t_s256(der: &[u8]) -> [u8; 32] {
    crate::crypto::sha256(der)
}

/// One DER key (PKCS#8, PKCS#1, SEC1, SPKI) or, failing that, an X.509
/// certificate's public key.
pub fn parse_der(der: &[u8]) -> Result<Vec<Key>> {
    super::der::parse_key(der).or_else(|key_err| match from_der(der) {
        Ok(k) => Ok(vec![k]),
        // Not a certificate either: the key parser's reason is the better one.
        Err(_) => Err(key_err),
    })
}
