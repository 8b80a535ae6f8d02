//! The encryption API: plaintext and recipients in, a serialized JWE out.

use serde_json::Value;
use zeroize::Zeroizing;

use crate::codec::b64;
use crate::codec::jwe::build::{self, Parts};
use crate::codec::jwe::{Header, Recipient, zip};
use crate::crypto;
use crate::model::Serialization;
use crate::model::alg::{JweAlg, JweEnc};
use crate::model::error::{Error, Result};
use crate::ops::keymgmt::{self, Fixed, Unwrapper};

/// One recipient to encrypt to.
#[derive(Clone, Debug)]
pub struct RecipientSpec<'a> {
    /// The recipient's key, or a password for PBES2; it must suit `alg`, or
    /// [`encrypt`] fails.
    pub with: Unwrapper<'a>,
    /// The key management algorithm, written as the recipient's `alg`.
    pub alg: JweAlg,
    /// Written as the recipient's `kid` when given.
    pub kid: Option<String>,
}

/// How [`encrypt`] builds the JWE: content encryption, compression, further
/// header parameters and serialization.
#[derive(Clone, Debug)]
pub struct EncryptOptions {
    /// The content encryption algorithm, written as `enc`.
    pub enc: JweEnc,
    /// Compress the plaintext with DEFLATE before encrypting it (`zip: DEF`,
    /// RFC 7516 §4.1.3).
    pub zip: bool,
    /// Further protected header parameters (`typ`, `cty`, `--header`).
    pub header: Header,
    /// PBES2 iteration count for a password recipient (RFC 7518 §4.8.1.2);
    /// [`encrypt`] refuses 0 for such a recipient.
    pub p2c: u32,
    /// The serialization to write; more than one recipient always writes
    /// the general one.
    pub serialization: Serialization,
    /// JSON `aad` (JSON serializations only).
    pub aad: Option<Vec<u8>>,
    #[doc(hidden)]
    pub fixed: Fixed,
}

impl EncryptOptions {
    /// Options for `enc`: no compression, no further header, `p2c` 600,000,
    /// compact serialization, no `aad`.
    pub fn new(enc: JweEnc) -> EncryptOptions {
        EncryptOptions {
            enc,
            zip: false,
            header: Header::new(),
            p2c: 600_000,
            serialization: Serialization::Compact,
            aad: None,
            fixed: Fixed::default(),
        }
    }
}

/// Parameters only key management may set.
const RESERVED: &[&str] = &[
    "alg", "enc", "zip", "epk", "p2s", "p2c", "iv", "tag", "crit",
];

/// Encrypt `plaintext` to every recipient. Several recipients produce the
/// general serialization; direct modes (`dir`, `ECDH-ES`) need exactly one.
pub fn encrypt(
    plaintext: Vec<u8>,
    recipients: &[RecipientSpec<'_>],
    opts: &EncryptOptions,
) -> Result<String> {
    let enc = opts.enc;
    check_request(recipients, opts)?;
    let general = recipients.len() > 1 || opts.serialization == Serialization::General;
    let mut cek: Zeroizing<Vec<u8>> = Zeroizing::new(
        opts.fixed
            .cek
            .clone()
            .unwrap_or_else(|| crypto::random_vec(enc.key_len())),
    );
    let mut wrapped = Vec::with_capacity(recipients.len());
    for r in recipients {
        let w = keymgmt::wrap_cek(
            r.alg,
            enc,
            r.with,
            &cek,
            &opts.header,
            opts.p2c,
            &opts.fixed,
        )?;
        if let Some(d) = &w.direct_cek {
            cek = d.clone();
        }
        wrapped.push((r, w));
    }
    let (protected, recips) = headers(wrapped, general, opts);
    let protected_json = match &opts.fixed.protected {
        Some(p) => p.clone(),
        None => Value::Object(protected).to_string(),
    };
    let protected_b64 = b64::encode(protected_json.as_bytes());

    let aad_b64 = opts.aad.as_ref().map(b64::encode);
    if aad_b64.is_some() && opts.serialization == Serialization::Compact && !general {
        return Err(Error::usage(
            "additional authenticated data needs a JSON serialization",
        ));
    }
    let mut aad = protected_b64.as_bytes().to_vec();
    if let Some(a) = &aad_b64 {
        aad.push(b'.');
        aad.extend_from_slice(a.as_bytes());
    }
    let iv = opts
        .fixed
        .iv
        .clone()
        .unwrap_or_else(|| crypto::random_vec(enc.iv_len()));
    let mut buf = if opts.zip {
        zip::deflate(&plaintext)
    } else {
        plaintext
    };
    let tag = crypto::content_seal(enc, &cek, &iv, &aad, &mut buf)
        .map_err(|_| Error::local(format!("{enc} encryption failed")))?;

    let parts = Parts {
        protected_b64: &protected_b64,
        unprotected: None,
        recipients: &recips,
        iv: &iv,
        ciphertext: &buf,
        tag: &tag,
        aad_b64: aad_b64.as_deref(),
    };
    let out = match (general, opts.serialization) {
        (true, _) => build::json(&parts, true),
        (false, Serialization::Flattened) => build::json(&parts, false),
        (false, _) => build::compact(&parts),
    };
    out.ok_or_else(|| Error::local("cannot serialize the JWE"))
}

/// What is refused before any key is used: no recipient, a direct mode
/// among several, a header parameter only key management may set.
fn check_request(recipients: &[RecipientSpec<'_>], opts: &EncryptOptions) -> Result<()> {
    if recipients.is_empty() {
        return Err(Error::usage(
            "no recipient: give --key, a secret or a password",
        ));
    }
    if recipients.len() > 1
        && let Some(r) = recipients.iter().find(|r| r.alg.is_direct())
    {
        return Err(Error::usage(format!(
            "{} is a direct mode and takes exactly one key; {} were given",
            r.alg,
            recipients.len()
        )));
    }
    for k in opts.header.keys() {
        if RESERVED.contains(&k.as_str()) {
            return Err(Error::usage(format!(
                "--header {k}: this parameter is set by jose itself"
            )));
        }
    }
    Ok(())
}

/// The protected header and the recipients: in the general serialization
/// each recipient's `alg`, `kid` and key-management parameters go in its
/// own header; otherwise the one recipient's go in the protected header.
fn headers(
    wrapped: Vec<(&RecipientSpec<'_>, keymgmt::Wrapped)>,
    general: bool,
    opts: &EncryptOptions,
) -> (Header, Vec<Recipient>) {
    let enc = opts.enc;
    let mut protected = Header::new();
    let mut recips = Vec::with_capacity(wrapped.len());
    if general {
        protected.insert("enc".into(), enc.name().into());
        for (r, w) in wrapped {
            let mut h = Header::new();
            h.insert("alg".into(), r.alg.name().into());
            if let Some(kid) = &r.kid {
                h.insert("kid".into(), kid.clone().into());
            }
            h.extend(w.params);
            recips.push(Recipient {
                header: Some(h),
                encrypted_key: w.encrypted_key,
            });
        }
    } else if let Some((r, w)) = wrapped.into_iter().next() {
        protected.insert("alg".into(), r.alg.name().into());
        protected.insert("enc".into(), enc.name().into());
        if let Some(kid) = &r.kid {
            protected.insert("kid".into(), kid.clone().into());
        }
        protected.extend(w.params);
        recips.push(Recipient {
            header: None,
            encrypted_key: w.encrypted_key,
        });
    }
    if opts.zip {
        protected.insert("zip".into(), "DEF".into());
    }
    for (k, v) in &opts.header {
        protected.insert(k.clone(), v.clone());
    }
    (protected, recips)
}
