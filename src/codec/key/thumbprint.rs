//! RFC 7638 JWK thumbprints: SHA-256 over the required members in
//! lexicographic order, no white space; for `AKP` keys the members are
//! `alg`, `kty` and `pub` (RFC 9964 §6).

use crate::codec::b64;
use crate::model::key::KeyMaterial;

/// The canonical JSON the thumbprint hashes (RFC 7638 §3.2).
pub fn canonical_json(m: &KeyMaterial) -> String {
    match m {
        KeyMaterial::Rsa { n, e, .. } => format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            b64::encode(e),
            b64::encode(n)
        ),
        KeyMaterial::Ec { curve, x, y, .. } => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            curve.jwk_name(),
            b64::encode(x),
            b64::encode(y)
        ),
        KeyMaterial::Okp { curve, x, .. } => format!(
            r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
            curve.jwk_name(),
            b64::encode(x)
        ),
        KeyMaterial::Oct { k } => format!(r#"{{"k":"{}","kty":"oct"}}"#, b64::encode(k)),
        KeyMaterial::Akp { level, public, .. } => format!(
            r#"{{"alg":"{}","kty":"AKP","pub":"{}"}}"#,
            level.name(),
            b64::encode(public)
        ),
    }
}

/// The SHA-256 thumbprint (RFC 7638 §3), base64url without padding.
pub fn sha256_b64(m: &KeyMaterial) -> String {
    b64::encode(crate::crypto::sha256(canonical_json(m).as_bytes()))
}
