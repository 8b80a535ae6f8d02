//! ECDH-ES key agreement (RFC 7518 §4.6, RFC 8037 §3.2): static-ephemeral
//! Diffie-Hellman on P-256/P-384/P-521 and X25519, then the Concat KDF of
//! NIST SP 800-56A with SHA-256.
//!
//! The agreement is aws-lc-rs's, already linked for RSA: ring has no static
//! private keys for agreement, and RustCrypto's generic curve arithmetic made
//! one ECDH-ES (P-256) decrypt 2.36 M instructions against 1.75 M here
//! (benches/README.md, issue 19).

use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use zeroize::Zeroizing;

use super::Unspecified;
use crate::model::key::{Curve, KeyMaterial, OkpCurve, Secret};

fn uncompressed(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(1 + x.len() + y.len());
    p.push(4);
    p.extend_from_slice(x);
    p.extend_from_slice(y);
    p
}

/// One agreement. AWS-LC refuses a peer point that is off the curve or the
/// identity, and an X25519 result of all zeros (a low-order peer point).
fn agree_raw(
    alg: &'static agreement::Algorithm,
    d: &[u8],
    peer: &[u8],
) -> Result<Secret, Unspecified> {
    let ours = PrivateKey::from_private_key(alg, d).map_err(|_| Unspecified)?;
    agreement::agree(&ours, UnparsedPublicKey::new(alg, peer), Unspecified, |z| {
        Ok(Zeroizing::new(z.to_vec()))
    })
}

/// The shared secret Z between our private key and the peer's public key.
/// The peer key must be of the same curve and on it; an all-zero X25519
/// result (a low-order peer point) is refused.
pub fn agree(ours: &KeyMaterial, peer: &KeyMaterial) -> Result<Secret, Unspecified> {
    match (ours, peer) {
        (
            KeyMaterial::Ec {
                curve, d: Some(d), ..
            },
            KeyMaterial::Ec {
                curve: pc, x, y, ..
            },
        ) if curve == pc => {
            if x.len() != curve.coord_len() || y.len() != curve.coord_len() {
                return Err(Unspecified);
            }
            let alg = match curve {
                Curve::P256 => &agreement::ECDH_P256,
                Curve::P384 => &agreement::ECDH_P384,
                Curve::P521 => &agreement::ECDH_P521,
                Curve::Secp256k1 => return Err(Unspecified),
            };
            agree_raw(alg, d, &uncompressed(x, y))
        }
        (
            KeyMaterial::Okp {
                curve: OkpCurve::X25519,
                d: Some(d),
                ..
            },
            KeyMaterial::Okp {
                curve: OkpCurve::X25519,
                x,
                ..
            },
        ) => {
            if d.len() != 32 || x.len() != 32 {
                return Err(Unspecified);
            }
            agree_raw(&agreement::X25519, d, x)
        }
        _ => Err(Unspecified),
    }
}

/// A fresh ephemeral key pair on the peer's curve.
pub fn ephemeral_for(peer: &KeyMaterial) -> Result<KeyMaterial, Unspecified> {
    let spec = match peer {
        KeyMaterial::Ec { curve, .. } if *curve != Curve::Secp256k1 => super::KeySpec::Ec(*curve),
        KeyMaterial::Okp {
            curve: OkpCurve::X25519,
            ..
        } => super::KeySpec::Okp(OkpCurve::X25519),
        _ => return Err(Unspecified),
    };
    super::generate(spec).map_err(|_| Unspecified)
}

/// Concat KDF (RFC 7518 §4.6.2) with SHA-256: `keydatalen` bytes from Z,
/// AlgorithmID, PartyUInfo, PartyVInfo (each length-prefixed) and SuppPubInfo.
pub fn concat_kdf(z: &[u8], alg_id: &[u8], apu: &[u8], apv: &[u8], keydatalen: usize) -> Secret {
    let mut other = Vec::with_capacity(16 + alg_id.len() + apu.len() + apv.len());
    for part in [alg_id, apu, apv] {
        other.extend_from_slice(&(part.len() as u32).to_be_bytes());
        other.extend_from_slice(part);
    }
    other.extend_from_slice(&((keydatalen as u32) * 8).to_be_bytes());
    let mut out = Zeroizing::new(Vec::with_capacity(keydatalen + 32));
    let mut counter: u32 = 1;
    while out.len() < keydatalen {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(&counter.to_be_bytes());
        ctx.update(z);
        ctx.update(&other);
        out.extend_from_slice(ctx.finish().as_ref());
        counter += 1;
    }
    out.truncate(keydatalen);
    out
}
