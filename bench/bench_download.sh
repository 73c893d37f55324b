#!/usr/bin/env bash
# End-to-end download of a 1000 KiB image: the device client (bench_update:
# abota_update_run with the POSIX port into a file flash on /dev/shm, timed
# in-process) against curl (its own %{time_total}, so neither side pays for
# process startup), same server, same file, same run; nginx and abota serve,
# both running, each round going through every client on one server and then
# the other (the order alternating); clients pinned off the servers' CPU.
# Usage: bench/bench_download.sh BUILD_DIR   (BENCH_QUICK=1: a few runs)
set -euo pipefail
BUILD=$(cd "${1:?usage: bench_download.sh BUILD_DIR}" && pwd)
source "$(dirname "$0")/bench_lib.sh"
bench_setup

RUNS=15
[[ ${BENCH_QUICK:-0} != 0 ]] && RUNS=3
UPDATE=$BUILD/bench/bench_update
UPDATE_NIBBLE=$BUILD/bench/bench_update_nibble
for p in "$UPDATE" "$UPDATE_NIBBLE"; do
  [[ -x $p ]] || { echo "FAIL: $p not built" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "FAIL: curl missing (scripts/deps.sh bench)" >&2; exit 1; }

# A 1000 KiB abota image built for slot 2 (the device runs from slot 1).
head -c $((1000 * 1024 - 256)) /dev/urandom >"$BENCH_TMP/fw.raw"
"$ABOTA" pack --version 2.0.0 --slot 2 "$BENCH_TMP/fw.raw" -o "$BENCH_TMP/www/user2.bin" >/dev/null
chmod 644 "$BENCH_TMP/www/user2.bin"
IMAGE=$(stat -c %s "$BENCH_TMP/www/user2.bin")

echo "bench_download: $IMAGE-byte image, medians of $RUNS interleaved rounds, loopback;" \
     "$(bench_pinning)"
W=37
printf "%-6s %-${W}s %9s %9s %13s %11s\n" server client "time ms" "MB/s" "x curl speed" "wire/image"

kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# Clients, each run once per round, rounds interleaved so a burst of load
# from elsewhere hits every client alike; medians over the rounds.
# NAME|PROGRAM|ARGS ("-" is curl). nibble: the same client built with the
# 16-entry CRC-32 table of the targets (the host build has zlib's CRC-32,
# ABOTA_CRC32_ZLIB).
CLIENTS=(
  "curl|-|"
  "abota fetch-only buf=1460|$UPDATE|--fetch-only --buf 1460"
  "abota fetch-only buf=16384|$UPDATE|--fetch-only --buf 16384"
  "abota update buf=1460 probe|$UPDATE|--buf 1460"
  "abota update buf=1460 no-probe|$UPDATE|--buf 1460 --no-probe"
  "abota update buf=16384 probe|$UPDATE|--buf 16384"
  "abota update buf=1460 probe nibble|$UPDATE_NIBBLE|--buf 1460"
)

start_server nginx
start_server abota
for server in nginx abota; do   # warm the page cache and the servers
  curl -s -o /dev/null "http://127.0.0.1:${SERVER_PORTS[$server]}/user2.bin"
done
rm -f "$BENCH_TMP"/times.*
for ((round = 0; round < RUNS; round++)); do
  order=(nginx abota); ((round % 2)) && order=(abota nginx)
  for server in "${order[@]}"; do
    url="http://127.0.0.1:${SERVER_PORTS[$server]}/user2.bin"
    for ((c = 0; c < ${#CLIENTS[@]}; c++)); do
      IFS='|' read -r name prog args <<<"${CLIENTS[c]}"
      if [[ $prog == - ]]; then
        "${PIN_CLIENT[@]}" curl -s -o /dev/null \
          -w '%{time_total} %{size_header} %{size_download}\n' "$url" |
          awk -v n="$IMAGE" '{ printf "fetch_ms=%.4f image=%d wire=%d\n", $1 * 1000, $3, $2 + $3 }' \
          >>"$BENCH_TMP/times.$server.$c"
        continue
      fi
      case $args in
        --fetch-only*) target=$url ;;
        *) target="http://127.0.0.1:${SERVER_PORTS[$server]}/user%d.bin" ;;
      esac
      # shellcheck disable=SC2086
      "${PIN_CLIENT[@]}" "$prog" --url "$target" --flash "$BENCH_TMP/flash.img" --runs 1 $args \
        >>"$BENCH_TMP/times.$server.$c" || { echo "FAIL: $name against $server" >&2; exit 1; }
    done
  done
done
for server in nginx abota; do
  curl_ms=
  for ((c = 0; c < ${#CLIENTS[@]}; c++)); do
    IFS='|' read -r name prog args <<<"${CLIENTS[c]}"
    f=$BENCH_TMP/times.$server.$c
    img=$(kv image "$(tail -n 1 "$f")"); wire=$(kv wire "$(tail -n 1 "$f")")
    [[ $img == "$IMAGE" ]] || { echo "FAIL: $name got $img bytes, not $IMAGE" >&2; exit 1; }
    phases="fetch"; [[ $name == *update* ]] && phases="update download"
    for phase in $phases; do
      key=fetch_ms label=$name
      [[ $phase == update ]] && key=total_ms
      [[ $phase == download ]] && { key=download_ms; label=${name/update/download}; }
      ms=$(while read -r line; do kv "$key" "$line"; done <"$f" | median)
      [[ -n $curl_ms ]] || curl_ms=$ms
      awk -v s="$server" -v c="$label" -v ms="$ms" -v n="$IMAGE" -v cms="$curl_ms" -v w="$wire" \
          -v W=$W 'BEGIN {
        printf "%-6s %-*s %9.3f %9.1f %13.3f %11.4f\n", s, W, c, ms, n / ms / 1000, cms / ms, w / n }'
    done
  done
done
# Wear and flash passes of one update (the same each run): client 3 is
# "abota update buf=1460 probe"; the spare slot held an older image.
last=$(tail -n 1 "$BENCH_TMP/times.abota.3")
echo "flash per update ($IMAGE-byte image, buf=1460, probe): $(kv erases "$last") sector erases," \
     "$(kv programs "$last") program calls, $(kv read_per_byte "$last") bytes read back per image byte"
"${PIN_CLIENT[@]}" "$UPDATE" --url "http://127.0.0.1:${SERVER_PORTS[abota]}/user%d.bin" \
  --flash "$BENCH_TMP/flash.img" --runs 1 --blank-spare >"$BENCH_TMP/blank" ||
  { echo "FAIL: bench_update --blank-spare" >&2; exit 1; }
last=$(cat "$BENCH_TMP/blank")
echo "the same into a blank spare slot (a first update): $(kv erases "$last") sector erases," \
     "$(kv read_per_byte "$last") bytes read per image byte (blank sectors are read, not erased)"
stop_server
echo "(fetch-only = one GET through the POSIX net port and the HTTP parser, body dropped;"
echo " update = the whole abota_update_run: download, verification from flash, boot record;"
echo " download = its part until the last byte is in the slot;"
echo " nibble = the same client built with the targets' 16-entry CRC-32 table instead of the"
echo "          host's CRC-32 (zlib's, ABOTA_CRC32_ZLIB);"
echo " x curl speed = curl time / abota time; wire/image = bytes received / image size)"

# Where the client's instructions go in one update (callgrind, repeatable):
# per image byte, the whole run and the two hashes inside it; the host build
# (its CRC-32: zlib's, ABOTA_CRC32_ZLIB, or the byte table) and the
# nibble-table build the targets have.
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  start_server abota
  for prog in "$UPDATE" "$UPDATE_NIBBLE"; do
    valgrind -q --tool=callgrind --callgrind-out-file="$BENCH_TMP/cg.${prog##*/}" "$prog" \
      --url "http://127.0.0.1:$PORT/user%d.bin" --flash "$BENCH_TMP/flash.img" --runs 1 >/dev/null ||
      { echo "FAIL: ${prog##*/} under callgrind" >&2; exit 1; }
  done
  stop_server
  for prog in "$UPDATE" "$UPDATE_NIBBLE"; do
    table="host CRC-32"; [[ $prog == "$UPDATE_NIBBLE" ]] && table="nibble CRC table"
    echo
    echo "bench_download: instructions per image byte in one update" \
         "(callgrind, buf=1460, probe, $table)"
    callgrind_annotate --inclusive=yes --threshold=100 "$BENCH_TMP/cg.${prog##*/}" 2>/dev/null |
      awk -v n="$IMAGE" '
        function ir(s) { gsub(/,/, "", s); return s + 0 }
        / [^ ]*:abota_update_run / && !run { run = ir($1) }
        / [^ ]*:abota_crc32_update / && !crc { crc = ir($1) }
        / [^ ]*:abota_sha256_update / && !sha { sha = ir($1) }
        / [^ ]*:abota_http_feed / && !http { http = ir($1) }
        END {
          if (!run) { print "FAIL: no abota_update_run in the profile" > "/dev/stderr"; exit 1 }
          printf "%-30s %12s %9s %8s\n", "part", "Ir", "Ir/byte", "share"
          printf "%-30s %12d %9.1f %8.3f\n", "abota_update_run (all)", run, run / n, 1
          printf "%-30s %12d %9.1f %8.3f\n", "abota_sha256_update", sha, sha / n, sha / run
          printf "%-30s %12d %9.1f %8.3f\n", "abota_crc32_update", crc, crc / n, crc / run
          printf "%-30s %12d %9.1f %8.3f\n", "abota_http_feed", http, http / n, http / run
          printf "%-30s %12d %9.1f %8.3f\n", "the rest (net, flash, engine)", run - sha - crc - http,
                 (run - sha - crc - http) / n, (run - sha - crc - http) / run }'
  done
fi
