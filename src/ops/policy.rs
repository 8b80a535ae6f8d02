//! The claims policy of `verify` (and of `decrypt --verify-key`): time
//! claims, exact issuer/subject, audience, `typ`, required claims, maximum
//! age, and extra rules that presets (OIDC, Firebase) add with their own codes.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::codec::claims::{self, human_duration, missing, utc};
use crate::codec::jws::JwsHeader;
use crate::model::error::{RejectCode, Rejection};

/// What an extra rule sees.
pub struct Context<'a> {
    /// The verified token's JOSE header.
    pub header: &'a JwsHeader,
    /// `None` when the payload is not a JSON object.
    pub claims: Option<&'a Map<String, Value>>,
    /// The policy's clock, in seconds since the epoch.
    pub now: i64,
    /// The policy's leeway in seconds; never negative.
    pub leeway: i64,
}

/// A check a preset adds (for example Firebase's `auth_time` in the past).
/// It returns the rejection with the specific code where one fits, else
/// [`RejectCode::Policy`].
pub trait Rule: Send + Sync {
    /// `Ok` when the token passes this rule, else why not.
    fn check(&self, cx: &Context<'_>) -> Result<(), Rejection>;
    /// For messages and debugging.
    fn name(&self) -> &str;
}

/// The claim checks of one call. Built once, shared by every verifying thread.
/// There is no `Default`: a default clock of 0 would check `exp` against
/// 1970 and let every expired token through. Start from [`Policy::at`].
#[derive(Clone)]
pub struct Policy {
    /// Seconds since the epoch to check against.
    pub now: i64,
    /// Allowed clock skew in seconds for `exp`, `nbf`, `iat`.
    pub leeway: i64,
    /// The exact `iss` required; `None`: not checked.
    pub iss: Option<String>,
    /// The token's `aud` must hold at least one of these (when non-empty).
    pub aud: Vec<String>,
    /// The exact `sub` required; `None`: not checked.
    pub sub: Option<String>,
    /// Expected header `typ`: case-insensitive, `application/` optional.
    pub typ: Option<String>,
    /// Claims that must be present.
    pub require: Vec<String>,
    /// Largest accepted `now − iat`, in seconds.
    pub max_age: Option<i64>,
    /// Preset rules, checked after the standard ones.
    pub rules: Vec<Arc<dyn Rule>>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("now", &self.now)
            .field("leeway", &self.leeway)
            .field("iss", &self.iss)
            .field("aud", &self.aud)
            .field("sub", &self.sub)
            .field("typ", &self.typ)
            .field("require", &self.require)
            .field("max_age", &self.max_age)
            .field(
                "rules",
                &self.rules.iter().map(|r| r.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// `typ` comparison of RFC 7515 §4.1.9: case-insensitive, and a media type
/// without `/` stands for `application/<it>`.
pub fn typ_matches(want: &str, have: &str) -> bool {
    fn norm(s: &str) -> String {
        let l = s.to_ascii_lowercase();
        match l.strip_prefix("application/") {
            Some(rest) => rest.to_owned(),
            None => l,
        }
    }
    norm(want) == norm(have)
}

impl Policy {
    /// The always-on time checks at `now` (seconds since the epoch) with
    /// 60 s of leeway, the command line's default; nothing else asked for.
    pub fn at(now: i64) -> Policy {
        Policy {
            now,
            leeway: 60,
            iss: None,
            aud: Vec::new(),
            sub: None,
            typ: None,
            require: Vec::new(),
            max_age: None,
            rules: Vec::new(),
        }
    }

    /// Whether any claim check beyond the always-on time checks is asked for.
    pub fn needs_claims(&self) -> bool {
        self.iss.is_some()
            || !self.aud.is_empty()
            || self.sub.is_some()
            || !self.require.is_empty()
            || self.max_age.is_some()
    }

    /// Check a verified token's header and claims; the first failure wins,
    /// in the order: `typ`, claim types, times, issuer/subject/audience,
    /// required claims, then the presets' rules.
    pub fn check(
        &self,
        header: &JwsHeader,
        claims: Option<&Map<String, Value>>,
    ) -> Result<(), Rejection> {
        self.check_typ(header)?;
        let Some(c) = claims else {
            if self.needs_claims() {
                return Err(Rejection::new(
                    RejectCode::MissingClaim,
                    "the payload is not a JSON claims set, but claim checks were asked for",
                ));
            }
            return self.run_rules(header, None);
        };

        // Types first: a claim of the wrong JSON type is malformed whatever
        // the checks asked for.
        let exp = claims::numeric_date(c, "exp")?;
        let nbf = claims::numeric_date(c, "nbf")?;
        let iat = claims::numeric_date(c, "iat")?;
        let iss = claims::string(c, "iss")?;
        let sub = claims::string(c, "sub")?;
        let aud = claims::audience(c)?;

        self.check_times(exp, nbf, iat)?;
        self.check_names(iss, sub, aud.as_deref())?;
        for name in &self.require {
            if !c.contains_key(name) {
                return Err(missing(name, "--require"));
            }
        }
        self.run_rules(header, Some(c))
    }

    /// The header's `typ`, when one is asked for.
    fn check_typ(&self, header: &JwsHeader) -> Result<(), Rejection> {
        if let Some(want) = &self.typ {
            match &header.typ {
                Ok(None) => {
                    return Err(Rejection::new(
                        RejectCode::BadType,
                        format!("expected header typ {want:?}, the token has none"),
                    ));
                }
                Ok(Some(have)) => {
                    if !typ_matches(want, have) {
                        return Err(Rejection::new(
                            RejectCode::BadType,
                            format!("expected header typ {want:?}, found {have:?}"),
                        ));
                    }
                }
                // The message was written when the header was read.
                Err(r) => return Err(r.clone()),
            }
        }
        Ok(())
    }

    /// `exp`, `nbf` and `iat` against the clock with the leeway, and the
    /// maximum age.
    fn check_times(
        &self,
        exp: Option<i64>,
        nbf: Option<i64>,
        iat: Option<i64>,
    ) -> Result<(), Rejection> {
        let now = self.now;
        let leeway = self.leeway.max(0);
        if let Some(exp) = exp
            && now >= exp.saturating_add(leeway)
        {
            return Err(Rejection::new(
                RejectCode::Expired,
                format!(
                    "expired {} ago (exp {}, now {}, leeway {leeway}s)",
                    human_duration(now.saturating_sub(exp)),
                    utc(exp),
                    utc(now)
                ),
            ));
        }
        if let Some(nbf) = nbf
            && now.saturating_add(leeway) < nbf
        {
            return Err(Rejection::new(
                RejectCode::NotYetValid,
                format!(
                    "not valid for another {} (nbf {}, now {}, leeway {leeway}s)",
                    human_duration(nbf.saturating_sub(now)),
                    utc(nbf),
                    utc(now)
                ),
            ));
        }
        if let Some(iat) = iat
            && now.saturating_add(leeway) < iat
        {
            return Err(Rejection::new(
                RejectCode::IssuedInFuture,
                format!(
                    "issued {} in the future (iat {}, now {}, leeway {leeway}s)",
                    human_duration(iat.saturating_sub(now)),
                    utc(iat),
                    utc(now)
                ),
            ));
        }
        if let Some(max) = self.max_age {
            let iat = iat.ok_or_else(|| missing("iat", "--max-age needs the issue time"))?;
            let age = now.saturating_sub(iat);
            if age > max {
                return Err(Rejection::new(
                    RejectCode::TooOld,
                    format!(
                        "issued {} ago, older than the maximum age {} (iat {}, now {})",
                        human_duration(age),
                        human_duration(max),
                        utc(iat),
                        utc(now)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The exact issuer and subject, and one of the audiences, when asked for.
    fn check_names(
        &self,
        iss: Option<&str>,
        sub: Option<&str>,
        aud: Option<&[&str]>,
    ) -> Result<(), Rejection> {
        if let Some(want) = &self.iss {
            match iss {
                None => return Err(missing("iss", "--iss was given")),
                Some(have) if have != want => {
                    return Err(Rejection::new(
                        RejectCode::BadIssuer,
                        format!("expected issuer {want:?}, found {have:?}"),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(want) = &self.sub {
            match sub {
                None => return Err(missing("sub", "--sub was given")),
                Some(have) if have != want => {
                    return Err(Rejection::new(
                        RejectCode::BadSubject,
                        format!("expected subject {want:?}, found {have:?}"),
                    ));
                }
                Some(_) => {}
            }
        }
        if !self.aud.is_empty() {
            match aud {
                None => return Err(missing("aud", "--aud was given")),
                Some(have) => {
                    if !have.iter().any(|h| self.aud.iter().any(|w| w == h)) {
                        return Err(Rejection::new(
                            RejectCode::BadAudience,
                            format!(
                                "expected audience {}, found {}",
                                one_of(&self.aud),
                                serde_json::to_string(have).unwrap_or_default()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn run_rules(
        &self,
        header: &JwsHeader,
        claims: Option<&Map<String, Value>>,
    ) -> Result<(), Rejection> {
        let cx = Context {
            header,
            claims,
            now: self.now,
            leeway: self.leeway.max(0),
        };
        for r in &self.rules {
            r.check(&cx)?;
        }
        Ok(())
    }
}

fn one_of(v: &[String]) -> String {
    match v {
        [one] => format!("{one:?}"),
        many => format!("one of {}", serde_json::to_string(many).unwrap_or_default()),
    }
}
