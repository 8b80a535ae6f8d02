//! Making X.509 certificates and PKCS#10 requests with rcgen, which signs
//! with ring: so it lives here, with the other crates that compute. What it
//! is given is a key's material with its DER encodings ([`CertKey`]) plus
//! plain data, and what it returns is DER; `ops::x509` does the encoding.
//!
//! rcgen (on aws-lc-rs) signs with RSA (SHA256WithRSA), P-256
//! (ECDSA-SHA256), P-384 (ECDSA-SHA384), P-521 (ECDSA-SHA512) and Ed25519,
//! and writes those keys as subjects. ML-DSA keys (RFC 9881) sign with
//! [`super::mldsa`], rcgen writing only their algorithm identifiers (it has
//! them with its `aws_lc_rs` backend alone). An X25519 key is a CA-issued
//! subject only (see `Signer` for how it is written); it cannot sign, so it
//! is never self-signed. rcgen has no secp256k1 key algorithm: such keys are
//! refused.
//!
//! PKCS#10 requests are read and their self-signature checked here too
//! ([`read_csr`]), by x509-parser's verifier.

use std::net::IpAddr;

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, PublicKeyData, SanType,
    SerialNumber, SignatureAlgorithm, SigningKey,
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
    /// and cRLSign usages unless `key_usages` says otherwise) rather than an
    /// end-entity one.
    pub ca: bool,
    /// A CA's path length constraint (`--path-len`); `None`: unconstrained.
    pub path_len: Option<u8>,
    /// The key usages to write; empty: a CA's defaults, none for a leaf.
    pub key_usages: Vec<KeyUsage>,
    /// The extended key usages to write, in order; empty: none.
    pub ekus: Vec<Eku>,
}

/// A key usage bit (RFC 5280 §4.2.1.3) that `--key-usage` may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsage {
    /// `digitalSignature`.
    DigitalSignature,
    /// `keyEncipherment`.
    KeyEncipherment,
    /// `keyAgreement`.
    KeyAgreement,
    /// `keyCertSign`.
    KeyCertSign,
    /// `cRLSign`.
    CrlSign,
}

/// Parse a `--key-usage` name (RFC 5280 spelling, any case).
pub fn parse_key_usage(s: &str) -> Result<KeyUsage> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "digitalsignature" => KeyUsage::DigitalSignature,
        "keyencipherment" => KeyUsage::KeyEncipherment,
        "keyagreement" => KeyUsage::KeyAgreement,
        "keycertsign" => KeyUsage::KeyCertSign,
        "crlsign" => KeyUsage::CrlSign,
        _ => {
            return Err(Error::usage(format!(
                "unknown --key-usage {s:?} (use digitalSignature, keyEncipherment, keyAgreement, keyCertSign, cRLSign)"
            )));
        }
    })
}

/// An extended key usage (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eku {
    /// `serverAuth`.
    ServerAuth,
    /// `clientAuth`.
    ClientAuth,
    /// `codeSigning`.
    CodeSigning,
    /// `emailProtection`.
    EmailProtection,
    /// `timeStamping`.
    TimeStamping,
    /// `OCSPSigning`.
    OcspSigning,
    /// Another purpose, by its OID's arcs.
    Oid(Vec<u64>),
}

/// Parse an `--eku` name (any case) or dotted OID.
pub fn parse_eku(s: &str) -> Result<Eku> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "serverauth" => Eku::ServerAuth,
        "clientauth" => Eku::ClientAuth,
        "codesigning" => Eku::CodeSigning,
        "emailprotection" => Eku::EmailProtection,
        "timestamping" => Eku::TimeStamping,
        "ocspsigning" => Eku::OcspSigning,
        _ => Eku::Oid(parse_oid(s).ok_or_else(|| {
            Error::usage(format!(
                "unknown --eku {s:?} (use serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning or a dotted OID)"
            ))
        })?),
    })
}

/// A dotted OID's arcs: at least two, the first 0–2 (X.660).
pub fn parse_oid(s: &str) -> Option<Vec<u64>> {
    let arcs = s
        .split('.')
        .map(|a| {
            (!a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
                .then(|| a.parse::<u64>().ok())
                .flatten()
        })
        .collect::<Option<Vec<u64>>>()?;
    (arcs.len() >= 2 && arcs[0] <= 2 && (arcs[0] == 2 || arcs[1] < 40)).then_some(arcs)
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

/// The signature algorithm rcgen can use with this key, or why none.
fn sign_alg(m: &KeyMaterial) -> Result<&'static SignatureAlgorithm> {
    match m {
        KeyMaterial::Ec {
            curve: Curve::P521, ..
        } => Ok(&rcgen::PKCS_ECDSA_P521_SHA512),
        KeyMaterial::Okp {
            curve: OkpCurve::X25519,
            ..
        } => Err(Error::usage(
            "an X25519 key cannot sign (it is for key agreement), so it cannot self-sign or sign certificates: issue its certificate from a CA with --ca-cert and --ca-key",
        )),
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
            "{} keys cannot sign certificates (supported: RSA, EC P-256, P-384, P-521, Ed25519, ML-DSA)",
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

impl PublicKeyData for CertSigner {
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

impl SigningKey for CertSigner {
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

/// The public key a CA certifies: an SPKI rcgen reads, or an ML-DSA key,
/// whose SPKI rcgen does not read.
enum SubjectKey<'a> {
    Spki(rcgen::SubjectPublicKeyInfo),
    MlDsa {
        alg: &'static SignatureAlgorithm,
        public: &'a [u8],
    },
}

impl PublicKeyData for SubjectKey<'_> {
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

/// A signer that signs what rcgen wrote with one byte string replaced:
/// how an X25519 subject key is written. rcgen has no algorithm for X25519
/// keys, so the certificate is laid out with the key under the Ed25519 OID
/// (the same SPKI shape and length: only the OID's last byte differs,
/// RFC 8410 §3), and that SPKI is swapped for the X25519 one both in what
/// is signed and in the result ([`certificate`] checks the outcome).
struct Signer {
    inner: CertSigner,
    patch: Option<(Vec<u8>, Vec<u8>)>,
}

impl PublicKeyData for Signer {
    fn der_bytes(&self) -> &[u8] {
        self.inner.der_bytes()
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.inner.algorithm()
    }
}

impl SigningKey for Signer {
    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        match &self.patch {
            None => self.inner.sign(msg),
            Some((from, to)) => {
                let patched = replace_once(msg, from, to).ok_or_else(|| {
                    rcgen::Error::X509("the subject key is not in the TBS".into())
                })?;
                self.inner.sign(&patched)
            }
        }
    }
}

/// `data` with the one occurrence of `from` replaced by `to` (same length);
/// `None` unless `from` occurs exactly once.
fn replace_once(data: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    if from.len() != to.len() || from.is_empty() {
        return None;
    }
    let mut hits = data
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from);
    let (at, _) = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    let mut out = data.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    Some(out)
}

/// The Ed25519-labelled twin of an X25519 SPKI (RFC 8410: both are
/// SEQUENCE { SEQUENCE { OID 1.3.101.11x }, BIT STRING (32 bytes) }).
fn x25519_as_ed25519(x: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    if x.len() != 32 {
        return Err(Error::local("an X25519 public key is 32 bytes"));
    }
    let spki = |last: u8| {
        let mut v = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, last, 0x03, 0x21, 0x00,
        ];
        v.extend_from_slice(x);
        v
    };
    Ok((spki(0x70), spki(0x6e)))
}

/// A public key written as rcgen takes it (an SPKI whose algorithm it
/// knows), or why it cannot be.
fn subject_public<'a>(key: &CertKey<'a>) -> Result<SubjectKey<'a>> {
    let spki = match key.material {
        KeyMaterial::Akp { public, .. } => {
            let alg = sign_alg(key.material)?;
            return Ok(SubjectKey::MlDsa { alg, public });
        }
        KeyMaterial::Okp {
            curve: OkpCurve::X25519,
            x,
            ..
        } => x25519_as_ed25519(x)?.0,
        KeyMaterial::Ec {
            curve: Curve::Secp256k1,
            ..
        } => {
            return Err(Error::local(
                "secp256k1 keys cannot be written into certificates: rcgen, the certificate writer, has no secp256k1 public key algorithm",
            ));
        }
        _ => key.spki.to_vec(),
    };
    rcgen::SubjectPublicKeyInfo::from_der(&spki)
        .map(SubjectKey::Spki)
        .map_err(|e| Error::local(format!("cannot use the key's public key: {e}")))
}

/// The signer for a private key of ours: rcgen's key pair through PKCS#8,
/// or the ML-DSA seed as it is.
fn key_pair(key: &CertKey<'_>, role: &str) -> Result<CertSigner> {
    if matches!(
        key.material,
        KeyMaterial::Ec {
            curve: Curve::Secp256k1,
            ..
        }
    ) {
        return Err(Error::local(format!(
            "{role} is a secp256k1 key, which rcgen (the certificate writer) cannot write into a certificate or sign with"
        )));
    }
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
    p.key_usages = req
        .key_usages
        .iter()
        .map(|u| match u {
            KeyUsage::DigitalSignature => KeyUsagePurpose::DigitalSignature,
            KeyUsage::KeyEncipherment => KeyUsagePurpose::KeyEncipherment,
            KeyUsage::KeyAgreement => KeyUsagePurpose::KeyAgreement,
            KeyUsage::KeyCertSign => KeyUsagePurpose::KeyCertSign,
            KeyUsage::CrlSign => KeyUsagePurpose::CrlSign,
        })
        .collect();
    p.extended_key_usages = req
        .ekus
        .iter()
        .map(|e| match e {
            Eku::ServerAuth => ExtendedKeyUsagePurpose::ServerAuth,
            Eku::ClientAuth => ExtendedKeyUsagePurpose::ClientAuth,
            Eku::CodeSigning => ExtendedKeyUsagePurpose::CodeSigning,
            Eku::EmailProtection => ExtendedKeyUsagePurpose::EmailProtection,
            Eku::TimeStamping => ExtendedKeyUsagePurpose::TimeStamping,
            Eku::OcspSigning => ExtendedKeyUsagePurpose::OcspSigning,
            Eku::Oid(arcs) => ExtendedKeyUsagePurpose::Other(arcs.clone()),
        })
        .collect();
    if req.path_len.is_some() && !req.ca {
        return Err(Error::usage("--path-len applies to a CA: add --ca"));
    }
    if req.ca {
        p.is_ca = IsCa::Ca(match req.path_len {
            Some(n) => BasicConstraints::Constrained(n),
            None => BasicConstraints::Unconstrained,
        });
        if p.key_usages.is_empty() {
            p.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
            ];
        }
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

/// The key identifier of a subject is taken over its real SPKI (an
/// X25519 key's, not its Ed25519-labelled twin).
struct RawSpki<'a>(&'a [u8]);

impl PublicKeyData for RawSpki<'_> {
    fn subject_public_key_info(&self) -> Vec<u8> {
        self.0.to_vec()
    }

    fn der_bytes(&self) -> &[u8] {
        self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        // Unused: only `subject_public_key_info` is read, for the key id.
        &rcgen::PKCS_ED25519
    }
}

/// The certificate's SPKI is `spki`, and it parses whole.
fn check_spki(der: &[u8], spki: &[u8]) -> Result<()> {
    let (rest, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| Error::local(format!("the certificate does not parse: {e}")))?;
    if !rest.is_empty() || cert.tbs_certificate.subject_pki.raw != spki {
        return Err(Error::local(
            "the certificate does not hold the subject key",
        ));
    }
    Ok(())
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
            let public = subject_public(subject_key)?;
            let patch = match subject_key.material {
                KeyMaterial::Okp {
                    curve: OkpCurve::X25519,
                    x,
                    ..
                } => Some(x25519_as_ed25519(x)?),
                _ => None,
            };
            let signer = Signer {
                inner: key_pair(&key, "the CA key")?,
                patch: patch.clone(),
            };
            // The CA's subject, key identifier and key usages come from its
            // certificate.
            let ca = rcgen::Issuer::from_ca_cert_der(&cert_der.into(), signer)
                .map_err(|e| Error::local(format!("cannot read the CA certificate: {e}")))?;
            if !req.ca {
                end_entity(&mut p, &RawSpki(subject_key.spki));
            }
            let cert = p
                .signed_by(&public, &ca)
                .map_err(|e| Error::local(format!("cannot make the certificate: {e}")))?;
            let Some((from, to)) = patch else {
                return Ok(cert.der().to_vec());
            };
            let der = replace_once(cert.der(), &from, &to)
                .ok_or_else(|| Error::local("cannot place the X25519 key in the certificate"))?;
            check_spki(&der, subject_key.spki)?;
            return Ok(der);
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

/// A PKCS#10 request whose self-signature verified: what it asks for.
#[derive(Debug, Clone)]
pub struct Csr {
    /// The requested subject, RFC 4514 order (most specific first).
    pub subject: Subject,
    /// The requested subject alternative names.
    pub sans: Vec<San>,
    /// The requester's SubjectPublicKeyInfo, DER.
    pub spki: Vec<u8>,
}

/// Read a DER PKCS#10 request and check its self-signature (x509-parser's
/// verifier: RSA PKCS#1 and PSS, ECDSA P-256/P-384, Ed25519). The subject
/// and SANs are taken as they are; other requested extensions are the
/// issuer's to decide and are not copied.
pub fn read_csr(der: &[u8]) -> Result<Csr> {
    use x509_parser::prelude::FromDer;
    let (rest, csr) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der)
            .map_err(|e| Error::local(format!("not a PKCS#10 certificate request: {e}")))?;
    if !rest.is_empty() {
        return Err(Error::local(
            "the certificate request has trailing bytes after its DER",
        ));
    }
    csr.verify_signature().map_err(|e| match e {
        x509_parser::error::X509Error::SignatureUnsupportedAlgorithm => Error::local(format!(
            "the request's signature algorithm {} cannot be checked (supported: RSA, ECDSA P-256/P-384, Ed25519)",
            csr.signature_algorithm.algorithm
        )),
        _ => Error::local("the request's signature does not verify with its own public key"),
    })?;
    let info = &csr.certification_request_info;
    let mut subject = Vec::new();
    for rdn in info.subject.iter_rdn() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return Err(Error::local(
                "the request's subject has a multi-valued RDN; give --subject",
            ));
        };
        let oid = attr.attr_type().to_id_string();
        let kind = match oid.as_str() {
            "2.5.4.3" => DnAttr::CommonName,
            "2.5.4.10" => DnAttr::Organization,
            "2.5.4.11" => DnAttr::OrganizationalUnit,
            "2.5.4.6" => DnAttr::Country,
            "2.5.4.8" => DnAttr::State,
            "2.5.4.7" => DnAttr::Locality,
            "1.2.840.113549.1.9.1" => DnAttr::Email,
            other => {
                return Err(Error::local(format!(
                    "the request's subject has attribute {other}, which jose does not write; give --subject"
                )));
            }
        };
        let value = attr.as_str().map_err(|_| {
            Error::local(format!(
                "the request's subject attribute {oid} is not a string"
            ))
        })?;
        subject.push((kind, value.to_owned()));
    }
    // RFC 4514 writes the most specific RDN first; the encoding puts it last.
    subject.reverse();
    let mut sans = Vec::new();
    for ext in csr.requested_extensions().into_iter().flatten() {
        if let x509_parser::extensions::ParsedExtension::SubjectAlternativeName(san) = ext {
            for name in &san.general_names {
                use x509_parser::extensions::GeneralName as G;
                sans.push(match name {
                    G::DNSName(d) => San::Dns((*d).to_owned()),
                    G::RFC822Name(e) => San::Email((*e).to_owned()),
                    G::URI(u) => San::Uri((*u).to_owned()),
                    G::IPAddress(b) => San::Ip(match b.len() {
                        4 => IpAddr::from(<[u8; 4]>::try_from(*b).expect("four bytes")),
                        16 => IpAddr::from(<[u8; 16]>::try_from(*b).expect("sixteen bytes")),
                        _ => {
                            return Err(Error::local(
                                "the request has an IP address SAN of a bad length",
                            ));
                        }
                    }),
                    other => {
                        return Err(Error::local(format!(
                            "the request has a SAN jose does not write ({other}); give --san"
                        )));
                    }
                });
            }
        }
    }
    Ok(Csr {
        subject: Subject(subject),
        sans,
        spki: info.subject_pki.raw.to_vec(),
    })
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
