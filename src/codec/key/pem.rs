//! PEM key and certificate blocks (RFC 7468). Text outside the blocks is
//! ignored, as RFC 7468 §2 allows; every block must be a key or a certificate,
//! and its label is a hint: the body decides which.

use super::der;
use super::password::PasswordFn;
use crate::codec::b64;
use crate::model::error::{Error, Result};
use crate::model::key::Key;

/// The most blocks one PEM text may hold: bounds the work of one input.
pub const MAX_BLOCKS: usize = 1000;

/// Parse every key or certificate block of a PEM text, in order. An
/// encrypted key is refused: see [`parse_with`].
pub fn parse(text: &str) -> Result<Vec<Key>> {
    parse_with(text, &mut super::password::no_password)
}

/// [`parse`], opening `ENCRYPTED PRIVATE KEY` blocks with the password
/// `password` gives.
pub fn parse_with(text: &str, password: &mut PasswordFn<'_>) -> Result<Vec<Key>> {
    let blocks = split(text)?;
    if blocks.is_empty() {
        return Err(Error::local("no PEM block found"));
    }
    let mut keys = Vec::with_capacity(blocks.len());
    for (i, (label, body)) in blocks.into_iter().enumerate() {
        let n = i + 1;
        let key = block(label, body, password)
            .map_err(|e| e.context(format_args!("PEM block {n} ({label})")))?;
        keys.push(key);
    }
    Ok(keys)
}

/// The DER of every `CERTIFICATE` block of a PEM text, and how many blocks
/// of other kinds it holds.
pub fn certificates(text: &str) -> Result<(Vec<Vec<u8>>, usize)> {
    let mut certs = Vec::new();
    let mut others = 0;
    for (i, (label, body)) in split(text)?.into_iter().enumerate() {
        if label == "CERTIFICATE" {
            let der = decode_body(body)
                .map_err(|e| Error::local(format!("PEM block {} (CERTIFICATE): {e}", i + 1)))?;
            certs.push(der);
        } else {
            others += 1;
        }
    }
    Ok((certs, others))
}

/// The certificates of a file given as a chain or a root: its `CERTIFICATE`
/// blocks when it is PEM, else the one DER certificate it is. Not checked
/// beyond the PEM armour.
pub fn certificates_pem_or_der(data: &[u8]) -> Result<Vec<Vec<u8>>> {
    if !data.trim_ascii_start().starts_with(b"-----BEGIN") {
        return Ok(vec![data.to_vec()]);
    }
    let text = std::str::from_utf8(data).map_err(|_| Error::local("PEM text is not UTF-8"))?;
    Ok(certificates(text)?.0)
}

/// The DER of the first block labelled one of `labels`, if any.
pub fn first_block(text: &str, labels: &[&str]) -> Result<Option<Vec<u8>>> {
    for (label, body) in split(text)? {
        if labels.contains(&label) {
            return decode_body(body).map(Some);
        }
    }
    Ok(None)
}

/// Every block of a PEM text, in order, as (label, base64 body); text
/// outside the blocks is ignored (RFC 7468 §2). At most [`MAX_BLOCKS`].
fn split(text: &str) -> Result<Vec<(&str, &str)>> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let n = blocks.len() + 1;
        if n > MAX_BLOCKS {
            return Err(Error::local(format!("more than {MAX_BLOCKS} PEM blocks")));
        }
        let after = &rest[start + "-----BEGIN ".len()..];
        let label_end = after
            .find("-----")
            .ok_or_else(|| Error::local(format!("PEM block {n}: unterminated BEGIN line")))?;
        let label = &after[..label_end];
        let body_and_rest = &after[label_end + 5..];
        let end_line = format!("-----END {label}-----");
        let body_end = body_and_rest.find(&end_line).ok_or_else(|| {
            Error::local(format!("PEM block {n} ({label}): no matching {end_line:?}"))
        })?;
        blocks.push((label, &body_and_rest[..body_end]));
        rest = &body_and_rest[body_end + end_line.len()..];
    }
    Ok(blocks)
}

/// The one line for OpenSSL's legacy PEM encryption (RFC 1421 headers):
/// its key derivation is a single MD5, too weak to keep supporting.
pub const LEGACY_ENCRYPTED: &str = "legacy OpenSSL-encrypted PEM (Proc-Type: 4,ENCRYPTED) is not supported: convert it to PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.pem`";

fn block(label: &str, body: &str, password: &mut PasswordFn<'_>) -> Result<Key> {
    if body.contains("Proc-Type:") {
        return Err(Error::local(LEGACY_ENCRYPTED));
    }
    let der = decode_body(body)?;
    if label == "ENCRYPTED PRIVATE KEY" {
        return der::from_encrypted_pkcs8(&der, password);
    }
    let by_label = match label {
        "PRIVATE KEY" => der::from_pkcs8(&der),
        "PUBLIC KEY" => der::from_spki(&der),
        "CERTIFICATE" => super::cert::from_der(&der),
        "RSA PRIVATE KEY" => der::from_pkcs1_private_der(&der),
        "RSA PUBLIC KEY" => der::from_pkcs1_public_der(&der),
        "EC PRIVATE KEY" => der::from_sec1_der(&der),
        other => Err(Error::local(format!(
            "unsupported PEM block type {other:?} (expected PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)"
        ))),
    };
    // The label is a hint (Perl's CryptX writes SPKI under `RSA PUBLIC KEY`,
    // OpenSSL and Python read it): a body that is another of the structures
    // is read as what it is. They are disjoint in DER (each SEQUENCE starts
    // differently), so at most one of them decodes, and a body of the
    // labelled structure that fails a check keeps the label's error.
    by_label.or_else(|labelled| match super::cert::parse_der(&der) {
        Ok(mut keys) if keys.len() == 1 => keys.pop().ok_or(labelled),
        _ => Err(labelled),
    })
}

/// The base64 body with line breaks removed; padding and alphabet strict.
fn decode_body(body: &str) -> Result<Vec<u8>> {
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(Error::local("empty PEM block"));
    }
    b64::decode_std(&compact).ok_or_else(|| Error::local("PEM body is not valid base64"))
}

/// A PEM block with LF line endings and 64-column lines.
pub fn encode(label: &str, der: &[u8]) -> Result<String> {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der)
        .map_err(|e| Error::local(format!("cannot encode PEM: {e}")))
}

/// PKCS#8 `PRIVATE KEY` (`private`) or SPKI `PUBLIC KEY`.
pub fn to_pem(key: &Key, private: bool) -> Result<String> {
    if private {
        let der = zeroize::Zeroizing::new(der::to_pkcs8(key)?);
        encode("PRIVATE KEY", &der)
    } else {
        encode("PUBLIC KEY", &der::to_spki(key)?)
    }
}

/// PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2, see
/// `crypto::pkcs8_enc::encrypt` for the parameters) of a private key.
pub fn to_encrypted_pem(key: &Key, password: &[u8]) -> Result<String> {
    encode(
        "ENCRYPTED PRIVATE KEY",
        &der::to_encrypted_pkcs8(key, password)?,
    )
}

/// PKCS#1 `RSA PRIVATE KEY` / `RSA PUBLIC KEY`.
pub fn to_pkcs1_pem(key: &Key, private: bool) -> Result<String> {
    if private {
        encode("RSA PRIVATE KEY", &der::to_pkcs1_private(key)?)
    } else {
        encode("RSA PUBLIC KEY", &der::to_pkcs1_public(key)?)
    }
}

/// SEC1 `EC PRIVATE KEY` with the curve named.
pub fn to_sec1_pem(key: &Key) -> Result<String> {
    encode("EC PRIVATE KEY", &der::to_sec1(key, true)?)
}
