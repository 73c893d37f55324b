#!/usr/bin/env bash
# Espressif's "Simple OTA Demo" end to end on a simulated ESP8266:
# an HTTP server on port 3344 serves user1.bin/user2.bin, the device runs
# v1.0.0 from user1, downloads user2.bin (v2.0.0), checks it, reboots and runs
# it; then the same cycle driven by a signed release manifest the device
# polls, published twice with abota publish. Exits 0 only when every step
# ends on the version it should.
# Usage: scripts/demo.sh [BUILD_DIR]   (make demo)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PORT=3344

scripts/deps.sh build test
[[ -f $BUILD/CMakeCache.txt ]] || cmake -S . -B "$BUILD" >/dev/null
cmake --build "$BUILD" --target abota ota_demo -j 2 >/dev/null
ABOTA=$BUILD/abota
DEMO=$BUILD/examples/ota_demo/ota_demo

TMP=$(mktemp -d /tmp/abota-demo.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP/www"

echo "== a signing key for this demo (the device gets its public half)"
"$ABOTA" keygen -o "$TMP/vendor.pem"
echo "== packing and signing the demo firmware"
"$ABOTA" pack --version 2.0.0 --slot 2 --key "$TMP/vendor.pem" -o "$TMP/www/user2.bin" "$DEMO"
"$ABOTA" pack --version 2.0.0 --slot 1 --key "$TMP/vendor.pem" -o "$TMP/www/user1.bin" "$DEMO"
"$ABOTA" pack --version 1.0.0 --slot 1 --key "$TMP/vendor.pem" -o "$TMP/v1.bin" "$DEMO"

port_taken() {
  python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1])))' "$1" \
    2>/dev/null && return 1 || return 0
}
if port_taken "$PORT"; then
  NEW=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "== port $PORT is taken on 127.0.0.1; serving on free port $NEW instead"
  PORT=$NEW
fi

echo "== abota serve on 127.0.0.1:$PORT"
"$ABOTA" serve "$TMP/www" --bind 127.0.0.1 --port "$PORT" >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; ; i++)); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null || ((i >= 200)); then
    echo "demo: the server did not start on port $PORT:" >&2
    cat "$TMP/serve.log" >&2
    exit 1
  fi
  sleep 0.05
done

echo "== esptool-like: erase flash, write v1.0.0 to user1"
"$ABOTA" flash --out "$TMP/flash.img" "$TMP/v1.bin"

# run_device WANT SIM_ARGS...: boots the simulated device; the last line must
# be WANT and abota sim must say the update was made (exit 0).
run_device() {
  local want=$1 rc last
  shift
  set +e
  "$ABOTA" sim --flash "$TMP/flash.img" --key "$TMP/vendor.pem" "$@" | tee "$TMP/sim.out"
  rc=${PIPESTATUS[0]}
  set -e
  last=$(tr '\r' '\n' <"$TMP/sim.out" | sed '/^$/d' | tail -n 1)
  if [[ $rc -ne 0 || $last != "$want" ]]; then
    echo "demo: FAILED (exit $rc, last line '$last')" >&2
    exit 1
  fi
}

echo "== booting the simulated device"
run_device "device running v2.0.0 from user2" --url "http://127.0.0.1:$PORT/user%d.bin"
echo "== the device updated itself from user1 to user2"

# The same device, told what to install by a signed release manifest it
# polls (docs/UPDATE.md, "Active updates"): two abota publish calls drive a
# whole user1 -> user2 -> user1 cycle, nothing else.
MANIFEST="http://127.0.0.1:$PORT/manifest.json"
echo
echo "== active updates: esptool-like, a fresh flash with v1.0.0 in user1"
"$ABOTA" flash --out "$TMP/flash.img" "$TMP/v1.bin"
echo "== abota publish v2.0.0: the firmware signed, then a signed manifest naming it"
"$ABOTA" publish "$TMP/www" --version 2.0.0 --key "$TMP/vendor.pem" "$DEMO"
run_device "device running v2.0.0 from user2" --manifest "$MANIFEST"
echo "== abota publish v3.0.0"
"$ABOTA" publish "$TMP/www" --version 3.0.0 --key "$TMP/vendor.pem" "$DEMO"
run_device "device running v3.0.0 from user1" --manifest "$MANIFEST"
echo "== demo ok: the device updated itself from user1 to user2, then, told by two published" \
     "releases, from user1 to user2 and back to user1"
