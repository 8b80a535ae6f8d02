//! Verification presets: Firebase ID tokens and session cookies, and OpenID
//! Connect ID tokens (OIDC Core §3.1.3.7). A preset fixes the allow-list, the
//! issuer and audience, the required claims, and adds rules of its own; each
//! rule uses the specific rejection code where one fits, `policy` otherwise.

use std::sync::Arc;

use serde_json::Value;

use super::policy::{Context, Rule};
use super::verify::VerifyOptions;
use crate::codec::claims::{human_duration, utc};
use crate::model::alg::JwsAlg;
use crate::model::error::{RejectCode, Rejection};

/// Google's x509 certificate map for Firebase ID tokens.
pub const FIREBASE_ID_TOKEN_KEYS: &str =
    "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";
/// Google's certificate map for Firebase session cookies.
pub const FIREBASE_SESSION_COOKIE_KEYS: &str =
    "https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys";

/// Which Firebase token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirebaseKind {
    /// An ID token, `iss` `https://securetoken.google.com/<project>`.
    IdToken,
    /// A session cookie, `iss` `https://session.firebase.google.com/<project>`.
    SessionCookie,
}

impl FirebaseKind {
    /// The `iss` this kind of token carries for `project` (a project id).
    pub fn issuer(self, project: &str) -> String {
        match self {
            FirebaseKind::IdToken => format!("https://securetoken.google.com/{project}"),
            FirebaseKind::SessionCookie => format!("https://session.firebase.google.com/{project}"),
        }
    }

    /// Where Google publishes the certificates that sign this kind of token.
    pub fn keys_url(self) -> &'static str {
        match self {
            FirebaseKind::IdToken => FIREBASE_ID_TOKEN_KEYS,
            FirebaseKind::SessionCookie => FIREBASE_SESSION_COOKIE_KEYS,
        }
    }

    fn what(self) -> &'static str {
        match self {
            FirebaseKind::IdToken => "Firebase ID token",
            FirebaseKind::SessionCookie => "Firebase session cookie",
        }
    }
}

/// Firebase: compact JWTs only; alg RS256 only; `kid` required; `iss` and
/// `aud` fixed by the project, `aud` a single string (the Admin SDKs compare
/// it to the project id as a whole); `exp`, `iat` and `sub` required; `sub` a
/// non-empty string of at most 128 characters; `auth_time`, which the Admin
/// SDKs do not require, in the past when present.
pub fn firebase(opts: &mut VerifyOptions, project: &str, kind: FirebaseKind) {
    opts.algs = Some(vec![JwsAlg::RS256]);
    opts.compact_only = true;
    let p = &mut opts.policy;
    p.iss = Some(kind.issuer(project));
    p.aud = vec![project.to_owned()];
    for c in ["exp", "iat", "sub"] {
        if !p.require.iter().any(|r| r == c) {
            p.require.push(c.to_owned());
        }
    }
    let what = kind.what();
    p.rules.push(Arc::new(KidRequired { what }));
    p.rules.push(Arc::new(SingleAudience { what }));
    p.rules.push(Arc::new(FirebaseSubject));
    p.rules.push(Arc::new(AuthTimeInPast { what }));
}

/// OIDC: compact JWTs only; `iss` = ISSUER, `exp` and `iat` required, and when `aud` has several
/// values and `azp` is present, `azp` must be one of the accepted audiences.
pub fn oidc(opts: &mut VerifyOptions, issuer: &str) {
    opts.compact_only = true;
    let p = &mut opts.policy;
    p.iss = Some(issuer.to_owned());
    for c in ["exp", "iat"] {
        if !p.require.iter().any(|r| r == c) {
            p.require.push(c.to_owned());
        }
    }
    p.rules.push(Arc::new(Azp {
        accepted: p.aud.clone(),
    }));
}

struct KidRequired {
    what: &'static str,
}

impl Rule for KidRequired {
    fn check(&self, cx: &Context<'_>) -> Result<(), Rejection> {
        match cx.header.kid_str() {
            Some(s) if !s.is_empty() => Ok(()),
            _ => Err(Rejection::new(
                RejectCode::Policy,
                format!(
                    "a {} must name its key: the header has no \"kid\"",
                    self.what
                ),
            )),
        }
    }
    fn name(&self) -> &str {
        "kid required"
    }
}

/// The audience check before the rules has already found the project id in
/// `aud`; this rule refuses it inside an array.
struct SingleAudience {
    what: &'static str,
}

impl Rule for SingleAudience {
    fn check(&self, cx: &Context<'_>) -> Result<(), Rejection> {
        match cx.claims.and_then(|c| c.get("aud")) {
            Some(Value::Array(a)) => Err(Rejection::new(
                RejectCode::BadAudience,
                format!(
                    "a {}'s \"aud\" must be the project id as a string, found an array of {} audiences",
                    self.what,
                    a.len()
                ),
            )),
            _ => Ok(()),
        }
    }
    fn name(&self) -> &str {
        "Firebase aud a string"
    }
}

struct FirebaseSubject;

impl Rule for FirebaseSubject {
    fn check(&self, cx: &Context<'_>) -> Result<(), Rejection> {
        let Some(c) = cx.claims else {
            return Ok(());
        };
        match c.get("sub") {
            Some(Value::String(s)) if s.is_empty() => Err(Rejection::new(
                RejectCode::BadSubject,
                "\"sub\" (the user id) must be a non-empty string, found \"\"",
            )),
            Some(Value::String(s)) if s.chars().count() > 128 => Err(Rejection::new(
                RejectCode::BadSubject,
                format!(
                    "\"sub\" (the user id) must be at most 128 characters, found {}",
                    s.chars().count()
                ),
            )),
            _ => Ok(()),
        }
    }
    fn name(&self) -> &str {
        "Firebase sub"
    }
}

struct AuthTimeInPast {
    what: &'static str,
}

impl Rule for AuthTimeInPast {
    fn check(&self, cx: &Context<'_>) -> Result<(), Rejection> {
        let Some(c) = cx.claims else {
            return Ok(());
        };
        let t = match c.get("auth_time") {
            None => return Ok(()),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .ok_or_else(|| {
                    Rejection::malformed("\"auth_time\" must be a number (seconds since the epoch)")
                })?,
        };
        if cx.now.saturating_add(cx.leeway) < t {
            return Err(Rejection::new(
                RejectCode::Policy,
                format!(
                    "a {}'s \"auth_time\" must be in the past: it is {} ahead (auth_time {}, now {})",
                    self.what,
                    human_duration(t.saturating_sub(cx.now)),
                    utc(t),
                    utc(cx.now)
                ),
            ));
        }
        Ok(())
    }
    fn name(&self) -> &str {
        "auth_time in the past"
    }
}

struct Azp {
    accepted: Vec<String>,
}

impl Rule for Azp {
    fn check(&self, cx: &Context<'_>) -> Result<(), Rejection> {
        let Some(c) = cx.claims else {
            return Ok(());
        };
        let several = matches!(c.get("aud"), Some(Value::Array(a)) if a.len() > 1);
        let Some(azp) = c.get("azp") else {
            return Ok(());
        };
        if !several {
            return Ok(());
        }
        let azp = azp
            .as_str()
            .ok_or_else(|| Rejection::malformed("\"azp\" must be a string"))?;
        if self.accepted.iter().any(|a| a == azp) {
            Ok(())
        } else if self.accepted.is_empty() {
            Err(Rejection::new(
                RejectCode::BadAudience,
                format!("the token has several audiences and azp {azp:?}; give --aud to accept it"),
            ))
        } else {
            Err(Rejection::new(
                RejectCode::BadAudience,
                format!(
                    "authorized party (azp) {azp:?} is not one of the accepted audiences {:?}",
                    self.accepted
                ),
            ))
        }
    }
    fn name(&self) -> &str {
        "OIDC azp"
    }
}
