//! Where keys come from. The trait sits here, below both its users (the
//! verify pipeline) and its implementors (a fixed set, the remote sources),
//! so neither has to import the other.

use std::sync::Arc;

use super::alg::JwsAlg;
use super::error::Result;
use super::key::KeySet;

/// Why a token found no key in a set: what a remote source's one refetch is
/// for, since a cached set may predate the issuer's key rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMiss {
    /// The token names a `kid` no key of the set has.
    Kid(String),
    /// The token's alg needs a key the set lacks (a rotation to a key of a
    /// new type shows as this, before any `kid` is looked at).
    Alg(JwsAlg),
}

impl std::fmt::Display for KeyMiss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyMiss::Kid(kid) => write!(f, "kid {kid:?}"),
            KeyMiss::Alg(alg) => write!(f, "alg {alg}"),
        }
    }
}

/// Where verification gets its keys. Local keys are a [`KeySet`]; remote
/// sources (JWKS URLs, OIDC, Firebase) implement this and may refetch once
/// when a token misses the set they hold.
pub trait KeyProvider: Sync {
    /// The set to verify with now. Fails when the provider cannot give one
    /// (a remote source returns [`Error::Remote`](super::error::Error::Remote)).
    fn keys(&self) -> Result<Arc<KeySet>>;
    /// Called once when a token missed the set: a fresh set to retry with,
    /// or why there is none. Rate limiting is the provider's business.
    fn refresh(&self, _miss: &KeyMiss) -> Result<Refresh> {
        Ok(Refresh::Unchanged(None))
    }
}

/// What [`KeyProvider::refresh`] gave.
#[derive(Debug, Clone)]
pub enum Refresh {
    /// A fresh set to retry with.
    Fresh(Arc<KeySet>),
    /// No fresh set, with the reason when there is one worth telling (a
    /// set fetched moments ago, no network allowed): a token rejected for
    /// want of its key says whether its set was looked at again.
    Unchanged(Option<String>),
}

/// A fixed, already loaded key set.
pub struct StaticKeys(pub Arc<KeySet>);

impl KeyProvider for StaticKeys {
    fn keys(&self) -> Result<Arc<KeySet>> {
        Ok(self.0.clone())
    }
}

/// A provider that asks its inner one for fresh keys at most once in its
/// life: one run over a stream of tokens fetches at most once, however many
/// of them name unknown `kid`s (the inner remote source also rate-limits
/// across runs). Tokens that miss after that refresh are checked against
/// the refreshed set, which they may have missed only because another
/// thread was refreshing it meanwhile.
pub struct RefreshOnce<P> {
    inner: P,
    state: std::sync::Mutex<Refreshed>,
}

/// What the one refresh did.
enum Refreshed {
    NotYet,
    /// A fresh set came: later misses retry with the set as it is now.
    Done,
    /// No fresh set came, for this reason.
    Unchanged(Option<String>),
    Failed(String),
}

impl<P: KeyProvider> RefreshOnce<P> {
    /// Wrap `inner`.
    pub fn new(inner: P) -> RefreshOnce<P> {
        RefreshOnce {
            inner,
            state: std::sync::Mutex::new(Refreshed::NotYet),
        }
    }

    /// Why the one refresh failed, if it did: tokens that missed stay
    /// rejected, and the caller says once why their keys were not renewed.
    pub fn failure(&self) -> Option<String> {
        match &*self.state.lock().ok()? {
            Refreshed::Failed(why) => Some(why.clone()),
            _ => None,
        }
    }
}

impl<P: KeyProvider> KeyProvider for RefreshOnce<P> {
    fn keys(&self) -> Result<Arc<KeySet>> {
        self.inner.keys()
    }

    fn refresh(&self, miss: &KeyMiss) -> Result<Refresh> {
        // Held across the fetch: a thread that misses meanwhile waits for
        // the one refresh and then uses its result.
        let mut state = self
            .state
            .lock()
            .map_err(|_| super::Error::local("the key refresh state is unusable"))?;
        match &*state {
            Refreshed::NotYet => {}
            Refreshed::Done => return self.inner.keys().map(Refresh::Fresh),
            Refreshed::Unchanged(why) => return Ok(Refresh::Unchanged(why.clone())),
            Refreshed::Failed(_) => return Ok(Refresh::Unchanged(None)),
        }
        match self.inner.refresh(miss) {
            Ok(Refresh::Fresh(fresh)) => {
                *state = Refreshed::Done;
                Ok(Refresh::Fresh(fresh))
            }
            Ok(Refresh::Unchanged(why)) => {
                *state = Refreshed::Unchanged(why.clone());
                Ok(Refresh::Unchanged(why))
            }
            Err(e) => {
                *state = Refreshed::Failed(format!("keys not refreshed for {miss}: {e}"));
                Ok(Refresh::Unchanged(None))
            }
        }
    }
}

impl<P: KeyProvider + ?Sized> KeyProvider for Box<P> {
    fn keys(&self) -> Result<Arc<KeySet>> {
        (**self).keys()
    }

    fn refresh(&self, miss: &KeyMiss) -> Result<Refresh> {
        (**self).refresh(miss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A source whose refresh brings nothing, for a reason.
    struct Stale(AtomicUsize);

    impl KeyProvider for Stale {
        fn keys(&self) -> Result<Arc<KeySet>> {
            Ok(Arc::new(KeySet::new(Vec::new())))
        }
        fn refresh(&self, _miss: &KeyMiss) -> Result<Refresh> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Refresh::Unchanged(Some("fetched moments ago".into())))
        }
    }

    /// Later misses of a run hear the one refresh's reason; they are not
    /// handed the old set as if it were fresh (which made their message
    /// claim a refetch that never happened).
    #[test]
    fn an_unchanged_refresh_keeps_its_reason_for_the_whole_run() {
        let p = RefreshOnce::new(Stale(AtomicUsize::new(0)));
        for kid in ["a", "b", "c"] {
            match p.refresh(&KeyMiss::Kid(kid.into())) {
                Ok(Refresh::Unchanged(Some(why))) => assert_eq!(why, "fetched moments ago"),
                other => panic!("{kid}: {other:?}"),
            }
        }
        assert_eq!(p.inner.0.load(Ordering::SeqCst), 1, "one refresh per run");
        assert!(p.failure().is_none());
    }
}
