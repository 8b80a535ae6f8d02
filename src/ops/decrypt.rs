//! The decryption API: a token, keys and limits in; the authentic plaintext
//! and the joint header out, or one [`Rejection`].

use crate::codec::header;

use crate::codec::jwe::{self, Header, JointHeader, Jwe, zip};
use crate::crypto;
use crate::model::alg::{JweAlg, JweEnc, KeyFamily};
use crate::model::error::{RejectCode, Rejection};
use crate::model::key::KeySet;
use crate::ops::keymgmt::{self, P2cBudget, Unwrapper};

/// Most (recipient, key) pairs tried for one token.
pub const MAX_ATTEMPTS: usize = 64;

/// The default `--max-p2c`: the most PBES2 iterations one token may cost,
/// summed over its recipients. It admits a token from our own `encrypt`
/// (p2c 600,000) and one from each usual peer's default (node jose 2,048,
/// jwcrypto 8,192, go-jose 600,000, formerly 100,000), stays under the
/// 1,200,000 above which RFC 8725bis advises rejecting, and as a sum it caps
/// the PBKDF2 work of any token at about what one such recipient costs.
pub const DEFAULT_MAX_P2C: u64 = 1_000_000;

/// What [`decrypt`] accepts: the algorithms, and the bounds on one token's
/// work and output.
#[derive(Clone, Debug)]
pub struct DecryptOptions {
    /// Accepted `alg`s; empty: every one but RSA1_5.
    pub algs: Vec<JweAlg>,
    /// Accepted `enc`s; empty: all.
    pub encs: Vec<JweEnc>,
    /// Most PBES2 iterations (`p2c`) one token may cost, summed over the
    /// recipients tried; by default [`DEFAULT_MAX_P2C`].
    pub max_p2c: u64,
    /// Largest plaintext, after decompression.
    pub max_size: usize,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        DecryptOptions {
            algs: Vec::new(),
            encs: Vec::new(),
            max_p2c: DEFAULT_MAX_P2C,
            max_size: 16 << 20,
        }
    }
}

impl DecryptOptions {
    fn alg_allowed(&self, a: JweAlg) -> bool {
        if self.algs.is_empty() {
            a != JweAlg::Rsa1_5
        } else {
            self.algs.contains(&a)
        }
    }

    fn enc_allowed(&self, e: JweEnc) -> bool {
        self.encs.is_empty() || self.encs.contains(&e)
    }
}

/// An authentic plaintext and the recipient that opened it.
#[derive(Clone, Debug)]
pub struct Decrypted {
    /// The joint header of the recipient that decrypted.
    pub header: Header,
    /// The plaintext, inflated when the header has `zip: DEF`; at most
    /// `max_size` bytes.
    pub plaintext: Vec<u8>,
    /// Index of the recipient that decrypted, in token order (0 unless the
    /// serialization is general).
    pub recipient: usize,
}

fn too_large(detail: String) -> Rejection {
    Rejection::new(RejectCode::TooLarge, detail)
}

/// Parameters that must be integrity protected when present.
fn check_protected_only(jwe: &Jwe) -> Result<(), Rejection> {
    for name in ["zip", "crit"] {
        let elsewhere = jwe.unprotected.iter().any(|h| h.contains_key(name))
            || jwe
                .recipients
                .iter()
                .any(|r| r.header.as_ref().is_some_and(|h| h.contains_key(name)));
        if elsewhere {
            return Err(Rejection::malformed(format!(
                "header parameter {name:?} must be in the protected header"
            )));
        }
    }
    // No `crit` extension is understood for JWE.
    crate::codec::header::check_crit(&jwe.protected, false, &[], &[])
}

/// One (recipient, key) pair to try. Its header is a view of the token's:
/// an attempt copies nothing of it.
struct Attempt<'a> {
    recipient: usize,
    header: JointHeader<'a>,
    alg: JweAlg,
    enc: JweEnc,
    with: Unwrapper<'a>,
}

/// The pairs recipient `i` offers, appended to `out` up to [`MAX_ATTEMPTS`]
/// in all.
fn attempts_for<'a>(
    h: &JointHeader<'a>,
    i: usize,
    keys: &'a KeySet,
    password: Option<&'a [u8]>,
    opts: &DecryptOptions,
    out: &mut Vec<Attempt<'a>>,
) -> Result<(), Rejection> {
    let alg_s = header::str_member(h, "alg")?
        .ok_or_else(|| Rejection::malformed("the JWE header has no \"alg\""))?;
    let enc_s = header::str_member(h, "enc")?
        .ok_or_else(|| Rejection::malformed("the JWE header has no \"enc\""))?;
    let alg: JweAlg = alg_s
        .parse()
        .map_err(|e| Rejection::new(RejectCode::UnsupportedAlg, format!("{e}")))?;
    let enc: JweEnc = enc_s
        .parse()
        .map_err(|e| Rejection::new(RejectCode::UnsupportedAlg, format!("{e}")))?;
    if !opts.alg_allowed(alg) {
        let hint = if alg == JweAlg::Rsa1_5 {
            " (RSA1_5 is accepted only when named with --alg)"
        } else {
            ""
        };
        return Err(Rejection::new(
            RejectCode::AlgNotAllowed,
            format!("alg {alg} is not allowed{hint}"),
        ));
    }
    if !opts.enc_allowed(enc) {
        return Err(Rejection::new(
            RejectCode::AlgNotAllowed,
            format!("enc {enc} is not allowed"),
        ));
    }
    let before = out.len();
    let attempt = |with| Attempt {
        recipient: i,
        header: *h,
        alg,
        enc,
        with,
    };
    if alg.family() == KeyFamily::Password {
        if let Some(pw) = password {
            out.push(attempt(Unwrapper::Password(pw)));
        }
    } else {
        let kid = header::str_member(h, "kid")?;
        let x5t = header::b64_member(h, "x5t")?;
        let x5t256 = header::b64_member(h, "x5t#S256")?;
        // `candidates` yields the set's keys in order: walking both side by
        // side keeps each key's place in one pass.
        let mut cands = keys
            .candidates(alg.family(), kid, x5t.as_deref(), x5t256.as_deref())
            .peekable();
        for k in &keys.keys {
            if out.len() == MAX_ATTEMPTS {
                break;
            }
            if cands.next_if(|c| std::ptr::eq(*c, k)).is_some()
                && k.permits(crate::model::KeyOp::Decrypt(alg, enc))
            {
                out.push(attempt(Unwrapper::Key(&k.material)));
            }
        }
    }
    if out.len() == before {
        let what = match header::str_member(h, "kid")? {
            Some(kid) => format!("no key given can decrypt {alg} with kid {kid:?}"),
            None if alg.family() == KeyFamily::Password => {
                format!("{alg} needs a password (--password-file or --password-env)")
            }
            None => format!("no key given can decrypt {alg}"),
        };
        return Err(Rejection::new(RejectCode::NoMatchingKey, what));
    }
    Ok(())
}

/// Decrypt a JWE in any serialization.
pub fn decrypt(
    token: &str,
    keys: &KeySet,
    password: Option<&[u8]>,
    opts: &DecryptOptions,
) -> Result<Decrypted, Rejection> {
    decrypt_parsed(jwe::parse(token)?, keys, password, opts)
}

/// [`decrypt`] taking ownership of the token, whose buffer then holds the
/// ciphertext and plaintext: no second copy of a large JWE.
pub fn decrypt_owned(
    token: String,
    keys: &KeySet,
    password: Option<&[u8]>,
    opts: &DecryptOptions,
) -> Result<Decrypted, Rejection> {
    decrypt_parsed(jwe::parse_owned(token)?, keys, password, opts)
}

/// Decrypt an already parsed JWE; its ciphertext is decrypted in place.
pub fn decrypt_parsed(
    mut jwe: Jwe,
    keys: &KeySet,
    password: Option<&[u8]>,
    opts: &DecryptOptions,
) -> Result<Decrypted, Rejection> {
    check_protected_only(&jwe)?;
    let zip = compression(&jwe)?;
    jwe.check_shared().map_err(Rejection::malformed)?;
    let mut ciphertext = std::mem::take(&mut jwe.ciphertext);
    let jwe = &jwe;
    let attempts = attempts(jwe, keys, password, opts)?;
    check_ciphertext_size(ciphertext.len(), zip, opts)?;

    let aad = jwe.aad();
    let last = attempts.len() - 1;
    let mut failure = keymgmt::failed();
    let mut p2c_budget = P2cBudget::new(opts.max_p2c);
    for (n, a) in attempts.into_iter().enumerate() {
        let ek = jwe
            .recipients
            .get(a.recipient)
            .map(|r| r.encrypted_key.as_slice())
            .unwrap_or_default();
        let cek = match keymgmt::unwrap_cek(a.alg, a.enc, &a.header, a.with, ek, &mut p2c_budget) {
            Ok(c) => c,
            Err(e) if e.code == RejectCode::DecryptFailed => continue,
            Err(e) => {
                failure = e;
                continue;
            }
        };
        // A failed open leaves the buffer unusable, so earlier attempts work on a copy.
        let mut buf = if n == last {
            std::mem::take(&mut ciphertext)
        } else {
            ciphertext.clone()
        };
        if crypto::content_open(a.enc, &cek, &jwe.iv, &aad, &mut buf, &jwe.tag).is_err() {
            continue;
        }
        return Ok(Decrypted {
            header: a.header.to_header(),
            plaintext: plaintext(buf, zip, opts)?,
            recipient: a.recipient,
        });
    }
    Err(failure)
}

/// Whether the content is DEFLATE-compressed (`zip`, RFC 7516 §4.1.3).
fn compression(jwe: &Jwe) -> Result<bool, Rejection> {
    match header::str_member(&jwe.protected, "zip")? {
        None => Ok(false),
        Some("DEF") => Ok(true),
        Some(other) => Err(Rejection::new(
            RejectCode::UnsupportedAlg,
            format!("unknown compression {other:?}"),
        )),
    }
}

/// The (recipient, key) pairs to try, in order. The work is bounded before
/// any is done: recipients are read in order until they offer
/// [`MAX_ATTEMPTS`] pairs; those beyond are never looked at. None at all is
/// the first recipient's rejection, or `decrypt_failed`.
fn attempts<'a>(
    jwe: &'a Jwe,
    keys: &'a KeySet,
    password: Option<&'a [u8]>,
    opts: &DecryptOptions,
) -> Result<Vec<Attempt<'a>>, Rejection> {
    let mut attempts = Vec::new();
    let mut first_err: Option<Rejection> = None;
    for i in 0..jwe.recipients.len() {
        if attempts.len() == MAX_ATTEMPTS {
            break;
        }
        let step = jwe
            .joint(i)
            .map_err(Rejection::malformed)
            .and_then(|h| attempts_for(&h, i, keys, password, opts, &mut attempts));
        if let Err(e) = step
            && first_err.is_none()
        {
            first_err = Some(e);
        }
    }
    if attempts.is_empty() {
        return Err(first_err.unwrap_or_else(keymgmt::failed));
    }
    Ok(attempts)
}

/// Bound the work before any decryption: a ciphertext longer than the
/// largest accepted plaintext (plus padding, or DEFLATE's worst case) is
/// `too_large` unopened.
fn check_ciphertext_size(len: usize, zip: bool, opts: &DecryptOptions) -> Result<(), Rejection> {
    let slack = if zip { opts.max_size / 1000 + 1024 } else { 16 };
    if len > opts.max_size.saturating_add(slack) {
        return Err(too_large(format!(
            "the ciphertext ({len} bytes) is larger than the plaintext limit of {} bytes (--max-size)",
            opts.max_size
        )));
    }
    Ok(())
}

/// The opened content as plaintext: inflated (within `--max-size`) or
/// checked against it.
fn plaintext(buf: Vec<u8>, zip: bool, opts: &DecryptOptions) -> Result<Vec<u8>, Rejection> {
    if zip {
        return zip::inflate(&buf, opts.max_size);
    }
    if buf.len() > opts.max_size {
        return Err(too_large(format!(
            "the plaintext ({} bytes) exceeds the limit of {} bytes (--max-size)",
            buf.len(),
            opts.max_size
        )));
    }
    Ok(buf)
}
