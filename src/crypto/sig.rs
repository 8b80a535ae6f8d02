//! JWS signature primitives (RFC 7518 §3, RFC 8037, RFC 8812) on `ring`,
//! with `p521`/`k256` only for the curves `ring` lacks, RSA verification on
//! `aws-lc-rs` (parsed keys kept, see `rsa_verify`) and ML-DSA (RFC 9964)
//! in [`super::mldsa`]. Signatures use the
//! JWS encodings: ECDSA as fixed-length R || S, RSA as the modulus length.

use ring::hmac;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair, UnparsedPublicKey};

use super::{KeyRejected, Unspecified};
use crate::model::alg::JwsAlg;
use crate::model::key::{Curve, KeyMaterial, OkpCurve};

/// Why a key cannot sign with an algorithm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The key does not fit the algorithm, is public only, or is unusable.
    #[error("{0}")]
    Key(#[from] KeyRejected),
    /// The signing primitive itself failed with a usable key.
    #[error("signing failed")]
    Failed,
}

fn strip_zeros(v: &[u8]) -> &[u8] {
    let lead = v.iter().position(|b| *b != 0).unwrap_or(v.len());
    v.get(lead..).unwrap_or_default()
}

/// Left-pad a big-endian integer to `len` bytes; `None` if it does not fit.
fn pad_to(v: &[u8], len: usize) -> Option<Vec<u8>> {
    let v = strip_zeros(v);
    if v.len() > len {
        return None;
    }
    let mut out = vec![0u8; len - v.len()];
    out.extend_from_slice(v);
    Some(out)
}

fn uncompressed(curve: Curve, x: &[u8], y: &[u8]) -> Option<Vec<u8>> {
    let len = curve.coord_len();
    let mut p = Vec::with_capacity(1 + 2 * len);
    p.push(4);
    p.extend_from_slice(&pad_to(x, len)?);
    p.extend_from_slice(&pad_to(y, len)?);
    Some(p)
}

fn hmac_alg(alg: JwsAlg) -> Option<hmac::Algorithm> {
    match alg {
        JwsAlg::HS256 => Some(hmac::HMAC_SHA256),
        JwsAlg::HS384 => Some(hmac::HMAC_SHA384),
        JwsAlg::HS512 => Some(hmac::HMAC_SHA512),
        _ => None,
    }
}

fn rsa_sign_alg(alg: JwsAlg) -> Option<&'static dyn signature::RsaEncoding> {
    match alg {
        JwsAlg::RS256 => Some(&signature::RSA_PKCS1_SHA256),
        JwsAlg::RS384 => Some(&signature::RSA_PKCS1_SHA384),
        JwsAlg::RS512 => Some(&signature::RSA_PKCS1_SHA512),
        JwsAlg::PS256 => Some(&signature::RSA_PSS_SHA256),
        JwsAlg::PS384 => Some(&signature::RSA_PSS_SHA384),
        JwsAlg::PS512 => Some(&signature::RSA_PSS_SHA512),
        _ => None,
    }
}

fn rsa_verify_alg(alg: JwsAlg) -> Option<&'static aws_lc_rs::signature::RsaParameters> {
    use aws_lc_rs::signature as lc;
    match alg {
        JwsAlg::RS256 => Some(&lc::RSA_PKCS1_2048_8192_SHA256),
        JwsAlg::RS384 => Some(&lc::RSA_PKCS1_2048_8192_SHA384),
        JwsAlg::RS512 => Some(&lc::RSA_PKCS1_2048_8192_SHA512),
        JwsAlg::PS256 => Some(&lc::RSA_PSS_2048_8192_SHA256),
        JwsAlg::PS384 => Some(&lc::RSA_PSS_2048_8192_SHA384),
        JwsAlg::PS512 => Some(&lc::RSA_PSS_2048_8192_SHA512),
        _ => None,
    }
}

/// RSA public keys parsed for verification, per thread, most recent last:
/// ring derives the key from n and e in every call (a third of one
/// RS256 verification), aws-lc-rs keeps it parsed, so a stream of tokens
/// signed by a few keys parses each once (benches/README.md, "RSA
/// verification backend"). Bounded: a stream naming many keys only
/// re-parses.
const RSA_PARSED_KEPT: usize = 8;

type ParsedRsa = (
    &'static aws_lc_rs::signature::RsaParameters,
    Vec<u8>,
    Vec<u8>,
    aws_lc_rs::signature::ParsedPublicKey,
);

thread_local! {
    static RSA_PARSED: std::cell::RefCell<Vec<ParsedRsa>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn rsa_verify(
    params: &'static aws_lc_rs::signature::RsaParameters,
    n: &[u8],
    e: &[u8],
    input: &[u8],
    sig: &[u8],
) -> Result<(), Unspecified> {
    RSA_PARSED.with_borrow_mut(|kept| {
        let at = kept
            .iter()
            .position(|(p, kn, ke, _)| std::ptr::eq(*p, params) && kn == n && ke == e);
        let at = match at {
            Some(i) => i,
            None => {
                let parsed = aws_lc_rs::signature::RsaPublicKeyComponents { n, e }
                    .to_parsed_public_key(params)
                    .map_err(|_| Unspecified)?;
                if kept.len() == RSA_PARSED_KEPT {
                    kept.remove(0);
                }
                kept.push((params, n.to_vec(), e.to_vec(), parsed));
                kept.len() - 1
            }
        };
        kept[at].3.verify_sig(input, sig).map_err(|_| Unspecified)
    })
}

/// The smallest HMAC secret accepted for signing: the hash output length
/// (RFC 7518 §3.2).
pub fn hmac_min_len(alg: JwsAlg) -> Option<usize> {
    alg.is_hmac()
        .then(|| alg.sha().map(|s| s.output_len()))
        .flatten()
}

fn mismatch(alg: JwsAlg, key: &KeyMaterial) -> KeyRejected {
    KeyRejected(format!(
        "{alg} cannot be used with a {} key",
        key.describe()
    ))
}

/// Sign `input` (the JWS signing input) with `key` under `alg`.
pub fn sign(alg: JwsAlg, key: &KeyMaterial, input: &[u8]) -> Result<Vec<u8>, SignError> {
    if !key.fits(alg.family()) {
        return Err(mismatch(alg, key).into());
    }
    let rng = SystemRandom::new();
    match key {
        KeyMaterial::Oct { k } => {
            let h = hmac_alg(alg).ok_or_else(|| mismatch(alg, key))?;
            let min = h.digest_algorithm().output_len();
            if k.len() < min {
                return Err(KeyRejected(format!(
                    "{alg} needs a secret of at least {min} bytes (got {})",
                    k.len()
                ))
                .into());
            }
            Ok(hmac::sign(&hmac::Key::new(h, k), input).as_ref().to_vec())
        }
        KeyMaterial::Rsa { n, e, private } => {
            let p = private
                .as_ref()
                .ok_or_else(|| KeyRejected("signing needs an RSA private key".into()))?;
            let enc = rsa_sign_alg(alg).ok_or_else(|| mismatch(alg, key))?;
            let comps = ring::rsa::KeyPairComponents {
                public_key: ring::rsa::PublicKeyComponents {
                    n: strip_zeros(n),
                    e: strip_zeros(e),
                },
                d: strip_zeros(&p.d),
                p: strip_zeros(&p.p),
                q: strip_zeros(&p.q),
                dP: strip_zeros(&p.dp),
                dQ: strip_zeros(&p.dq),
                qInv: strip_zeros(&p.qi),
            };
            let kp = RsaKeyPair::from_components(&comps)
                .map_err(|e| KeyRejected(format!("RSA private key rejected: {e}")))?;
            let mut sig = vec![0u8; kp.public().modulus_len()];
            kp.sign(enc, &rng, input, &mut sig)
                .map_err(|_| SignError::Failed)?;
            Ok(sig)
        }
        KeyMaterial::Ec { curve, x, y, d } => {
            let d = d
                .as_ref()
                .ok_or_else(|| KeyRejected("signing needs an EC private key".into()))?;
            let len = curve.coord_len();
            let d = zeroize::Zeroizing::new(
                pad_to(d, len).ok_or_else(|| KeyRejected("EC private scalar too long".into()))?,
            );
            let public = uncompressed(*curve, x, y)
                .ok_or_else(|| KeyRejected("EC public coordinates too long".into()))?;
            match curve {
                Curve::P256 | Curve::P384 => {
                    let a = if *curve == Curve::P256 {
                        &signature::ECDSA_P256_SHA256_FIXED_SIGNING
                    } else {
                        &signature::ECDSA_P384_SHA384_FIXED_SIGNING
                    };
                    let kp = EcdsaKeyPair::from_private_key_and_public_key(a, &d, &public, &rng)
                        .map_err(|e| KeyRejected(format!("EC private key rejected: {e}")))?;
                    let sig = kp.sign(&rng, input).map_err(|_| SignError::Failed)?;
                    Ok(sig.as_ref().to_vec())
                }
                Curve::P521 => {
                    use p521::ecdsa::signature::Signer;
                    let sk = p521::ecdsa::SigningKey::from_slice(&d)
                        .map_err(|_| KeyRejected("P-521 private scalar out of range".into()))?;
                    let sig: p521::ecdsa::Signature =
                        sk.try_sign(input).map_err(|_| SignError::Failed)?;
                    Ok(sig.to_vec())
                }
                Curve::Secp256k1 => {
                    use k256::ecdsa::signature::Signer;
                    let sk = k256::ecdsa::SigningKey::from_slice(&d)
                        .map_err(|_| KeyRejected("secp256k1 private scalar out of range".into()))?;
                    let sig: k256::ecdsa::Signature =
                        sk.try_sign(input).map_err(|_| SignError::Failed)?;
                    // Low-S form, so that signature-malleability-strict
                    // verifiers (Bitcoin-style, RFC 8812 consumers) accept it.
                    let sig = sig.normalize_s().unwrap_or(sig);
                    Ok(sig.to_vec())
                }
            }
        }
        KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            x,
            d,
        } => {
            let d = d
                .as_ref()
                .ok_or_else(|| KeyRejected("signing needs an Ed25519 private key".into()))?;
            let kp = Ed25519KeyPair::from_seed_and_public_key(d, x)
                .map_err(|e| KeyRejected(format!("Ed25519 private key rejected: {e}")))?;
            Ok(kp.sign(input).as_ref().to_vec())
        }
        KeyMaterial::Okp { .. } => Err(mismatch(alg, key).into()),
        KeyMaterial::Akp { level, seed, .. } => {
            let seed = seed.as_ref().ok_or_else(|| {
                KeyRejected(format!("signing needs an {} private key", level.name()))
            })?;
            Ok(super::mldsa::sign(*level, seed, input)?)
        }
    }
}

/// Verify a JWS signature. Every failure, including a key of the wrong
/// family or a signature of the wrong length, is the same opaque error.
pub fn verify(alg: JwsAlg, key: &KeyMaterial, input: &[u8], sig: &[u8]) -> Result<(), Unspecified> {
    if !key.fits(alg.family()) {
        return Err(Unspecified);
    }
    match key {
        KeyMaterial::Oct { k } => {
            let h = hmac_alg(alg).ok_or(Unspecified)?;
            // ring compares the tag in constant time and fails on any length.
            hmac::verify(&hmac::Key::new(h, k), input, sig).map_err(|_| Unspecified)
        }
        KeyMaterial::Rsa { n, e, .. } => {
            let params = rsa_verify_alg(alg).ok_or(Unspecified)?;
            let n = strip_zeros(n);
            // A JWS RSA signature is exactly the modulus length (RFC 7518 §3.3).
            if sig.len() != n.len() {
                return Err(Unspecified);
            }
            rsa_verify(params, n, strip_zeros(e), input, sig)
        }
        KeyMaterial::Ec { curve, x, y, .. } => {
            let public = uncompressed(*curve, x, y).ok_or(Unspecified)?;
            if sig.len() != 2 * curve.coord_len() {
                return Err(Unspecified);
            }
            match curve {
                Curve::P256 => UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public)
                    .verify(input, sig)
                    .map_err(|_| Unspecified),
                Curve::P384 => UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, public)
                    .verify(input, sig)
                    .map_err(|_| Unspecified),
                Curve::P521 => {
                    use p521::ecdsa::signature::Verifier;
                    let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(&public)
                        .map_err(|_| Unspecified)?;
                    // from_slice rejects r or s of zero or not below n.
                    let s = p521::ecdsa::Signature::from_slice(sig).map_err(|_| Unspecified)?;
                    vk.verify(input, &s).map_err(|_| Unspecified)
                }
                Curve::Secp256k1 => {
                    use k256::ecdsa::signature::Verifier;
                    let vk = k256::ecdsa::VerifyingKey::from_sec1_bytes(&public)
                        .map_err(|_| Unspecified)?;
                    let s = k256::ecdsa::Signature::from_slice(sig).map_err(|_| Unspecified)?;
                    // RFC 8812 does not require low-S; k256 only verifies the
                    // low-S form, and (r, n − s) is valid exactly when (r, s) is.
                    let s = s.normalize_s().unwrap_or(s);
                    vk.verify(input, &s).map_err(|_| Unspecified)
                }
            }
        }
        KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            x,
            ..
        } => {
            if sig.len() != 64 {
                return Err(Unspecified);
            }
            UnparsedPublicKey::new(&signature::ED25519, x)
                .verify(input, sig)
                .map_err(|_| Unspecified)
        }
        KeyMaterial::Okp { .. } => Err(Unspecified),
        KeyMaterial::Akp { level, public, .. } => super::mldsa::verify(*level, public, input, sig),
    }
}
