//! DER keys and certificates: PKCS#8 (RFC 5958, RFC 8410, RFC 9881), PKCS#1 (RFC 8017),
//! SEC1 (RFC 5915), SPKI (RFC 5280) and X.509 certificates, read into
//! [`Key`]s and written back. Only encodings live here: every key read goes
//! through `crypto::check_key`, and public points are derived by `crypto`.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

use crate::model::alg::MlDsaLevel;
use crate::model::error::{Error, Result};
use crate::model::key::{Curve, Key, KeyMaterial, OkpCurve, RsaPrivate, Secret};

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// RSASSA-PSS keys (`openssl genpkey -algorithm RSA-PSS`) hold an ordinary RSA key.
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// id-ml-dsa-44/65/87 (RFC 9881 §2), in the order of [`MlDsaLevel::ALL`].
const ML_DSA: [ObjectIdentifier; 3] = [
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.17"),
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.18"),
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.19"),
];

const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

fn curve_oid(c: Curve) -> ObjectIdentifier {
    match c {
        Curve::P256 => P256,
        Curve::P384 => P384,
        Curve::P521 => P521,
        Curve::Secp256k1 => SECP256K1,
    }
}

fn curve_from_oid(oid: &ObjectIdentifier) -> Result<Curve> {
    Curve::ALL
        .into_iter()
        .find(|c| curve_oid(*c) == *oid)
        .ok_or_else(|| {
            Error::local(format!(
                "unsupported elliptic curve {oid} (supported: P-256, P-384, P-521, secp256k1)"
            ))
        })
}

fn okp_oid(c: OkpCurve) -> ObjectIdentifier {
    match c {
        OkpCurve::Ed25519 => ED25519,
        OkpCurve::X25519 => X25519,
    }
}

fn mldsa_oid(level: MlDsaLevel) -> ObjectIdentifier {
    match level {
        MlDsaLevel::L44 => ML_DSA[0],
        MlDsaLevel::L65 => ML_DSA[1],
        MlDsaLevel::L87 => ML_DSA[2],
    }
}

fn mldsa_level(oid: &ObjectIdentifier) -> Option<MlDsaLevel> {
    MlDsaLevel::ALL.into_iter().find(|l| mldsa_oid(*l) == *oid)
}

fn mldsa_no_params(level: MlDsaLevel, params: Option<AnyRef<'_>>) -> Result<()> {
    match params {
        Some(_) => Err(Error::local(format!(
            "{} key with algorithm parameters (RFC 9881 forbids them)",
            level.name()
        ))),
        None => Ok(()),
    }
}

/// The ML-DSA `privateKey` CHOICE of RFC 9881 §6: `seed [0]`, `expandedKey`
/// or `both`. jose keeps the seed (RFC 9964 §4): `both` must agree with it,
/// and an expanded key alone, which cannot give the seed back, is refused.
fn from_mldsa_pkcs8(level: MlDsaLevel, info: &pkcs8::PrivateKeyInfo<'_>) -> Result<Key> {
    use der::Reader;
    let name = level.name();
    mldsa_no_params(level, info.algorithm.parameters)?;
    let bad_inner = |e: der::Error| bad(&format!("{name} private key"), e);
    let raw = info.private_key;
    let seed: Secret = match raw.first() {
        // seed [0] IMPLICIT OCTET STRING (SIZE (32))
        Some(0x80) => {
            let mut r = der::SliceReader::new(raw).map_err(bad_inner)?;
            let tagged = der::asn1::ContextSpecific::<OctetStringRef<'_>>::decode_implicit(
                &mut r,
                der::TagNumber::N0,
            )
            .map_err(bad_inner)?
            .ok_or_else(|| Error::local(format!("invalid {name} private key")))?;
            r.finish(()).map_err(bad_inner)?;
            Zeroizing::new(tagged.value.as_bytes().to_vec())
        }
        Some(0x04) => {
            return Err(Error::local(format!(
                "{name} private key holds only the expanded form, from which the seed cannot be recovered; JOSE keys are the 32-byte seed (RFC 9964 §4): export it in the seed or both form (e.g. openssl pkey -provparam ml-dsa.output_formats=seed-only)"
            )));
        }
        // both SEQUENCE { seed OCTET STRING, expandedKey OCTET STRING }
        Some(0x30) => {
            let mut r = der::SliceReader::new(raw).map_err(bad_inner)?;
            let (seed, expanded) = r
                .sequence(|r| {
                    let seed = OctetStringRef::decode(r)?;
                    let expanded = OctetStringRef::decode(r)?;
                    Ok((seed, expanded))
                })
                .map_err(bad_inner)?;
            r.finish(()).map_err(bad_inner)?;
            let seed = Zeroizing::new(seed.as_bytes().to_vec());
            let derived = crate::crypto::mldsa::expanded_from_seed(level, &seed)
                .map_err(|e| Error::local(e.to_string()))?;
            if !crate::crypto::ct_eq(&derived, expanded.as_bytes()) {
                return Err(Error::local(format!(
                    "{name} private key: the expanded key is not the one of the seed stored with it"
                )));
            }
            seed
        }
        _ => return Err(Error::local(format!("invalid {name} private key"))),
    };
    if seed.len() != MlDsaLevel::SEED_LEN {
        return Err(Error::local(format!(
            "{name} private seed must be 32 bytes, found {}",
            seed.len()
        )));
    }
    let public = crate::crypto::mldsa::public_from_seed(level, &seed)
        .map_err(|e| Error::local(e.to_string()))?;
    if let Some(pk) = info.public_key
        && pk != public.as_slice()
    {
        return Err(Error::local(format!(
            "{name} private key does not match the public key stored with it"
        )));
    }
    checked(KeyMaterial::Akp {
        level,
        public,
        seed: Some(seed),
    })
}

/// The seed form of RFC 9881 §6, which OpenSSL 3.5 and Python
/// `cryptography` read and write: `[0] IMPLICIT OCTET STRING`.
fn mldsa_seed_der(seed: &[u8]) -> Result<Secret> {
    let len = u8::try_from(seed.len())
        .ok()
        .filter(|l| *l < 0x80)
        .ok_or_else(|| Error::local("ML-DSA seed of the wrong length"))?;
    let mut out = Zeroizing::new(Vec::with_capacity(2 + seed.len()));
    out.extend_from_slice(&[0x80, len]);
    out.extend_from_slice(seed);
    Ok(out)
}

fn bad(what: &str, e: der::Error) -> Error {
    Error::local(format!("invalid {what}: {e}"))
}

fn checked(material: KeyMaterial) -> Result<Key> {
    crate::crypto::check_key(&material).map_err(|e| Error::local(e.to_string()))?;
    let mut key = Key::new(material);
    // An AKP key always records its algorithm (RFC 9964 §3), as its JWK does.
    if let KeyMaterial::Akp { level, .. } = &key.material {
        key.alg = Some(crate::model::alg::KeyAlg::Jws(level.alg()));
    }
    Ok(key)
}

/// Parse one DER key (PKCS#8, PKCS#1, SEC1, SPKI). The first structure that
/// decodes decides the format, so a well-formed key of the wrong kind is
/// explained rather than reported as "unknown format". A certificate is not
/// a key: [`super::cert::parse_der`] tries one when this fails.
pub fn parse_key(der: &[u8]) -> Result<Vec<Key>> {
    if let Ok(info) = pkcs8::PrivateKeyInfo::from_der(der) {
        return Ok(vec![from_pkcs8_info(&info)?]);
    }
    if let Ok(spki) = spki::SubjectPublicKeyInfoRef::from_der(der) {
        return Ok(vec![from_spki_info(&spki)?]);
    }
    if let Ok(k) = pkcs1::RsaPrivateKey::from_der(der) {
        return Ok(vec![from_pkcs1_private(&k)?]);
    }
    if let Ok(k) = sec1::EcPrivateKey::from_der(der) {
        return Ok(vec![from_sec1(&k, None)?]);
    }
    if let Ok(k) = pkcs1::RsaPublicKey::from_der(der) {
        return Ok(vec![from_pkcs1_public(&k)?]);
    }
    if crate::crypto::pkcs8_enc::is_encrypted(der) {
        return Err(Error::local(
            "the key is password-protected and no password was given",
        ));
    }
    Err(Error::local(
        "DER is not a PKCS#8, PKCS#1, SEC1 or SPKI key nor an X.509 certificate",
    ))
}

/// Strip leading zero bytes from a big-endian unsigned integer.
pub(crate) fn trim_be(v: &[u8]) -> Vec<u8> {
    let lead = v.iter().position(|b| *b != 0).unwrap_or(v.len());
    v[lead..].to_vec()
}

/// Open a PKCS#8 `EncryptedPrivateKeyInfo` with the password `password`
/// gives, asked only once the structure and its KDF cost have been checked.
pub fn from_encrypted_pkcs8(
    der: &[u8],
    password: &mut super::password::PasswordFn<'_>,
) -> Result<Key> {
    let rejected = |e: crate::crypto::KeyRejected| Error::local(e.0);
    crate::crypto::pkcs8_enc::check(der).map_err(rejected)?;
    let pw = password().map_err(|e| match crate::crypto::pkcs8_enc::describe(der) {
        Ok(how) => e.context(format_args!("protected with {how}")),
        Err(_) => e,
    })?;
    let plain = crate::crypto::pkcs8_enc::decrypt(der, &pw).map_err(rejected)?;
    from_pkcs8(&plain)
}

/// PKCS#8 `EncryptedPrivateKeyInfo` DER of a private key, protected with
/// `password` (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC).
pub fn to_encrypted_pkcs8(key: &Key, password: &[u8]) -> Result<Vec<u8>> {
    let plain = Zeroizing::new(to_pkcs8(key)?);
    crate::crypto::pkcs8_enc::encrypt(&plain, password).map_err(|e| Error::local(e.0))
}

/// Parse PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` DER.
pub fn from_pkcs8(der: &[u8]) -> Result<Key> {
    let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| bad("PKCS#8 private key", e))?;
    from_pkcs8_info(&info)
}

fn from_pkcs8_info(info: &pkcs8::PrivateKeyInfo<'_>) -> Result<Key> {
    let oid = info.algorithm.oid;
    if oid == RSA_ENCRYPTION || oid == RSASSA_PSS {
        let k = pkcs1::RsaPrivateKey::from_der(info.private_key)
            .map_err(|e| bad("RSA private key in PKCS#8", e))?;
        from_pkcs1_private(&k)
    } else if oid == EC_PUBLIC_KEY {
        let curve_oid = info
            .algorithm
            .parameters_oid()
            .map_err(|_| Error::local("EC private key without a named curve"))?;
        let curve = curve_from_oid(&curve_oid)?;
        let k = sec1::EcPrivateKey::from_der(info.private_key)
            .map_err(|e| bad("EC private key in PKCS#8", e))?;
        from_sec1(&k, Some(curve))
    } else if oid == ED25519 || oid == X25519 {
        let curve = if oid == ED25519 {
            OkpCurve::Ed25519
        } else {
            OkpCurve::X25519
        };
        if info.algorithm.parameters.is_some() {
            return Err(Error::local(format!(
                "{} key with algorithm parameters (RFC 8410 forbids them)",
                curve.jwk_name()
            )));
        }
        // RFC 8410 §7: the private key is an OCTET STRING inside the OCTET STRING.
        let inner = OctetStringRef::from_der(info.private_key)
            .map_err(|e| bad(&format!("{} private key", curve.jwk_name()), e))?;
        let d: Secret = Zeroizing::new(inner.as_bytes().to_vec());
        if d.len() != 32 {
            return Err(Error::local(format!(
                "{} private key must be 32 bytes, found {}",
                curve.jwk_name(),
                d.len()
            )));
        }
        let x = crate::crypto::okp_public(curve, &d).map_err(|e| Error::local(e.to_string()))?;
        if let Some(pk) = info.public_key
            && pk != x.as_slice()
        {
            return Err(Error::local(format!(
                "{} private key does not match the public key stored with it",
                curve.jwk_name()
            )));
        }
        checked(KeyMaterial::Okp {
            curve,
            x,
            d: Some(d),
        })
    } else if let Some(level) = mldsa_level(&oid) {
        from_mldsa_pkcs8(level, info)
    } else {
        Err(unsupported_alg(&oid))
    }
}

/// Parse PKCS#1 `RSAPrivateKey` DER.
pub fn from_pkcs1_private_der(der: &[u8]) -> Result<Key> {
    let k = pkcs1::RsaPrivateKey::from_der(der).map_err(|e| bad("PKCS#1 RSA private key", e))?;
    from_pkcs1_private(&k)
}

/// Parse PKCS#1 `RSAPublicKey` DER.
pub fn from_pkcs1_public_der(der: &[u8]) -> Result<Key> {
    let k = pkcs1::RsaPublicKey::from_der(der).map_err(|e| bad("PKCS#1 RSA public key", e))?;
    from_pkcs1_public(&k)
}

/// Parse SEC1 `ECPrivateKey` DER (the curve must be named in it).
pub fn from_sec1_der(der: &[u8]) -> Result<Key> {
    let k = sec1::EcPrivateKey::from_der(der).map_err(|e| bad("SEC1 EC private key", e))?;
    from_sec1(&k, None)
}

fn unsupported_alg(oid: &ObjectIdentifier) -> Error {
    Error::local(format!(
        "unsupported key algorithm {oid} (supported: RSA, EC P-256/P-384/P-521/secp256k1, Ed25519, X25519, ML-DSA-44/65/87)"
    ))
}

fn uint(u: &UintRef<'_>) -> Vec<u8> {
    trim_be(u.as_bytes())
}

fn from_pkcs1_private(k: &pkcs1::RsaPrivateKey<'_>) -> Result<Key> {
    if k.other_prime_infos.is_some() {
        return Err(Error::local("multi-prime RSA keys are not supported"));
    }
    let s = |u: &UintRef<'_>| Zeroizing::new(uint(u));
    checked(KeyMaterial::Rsa {
        n: uint(&k.modulus),
        e: uint(&k.public_exponent),
        private: Some(RsaPrivate {
            d: s(&k.private_exponent),
            p: s(&k.prime1),
            q: s(&k.prime2),
            dp: s(&k.exponent1),
            dq: s(&k.exponent2),
            qi: s(&k.coefficient),
        }),
    })
}

fn from_pkcs1_public(k: &pkcs1::RsaPublicKey<'_>) -> Result<Key> {
    checked(KeyMaterial::Rsa {
        n: uint(&k.modulus),
        e: uint(&k.public_exponent),
        private: None,
    })
}

/// A SEC1 `ECPrivateKey`; `outer` is the curve named by an enclosing PKCS#8.
fn from_sec1(k: &sec1::EcPrivateKey<'_>, outer: Option<Curve>) -> Result<Key> {
    let inner = match &k.parameters {
        Some(sec1::EcParameters::NamedCurve(oid)) => Some(curve_from_oid(oid)?),
        None => None,
    };
    let curve = match (outer, inner) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::local("EC private key names two different curves"));
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => return Err(Error::local("EC private key without a named curve")),
    };
    let len = curve.coord_len();
    // Some encoders drop leading zero bytes of the scalar; restore the fixed width.
    let raw = k.private_key;
    if raw.len() > len || raw.is_empty() {
        return Err(Error::local(format!(
            "{} private key is {} bytes, expected {len}",
            curve.jwk_name(),
            raw.len()
        )));
    }
    let mut d: Secret = Zeroizing::new(vec![0u8; len - raw.len()]);
    d.extend_from_slice(raw);
    let (x, y) = crate::crypto::ec_public(curve, &d).map_err(|e| Error::local(e.to_string()))?;
    if let Some(pk) = k.public_key {
        let (px, py) = crate::crypto::ec_point_from_sec1(curve, pk)
            .map_err(|e| Error::local(e.to_string()))?;
        if px != x || py != y {
            return Err(Error::local(
                "EC private key does not match the public key stored with it",
            ));
        }
    }
    checked(KeyMaterial::Ec {
        curve,
        x,
        y,
        d: Some(d),
    })
}

/// Parse SPKI `SubjectPublicKeyInfo` DER.
pub fn from_spki(der: &[u8]) -> Result<Key> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| bad("public key", e))?;
    from_spki_info(&spki)
}

fn from_spki_info(spki: &spki::SubjectPublicKeyInfoRef<'_>) -> Result<Key> {
    let oid = spki.algorithm.oid;
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::local("public key BIT STRING has unused bits"))?;
    if oid == RSA_ENCRYPTION || oid == RSASSA_PSS {
        let k = pkcs1::RsaPublicKey::from_der(bits).map_err(|e| bad("RSA public key", e))?;
        from_pkcs1_public(&k)
    } else if oid == EC_PUBLIC_KEY {
        let curve_oid = spki
            .algorithm
            .parameters_oid()
            .map_err(|_| Error::local("EC public key without a named curve"))?;
        let curve = curve_from_oid(&curve_oid)?;
        let (x, y) = crate::crypto::ec_point_from_sec1(curve, bits)
            .map_err(|e| Error::local(e.to_string()))?;
        checked(KeyMaterial::Ec {
            curve,
            x,
            y,
            d: None,
        })
    } else if oid == ED25519 || oid == X25519 {
        let curve = if oid == ED25519 {
            OkpCurve::Ed25519
        } else {
            OkpCurve::X25519
        };
        checked(KeyMaterial::Okp {
            curve,
            x: bits.to_vec(),
            d: None,
        })
    } else if let Some(level) = mldsa_level(&oid) {
        mldsa_no_params(level, spki.algorithm.parameters)?;
        checked(KeyMaterial::Akp {
            level,
            public: bits.to_vec(),
            seed: None,
        })
    } else {
        Err(unsupported_alg(&oid))
    }
}

fn enc_err(e: der::Error) -> Error {
    Error::local(format!("cannot encode key: {e}"))
}

fn no_symmetric(what: &str) -> Error {
    Error::usage(format!(
        "symmetric (oct) keys have no {what} form: use JWK or JWKS"
    ))
}

fn uncompressed(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(1 + x.len() + y.len());
    p.push(4);
    p.extend_from_slice(x);
    p.extend_from_slice(y);
    p
}

fn not_private() -> Error {
    Error::usage("the key has no private part")
}

/// PKCS#1 `RSAPrivateKey` DER of a private RSA key.
pub fn to_pkcs1_private(key: &Key) -> Result<Secret> {
    let KeyMaterial::Rsa { n, e, private } = &key.material else {
        return Err(Error::usage("PKCS#1 holds RSA keys only"));
    };
    let p = private.as_ref().ok_or_else(not_private)?;
    fn u(v: &[u8]) -> Result<UintRef<'_>> {
        UintRef::new(v).map_err(enc_err)
    }
    let k = pkcs1::RsaPrivateKey {
        modulus: u(n)?,
        public_exponent: u(e)?,
        private_exponent: u(&p.d)?,
        prime1: u(&p.p)?,
        prime2: u(&p.q)?,
        exponent1: u(&p.dp)?,
        exponent2: u(&p.dq)?,
        coefficient: u(&p.qi)?,
        other_prime_infos: None,
    };
    k.to_der().map(Zeroizing::new).map_err(enc_err)
}

/// PKCS#1 `RSAPublicKey` DER of an RSA key's public half.
pub fn to_pkcs1_public(key: &Key) -> Result<Vec<u8>> {
    let KeyMaterial::Rsa { n, e, .. } = &key.material else {
        return Err(Error::usage("PKCS#1 holds RSA keys only"));
    };
    let k = pkcs1::RsaPublicKey {
        modulus: UintRef::new(n).map_err(enc_err)?,
        public_exponent: UintRef::new(e).map_err(enc_err)?,
    };
    k.to_der().map_err(enc_err)
}

/// SEC1 `ECPrivateKey` DER. `named` puts the curve OID in the structure, as a
/// standalone `EC PRIVATE KEY` needs; inside PKCS#8 the algorithm names it.
pub fn to_sec1(key: &Key, named: bool) -> Result<Secret> {
    let KeyMaterial::Ec { curve, x, y, d } = &key.material else {
        return Err(Error::usage("SEC1 holds EC keys only"));
    };
    let d = d.as_ref().ok_or_else(not_private)?;
    let point = uncompressed(x, y);
    let k = sec1::EcPrivateKey {
        private_key: d,
        parameters: named.then(|| sec1::EcParameters::NamedCurve(curve_oid(*curve))),
        public_key: Some(&point),
    };
    k.to_der().map(Zeroizing::new).map_err(enc_err)
}

/// PKCS#8 `PrivateKeyInfo` DER of a private asymmetric key.
pub fn to_pkcs8(key: &Key) -> Result<Vec<u8>> {
    let null = AnyRef::NULL;
    let (oid, params, inner): (ObjectIdentifier, Option<AnyRef<'_>>, Secret) = match &key.material {
        KeyMaterial::Rsa { .. } => (RSA_ENCRYPTION, Some(null), to_pkcs1_private(key)?),
        KeyMaterial::Ec { curve, .. } => {
            let c = curve_oid(*curve);
            let der = to_sec1(key, false)?;
            return encode_pkcs8(EC_PUBLIC_KEY, Some(AnyRef::from(&c)), &der);
        }
        KeyMaterial::Okp { curve, d, .. } => {
            let d = d.as_ref().ok_or_else(not_private)?;
            let inner = OctetStringRef::new(d).map_err(enc_err)?;
            (
                okp_oid(*curve),
                None,
                Zeroizing::new(inner.to_der().map_err(enc_err)?),
            )
        }
        KeyMaterial::Akp { level, seed, .. } => {
            let seed = seed.as_ref().ok_or_else(not_private)?;
            (mldsa_oid(*level), None, mldsa_seed_der(seed)?)
        }
        KeyMaterial::Oct { .. } => return Err(no_symmetric("PKCS#8")),
    };
    encode_pkcs8(oid, params, &inner)
}

fn encode_pkcs8(
    oid: ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
    inner: &[u8],
) -> Result<Vec<u8>> {
    let info = pkcs8::PrivateKeyInfo {
        algorithm: AlgorithmIdentifierRef { oid, parameters },
        private_key: inner,
        public_key: None,
    };
    info.to_der().map_err(enc_err)
}

/// SPKI `SubjectPublicKeyInfo` DER of an asymmetric key's public half.
pub fn to_spki(key: &Key) -> Result<Vec<u8>> {
    let (oid, params, bits): (ObjectIdentifier, Option<AnyRef<'_>>, Vec<u8>) = match &key.material {
        KeyMaterial::Rsa { .. } => (RSA_ENCRYPTION, Some(AnyRef::NULL), to_pkcs1_public(key)?),
        KeyMaterial::Ec { curve, x, y, .. } => {
            let c = curve_oid(*curve);
            return encode_spki(EC_PUBLIC_KEY, Some(AnyRef::from(&c)), &uncompressed(x, y));
        }
        KeyMaterial::Okp { curve, x, .. } => (okp_oid(*curve), None, x.clone()),
        KeyMaterial::Akp { level, public, .. } => (mldsa_oid(*level), None, public.clone()),
        KeyMaterial::Oct { .. } => return Err(no_symmetric("public key")),
    };
    encode_spki(oid, params, &bits)
}

fn encode_spki(
    oid: ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
    bits: &[u8],
) -> Result<Vec<u8>> {
    let spki = spki::SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef { oid, parameters },
        subject_public_key: BitStringRef::from_bytes(bits).map_err(enc_err)?,
    };
    spki.to_der().map_err(enc_err)
}

#[cfg(test)]
mod tests {
    fn fixture(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/keys")
            .join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// Every fixture parses, and PKCS#8/SPKI re-encoding is byte-identical to
    /// what OpenSSL wrote (both are DER, so there is one encoding).
    #[test]
    fn openssl_fixtures_round_trip() {
        for name in [
            "rsa2048",
            "ec-p256",
            "ec-p384",
            "ec-p521",
            "ec-secp256k1",
            "ed25519",
            "x25519",
        ] {
            let pem = String::from_utf8(fixture(&format!("{name}.pkcs8.pem"))).unwrap_or_default();
            let keys = super::super::pem::parse(&pem).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(keys.len(), 1);
            let k = &keys[0];
            assert!(k.material.is_private(), "{name}");
            assert_eq!(
                super::super::pem::to_pem(k, true).ok().as_deref(),
                Some(pem.as_str()),
                "{name}"
            );
            let spki = String::from_utf8(fixture(&format!("{name}.spki.pem"))).unwrap_or_default();
            assert_eq!(
                super::super::pem::to_pem(k, false).ok().as_deref(),
                Some(spki.as_str()),
                "{name}"
            );
            let pubk = super::super::pem::parse(&spki).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                pubk[0].material,
                k.material.to_public().unwrap_or(k.material.clone())
            );
        }
    }

    /// The legacy writers match OpenSSL's `-traditional` / `openssl ec` /
    /// `-RSAPublicKey_out` output byte for byte.
    #[test]
    fn pkcs1_and_sec1_writers_match_openssl() {
        let text = |n: &str| String::from_utf8(fixture(n)).unwrap_or_default();
        let rsa = super::super::pem::parse(&text("rsa2048.pkcs8.pem")).unwrap_or_default();
        assert_eq!(rsa.len(), 1);
        assert_eq!(
            super::super::pem::to_pkcs1_pem(&rsa[0], true).ok(),
            Some(text("rsa2048.pkcs1.pem"))
        );
        assert_eq!(
            super::super::pem::to_pkcs1_pem(&rsa[0], false).ok(),
            Some(text("rsa2048.pkcs1pub.pem"))
        );
        for c in ["p256", "p384", "p521", "secp256k1"] {
            let k =
                super::super::pem::parse(&text(&format!("ec-{c}.pkcs8.pem"))).unwrap_or_default();
            assert_eq!(k.len(), 1, "{c}");
            assert_eq!(
                super::super::pem::to_sec1_pem(&k[0]).ok(),
                Some(text(&format!("ec-{c}.sec1.pem"))),
                "{c}"
            );
        }
        // Writers refuse what their format cannot hold.
        assert!(super::super::pem::to_sec1_pem(&rsa[0]).is_err());
        let public = rsa[0].to_public().unwrap_or_else(|| rsa[0].clone());
        assert!(super::to_pkcs1_private(&public).is_err());
        assert!(super::to_pkcs8(&public).is_err());
    }
}
