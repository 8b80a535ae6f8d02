//! `jose cert`: a self-signed or CA-issued certificate, or a CSR, for a key.

use crate::cli::{CertArgs, CertFormat};
use crate::io::{Emit, Io};
use crate::settings;
use crate::sources::{KeyPassword, load_local};
use jose::Key;
use jose::x509::{self, Issuer};
use jose::{Error, Result};

pub fn run(args: &CertArgs, io: &mut Io<'_>) -> Result<()> {
    let dash = |p: &Option<String>| p.as_deref() == Some("-");
    io.one_stdin(&[
        ("the key", dash(&args.key)),
        ("the certificate request", dash(&args.csr_in)),
        ("the CA certificate", dash(&args.ca_cert)),
        ("the CA key", dash(&args.ca_key)),
        (
            "the key password",
            crate::io::is_stdin(args.key_password.key_password_file.as_deref()),
        ),
    ])?;
    let now = crate::clock::now();
    let mut pw = KeyPassword::new(&args.key_password);
    let (key, csr) = match (&args.key, &args.csr_in) {
        (_, Some(path)) => {
            let data = crate::io::read_source(io, path)?;
            let (csr, key) = x509::read_csr(&data).map_err(|e| e.context(path))?;
            (key, Some(csr))
        }
        (Some(path), None) => (single_key(load_local(io, path, &mut pw)?, path)?, None),
        (None, None) => return Err(Error::usage("give --key or --csr-in")),
    };
    let req = settings::cert_request(args, now, csr.as_ref())?;

    let (der, label) = if args.csr {
        (x509::csr(&key, &req)?, "CERTIFICATE REQUEST")
    } else {
        let der = match (&args.ca_cert, &args.ca_key) {
            (Some(ca_cert), Some(ca_key)) => {
                let ca_cert_key = single_key(load_local(io, ca_cert, &mut pw)?, ca_cert)?;
                let ca_der = ca_cert_key.x5c.first().cloned().ok_or_else(|| {
                    Error::usage(format!("{ca_cert}: --ca-cert must be a certificate"))
                })?;
                let ca_key = single_key(load_local(io, ca_key, &mut pw)?, ca_key)?;
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
