//! Making X.509 certificates and PKCS#10 requests with rcgen, which signs
//! with aws-lc-rs: so it lives here, with the other crates that compute. What it
//! is given is a key's material with its DER encodings ([`CertKey`]) plus
//! plain data, and what it returns is DER; `ops::x509` does the encoding.
//!
//! rcgen signs with RSA (SHA256WithRSA), P-256 (ECDSA-SHA256), P-384
//! (ECDSA-SHA384) and Ed25519; ML-DSA keys (RFC 9881) sign with
//! [`super::mldsa`], rcgen writing only their algorithm identifiers, which
//! it has with its `aws_lc_rs` backend alone (so that backend is on, and
//! rcgen's other signatures use aws-lc-rs, not ring). Other keys are refused
//! with a message that says so.

use std::net::IpAddr;

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue, IsCa,
    KeyIdMethod, KeyPair, KeyUsagePurpose, SanType, SerialNumber, SignatureAlgorithm,
};
use time::OffsetDateTime;

use crate::model::alg::MlDsaLevel;
use crate::model::error::{Error, Result};
use crate::model::key::{Curve, KeyMaterial, OkpCurve};

/// RFC 4514 attribute types accepted in `--subject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnAttr {
    /// `CN`: common name.
    CommonName,
    /// `O`: organization.
    Organization,
    /// `OU`: organizational unit.
    OrganizationalUnit,
    /// `C`: two-letter country code.
    Country,
    /// `ST` (or `S`): state or province.
    State,
    /// `L`: locality.
    Locality,
    /// `emailAddress` (or `E`): PKCS#9 email address, ASCII only.
    Email,
}

/// PKCS#9 emailAddress, which rcgen has no name for.
const OID_EMAIL: [u64; 7] = [1, 2, 840, 113549, 1, 9, 1];

impl DnAttr {
    fn from_name(s: &str) -> Option<DnAttr> {
        Some(match s.to_ascii_uppercase().as_str() {
            "CN" => DnAttr::CommonName,
            "O" => DnAttr::Organization,
            "OU" => DnAttr::OrganizationalUnit,
            "C" => DnAttr::Country,
            "ST" | "S" => DnAttr::State,
            "L" => DnAttr::Locality,
            "EMAILADDRESS" | "E" => DnAttr::Email,
            _ => return None,
        })
    }

    fn dn_type(self) -> DnType {
        match self {
            DnAttr::CommonName => DnType::CommonName,
            DnAttr::Organization => DnType::OrganizationName,
            DnAttr::OrganizationalUnit => DnType::OrganizationalUnitName,
            DnAttr::Country => DnType::CountryName,
            DnAttr::State => DnType::StateOrProvinceName,
            DnAttr::Locality => DnType::LocalityName,
            DnAttr::Email => DnType::CustomDnType(OID_EMAIL.to_vec()),
        }
    }
}

/// A subject name as written (RFC 4514 order: most specific first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject(pub Vec<(DnAttr, String)>);

/// Parse an RFC 4514-style DN: `CN=My Name,O=Org,OU=Unit`. A `\` escapes the
/// next character (`\,`, `\+`, `\=`, `\\`, `\"`) or starts two hex digits.
/// Multi-valued RDNs (`+`) are not supported and are refused.
pub fn parse_subject(s: &str) -> Result<Subject> {
    let bad = |why: &str| Error::usage(format!("invalid --subject {s:?}: {why}"));
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => {
                let n = bytes.next().ok_or_else(|| bad("trailing backslash"))?;
                if n.is_ascii_hexdigit() {
                    let m = bytes
                        .next()
                        .filter(u8::is_ascii_hexdigit)
                        .ok_or_else(|| bad("a hex escape needs two hex digits"))?;
                    let hex = [n, m];
                    let hex = std::str::from_utf8(&hex).map_err(|_| bad("bad escape"))?;
                    let v = u8::from_str_radix(hex, 16).map_err(|_| bad("bad escape"))?;
                    // An escaped ASCII byte is marked like `\,` so it is never
                    // a separator; other bytes are parts of UTF-8 sequences.
                    if v.is_ascii() {
                        cur.push(0);
                    }
                    cur.push(v);
                } else {
                    // Mark escaped separators so the split below ignores them.
                    cur.push(0);
                    cur.push(n);
                }
            }
            b',' | b';' => parts.push(take(&mut cur)),
            b'+' => {
                return Err(bad(
                    "multi-valued RDNs ('+') are not supported; escape it as \\+",
                ));
            }
            _ => cur.push(b),
        }
    }
    parts.push(take(&mut cur));
    let mut out = Vec::new();
    for p in parts {
        if p.trim().is_empty() {
            return Err(bad("empty component"));
        }
        let (name, value) = split_eq(&p).ok_or_else(|| bad("each component is NAME=VALUE"))?;
        let attr = DnAttr::from_name(name.trim()).ok_or_else(|| {
            bad(&format!(
                "unknown attribute {:?} (use CN, O, OU, C, ST, L, emailAddress)",
                name.trim()
            ))
        })?;
        let value = value.trim().to_owned();
        if value.is_empty() {
            return Err(bad(&format!("{} has an empty value", name.trim())));
        }
        if attr == DnAttr::Country && (value.len() != 2 || !value.is_ascii()) {
            return Err(bad("C must be a two-letter country code"));
        }
        out.push((attr, value));
    }
    Ok(Subject(out))
}

/// Turn the escaped-byte marks back into plain text.
fn take(cur: &mut Vec<u8>) -> String {
    let raw = std::mem::take(cur);
    String::from_utf8_lossy(&raw).into_owned()
}

/// Split at the first unescaped `=`; escaped characters are marked by a NUL
/// before them.
fn split_eq(p: &str) -> Option<(String, String)> {
    let mut name = String::new();
    let mut chars = p.chars();
    let mut found = false;
    while let Some(c) = chars.next() {
        match c {
            '\0' => {
                name.push(chars.next()?);
            }
            '=' => {
                found = true;
                break;
            }
            c => name.push(c),
        }
    }
    if !found {
        return None;
    }
    let value: String = unmark(chars.as_str());
    Some((name, value))
}

fn unmark(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\0' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A subject alternative name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum San {
    /// `dns:NAME`: a DNS name, ASCII only.
    Dns(String),
    /// `ip:ADDR`: an IPv4 or IPv6 address.
    Ip(IpAddr),
    /// `email:ADDR`: an RFC 822 email address, ASCII only.
    Email(String),
    /// `uri:URI`: a URI, ASCII only.
    Uri(String),
}

impl San {
    /// The name without its type.
    pub fn value(&self) -> String {
        match self {
            San::Dns(v) | San::Email(v) | San::Uri(v) => v.clone(),
            San::Ip(ip) => ip.to_string(),
        }
    }
}

/// Parse `dns:NAME`, `ip:ADDR`, `email:ADDR`, `uri:URI`.
pub fn parse_san(s: &str) -> Result<San> {
    let (kind, value) = s.split_once(':').ok_or_else(|| {
        Error::usage(format!(
            "invalid --san {s:?}: expected dns:NAME, ip:ADDR, email:ADDR or uri:URI"
        ))
    })?;
    if value.is_empty() {
        return Err(Error::usage(format!("invalid --san {s:?}: empty value")));
    }
    Ok(match kind.to_ascii_lowercase().as_str() {
        "dns" => San::Dns(value.to_owned()),
        "ip" => San::Ip(value.parse().map_err(|_| {
            Error::usage(format!(
                "invalid --san {s:?}: {value:?} is not an IP address"
            ))
        })?),
        "email" => San::Email(value.to_owned()),
        "uri" => San::Uri(value.to_owned()),
        other => {
            return Err(Error::usage(format!(
                "invalid --san {s:?}: unknown type {other:?} (use dns:, ip:, email:, uri:)"
            )));
        }
    })
}

/// What the certificate says about its subject.
#[derive(Debug, Clone)]
pub struct CertRequest {
    /// The subject distinguished name.
    pub subject: Subject,
    /// The subject alternative names, written in this order.
    pub sans: Vec<San>,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds; must be later than `not_before`.
    pub not_after: i64,
    /// A CA certificate (basicConstraints cA; digitalSignature, keyCertSign
    /// and cRLSign usages) rather than an end-entity one.
    pub ca: bool,
}

/// Who signs the certificate.
pub enum Issuer<'a> {
    /// The subject key itself.
    SelfSigned,
    /// A CA: its certificate (DER) and private key.
    Ca {
        /// The CA's certificate, DER; its subject becomes the issuer name.
        cert_der: &'a [u8],
        /// The CA's key; it must be private.
        key: CertKey<'a>,
    },
}

/// The signature algorithm rcgen/ring can use with this key, or why none.
fn sign_alg(m: &KeyMaterial) -> Result<&'static SignatureAlgorithm> {
    match m {
        KeyMaterial::Rsa { .. } => Ok(&rcgen::PKCS_RSA_SHA256),
        KeyMaterial::Ec {
            curve: Curve::P256, ..
        } => Ok(&rcgen::PKCS_ECDSA_P256_SHA256),
        KeyMaterial::Ec {
            curve: Curve::P384, ..
        } => Ok(&rcgen::PKCS_ECDSA_P384_SHA384),
        KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            ..
        } => Ok(&rcgen::PKCS_ED25519),
        KeyMaterial::Akp { level, .. } => Ok(match level {
            MlDsaLevel::L44 => &rcgen::PKCS_ML_DSA_44,
            MlDsaLevel::L65 => &rcgen::PKCS_ML_DSA_65,
            MlDsaLevel::L87 => &rcgen::PKCS_ML_DSA_87,
        }),
        other => Err(Error::local(format!(
            "{} keys are not supported in certificates (supported: RSA, EC P-256, EC P-384, Ed25519, ML-DSA)",
            other.describe()
        ))),
    }
}

/// What signs a certificate or request: rcgen's own key pair, or an ML-DSA
/// key (RFC 9881), which signs with [`super::mldsa`] like every ML-DSA
/// signature of this tool; rcgen supplies only the algorithm identifier.
enum CertSigner {
    Rcgen(KeyPair),
    MlDsa {
        alg: &'static SignatureAlgorithm,
        level: MlDsaLevel,
        public: Vec<u8>,
        seed: crate::model::key::Secret,
    },
}

impl rcgen::PublicKeyData for CertSigner {
    fn der_bytes(&self) -> &[u8] {
        match self {
            CertSigner::Rcgen(k) => k.der_bytes(),
            CertSigner::MlDsa { public, .. } => public,
        }
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            CertSigner::Rcgen(k) => k.algorithm(),
            CertSigner::MlDsa { alg, .. } => alg,
        }
    }
}

impl rcgen::SigningKey for CertSigner {
    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        match self {
            CertSigner::Rcgen(k) => k.sign(msg),
            // X.509 signs with the empty context too (RFC 9881).
            CertSigner::MlDsa { level, seed, .. } => {
                super::mldsa::sign(*level, seed, msg).map_err(|_| rcgen::Error::RemoteKeyError)
            }
        }
    }
}

/// A key as rcgen takes it: the material picks the signature algorithm,
/// the encodings carry the key.
pub struct CertKey<'a> {
    /// The key itself.
    pub material: &'a KeyMaterial,
    /// Its PKCS#8 encoding, when it is private.
    pub pkcs8: Option<&'a [u8]>,
    /// Its SubjectPublicKeyInfo encoding.
    pub spki: &'a [u8],
}

/// The public key a CA certifies.
enum SubjectKey<'a> {
    Spki(rcgen::SubjectPublicKeyInfo),
    MlDsa {
        alg: &'static SignatureAlgorithm,
        public: &'a [u8],
    },
}

impl rcgen::PublicKeyData for SubjectKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        match self {
            SubjectKey::Spki(k) => k.der_bytes(),
            SubjectKey::MlDsa { public, .. } => public,
        }
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            SubjectKey::Spki(k) => k.algorithm(),
            SubjectKey::MlDsa { alg, .. } => alg,
        }
    }
}

/// The signer for a private key of ours: rcgen's key pair through PKCS#8,
/// or the ML-DSA seed as it is.
fn key_pair(key: &CertKey<'_>, role: &str) -> Result<CertSigner> {
    let alg = sign_alg(key.material)?;
    let Some(pkcs8) = key.pkcs8 else {
        return Err(Error::local(format!(
            "{role} is a public key; signing a certificate needs the private key"
        )));
    };
    if let KeyMaterial::Akp {
        level,
        public,
        seed: Some(seed),
    } = key.material
    {
        return Ok(CertSigner::MlDsa {
            alg,
            level: *level,
            public: public.clone(),
            seed: seed.clone(),
        });
    }
    KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.into(), alg)
        .map(CertSigner::Rcgen)
        .map_err(|e| Error::local(format!("{role} cannot sign certificates: {e}")))
}

fn dn(subject: &Subject) -> Result<DistinguishedName> {
    let mut dn = DistinguishedName::new();
    // RFC 4514 writes the most specific RDN first; the encoding puts it last.
    for (attr, value) in subject.0.iter().rev() {
        // Country and email have fixed string types (RFC 5280 Appendix A).
        let v = match attr {
            DnAttr::Country => DnValue::PrintableString(
                rcgen::string::PrintableString::try_from(value.as_str())
                    .map_err(|_| Error::usage(format!("invalid country code {value:?}")))?,
            ),
            DnAttr::Email => DnValue::Ia5String(
                rcgen::string::Ia5String::try_from(value.as_str())
                    .map_err(|_| Error::usage(format!("invalid emailAddress {value:?}")))?,
            ),
            _ => DnValue::Utf8String(value.clone()),
        };
        dn.push(attr.dn_type(), v);
    }
    Ok(dn)
}

fn san_types(sans: &[San]) -> Result<Vec<SanType>> {
    let ia5 = |s: &str| {
        rcgen::string::Ia5String::try_from(s)
            .map_err(|_| Error::usage(format!("--san value {s:?} must be ASCII")))
    };
    sans.iter()
        .map(|s| {
            Ok(match s {
                San::Dns(d) => SanType::DnsName(ia5(d)?),
                San::Ip(ip) => SanType::IpAddress(*ip),
                San::Email(e) => SanType::Rfc822Name(ia5(e)?),
                San::Uri(u) => SanType::URI(ia5(u)?),
            })
        })
        .collect()
}

fn datetime(t: i64, what: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t)
        .map_err(|_| Error::usage(format!("{what} is out of range")))
}

/// A random positive serial: 16 bytes with the top bit cleared so the DER
/// INTEGER is positive, and the next bit set so it is never zero and always
/// exactly 16 bytes long (RFC 5280 §4.1.2.2).
fn serial() -> SerialNumber {
    let mut b = crate::crypto::random_vec(16);
    if let Some(first) = b.first_mut() {
        *first = (*first & 0x7f) | 0x40;
    }
    SerialNumber::from_slice(&b)
}

fn params(req: &CertRequest) -> Result<CertificateParams> {
    if req.not_after <= req.not_before {
        return Err(Error::usage(
            "the validity ends before it starts (--not-after must be later than --not-before)",
        ));
    }
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(&req.subject)?;
    p.subject_alt_names = san_types(&req.sans)?;
    p.not_before = datetime(req.not_before, "--not-before")?;
    p.not_after = datetime(req.not_after, "--not-after")?;
    p.serial_number = Some(serial());
    p.key_identifier_method = KeyIdMethod::Sha256;
    if req.ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
        ];
    } else {
        // Not `IsCa::ExplicitNoCa`: rcgen before 0.14.8 (which needs Rust
        // 1.88) writes its `cA` as an explicit FALSE, which DER forbids for a
        // DEFAULT value, and strict parsers (Python `cryptography`) refuse the
        // certificate. The leaf's extensions are added by `end_entity`.
        p.is_ca = IsCa::NoCa;
    }
    Ok(p)
}

/// basicConstraints (2.5.29.19).
const OID_BASIC_CONSTRAINTS: [u64; 4] = [2, 5, 29, 19];
/// subjectKeyIdentifier (2.5.29.14).
const OID_SUBJECT_KEY_IDENTIFIER: [u64; 4] = [2, 5, 29, 14];

/// What `IsCa::ExplicitNoCa` means, in strict DER: a subject key identifier
/// (as rcgen derives it for CAs) and a critical basic constraints whose
/// `cA` is left to its DEFAULT FALSE, i.e. an empty SEQUENCE.
fn end_entity(p: &mut CertificateParams, public: &impl rcgen::PublicKeyData) {
    let ski = p.key_identifier(public);
    let mut ski_der = Vec::with_capacity(ski.len() + 2);
    ski_der.push(0x04); // OCTET STRING
    ski_der.push(u8::try_from(ski.len()).expect("a key identifier is a digest prefix"));
    ski_der.extend_from_slice(&ski);
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &OID_SUBJECT_KEY_IDENTIFIER,
        ski_der,
    ));
    let mut bc = CustomExtension::from_oid_content(&OID_BASIC_CONSTRAINTS, vec![0x30, 0x00]);
    bc.set_criticality(true);
    p.custom_extensions.push(bc);
}

/// A certificate (DER) for `subject_key`, self-signed or signed by a CA.
pub fn certificate(
    subject_key: &CertKey<'_>,
    req: &CertRequest,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>> {
    let mut p = params(req)?;
    p.use_authority_key_identifier_extension = true;
    let cert = match issuer {
        Issuer::SelfSigned => {
            let kp = key_pair(subject_key, "the key")?;
            if !req.ca {
                end_entity(&mut p, &kp);
            }
            p.self_signed(&kp)
                .map_err(|e| Error::local(format!("cannot make the certificate: {e}")))?
        }
        Issuer::Ca { cert_der, key } => {
            let ca_kp = key_pair(&key, "the CA key")?;
            // The CA's subject, key identifier and key usages come from its
            // certificate.
            let ca = rcgen::Issuer::from_ca_cert_der(&cert_der.into(), ca_kp)
                .map_err(|e| Error::local(format!("cannot read the CA certificate: {e}")))?;
            let alg = sign_alg(subject_key.material)?;
            let public = match subject_key.material {
                // rcgen reads no ML-DSA SubjectPublicKeyInfo: give it the key.
                KeyMaterial::Akp { public, .. } => SubjectKey::MlDsa { alg, public },
                _ => SubjectKey::Spki(
                    rcgen::SubjectPublicKeyInfo::from_der(subject_key.spki).map_err(|e| {
                        Error::local(format!("cannot use the key's public key: {e}"))
                    })?,
                ),
            };
            if !req.ca {
                end_entity(&mut p, &public);
            }
            p.signed_by(&public, &ca)
                .map_err(|e| Error::local(format!("cannot make the certificate: {e}")))?
        }
    };
    Ok(cert.der().to_vec())
}

/// A PKCS#10 certificate request (DER) for `key`, signed by it.
pub fn csr(key: &CertKey<'_>, req: &CertRequest) -> Result<Vec<u8>> {
    if req.ca {
        return Err(Error::usage(
            "--csr cannot request the CA flag (rcgen writes no basic constraints in requests); the issuing CA decides it",
        ));
    }
    let mut p = params(req)?;
    // Validity, serial and key identifiers are the issuing CA's choice; a
    // request carries the name, the SANs and the public key.
    p.is_ca = IsCa::NoCa;
    p.serial_number = None;
    p.use_authority_key_identifier_extension = false;
    let kp = key_pair(key, "the key")?;
    let csr = p
        .serialize_request(&kp)
        .map_err(|e| Error::local(format!("cannot make the request: {e}")))?;
    Ok(csr.der().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        let s = parse_subject("CN=MyCertificate,O=Org,OU=Unit").unwrap_or_default();
        assert_eq!(
            s.0,
            vec![
                (DnAttr::CommonName, "MyCertificate".to_owned()),
                (DnAttr::Organization, "Org".to_owned()),
                (DnAttr::OrganizationalUnit, "Unit".to_owned()),
            ]
        );
        let s = parse_subject(r"CN=Doe\, John,O=A\2CB, C=DE").unwrap_or_default();
        assert_eq!(
            s.0,
            vec![
                (DnAttr::CommonName, "Doe, John".to_owned()),
                (DnAttr::Organization, "A,B".to_owned()),
                (DnAttr::Country, "DE".to_owned()),
            ]
        );
        let s = parse_subject(r"CN=a\=b").unwrap_or_default();
        assert_eq!(s.0, vec![(DnAttr::CommonName, "a=b".to_owned())]);
        for bad in [
            "",
            "CN",
            "CN=",
            "XX=1",
            "CN=a,,O=b",
            "C=DEU",
            "CN=a+O=b",
            r"CN=a\",
        ] {
            assert!(parse_subject(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn sans() {
        assert_eq!(
            parse_san("dns:example.com").ok(),
            Some(San::Dns("example.com".into()))
        );
        assert!(matches!(parse_san("ip:::1"), Ok(San::Ip(_))));
        assert!(matches!(parse_san("uri:https://a/b"), Ok(San::Uri(_))));
        assert!(parse_san("ip:nope").is_err());
        assert!(parse_san("dns:").is_err());
        assert!(parse_san("x:y").is_err());
        assert!(parse_san("example.com").is_err());
    }
}
