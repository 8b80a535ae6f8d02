//! Certificate path validation for `x5c` (RFC 7515 §4.1.6) under roots the
//! caller chose: rustls-webpki builds and checks the path (signatures,
//! validity, CA and path-length constraints, name constraints, extended key
//! usage nesting) within its own budgets on signature checks and path
//! building; the leaf's pins (a name, OIDs) and its key usage are read with
//! x509-parser. Nothing here walks a chain by hand.

use std::time::Duration;

use rustls_pki_types::{CertificateDer, UnixTime};
use webpki::{EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter};
use x509_parser::extensions::{GeneralName, ParsedExtension};

/// The most certificates an `x5c` may hold (leaf and intermediates).
pub const MAX_CHAIN: usize = 10;

/// What the leaf must carry besides a valid path.
#[derive(Debug, Clone, Default)]
pub struct LeafPins {
    /// The subject CN or a SAN must equal one of these (when not empty).
    pub names: Vec<String>,
    /// Every one of these dotted OIDs must appear as an extended key usage,
    /// a certificate policy or an extension.
    pub oids: Vec<String>,
}

/// The leaf needs no particular extended key usage (the contract: a
/// token-signing leaf has no registered purpose), but a malformed EKU
/// extension is still refused.
struct AnyPurpose;

impl ExtendedKeyUsageValidator for AnyPurpose {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for id in iter {
            id?;
        }
        Ok(())
    }
}

/// Validate `chain` (DER, leaf first) to one of `roots` (DER certificates)
/// at `now` (Unix seconds), then the leaf's key usage and pins. The error
/// is the reason, for a `bad_chain` rejection.
pub fn validate(
    chain: &[Vec<u8>],
    roots: &[Vec<u8>],
    now: i64,
    pins: &LeafPins,
) -> Result<(), String> {
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err("x5c is empty".into());
    };
    if chain.len() > MAX_CHAIN {
        return Err(format!(
            "x5c holds {} certificates, more than the {MAX_CHAIN} accepted",
            chain.len()
        ));
    }
    let root_ders: Vec<CertificateDer<'_>> = roots
        .iter()
        .map(|r| CertificateDer::from(r.as_slice()))
        .collect();
    let anchors = root_ders
        .iter()
        .map(|r| {
            webpki::anchor_from_trusted_cert(r)
                .map_err(|e| format!("a --x5c-root is not a usable certificate: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let leaf_der = CertificateDer::from(leaf.as_slice());
    let ee = EndEntityCert::try_from(&leaf_der)
        .map_err(|e| format!("the x5c leaf is not a valid certificate: {}", reason(&e)))?;
    let inter: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    let secs = u64::try_from(now).map_err(|_| "the time is before 1970".to_owned())?;
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &inter,
        UnixTime::since_unix_epoch(Duration::from_secs(secs)),
        AnyPurpose,
        None,
        None,
    )
    .map_err(|e| reason(&e))?;
    check_leaf(leaf, pins)
}

/// webpki's error as a reason a person can act on.
fn reason(e: &webpki::Error) -> String {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => "unknown root: the chain does not lead to a --x5c-root".into(),
        E::CertExpired { .. } => "expired: a certificate of the chain is not valid at --now".into(),
        E::CertNotValidYet { .. } => {
            "not yet valid: a certificate of the chain is not valid at --now".into()
        }
        E::CaUsedAsEndEntity => "the leaf is a CA certificate".into(),
        E::EndEntityUsedAsCa => "not a CA: an intermediate is not a CA certificate".into(),
        E::PathLenConstraintViolated => "path too long: a CA's path length is exceeded".into(),
        E::MaximumPathDepthExceeded => "path too long".into(),
        E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded => {
            "the chain is too costly to build (webpki's budget ran out)".into()
        }
        E::InvalidSignatureForPublicKey => "a certificate's signature does not verify".into(),
        E::RequiredEkuNotFoundContext(_) => {
            "an extended key usage of the chain does not allow the leaf's".into()
        }
        other => format!("{other:?}"),
    }
}

/// The leaf's key usage (when present) allows digitalSignature, and its
/// pins hold.
fn check_leaf(leaf: &[u8], pins: &LeafPins) -> Result<(), String> {
    let (_, cert) = x509_parser::parse_x509_certificate(leaf)
        .map_err(|e| format!("the x5c leaf does not parse: {e}"))?;
    if let Ok(Some(ku)) = cert.key_usage()
        && !ku.value.digital_signature()
    {
        return Err("wrong usage: the leaf's key usage does not allow digitalSignature".into());
    }
    if !pins.names.is_empty() {
        let mut names: Vec<String> = cert
            .subject()
            .iter_common_name()
            .filter_map(|cn| cn.as_str().ok().map(str::to_owned))
            .collect();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for n in &san.value.general_names {
                match n {
                    GeneralName::DNSName(s) | GeneralName::RFC822Name(s) | GeneralName::URI(s) => {
                        names.push((*s).to_owned());
                    }
                    GeneralName::IPAddress(b) => match b.len() {
                        4 => names.push(
                            std::net::IpAddr::from(<[u8; 4]>::try_from(*b).expect("4 bytes"))
                                .to_string(),
                        ),
                        16 => names.push(
                            std::net::IpAddr::from(<[u8; 16]>::try_from(*b).expect("16 bytes"))
                                .to_string(),
                        ),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        if !pins
            .names
            .iter()
            .any(|want| names.iter().any(|n| n == want))
        {
            return Err(format!(
                "name missing: the leaf's CN and SANs do not include {}",
                pins.names.join(" or ")
            ));
        }
    }
    for want in &pins.oids {
        let mut found = false;
        for ext in cert.extensions() {
            if ext.oid.to_id_string() == *want {
                found = true;
            }
            match ext.parsed_extension() {
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    found |= eku.other.iter().any(|o| o.to_id_string() == *want)
                        || (eku.server_auth && want == "1.3.6.1.5.5.7.3.1")
                        || (eku.client_auth && want == "1.3.6.1.5.5.7.3.2")
                        || (eku.code_signing && want == "1.3.6.1.5.5.7.3.3")
                        || (eku.email_protection && want == "1.3.6.1.5.5.7.3.4")
                        || (eku.time_stamping && want == "1.3.6.1.5.5.7.3.8")
                        || (eku.ocsp_signing && want == "1.3.6.1.5.5.7.3.9");
                }
                ParsedExtension::CertificatePolicies(policies) => {
                    found |= policies.iter().any(|p| p.policy_id.to_id_string() == *want);
                }
                _ => {}
            }
        }
        if !found {
            return Err(format!(
                "OID missing: the leaf carries no extended key usage, policy or extension {want}"
            ));
        }
    }
    Ok(())
}
