//! The decryption API: a token, keys and limits in; the authentic plaintext
//! and the joint header out, or one [`Rejection`].

use serde_json::Value;

use crate::crypto;
use crate::error::{RejectCode, Rejection};
use crate::jose::alg::{JweAlg, JweEnc, KeyFamily};
use crate::jose::b64;
use crate::jose::jwe::keymgmt::{self, Unwrapper};
use crate::jose::jwe::{self, Header, Jwe, zip};
use crate::keys::KeySet;

#[derive(Clone, Debug)]
pub struct DecryptOptions {
    /// Accepted `alg`s; empty: every one but RSA1_5.
    pub algs: Vec<JweAlg>,
    /// Accepted `enc`s; empty: all.
    pub encs: Vec<JweEnc>,
    pub max_p2c: u64,
    /// Largest plaintext, after decompression.
    pub max_size: usize,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        DecryptOptions {
            algs: Vec::new(),
            encs: Vec::new(),
            max_p2c: 1_000_000,
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

#[derive(Clone, Debug)]
pub struct Decrypted {
    /// The joint header of the recipient that decrypted.
    pub header: Header,
    pub plaintext: Vec<u8>,
    pub recipient: usize,
}

fn too_large(detail: String) -> Rejection {
    Rejection::new(RejectCode::TooLarge, detail)
}

fn str_param<'a>(h: &'a Header, name: &str) -> Result<Option<&'a str>, Rejection> {
    match h.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Rejection::malformed(format!(
            "header {name:?} must be a string"
        ))),
    }
}

fn b64_param(h: &Header, name: &str) -> Result<Option<Vec<u8>>, Rejection> {
    str_param(h, name)?
        .map(|s| {
            b64::decode(s).ok_or_else(|| {
                Rejection::malformed(format!("header {name:?} is not strict base64url"))
            })
        })
        .transpose()
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
    match jwe.protected.get("crit") {
        None => Ok(()),
        Some(Value::Array(names)) if !names.is_empty() => {
            let first = names.first().and_then(Value::as_str).unwrap_or("?");
            Err(Rejection::new(
                RejectCode::UnknownCrit,
                format!("critical header parameter {first:?} is not understood"),
            ))
        }
        Some(_) => Err(Rejection::malformed(
            "header \"crit\" must be a non-empty array",
        )),
    }
}

/// A key's own `alg`, `use` and `key_ops` restrict what it may do (RFC 7517
/// §4.2-§4.4): a key made for A128GCMKW never unwraps an A128KW token.
fn key_permits(k: &crate::keys::Key, alg: JweAlg, enc: JweEnc) -> bool {
    use crate::jose::alg::KeyAlg;
    let alg_ok = match &k.alg {
        None | Some(KeyAlg::Unknown(_)) => true,
        Some(KeyAlg::Jwe(a)) => *a == alg,
        Some(KeyAlg::Enc(e)) => alg == JweAlg::Dir && *e == enc,
        Some(KeyAlg::Jws(_)) => false,
    };
    let use_ok = !matches!(k.key_use, Some(crate::keys::KeyUse::Sig));
    let ops_ok = k.key_ops.as_ref().is_none_or(|ops| {
        let want = if alg.is_direct() {
            "decrypt"
        } else {
            "unwrapKey"
        };
        ops.iter()
            .any(|o| o == want || o == "decrypt" || o == "deriveKey" || o == "deriveBits")
    });
    alg_ok && use_ok && ops_ok
}

struct Attempt<'a> {
    recipient: usize,
    header: Header,
    alg: JweAlg,
    enc: JweEnc,
    with: Unwrapper<'a>,
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

/// Decrypt an already parsed JWE; its ciphertext is decrypted in place.
pub fn decrypt_parsed(
    mut jwe: Jwe,
    keys: &KeySet,
    password: Option<&[u8]>,
    opts: &DecryptOptions,
) -> Result<Decrypted, Rejection> {
    check_protected_only(&jwe)?;
    let zip = match str_param(&jwe.protected, "zip")? {
        None => false,
        Some("DEF") => true,
        Some(other) => {
            return Err(Rejection::new(
                RejectCode::UnsupportedAlg,
                format!("unknown compression {other:?}"),
            ));
        }
    };

    let mut attempts = Vec::new();
    let mut first_err: Option<Rejection> = None;
    for i in 0..jwe.recipients.len() {
        let step = (|| -> Result<Vec<Attempt<'_>>, Rejection> {
            let h = jwe.joint_header(i).map_err(Rejection::malformed)?;
            let alg_s = str_param(&h, "alg")?
                .ok_or_else(|| Rejection::malformed("the JWE header has no \"alg\""))?;
            let enc_s = str_param(&h, "enc")?
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
            let mut out = Vec::new();
            if alg.family() == KeyFamily::Password {
                if let Some(pw) = password {
                    out.push(Unwrapper::Password(pw));
                }
            } else {
                let kid = str_param(&h, "kid")?;
                let x5t = b64_param(&h, "x5t")?;
                let x5t256 = b64_param(&h, "x5t#S256")?;
                // The candidates borrow the header; keep positions in the key set instead.
                let cands: Vec<&crate::keys::Key> = keys
                    .candidates(alg.family(), kid, x5t.as_deref(), x5t256.as_deref())
                    .collect();
                for k in &keys.keys {
                    if cands.iter().any(|c| std::ptr::eq(*c, k)) && key_permits(k, alg, enc) {
                        out.push(Unwrapper::Key(&k.material));
                    }
                }
            }
            if out.is_empty() {
                let what = match str_param(&h, "kid")?.map(str::to_owned) {
                    Some(kid) => format!("no key given can decrypt {alg} with kid {kid:?}"),
                    None if alg.family() == KeyFamily::Password => {
                        format!("{alg} needs a password (--password-file or --password-env)")
                    }
                    None => format!("no key given can decrypt {alg}"),
                };
                return Err(Rejection::new(RejectCode::NoMatchingKey, what));
            }
            Ok(out
                .into_iter()
                .map(|with| Attempt {
                    recipient: i,
                    header: h.clone(),
                    alg,
                    enc,
                    with,
                })
                .collect())
        })();
        match step {
            Ok(a) => attempts.extend(a),
            Err(e) => {
                if first_err.is_none() {
                    first_err = Some(e);
                }
            }
        }
    }
    if attempts.is_empty() {
        return Err(first_err.unwrap_or_else(keymgmt::failed));
    }

    // Bound the work before any decryption: ciphertext longer than the
    // largest accepted plaintext (plus padding, or DEFLATE's worst case).
    let slack = if zip { opts.max_size / 1000 + 1024 } else { 16 };
    if jwe.ciphertext.len() > opts.max_size.saturating_add(slack) {
        return Err(too_large(format!(
            "the ciphertext ({} bytes) is larger than the plaintext limit of {} bytes (--max-size)",
            jwe.ciphertext.len(),
            opts.max_size
        )));
    }

    let aad = jwe.aad();
    let last = attempts.len() - 1;
    let mut ciphertext = std::mem::take(&mut jwe.ciphertext);
    let mut failure = keymgmt::failed();
    for (n, a) in attempts.into_iter().enumerate() {
        let ek = jwe
            .recipients
            .get(a.recipient)
            .map(|r| r.encrypted_key.as_slice())
            .unwrap_or_default();
        let cek = match keymgmt::unwrap_cek(a.alg, a.enc, &a.header, a.with, ek, opts.max_p2c) {
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
        let plaintext = if zip {
            zip::inflate(&buf, opts.max_size)?
        } else {
            if buf.len() > opts.max_size {
                return Err(too_large(format!(
                    "the plaintext ({} bytes) exceeds the limit of {} bytes (--max-size)",
                    buf.len(),
                    opts.max_size
                )));
            }
            buf
        };
        return Ok(Decrypted {
            header: a.header,
            plaintext,
            recipient: a.recipient,
        });
    }
    Err(failure)
}
