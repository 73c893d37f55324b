#!/usr/bin/env bash
# abota serve against nginx (one worker, sendfile) under wrk on loopback:
# the same 64 KiB and 1 MiB files, keep-alive connections, requests/s and
# MB/s, ratio abota/nginx. Both servers run from the start; each round
# measures one, then the other (the order alternating), so a burst of load
# from elsewhere hits both alike; medians over the rounds and the spread of
# the ratio. Servers on one CPU, wrk on another (bench_lib.sh).
# Usage: bench/bench_serve.sh BUILD_DIR   (BENCH_QUICK=1: 1 s runs, 2 rounds)
set -euo pipefail
BUILD=$(cd "${1:?usage: bench_serve.sh BUILD_DIR}" && pwd)
source "$(dirname "$0")/bench_lib.sh"
bench_setup
command -v wrk >/dev/null || { echo "FAIL: wrk missing (scripts/deps.sh bench)" >&2; exit 1; }

THREADS=2 CONNS=64 SECS=3 ROUNDS=5
[[ ${BENCH_QUICK:-0} != 0 ]] && { CONNS=16; SECS=1; ROUNDS=2; }

head -c $((64 * 1024)) /dev/urandom >"$BENCH_TMP/www/f64k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$BENCH_TMP/www/f1m.bin"
chmod 644 "$BENCH_TMP/www/"*.bin

# wrk's summary as "requests/s MB/s errors"; errors: non-2xx plus socket errors.
measure() {
  local out
  out=$("${PIN_CLIENT[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency "$1") ||
    { echo "FAIL: wrk $1" >&2; exit 1; }
  awk '
    /^Requests\/sec:/ { rps = $2 }
    /^Transfer\/sec:/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[A-Za-z]+$/, "", v)
                        m = u == "GB" ? 1073741824 : u == "MB" ? 1048576 : u == "KB" ? 1024 : 1
                        mbps = v * m / 1e6 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) err += $i }
    / 50%/ { p50 = $2 }
    END { printf "%s %.1f %d %s\n", rps, mbps, err + 0, p50 }' <<<"$out"
}

# p50 as wrk prints it (123.45us, 1.23ms, 1.02s) in microseconds
to_us() { awk -v t="$1" 'BEGIN { v = t; u = t; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
  printf "%.2f", v * (u == "s" ? 1e6 : u == "ms" ? 1e3 : 1) }'; }

start_server nginx
start_server abota
echo "bench_serve: wrk -t$THREADS -c$CONNS -d${SECS}s, keep-alive, loopback, $ROUNDS rounds" \
     "alternating the servers; $(bench_pinning)"
printf '%-9s %-6s %12s %10s %10s %8s %16s %15s\n' file server "requests/s" "MB/s" "p50 us" \
       errors "abota/nginx req" "ratio min..max"
for f in f64k.bin f1m.bin; do
  for server in nginx abota; do : >"$BENCH_TMP/serve.$server"; done
  : >"$BENCH_TMP/ratios"
  for ((round = 0; round < ROUNDS; round++)); do
    order=(nginx abota); ((round % 2)) && order=(abota nginx)
    declare -A got=()
    for server in "${order[@]}"; do
      read -r r mb errs p50 < <(measure "http://127.0.0.1:${SERVER_PORTS[$server]}/$f")
      [[ $errs == 0 ]] || { echo "FAIL: $server answered $errs errors for $f" >&2; exit 1; }
      echo "$r $mb $(to_us "$p50")" >>"$BENCH_TMP/serve.$server"
      got[$server]=$r
    done
    awk -v a="${got[abota]}" -v n="${got[nginx]}" 'BEGIN { printf "%.4f\n", a / n }' \
      >>"$BENCH_TMP/ratios"
  done
  for server in nginx abota; do
    col() { awk -v k="$1" '{ print $k }' "$BENCH_TMP/serve.$server" | median; }
    ratio=- spread=-
    if [[ $server == abota ]]; then
      ratio=$(median <"$BENCH_TMP/ratios")
      spread=$(sort -g "$BENCH_TMP/ratios" | awk 'NR == 1 { lo = $1 } { hi = $1 }
        END { printf "%.3f..%.3f", lo, hi }')
      ratio=$(awk -v r="$ratio" 'BEGIN { printf "%.3f", r }')
    fi
    printf '%-9s %-6s %12.2f %10.1f %10.1f %8s %16s %15s\n' "$f" "$server" "$(col 1)" "$(col 2)" \
           "$(col 3)" 0 "$ratio" "$spread"
  done
done
