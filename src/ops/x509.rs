//! Certificates and PKCS#10 requests for our keys: the key is encoded here
//! (PKCS#8 and SPKI) and handed to `crypto::x509`, which signs with rcgen.
//!
//! rcgen signs with RSA (SHA256WithRSA), P-256 (ECDSA-SHA256), P-384
//! (ECDSA-SHA384), P-521 (ECDSA-SHA512) and Ed25519; an X25519 key is a
//! CA-issued subject only, and secp256k1 keys are refused (rcgen cannot
//! write them), with messages that say so. PKCS#10 requests are read and
//! their signatures checked by [`read_csr`].

use zeroize::Zeroizing;

use crate::codec::key::{der, pem};
use crate::crypto::x509 as cx;
use crate::model::{Key, Result};

pub use crate::crypto::x509::{
    CertRequest, Csr, DnAttr, Eku, KeyUsage, San, Subject, parse_eku, parse_key_usage, parse_oid,
    parse_san, parse_subject,
};

/// A PKCS#10 request (PEM `CERTIFICATE REQUEST` / `NEW CERTIFICATE
/// REQUEST`, or DER) whose self-signature verified, and its public key.
pub fn read_csr(data: &[u8]) -> Result<(Csr, Key)> {
    let der = if data.trim_ascii_start().starts_with(b"-----BEGIN") {
        let text = std::str::from_utf8(data)
            .map_err(|_| crate::model::Error::local("PEM text is not UTF-8"))?;
        pem::first_block(text, &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"])?
            .ok_or_else(|| crate::model::Error::local("no CERTIFICATE REQUEST block found"))?
    } else {
        data.to_vec()
    };
    let csr = cx::read_csr(&der)?;
    let key = der::from_spki(&csr.spki).map_err(|e| e.context("the request's public key"))?;
    Ok((csr, key))
}

/// Who signs a certificate.
pub enum Issuer<'a> {
    /// The subject key itself.
    SelfSigned,
    /// A CA: its certificate (DER) and private key.
    Ca {
        /// The CA's certificate, DER.
        cert_der: &'a [u8],
        /// The CA's private key.
        key: &'a Key,
    },
}

/// A key's encodings, kept while rcgen uses them; the PKCS#8 is wiped after.
struct Encoded {
    pkcs8: Option<Zeroizing<Vec<u8>>>,
    spki: Vec<u8>,
}

impl Encoded {
    fn of(key: &Key) -> Result<Encoded> {
        let pkcs8 = if key.material.is_private() {
            Some(Zeroizing::new(der::to_pkcs8(key)?))
        } else {
            None
        };
        Ok(Encoded {
            pkcs8,
            spki: der::to_spki(key)?,
        })
    }

    fn cert_key<'a>(&'a self, key: &'a Key) -> cx::CertKey<'a> {
        cx::CertKey {
            material: &key.material,
            pkcs8: self.pkcs8.as_deref().map(Vec::as_slice),
            spki: &self.spki,
        }
    }
}

/// A certificate (DER) for `subject_key`, self-signed or signed by a CA.
pub fn certificate(subject_key: &Key, req: &CertRequest, issuer: Issuer<'_>) -> Result<Vec<u8>> {
    let subject = Encoded::of(subject_key)?;
    match issuer {
        Issuer::SelfSigned => {
            cx::certificate(&subject.cert_key(subject_key), req, cx::Issuer::SelfSigned)
        }
        Issuer::Ca { cert_der, key } => {
            let ca = Encoded::of(key)?;
            cx::certificate(
                &subject.cert_key(subject_key),
                req,
                cx::Issuer::Ca {
                    cert_der,
                    key: ca.cert_key(key),
                },
            )
        }
    }
}

/// A PKCS#10 certificate request (DER) for `key`, signed by it.
pub fn csr(key: &Key, req: &CertRequest) -> Result<Vec<u8>> {
    cx::csr(&Encoded::of(key)?.cert_key(key), req)
}

/// PEM armour for a certificate or request.
pub fn to_pem(label: &str, der: &[u8]) -> Result<String> {
    pem::encode(label, der)
}
