//! `jose`: JSON Object Signing and Encryption (JWS, JWE, JWK, JWT).
//!
//! Data flows one way:
//! input bytes ([`io`]) → parse ([`jose`]: serialization, strict base64url,
//! typed header) → key candidates ([`keys`]: by kid/x5t and key type) →
//! [`crypto`] → policy (claims, limits) → output and exit code ([`cmd`]).

pub mod cli;
pub mod cmd;
pub mod crypto;
pub mod error;
pub mod io;
pub mod jose;
pub mod keys;
pub mod x509;

pub use error::{Error, RejectCode, Rejection, Result};

/// Run one parsed command line against the given streams.
pub fn run(cli: &cli::Cli, io: &mut io::Io<'_>) -> Result<()> {
    cmd::run(cli, io)
}
