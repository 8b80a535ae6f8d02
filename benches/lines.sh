#!/usr/bin/env bash
# The whole `jose verify --lines -q` process against ring's bare RS256
# verify rate, per core, on one thread and on every core (the issue's
# "batch verification >= 85 % of ring's bare rate per core, on both cores").
# The machine's speed drifts by 10 % over minutes, so the two are measured
# in alternation: each round counts ring's rate for a few seconds
# (benches/jws.rs, JOSE_BENCH_RING_RATE) and then times one jose process per
# thread count; the report is the median of the per-round ratios.
# Usage: benches/lines.sh [ROUNDS]   (default 7; env JOSE_BIN: the jose to time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-7}
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
# JOSE_BIN: another build to measure (an A/B of a change).
jose=${JOSE_BIN:-"$root/target/release/jose"}
bench=$(cargo bench --quiet --manifest-path "$root/Cargo.toml" --bench jws --no-run \
  --message-format=json | grep '"kind":\["bench"\]' \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
cores=$(nproc)
# The fixture lives in tmpfs where there is one: this machine's kernel
# reclaims cold page cache (DAMON), so a 94 MB file on disk is partly re-read
# from the disk on each run, and the process would be timed waiting for it.
work=$(mktemp -d -p "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT
# The fixture: 100,000 copies of the bench's 938-byte Firebase-like RS256 token.
JOSE_BENCH_WRITE="$work" JOSE_BENCH_RING_RATE=1 "$bench" --bench >/dev/null
tokens=$(wc -l < "$work/rs256-100k.txt")

# One whole process: its wall time in seconds.
run() {
  local t0=$EPOCHREALTIME
  "$jose" verify --lines -q --threads "$1" --now 1763900000 -k "$work/rs256.pub.jwk" \
    "@$work/rs256-100k.txt"
  echo "$EPOCHREALTIME - $t0" | bc -l
}

"$jose" verify --lines -q --threads "$cores" --now 1763900000 -k "$work/rs256.pub.jwk" \
  "@$work/rs256-100k.txt"  # warm the page cache and check every token verifies
for r in $(seq "$rounds"); do
  # ring first, to the end, then jose: never both at once.
  JOSE_BENCH_RING_RATE=3000 "$bench" --bench > "$work/ring"
  while read -r _ threads rate; do
    echo "$threads $rate $(run "$threads")" >> "$work/rounds"
  done < "$work/ring"
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
printf 'Machine: %s, %s cores; %s rounds, %s tokens per process\n\n' \
  "$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)" "$cores" "$rounds" "$tokens"
printf '| threads | jose wall (median) | jose tokens/s | ring tokens/s (median) | jose / ring (median of rounds) | range over the rounds |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for threads in $(cut -d' ' -f1 "$work/rounds" | sort -un); do
  rows=$(awk -v t="$threads" '$1 == t' "$work/rounds")
  wall=$(awk '{print $3}' <<<"$rows" | median)
  ring=$(awk '{print $2}' <<<"$rows" | median)
  ratios=$(awk -v n="$tokens" '{print 100 * n / $3 / $2}' <<<"$rows" | sort -g)
  printf '| %s | %.3f s | %.0f | %.0f | %.1f %% | %.1f–%.1f %% |\n' "$threads" "$wall" \
    "$(echo "$tokens / $wall" | bc -l)" "$ring" "$(median <<<"$ratios")" \
    "$(head -n 1 <<<"$ratios")" "$(tail -n 1 <<<"$ratios")"
done
