#!/usr/bin/env bash
# Installs everything the tests run against, so that a missing peer is a
# failing test, never a skipped one. Safe to run again; it does nothing when
# everything is already there.
#
# Into this folder (nothing is cached outside the repo):
#   Python jwcrypto, joserfc, cryptography, the Firebase Admin SDK → .pydeps
#   Node jose                                                     → node_modules
#   go-jose v2 (Debian's source, built with Debian's Go)          → gojose-peer
# Into the system, with apt (as root), only what is missing:
#   openssl, python3 with pip, nodejs with npm, GNU time (/usr/bin/time),
#   Go and go-jose's source, and libnss-myhostname (tests/nss.rs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

gojose_src=/usr/share/gocode/src/gopkg.in/square/go-jose.v2
need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
{ command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; } ||
  need+=(python3 python3-pip)
{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || need+=(nodejs npm)
[ -x /usr/bin/time ] || need+=(time)
[ -x /usr/bin/go ] || need+=(golang-go)
[ -d "$gojose_src" ] || need+=(golang-gopkg-square-go-jose.v2-dev)
dpkg-query -W -f='${Status}' libnss-myhostname 2>/dev/null | grep -q 'install ok installed' ||
  need+=(libnss-myhostname)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing Debian packages, which only root can install: ${need[*]}" >&2
    echo "setup.sh: run 'sudo apt-get install ${need[*]}', then this script again" >&2
    exit 1
  fi
  # libnss-myhostname's install script adds `myhostname` to the host's
  # nsswitch.conf; tests/nss.rs brings its own, so the host's is put back.
  saved=$(mktemp)
  cp -p /etc/nsswitch.conf "$saved"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  cp -p "$saved" /etc/nsswitch.conf
  rm -f "$saved"
fi

if ! PYTHONPATH="$here/.pydeps" python3 -c 'import jwcrypto, joserfc, firebase_admin; from cryptography.x509.verification import ExtensionPolicy; from cryptography.hazmat.primitives.asymmetric import mldsa' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --upgrade \
    --target "$here/.pydeps" -r requirements.txt
fi
if [ ! -d node_modules/jose ]; then
  npm ci --no-audit --no-fund --silent --cache "$here/.npm-cache"
  rm -rf "$here/.npm-cache"
fi
# go-jose v2 as Debian packages it, built in GOPATH mode (no module download):
# the driver tests/gojose.rs runs.
if [ ! -x gojose-peer ] || [ gojose/main.go -nt gojose-peer ]; then
  GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$here/.gocache" \
    /usr/bin/go build -o gojose-peer ./gojose
  rm -rf "$here/.gocache"
fi
