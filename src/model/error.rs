//! The library's typed error. Its class decides the exit code at the CLI edge:
//! a usage/local problem is 2, a rejected token is 1, a remote key source that
//! failed is 3. Rejections carry the contract's stable machine code.

use std::fmt;

/// The stable machine codes of `../shared/spec/cli.md` ("Rejection codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectCode {
    /// `malformed`: the input does not parse as what it claims to be.
    Malformed,
    /// `unsupported_alg`: an algorithm name this tool does not know.
    UnsupportedAlg,
    /// `alg_not_allowed`: a known algorithm outside the allow-list.
    AlgNotAllowed,
    /// `no_matching_key`: no given key has the token's `kid`/`x5t` or fits its algorithm.
    NoMatchingKey,
    /// `bad_signature`: the signature verifies with none of the candidate keys tried.
    BadSignature,
    /// `expired`: `exp` is past (RFC 7519 §4.1.4).
    Expired,
    /// `not_yet_valid`: `nbf` is still ahead (RFC 7519 §4.1.5).
    NotYetValid,
    /// `issued_in_future`: `iat` is ahead of now (RFC 7519 §4.1.6).
    IssuedInFuture,
    /// `too_old`: `iat` is further back than the maximum age.
    TooOld,
    /// `bad_issuer`: `iss` is not the one expected.
    BadIssuer,
    /// `bad_audience`: `aud` (or `azp`) does not name the expected audience.
    BadAudience,
    /// `bad_subject`: `sub` is not the one expected.
    BadSubject,
    /// `bad_type`: the header `typ` is missing or not the one expected.
    BadType,
    /// `missing_claim`: a claim a check needs is absent.
    MissingClaim,
    /// `unknown_crit`: `crit` names a parameter neither built in nor allowed by
    /// `--crit` (RFC 7515 §4.1.11).
    UnknownCrit,
    /// `decrypt_failed`: any failure inside JWE decryption.
    DecryptFailed,
    /// `too_large`: a size or work limit was exceeded (input, decompressed
    /// plaintext, PBES2 iterations).
    TooLarge,
    /// `bad_chain`: an `x5c` chain that does not validate under the
    /// caller's roots; the detail says why.
    BadChain,
    /// `policy`: any other preset rule; the detail says which.
    Policy,
}

impl RejectCode {
    /// Every code, in the contract's order.
    pub const ALL: [RejectCode; 19] = [
        RejectCode::Malformed,
        RejectCode::UnsupportedAlg,
        RejectCode::AlgNotAllowed,
        RejectCode::NoMatchingKey,
        RejectCode::BadSignature,
        RejectCode::Expired,
        RejectCode::NotYetValid,
        RejectCode::IssuedInFuture,
        RejectCode::TooOld,
        RejectCode::BadIssuer,
        RejectCode::BadAudience,
        RejectCode::BadSubject,
        RejectCode::BadType,
        RejectCode::MissingClaim,
        RejectCode::UnknownCrit,
        RejectCode::DecryptFailed,
        RejectCode::TooLarge,
        RejectCode::BadChain,
        RejectCode::Policy,
    ];

    /// The stable machine code, e.g. `bad_signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Malformed => "malformed",
            RejectCode::UnsupportedAlg => "unsupported_alg",
            RejectCode::AlgNotAllowed => "alg_not_allowed",
            RejectCode::NoMatchingKey => "no_matching_key",
            RejectCode::BadSignature => "bad_signature",
            RejectCode::Expired => "expired",
            RejectCode::NotYetValid => "not_yet_valid",
            RejectCode::IssuedInFuture => "issued_in_future",
            RejectCode::TooOld => "too_old",
            RejectCode::BadIssuer => "bad_issuer",
            RejectCode::BadAudience => "bad_audience",
            RejectCode::BadSubject => "bad_subject",
            RejectCode::BadType => "bad_type",
            RejectCode::MissingClaim => "missing_claim",
            RejectCode::UnknownCrit => "unknown_crit",
            RejectCode::DecryptFailed => "decrypt_failed",
            RejectCode::TooLarge => "too_large",
            RejectCode::BadChain => "bad_chain",
            RejectCode::Policy => "policy",
        }
    }
}

impl fmt::Display for RejectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token was examined and refused. `detail` is the one-line human reason;
/// it says what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The machine code.
    pub code: RejectCode,
    /// The human reason, one line.
    pub detail: String,
}

impl Rejection {
    /// A rejection with this code and detail.
    pub fn new(code: RejectCode, detail: impl Into<String>) -> Self {
        Rejection {
            code,
            detail: detail.into(),
        }
    }

    /// A [`RejectCode::Malformed`] rejection.
    pub fn malformed(detail: impl Into<String>) -> Self {
        Rejection::new(RejectCode::Malformed, detail)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.code)
    }
}

impl std::error::Error for Rejection {}

/// Every failure the library reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or arguments: exit 2.
    #[error("{0}")]
    Usage(String),
    /// A local input could not be used: unreadable file, unusable or
    /// mismatched key, algorithm asked for that cannot be served: exit 2.
    #[error("{msg}")]
    Local {
        /// What went wrong, for the user.
        msg: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A token was rejected: exit 1.
    #[error("token rejected: {0}")]
    Rejected(Rejection),
    /// A remote key source could not be used: exit 3.
    #[error("{msg}")]
    Remote {
        /// What went wrong, for the user.
        msg: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl Error {
    /// An [`Error::Usage`] with this message.
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// An [`Error::Local`] with this message and no source.
    pub fn local(msg: impl Into<String>) -> Self {
        Error::Local {
            msg: msg.into(),
            source: None,
        }
    }

    /// An [`Error::Local`] with this message, caused by `source`.
    pub fn local_with(
        msg: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Local {
            msg: msg.into(),
            source: Some(Box::new(source)),
        }
    }

    /// An [`Error::Remote`] with this message and no source.
    pub fn remote(msg: impl Into<String>) -> Self {
        Error::Remote {
            msg: msg.into(),
            source: None,
        }
    }

    /// An [`Error::Rejected`] with this code and detail.
    pub fn rejected(code: RejectCode, detail: impl Into<String>) -> Self {
        Error::Rejected(Rejection::new(code, detail))
    }

    /// The same error with `origin` (a file, a PEM block) in front of a local
    /// error's message; other classes are returned as they are.
    pub fn context(self, origin: impl std::fmt::Display) -> Self {
        match self {
            Error::Local { msg, source } => Error::Local {
                msg: format!("{origin}: {msg}"),
                source,
            },
            other => other,
        }
    }

    /// The rejection, when this is [`Error::Rejected`]; `None` otherwise.
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Error::Rejected(r) => Some(r),
            _ => None,
        }
    }
}

impl From<Rejection> for Error {
    fn from(r: Rejection) -> Self {
        Error::Rejected(r)
    }
}

/// A result whose error defaults to the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
