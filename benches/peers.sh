#!/usr/bin/env bash
# Times `jose` against the peer JOSE tools on the same fixtures, whole
# processes (hyperfine -N), and prints one table of medians and peer/jose
# ratios. Peers: Debian's C `jose` (/usr/bin/jose), the `jwt-cli` crate's
# `jwt`, Python jwcrypto and Node `jose` (driven by benches/peers/*, one
# process per operation, like a CLI). Installs missing peers (apt-get,
# cargo install into target/peers, tests/interop/setup.sh).
# Usage: benches/peers.sh [RUNS]   (RUNS per round for the quick tasks of
#        the native tools, 5 rounds, default 100; the interpreters and slow
#        tasks use fewer).  Env: PEERS_SUBSET (tokens a non-batching or
#        slow peer verifies in the batch task, default 10000 for the library
#        drivers; processes started by the CLI peers, default 200).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-100}
lib_subset=${PEERS_SUBSET:-10000}
cli_subset=${PEERS_CLI_SUBSET:-200}
batch=100000

command -v hyperfine >/dev/null || apt-get install -y hyperfine
[ -x /usr/bin/jose ] || apt-get install -y jose
jwt="$root/target/peers/bin/jwt"
[ -x "$jwt" ] || cargo install --locked --quiet jwt-cli --root "$root/target/peers"
bash "$root/tests/interop/setup.sh"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
jose="$root/target/release/jose"
debian=/usr/bin/jose
# The real interpreters, not pyenv's shell shims (which would add their own start-up).
python=$(python3 -c 'import sys; print(sys.executable)')
node=$(command -v node)
export PYTHONPATH="$root/tests/interop/.pydeps"

# Fixtures in tmpfs where there is one: this machine's kernel reclaims cold
# page cache (DAMON), so the 94 MB batch file on disk would be partly re-read
# from the disk during the timed runs.
work=$(mktemp -d -p "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT
cd "$work"
# ESM resolves `jose` from the script's folder upwards, so the Node driver
# runs next to a link to the interop node_modules.
ln -s "$root/tests/interop/node_modules" node_modules
cp "$root/benches/peers/node_op.mjs" "$root/benches/peers/jwcrypto_op.py" .

# Start-up floor: a Rust binary that prints nothing.
printf 'fn main() {}\n' > empty.rs
rustc -O -o empty empty.rs

# ---- fixtures ----
keys="$root/tests/data/keys"
"$jose" key "$keys/rsa2048.pkcs8.pem" --to jwk -o rsa.jwk
"$jose" key "$keys/rsa2048.pkcs8.pem" --public --to jwk -o rsa.pub.jwk
"$jose" key "$keys/ec-p256.pkcs8.pem" --public --to jwk -o ec.pub.jwk
"$jose" key "$keys/ec-p256.pkcs8.pem" --to jwk -o ec.jwk
cp "$keys/rsa2048.spki.pem" rsa.pub.pem
cp "$keys/ec-p256.spki.pem" ec.pub.pem
"$jose" keygen --alg A256KW -o oct.jwk
# An ID-token-like JWT (Debian's tool refuses a token file ending in a
# newline, so none of the token files has one).
claims=(--iss https://issuer.example --aud bench-app --sub user-1234567890
  --claim email=someone@example.com --claim email_verified=true --exp 1h)
"$jose" sign -k "$keys/rsa2048.pkcs8.pem" --kid bench "${claims[@]}" | tr -d '\n' > rs256.jwt
"$jose" sign -k "$keys/ec-p256.pkcs8.pem" --kid bench "${claims[@]}" | tr -d '\n' > es256.jwt
printf '{"sub":"user-1234567890","email":"someone@example.com","name":"Some One"}' > claims.json
"$jose" encrypt -k rsa.pub.jwk --alg RSA-OAEP --enc A256GCM claims.json | tr -d '\n' > oaep.jwe
"$jose" encrypt -k rsa.pub.jwk --alg RSA1_5 --enc A256GCM claims.json 2>/dev/null | tr -d '\n' > rsa15.jwe
"$jose" encrypt -k ec.pub.jwk --alg ECDH-ES --enc A256GCM claims.json | tr -d '\n' > ecdh.jwe
"$jose" encrypt -k oct.jwk --alg A256KW --enc A256GCM claims.json | tr -d '\n' > kw.jwe
head -c 16777216 /dev/urandom > big.bin
"$jose" encrypt -k oct.jwk --alg A256KW --enc A256GCM big.bin | tr -d '\n' > big.jwe
tok=$(cat rs256.jwt)
for _ in $(seq $batch); do printf '%s\n' "$tok"; done > rs256-100k.txt
# The CLI peers take one token per process: a loop over a subset, scaled.
cat > loop-debian.sh <<EOF
for _ in \$(seq $cli_subset); do $debian jws ver -i rs256.jwt -k rsa.pub.jwk || exit 1; done
EOF
cat > loop-jwt.sh <<EOF
for _ in \$(seq $cli_subset); do $jwt decode -A RS256 -S @rsa.pub.pem "$tok" >/dev/null || exit 1; done
EOF

# Every command must succeed once before it is timed (an error path is fast).
# (eval: hyperfine -N splits a command with shell quoting rules too.)
check() { eval "$1" > /dev/null || { echo "peers.sh: fails: $1" >&2; exit 1; }; }

# bench TASK RUNS WARMUP name cmd [name cmd]...  → TASK.<round>.json, for
# ROUNDS rounds (default 1). The commands of one task are timed one after the
# other, so a load change between them would skew their ratio; several short
# rounds interleave them, and the table pools every sample of every round.
bench() {
  local task=$1 n=$2 w=$3; shift 3
  local args=() i r
  for ((i = 1; i <= $#; i += 2)); do
    local name=${!i} j=$((i + 1))
    local cmd=${!j}
    check "$cmd"
    args+=(-n "$name" "$cmd")
  done
  echo "== $task" >&2
  for ((r = 1; r <= ${ROUNDS:-1}; r++)); do
    # hyperfine's outlier warnings would bury the table; its errors are shown.
    hyperfine -N --style none --warmup "$w" --runs "$n" --export-json "$task.$r${SUFFIX:-}.json" \
      "${args[@]}" > /dev/null 2> "$task.err" || { cat "$task.err" >&2; exit 1; }
  done
}

py="$python jwcrypto_op.py"
nd="$node node_op.mjs"
# The one-operation tasks: the native tools (and the floor, so that each
# task's jose/floor ratio comes from the same rounds) in $rounds rounds of
# $runs; the interpreters, a hundred times slower to start, in one round of
# $slow_runs (suffix .slow).
rounds=5
slow_runs=$(( runs < 20 ? runs : 20 ))
ROUNDS=$rounds bench verify_rs256 "$runs" 3 \
  floor ./empty \
  jose "$jose verify -q -k rsa.pub.jwk @rs256.jwt" \
  debian "$debian jws ver -i rs256.jwt -k rsa.pub.jwk" \
  jwt "$jwt decode -A RS256 -S @rsa.pub.pem $tok"
SUFFIX=.slow bench verify_rs256 "$slow_runs" 2 \
  jwcrypto "$py verify rsa.pub.jwk rs256.jwt" \
  node "$nd verify rsa.pub.jwk rs256.jwt"
ROUNDS=$rounds bench verify_es256 "$runs" 3 \
  floor ./empty \
  jose "$jose verify -q -k ec.pub.jwk @es256.jwt" \
  debian "$debian jws ver -i es256.jwt -k ec.pub.jwk" \
  jwt "$jwt decode -A ES256 -S @ec.pub.pem $(cat es256.jwt)"
SUFFIX=.slow bench verify_es256 "$slow_runs" 2 \
  jwcrypto "$py verify ec.pub.jwk es256.jwt" \
  node "$nd verify ec.pub.jwk es256.jwt"
ROUNDS=$rounds bench decrypt_oaep "$runs" 3 \
  floor ./empty \
  jose "$jose decrypt -k rsa.jwk @oaep.jwe"
SUFFIX=.slow bench decrypt_oaep "$slow_runs" 2 \
  jwcrypto "$py decrypt rsa.jwk oaep.jwe" \
  node "$nd decrypt rsa.jwk oaep.jwe"
ROUNDS=$rounds bench decrypt_rsa15 "$runs" 3 \
  floor ./empty \
  jose "$jose decrypt --alg RSA1_5 -k rsa.jwk @rsa15.jwe" \
  debian "$debian jwe dec -i rsa15.jwe -k rsa.jwk"
# A small-token decrypt every tool can do: the native ones in rounds with
# the floor, the interpreters in one slow round.
decrypt_all() {
  local task=$1 key=$2 token=$3
  ROUNDS=$rounds bench "$task" "$runs" 3 \
    floor ./empty \
    jose "$jose decrypt -k $key @$token" \
    debian "$debian jwe dec -i $token -k $key"
  SUFFIX=.slow bench "$task" "$slow_runs" 2 \
    jwcrypto "$py decrypt $key $token" \
    node "$nd decrypt $key $token"
}
decrypt_all decrypt_ecdh ec.jwk ecdh.jwe
decrypt_all decrypt_kw oct.jwk kw.jwe
slow=$(( runs < 10 ? runs : 10 ))
bench decrypt_16m "$slow" 1 \
  jose "$jose decrypt -k oct.jwk @big.jwe" \
  debian "$debian jwe dec -i big.jwe -k oct.jwk" \
  jwcrypto "$py decrypt oct.jwk big.jwe" \
  node "$nd decrypt oct.jwk big.jwe"
ROUNDS=3 bench keygen_rsa "$slow_runs" 2 \
  jose "$jose keygen --alg RS256 --format jwk" \
  debian "$debian jwk gen -i '{\"alg\":\"RS256\"}'" \
  jwcrypto "$py keygen rsa" \
  node "$nd keygen rsa"
ROUNDS=$rounds bench keygen_p256 "$runs" 3 \
  floor ./empty \
  jose "$jose keygen --alg ES256 --format jwk" \
  debian "$debian jwk gen -i '{\"alg\":\"ES256\"}'"
SUFFIX=.slow bench keygen_p256 "$slow_runs" 2 \
  jwcrypto "$py keygen p256" \
  node "$nd keygen p256"
bench batch 3 1 \
  jose "$jose verify --lines -q -k rsa.pub.jwk @rs256-100k.txt" \
  debian "bash loop-debian.sh" \
  jwt "bash loop-jwt.sh" \
  jwcrypto "$py verify-lines rsa.pub.jwk rs256-100k.txt $lib_subset" \
  node "$nd verify-lines rsa.pub.jwk rs256-100k.txt $lib_subset"

BATCH=$batch LIB=$lib_subset CLI=$cli_subset "$python" - <<'PY'
import glob, json, os, statistics
batch, lib, cli = (int(os.environ[k]) for k in ("BATCH", "LIB", "CLI"))
# Peers that verified a subset are scaled linearly to the full batch.
scale = {"debian": batch / cli, "jwt": batch / cli, "jwcrypto": batch / lib, "node": batch / lib}
tasks = [
    ("verify_rs256", "verify one RS256 token"),
    ("verify_es256", "verify one ES256 token"),
    ("decrypt_oaep", "decrypt one RSA-OAEP + A256GCM token"),
    ("decrypt_rsa15", "decrypt one RSA1_5 + A256GCM token (Debian: no RSA-OAEP)"),
    ("decrypt_ecdh", "decrypt one ECDH-ES (P-256) + A256GCM token"),
    ("decrypt_kw", "decrypt one A256KW + A256GCM token"),
    ("decrypt_16m", "decrypt a 16 MiB A256KW + A256GCM JWE"),
    ("keygen_rsa", "keygen RSA 2048 (JWK)"),
    ("keygen_p256", "keygen P-256 (JWK)"),
    ("batch", f"verify {batch:,} RS256 tokens (one `--lines` call; peers: see note)"),
]
peers = ["debian", "jwt", "jwcrypto", "node"]
def fmt(s):
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"
def samples(key):
    """Every timing of every round of a task, pooled per command."""
    pooled = {}
    for f in sorted(glob.glob(key + ".*.json")):
        for x in json.load(open(f))["results"]:
            pooled.setdefault(x["command"], []).extend(x["times"])
    return {c: statistics.median(t) for c, t in pooled.items()}
floors = [samples(k)["floor"] for k, _ in tasks if "floor" in samples(k)]
print(f"start-up floor (`fn main() {{}}`, rustc -O): median {fmt(statistics.median(floors))} "
      f"(per task {min(floors) * 1e3:.2f}–{max(floors) * 1e3:.2f} ms)\n")
print("| task | jose | jose / floor | Debian jose (C) | jwt-cli | jwcrypto (Python) | jose (Node) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for key, label in tasks:
    r = samples(key)
    ours = r["jose"]
    # The start-up ratio only means something for one small operation, and
    # is taken against the floor of the same rounds.
    cells = [label, f"**{fmt(ours)}**", f"{ours / r['floor']:.2f}×" if "floor" in r else "—"]
    for p in peers:
        if p not in r:
            cells.append("n/a")
            continue
        t = r[p] * (scale[p] if key == "batch" else 1)
        est = " (scaled)" if key == "batch" else ""
        cells.append(f"{fmt(t)}{est} ({t / ours:.2f}×)")
    print("| " + " | ".join(cells) + " |")
print(f"\nCells: median wall time (peer / jose; below 1: the peer is faster). Batch: jose verifies all {batch:,} in one "
      f"process; jwcrypto and Node verify the first {lib:,} in one process (×{batch // lib}); "
      f"Debian jose and jwt-cli take one token per process, so {cli} processes in a shell loop "
      f"(×{batch // cli}).")
PY
