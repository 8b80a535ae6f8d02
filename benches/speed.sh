#!/usr/bin/env bash
# Issue 19's table in one run: whole processes of the release build against
# their limits, with public tools only (hyperfine, valgrind's callgrind,
# /usr/bin/time). Prints which figures are times (medians of wall time) and
# which are instruction counts (callgrind, whole process, loader included).
#   - one RS256 / ES256 verify vs jwt-cli (installed into target/peers like
#     benches/peers.sh does) vs an empty dynamically linked Rust binary
#   - one RSA-OAEP-2048, ECDH-ES (P-256) and A256KW decrypt vs the same
#   - `verify --lines` over 100,000 RS256 tokens in tmpfs, -q and with the
#     reports written to /dev/null, 1 and 2 threads, against ring's bare
#     verify rate (benches/jws.rs JOSE_BENCH_RING_RATE), alternated
#   - a 16 MiB A256GCM decrypt from a file: time, rate, peak RSS
# Usage: benches/speed.sh [RUNS] [ROUNDS]   (hyperfine runs per round for
#        the one-operation tasks, default 200; rounds of the alternated
#        tasks, default 3). Env JOSE_BIN: another build to time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-200}
rounds=${2:-3}

command -v hyperfine >/dev/null || apt-get install -y hyperfine
command -v valgrind >/dev/null || apt-get install -y valgrind
[ -x /usr/bin/time ] || apt-get install -y time
jwt="$root/target/peers/bin/jwt"
[ -x "$jwt" ] || cargo install --locked --quiet jwt-cli --root "$root/target/peers"
# JOSE_BIN: another build to time (e.g. a copy of main's); else this tree's.
[ -n "${JOSE_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"
jose=${JOSE_BIN:-"$root/target/release/jose"}
bench=$(cargo bench --quiet --manifest-path "$root/Cargo.toml" --bench jws --no-run \
  --message-format=json | grep '"kind":\["bench"\]' \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')

# The start-up limit: a Rust `fn main() {}`, linked to glibc dynamically
# like jose (rustc's default), built in target/.
mkdir -p "$root/target/speed"
empty="$root/target/speed/empty"
printf 'fn main() {}\n' > "$root/target/speed/empty.rs"
rustc -O -o "$empty" "$root/target/speed/empty.rs"
ldd "$empty" | grep -q libc.so || { echo "speed.sh: $empty is not dynamic" >&2; exit 1; }

# Fixtures in tmpfs: this VM's kernel reclaims cold page cache (DAMON).
work=$(mktemp -d -p "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT
cd "$work"
keys="$root/tests/data/keys"
"$jose" key "$keys/rsa2048.pkcs8.pem" --to jwk -o rsa.jwk
"$jose" key "$keys/rsa2048.pkcs8.pem" --public --to jwk -o rsa.pub.jwk
"$jose" key "$keys/ec-p256.pkcs8.pem" --to jwk -o ec.jwk
"$jose" key "$keys/ec-p256.pkcs8.pem" --public --to jwk -o ec.pub.jwk
cp "$keys/rsa2048.spki.pem" rsa.pub.pem
cp "$keys/ec-p256.spki.pem" ec.pub.pem
"$jose" keygen --alg A256KW -o oct.jwk
claims=(--iss https://issuer.example --aud bench-app --sub user-1234567890
  --claim email=someone@example.com --claim email_verified=true --exp 1h)
"$jose" sign -k "$keys/rsa2048.pkcs8.pem" "${claims[@]}" | tr -d '\n' > rs256.jwt
"$jose" sign -k "$keys/ec-p256.pkcs8.pem" "${claims[@]}" | tr -d '\n' > es256.jwt
printf '{"sub":"user-1234567890","email":"someone@example.com","name":"Some One"}' > claims.json
"$jose" encrypt -k rsa.pub.jwk --alg RSA-OAEP --enc A256GCM claims.json | tr -d '\n' > oaep.jwe
"$jose" encrypt -k ec.pub.jwk --alg ECDH-ES --enc A256GCM claims.json | tr -d '\n' > ecdh.jwe
"$jose" encrypt -k oct.jwk --alg A256KW --enc A256GCM claims.json | tr -d '\n' > kw.jwe
head -c 16777216 /dev/urandom > big.bin
"$jose" encrypt -k oct.jwk --alg A256KW --enc A256GCM big.bin > big.jwe
# The --lines fixture: 100,000 copies of benches/jws.rs's 938-byte
# Firebase-like RS256 token, the token ring's bare rate is counted on.
JOSE_BENCH_WRITE="$work" JOSE_BENCH_RING_RATE=1 "$bench" --bench > /dev/null
tokens=$(wc -l < rs256-100k.txt)
lines_key="$work/rs256.pub.jwk"

tok=$(cat rs256.jwt)
etok=$(cat es256.jwt)
declare -A cmd=(
  [empty]="$empty"
  [version]="$jose --version"
  [verify_rs256]="$jose verify -q -k rsa.pub.jwk @rs256.jwt"
  [jwt_rs256]="$jwt decode -A RS256 -S @rsa.pub.pem $tok"
  [verify_es256]="$jose verify -q -k ec.pub.jwk @es256.jwt"
  [jwt_es256]="$jwt decode -A ES256 -S @ec.pub.pem $etok"
  [decrypt_oaep]="$jose decrypt -k rsa.jwk @oaep.jwe"
  [decrypt_ecdh]="$jose decrypt -k ec.jwk @ecdh.jwe"
  [decrypt_kw]="$jose decrypt -k oct.jwk @kw.jwe"
)
order=(empty version verify_rs256 jwt_rs256 verify_es256 jwt_es256 decrypt_oaep decrypt_ecdh decrypt_kw)
for k in "${order[@]}"; do
  eval "${cmd[$k]}" > /dev/null || { echo "speed.sh: fails: ${cmd[$k]}" >&2; exit 1; }
done
cmp <("$jose" decrypt -k oct.jwk @big.jwe) big.bin

# ---- one-operation tasks: times, interleaved rounds, samples pooled ----
args=()
for k in "${order[@]}"; do args+=(-n "$k" "${cmd[$k]}"); done
for r in $(seq "$rounds"); do
  hyperfine -N --style none --warmup 5 --runs "$runs" --export-json "one.$r.json" \
    "${args[@]}" > /dev/null 2> hf.err || { cat hf.err >&2; exit 1; }
done

# ---- instruction counts (callgrind; whole process, loader included) ----
for k in "${order[@]}"; do
  [[ $k == jwt_* ]] && continue
  n=$(eval valgrind --tool=callgrind --callgrind-out-file=/dev/null "${cmd[$k]}" 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  echo "$k $n" >> instr
  # minor page faults: a fresh anonymous page costs about 2 us on this VM
  f=$(eval /usr/bin/time -f %R "${cmd[$k]}" 2>&1 >/dev/null | tail -n 1)
  echo "$k $f" >> faults
done

# ---- --lines: alternated with ring's bare rate ----
lines() {  # THREADS MODE(q|report) → wall seconds
  local q=() t0
  [ "$2" = q ] && q=(-q)
  t0=$EPOCHREALTIME
  "$jose" verify --lines "${q[@]}" --threads "$1" --now 1763900000 -k "$lines_key" \
    @rs256-100k.txt > /dev/null
  echo "$EPOCHREALTIME - $t0" | bc -l
}
"$jose" verify --lines -q --threads 2 --now 1763900000 -k "$lines_key" @rs256-100k.txt
for r in $(seq "$rounds"); do
  JOSE_BENCH_RING_RATE=3000 "$bench" --bench > ring
  while read -r _ threads rate; do
    for mode in q report; do
      echo "$threads $mode $rate $(lines "$threads" "$mode")" >> lines.txt
    done
  done < ring
done

# ---- 16 MiB A256GCM decrypt from a file ----
for r in $(seq "$rounds"); do
  hyperfine -N --style none --warmup 2 --runs 10 --export-json "big.$r.json" \
    -n decrypt_16m "$jose decrypt -k oct.jwk @big.jwe" \
    -n cat_token "cat big.jwe" > /dev/null 2> hf.err || { cat hf.err >&2; exit 1; }
done
for _ in 1 2 3; do
  /usr/bin/time -f '%M' -a -o rss "$jose" decrypt -k oct.jwk @big.jwe > /dev/null
done

echo "Machine: $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores;" \
  "${JOSE_BIN:+binary $JOSE_BIN, }tree at commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo +dirty);" \
  "$(date -u '+%F %H:%M UTC')"
echo "Load (uptime) at the end: $(uptime | sed 's/.*load average: //')"
TOKENS=$tokens PLAIN=$(stat -c %s big.bin) TOKEN=$(stat -c %s big.jwe) python3 - <<'PY'
import glob, json, os, statistics as st
med = st.median
pool = {}
for f in sorted(glob.glob("one.*.json")) + sorted(glob.glob("big.*.json")):
    for x in json.load(open(f))["results"]:
        pool.setdefault(x["command"], []).extend(x["times"])
t = {k: med(v) for k, v in pool.items()}
ins = dict((l.split()[0], int(l.split()[1])) for l in open("instr"))
ms = lambda s: f"{s * 1e3:.3f} ms"
flt = dict((l.split()[0], int(l.split()[1])) for l in open("faults"))
mi = lambda k: f"{ins[k] / 1e6:.3f} M instr., {flt[k]} page faults"
e = t["empty"]
print(f"\nTimes are medians of wall time (hyperfine -N, {len(pool['empty'])} samples each, "
      "interleaved rounds); 'instr.' are instruction counts (valgrind callgrind, whole process, "
      "dynamic loader included); page faults are minor faults (/usr/bin/time %R, one run).\n")
print("| task | jose | limit / peer | ratio |")
print("| --- | --- | --- | --- |")
print(f"| empty dynamic Rust binary | — | {ms(e)}, {mi('empty')} | — |")
print(f"| `jose --version`: this binary's start, no work | {ms(t['version'])}, {mi('version')} | "
      f"empty {ms(e)} | **{t['version'] / e:.2f}× empty** |")
for alg in ("rs256", "es256"):
    j, p = t[f"verify_{alg}"], t[f"jwt_{alg}"]
    print(f"| one {alg.upper()} verify, whole process | {ms(j)}, {mi('verify_' + alg)} | "
          f"jwt-cli {ms(p)} | **{j / p:.2f}× jwt-cli, {j / e:.2f}× empty** "
          f"({ins['verify_' + alg] / ins['empty']:.2f}× its instr.) |")
for k, label in (("decrypt_oaep", "RSA-OAEP-2048"), ("decrypt_ecdh", "ECDH-ES (P-256)"),
                 ("decrypt_kw", "A256KW")):
    print(f"| one {label} + A256GCM decrypt | {ms(t[k])}, {mi(k)} | empty {ms(e)} | "
          f"**{t[k] / e:.2f}× empty** ({ins[k] / ins['empty']:.2f}× its instr.) |")
rows = [l.split() for l in open("lines.txt")]
n = int(os.environ["TOKENS"])
for threads in sorted({r[0] for r in rows}, key=int):
    for mode, label in (("q", "-q"), ("report", "reports to /dev/null")):
        rs = [r for r in rows if r[0] == threads and r[1] == mode]
        wall = med(float(r[3]) for r in rs)
        ring = med(float(r[2]) for r in rs)
        ratios = sorted(100 * n / float(r[3]) / float(r[2]) for r in rs)
        print(f"| `verify --lines {label}`, {n:,} RS256, {threads} thread(s) | {n / wall:,.0f}/s "
              f"({wall:.3f} s) | ring bare {ring:,.0f}/s | **{med(ratios):.1f} %** of ring "
              f"(rounds {ratios[0]:.1f}–{ratios[-1]:.1f} %) |")
plain, token = int(os.environ["PLAIN"]), int(os.environ["TOKEN"])
rss = sorted(int(l) for l in open("rss"))
d = t["decrypt_16m"]
print(f"| 16 MiB A256GCM decrypt from a file | {ms(d)} = {plain / d / 1e9:.2f} GB/s, peak RSS "
      f"{rss[-1] / 1024:.1f} MiB | `cat` of the {token / 2**20:.1f} MiB token {ms(t['cat_token'])} | "
      f"**{rss[-1] * 1024 / plain:.2f}× the plaintext** (RSS; max of 3 runs) |")
PY
