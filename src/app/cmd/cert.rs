//! `jose cert`: a self-signed or CA-issued certificate, or a CSR, for a key.

use crate::cli::{CertArgs, CertFormat};
use crate::io::{Emit, Io};
use crate::sources::load_local;
use jose::Key;
use jose::x509::{self, CertRequest, Issuer};
use jose::{Error, Result};

const DEFAULT_DAYS: u32 = 365;

pub fn run(args: &CertArgs, io: &mut Io<'_>) -> Result<()> {
    let now = crate::clock::now();
    let req = request(args, now)?;
    let key = single_key(load_local(io, &args.key)?, &args.key)?;

    let (der, label) = if args.csr {
        (x509::csr(&key, &req)?, "CERTIFICATE REQUEST")
    } else {
        let der = match (&args.ca_cert, &args.ca_key) {
            (Some(ca_cert), Some(ca_key)) => {
                let ca_cert_key = single_key(load_local(io, ca_cert)?, ca_cert)?;
                let ca_der = ca_cert_key.x5c.first().cloned().ok_or_else(|| {
                    Error::usage(format!("{ca_cert}: --ca-cert must be a certificate"))
                })?;
                let ca_key = single_key(load_local(io, ca_key)?, ca_key)?;
                let ca_info = jose::keys::cert_info::parse(&ca_der)?;
                if !ca_info.is_ca {
                    return Err(Error::local(format!(
                        "{ca_cert} is not a CA certificate (no basic constraints CA:TRUE); make one with `jose cert --ca`"
                    )));
                }
                if req.not_after > ca_info.not_after {
                    io.warn(format!(
                        "the certificate's validity ends after the CA's ({}); verifiers will reject it from then",
                        rfc3339(ca_info.not_after)
                    ));
                }
                if jose::keys::thumbprint::sha256_b64(&ca_key.material)
                    != jose::keys::thumbprint::sha256_b64(&ca_cert_key.material)
                {
                    return Err(Error::local(format!(
                        "the CA key {} does not belong to the CA certificate {}",
                        args.ca_key.as_deref().unwrap_or_default(),
                        ca_cert
                    )));
                }
                x509::certificate(
                    &key,
                    &req,
                    Issuer::Ca {
                        cert_der: &ca_der,
                        key: &ca_key,
                    },
                )?
            }
            _ => x509::certificate(&key, &req, Issuer::SelfSigned)?,
        };
        (der, "CERTIFICATE")
    };

    match args.format {
        CertFormat::Pem => {
            let pem = x509::to_pem(label, &der)?;
            crate::io::emit(io, &args.out, pem.as_bytes(), Emit::Line, false)
        }
        CertFormat::Der => crate::io::emit(io, &args.out, &der, Emit::Binary, false),
    }
}

/// Subject, SANs and validity from the flags.
fn request(args: &CertArgs, now: i64) -> Result<CertRequest> {
    let mut subject = match &args.subject {
        Some(s) => x509::parse_subject(s)?,
        None => x509::Subject::default(),
    };
    if let Some(cn) = &args.cn {
        if subject
            .0
            .iter()
            .any(|(a, _)| *a == x509::DnAttr::CommonName)
        {
            return Err(Error::usage(
                "--cn and a CN in --subject both name the common name; give one",
            ));
        }
        subject.0.insert(0, (x509::DnAttr::CommonName, cn.clone()));
    }
    let sans = args
        .san
        .iter()
        .map(|s| x509::parse_san(s))
        .collect::<Result<Vec<_>>>()?;
    if subject.0.is_empty() {
        // An empty subject would need a critical SAN extension (RFC 5280
        // §4.2.1.6), which rcgen does not write; name it after the first SAN.
        let first = sans.first().ok_or_else(|| {
            Error::usage("a certificate needs a name: give --subject, --cn or --san")
        })?;
        subject.0.push((x509::DnAttr::CommonName, first.value()));
    }
    let not_before = args.not_before.map_or(now, |t| t.resolve(now));
    let not_after = match args.not_after {
        Some(t) => t.resolve(now),
        None => {
            let days = i64::from(args.days.unwrap_or(DEFAULT_DAYS));
            if days == 0 {
                return Err(Error::usage("--days must be at least 1"));
            }
            not_before.saturating_add(days.saturating_mul(86_400))
        }
    };
    Ok(CertRequest {
        subject,
        sans,
        not_before,
        not_after,
        ca: args.ca,
    })
}

fn single_key(mut keys: Vec<Key>, origin: &str) -> Result<Key> {
    if keys.len() != 1 {
        return Err(Error::usage(format!(
            "{origin} holds {} keys; give a file with exactly one",
            keys.len()
        )));
    }
    keys.pop()
        .ok_or_else(|| Error::usage(format!("{origin} holds no key")))
}

fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| t.to_string())
}
