//! Google's key id → PEM certificate map (Firebase securetoken,
//! `https://www.googleapis.com/robot/v1/metadata/x509/...`): each entry's
//! certificate contributes its public key, with the map key as `kid`.

use serde_json::{Map, Value};

use crate::model::error::{Error, Result};
use crate::model::key::Key;

/// Parse a certificate map; each certificate's key gets the map key as `kid`.
pub fn parse(map: &Map<String, Value>) -> Result<Vec<Key>> {
    let mut keys = Vec::with_capacity(map.len());
    for (kid, v) in map {
        let pem = v.as_str().ok_or_else(|| {
            Error::local(format!("certificate map entry {kid:?} is not a string"))
        })?;
        let found = super::pem::parse(pem)
            .map_err(|e| Error::local(format!("certificate map entry {kid:?}: {e}")))?;
        let [mut key] = <[Key; 1]>::try_from(found).map_err(|_| {
            Error::local(format!(
                "certificate map entry {kid:?} must hold exactly one certificate"
            ))
        })?;
        if key.x5c.is_empty() {
            return Err(Error::local(format!(
                "certificate map entry {kid:?} is a key, not a certificate"
            )));
        }
        key.kid = Some(kid.clone());
        keys.push(key);
    }
    Ok(keys)
}
