//! Floor 3, the pipelines: sign, verify, encrypt and decrypt a token, the
//! claims policy and its presets, key management, certificates, and the
//! facts that pair algorithms with keys ([`defaults`]).

pub mod decrypt;
/// The facts that pair algorithms with keys; empty as yet (the command
/// line's `sign` and `encrypt` still choose their default algorithms).
pub mod defaults;
pub mod encrypt;
pub mod inspect;
pub mod keyfile;
pub mod keymgmt;
pub mod policy;
pub mod presets;
pub mod verify;
pub mod x509;
