#!/usr/bin/env bash
# Installs the independent JOSE implementations the interoperability tests
# run against, inside this folder (nothing is cached outside the repo):
#   Python jwcrypto and joserfc → tests/interop/.pydeps
#   Node jose                   → tests/interop/node_modules
# Safe to run again; it does nothing when they are already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if ! PYTHONPATH="$here/.pydeps" python3 -c 'import jwcrypto, joserfc; from cryptography.x509.verification import ExtensionPolicy' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --upgrade \
    --target "$here/.pydeps" -r requirements.txt
fi
if [ ! -d node_modules/jose ]; then
  npm ci --no-audit --no-fund --silent --cache "$here/.npm-cache"
  rm -rf "$here/.npm-cache"
fi
