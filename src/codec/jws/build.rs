//! Building JWS objects for `sign`: compact, flattened and general JSON,
//! detached (RFC 7515 Appendix F) and unencoded (RFC 7797) payloads.

use serde_json::{Map, Value};

use super::{Serialization, signing_input};
use crate::codec::b64;
use crate::crypto::sig::{self, SignError};
use crate::model::alg::JwsAlg;
use crate::model::error::{Error, Result};
use crate::model::key::KeyMaterial;

/// One signature to make.
pub struct Signer<'a> {
    /// The algorithm, written as the header's `alg`.
    pub alg: JwsAlg,
    /// The signing key; it must suit `alg`, or [`sign`] fails.
    pub key: &'a KeyMaterial,
    /// Protected header without `alg` (set from `alg`); `b64`/`crit` are
    /// added when the request is unencoded.
    pub protected: Map<String, Value>,
}

/// What [`sign`] signs and how it writes the result.
pub struct SignRequest<'a> {
    /// The payload bytes, before any base64url encoding.
    pub payload: &'a [u8],
    /// One per signature, in output order; more than one needs
    /// [`Serialization::General`].
    pub signers: Vec<Signer<'a>>,
    /// The serialization to write.
    pub serialization: Serialization,
    /// Leave the payload out of the output (RFC 7515 Appendix F).
    pub detached: bool,
    /// RFC 7797: sign the payload bytes as they are (`b64: false`).
    pub unencoded: bool,
}

/// Sign and serialize. The output has no trailing newline.
pub fn sign(req: &SignRequest<'_>) -> Result<String> {
    if req.signers.is_empty() {
        return Err(Error::usage("no signing key"));
    }
    if req.signers.len() > 1 && req.serialization != Serialization::General {
        return Err(Error::usage(
            "several keys need --serialization general (one signature per key)",
        ));
    }
    let segment: Vec<u8> = if req.unencoded {
        if req.serialization == Serialization::Compact && !req.detached {
            // RFC 7797 §5.2: a compact unencoded payload cannot hold '.'.
            if req.payload.contains(&b'.') {
                return Err(Error::usage(
                    "an unencoded compact payload cannot contain '.': use --detached or a JSON serialization",
                ));
            }
        }
        if std::str::from_utf8(req.payload).is_err() {
            return Err(Error::usage("an unencoded payload must be UTF-8 text"));
        }
        req.payload.to_vec()
    } else {
        b64::encode(req.payload).into_bytes()
    };

    let mut sigs: Vec<(String, Vec<u8>)> = Vec::with_capacity(req.signers.len());
    for s in &req.signers {
        let mut h = Map::new();
        h.insert("alg".into(), Value::String(s.alg.name().into()));
        for (k, v) in &s.protected {
            h.insert(k.clone(), v.clone());
        }
        if req.unencoded {
            h.insert("b64".into(), Value::Bool(false));
            let mut crit: Vec<Value> = match h.get("crit") {
                Some(Value::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            if !crit.iter().any(|v| v == "b64") {
                crit.push(Value::String("b64".into()));
            }
            h.insert("crit".into(), Value::Array(crit));
        }
        let hb64 = b64::encode(Value::Object(h).to_string());
        let input = signing_input(&hb64, &segment);
        let sig = sig::sign(s.alg, s.key, &input).map_err(|e| match e {
            SignError::Key(k) => Error::local(format!("cannot sign with {}: {k}", s.alg)),
            SignError::Failed => Error::local(format!("{} signing failed", s.alg)),
        })?;
        sigs.push((hb64, sig));
    }

    let payload_str = || String::from_utf8_lossy(&segment).into_owned();
    Ok(match req.serialization {
        Serialization::Compact => {
            let (h, s) = sigs.first().ok_or_else(|| Error::usage("no signing key"))?;
            let mut out = String::with_capacity(h.len() + segment.len() + s.len() * 2);
            out.push_str(h);
            out.push('.');
            if !req.detached {
                out.push_str(&payload_str());
            }
            out.push('.');
            b64::encode_into(s, &mut out);
            out
        }
        Serialization::Flattened | Serialization::General => {
            let mut obj = Map::new();
            if !req.detached {
                obj.insert("payload".into(), Value::String(payload_str()));
            }
            let entries: Vec<Value> = sigs
                .iter()
                .map(|(h, s)| {
                    let mut e = Map::new();
                    e.insert("protected".into(), Value::String(h.clone()));
                    e.insert("signature".into(), Value::String(b64::encode(s)));
                    Value::Object(e)
                })
                .collect();
            if req.serialization == Serialization::General {
                obj.insert("signatures".into(), Value::Array(entries));
            } else if let Some(Value::Object(e)) = entries.into_iter().next() {
                obj.extend(e);
            }
            Value::Object(obj).to_string()
        }
    })
}
