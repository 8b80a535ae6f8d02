//! `jose`: JSON Object Signing and Encryption (JWS, JWE, JWK, JWT).
//!
//! Data flows one way, and the private modules are floors in that order;
//! each names only those below it (`tests/architecture.rs` holds this):
//!
//! 0. `model`: algorithms, curves, the key model, [`KeyProvider`], errors;
//! 1. `crypto`: the only module that names the cryptographic crates;
//! 2. `codec`: strict base64url and JSON, JWS/JWE syntax, key formats;
//! 3. `ops` (sign, verify, encrypt, decrypt, policy, presets) and [`remote`]
//!    (key sets over HTTPS, cached).
//!
//! The command line (clap, standard streams, exit codes) is the binary's
//! own (`src/app/`), above all of these, and uses only what this page
//! exports.
//!
//! ```
//! use jose::{Key, KeySet, verify::{VerifyOptions, verify}};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let jwk = br#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
//! let keys = KeySet::new(jose::keys::detect::parse_bytes(jwk, "the key")?);
//! let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.VvpUZBo4xUZ2_Q4H2xtGzX35NJ7eDGQdcR2j1SbBEao";
//! let checked = verify(token, &keys, &VerifyOptions::at(1_700_000_000));
//! # let _ = checked;
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod codec;
mod crypto;
pub mod fs;
mod model;
mod ops;
pub mod remote;

pub use model::alg::{Sha, UnknownAlg};
pub use model::{
    Curve, Error, JweAlg, JweEnc, JwsAlg, Key, KeyAlg, KeyFamily, KeyMaterial, KeyMiss, KeyOp,
    KeyProvider, KeySet, KeyUse, MlDsaLevel, OkpCurve, Refresh, RefreshOnce, RejectCode, Rejection,
    Result, RsaPrivate, Secret, Serialization, StaticKeys,
};

pub use codec::{b64, claims, header, json, jwe, jws, token};
pub use ops::{decrypt, defaults, encrypt, keyfile, keymgmt, policy, presets, verify, x509};

/// Keys in every format: one detector for every input ([`keys::detect`]),
/// one encoder for every output ([`keys::export`]), and key generation.
pub mod keys {
    pub use crate::codec::key::{
        cert, cert_info, certmap, der, detect, export, jwk, pem, thumbprint,
    };
    pub use crate::crypto::{KeySpec, RSA_GEN_BITS, generate};
}

/// Reading tokens without verifying them, for display: what `jose inspect`
/// shows. Nothing read here may be trusted.
pub mod dangerous {
    pub use crate::codec::peek::*;
    pub use crate::ops::inspect::{Inspected, classify, x5c_chain};
}

/// Not part of the API: the primitives, for this crate's own tests,
/// benchmarks and fuzzing, which check them against published vectors.
#[doc(hidden)]
pub mod internal {
    /// The `crypto` floor, whole.
    pub mod crypto {
        pub use crate::crypto::*;
    }
}
