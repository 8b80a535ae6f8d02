#!/usr/bin/env bash
# Writes the seed corpora (corpus/<target>/seed-*) from the fixtures in
# tests/data with the jose binary given as $1 (default: the debug build,
# target/debug/jose).
# Seeds are valid inputs for the fixed key set of harness.rs; regression
# inputs found by fuzzing are committed beside them as crash-*.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jose=${1:-$root/target/debug/jose}
k=$root/tests/data/keys
j=$root/tests/data/jwe
c=$here/corpus
mkdir -p "$c"/{parse_token,parse_key,verify,decrypt}
rm -f "$c"/*/seed-*
# Seeds of verify and decrypt must be accepted (tests/fuzz_corpus.rs checks).

claims='{"iss":"https://id.example","sub":"248289761001","aud":"app","exp":1900000000}'
n=0
sign() { # out-dir key [args...]
    local dir=$1 key=$2; shift 2
    n=$((n + 1))
    printf '%s' "$claims" | "$jose" sign -k "$key" "$@" > "$c/$dir/seed-$n"
}
for ser in compact flattened general; do
    sign verify "$k/ec-p256.pkcs8.pem" --serialization $ser
    sign verify "$k/rsa2048.pkcs8.pem" --alg PS256 --serialization $ser
done
sign verify "$k/ed25519.pkcs8.pem"
sign verify "$k/ec-p521.pkcs8.pem"
sign verify "$j/oct256.jwk" --alg HS256
# Detached: nothing to verify it against in the fixed harness; parsing only.
sign parse_token "$k/rsa2048.pkcs8.pem" --detached
sign verify "$k/ec-p256.pkcs8.pem" --unencoded --serialization flattened

enc() { # key [args...]
    local key=$1; shift
    n=$((n + 1))
    printf '%s' "$claims" | "$jose" encrypt "$@" ${key:+-k "$key"} > "$c/decrypt/seed-$n"
}
enc "$k/rsa2048.spki.pem"
enc "$k/ec-p256.spki.pem" --enc A128CBC-HS256
enc "$k/x25519.spki.pem" --alg ECDH-ES+A128KW --zip DEF
enc "$j/oct256.jwk" --serialization flattened
enc "$j/oct128.jwk" --alg A128GCMKW --serialization general
enc "$k/ec-p521.spki.pem" --alg ECDH-ES+A256KW --enc A256CBC-HS512
printf '%s' fuzz-password > "$here/.pw"
enc "" --password-file "$here/.pw" --p2c 1000
rm -f "$here/.pw"

# Token parsing gets every kind of token.
for f in "$c"/verify/seed-* "$c"/decrypt/seed-*; do
    cp "$f" "$c/parse_token/$(basename "$f")"
done

for f in rsa2048.pkcs8.pem rsa2048.pkcs1.der rsa2048.spki.pem ec-p256.sec1.pem \
         ec-p256.spki-compressed.pem ec-p384.private.jwk.json ed25519.pkcs8.pem \
         x25519.spki.pem cert-p256.der cert-rsa2048.pem jwks-public.json \
         google-certmap.json ec-p256.encrypted.pem; do
    cp "$k/$f" "$c/parse_key/seed-$f"
done
cp "$j/oct256.jwk" "$c/parse_key/seed-oct256.jwk"
