#!/usr/bin/env bash
# Instructions per input byte of abota_http_feed (and everything it calls),
# counted by callgrind: repeatable where timings are not. memcpy of the same
# bytes in the same segments is the reference, counted the same way.
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

echo "bench_http_callgrind: instructions per input byte (callgrind), abota_http_feed vs memcpy"
printf '%-8s %8s %12s %12s %14s\n' input fed "feed Ir/B" "memcpy Ir/B" "feed/memcpy"
for input in $inputs; do
  for seg in 0 1460 1; do
    feed=$(ir "$input" "$seg" abota_http_feed)
    bytes=$(cat "$TMP/bytes")
    # The reference: the same segments copied with memcpy (bench_http_parse
    # copies through copy_fn in its table mode; here a separate count).
    valgrind -q --tool=callgrind --callgrind-out-file="$TMP/cgm" --toggle-collect='*memcpy*' \
      --toggle-collect='*memmove*' "$PROG" --once-memcpy "$input" "$seg" >/dev/null ||
      { echo "FAIL: callgrind memcpy $input $seg" >&2; exit 1; }
    ref=$(awk '/^(summary|totals):/ { print $2; exit }' "$TMP/cgm")
    name=whole; [[ $seg == 1460 ]] && name="1460 B"; [[ $seg == 1 ]] && name="1 byte"
    awk -v i="$input" -v s="$name" -v f="$feed" -v r="$ref" -v b="$bytes" 'BEGIN {
      printf "%-8s %8s %12.2f %12.2f %14.2f\n", i, s, f / b, r / b, r ? f / r : 0 }'
  done
done
