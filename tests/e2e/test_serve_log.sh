#!/usr/bin/env bash
# abota serve's access log: the combined format with timestamp and
# User-Agent, --log FILE, --quiet, and serving that never waits for the log:
# with stdout a pipe nobody reads, downloads still complete, the lines that
# found no room are counted and the count is logged once the pipe is read,
# and SIGTERM still stops the server at once with exit status 0.
# Usage: test_serve_log.sh BUILD_DIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../tools/serve_common.sh" "$1"
command -v curl >/dev/null || fail "curl is needed"
command -v python3 >/dev/null || fail "python3 is needed"

printf 'hello\n' >"$ROOT/notes.txt"
head -c $((6 << 20)) /dev/urandom >"$ROOT/big.img"
STAMP='\[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}\]'
UA=x-test-agent/1
# A line of the access log: ADDR - - [TIME] "REQUEST" STATUS BYTES "REFERER" "AGENT"
access_re() { printf '^127\\.0\\.0\\.1 - - %s "%s" %s "%s" "%s"$' "$STAMP" "$1" "$2" "$3" "$4"; }
# Waits up to 5 s for a line matching ERE $1 in file $2: the log is written
# by its own thread, a moment after the response.
wait_line() {
  for _ in $(seq 50); do
    grep -Eq -- "$1" "$2" && return 0
    sleep 0.1
  done
  fail "no line /$1/ in $2: $(tail -5 "$2")"
}
stop_expect_0() {
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=
  [[ $rc -eq 0 ]] || fail "exit status $rc after SIGTERM ($1)"
}

# --- --log FILE (in the --opt=value form): the combined format, nothing on stdout
LOG=$WORK/access.log
start_server --log="$LOG"
curl -sf -A "$UA" -o /dev/null "$URL/notes.txt" || fail "GET notes.txt"
curl -sf -A "$UA" -r 1-2 -e http://example.test/page -o /dev/null "$URL/notes.txt" || fail "Range"
curl -sf -A "$UA" -I -o /dev/null "$URL/notes.txt" || fail "HEAD"
curl -s -A "evil\"agent\\" -o /dev/null "$URL/missing.bin"
# Cut short: a client that reads 100 KB of 6 MiB and goes away. The line
# shows the bytes that went out, not the Content-Length.
python3 - "$PORT" <<'PY' || fail "a download cut short"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /big.img HTTP/1.1\r\nHost: x\r\n\r\n")
got = 0
while got < 100000:
    got += len(s.recv(65536))
s.close()
PY
wait_line "$(access_re 'GET /notes\.txt HTTP/1\.1' '200 6' - "$UA")" "$LOG"
wait_line "$(access_re 'GET /notes\.txt HTTP/1\.1' '206 2' 'http://example\.test/page' "$UA")" "$LOG"
wait_line "$(access_re 'HEAD /notes\.txt HTTP/1\.1' '200 0' - "$UA")" "$LOG"
wait_line "$(access_re 'GET /missing\.bin HTTP/1\.1' '404 [0-9]+' - 'evil\\x22agent\\x5c')" "$LOG"
wait_line "$(access_re 'GET /big\.img HTTP/1\.1' '200 [0-9]+' - -)" "$LOG"
sent=$(sed -nE 's|.*"GET /big\.img HTTP/1\.1" 200 ([0-9]+) .*|\1|p' "$LOG")
(( sent >= 100000 && sent < 6 << 20 )) || fail "cut short download logged with $sent bytes"
# The time is now, in the server's local time with its offset.
python3 - "$LOG" <<'PY' || fail "timestamps"
import datetime, re, sys, time
for line in open(sys.argv[1]):
    t = datetime.datetime.strptime(re.search(r"\[([^]]+)\]", line).group(1), "%d/%b/%Y:%H:%M:%S %z")
    assert abs(t.timestamp() - time.time()) < 120, line
PY
[[ $(wc -l <"$LOG") -eq 5 ]] || fail "want 5 lines in $LOG: $(cat "$LOG")"
grep -q ' - - \[' "$SERVER_LOG" && fail "access lines on stdout with --log FILE"
stop_expect_0 "--log FILE"
grep -qx 'abota serve: stopped' "$SERVER_LOG" || fail "no stop line on stdout with --log FILE"
# Appended to, not truncated.
start_server --log "$LOG"
curl -sf -A "$UA" -o /dev/null "$URL/notes.txt" || fail "GET notes.txt"
for _ in $(seq 50); do [[ $(wc -l <"$LOG") -ge 6 ]] && break; sleep 0.1; done
[[ $(wc -l <"$LOG") -eq 6 ]] || fail "--log FILE does not append"
stop_expect_0 "--log FILE again"

# --- --log - is stdout; --quiet is no access log at all
start_server --log -
curl -sf -A "$UA" -o /dev/null "$URL/notes.txt" || fail "GET notes.txt"
wait_line "$(access_re 'GET /notes\.txt HTTP/1\.1' '200 6' - "$UA")" "$SERVER_LOG"
stop_expect_0 "--log -"
start_server --quiet
curl -sf -A "$UA" -o /dev/null "$URL/notes.txt" || fail "GET notes.txt"
curl -s -o /dev/null "$URL/missing.bin"
stop_expect_0 "--quiet"
grep -q ' - - \[' "$SERVER_LOG" && fail "--quiet logged requests: $(cat "$SERVER_LOG")"
grep -qx 'abota serve: stopped' "$SERVER_LOG" || fail "no stop line with --quiet"

# --- bad arguments
rc=0; "$ABOTA" serve "$ROOT" --quiet --log "$LOG" 2>"$WORK/err" || rc=$?
[[ $rc -eq 2 ]] && grep -q 'exclude' "$WORK/err" || fail "--quiet with --log: exit $rc"
rc=0; "$ABOTA" serve "$ROOT" --port 0 --log "$WORK/no/such/dir/log" 2>"$WORK/err" || rc=$?
[[ $rc -eq 1 ]] && grep -q 'no/such/dir/log' "$WORK/err" || fail "--log in a missing dir: exit $rc"
"$ABOTA" serve --help | grep -q -- '--quiet' || fail "--help without --quiet"

# --- stdout a pipe nobody reads. A fifo held open by this shell (fd 3),
# which reads the startup line and then nothing. Long lines (a 230-byte
# target and agent) fill the pipe's 64 KiB and the log's ring quickly.
N=1000
PAD=$(printf 'p%.0s' $(seq 200))
BIG_UA=$(printf 'u%.0s' $(seq 250))
start_unread() {
  rm -f "$WORK/fifo"
  mkfifo "$WORK/fifo"
  exec 3<>"$WORK/fifo"
  "$ABOTA" serve "$ROOT" --bind 127.0.0.1 --port 0 >"$WORK/fifo" 2>"$WORK/stderr" &
  SERVER_PID=$!
  local line
  read -r -t 20 line <&3 || fail "no startup line on the fifo"
  PORT=$(sed -n 's|^abota serve: serving .* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' <<<"$line")
  [[ -n $PORT ]] || fail "startup line: $line"
  URL=http://127.0.0.1:$PORT
}
# A server stuck on its log is deaf to SIGTERM: killed, so the cleanup
# does not wait for it forever.
fail_unread() {
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  fail "$@"
}
# N requests over one connection (curl's [1-N] globbing); every body whole.
many_requests() {
  local got
  got=$(timeout 60 curl -s -A "$BIG_UA" "$URL/notes.txt?$PAD&n=[1-$N]" | wc -c) || true
  [[ $got -eq $((N * 6)) ]] || fail_unread "$1: $got body bytes of $((N * 6)) while the log is not read"
  curl -sf --max-time 10 -o "$WORK/got" "$URL/big.img" && cmp -s "$WORK/got" "$ROOT/big.img" ||
    fail_unread "$1: big.img while the log is not read"
}
# The server stops within a second or two of SIGTERM, with exit status 0.
# A server deaf to it is killed, so the test cannot hang.
stop_quickly() {
  local limit=2 t0=$EPOCHREALTIME rc=0
  [[ ${ABOTA_VALGRIND:-0} == 1 ]] && limit=10
  kill -TERM "$SERVER_PID"
  # Gone (bash waits for its children as they end) or a zombie: exited.
  exited() { local st; st=$(ps -o stat= -p "$SERVER_PID" || true); [[ -z $st || $st == Z* ]]; }
  for _ in $(seq $((limit * 40))); do
    exited && break
    sleep 0.05
  done
  local ms=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
  exited || kill -KILL "$SERVER_PID"
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=
  (( ms < limit * 1000 )) || fail "$1: SIGTERM took $ms ms to stop the server (exit $rc)"
  [[ $rc -eq 0 ]] || fail "$1: exit status $rc after SIGTERM"
  echo "$1: stopped $ms ms after SIGTERM"
}

start_unread
many_requests "never read"
stop_quickly "never read"
exec 3<&-

# The same, then the pipe is read: the lines that were kept, then the
# count of those that were not; every request is one or the other.
start_unread
many_requests "read late"
timeout 2 cat <&3 >"$WORK/drained" || true
# N requests and big.img's
kept=$(grep -Ec "$(access_re 'GET /[^ ]+ HTTP/1\.1' '200 [0-9]+' - '[^"]+')" "$WORK/drained" || true)
dropped=$(awk '/^abota serve: [0-9]+ log lines? dropped$/ { n += $3 } END { print n + 0 }' \
  "$WORK/drained")
echo "read late: $kept lines kept, $dropped dropped and counted"
(( dropped > 0 )) || fail "no 'log lines dropped' line after the pipe was read"
(( kept + dropped == N + 1 )) || fail "$kept lines kept + $dropped dropped != $((N + 1)) requests"
# Once read again, the log takes every line again, and the stop line too.
curl -sf -A "$UA" -o /dev/null "$URL/notes.txt?after" || fail "GET after the drain"
stop_quickly "read late"
timeout 1 cat <&3 >"$WORK/drained" || true
exec 3<&-
grep -Eq "$(access_re 'GET /notes\.txt\?after HTTP/1\.1' '200 6' - "$UA")" "$WORK/drained" ||
  fail "no line for the request after the drain: $(cat "$WORK/drained")"
[[ $(tail -1 "$WORK/drained") == "abota serve: stopped" ]] || fail "no stop line at the end"
echo "PASS: serve_log"
