//! ECDH-ES key agreement (RFC 7518 §4.6, RFC 8037 §3.2): static-ephemeral
//! Diffie-Hellman on P-256/P-384/P-521 (RustCrypto `ecdh`) and X25519
//! (x25519-dalek), then the Concat KDF of NIST SP 800-56A with SHA-256.

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

macro_rules! ec_agree {
    ($m:ident, $d:expr, $x:expr, $y:expr) => {{
        let sk = $m::SecretKey::from_slice($d).map_err(|_| Unspecified)?;
        // from_sec1_bytes rejects points off the curve and the identity.
        let pk = $m::PublicKey::from_sec1_bytes(&uncompressed($x, $y)).map_err(|_| Unspecified)?;
        let z = $m::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
        Zeroizing::new(z.raw_secret_bytes().to_vec())
    }};
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
            Ok(match curve {
                Curve::P256 => ec_agree!(p256, d, x, y),
                Curve::P384 => ec_agree!(p384, d, x, y),
                Curve::P521 => ec_agree!(p521, d, x, y),
                Curve::Secp256k1 => return Err(Unspecified),
            })
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
            let d: [u8; 32] = d.as_slice().try_into().map_err(|_| Unspecified)?;
            let x: [u8; 32] = x.as_slice().try_into().map_err(|_| Unspecified)?;
            let sk = x25519_dalek::StaticSecret::from(d);
            let z = sk.diffie_hellman(&x25519_dalek::PublicKey::from(x));
            if !z.was_contributory() {
                return Err(Unspecified);
            }
            Ok(Zeroizing::new(z.as_bytes().to_vec()))
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
