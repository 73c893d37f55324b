# Shared helpers for the simulated-device end-to-end tests (sourced, not run).
# The caller sets BUILD (the build dir) and calls sim_setup first.
#
# Every server started here listens on a free loopback port, is polled until
# it answers and is stopped by the EXIT trap, whatever happens.

ABOTA=
SIM_TMP=
SERVER_PID=
SERVER_KIND=
PORT=
FAILS=0

sim_setup() {
  ABOTA=$BUILD/abota
  DEMO=$BUILD/examples/ota_demo/ota_demo
  DEMO_CRASH=$BUILD/examples/ota_demo/ota_demo_crash
  for f in "$ABOTA" "$DEMO" "$DEMO_CRASH"; do
    [[ -x $f ]] || { echo "FAIL: $f not built"; exit 1; }
  done
  SIM_TMP=$(mktemp -d /tmp/abota-e2e.XXXXXX)
  chmod 755 "$SIM_TMP"   # nginx workers may run as another user
  trap sim_cleanup EXIT
  mkdir -p "$SIM_TMP/www" "$SIM_TMP/img"
  chmod 755 "$SIM_TMP/www"
  # shellcheck source=valgrind.sh
  source "$(dirname "${BASH_SOURCE[0]}")/valgrind.sh"
  ABOTA=$(valgrind_wrap "$ABOTA" "$SIM_TMP")
  # The images every case draws from.
  pack "$DEMO" 1.0.0 1 "$SIM_TMP/img/v1-user1.bin"
  pack "$DEMO" 2.0.0 1 "$SIM_TMP/img/v2-user1.bin"
  pack "$DEMO" 2.0.0 2 "$SIM_TMP/img/v2-user2.bin"
  pack "$DEMO" 3.0.0 1 "$SIM_TMP/img/v3-user1.bin"
  pack "$DEMO" 3.0.0 2 "$SIM_TMP/img/v3-user2.bin"
  pack "$DEMO_CRASH" 3.0.0 1 "$SIM_TMP/img/crash-v3-user1.bin"
  pack "$DEMO_CRASH" 3.0.0 2 "$SIM_TMP/img/crash-v3-user2.bin"
}

sim_cleanup() {
  stop_server
  [[ -n $SIM_TMP && -d $SIM_TMP ]] && rm -rf "$SIM_TMP"
}

# pack EXE VERSION SLOT OUT (wrapped in a 0xE9 image for the ESP8266 loader)
pack() {
  "$ABOTA" pack --version "$2" --slot "$3" ${WRAP_ARGS[@]+"${WRAP_ARGS[@]}"} -o "$4" "$1" \
    >/dev/null ||
    { echo "FAIL: abota pack $1 v$2 slot $3"; exit 1; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Polls until something answers HTTP on PORT (any status), at most 10 s.
wait_ready() {
  local i
  for ((i = 0; i < 200; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FAIL: $SERVER_KIND server exited during start"
      [[ -f $SIM_TMP/server.log ]] && cat "$SIM_TMP/server.log"
      [[ -f $SIM_TMP/nginx/error.log ]] && cat "$SIM_TMP/nginx/error.log"
      exit 1
    fi
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && return 0
    sleep 0.05
  done
  echo "FAIL: $SERVER_KIND server not answering on port $PORT after 10 s"
  exit 1
}

start_nginx() {
  # shellcheck source=../tools/nginx.sh
  source "$(dirname "${BASH_SOURCE[0]}")/../tools/nginx.sh"
  nginx_start "$SIM_TMP/nginx" "$SIM_TMP/www" "$PORT" "$SIM_TMP/server.log" 64
  SERVER_PID=$NGINX_PID
}

# start_server abota|python|nginx: serves $SIM_TMP/www on a free port.
start_server() {
  SERVER_KIND=$1
  PORT=$(free_port)
  case $1 in
    abota)
      "$ABOTA" serve "$SIM_TMP/www" --bind 127.0.0.1 --port "$PORT" >"$SIM_TMP/server.log" 2>&1 &
      SERVER_PID=$! ;;
    python)
      python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SIM_TMP/www" \
        >"$SIM_TMP/server.log" 2>&1 &
      SERVER_PID=$! ;;
    nginx)
      [[ -x /usr/sbin/nginx ]] || { echo "FAIL: /usr/sbin/nginx missing (scripts/deps.sh test)"; exit 1; }
      start_nginx ;;
    *) echo "FAIL: unknown server $1"; exit 1 ;;
  esac
  wait_ready
  URL="http://127.0.0.1:$PORT/user%d.bin"
}

# start_faultserver: tests/tools/faultserver.py on $SIM_TMP/www, on a free
# port (its behaviours are picked by the URL's first path component).
start_faultserver() {
  SERVER_KIND=faultserver
  rm -f "$SIM_TMP/fs.port"
  python3 "$(dirname "${BASH_SOURCE[0]}")/../tools/faultserver.py" "$SIM_TMP/www" \
    --port-file "$SIM_TMP/fs.port" 2>"$SIM_TMP/server.log" &
  SERVER_PID=$!
  local i
  for ((i = 0; i < 200; i++)); do [[ -s $SIM_TMP/fs.port ]] && break; sleep 0.05; done
  [[ -s $SIM_TMP/fs.port ]] || { echo "FAIL: faultserver did not start"; cat "$SIM_TMP/server.log"; exit 1; }
  PORT=$(cat "$SIM_TMP/fs.port")
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
  fi
}

# serve NAME SOURCE: puts an image under www as NAME; serve_none empties www.
serve() { cp "$2" "$SIM_TMP/www/$1"; chmod 644 "$SIM_TMP/www/$1"; }
serve_none() { rm -f "$SIM_TMP/www/"*.bin; }

# flip_byte FILE OFFSET: inverts one byte in place.
flip_byte() {
  python3 - "$1" "$2" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)[0]
    f.seek(off)
    f.write(bytes([b ^ 0xFF]))
PY
}

# A sanitizer-instrumented firmware is several MiB, more than an ESP8266
# slot: `make test-asan` sets ABOTA_E2E_LAYOUT=sim-8m so the device runs on a
# larger simulated flash. Unset, every case runs on the ESP8266 layouts.
E2E_LAYOUT=${ABOTA_E2E_LAYOUT:-}
# Where user2 and the two boot-record sectors start in that layout
# (esp8266-2m: 0x101000, 0x0FB000).
case $E2E_LAYOUT in
  sim-8m) SLOT2_OFFSET=$((0x401000)) BOOTREC_OFFSET=$((0x3F1000)) ;;
  *) SLOT2_OFFSET=$((0x101000)) BOOTREC_OFFSET=$((0x0FB000)) ;;
esac

# Which boot choice the simulated bootloader runs: unset or "full", the
# core's; "crc32" (ctest e2e.*.loader_crc32), the ESP8266 loader's that
# ships (abota sim --loader crc32), on images wrapped in a 0xE9 image as that
# loader wants. Every abota sim started here gets LOADER_ARGS, and run_sim
# checks that the ESP8266 loader's choice did run.
E2E_LOADER=${ABOTA_E2E_LOADER:-full}
LOADER_ARGS=()
WRAP_ARGS=()
LOADER_MARK=
# What abota sim --loader crc32 prints first.
CRC32_LOADER_MARK="bootloader: the ESP8266 loader's choice"
case $E2E_LOADER in
  full) ;;
  crc32)
    LOADER_ARGS=(--loader crc32)
    WRAP_ARGS=(--wrap-e9)
    LOADER_MARK=$CRC32_LOADER_MARK ;;
  *) echo "FAIL: ABOTA_E2E_LOADER must be full or crc32, not '$E2E_LOADER'"; exit 1 ;;
esac

# fresh_flash IMAGE [ARGS...]: a new flash file with IMAGE in user1.
fresh_flash() {
  FLASH=$SIM_TMP/flash.img
  local img=$1
  shift
  local layout=()
  [[ -n $E2E_LAYOUT && " $* " != *" --layout "* ]] && layout=(--layout "$E2E_LAYOUT")
  "$ABOTA" flash --out "$FLASH" "${layout[@]}" "$@" "$img" >/dev/null ||
    { echo "FAIL: abota flash $img"; exit 1; }
}

# erase_bootrec FILE: erases both boot-record sectors, as a flash written by
# esptool (the image, no record) has them.
erase_bootrec() {
  python3 - "$1" "$BOOTREC_OFFSET" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    f.write(b"\xff" * 0x2000)
PY
}

# run_sim NAME EXPECTED_LAST_LINE [TEXT...] [-- SIM_ARGS...]: runs the device;
# the last line must match exactly and the output must contain each TEXT.
# abota sim must exit with SIM_RC (default 0: the update was made, or there
# was none to make; SIM_RC=1 run_sim ... where the device must refuse it).
run_sim() {
  local name=$1 want=$2 out=$SIM_TMP/sim.out
  shift 2
  local texts=()
  while [[ $# -gt 0 && $1 != -- ]]; do texts+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  local layout=()
  [[ -n $E2E_LAYOUT && " $* " != *" --layout "* ]] && layout=(--layout "$E2E_LAYOUT")
  timeout 45 "$ABOTA" sim --flash "$FLASH" --url "$URL" --watchdog 20 --max-boots 10 \
    "${layout[@]}" ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"} "$@" \
    >"$out" 2>&1
  local rc=$? ok=1 last want_rc=${SIM_RC:-0}
  last=$(tr '\r' '\n' <"$out" | sed '/^$/d' | tail -n 1)
  if [[ $rc -ne $want_rc || $last != "$want" ]]; then
    ok=0
    echo "  exit $rc (want $want_rc), last line '$last', want '$want'"
  fi
  if [[ $want_rc -ne 0 ]] && ! grep -q '^abota sim: the update was not made: ' "$out"; then
    ok=0
    echo "  no reason given for the update not made"
  fi
  local t
  [[ -n $LOADER_MARK ]] && texts+=("$LOADER_MARK")
  for t in ${texts[@]+"${texts[@]}"}; do
    if ! grep -qF -- "$t" "$out"; then
      ok=0
      echo "  output lacks '$t'"
    fi
  done
  if [[ $ok -eq 1 ]]; then
    echo "ok   $SERVER_KIND: $name${LOADER_MARK:+ (loader $E2E_LOADER)}"
  else
    echo "FAIL $SERVER_KIND: $name${LOADER_MARK:+ (loader $E2E_LOADER)}"
    sed 's/^/  | /' "$out" | tr '\r' '\n'
    FAILS=$((FAILS + 1))
  fi
}

# The whole set of cases against one kind of server.
run_cases() {
  start_server "$1"

  # The seed's demo: user1 runs v1, fetches user2.bin (v2) and boots it;
  # v2 then finds user1.bin at its own version and stays.
  serve_none
  serve user2.bin "$SIM_TMP/img/v2-user2.bin"
  serve user1.bin "$SIM_TMP/img/v2-user1.bin"
  fresh_flash "$SIM_TMP/img/v1-user1.bin"
  run_sim "update v1 -> v2 (user1 -> user2)" "device running v2.0.0 from user2" \
    "downloading user2.bin" "CRC check ok" "rebooting" "self-test ok"

  # Second update on the same flash: back to user1, completing the cycle.
  serve user1.bin "$SIM_TMP/img/v3-user1.bin"
  serve user2.bin "$SIM_TMP/img/v3-user2.bin"
  run_sim "update v2 -> v3 (user2 -> user1)" "device running v3.0.0 from user1" \
    "downloading user1.bin" "CRC check ok"

  # Failures: each leaves the device on v1 in user1.
  serve_none
  fresh_flash "$SIM_TMP/img/v1-user1.bin"
  SIM_RC=1 run_sim "missing bin (404)" "device running v1.0.0 from user1" \
    "abota sim: the update was not made: HTTP 404: firmware not found on the server"

  local size
  size=$(stat -c %s "$SIM_TMP/img/v2-user2.bin")
  head -c $((size - 100)) "$SIM_TMP/img/v2-user2.bin" >"$SIM_TMP/img/trunc.bin"
  serve user2.bin "$SIM_TMP/img/trunc.bin"
  # The footer is gone with the tail: the engine takes what came for a plain
  # Espressif bin, which a bare executable is not and a wrapped one is, with
  # the rest of the footer after its end.
  local trunc_err="update failed: no abota footer at the end of the image (truncated?)"
  [[ -n ${WRAP_ARGS[*]-} ]] && trunc_err="update failed: bytes after the end of the Espressif user bin"
  SIM_RC=1 run_sim "truncated bin" "device running v1.0.0 from user1" "$trunc_err"

  cp "$SIM_TMP/img/v2-user2.bin" "$SIM_TMP/img/corrupt.bin"
  flip_byte "$SIM_TMP/img/corrupt.bin" $((size / 2))
  serve user2.bin "$SIM_TMP/img/corrupt.bin"
  SIM_RC=1 run_sim "one corrupted byte" "device running v1.0.0 from user1" "image CRC-32 mismatch"

  serve user2.bin "$SIM_TMP/img/v2-user1.bin"
  SIM_RC=1 run_sim "bin built for the other slot" "device running v1.0.0 from user1" \
    "image built for the other slot"

  # The image labelled as a web page (the server's type for .html): refused
  # before anything is erased, and the log names what the server sent.
  serve_none
  serve user2.html "$SIM_TMP/img/v2-user2.bin"
  SIM_RC=1 run_sim "image served as text/html" "device running v1.0.0 from user1" \
    "with Content-Type text/html" \
    "the update was not made: unexpected Content-Type" \
    -- --url "http://127.0.0.1:$PORT/user%d.html"

  # A v3 that crashes at start: the trial fails and the device rolls back to v2.
  serve_none
  serve user2.bin "$SIM_TMP/img/crash-v3-user2.bin"
  fresh_flash "$SIM_TMP/img/v2-user1.bin"
  SIM_RC=1 run_sim "crashing v3 rolls back to v2" "device running v2.0.0 from user1" \
    "crashed" "rollback" "v3.0.0 in user2 failed its trial and was rolled back" \
    "abota sim: the update was not made: the new image in user2 failed its trial"

  stop_server
}
