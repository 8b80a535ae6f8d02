#!/usr/bin/env bash
# Times one `jose verify --firebase` served from the key cache against one
# that fetches the certificate map, from a loopback HTTP server (hyperfine).
# Usage: benches/remote.sh [RUNS]   (needs hyperfine and python3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
jose="$root/target/release/jose"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
python3 - "$root/tests/data/keys/cert-rsa2048.pem" > certs <<'PY'
import json, sys
print(json.dumps({"bench-kid": open(sys.argv[1]).read()}))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/certs" >/dev/null 2>&1 && break; sleep 0.1; done
now=$(date +%s)
"$jose" sign -k "$root/tests/data/keys/rsa2048.pkcs8.pem" --kid bench-kid \
  --iss https://securetoken.google.com/bench --aud bench --sub uid-1 \
  --claim "auth_time=$((now - 60))" --exp 1h > token
export XDG_CACHE_HOME="$work/cache"
url="http://127.0.0.1:$port/certs"
"$jose" verify -q --firebase bench --key "$url" @token   # fills the cache
hyperfine -N --warmup 5 --runs "$runs" --export-json times.json \
  -n cached "$jose verify -q --firebase bench --key $url @token" \
  -n uncached "$jose verify -q --firebase bench --key $url --no-cache @token"
python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("times.json"))["results"]}
c, u = r["cached"]["median"] * 1e3, r["uncached"]["median"] * 1e3
print(f"median cached {c:.2f} ms, uncached {u:.2f} ms, uncached/cached {u / c:.2f}x")
PY
