#!/usr/bin/env bash
# Installs the independent JOSE implementations the interoperability tests
# run against, inside this folder (nothing is cached outside the repo; only
# Go and go-jose come from Debian packages, installed system-wide by apt):
#   Python jwcrypto, joserfc and the Firebase Admin SDK → tests/interop/.pydeps
#   Node jose                   → tests/interop/node_modules
#   go-jose v2                  → built into tests/interop/gojose-peer
# Safe to run again; it does nothing when they are already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if ! PYTHONPATH="$here/.pydeps" python3 -c 'import jwcrypto, joserfc, firebase_admin; from cryptography.x509.verification import ExtensionPolicy' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --upgrade \
    --target "$here/.pydeps" -r requirements.txt
fi
if [ ! -d node_modules/jose ]; then
  npm ci --no-audit --no-fund --silent --cache "$here/.npm-cache"
  rm -rf "$here/.npm-cache"
fi
# go-jose v2 as Debian packages it, built with Debian's Go in GOPATH mode (no
# module download): the driver tests/gojose.rs runs.
gojose_src=/usr/share/gocode/src/gopkg.in/square/go-jose.v2
if [ ! -x /usr/bin/go ] || [ ! -d "$gojose_src" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-gopkg-square-go-jose.v2-dev
fi
if [ ! -x gojose-peer ] || [ gojose/main.go -nt gojose-peer ]; then
  GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$here/.gocache" \
    /usr/bin/go build -o gojose-peer ./gojose
  rm -rf "$here/.gocache"
fi
