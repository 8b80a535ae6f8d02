//! The one integration test binary: every module below runs the real `jose`
//! binary (assert_cmd) or the library API.

mod util;

mod architecture;
mod bounded;
mod ca;
mod cert;
mod conventions;
mod encrypted_keys;
mod firebase_sdk;
mod fuzz_corpus;
mod gojose;
mod inspect;
mod jwe_adversarial;
mod jwe_cli;
mod jwe_interop;
mod jwe_primitives;
mod jws_adversarial;
mod jws_cli;
mod jws_interop;
mod keys;
mod library;
mod limits;
mod lines_reports;
mod mldsa;
mod nss;
mod presets;
mod props;
mod remote;
mod rsa_backends;
mod snapshots;
mod stream;
mod ux;
mod vectors;
mod x5c;
