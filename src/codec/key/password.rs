//! How a key reader asks for the password of a protected key: below the
//! readers (detect, pem, der), so that each can take it.

use crate::model::error::{Error, Result};
use crate::model::key::Secret;

/// Supplies the password of a password-protected key when one is met. The
/// reader asks only after checking the key's structure and KDF cost, so a
/// user is never prompted for a key that cannot be opened anyway.
pub type PasswordFn<'a> = dyn FnMut() -> Result<Secret> + 'a;

/// The [`PasswordFn`] of a source that has no password to give.
pub fn no_password() -> Result<Secret> {
    Err(Error::local(
        "the key is password-protected and no password was given",
    ))
}
