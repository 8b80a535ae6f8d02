//! The one integration test binary: every module below runs the real `jose`
//! binary (assert_cmd) or the library API.

mod util;

mod conventions;
mod jws_adversarial;
mod jws_cli;
mod jws_interop;
mod jws_vectors;
mod sync_docs;
