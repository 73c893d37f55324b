#!/usr/bin/env bash
# abota serve with 1000 clients connected at once, each checking every byte
# of a 64 KiB file or of a range of it; then the server still answers and
# logged one line per request. Usage: test_serve_concurrent.sh BUILD_DIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../tools/serve_common.sh" "$1"
command -v python3 >/dev/null || fail "python3 is needed"
CLIENTS=${ABOTA_SERVE_CLIENTS:-1000}

head -c 65536 /dev/urandom >"$ROOT/fw.bin"
start_server
timeout 150 python3 "$HERE/../tools/serve_concurrent.py" "$PORT" "$ROOT/fw.bin" /fw.bin \
  "$CLIENTS" "$SERVER_PID" || fail "concurrent clients"

curl -sf -o "$WORK/got" "$URL/fw.bin" && cmp "$WORK/got" "$ROOT/fw.bin" || fail "server after the load"
# One log line per request: a quarter of the clients sent two.
want=$((CLIENTS + CLIENTS / 4 + 1))
for _ in $(seq 50); do
  got=$(grep -Ec '^127\.0\.0\.1 - - \[[^]]*\] "GET /fw\.bin HTTP/1\.1" 20[06] ' "$SERVER_LOG" || true)
  [[ $got -ge $want ]] && break
  sleep 0.1
done
[[ $got -eq $want ]] || fail "access log has $got request lines, want $want"
kill -TERM "$SERVER_PID"
rc=0; wait "$SERVER_PID" || rc=$?
SERVER_PID=
[[ $rc -eq 0 ]] || fail "exit status $rc after SIGTERM"
echo "PASS: serve_concurrent"
