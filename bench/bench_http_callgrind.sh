#!/usr/bin/env bash
# Instructions per input byte of abota_http_feed (and everything it calls),
# counted by callgrind: repeatable where timings are not. No memcpy column
# here: glibc copies large blocks with `rep movsb`, which callgrind counts as
# a handful of instructions, so its count is no reference; the memcpy ratio
# is in bench_http_parse's timed table.
# Usage: bench/bench_http_callgrind.sh BUILD_DIR   (BENCH_QUICK=1: corpus only)
set -euo pipefail
BUILD=$(cd "${1:?usage: bench_http_callgrind.sh BUILD_DIR}" && pwd)
PROG=$BUILD/bench/bench_http_parse
[[ -x $PROG ]] || { echo "FAIL: $PROG not built" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "FAIL: valgrind missing (scripts/deps.sh bench)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/abota-callgrind.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

inputs="corpus chunked length"
[[ ${BENCH_QUICK:-0} != 0 ]] && inputs=corpus

# ir INPUT SEG FUNCTION: instructions inside FUNCTION (inclusive) for one pass.
ir() {
  valgrind -q --tool=callgrind --callgrind-out-file="$TMP/cg" --toggle-collect="$3" \
    "$PROG" --once "$1" "$2" >"$TMP/bytes" || { echo "FAIL: callgrind $1 $2" >&2; exit 1; }
  awk '/^(summary|totals):/ { print $2; exit }' "$TMP/cg"
}

echo "bench_http_callgrind: instructions per input byte of abota_http_feed (callgrind)"
printf '%-8s %8s %10s %12s\n' input fed bytes "feed Ir/B"
for input in $inputs; do
  for seg in 0 1460 1; do
    feed=$(ir "$input" "$seg" abota_http_feed)
    bytes=$(cat "$TMP/bytes")
    name=whole; [[ $seg == 1460 ]] && name="1460 B"; [[ $seg == 1 ]] && name="1 byte"
    awk -v i="$input" -v s="$name" -v f="$feed" -v b="$bytes" 'BEGIN {
      printf "%-8s %8s %10d %12.2f\n", i, s, b, f / b }'
  done
done
