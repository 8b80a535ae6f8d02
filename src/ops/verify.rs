//! JWS verification: the API every caller uses (`verify`, `decrypt
//! --verify-key`, remote-key presets). Steps: parse strictly, check each
//! signature's header (`alg`, `crit`), the allow-list, key choice, the
//! signature, then the claims policy on the signature that verified.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::codec::header;
use crate::codec::json;
use crate::codec::jws::{self, Jws, JwsHeader, JwsSignature, Serialization, signing_input};
use crate::crypto::sig;
use crate::model::alg::JwsAlg;
use crate::model::error::{RejectCode, Rejection, Result};
use crate::model::key::{Key, KeyOp, KeySet};
use crate::model::provider::{KeyMiss, KeyProvider, Refresh};
use crate::ops::policy::Policy;

/// Most signature checks (signature × candidate key) one token may cost:
/// a token with many signatures and no `kid` against a large JWKS would
/// otherwise multiply into thousands of public-key operations.
pub const MAX_ATTEMPTS: usize = 64;

/// Everything a verification needs besides the token and the keys.
/// How a token is verified. No `Default`, for [`Policy`]'s reason: start
/// from [`VerifyOptions::at`].
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Accepted algorithms; `None`: every algorithm the given keys can verify.
    pub algs: Option<Vec<JwsAlg>>,
    /// The claim checks, run on the signature that verified.
    pub policy: Policy,
    /// `crit` names the caller understands besides the built-in `b64`.
    pub crit: Vec<String>,
    /// The payload of a detached-content JWS (RFC 7515 Appendix F).
    pub detached_payload: Option<Vec<u8>>,
    /// Accept only the compact serialization: a JWT is compact only
    /// (RFC 7519 §7.2), and the presets verify JWTs.
    pub compact_only: bool,
}

impl VerifyOptions {
    /// Every algorithm the keys can verify, [`Policy::at`]`(now)`, no extra
    /// `crit` names, an attached payload, any serialization.
    pub fn at(now: i64) -> VerifyOptions {
        VerifyOptions {
            algs: None,
            policy: Policy::at(now),
            crit: Vec::new(),
            detached_payload: None,
            compact_only: false,
        }
    }
}

/// The key a token verified with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUsed {
    /// The key's own `kid`; `None` when it has none.
    pub kid: Option<String>,
    /// Its position in the [`KeySet`] verified against.
    pub index: usize,
    /// The set `index` points into, kept by [`verify_with`] (which knows
    /// whether a refreshed set verified) and [`verify_x5c`]; `None` from
    /// [`verify`], whose caller holds the set. Sharing it costs one
    /// reference count, not a copy of the key.
    pub set: Option<Arc<KeySet>>,
}

impl KeyUsed {
    /// The key itself, when the set was kept.
    pub fn key(&self) -> Option<&Key> {
        self.set.as_ref()?.keys.get(self.index)
    }

    /// The RFC 7638 thumbprint of the key, when the set was kept; `None`
    /// for symmetric keys, whose thumbprint would be a hash of the secret
    /// itself. Computed on demand: most callers never ask.
    pub fn thumbprint(&self) -> Option<String> {
        self.key().and_then(thumbprint_of)
    }
}

fn thumbprint_of(k: &Key) -> Option<String> {
    (!k.material.is_symmetric()).then(|| crate::codec::key::thumbprint::sha256_b64(&k.material))
}

/// Every key's thumbprint, computed once for reports over many tokens.
pub fn thumbprints(keys: &KeySet) -> Vec<Option<String>> {
    keys.keys.iter().map(thumbprint_of).collect()
}

/// An accepted token.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The merged header of the signature that verified.
    pub header: JwsHeader,
    /// The `alg` of the signature that verified.
    pub alg: JwsAlg,
    /// The payload bytes, decoded (the detached payload when one was given).
    pub payload: Vec<u8>,
    /// The claims when the payload is a JSON object.
    pub claims: Option<Map<String, Value>>,
    /// The key that verified the signature.
    pub key: KeyUsed,
    /// Which signature verified (0 for compact and flattened).
    pub signature_index: usize,
    /// Things an operator should know though the token is accepted (a short
    /// HMAC secret).
    pub warnings: Vec<String>,
}

/// Whether rejection `r` of `token` by `keys` is a miss a fresher set could
/// cure: an alg the caller allows (any, without `--alg`) that no key of the
/// set can verify, else, for `no_matching_key`, a `kid` the set lacks. An
/// alg outside the caller's list, a bad signature or a failed claim is not.
pub fn key_miss(
    token: &str,
    keys: &KeySet,
    opts: &VerifyOptions,
    r: &Rejection,
) -> Option<KeyMiss> {
    if !matches!(
        r.code,
        RejectCode::NoMatchingKey | RejectCode::AlgNotAllowed
    ) {
        return None;
    }
    let jws = jws::parse(token).ok()?;
    let unserved = jws
        .signatures
        .iter()
        .filter_map(|s| s.header.alg.clone().ok())
        .find(|alg| {
            opts.algs.as_ref().is_none_or(|list| list.contains(alg))
                && !keys.keys.iter().any(|k| k.permits(KeyOp::Verify(*alg)))
        });
    if let Some(alg) = unserved {
        return Some(KeyMiss::Alg(alg));
    }
    if r.code != RejectCode::NoMatchingKey {
        return None;
    }
    jws.signatures
        .iter()
        .find_map(|s| s.header.kid_str())
        .map(|kid| KeyMiss::Kid(kid.to_owned()))
}

/// Verify through a provider: a token that misses the set ([`key_miss`])
/// asks the provider for a fresh set once. Provider failures are errors
/// (exit 3 for remote sources), rejections are `Error::Rejected`.
pub fn verify_with(
    token: &str,
    provider: &dyn KeyProvider,
    opts: &VerifyOptions,
) -> Result<Verified> {
    let keys = provider.keys()?;
    match verify(token, &keys, opts) {
        Err(r) => {
            let Some(miss) = key_miss(token, &keys, opts, &r) else {
                return Err(r.into());
            };
            match provider.refresh(&miss)? {
                Refresh::Fresh(fresh) => {
                    let again = verify(token, &fresh, opts).map_err(|mut r| {
                        if r.code == RejectCode::NoMatchingKey {
                            r.detail.push_str(" (after fetching the key set again)");
                        }
                        r
                    });
                    with_key(again, &fresh)
                }
                Refresh::Unchanged(why) => {
                    let mut r = r;
                    if let Some(why) = why
                        && r.code == RejectCode::NoMatchingKey
                    {
                        r.detail.push_str(&format!(" ({why})"));
                    }
                    Err(r.into())
                }
            }
        }
        ok => with_key(ok, &keys),
    }
}

/// Kids named in a message: enough to spot a typo or a rotation, bounded
/// however large the set.
const KIDS_NAMED: usize = 3;

/// A kid as quoted in a message: at most 64 characters of it.
fn clip(kid: &str) -> String {
    match kid.char_indices().nth(64) {
        Some((i, _)) => format!("{}…", &kid[..i]),
        None => kid.to_owned(),
    }
}

/// What the set holds for `alg`, for a kid miss: the first few kids.
fn held_kids(keys: &KeySet, alg: JwsAlg) -> String {
    let fits: Vec<&Key> = keys
        .keys
        .iter()
        .filter(|k| k.permits(KeyOp::Verify(alg)))
        .collect();
    let kids: Vec<String> = fits
        .iter()
        .filter_map(|k| k.kid.as_deref())
        .take(KIDS_NAMED)
        .map(|k| format!("{:?}", clip(k)))
        .collect();
    if fits.is_empty() {
        return format!("the key set holds no {alg} key");
    }
    let more = fits.len().saturating_sub(kids.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "the key set's {alg} keys have kid {}{more}",
        kids.join(", ")
    )
}

fn with_key(r: Result<Verified, Rejection>, keys: &Arc<KeySet>) -> Result<Verified> {
    let mut v = r?;
    v.key.set = Some(Arc::clone(keys));
    Ok(v)
}

/// Whether `alg` is allowed: on the caller's list, or, without one, an
/// algorithm some given key can verify (the default allow-list).
fn alg_allowed(alg: JwsAlg, keys: &KeySet, opts: &VerifyOptions) -> Result<(), Rejection> {
    let detail = match &opts.algs {
        Some(algs) if algs.contains(&alg) => return Ok(()),
        None if keys.keys.iter().any(|k| k.permits(KeyOp::Verify(alg))) => return Ok(()),
        Some(algs) => format!(
            "alg {alg} is not in the allow-list ({})",
            algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
        ),
        None => format!("alg {alg}: none of the given keys can verify it"),
    };
    Err(Rejection::new(RejectCode::AlgNotAllowed, detail))
}

/// How far a failed signature got; the furthest is reported.
fn stage(c: RejectCode) -> u8 {
    match c {
        RejectCode::Malformed => 0,
        RejectCode::UnsupportedAlg => 1,
        RejectCode::UnknownCrit => 2,
        RejectCode::AlgNotAllowed => 3,
        RejectCode::NoMatchingKey => 4,
        _ => 5,
    }
}

struct Hit<'k> {
    index: usize,
    alg: JwsAlg,
    key: &'k Key,
    key_index: usize,
}

fn check_signature(
    s: &JwsSignature,
    payload_segment: &[u8],
    keys: &KeySet,
    opts: &VerifyOptions,
    budget: &mut usize,
) -> Result<(JwsAlg, usize), Rejection> {
    // `candidates` ties its items to the header borrows; map back to the set.
    let found = |k: &Key| keys.keys.iter().position(|x| std::ptr::eq(x, k));
    let h = &s.header;
    let alg = h.alg.clone()?;
    // The crit structure was read when the token was parsed (an unprotected
    // `crit` refused there); which names are understood is the caller's.
    let crit = h.crit.as_ref().map_err(Clone::clone)?;
    header::crit_understood(crit, header::JWS_CRIT, &opts.crit)?;
    alg_allowed(alg, keys, opts)?;
    let kid = h.kid.as_ref().map_err(Clone::clone)?.as_deref();
    let x5t = h.x5t.as_ref().map_err(Clone::clone)?;
    let x5t256 = h.x5t_s256.as_ref().map_err(Clone::clone)?;
    let input = signing_input(&s.protected_b64, payload_segment);
    let mut tried = false;
    for k in keys.candidates(alg.family(), kid, x5t.as_deref(), x5t256.as_deref()) {
        if !k.permits(KeyOp::Verify(alg)) {
            continue;
        }
        if *budget == 0 {
            return Err(Rejection::new(
                RejectCode::BadSignature,
                format!("no signature verified within {MAX_ATTEMPTS} key attempts"),
            ));
        }
        *budget -= 1;
        tried = true;
        if sig::verify(alg, &k.material, &input, &s.signature).is_ok()
            && let Some(i) = found(k)
        {
            return Ok((alg, i));
        }
    }
    if !tried {
        let what = match (kid, &x5t, &x5t256) {
            (Some(kid), _, _) => format!(
                "no {alg} key with kid {:?}; {}",
                clip(kid),
                held_kids(keys, alg)
            ),
            (None, Some(_), _) | (None, _, Some(_)) => {
                format!("no {alg} key with the token's certificate thumbprint")
            }
            _ => format!("no key for {alg} was given"),
        };
        return Err(Rejection::new(RejectCode::NoMatchingKey, what));
    }
    Err(Rejection::new(
        RejectCode::BadSignature,
        format!("{alg} signature does not verify"),
    ))
}

/// Verify a token (any serialization) against local keys.
pub fn verify(token: &str, keys: &KeySet, opts: &VerifyOptions) -> Result<Verified, Rejection> {
    verify_parsed(jws::parse(token)?, keys, opts)
}

pub use crate::crypto::chain::{LeafPins, MAX_CHAIN};

/// A token's own `x5c`, trusted under roots the caller chose (`verify
/// --x5c-root`): the chain must validate to one of them, and its leaf's key
/// is then the only key that may verify the token.
#[derive(Debug, Clone, Default)]
pub struct X5cTrust {
    /// The roots, DER certificates.
    pub roots: Vec<Vec<u8>>,
    /// What the leaf must carry besides a valid path.
    pub pins: LeafPins,
}

fn bad_chain(why: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::BadChain, why)
}

/// Verify a token with the key of its own `x5c` leaf, after validating the
/// chain under `trust` at the policy's time. The first signature that
/// carries `x5c` decides the chain. Every chain failure is `bad_chain`.
pub fn verify_x5c(
    token: &str,
    trust: &X5cTrust,
    opts: &VerifyOptions,
) -> Result<Verified, Rejection> {
    let jws = jws::parse(token)?;
    let leaf = x5c_leaf(&jws, trust, opts.policy.now)?;
    let set = Arc::new(KeySet::new(vec![leaf]));
    let mut v = verify_parsed(jws, &set, opts)?;
    v.key.set = Some(set);
    Ok(v)
}

/// The validated `x5c` leaf's key. An `x5c` of more than [`MAX_CHAIN`]
/// certificates is refused before any of them is decoded.
fn x5c_leaf(jws: &Jws, trust: &X5cTrust, now: i64) -> Result<Key, Rejection> {
    let chain = jws
        .signatures
        .iter()
        .find_map(|s| match &s.header.x5c {
            Ok(None) => None,
            Ok(Some(chain)) => Some(Ok(chain)),
            Err(r) => Some(Err(r.clone())),
        })
        .ok_or_else(|| bad_chain("the token carries no x5c, and --x5c-root requires one"))??;
    crate::crypto::chain::validate(chain, &trust.roots, now, &trust.pins).map_err(bad_chain)?;
    let leaf = chain.first().ok_or_else(|| bad_chain("x5c is empty"))?;
    crate::codec::key::cert::from_der(leaf)
        .map_err(|e| bad_chain(format!("the x5c leaf's key is unusable: {e}")))
}

/// Parse a payload as claims: a JSON object gives claims; a payload that
/// looks like one but is not strict JSON is malformed; anything else is
/// simply not a JWT.
pub fn claims_of(payload: &[u8]) -> Result<Option<Map<String, Value>>, Rejection> {
    let first = payload.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Ok(None);
    }
    json::parse_object(payload)
        .map(Some)
        .map_err(|e| e.rejection("payload is not valid JSON"))
}

/// Verify an already parsed JWS; it is consumed so that the header and the
/// payload move into the result instead of being copied.
pub fn verify_parsed(
    mut jws: Jws,
    keys: &KeySet,
    opts: &VerifyOptions,
) -> Result<Verified, Rejection> {
    if opts.compact_only && jws.serialization != Serialization::Compact {
        return Err(Rejection::malformed(
            "a JWT uses the compact serialization only (RFC 7519 §7.2), and this token is JSON",
        ));
    }
    let segment = jws.signing_payload(opts.detached_payload.as_deref())?;
    let mut best: Option<Rejection> = None;
    let mut hit: Option<Hit<'_>> = None;
    let mut budget = MAX_ATTEMPTS;
    for (index, s) in jws.signatures.iter().enumerate() {
        match check_signature(s, &segment, keys, opts, &mut budget) {
            Ok((alg, key_index)) => {
                let Some(key) = keys.keys.get(key_index) else {
                    continue;
                };
                hit = Some(Hit {
                    index,
                    alg,
                    key,
                    key_index,
                });
                break;
            }
            Err(r) => {
                if best.as_ref().is_none_or(|b| stage(r.code) > stage(b.code)) {
                    best = Some(r);
                }
            }
        }
    }
    let Some(hit) = hit else {
        return Err(best.unwrap_or_else(|| Rejection::malformed("no signature")));
    };
    let payload = match opts.detached_payload.as_deref() {
        Some(p) => jws.payload(Some(p))?,
        None => std::mem::take(&mut jws.payload_bytes),
    };
    if hit.index >= jws.signatures.len() {
        return Err(Rejection::malformed("no signature"));
    }
    let s = jws.signatures.swap_remove(hit.index);
    let claims = claims_of(&payload)?;
    opts.policy.check(&s.header, claims.as_ref())?;

    let mut warnings = Vec::new();
    if let Some(min) = sig::hmac_min_len(hit.alg)
        && let crate::model::key::KeyMaterial::Oct { k } = &hit.key.material
        && k.len() < min
    {
        warnings.push(format!(
            "the {} secret is {} bytes, shorter than the {min} bytes RFC 7518 requires",
            hit.alg,
            k.len()
        ));
    }
    Ok(Verified {
        header: s.header,
        alg: hit.alg,
        payload,
        claims,
        key: KeyUsed {
            kid: hit.key.kid.clone(),
            index: hit.key_index,
            set: None,
        },
        signature_index: hit.index,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::jws::{Serialization, SignRequest, Signer, sign};
    use crate::crypto::{KeySpec, generate};
    use crate::model::StaticKeys;
    use crate::model::error::Error;
    use crate::model::key::{Curve, KeyMaterial, OkpCurve};
    use std::sync::Arc;

    fn key(spec: KeySpec) -> Key {
        #[allow(clippy::unwrap_used)]
        Key::new(generate(spec).unwrap())
    }

    fn token(alg: JwsAlg, k: &KeyMaterial, ser: Serialization) -> String {
        let req = SignRequest {
            payload: br#"{"sub":"x"}"#,
            signers: vec![Signer {
                alg,
                key: k,
                protected: Map::new(),
            }],
            serialization: ser,
            detached: false,
            unencoded: false,
        };
        #[allow(clippy::unwrap_used)]
        sign(&req).unwrap()
    }

    #[test]
    fn every_alg_round_trips_and_rejects_tampering() {
        let cases = [
            (KeySpec::Oct { bytes: 64 }, JwsAlg::ALL[..3].to_vec()),
            (KeySpec::Rsa { bits: 2048 }, JwsAlg::ALL[3..9].to_vec()),
            (KeySpec::Ec(Curve::P256), vec![JwsAlg::ES256]),
            (KeySpec::Ec(Curve::P384), vec![JwsAlg::ES384]),
            (KeySpec::Ec(Curve::P521), vec![JwsAlg::ES512]),
            (KeySpec::Ec(Curve::Secp256k1), vec![JwsAlg::ES256K]),
            (
                KeySpec::Okp(OkpCurve::Ed25519),
                vec![JwsAlg::EdDSA, JwsAlg::Ed25519],
            ),
        ];
        for (spec, algs) in cases {
            let k = key(spec);
            let public = k.to_public().unwrap_or_else(|| k.clone());
            let set = KeySet::new(vec![public]);
            for alg in algs {
                for ser in [
                    Serialization::Compact,
                    Serialization::Flattened,
                    Serialization::General,
                ] {
                    let t = token(alg, &k.material, ser);
                    let v = verify(&t, &set, &VerifyOptions::at(0));
                    assert!(v.is_ok(), "{alg} {ser:?}: {v:?}");
                }
                let t = token(alg, &k.material, Serialization::Compact);
                let mut bad = t.clone().into_bytes();
                if let Some(last) = bad.last_mut() {
                    *last = if *last == b'A' { b'Q' } else { b'A' };
                }
                let bad = String::from_utf8_lossy(&bad).into_owned();
                let r = verify(&bad, &set, &VerifyOptions::at(0));
                assert!(r.is_err(), "{alg} tampered accepted");
            }
        }
    }

    /// A remote-like provider: its first set lacks the token's kid (or key
    /// type); a refresh returns the rotated set, once, and records the miss.
    struct Rotating {
        old: Arc<KeySet>,
        new: Arc<KeySet>,
        refreshes: std::sync::atomic::AtomicUsize,
        misses: std::sync::Mutex<Vec<KeyMiss>>,
    }

    impl KeyProvider for Rotating {
        fn keys(&self) -> Result<Arc<KeySet>> {
            Ok(self.old.clone())
        }
        fn refresh(&self, miss: &KeyMiss) -> Result<Refresh> {
            self.refreshes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if let Ok(mut m) = self.misses.lock() {
                m.push(miss.clone());
            }
            Ok(Refresh::Fresh(self.new.clone()))
        }
    }

    #[test]
    fn a_kid_miss_asks_the_provider_once_for_fresh_keys() {
        let mut old = key(KeySpec::Ec(Curve::P256));
        old.kid = Some("old".into());
        let mut new = key(KeySpec::Ec(Curve::P256));
        new.kid = Some("new".into());
        let mut h = Map::new();
        h.insert("kid".into(), Value::String("new".into()));
        let t = sign(&SignRequest {
            payload: b"x",
            signers: vec![Signer {
                alg: JwsAlg::ES256,
                key: &new.material,
                protected: h,
            }],
            serialization: Serialization::Compact,
            detached: false,
            unencoded: false,
        })
        .unwrap_or_default();
        let p = Rotating {
            old: Arc::new(KeySet::new(vec![old.clone()])),
            new: Arc::new(KeySet::new(vec![new.clone()])),
            refreshes: Default::default(),
            misses: Default::default(),
        };
        let v = verify_with(&t, &p, &VerifyOptions::at(0));
        assert!(v.is_ok(), "{v:?}");
        assert_eq!(p.refreshes.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(
            p.misses.lock().map(|m| m.clone()).unwrap_or_default(),
            [KeyMiss::Kid("new".into())]
        );
        // A static set never refreshes: the kid miss is final.
        let fixed = StaticKeys(Arc::new(KeySet::new(vec![old])));
        let r = verify_with(&t, &fixed, &VerifyOptions::at(0));
        assert!(matches!(
            r,
            Err(Error::Rejected(Rejection {
                code: RejectCode::NoMatchingKey,
                ..
            }))
        ));
    }

    /// The issuer rotates to a key of a new type: the cached set (EC only)
    /// rejects the EdDSA token as `alg_not_allowed` before any kid is looked
    /// at; that is a key-type miss, and it refreshes once. An alg the
    /// caller's list excludes is a policy answer and refreshes nothing.
    #[test]
    fn a_key_type_miss_asks_the_provider_once_for_fresh_keys() {
        let old = key(KeySpec::Ec(Curve::P256));
        let new = key(KeySpec::Okp(OkpCurve::Ed25519));
        let t = token(JwsAlg::EdDSA, &new.material, Serialization::Compact);
        let rotating = || Rotating {
            old: Arc::new(KeySet::new(vec![old.clone()])),
            new: Arc::new(KeySet::new(vec![new.clone()])),
            refreshes: Default::default(),
            misses: Default::default(),
        };
        let p = rotating();
        let v = verify_with(&t, &p, &VerifyOptions::at(0));
        assert!(v.is_ok(), "{v:?}");
        assert_eq!(
            p.misses.lock().map(|m| m.clone()).unwrap_or_default(),
            [KeyMiss::Alg(JwsAlg::EdDSA)]
        );
        let p = rotating();
        let only_es256 = VerifyOptions {
            algs: Some(vec![JwsAlg::ES256]),
            ..VerifyOptions::at(0)
        };
        let r = verify_with(&t, &p, &only_es256);
        assert!(matches!(
            r,
            Err(Error::Rejected(Rejection {
                code: RejectCode::AlgNotAllowed,
                ..
            }))
        ));
        assert_eq!(p.refreshes.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    /// An HS256 token with header text `h`, signed with `k`.
    fn hs256(h: &str, k: &KeyMaterial) -> String {
        let h = crate::codec::b64::encode(h);
        let input = signing_input(&h, b"e30");
        let s = sig::sign(JwsAlg::HS256, k, &input).unwrap_or_default();
        format!("{h}.e30.{}", crate::codec::b64::encode(s))
    }

    /// The typed header keeps each member's rejection where verification
    /// reaches it: the alg, the crit structure, then the caller's crit
    /// names, the allow-list, `kid`, `x5t`, `x5t#S256`, the signature, and
    /// `typ` only when asked for; `x5c` only with `--x5c-root`.
    #[test]
    fn header_problems_are_answered_in_the_order_of_the_checks() {
        let k = key(KeySpec::Oct { bytes: 32 });
        let set = KeySet::new(vec![k.clone()]);
        let at = VerifyOptions::at(0);
        let check = |h: &str, opts: &VerifyOptions, want: Option<(RejectCode, &str)>| {
            let r = verify(&hs256(h, &k.material), &set, opts);
            match (r, want) {
                (Ok(_), None) => {}
                (Err(r), Some((code, detail))) => {
                    assert_eq!((r.code, r.detail.as_str()), (code, detail), "{h}")
                }
                (r, want) => panic!("{h}: {r:?}, wanted {want:?}"),
            }
        };
        let m = RejectCode::Malformed;
        check(
            r#"{"alg":"HS999","kid":1}"#,
            &at,
            Some((
                RejectCode::UnsupportedAlg,
                "unknown JWS algorithm \"HS999\"",
            )),
        );
        check(
            r#"{"alg":"HS256","crit":[],"kid":1}"#,
            &at,
            Some((m, "\"crit\" is an empty array")),
        );
        let ext = r#"{"alg":"HS256","crit":["ext"],"ext":1,"kid":1}"#;
        check(
            ext,
            &at,
            Some((
                RejectCode::UnknownCrit,
                "critical header parameter \"ext\" is not understood (allow it with --crit ext)",
            )),
        );
        let allowed = VerifyOptions {
            crit: vec!["ext".into()],
            ..VerifyOptions::at(0)
        };
        check(ext, &allowed, Some((m, "header \"kid\" is not a string")));
        let only_rs = VerifyOptions {
            algs: Some(vec![JwsAlg::RS256]),
            ..VerifyOptions::at(0)
        };
        check(
            r#"{"alg":"HS256","kid":1}"#,
            &only_rs,
            Some((
                RejectCode::AlgNotAllowed,
                "alg HS256 is not in the allow-list (RS256)",
            )),
        );
        check(
            r#"{"alg":"HS256","kid":1,"x5t":1}"#,
            &at,
            Some((m, "header \"kid\" is not a string")),
        );
        check(
            r#"{"alg":"HS256","x5t":"AAAA","x5t#S256":1}"#,
            &at,
            Some((m, "header \"x5t#S256\" must be a string")),
        );
        // No check reads these: they reject nothing.
        check(
            r#"{"alg":"HS256","typ":1,"cty":2,"x5c":"abc","x5t#S256":"AAAA"}"#,
            &at,
            None,
        );
        let typ = VerifyOptions {
            policy: Policy {
                typ: Some("JWT".into()),
                ..Policy::at(0)
            },
            ..VerifyOptions::at(0)
        };
        check(
            r#"{"alg":"HS256","typ":1}"#,
            &typ,
            Some((m, "header \"typ\" must be a string, found number")),
        );
        check(r#"{"alg":"HS256","typ":"jwt"}"#, &typ, None);
        let r = verify_x5c(
            &hs256(r#"{"alg":"HS256","x5c":"abc"}"#, &k.material),
            &X5cTrust::default(),
            &at,
        );
        assert!(
            matches!(&r, Err(r) if r.code == RejectCode::BadChain && r.detail == "x5c is not an array"),
            "{r:?}"
        );
    }
}
