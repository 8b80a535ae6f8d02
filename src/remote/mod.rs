//! Remote key sets: a JWKS or a Google key-id → certificate map fetched over
//! HTTPS (plain http only for loopback hosts), and OpenID Connect discovery,
//! with a per-URL cache that honours `Cache-Control`.
//!
//! This file turns bodies into keys: [`load_keys`], the key-miss refetch
//! ([`refetch_on_miss`], [`RemoteProvider`]) and OIDC discovery. Getting a
//! body is the job of `http.rs`, keeping it that of `cache.rs`; both
//! modules are private, their public items re-exported here.
//!
//! Every failure here is [`Error::Remote`] (exit 3), naming the URL, the HTTP
//! status or network error, and how long it waited; a URL refused before
//! anything is sent (plain http to another host) is a usage error (exit 2).

mod cache;
mod http;

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::model::error::{Error, Result};
use crate::model::key::{Key, KeySet};
use crate::model::provider::Refresh;

pub use cache::{KID_MISS_INTERVAL, Origin, RemoteOptions, default_cache_dir, get_cached};
pub use http::{
    CONNECT_TIMEOUT, DEFAULT_FRESHNESS, Fetched, MAX_BODY, MAX_FRESHNESS, MAX_REDIRECTS, check_url,
    fetch, freshness, no_proxy_matches,
};

/// Parse a remote body as a JWKS or a certificate map.
pub fn parse_key_body(url: &str, body: &[u8]) -> Result<Vec<Key>> {
    let v = crate::codec::json::parse_value(body)
        .map_err(|e| Error::remote(format!("{url}: the response is not JSON ({e})")))?;
    crate::codec::key::detect::parse_json(&v).map_err(|e| Error::remote(format!("{url}: {e}")))
}

/// A remote key set as loaded for one call.
#[derive(Debug, Clone)]
pub struct RemoteKeys {
    /// The URL the keys were loaded from, as given.
    pub url: String,
    /// The keys the body holds.
    pub keys: Vec<Key>,
    /// Where the body came from: this call's fetch or the cache.
    pub origin: Origin,
}

/// Load the keys behind `url` (cache first).
pub fn load_keys(url: &str, opts: &RemoteOptions) -> Result<RemoteKeys> {
    let (body, origin) = get_cached(url, opts)?;
    let keys = match parse_key_body(url, &body) {
        Ok(k) => k,
        // A cached body that no longer parses is dropped and fetched anew.
        Err(_) if origin != Origin::Network && !opts.offline => {
            let f = fetch(url, opts.timeout)?;
            return Ok(RemoteKeys {
                url: url.to_owned(),
                keys: parse_key_body(url, &f.body)?,
                origin: Origin::Network,
            });
        }
        Err(e) => return Err(e),
    };
    Ok(RemoteKeys {
        url: url.to_owned(),
        keys,
        origin,
    })
}

/// After a token missed `current`'s keys (an unknown `kid`, or an alg no
/// key of the set can verify): fetch the URL again, unless it was fetched
/// during this call, `--offline` is set, or such a refetch of this URL
/// happened less than 30 s ago. `Ok(None)` when no refetch was made.
pub fn refetch_on_miss(
    current: &RemoteKeys,
    opts: &RemoteOptions,
) -> Result<std::result::Result<RemoteKeys, String>> {
    let url = &current.url;
    let keys =
        cache::refetch_after_miss(url, current.origin, opts, |body| parse_key_body(url, body))?;
    Ok(keys.map(|keys| RemoteKeys {
        url: url.clone(),
        keys,
        origin: Origin::Network,
    }))
}

/// OpenID Connect discovery: fetch `ISSUER/.well-known/openid-configuration`,
/// require its `issuer` to equal ISSUER exactly, and return its `jwks_uri`.
pub fn discover_jwks_uri(issuer: &str, opts: &RemoteOptions) -> Result<String> {
    check_url(issuer)?;
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let (body, _) = get_cached(&url, opts)?;
    let doc: Value = serde_json::from_slice(&body)
        .map_err(|e| Error::remote(format!("{url}: the discovery document is not JSON ({e})")))?;
    let found = doc
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::remote(format!("{url}: the discovery document has no \"issuer\"")))?;
    if found != issuer {
        return Err(Error::remote(format!(
            "{url}: the discovery document's issuer is {found:?}, expected {issuer:?} (OIDC Discovery §4.3)"
        )));
    }
    let jwks = doc.get("jwks_uri").and_then(Value::as_str).ok_or_else(|| {
        Error::remote(format!("{url}: the discovery document has no \"jwks_uri\""))
    })?;
    check_url(jwks).map_err(|e| Error::remote(format!("{url}: jwks_uri {jwks:?} refused: {e}")))?;
    Ok(jwks.to_owned())
}

/// The keys of one `verify` call: local keys plus remote key sets, with the
/// kid- or key-type-miss refetch of the contract.
pub struct RemoteProvider {
    local: Vec<Key>,
    opts: RemoteOptions,
    state: Mutex<Loaded>,
}

/// What a provider holds now: each URL's keys, and the set verification
/// uses. The set is built once per change rather than on every lookup, and
/// shared (`Arc`) so that a lookup does not copy the keys.
struct Loaded {
    remote: Vec<RemoteKeys>,
    set: Arc<KeySet>,
}

/// The set of the local keys and every URL's keys.
fn combine(local: &[Key], remote: &[RemoteKeys]) -> Arc<KeySet> {
    let mut keys = local.to_vec();
    for r in remote {
        keys.extend(r.keys.iter().cloned());
    }
    Arc::new(KeySet::new(keys))
}

impl RemoteProvider {
    /// Load every URL now (cache first): a source that cannot be used fails
    /// the call with exit 3 before any token is looked at.
    pub fn load(local: Vec<Key>, urls: &[String], opts: RemoteOptions) -> Result<RemoteProvider> {
        let remote = urls
            .iter()
            .map(|u| load_keys(u, &opts))
            .collect::<Result<Vec<_>>>()?;
        let set = combine(&local, &remote);
        Ok(RemoteProvider {
            local,
            opts,
            state: Mutex::new(Loaded { remote, set }),
        })
    }

    /// Whether any loaded source was served stale because of `--offline`.
    pub fn stale_sources(&self) -> Vec<String> {
        match self.state.lock() {
            Ok(s) => s
                .remote
                .iter()
                .filter(|r| r.origin == Origin::StaleCache)
                .map(|r| r.url.clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

impl crate::model::KeyProvider for RemoteProvider {
    fn keys(&self) -> Result<Arc<KeySet>> {
        let s = self
            .state
            .lock()
            .map_err(|_| Error::remote("key cache state is unusable"))?;
        Ok(s.set.clone())
    }

    fn refresh(&self, miss: &crate::model::KeyMiss) -> Result<Refresh> {
        use crate::model::{KeyMiss, KeyOp};
        let mut s = self
            .state
            .lock()
            .map_err(|_| Error::remote("key cache state is unusable"))?;
        let mut changed = false;
        let mut skipped = Vec::new();
        for r in s.remote.iter_mut() {
            let holds = match miss {
                KeyMiss::Kid(kid) => r.keys.iter().any(|k| k.kid.as_deref() == Some(kid)),
                KeyMiss::Alg(alg) => r.keys.iter().any(|k| k.permits(KeyOp::Verify(*alg))),
            };
            if holds {
                continue;
            }
            match refetch_on_miss(r, &self.opts)? {
                Ok(fresh) => {
                    *r = fresh;
                    changed = true;
                }
                Err(why) => skipped.push(why),
            }
        }
        if !changed {
            return Ok(Refresh::Unchanged(
                (!skipped.is_empty()).then(|| skipped.join("; ")),
            ));
        }
        s.set = combine(&self.local, &s.remote);
        Ok(Refresh::Fresh(s.set.clone()))
    }
}
