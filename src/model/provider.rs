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
    /// Called once when a token missed the set; `Some` is a fresh set to
    /// retry with. Rate limiting is the provider's business.
    fn refresh(&self, _miss: &KeyMiss) -> Result<Option<Arc<KeySet>>> {
        Ok(None)
    }
}

/// A fixed, already loaded key set.
pub struct StaticKeys(pub Arc<KeySet>);

impl KeyProvider for StaticKeys {
    fn keys(&self) -> Result<Arc<KeySet>> {
        Ok(self.0.clone())
    }
}
