//! The one integration test binary: every module below runs the real `jose`
//! binary (assert_cmd) or the library API.

mod util;

mod cert;
mod conventions;
mod fuzz_corpus;
mod inspect;
mod jwe_adversarial;
mod jwe_cli;
mod jwe_interop;
mod jwe_primitives;
mod jwe_vectors;
mod jws_adversarial;
mod jws_cli;
mod jws_interop;
mod jws_vectors;
mod keys;
mod limits;
mod nss;
mod props;
mod remote;
mod rsa_backends;
mod sync_docs;
