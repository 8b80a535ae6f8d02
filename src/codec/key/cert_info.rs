//! What an X.509 certificate says, for display: names, serial, validity,
//! SANs, CA flag, algorithms, and the thumbprints JOSE uses to select it.
//! Nothing here checks a signature or a chain.

use x509_parser::der_parser::asn1_rs::ToDer;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::Oid;
use x509_parser::x509::X509Name;

use crate::codec::b64;
use crate::model::error::{Error, Result};
use crate::model::key::Key;

/// The displayable facts of one certificate.
#[derive(Debug, Clone)]
pub struct CertInfo {
    /// RFC 4514 string (most specific RDN first).
    pub subject: String,
    /// The issuer, as `subject` is written.
    pub issuer: String,
    /// Upper-case hex, as `openssl x509 -serial` prints it.
    pub serial: String,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    /// `dns:`, `ip:`, `email:`, `uri:`, `dirname:` (or `other:`) values, in
    /// order.
    pub sans: Vec<String>,
    /// Whether a basic constraints extension says `cA: true`; nothing checks
    /// that any issuer may be trusted.
    pub is_ca: bool,
    /// The certificate's signature algorithm: its short name, or the dotted
    /// OID when it has none.
    pub signature_alg: String,
    /// The certified public key as a JOSE key (with `x5c`), when its type is
    /// one JOSE knows.
    pub key: Option<Key>,
    /// Description of the public key when it is not a JOSE key type.
    pub key_description: String,
    /// base64url SHA-256 of the DER (`x5t#S256`).
    pub x5t_s256: String,
    /// base64url SHA-1 of the DER (`x5t`).
    pub x5t: String,
}

/// Read a DER certificate.
pub fn parse(der: &[u8]) -> Result<CertInfo> {
    let (rest, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| Error::local(format!("not a valid X.509 certificate: {e}")))?;
    if !rest.is_empty() {
        return Err(Error::local("trailing data after the X.509 certificate"));
    }
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for n in &ext.value.general_names {
            sans.push(match n {
                GeneralName::DNSName(d) => format!("dns:{d}"),
                GeneralName::RFC822Name(e) => format!("email:{e}"),
                GeneralName::URI(u) => format!("uri:{u}"),
                GeneralName::IPAddress(b) => format!("ip:{}", ip_text(b)),
                GeneralName::DirectoryName(dn) => format!("dirname:{}", rfc4514(dn)),
                other => format!("other:{other:?}"),
            });
        }
    }
    let spki = cert.public_key();
    let alg_oid = &spki.algorithm.algorithm;
    let key = super::cert::from_der(der).ok();
    let key_description = match &key {
        Some(k) => k.material.describe(),
        None => format!("unsupported key type {}", oid_name(alg_oid)),
    };
    Ok(CertInfo {
        subject: rfc4514(cert.subject()),
        issuer: rfc4514(cert.issuer()),
        serial: hex_upper(cert.raw_serial()),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        sans,
        is_ca: cert.is_ca(),
        signature_alg: oid_name(&cert.signature_algorithm.algorithm),
        key,
        key_description,
        x5t_s256: b64::encode(crate::crypto::sha256(der)),
        x5t: b64::encode(crate::crypto::sha1(der)),
    })
}

impl CertInfo {
    /// RFC 7638 thumbprint of the certified key, when it is a JOSE key type.
    pub fn thumbprint(&self) -> Option<String> {
        self.key
            .as_ref()
            .map(|k| super::thumbprint::sha256_b64(&k.material))
    }
}

fn hex_upper(b: &[u8]) -> String {
    // A DER INTEGER's sign byte is not part of the number openssl prints.
    let b = match b {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => b,
    };
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => {
            let mut a = [0u8; 4];
            a.copy_from_slice(b);
            std::net::Ipv4Addr::from(a).to_string()
        }
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

/// Short names of the attribute types RFC 4514 §3 lists, plus emailAddress.
fn attr_name(oid: &Oid<'_>) -> String {
    let id = oid.to_id_string();
    match id.as_str() {
        "2.5.4.3" => "CN".into(),
        "2.5.4.6" => "C".into(),
        "2.5.4.7" => "L".into(),
        "2.5.4.8" => "ST".into(),
        "2.5.4.9" => "STREET".into(),
        "2.5.4.10" => "O".into(),
        "2.5.4.11" => "OU".into(),
        "0.9.2342.19200300.100.1.25" => "DC".into(),
        "0.9.2342.19200300.100.1.1" => "UID".into(),
        "1.2.840.113549.1.9.1" => "emailAddress".into(),
        _ => x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
            .map(str::to_owned)
            .unwrap_or(id),
    }
}

fn oid_name(oid: &Oid<'_>) -> String {
    // x509-parser's registry predates RFC 9881.
    let id = oid.to_id_string();
    if let Some(level) = id.strip_prefix("2.16.840.1.101.3.4.3.")
        && let Some(name) = match level {
            "17" => Some("id-ml-dsa-44"),
            "18" => Some("id-ml-dsa-65"),
            "19" => Some("id-ml-dsa-87"),
            _ => None,
        }
    {
        return name.to_owned();
    }
    x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
        .map(str::to_owned)
        .unwrap_or_else(|_| oid.to_id_string())
}

/// RFC 4514 §2: RDNs in reverse order of the encoding, `,` between them,
/// `+` inside a multi-valued RDN, special characters escaped; a value that is
/// not a string is `#` and its DER in hex.
pub fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let value = match atv.as_str() {
                        Ok(s) => escape(s),
                        Err(_) => format!(
                            "#{}",
                            atv.attr_value()
                                .to_der_vec()
                                .unwrap_or_default()
                                .iter()
                                .map(|x| format!("{x:02x}"))
                                .collect::<String>()
                        ),
                    };
                    format!("{}={}", attr_name(atv.attr_type()), value)
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let n = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        let special = matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && (c == '#' || c == ' '))
            || (i + 1 == n && c == ' ');
        if special {
            out.push('\\');
            out.push(c);
        } else if c == '\0' {
            out.push_str("\\00");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escaping() {
        assert_eq!(escape("Doe, John"), r"Doe\, John");
        assert_eq!(escape("#x "), r"\#x\ ");
        assert_eq!(escape("a+b=c"), r"a\+b=c");
    }
}
