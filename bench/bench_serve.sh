#!/usr/bin/env bash
# abota serve against nginx (one worker, sendfile) under wrk on loopback:
# the same 64 KiB and 1 MiB files, keep-alive connections, requests/s and
# MB/s, ratio abota/nginx. Each server runs alone while it is measured.
# Usage: bench/bench_serve.sh BUILD_DIR   (BENCH_QUICK=1: 1 s runs)
set -euo pipefail
BUILD=$(cd "${1:?usage: bench_serve.sh BUILD_DIR}" && pwd)
source "$(dirname "$0")/bench_lib.sh"
bench_setup
command -v wrk >/dev/null || { echo "FAIL: wrk missing (scripts/deps.sh bench)" >&2; exit 1; }

THREADS=2 CONNS=64 SECS=5
[[ ${BENCH_QUICK:-0} != 0 ]] && { CONNS=16; SECS=1; }

head -c $((64 * 1024)) /dev/urandom >"$BENCH_TMP/www/f64k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$BENCH_TMP/www/f1m.bin"
chmod 644 "$BENCH_TMP/www/"*.bin

# wrk's summary as "requests/s MB/s errors"; errors: non-2xx plus socket errors.
measure() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency "$1") ||
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

echo "bench_serve: wrk -t$THREADS -c$CONNS -d${SECS}s, keep-alive, loopback"
printf '%-9s %-6s %12s %10s %10s %8s %16s\n' file server "requests/s" "MB/s" "p50" errors "abota/nginx req"
for f in f64k.bin f1m.bin; do
  declare -A rps=()
  for server in nginx abota; do
    start_server "$server"
    read -r r mb errs p50 < <(measure "http://127.0.0.1:$PORT/$f")
    stop_server
    [[ $errs == 0 ]] || { echo "FAIL: $server answered $errs errors for $f" >&2; exit 1; }
    rps[$server]=$r
    ratio=-
    [[ $server == abota ]] && ratio=$(awk -v a="$r" -v n="${rps[nginx]}" 'BEGIN { printf "%.3f", a / n }')
    printf '%-9s %-6s %12s %10s %10s %8s %16s\n' "$f" "$server" "$r" "$mb" "$p50" "$errs" "$ratio"
  done
done
