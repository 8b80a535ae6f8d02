#!/usr/bin/env bash
# Installs the independent JOSE implementations the interoperability tests
# run against, inside this folder (nothing is cached outside the repo):
#   Python jwcrypto and joserfc → tests/interop/.pydeps
#   Node jose                   → tests/interop/node_modules
# and one Debian package into the system (apt, as root):
#   libnss-myhostname           → for tests/nss.rs
# Safe to run again; it does nothing when they are already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if ! PYTHONPATH="$here/.pydeps" python3 -c 'import jwcrypto, joserfc' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    --target "$here/.pydeps" -r requirements.txt
fi
if [ ! -d node_modules/jose ]; then
  npm ci --no-audit --no-fund --silent --cache "$here/.npm-cache"
  rm -rf "$here/.npm-cache"
fi
# libnss-myhostname: tests/nss.rs resolves a host name through this NSS
# module, in a mount namespace with its own nsswitch.conf. The package's
# install script adds `myhostname` to the host's /etc/nsswitch.conf; that
# file is put back as it was, the test needs no change to it.
if ! dpkg-query -W -f='${Status}' libnss-myhostname 2>/dev/null | grep -q 'install ok installed'; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: libnss-myhostname is missing and only root can install it" >&2
    exit 1
  fi
  saved=$(mktemp)
  cp -p /etc/nsswitch.conf "$saved"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnss-myhostname >/dev/null
  cp -p "$saved" /etc/nsswitch.conf
  rm -f "$saved"
fi
