//! The command line, defined once: help, man pages and completions are all
//! generated from these clap definitions (see [`docs`]).

pub mod args;
pub mod docs;
pub mod names;
#[cfg(test)]
pub mod pages;
pub mod parse;

use clap::{Parser, Subcommand};

pub use args::*;

const ABOUT: &str = "JSON Object Signing and Encryption: keys, certificates, JWS, JWE, JWT";

const LONG_ABOUT: &str = "\
JSON Object Signing and Encryption: keys, certificates, JWS, JWE, JWT.

Generate keys and X.509 certificates, sign and verify JWS/JWT with a strict \
claims policy, encrypt and decrypt JWE, inspect tokens, keys and certificates, \
and convert keys between PEM, DER, JWK and JWKS.

Exit status: 0 success; 1 a token was rejected; 2 usage or local input error; \
3 a remote key source could not be used.";

#[derive(Debug, Parser)]
#[command(
    name = "jose",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    propagate_version = true,
    arg_required_else_help = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Deferred: a run builds the arguments of the one subcommand it invokes, not
// all nine (clap's construction of every subcommand was the largest part of
// the start-up of one `verify`); help, man pages and completions build them all.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Generate a key (RSA, EC, OKP or symmetric)
    Keygen(KeygenArgs),
    /// Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key
    Cert(CertArgs),
    /// Sign a payload or build and sign a JWT
    Sign(SignArgs),
    /// Verify a JWS/JWT and check its claims
    Verify(VerifyArgs),
    /// Encrypt a payload as a JWE
    Encrypt(EncryptArgs),
    /// Decrypt a JWE
    Decrypt(DecryptArgs),
    /// Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)
    Inspect(InspectArgs),
    /// Convert keys between PEM, DER, JWK and JWKS, or print thumbprints
    Key(KeyArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
