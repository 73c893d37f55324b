# Sourced by the serve e2e tests: starts `abota serve` on a free loopback port
# and stops it when the test exits. Sets: WORK (temporary dir), ROOT (served
# dir), PORT, URL, SERVER_PID, SERVER_LOG.
ABOTA=$1/abota
[[ -x $ABOTA ]] || { echo "FAIL: $ABOTA not built" >&2; exit 1; }
WORK=$(mktemp -d)
ROOT=$WORK/root
mkdir -p "$ROOT"
# shellcheck source=../e2e/valgrind.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/valgrind.sh"
ABOTA=$(valgrind_wrap "$ABOTA" "$WORK")
SERVER_PID=
SERVER_LOG=$WORK/server.log

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -f $SERVER_LOG ]]; then echo "--- server log (tail)" >&2; tail -20 "$SERVER_LOG" >&2; fi
  exit 1
}

start_server() {
  "$ABOTA" serve "$ROOT" --bind 127.0.0.1 --port 0 "$@" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    if grep -q '^abota serve: serving .* on http://127.0.0.1:[0-9]*/' "$SERVER_LOG"; then
      PORT=$(sed -n 's|^abota serve: serving .* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$SERVER_LOG" | head -1)
      URL=http://127.0.0.1:$PORT
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited at startup"
    sleep 0.1
  done
  fail "no startup line within 10 s"
}
