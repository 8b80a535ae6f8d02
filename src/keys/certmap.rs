//! Google's key id → PEM certificate map (Firebase securetoken). [keys helper: to implement]

use serde_json::{Map, Value};

use super::Key;
use crate::error::{Error, Result};

/// Parse a certificate map; each certificate's key gets the map key as `kid`.
pub fn parse(_map: &Map<String, Value>) -> Result<Vec<Key>> {
    Err(Error::local("certificate maps are not supported yet"))
}
