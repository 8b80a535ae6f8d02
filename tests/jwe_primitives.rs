//! Wycheproof primitive vectors where they fit a JWE algorithm: AES-GCM
//! (96-bit IV, 128-bit tag: A*GCM and A*GCMKW), AES key wrap (A*KW), and
//! RSA-OAEP with an empty label (RSA-OAEP, RSA-OAEP-256). Plus Wycheproof's
//! JSON Web Key cases, all JWS tokens, which `decrypt` must refuse.

use jose::JweAlg;
use jose::decrypt::{DecryptOptions, decrypt};
use jose::internal::crypto::{aes_gcm, aes_kw, rsa_enc};
use jose::{KeySet, keys::jwk};
use serde_json::Value;

use crate::util::{hex_field, load_json};

#[test]
fn wycheproof_aes_gcm_jwe_shapes() {
    let v = load_json("vectors/wycheproof/aes_gcm_test.json");
    let mut n = 0;
    for g in v["testGroups"].as_array().expect("groups") {
        if g["ivSize"] != 96 || g["tagSize"] != 128 {
            continue;
        }
        for t in g["tests"].as_array().expect("tests") {
            let (key, iv, aad, msg, ct, tag) = (
                hex_field(t, "key"),
                hex_field(t, "iv"),
                hex_field(t, "aad"),
                hex_field(t, "msg"),
                hex_field(t, "ct"),
                hex_field(t, "tag"),
            );
            let id = &t["tcId"];
            let mut buf = ct.clone();
            let opened = aes_gcm::open(&key, &iv, &aad, &mut buf, &tag);
            match t["result"].as_str() {
                Some("valid") => {
                    opened.unwrap_or_else(|_| panic!("tc {id} refused"));
                    assert_eq!(buf, msg, "tc {id}");
                    let mut b = msg.clone();
                    let t2 = aes_gcm::seal(&key, &iv, &aad, &mut b).expect("seal");
                    assert_eq!((b, t2.to_vec()), (ct, tag), "tc {id} seal");
                }
                _ => assert!(opened.is_err(), "tc {id} accepted"),
            }
            n += 1;
        }
    }
    assert!(n > 150, "{n} cases");
}

#[test]
fn wycheproof_aes_key_wrap() {
    let v = load_json("vectors/wycheproof/aes_wrap_test.json");
    let mut n = 0;
    for g in v["testGroups"].as_array().expect("groups") {
        for t in g["tests"].as_array().expect("tests") {
            let (key, msg, ct) = (hex_field(t, "key"), hex_field(t, "msg"), hex_field(t, "ct"));
            let id = &t["tcId"];
            let un = aes_kw::unwrap(&key, &ct);
            match t["result"].as_str() {
                Some("valid") => {
                    assert_eq!(un.unwrap_or_else(|_| panic!("tc {id}")), msg, "tc {id}");
                    assert_eq!(aes_kw::wrap(&key, &msg).expect("wrap"), ct, "tc {id}");
                }
                Some("acceptable") => {}
                _ => assert!(un.is_err(), "tc {id} accepted"),
            }
            n += 1;
        }
    }
    assert_eq!(n, v["numberOfTests"].as_u64().expect("n") as usize);
}

#[test]
fn wycheproof_rsa_oaep_empty_label() {
    for (file, alg) in [
        (
            "vectors/wycheproof/rsa_oaep_2048_sha1_mgf1sha1_test.json",
            JweAlg::RsaOaep,
        ),
        (
            "vectors/wycheproof/rsa_oaep_2048_sha256_mgf1sha256_test.json",
            JweAlg::RsaOaep256,
        ),
    ] {
        let v = load_json(file);
        let mut n = 0;
        for g in v["testGroups"].as_array().expect("groups") {
            let mut kv = g["privateKeyJwk"].clone();
            // The JWK's own alg is not what is under test here.
            kv.as_object_mut().expect("jwk").remove("alg");
            let key = jwk::from_value(&kv).expect("key");
            for t in g["tests"].as_array().expect("tests") {
                if t["label"] != "" {
                    continue; // JWE always uses the empty label
                }
                let id = &t["tcId"];
                let msg = hex_field(t, "msg");
                let got = rsa_enc::decrypt(alg, &key.material, &hex_field(t, "ct"), msg.len());
                match t["result"].as_str() {
                    Some("valid") => assert_eq!(
                        got.map(|c| c.to_vec())
                            .unwrap_or_else(|_| panic!("{file} tc {id}")),
                        msg
                    ),
                    Some("acceptable") => {}
                    _ => assert!(got.is_err(), "{file} tc {id} accepted"),
                }
                n += 1;
            }
        }
        assert!(n > 10, "{file}: {n}");
    }
}

/// Every case of Wycheproof's JSON Web Key file is a JWS; the JWE-relevant
/// ones (25, 26) use AES-GCM and AES-KW keys. None of them is a JWE, so
/// `decrypt` refuses each as malformed, whatever key it is given.
#[test]
fn wycheproof_json_web_key_cases_are_not_jwes() {
    let v = load_json("vectors/wycheproof/json_web_key_test.json");
    let mut n = 0;
    for g in v["testGroups"].as_array().expect("groups") {
        let keys = match jwk::from_value(&g["private"]).or_else(|_| {
            jwk::set_from_value(&g["private"]).and_then(|ks| {
                ks.into_iter()
                    .next()
                    .ok_or_else(|| jose::Error::local("empty"))
            })
        }) {
            Ok(k) => KeySet::new(vec![k]),
            Err(_) => KeySet::default(),
        };
        for t in g["tests"].as_array().expect("tests") {
            let tok = match &t["jws"] {
                Value::String(s) => s.clone(),
                o => o.to_string(),
            };
            let opts = DecryptOptions {
                algs: JweAlg::ALL.to_vec(),
                ..DecryptOptions::default()
            };
            match decrypt(&tok, &keys, None, &opts) {
                Ok(_) => panic!("tc {} decrypted a JWS", t["tcId"]),
                Err(e) => assert_eq!(e.code, jose::RejectCode::Malformed, "tc {}", t["tcId"]),
            }
            n += 1;
        }
    }
    assert_eq!(n, v["numberOfTests"].as_u64().expect("n") as usize);
}
