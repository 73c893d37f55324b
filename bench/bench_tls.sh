#!/usr/bin/env bash
# HTTPS through the POSIX TLS port (posix_tls.c, mbedTLS 2.28) against
# Debian's nginx over TLS: heap per connection for each max_fragment_length
# (bench_tls_ram's counting allocator), and the time of a 1000 KiB download
# beside curl's (OpenSSL) on the same server, file and run.
#
# Debian's mbedTLS has its record buffers fixed at build time (16 KiB of
# content each way); max_fragment_length makes the server send smaller
# records but cannot shrink those buffers. The column "device build" is
# therefore derived: the measured peak with the two buffers swapped for
# ones of N bytes of content (MBEDTLS_SSL_IN_CONTENT_LEN and _OUT_CONTENT_LEN
# = N, what a device's mbedTLS configuration sets), overhead per buffer as
# measured (docs/TLS.md).
# Usage: bench/bench_tls.sh BUILD_DIR   (BENCH_QUICK=1: a few runs)
set -euo pipefail
BUILD=$(cd "${1:?usage: bench_tls.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench_lib.sh"
source "$HERE/../tests/tools/tls_certs.sh"
source "$HERE/../tests/tools/nginx.sh"
bench_setup

RUNS=9
[[ ${BENCH_QUICK:-0} != 0 ]] && RUNS=3
RAM=$BUILD/bench/bench_tls_ram
[[ -x $RAM ]] || { echo "FAIL: $RAM not built" >&2; exit 1; }
command -v curl >/dev/null || { echo "FAIL: curl missing (scripts/deps.sh bench)" >&2; exit 1; }

tls_certs "$BENCH_TMP/certs" >&2 || exit 1
chmod -R a+rX "$BENCH_TMP/certs"
head -c $((1000 * 1024)) /dev/urandom >"$BENCH_TMP/www/fw.bin"
chmod 644 "$BENCH_TMP/www/fw.bin"
PORT=$(free_port)
nginx_start_tls "$BENCH_TMP/nginx" "$BENCH_TMP/www" "$PORT" "$BENCH_TMP/server.log" 64 \
  "$BENCH_TMP/certs/server.pem" "$BENCH_TMP/certs/server.key" "sendfile on;"
SERVER_PID=$NGINX_PID
URL="https://localhost:$PORT/fw.bin"
CA=$BENCH_TMP/certs/ca.pem
for ((i = 0; i < 200; i++)); do
  curl -s -o /dev/null --cacert "$CA" "$URL" && break
  sleep 0.05
done

kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# curl's median over RUNS downloads of the same file (its own time_total).
curl_ms() {
  local t=()
  for ((i = 0; i < RUNS; i++)); do
    t+=("$(curl -s -o /dev/null --cacert "$CA" -w '%{time_total}' "$URL")")
  done
  printf '%s\n' "${t[@]}" | sort -g | awk -v n="$RUNS" 'NR == int(n / 2) + 1 { print $1 * 1000 }'
}

echo "bench_tls: 1000 KiB over HTTPS from nginx, ECDHE-ECDSA P-256, medians of $RUNS runs," \
     "heap in bytes"
printf "%-13s %7s %7s %8s %8s %8s %13s %9s %9s\n" max_fragment record config peak session \
  iobuf "device build" "time ms" "x curl"
ref=$(curl_ms)
for mfl in 0 512 1024 2048 4096; do
  out=$("$RAM" --url "$URL" --ca "$CA" --max-fragment "$mfl" --runs "$RUNS")
  peak=$(kv peak "$out") iobuf=$(kv iobuf "$out") ovh=$(kv ovh "$out") ms=$(kv ms "$out")
  content=$((mfl ? mfl : 16384))
  device=$((peak - iobuf + 2 * (content + ovh)))
  printf "%-13s %7s %7s %8s %8s %8s %13s %9s %9.2f\n" "${mfl/#0/none}" "$(kv record "$out")" \
    "$(kv config "$out")" "$peak" "$(kv session "$out")" "$iobuf" "$device" "$ms" \
    "$(awk -v a="$ref" -v b="$ms" 'BEGIN { print a / b }')"
done
echo "curl (OpenSSL) $ref ms for the same download; x curl = curl's time / ours (> 1: faster)"
