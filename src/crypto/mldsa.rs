//! ML-DSA (FIPS 204) for the JWS algorithms `ML-DSA-44/65/87` of RFC 9964,
//! on RustCrypto's `ml-dsa`. Private keys are the 32-byte seed (RFC 9964
//! §4) and public keys their FIPS 204 encoding; the expanded forms the
//! crate computes from them (the matrix Â, the NTT of the secret vectors)
//! are kept per process, so that a stream of tokens (`--lines`) or a key
//! checked at load and then used pays for the expansion once per key.
//!
//! Signing is FIPS 204 Algorithm 2 (ML-DSA.Sign) with the empty context
//! RFC 9964 §5 requires, in its default hedged form: 32 fresh bytes from
//! the operating system's generator go into every signature, so that a
//! fault or a side channel on repeated signing of one input does not meet
//! the same internal values twice, and two signatures of one input differ.
//! The deterministic variant (rnd = 0) is there for known-answer tests
//! only ([`sign_with_randomness`]).

use ml_dsa::{
    B32, EncodedSignature, EncodedVerifyingKey, ExpandedSigningKey, MlDsa44, MlDsa65, MlDsa87,
    MlDsaParams, Seed, Signature, VerifyingKey,
};
use std::sync::{Arc, Mutex, PoisonError};

use zeroize::Zeroizing;

use super::{KeyRejected, Unspecified};
use crate::model::alg::MlDsaLevel;
use crate::model::key::Secret;

/// Run `$body` with `$p` bound to the `ml-dsa` parameter type of `$level`.
macro_rules! with_level {
    ($level:expr, $p:ident => $body:expr) => {
        match $level {
            MlDsaLevel::L44 => {
                type $p = MlDsa44;
                $body
            }
            MlDsaLevel::L65 => {
                type $p = MlDsa65;
                $body
            }
            MlDsaLevel::L87 => {
                type $p = MlDsa87;
                $body
            }
        }
    };
}

/// Expanded keys of this process by the bytes they come from (a seed or an
/// encoded public key), at most [`CACHED`] per level and kind, the oldest
/// dropped first. Expanding Â costs about as much as a verification.
struct Cache<K>(Mutex<Vec<(Secret, Arc<K>)>>);

const CACHED: usize = 16;

impl<K> Cache<K> {
    const fn new() -> Self {
        Cache(Mutex::new(Vec::new()))
    }

    fn get(&self, id: &[u8], make: impl FnOnce() -> K) -> Arc<K> {
        // A panic while the lock is held leaves the list whole: keep using it.
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, v)) = lock().iter().find(|(k, _)| super::ct_eq(k, id)) {
            return Arc::clone(v);
        }
        let v = Arc::new(make());
        let mut keys = lock();
        if keys.len() >= CACHED {
            keys.remove(0);
        }
        keys.push((Zeroizing::new(id.to_vec()), Arc::clone(&v)));
        v
    }
}

/// The per-level caches, so that generic code can find its own.
trait Cached: MlDsaParams + Sized + 'static {
    fn signing() -> &'static Cache<ExpandedSigningKey<Self>>;
    fn verifying() -> &'static Cache<VerifyingKey<Self>>;
}

macro_rules! caches {
    ($($p:ty => $s:ident, $v:ident;)+) => {$(
        static $s: Cache<ExpandedSigningKey<$p>> = Cache::new();
        static $v: Cache<VerifyingKey<$p>> = Cache::new();
        impl Cached for $p {
            fn signing() -> &'static Cache<ExpandedSigningKey<Self>> {
                &$s
            }
            fn verifying() -> &'static Cache<VerifyingKey<Self>> {
                &$v
            }
        }
    )+};
}

caches! {
    MlDsa44 => SK44, VK44;
    MlDsa65 => SK65, VK65;
    MlDsa87 => SK87, VK87;
}

fn signing_key<P: Cached>(seed: &Seed) -> Arc<ExpandedSigningKey<P>> {
    P::signing().get(seed, || ExpandedSigningKey::<P>::from_seed(seed))
}

fn seed_of(level: MlDsaLevel, seed: &[u8]) -> Result<Seed, KeyRejected> {
    Seed::try_from(seed).map_err(|_| {
        KeyRejected(format!(
            "{} private seed must be {} bytes, found {}",
            level.name(),
            MlDsaLevel::SEED_LEN,
            seed.len()
        ))
    })
}

fn verifying_key<P: Cached>(public: &[u8]) -> Option<Arc<VerifyingKey<P>>> {
    let enc = EncodedVerifyingKey::<P>::try_from(public).ok()?;
    Some(P::verifying().get(public, || VerifyingKey::decode(&enc)))
}

/// The encoded public key of a seed (ML-DSA.KeyGen_internal, FIPS 204
/// Algorithm 6); a seed of the wrong length is refused.
pub fn public_from_seed(level: MlDsaLevel, seed: &[u8]) -> Result<Vec<u8>, KeyRejected> {
    let seed = Zeroizing::new(seed_of(level, seed)?);
    Ok(with_level!(level, P => {
        signing_key::<P>(&seed).verifying_key().encode().to_vec()
    }))
}

/// The expanded private key (FIPS 204 `skEncode`) of a seed, for comparing
/// with the expanded half of a PKCS#8 key in RFC 9881's `both` form.
pub fn expanded_from_seed(level: MlDsaLevel, seed: &[u8]) -> Result<Secret, KeyRejected> {
    let seed = Zeroizing::new(seed_of(level, seed)?);
    Ok(with_level!(level, P => {
        let sk = ExpandedSigningKey::<P>::from_seed(&seed);
        // skEncode is deprecated only as a storage format; here it is a
        // comparison target, and the bytes are wiped when dropped.
        #[allow(deprecated)]
        let bytes = Zeroizing::new(sk.to_expanded().to_vec());
        bytes
    }))
}

/// Check that a public key has the length of its level and, for a private
/// key, that it is the public key of the seed.
pub fn check(level: MlDsaLevel, public: &[u8], seed: Option<&[u8]>) -> Result<(), KeyRejected> {
    if public.len() != level.public_len() {
        return Err(KeyRejected(format!(
            "{} public key must be {} bytes, found {}",
            level.name(),
            level.public_len(),
            public.len()
        )));
    }
    if let Some(seed) = seed
        && !super::ct_eq(&public_from_seed(level, seed)?, public)
    {
        return Err(KeyRejected(format!(
            "{} private seed does not match the public key",
            level.name()
        )));
    }
    Ok(())
}

/// A fresh key: (seed, encoded public key).
pub fn generate(level: MlDsaLevel) -> (Secret, Vec<u8>) {
    let mut seed = Zeroizing::new(vec![0u8; MlDsaLevel::SEED_LEN]);
    super::random(&mut seed);
    let public = public_from_seed(level, &seed).expect("a 32-byte seed is always a key");
    (seed, public)
}

/// FIPS 204 Algorithm 2's M' for a message and context: 0, |ctx|, ctx, M.
fn sign_with<P: Cached>(
    seed: &Seed,
    msg: &[u8],
    ctx: &[u8],
    rnd: &B32,
) -> Result<Vec<u8>, Unspecified> {
    let ctx_len = u8::try_from(ctx.len()).map_err(|_| Unspecified)?;
    let sig = signing_key::<P>(seed).sign_internal(&[&[0u8, ctx_len], ctx, msg], rnd);
    Ok(sig.encode().to_vec())
}

/// Sign `input` (the JWS signing input) with the key of `seed`: hedged
/// ML-DSA.Sign (FIPS 204 Algorithm 2) with the empty context of RFC 9964 §5.
pub fn sign(level: MlDsaLevel, seed: &[u8], input: &[u8]) -> Result<Vec<u8>, KeyRejected> {
    let seed = Zeroizing::new(seed_of(level, seed)?);
    let mut rnd = Zeroizing::new(B32::default());
    super::random(&mut rnd);
    with_level!(level, P => sign_with::<P>(&seed, input, &[], &rnd))
        .map_err(|_| KeyRejected("ML-DSA signing failed".into()))
}

/// ML-DSA.Sign with a given context and the 32 bytes `rnd` that [`sign`]
/// draws fresh (all zeros is FIPS 204's deterministic variant). For
/// known-answer tests only: JWS signatures come from [`sign`].
pub fn sign_with_randomness(
    level: MlDsaLevel,
    seed: &[u8],
    msg: &[u8],
    ctx: &[u8],
    rnd: &[u8; 32],
) -> Result<Vec<u8>, Unspecified> {
    let seed = Zeroizing::new(seed_of(level, seed).map_err(|_| Unspecified)?);
    let rnd = B32::from(*rnd);
    with_level!(level, P => sign_with::<P>(&seed, msg, ctx, &rnd))
}

/// Deterministic ML-DSA.Sign of a precomputed μ (FIPS 204 Algorithm 7 with
/// rnd = 0), for the known-answer vectors that give only μ.
pub fn sign_mu_deterministic(
    level: MlDsaLevel,
    seed: &[u8],
    mu: &[u8],
) -> Result<Vec<u8>, Unspecified> {
    let seed = Zeroizing::new(seed_of(level, seed).map_err(|_| Unspecified)?);
    let mu: [u8; 64] = mu.try_into().map_err(|_| Unspecified)?;
    with_level!(level, P => {
        Ok(signing_key::<P>(&seed).sign_mu_deterministic(&mu.into()).encode().to_vec())
    })
}

/// Verify a JWS signature: ML-DSA.Verify with an empty context. A public
/// key or signature of the wrong length fails like any bad signature.
pub fn verify(
    level: MlDsaLevel,
    public: &[u8],
    input: &[u8],
    sig: &[u8],
) -> Result<(), Unspecified> {
    verify_with_context(level, public, input, &[], sig)
}

/// ML-DSA.Verify with a context (FIPS 204 Algorithm 3); every failure is
/// the same [`Unspecified`].
pub fn verify_with_context(
    level: MlDsaLevel,
    public: &[u8],
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
) -> Result<(), Unspecified> {
    if sig.len() != level.signature_len() || public.len() != level.public_len() {
        return Err(Unspecified);
    }
    let ok = with_level!(level, P => {
        let vk = verifying_key::<P>(public).ok_or(Unspecified)?;
        let enc = EncodedSignature::<P>::try_from(sig).map_err(|_| Unspecified)?;
        // decode refuses a malformed hint encoding or z out of range.
        let sig = Signature::<P>::decode(&enc).ok_or(Unspecified)?;
        vk.verify_with_context(msg, ctx, &sig)
    });
    if ok { Ok(()) } else { Err(Unspecified) }
}
