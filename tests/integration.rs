//! The one integration test binary: every module below runs the real `jose`
//! binary (assert_cmd) or the library API.

mod util;

mod cert;
mod conventions;
mod inspect;
mod keys;
mod sync_docs;
