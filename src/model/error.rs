//! The library's typed error. Its class decides the exit code at the CLI edge:
//! a usage/local problem is 2, a rejected token is 1, a remote key source that
//! failed is 3. Rejections carry the contract's stable machine code.

use std::fmt;

/// The stable machine codes of `../shared/spec/cli.md` ("Rejection codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectCode {
    Malformed,
    UnsupportedAlg,
    AlgNotAllowed,
    NoMatchingKey,
    BadSignature,
    Expired,
    NotYetValid,
    IssuedInFuture,
    TooOld,
    BadIssuer,
    BadAudience,
    BadSubject,
    BadType,
    MissingClaim,
    UnknownCrit,
    DecryptFailed,
    TooLarge,
    Policy,
}

impl RejectCode {
    pub const ALL: [RejectCode; 18] = [
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
        RejectCode::Policy,
    ];

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
    pub code: RejectCode,
    pub detail: String,
}

impl Rejection {
    pub fn new(code: RejectCode, detail: impl Into<String>) -> Self {
        Rejection {
            code,
            detail: detail.into(),
        }
    }

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
        msg: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A token was rejected: exit 1.
    #[error("token rejected: {0}")]
    Rejected(Rejection),
    /// A remote key source could not be used: exit 3.
    #[error("{msg}")]
    Remote {
        msg: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn local(msg: impl Into<String>) -> Self {
        Error::Local {
            msg: msg.into(),
            source: None,
        }
    }

    pub fn local_with(
        msg: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Local {
            msg: msg.into(),
            source: Some(Box::new(source)),
        }
    }

    pub fn remote(msg: impl Into<String>) -> Self {
        Error::Remote {
            msg: msg.into(),
            source: None,
        }
    }

    pub fn rejected(code: RejectCode, detail: impl Into<String>) -> Self {
        Error::Rejected(Rejection::new(code, detail))
    }

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

pub type Result<T, E = Error> = std::result::Result<T, E>;
