//! Password-protected PKCS#8 keys: `EncryptedPrivateKeyInfo` (RFC 5958 §3)
//! with PBES2 (RFC 8018 §6.2), PBKDF2 (HMAC-SHA1/224/256/384/512) or scrypt
//! (RFC 7914) and AES-CBC, through RustCrypto's `pkcs8`/`pkcs5`. The KDF
//! parameters are bounded before any work is done, as `p2c` is for JWE.

use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Reader};
use pkcs8::pkcs5::{self, pbes2};
use zeroize::Zeroizing;

use super::KeyRejected;

/// Most PBKDF2 iterations accepted when reading: ten times what
/// [`WRITE_PBKDF2_ITERATIONS`] costs, so a key written with a stronger
/// setting than ours still opens, while a forged count cannot stall a run.
pub const MAX_PBKDF2_ITERATIONS: u32 = 6_000_000;
/// Most scrypt memory (128·r·N bytes) accepted when reading: twice OWASP's
/// largest recommended setting (N = 2^17, r = 8: 128 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
/// Most scrypt work (128·r·N·p bytes mixed) accepted when reading.
pub const MAX_SCRYPT_WORK: u64 = 1 << 30;
/// PBKDF2-HMAC-SHA256 iterations written: OWASP's 2023 password storage
/// recommendation for that PRF.
pub const WRITE_PBKDF2_ITERATIONS: u32 = 600_000;

const PBES2_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
/// PKCS#5 v1 (`pbeWith…`) and PKCS#12 (`pbeWithSHAAnd…`) schemes: recognised
/// as encrypted keys to refuse them with a reason.
const PKCS5_V1_ARC: &str = "1.2.840.113549.1.5.";
const PKCS12_PBE_ARC: &str = "1.2.840.113549.1.12.1.";

/// Whether `der` is shaped like an `EncryptedPrivateKeyInfo` (a SEQUENCE of
/// a password-based algorithm identifier and an OCTET STRING), whether or
/// not its scheme is supported.
pub fn is_encrypted(der: &[u8]) -> bool {
    outer_oid(der).is_some_and(|oid| {
        let s = oid.to_string();
        oid == PBES2_OID || s.starts_with(PKCS5_V1_ARC) || s.starts_with(PKCS12_PBE_ARC)
    })
}

fn outer_oid(der: &[u8]) -> Option<ObjectIdentifier> {
    let mut r = der::SliceReader::new(der).ok()?;
    let oid = r
        .sequence(|r| {
            let alg = spki::AlgorithmIdentifierRef::decode(r)?;
            OctetStringRef::decode(r)?;
            Ok(alg.oid)
        })
        .ok()?;
    r.finish(oid).ok()
}

fn parse(der: &[u8]) -> Result<pkcs8::EncryptedPrivateKeyInfo<'_>, KeyRejected> {
    match pkcs8::EncryptedPrivateKeyInfo::from_der(der) {
        Ok(info) => Ok(info),
        Err(e) => Err(KeyRejected(match outer_oid(der) {
            Some(oid) if oid != PBES2_OID => format!(
                "encrypted private key uses the legacy scheme {oid}; only PBES2 is supported (convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW)"
            ),
            Some(_) => format!(
                "unsupported or invalid PBES2 parameters ({e}); supported: PBKDF2 or scrypt with AES-128/192/256-CBC"
            ),
            None => format!("invalid encrypted private key: {e}"),
        })),
    }
}

fn pbes2_params<'a>(
    info: &'a pkcs8::EncryptedPrivateKeyInfo<'_>,
) -> Result<&'a pbes2::Parameters<'a>, KeyRejected> {
    match &info.encryption_algorithm {
        pkcs5::EncryptionScheme::Pbes2(p) => Ok(p),
        pkcs5::EncryptionScheme::Pbes1(p) => Err(KeyRejected(format!(
            "encrypted private key uses the legacy PKCS#5 v1 scheme {:?}; only PBES2 is supported (convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW)",
            p.encryption
        ))),
        _ => Err(KeyRejected(
            "unsupported password-based encryption scheme".into(),
        )),
    }
}

/// Refuse KDF parameters whose cost is out of bounds, before deriving.
fn check_cost(p: &pbes2::Parameters<'_>) -> Result<(), KeyRejected> {
    match &p.kdf {
        pbes2::Kdf::Pbkdf2(k) => {
            if k.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(KeyRejected(format!(
                    "encrypted private key asks for {} PBKDF2 iterations, more than the {MAX_PBKDF2_ITERATIONS} accepted",
                    k.iteration_count
                )));
            }
        }
        pbes2::Kdf::Scrypt(s) => {
            let memory = 128u64
                .saturating_mul(u64::from(s.block_size))
                .saturating_mul(s.cost_parameter);
            let work = memory.saturating_mul(u64::from(s.parallelization));
            if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
                return Err(KeyRejected(format!(
                    "encrypted private key asks for scrypt N={} r={} p={}, more than the {} MiB of memory and {} MiB of work accepted",
                    s.cost_parameter,
                    s.block_size,
                    s.parallelization,
                    MAX_SCRYPT_MEMORY >> 20,
                    MAX_SCRYPT_WORK >> 20
                )));
            }
        }
        _ => {
            return Err(KeyRejected(
                "unsupported PBES2 key derivation function".into(),
            ));
        }
    }
    Ok(())
}

/// Whether an encrypted key is one this module can open, at a cost within
/// the bounds: checked before a password is asked for.
pub fn check(der: &[u8]) -> Result<(), KeyRejected> {
    let info = parse(der)?;
    check_cost(pbes2_params(&info)?)
}

/// What protects an encrypted key, for display: KDF, its cost, and cipher.
pub fn describe(der: &[u8]) -> Result<String, KeyRejected> {
    let info = parse(der)?;
    let p = pbes2_params(&info)?;
    let kdf = match &p.kdf {
        pbes2::Kdf::Pbkdf2(k) => {
            let prf = match k.prf {
                pbes2::Pbkdf2Prf::HmacWithSha1 => "HMAC-SHA1",
                pbes2::Pbkdf2Prf::HmacWithSha224 => "HMAC-SHA224",
                pbes2::Pbkdf2Prf::HmacWithSha256 => "HMAC-SHA256",
                pbes2::Pbkdf2Prf::HmacWithSha384 => "HMAC-SHA384",
                pbes2::Pbkdf2Prf::HmacWithSha512 => "HMAC-SHA512",
                _ => "HMAC",
            };
            format!("PBKDF2-{prf}, {} iterations", k.iteration_count)
        }
        pbes2::Kdf::Scrypt(s) => format!(
            "scrypt N={} r={} p={}",
            s.cost_parameter, s.block_size, s.parallelization
        ),
        _ => "an unknown KDF".into(),
    };
    let cipher = match p.encryption.key_size() {
        16 => "AES-128-CBC",
        24 => "AES-192-CBC",
        _ => "AES-256-CBC",
    };
    Ok(format!("PBES2 ({kdf}; {cipher})"))
}

/// Decrypt an `EncryptedPrivateKeyInfo` into the DER of its
/// `PrivateKeyInfo`. A wrong password and a corrupted ciphertext look the
/// same (CBC padding and the inner structure are all there is to check), so
/// both get one message.
pub fn decrypt(der: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyRejected> {
    let info = parse(der)?;
    check_cost(pbes2_params(&info)?)?;
    if info.encrypted_data.is_empty() || info.encrypted_data.len() % 16 != 0 {
        return Err(KeyRejected(
            "encrypted private key is truncated: its ciphertext is not whole AES blocks".into(),
        ));
    }
    let wrong = || KeyRejected("wrong password, or the encrypted key is corrupt".into());
    let plain = info.decrypt(password).map_err(|e| match e {
        // pkcs5 0.7 reports bad CBC padding as `EncryptFailed`.
        pkcs8::Error::EncryptedPrivateKey(
            pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed,
        ) => wrong(),
        other => KeyRejected(format!("cannot decrypt the key: {other}")),
    })?;
    let plain = Zeroizing::new(plain.as_bytes().to_vec());
    // A wrong key passes the padding check one time in 256: the structure
    // inside must decode too.
    pkcs8::PrivateKeyInfo::from_der(&plain).map_err(|_| wrong())?;
    Ok(plain)
}

/// Encrypt the DER of a `PrivateKeyInfo` as PBES2 with
/// PBKDF2-HMAC-SHA256 ([`WRITE_PBKDF2_ITERATIONS`]), a 16-byte random salt
/// and AES-256-CBC: what `openssl genpkey -aes256` writes (with more
/// iterations), read by every PKCS#8 reader that knows PBES2.
pub fn encrypt(pkcs8_der: &[u8], password: &[u8]) -> Result<Vec<u8>, KeyRejected> {
    encrypt_with(pkcs8_der, password, WRITE_PBKDF2_ITERATIONS)
}

/// [`encrypt`] with a chosen iteration count (tests use a small one).
pub fn encrypt_with(
    pkcs8_der: &[u8],
    password: &[u8],
    iterations: u32,
) -> Result<Vec<u8>, KeyRejected> {
    let info = pkcs8::PrivateKeyInfo::from_der(pkcs8_der)
        .map_err(|e| KeyRejected(format!("invalid PKCS#8 private key: {e}")))?;
    let mut salt = [0u8; 16];
    super::random(&mut salt);
    let mut iv = [0u8; 16];
    super::random(&mut iv);
    let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &salt, &iv)
        .map_err(|e| KeyRejected(format!("cannot encrypt the key: {e}")))?;
    let doc = info
        .encrypt_with_params(params, password)
        .map_err(|e| KeyRejected(format!("cannot encrypt the key: {e}")))?;
    Ok(doc.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_password() {
        let plain = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
            22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
        ];
        let enc = encrypt_with(&plain, b"pw", 1000).expect("encrypts");
        assert!(is_encrypted(&enc));
        assert!(!is_encrypted(&plain));
        assert_eq!(
            decrypt(&enc, b"pw").expect("decrypts").as_slice(),
            &plain[..]
        );
        assert!(decrypt(&enc, b"other").is_err());
        assert!(
            describe(&enc)
                .expect("describes")
                .contains("1000 iterations")
        );
        // Built without running the KDF: the bound must refuse it unrun.
        let (salt, iv) = ([7u8; 16], [9u8; 16]);
        let params =
            pbes2::Parameters::pbkdf2_sha256_aes256cbc(50_000_000, &salt, &iv).expect("params");
        let forged = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(params),
            encrypted_data: &[0u8; 64],
        };
        let too_many = der::Encode::to_der(&forged).expect("encodes");
        let e = decrypt(&too_many, b"pw").expect_err("bounded");
        assert!(e.0.contains("iterations"), "{e}");
    }
}
