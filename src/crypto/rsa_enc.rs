//! RSA key encryption (RFC 7518 §4.2, §4.3): RSAES-OAEP with SHA-1 or SHA-2
//! (MGF1 of the same hash) and RSAES-PKCS1-v1_5, through the `rsa` crate.

use rsa::{BigUint, Oaep, Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use super::Unspecified;
use super::keys::RSA_MAX_BITS;
use crate::jose::alg::JweAlg;
use crate::keys::{KeyMaterial, Secret};

fn padding(alg: JweAlg) -> Option<Oaep> {
    Some(match alg {
        JweAlg::RsaOaep => Oaep::new::<sha1::Sha1>(),
        JweAlg::RsaOaep256 => Oaep::new::<sha2::Sha256>(),
        JweAlg::RsaOaep384 => Oaep::new::<sha2::Sha384>(),
        JweAlg::RsaOaep512 => Oaep::new::<sha2::Sha512>(),
        _ => return None,
    })
}

fn public(m: &KeyMaterial) -> Result<RsaPublicKey, Unspecified> {
    match m {
        KeyMaterial::Rsa { n, e, .. } => RsaPublicKey::new_with_max_size(
            BigUint::from_bytes_be(n),
            BigUint::from_bytes_be(e),
            RSA_MAX_BITS,
        )
        .map_err(|_| Unspecified),
        _ => Err(Unspecified),
    }
}

fn private(m: &KeyMaterial) -> Result<RsaPrivateKey, Unspecified> {
    match m {
        KeyMaterial::Rsa {
            n,
            e,
            private: Some(p),
        } => {
            let mut k = RsaPrivateKey::from_components(
                BigUint::from_bytes_be(n),
                BigUint::from_bytes_be(e),
                BigUint::from_bytes_be(&p.d),
                vec![BigUint::from_bytes_be(&p.p), BigUint::from_bytes_be(&p.q)],
            )
            .map_err(|_| Unspecified)?;
            k.precompute().map_err(|_| Unspecified)?;
            Ok(k)
        }
        _ => Err(Unspecified),
    }
}

/// Encrypt the CEK to an RSA public key.
pub fn encrypt(alg: JweAlg, key: &KeyMaterial, cek: &[u8]) -> Result<Vec<u8>, Unspecified> {
    let pk = public(key)?;
    let mut rng = rand_core::OsRng;
    match (alg, padding(alg)) {
        (_, Some(p)) => pk.encrypt(&mut rng, p, cek),
        (JweAlg::Rsa1_5, None) => pk.encrypt(&mut rng, Pkcs1v15Encrypt, cek),
        _ => return Err(Unspecified),
    }
    .map_err(|_| Unspecified)
}

/// Decrypt an encrypted CEK. For RSA1_5 this never fails on a bad
/// ciphertext: per RFC 7516 §11.5 (RFC 3218 §2.3.2) a random CEK of
/// `cek_len` bytes is substituted, chosen without branching on the outcome,
/// so the failure shows only later as the same `decrypt_failed` as a bad tag.
pub fn decrypt(
    alg: JweAlg,
    key: &KeyMaterial,
    ek: &[u8],
    cek_len: usize,
) -> Result<Secret, Unspecified> {
    let sk = private(key)?;
    if let Some(p) = padding(alg) {
        return sk
            .decrypt(p, ek)
            .map(Zeroizing::new)
            .map_err(|_| Unspecified);
    }
    if alg != JweAlg::Rsa1_5 {
        return Err(Unspecified);
    }
    let mut out = Zeroizing::new(super::random_vec(cek_len));
    let got = Zeroizing::new(sk.decrypt(Pkcs1v15Encrypt, ek).unwrap_or_default());
    let ok = (got.len() as u64).ct_eq(&(cek_len as u64));
    for (i, b) in out.iter_mut().enumerate() {
        let v = got.get(i).copied().unwrap_or(0);
        b.conditional_assign(&v, ok);
    }
    Ok(out)
}
