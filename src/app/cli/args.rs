//! Argument groups for every subcommand, and the groups they share.
//!
//! The structs below carry plain `//` comments, not doc comments: clap turns
//! the doc of an `Args` struct into the `about` of the command it is used in,
//! and subcommands are built lazily (`defer`), after their own about is set,
//! so such a doc would replace it. the `sync_docs` tests in `docs.rs` catch a slip.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::names::{self, Names};
use super::parse::{
    TimeArg, parse_claim, parse_header_param, parse_positive_duration, parse_seconds, parse_size,
    parse_time,
};
use jose::{JweAlg, JweEnc, JwsAlg};

/// Default `--max-input`: 64 MiB.
pub const DEFAULT_MAX_INPUT: usize = 64 << 20;

fn jws_alg() -> Names<JwsAlg> {
    Names::new("JWS algorithm", names::jws_names)
}

fn jwe_alg() -> Names<JweAlg> {
    Names::new("JWE key management algorithm", names::jwe_alg_names)
}

fn jwe_enc() -> Names<JweEnc> {
    Names::new("JWE content encryption algorithm", names::jwe_enc_names)
}

fn any_alg() -> Names<String> {
    Names::new("JWS, JWE or enc algorithm", names::any_alg_names)
}

// Keys given with `-k/--key`.
#[derive(Debug, Clone, Default, Args)]
pub struct KeySourceArgs {
    /// Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK,
    /// JWKS or a key-id → certificate map, detected from the content (repeatable)
    #[arg(short = 'k', long = "key", value_name = "SOURCE")]
    pub key: Vec<String>,
}

// The password of password-protected keys: the one read keys are opened
// with, and the one --encrypt protects a written key with.
#[derive(Debug, Clone, Default, Args)]
pub struct KeyPasswordArgs {
    /// Read the password of protected keys from this file
    #[arg(long, value_name = "PATH", conflicts_with = "key_password_env")]
    pub key_password_file: Option<PathBuf>,
    /// Read the password of protected keys from this environment variable
    #[arg(long, value_name = "VAR")]
    pub key_password_env: Option<String>,
}

// A symmetric secret for HMAC, AES key wrap or `dir`.
#[derive(Debug, Clone, Default, Args)]
pub struct SecretArgs {
    /// Read a symmetric secret from this file (raw bytes)
    #[arg(long, value_name = "PATH", conflicts_with_all = ["secret_env", "secret"])]
    pub secret_file: Option<PathBuf>,
    /// Read a symmetric secret from this environment variable (raw bytes)
    #[arg(long, value_name = "VAR", conflicts_with = "secret")]
    pub secret_env: Option<String>,
    /// A symmetric secret on the command line, for quick tests only: argv is
    /// visible to other users
    #[arg(long, value_name = "STRING")]
    pub secret: Option<String>,
}

// A password for PBES2.
#[derive(Debug, Clone, Default, Args)]
pub struct PasswordArgs {
    /// Read a PBES2 password from this file
    #[arg(long, value_name = "PATH", conflicts_with = "password_env")]
    pub password_file: Option<PathBuf>,
    /// Read a PBES2 password from this environment variable
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
}

// Where the primary result goes.
#[derive(Debug, Clone, Default, Args)]
pub struct OutputArgs {
    /// Write the result to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Overwrite existing output files
    #[arg(long)]
    pub force: bool,
}

// Bound on the size of a token or payload read.
#[derive(Debug, Clone, Args)]
pub struct InputLimitArgs {
    /// Largest token or payload accepted, in bytes (K, M, G suffixes allowed)
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    pub max_input: usize,
}

impl Default for InputLimitArgs {
    fn default() -> Self {
        InputLimitArgs {
            max_input: DEFAULT_MAX_INPUT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kty {
    #[value(name = "RSA")]
    Rsa,
    #[value(name = "EC")]
    Ec,
    #[value(name = "OKP")]
    Okp,
    #[value(name = "oct")]
    Oct,
}

impl From<Kty> for jose::defaults::KeyType {
    fn from(k: Kty) -> Self {
        match k {
            Kty::Rsa => Self::Rsa,
            Kty::Ec => Self::Ec,
            Kty::Okp => Self::Okp,
            Kty::Oct => Self::Oct,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    Pem,
    Der,
    Jwk,
    Jwks,
}

impl From<KeyFormat> for jose::keys::export::KeyFormat {
    fn from(f: KeyFormat) -> Self {
        match f {
            KeyFormat::Pem => Self::Pem,
            KeyFormat::Der => Self::Der,
            KeyFormat::Jwk => Self::Jwk,
            KeyFormat::Jwks => Self::Jwks,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CertFormat {
    Pem,
    Der,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Use {
    Sig,
    Enc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Serialization {
    #[default]
    Compact,
    Flattened,
    General,
}

impl From<Serialization> for jose::Serialization {
    fn from(s: Serialization) -> Self {
        match s {
            Serialization::Compact => Self::Compact,
            Serialization::Flattened => Self::Flattened,
            Serialization::General => Self::General,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Zip {
    #[value(name = "DEF")]
    Def,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

// `jose keygen`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose keygen -o app.key --pub app.pub\n  jose keygen --alg ES256 --format jwk\n  jose keygen --alg A256GCM -o dir.jwk"
)]
pub struct KeygenArgs {
    /// Algorithm the key is for; picks type and size and is recorded in JWK output
    #[arg(long, value_name = "ALG", conflicts_with = "kty", value_parser = any_alg(), hide_possible_values = true)]
    pub alg: Option<String>,
    /// Key type, in any case; default RSA 2048
    #[arg(long, value_enum, ignore_case = true)]
    pub kty: Option<Kty>,
    /// RSA modulus size (2048, 3072, 4096) or oct size in bits
    #[arg(long, value_name = "N")]
    pub bits: Option<usize>,
    /// Curve: P-256, P-384, P-521, secp256k1, Ed25519, X25519
    #[arg(long, value_name = "C", value_parser = Names::<String>::new("curve", names::curve_names), hide_possible_values = true)]
    pub curve: Option<String>,
    /// Key id (default for JWK output: the RFC 7638 thumbprint)
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// Intended use, recorded in JWK output
    #[arg(long = "use", value_enum, value_name = "sig|enc")]
    pub key_use: Option<Use>,
    /// Output format (default: PEM for asymmetric keys, JWK for oct keys)
    #[arg(long, value_enum)]
    pub format: Option<KeyFormat>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Also write the public key, in the same format, to this file
    #[arg(long = "pub", value_name = "PATH")]
    pub public: Option<PathBuf>,
    /// Protect the private key with a password (--key-password-file/-env, or a
    /// prompt): PKCS#8 ENCRYPTED PRIVATE KEY (PBES2) for PEM and DER, a PBES2
    /// JWE (cty jwk+json) for JWK and JWKS
    #[arg(long)]
    pub encrypt: bool,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
}

// `jose cert`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose cert --key app.key --cn my-app -o app.crt\n  jose cert --key ca.key --cn 'My CA' --ca -o ca.crt\n  jose cert --key leaf.key --ca-cert ca.crt --ca-key ca.key --san dns:example.com -o leaf.crt"
)]
pub struct CertArgs {
    /// The key the certificate is for (and, unless --ca-key, signed with)
    #[arg(
        short = 'k',
        long,
        value_name = "PATH",
        required_unless_present = "csr_in"
    )]
    pub key: Option<String>,
    /// Issue a certificate for this PKCS#10 request (PEM or DER), with
    /// --ca-cert/--ca-key; its signature is checked, and its subject and SANs
    /// are used unless --subject, --cn or --san are given
    #[arg(long, value_name = "PATH", conflicts_with_all = ["key", "csr"], requires = "ca_cert")]
    pub csr_in: Option<String>,
    /// Subject distinguished name in RFC 4514 order (most specific first), e.g.
    /// "CN=MyCertificate,O=Org,OU=Unit"; attributes CN, O, OU, C, ST, L, emailAddress;
    /// `\,` escapes a comma (default: CN from the first --san)
    #[arg(long, value_name = "DN")]
    pub subject: Option<String>,
    /// Subject common name (shorthand for --subject CN=NAME)
    #[arg(long, value_name = "NAME")]
    pub cn: Option<String>,
    /// Subject alternative name: dns:NAME, ip:ADDR, email:ADDR or uri:URI (repeatable)
    #[arg(long, value_name = "VALUE")]
    pub san: Vec<String>,
    /// Validity in days from --not-before (default 365)
    #[arg(long, value_name = "N", conflicts_with = "not_after")]
    pub days: Option<u32>,
    /// Start of validity (default now)
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true)]
    pub not_before: Option<TimeArg>,
    /// End of validity
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true)]
    pub not_after: Option<TimeArg>,
    /// Mark the certificate as a CA
    #[arg(long)]
    pub ca: bool,
    /// With --ca: how many intermediate CAs may follow this one in a chain
    #[arg(long, value_name = "N", requires = "ca")]
    pub path_len: Option<u8>,
    /// Key usage (repeatable): digitalSignature, keyEncipherment, keyAgreement,
    /// keyCertSign, cRLSign (default: none for a leaf; digitalSignature,
    /// keyCertSign and cRLSign for a CA)
    #[arg(long = "key-usage", value_name = "U")]
    pub key_usage: Vec<String>,
    /// Extended key usage (repeatable): serverAuth, clientAuth, codeSigning,
    /// emailProtection, timeStamping, ocspSigning or a dotted OID
    #[arg(long, value_name = "E")]
    pub eku: Vec<String>,
    /// Issue the certificate from this CA certificate (with --ca-key)
    #[arg(long, value_name = "PATH", requires = "ca_key")]
    pub ca_cert: Option<String>,
    /// The CA's private key (with --ca-cert)
    #[arg(long, value_name = "PATH", requires = "ca_cert")]
    pub ca_key: Option<String>,
    /// Print a PKCS#10 certificate signing request instead
    #[arg(long, conflicts_with_all = ["ca_cert", "ca_key", "days", "not_before", "not_after"])]
    pub csr: bool,
    /// Output format
    #[arg(long, value_enum, default_value = "pem")]
    pub format: CertFormat,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

// Claims built by `sign` (any of them makes the payload a JWT claims object).
#[derive(Debug, Clone, Default, Args)]
pub struct ClaimArgs {
    /// A claim; VALUE is JSON when it parses as JSON, else a string (repeatable)
    #[arg(long = "claim", value_name = "NAME=VALUE", value_parser = parse_claim)]
    pub claim: Vec<(String, serde_json::Value)>,
    /// Issuer (`iss`)
    #[arg(long, value_name = "S")]
    pub iss: Option<String>,
    /// Subject (`sub`)
    #[arg(long, value_name = "S")]
    pub sub: Option<String>,
    /// Audience (`aud`; repeat for an array)
    #[arg(long, value_name = "S")]
    pub aud: Vec<String>,
    /// Expiry (`exp`): unix seconds, RFC 3339, or relative (1h, 7d)
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true)]
    pub exp: Option<TimeArg>,
    /// Not before (`nbf`)
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true)]
    pub nbf: Option<TimeArg>,
    /// Issued at (`iat`; default now)
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true, conflicts_with = "no_iat")]
    pub iat: Option<TimeArg>,
    /// Do not add `iat`
    #[arg(long)]
    pub no_iat: bool,
    /// JWT id (`jti`)
    #[arg(long, value_name = "ID")]
    pub jti: Option<String>,
}

impl ClaimArgs {
    pub fn any(&self) -> bool {
        !self.claim.is_empty()
            || self.iss.is_some()
            || self.sub.is_some()
            || !self.aud.is_empty()
            || self.exp.is_some()
            || self.nbf.is_some()
            || self.iat.is_some()
            || self.no_iat
            || self.jti.is_some()
    }
}

// `jose sign`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose sign -k app.key --iss me --aud you --exp 1h\n  jose sign --secret-env HMAC_KEY payload.json\n  jose sign -k a.key -k b.key --serialization general doc.json"
)]
pub struct SignArgs {
    /// Payload file (`-` or absent: standard input); bytes are taken exactly
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    #[command(flatten)]
    pub keys: KeySourceArgs,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    /// Signature algorithm (default from the key)
    #[arg(long, value_name = "ALG", value_parser = jws_alg(), hide_possible_values = true)]
    pub alg: Option<JwsAlg>,
    /// Key id header (default: the key's `kid`)
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// `typ` header
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,
    /// `cty` header
    #[arg(long, value_name = "CTY")]
    pub cty: Option<String>,
    /// Extra protected header parameter, NAME=JSON (repeatable)
    #[arg(long = "header", value_name = "NAME=JSON", value_parser = parse_header_param)]
    pub header: Vec<(String, serde_json::Value)>,
    #[command(flatten)]
    pub claims: ClaimArgs,
    /// Output serialization
    #[arg(long, value_enum, default_value = "compact")]
    pub serialization: Serialization,
    /// Put this certificate chain (PEM or DER, leaf first; the leaf must hold
    /// the signing key's public key) in the `x5c` header, and `x5t#S256`
    #[arg(long, value_name = "PATH")]
    pub x5c: Option<String>,
    /// Leave the payload out of the output (RFC 7515 Appendix F)
    #[arg(long)]
    pub detached: bool,
    /// Sign the payload unencoded (RFC 7797: `b64: false` under `crit`)
    #[arg(long)]
    pub unencoded: bool,
    #[command(flatten)]
    pub limit: InputLimitArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

// Claim checks shared by `verify` and `decrypt --verify-key`.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Required issuer (`iss`, exact)
    #[arg(long, value_name = "S")]
    pub iss: Option<String>,
    /// Accepted audience; the token's `aud` must hold one of them (repeatable)
    #[arg(long, value_name = "S")]
    pub aud: Vec<String>,
    /// Required subject (`sub`, exact)
    #[arg(long, value_name = "S")]
    pub sub: Option<String>,
    /// Required header `typ` (case-insensitive, `application/` optional)
    #[arg(long, value_name = "T")]
    pub typ: Option<String>,
    /// A claim that must be present (repeatable)
    #[arg(long, value_name = "CLAIM")]
    pub require: Vec<String>,
    /// Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)
    #[arg(long, value_name = "DURATION", default_value = "60", value_parser = parse_seconds)]
    pub leeway: u64,
    /// The time to check against instead of the clock
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true)]
    pub now: Option<TimeArg>,
    /// Largest accepted age (now − iat), e.g. 1h
    #[arg(long, value_name = "DURATION", value_parser = parse_positive_duration)]
    pub max_age: Option<i64>,
    /// A `crit` header parameter this caller understands (repeatable)
    #[arg(long, value_name = "NAME")]
    pub crit: Vec<String>,
}

// Remote key sources of `verify`.
#[derive(Debug, Clone, Default, Args)]
pub struct RemoteArgs {
    /// OpenID Connect issuer: keys from its discovery document (needs --aud)
    #[arg(long, value_name = "ISSUER", conflicts_with = "firebase")]
    pub oidc: Option<String>,
    /// Firebase project id: verify a Firebase ID token with Google's keys
    #[arg(long, value_name = "PROJECT_ID")]
    pub firebase: Option<String>,
    /// With --firebase: the token is a session cookie
    #[arg(long, requires = "firebase")]
    pub session_cookie: bool,
    /// Do not use or fill the key cache
    #[arg(long, conflicts_with = "offline")]
    pub no_cache: bool,
    /// Use cached remote keys only; never fetch
    #[arg(long)]
    pub offline: bool,
    /// Total time allowed for one fetch: seconds or a duration (30s, 1m)
    #[arg(long, value_name = "DURATION", default_value = "10", value_parser = parse_seconds)]
    pub timeout: u64,
}

// `jose verify`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose verify -k app.pub --iss me --aud you \"$TOKEN\"\n  jose verify --firebase my-project @id_token.txt\n  jose verify --oidc https://accounts.google.com --aud my-client \"$TOKEN\"\n  jose verify -k jwks.json --lines < tokens.txt"
)]
pub struct VerifyArgs {
    /// The token: literal, `-` or absent for standard input, or @PATH
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    #[command(flatten)]
    pub keys: KeySourceArgs,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Trust the token's own x5c chain if it validates to this root (PEM or DER
    /// certificates; repeatable); its leaf's key is then the only key used
    #[arg(long, value_name = "PATH", conflicts_with_all = ["key", "secret_file", "secret_env", "secret", "oidc", "firebase"])]
    pub x5c_root: Vec<String>,
    /// With --x5c-root: the leaf's subject CN or a SAN must equal NAME
    #[arg(long, value_name = "NAME", requires = "x5c_root")]
    pub x5c_name: Option<String>,
    /// With --x5c-root: the leaf must carry this OID as an extended key usage,
    /// a certificate policy or an extension (repeatable: all required)
    #[arg(long, value_name = "OID", requires = "x5c_root")]
    pub x5c_oid: Vec<String>,
    /// Accepted algorithm (repeatable; default: every algorithm the keys can verify)
    #[arg(long, value_name = "ALG", value_parser = jws_alg(), hide_possible_values = true)]
    pub alg: Vec<JwsAlg>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The payload of a detached-content JWS
    #[arg(long, value_name = "PATH")]
    pub detached_payload: Option<String>,
    /// Every input line is a token; one JSON report per line (implies --json)
    #[arg(long)]
    pub lines: bool,
    /// With --lines: verifying threads (default: every core)
    #[arg(long, value_name = "N", requires = "lines", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print a JSON report instead of the payload
    #[arg(long)]
    pub json: bool,
    /// Print nothing on standard output; the exit status is the answer
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub limit: InputLimitArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

// `jose encrypt`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose encrypt -k app.crt --alg RSA-OAEP --enc A256GCM id_token.txt\n  jose encrypt --password-env PW secret.bin -o secret.jwe"
)]
pub struct EncryptArgs {
    /// Plaintext file (`-` or absent: standard input); bytes are taken exactly
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    #[command(flatten)]
    pub keys: KeySourceArgs,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Key management algorithm (default from the key)
    #[arg(long, value_name = "ALG", value_parser = jwe_alg(), hide_possible_values = true)]
    pub alg: Option<JweAlg>,
    /// Content encryption algorithm
    #[arg(long, value_name = "ENC", value_parser = jwe_enc(), hide_possible_values = true, default_value = "A256GCM")]
    pub enc: JweEnc,
    /// Compress the plaintext before encryption
    #[arg(long, value_enum)]
    pub zip: Option<Zip>,
    /// Key id header (default: the key's `kid`)
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// `typ` header
    #[arg(long, value_name = "T")]
    pub typ: Option<String>,
    /// `cty` header
    #[arg(long, value_name = "T")]
    pub cty: Option<String>,
    /// Extra protected header parameter, NAME=JSON (repeatable)
    #[arg(long = "header", value_name = "NAME=JSON", value_parser = parse_header_param)]
    pub header: Vec<(String, serde_json::Value)>,
    /// PBES2 iteration count
    #[arg(long, value_name = "N", default_value_t = 600_000)]
    pub p2c: u32,
    /// Output serialization
    #[arg(long, value_enum, default_value = "compact")]
    pub serialization: Serialization,
    #[command(flatten)]
    pub limit: InputLimitArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

// `jose decrypt`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose decrypt -k app.key @id_token.jwe\n  jose decrypt -k app.key --verify-key issuer.pub --iss https://issuer \"$JWE\""
)]
pub struct DecryptArgs {
    /// The token: literal, `-` or absent for standard input, or @PATH
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    #[command(flatten)]
    pub keys: KeySourceArgs,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Accepted key management algorithm (repeatable; default: all but RSA1_5)
    #[arg(long, value_name = "ALG", value_parser = jwe_alg(), hide_possible_values = true)]
    pub alg: Vec<JweAlg>,
    /// Accepted content encryption algorithm (repeatable; default: all)
    #[arg(long, value_name = "ENC", value_parser = jwe_enc(), hide_possible_values = true)]
    pub enc: Vec<JweEnc>,
    /// Most PBES2 iterations one token may cost, summed over the recipients tried
    #[arg(long, value_name = "N", default_value_t = jose::decrypt::DEFAULT_MAX_P2C)]
    pub max_p2c: u64,
    /// Largest accepted plaintext (after decompression), in bytes
    #[arg(long, value_name = "BYTES", default_value = "16M", value_parser = parse_size)]
    pub max_size: usize,
    /// The plaintext is a JWS: verify it with these keys and print its payload (repeatable)
    #[arg(long, value_name = "SOURCE")]
    pub verify_key: Vec<String>,
    /// Accepted algorithm of the inner JWS (repeatable)
    #[arg(long, value_name = "ALG", value_parser = jws_alg(), hide_possible_values = true)]
    pub verify_alg: Vec<JwsAlg>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Every input line is a token; one JSON report per line (implies --json)
    #[arg(long)]
    pub lines: bool,
    /// With --lines: decrypting threads (default: every core)
    #[arg(long, value_name = "N", requires = "lines", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print a JSON report instead of the plaintext
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limit: InputLimitArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

// `jose inspect`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose inspect \"$TOKEN\"\n  jose inspect @cert.pem --json\n  curl -s https://www.googleapis.com/oauth2/v3/certs | jose inspect"
)]
pub struct InspectArgs {
    /// Token, JWK, JWKS, key or certificate: literal, `-` or absent for standard input, or @PATH
    #[arg(value_name = "INPUT")]
    pub input: Option<String>,
    /// Print one JSON object instead of the human form
    #[arg(long)]
    pub json: bool,
    /// The time relative ages are computed from (default now; same forms as --exp)
    #[arg(long, value_name = "T", value_parser = parse_time, allow_hyphen_values = true)]
    pub now: Option<TimeArg>,
    #[command(flatten)]
    pub limit: InputLimitArgs,
}

// `jose key`
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  jose key app.key --public --to jwk\n  jose key a.pem b.pem --to jwks -o jwks.json\n  jose key jwks.json --thumbprint"
)]
pub struct KeyArgs {
    /// Key sources (path, `-`, URL); none: standard input
    #[arg(value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Output format (default: JWK for one key, JWKS for several)
    #[arg(long, value_enum)]
    pub to: Option<KeyFormat>,
    /// Drop private parts
    #[arg(long)]
    pub public: bool,
    /// Set the key id
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// Set the algorithm
    #[arg(long, value_name = "ALG", value_parser = any_alg(), hide_possible_values = true)]
    pub alg: Option<String>,
    /// Set the intended use
    #[arg(long = "use", value_enum, value_name = "sig|enc")]
    pub key_use: Option<Use>,
    /// Print the RFC 7638 SHA-256 thumbprint of each key, one per line
    #[arg(long)]
    pub thumbprint: bool,
    /// Protect the private keys written with a password (as keygen --encrypt)
    #[arg(long, conflicts_with_all = ["public", "thumbprint"])]
    pub encrypt: bool,
    #[command(flatten)]
    pub key_password: KeyPasswordArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

// `jose completions`
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}
