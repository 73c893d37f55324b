# Shared by the server benchmarks (sourced, not run). The caller sets BUILD
# (the build dir) and calls bench_setup first. Every server listens on a free
# 127.0.0.1 port, is polled until it answers, and is stopped by the EXIT
# trap whatever happens; nothing leaves loopback. Several servers may run at
# once (SERVER_PORTS by name), so a benchmark can alternate between them
# round by round instead of measuring all of one, then all of the other.

BENCH_TMP=
SERVER_PID=
PORT=
declare -A SERVER_PIDS=() SERVER_PORTS=()

# With two cores or more, servers run on CPU 0 and the measuring clients on
# CPU 1 (prefix client commands with "${PIN_CLIENT[@]}"), so the two do not
# take turns on one core; with one core, nothing is pinned.
PIN_CLIENT=()
if [[ $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then
  PIN_CLIENT=(taskset -c 1)
fi
bench_pinning() {
  if [[ ${#PIN_CLIENT[@]} -gt 0 ]]; then echo "servers on CPU 0, clients on CPU 1"
  else echo "not pinned (one CPU or no taskset)"; fi
}

bench_setup() {
  ABOTA=$BUILD/abota
  [[ -x $ABOTA ]] || { echo "FAIL: $ABOTA not built" >&2; exit 1; }
  [[ -x /usr/sbin/nginx ]] || { echo "FAIL: /usr/sbin/nginx missing (scripts/deps.sh test)" >&2; exit 1; }
  # /dev/shm when there is one: the file flash and the served files then
  # cost no disk I/O, on either side.
  local base=/tmp
  [[ -d /dev/shm && -w /dev/shm ]] && base=/dev/shm
  BENCH_TMP=$(mktemp -d "$base/abota-bench.XXXXXX")
  chmod 755 "$BENCH_TMP"   # nginx workers may run as another user
  mkdir -p "$BENCH_TMP/www"
  chmod 755 "$BENCH_TMP/www"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  stop_server
  [[ -n $BENCH_TMP && -d $BENCH_TMP ]] && rm -rf "$BENCH_TMP"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ready() {
  local i
  for ((i = 0; i < 200; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FAIL: $1 exited during start" >&2
      cat "$BENCH_TMP"/server*.log "$BENCH_TMP/nginx/error.log" 2>/dev/null >&2
      exit 1
    fi
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && return 0
    sleep 0.05
  done
  echo "FAIL: $1 not answering on port $PORT after 10 s" >&2
  exit 1
}

# nginx as a plain foreground process, one worker, the usual production
# settings for static files (sendfile, tcp_nopush), access log on like
# abota serve's.
start_nginx() {
  # shellcheck source=../tests/tools/nginx.sh
  source "$(dirname "${BASH_SOURCE[0]}")/../tests/tools/nginx.sh"
  nginx_start "$BENCH_TMP/nginx" "$BENCH_TMP/www" "$PORT" "$BENCH_TMP/server-nginx.log" 1024 \
    "sendfile on;" "tcp_nopush on;" "keepalive_requests 1000000;"
  SERVER_PID=$NGINX_PID
}

# start_server abota|nginx: serves $BENCH_TMP/www on a free port (PORT, also
# SERVER_PORTS[NAME]), pinned to CPU 0 where clients are pinned.
start_server() {
  PORT=$(free_port)
  case $1 in
    abota)
      "$ABOTA" serve "$BENCH_TMP/www" --bind 127.0.0.1 --port "$PORT" >"$BENCH_TMP/server-abota.log" 2>&1 &
      SERVER_PID=$! ;;
    nginx) start_nginx ;;
    *) echo "FAIL: unknown server $1" >&2; exit 1 ;;
  esac
  wait_ready "$1"
  SERVER_PIDS[$1]=$SERVER_PID
  SERVER_PORTS[$1]=$PORT
  if [[ ${#PIN_CLIENT[@]} -gt 0 ]]; then
    local p
    for p in "$SERVER_PID" $(pgrep -P "$SERVER_PID"); do
      taskset -a -c -p 0 "$p" >/dev/null || { echo "FAIL: taskset $p" >&2; exit 1; }
    done
  fi
}

# Stops every server started.
stop_server() {
  local pid
  # SERVER_PID is the last one started, or one a script started itself.
  for pid in "${SERVER_PIDS[@]}" $SERVER_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=() SERVER_PORTS=() SERVER_PID=
}

# median of the numbers on stdin
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
