#!/usr/bin/env bash
# Network faults between the simulated device and real servers: every case
# starts from a fresh flash with v1 in user1, runs `abota sim` through
# tests/tools/faultproxy.py (upstream: abota serve, nginx or
# tests/tools/faultserver.py) and must end with a verified v2 in user2 or
# with v1 still running and a clear abota error; never a crash, never past
# the deadline.
#
# Usage: test_netfault.sh BUILD_DIR [quick|full]
#   quick (default, ctest e2e.netfault): a sample of the matrix
#   full (make netfault): the whole matrix
# NETFAULT_JOBS (default 3) cases run at a time; NETFAULT_FILTER=REGEX runs
# only the cases whose name matches. With ABOTA_E2E_LOADER=crc32 (ctest
# e2e.netfault.loader_crc32) the device boots through the ESP8266 loader's
# choice on images wrapped in a 0xE9 image (sim_lib.sh), and, without a
# filter, runs LOADER_CASES: updates written in pieces (a reset, a resume
# that is reset again) that must end with a trial boot and a confirm, and one
# that keeps the old image. The other cases'
# expected errors for a cut footer assume a bare executable, which a
# wrapped image is not.
set -u
BUILD=${1:?usage: $0 BUILD_DIR [quick|full]}
MODE=${2:-quick}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
TOOLS=$SRC/tests/tools
. "$HERE/sim_lib.sh"

# The device's timeouts for these tests (ms): short, so that a stall or a
# drip ends quickly. Each update is bounded by DEADLINE; a case may run two
# (v1 updates to v2, then v2 looks for an update of its own).
CONNECT_MS=1000
IDLE_MS=1000
DEADLINE_MS=5000
RETRY_BASE_MS=100
RETRY_MAX_MS=1000
# What a case may take beyond its deadlines: starting the simulator, its
# firmware and the servers. Under valgrind (make valgrind) each start costs
# seconds, and more on a machine busy with other work: the margin grows and
# fewer cases run at once, the deadlines the engine keeps do not.
MARGIN_MS=2500
JOBS=${NETFAULT_JOBS:-3}
if [[ ${ABOTA_VALGRIND:-0} == 1 ]]; then
  MARGIN_MS=20000
  JOBS=${NETFAULT_JOBS:-2}
fi
FILTER=${NETFAULT_FILTER:-}
LOADER_CASES='^(reset@b\+1460|resume: reset again|404)$'

PIDS=()
nf_cleanup() {
  local p
  for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  sim_cleanup
}

sim_setup
trap nf_cleanup EXIT
[[ $E2E_LOADER == crc32 && -z $FILTER ]] && FILTER=$LOADER_CASES
[[ -x /usr/sbin/nginx ]] || { echo "FAIL: /usr/sbin/nginx missing (scripts/deps.sh test)"; exit 1; }

# Images of three sizes: the demo firmware, one byte longer (an odd size)
# and 200000 bytes longer (trailing bytes do not disturb an ELF file). The
# offsets below assume an image of at least 250000 bytes. A sanitizer
# build's firmware is too large for a slot: it is stripped.
fw=$SIM_TMP/img/fw
cp "$BUILD/examples/ota_demo/ota_demo" "$fw"
if (($(stat -c %s "$fw") > 800000)); then
  strip "$fw" || { echo "FAIL: strip $fw"; exit 1; }
fi
# A stripped debug build can be smaller than the offsets assume: pad it.
size=$(stat -c %s "$fw")
((size >= 250000)) || head -c $((250000 - size)) /dev/zero >>"$fw"
pack "$fw" 1.0.0 1 "$SIM_TMP/img/v1-user1.bin"
for z in 0 1 2; do
  cp "$fw" "$SIM_TMP/img/fw$z"
  case $z in
    1) head -c 1 /dev/urandom >>"$SIM_TMP/img/fw$z" ;;
    2) head -c 200000 /dev/urandom >>"$SIM_TMP/img/fw$z" ;;
  esac
  mkdir -p "$SIM_TMP/www/z$z"
  chmod 755 "$SIM_TMP/www/z$z"
  pack "$SIM_TMP/img/fw$z" 2.0.0 2 "$SIM_TMP/www/z$z/user2.bin"
  chmod 644 "$SIM_TMP/www/z$z/user2.bin"
done
fresh_flash "$SIM_TMP/img/v1-user1.bin"
TEMPLATE=$SIM_TMP/flash-v1.img
mv "$FLASH" "$TEMPLATE"

# Upstreams, each on its own free port, stopped by the EXIT trap.
declare -A UP
start_server abota
UP[abota]=$PORT
PIDS+=("$SERVER_PID")
SERVER_PID=
start_server nginx
UP[nginx]=$PORT
PIDS+=("$SERVER_PID")
SERVER_PID=
python3 "$TOOLS/faultserver.py" "$SIM_TMP/www" --port-file "$SIM_TMP/fs.port" \
  2>"$SIM_TMP/faultserver.log" &
PIDS+=("$!")
for ((i = 0; i < 100; i++)); do [[ -s $SIM_TMP/fs.port ]] && break; sleep 0.05; done
[[ -s $SIM_TMP/fs.port ]] || { echo "FAIL: faultserver did not start"; cat "$SIM_TMP/faultserver.log"; exit 1; }
UP[fault]=$(cat "$SIM_TMP/fs.port")

# ---- the case matrix -------------------------------------------------------
# A case: NAME|UPSTREAM|SIZE|PREFIX|EXPECT|PLAN...
#   UPSTREAM abota, nginx, fault (faultserver), or closed (a port nobody
#            listens on: no proxy)
#   PREFIX   faultserver behaviour ("-" for none)
#   EXPECT   new          a verified v2 in user2
#            old:E1/E2    v1 in user1 and one of these errors (names without
#                         ABOTA_ERR_)
#            tr:E1/E2     a transient fault: without a retry in the output,
#                         old with one of these errors; with retries, new,
#                         or old with one of these, RETRIES or DEADLINE
#   PLAN     proxy --conn arguments: N=SPEC, or d=SPEC for every connection
#            not named
CASES=()
add() { CASES+=("$1|$2|$3|$4|$5|${*:6}"); }

# Connection 1 to abota serve and nginx is the footer probe (a 206 of 256
# bytes), connection 2 the download; faultserver ignores Range, so its
# connection 1 is the download.
dl() { [[ $1 == fault ]] && echo 1 || echo 2; }

NET=NET_RESET/NET_CLOSED/NET_RECV/NET_SEND/HTTP_TRUNCATED
# Broken inside the status line or headers.
HDRERR=$NET/HTTP_NO_CRLF
TIMEOUT=NET_TIMEOUT/DEADLINE

HDR_OFFS="0 1 4 9 13 17 30 60 b-4 b-3 b-2 b-1"
BODY_OFFS="b b+1 b+255 b+256 b+1459 b+1460 b+1461 b+4095 b+4096 b+4097 b+65536 b+100000 e-257 e-256 e-255 e-128 e-1"

for up in abota nginx fault; do
  c=$(dl $up)
  for off in $HDR_OFFS; do add "reset@$off" $up 0 - "tr:$HDRERR" "$c=reset=$off"; done
  for off in $BODY_OFFS; do add "reset@$off" $up 0 - "tr:$NET" "$c=reset=$off"; done
  # Everything arrived before the reset: the image is complete.
  add "reset@e (after the body)" $up 0 - new "$c=reset=e"
  for off in 0 b-1 b b+1460 b+4096 e-256 e-1; do
    add "close@$off" $up 0 - "tr:$HDRERR" "$c=close=$off"
  done
  # Odd and large image sizes.
  for z in 1 2; do
    for off in 17 b-1 b b+1 b+4096 e-256 e-1; do
      add "reset@$off size$z" $up $z - "tr:$HDRERR" "$c=reset=$off"
    done
  done
  # Chunked re-framing: chunk sizes, a valid extension, then resets at and
  # around chunk boundaries.
  for cs in 1 7 1460 4096 65536 100000 1000:3000:17; do
    add "chunked $cs" $up 0 - new "$c=chunked=$cs"
  done
  add "chunked 4096 with a chunk extension" $up 0 - new "$c=chunked=4096,chunkbad=2:ext"
  add "chunked 1460 size1" $up 1 - new "$c=chunked=1460"
  for off in c1 c1+1 c1+3 c2-2 c2-1 c2 c2+1 c2+4 c5 c5+2 c72 c72+1; do
    add "chunked 4096 reset@$off" $up 0 - "tr:$NET" "$c=chunked=4096,reset=$off"
  done
done

# Bogus chunk sizes and framing.
for up in abota nginx; do
  c=$(dl $up)
  for k in 1 3; do
    add "chunk $k size not hex" $up 0 - old:HTTP_CHUNK_SIZE "$c=chunked=4096,chunkbad=$k:hex"
    add "chunk $k size negative" $up 0 - old:HTTP_CHUNK_SIZE "$c=chunked=4096,chunkbad=$k:neg"
    add "chunk $k size 2^64" $up 0 - old:HTTP_CHUNK_TOO_BIG "$c=chunked=4096,chunkbad=$k:huge"
    add "chunk $k size one too big" $up 0 - old:HTTP_CHUNK_CRLF "$c=chunked=4096,chunkbad=$k:big"
    add "chunk $k size one too small" $up 0 - old:HTTP_CHUNK_CRLF "$c=chunked=4096,chunkbad=$k:small"
    add "chunk $k without CRLF" $up 0 - old:HTTP_CHUNK_CRLF "$c=chunked=4096,chunkbad=$k:nocrlf"
  done
  add "chunked without last chunk, closed" $up 0 - "tr:$NET" \
    "$c=chunked=4096,chunkbad=1:noterm,endclose"
  add "chunked without last chunk, open" $up 0 - "tr:$TIMEOUT/HTTP_TRUNCATED" \
    "$c=chunked=4096,chunkbad=1:noterm"
done

# Content-Length and Transfer-Encoding rewrites, extra and missing bytes.
for up in abota nginx fault; do
  c=$(dl $up)
  add "Content-Length +1, kept open" $up 0 - "tr:$TIMEOUT/HTTP_TRUNCATED" "$c=cl=+1"
  add "Content-Length +1000, closed" $up 0 - "tr:HTTP_TRUNCATED" "$c=cl=+1000,endclose"
  add "Content-Length -1" $up 0 - tr:IMG_NO_FOOTER/IMG_FOOTER_MAGIC "$c=cl=-1"
  add "Content-Length -256" $up 0 - tr:IMG_NO_FOOTER/IMG_FOOTER_MAGIC "$c=cl=-256"
  add "Content-Length -100000" $up 0 - tr:IMG_NO_FOOTER/IMG_FOOTER_MAGIC "$c=cl=-100000"
  add "Content-Length 0" $up 0 - old:IMG_TOO_SHORT "$c=cl=0"
  add "Content-Length larger than the slot" $up 0 - old:SLOT_TOO_BIG "$c=cl=+2000000"
  add "Content-Length 2^40" $up 0 - old:HTTP_CL_TOO_BIG "$c=cl=1099511627776"
  add "Content-Length not a number" $up 0 - old:HTTP_CL_NOT_NUMBER "$c=cl=12x"
  add "two Content-Lengths" $up 0 - old:HTTP_CL_CONFLICT "$c=cl=dup"
  # The body then ends at the close (RFC 9112 6.3): verification judges it.
  add "no Content-Length" $up 0 - new "$c=cl=none"
  add "no Content-Length, truncated, closed" $up 0 - tr:IMG_NO_FOOTER/IMG_FOOTER_MAGIC \
    "$c=cl=none,close=e-1000"
  add "Transfer-Encoding gzip" $up 0 - old:HTTP_TE_UNSUPPORTED/HTTP_TE_AND_CL "$c=te=gzip"
  add "Transfer-Encoding chunked with Content-Length" $up 0 - old:HTTP_TE_AND_CL "$c=te=chunked"
  for k in 1 100 5000; do
    add "$k extra bytes after the body" $up 0 - new "$c=append=$k"
  done
  add "extra bytes, chunked" $up 0 - new "$c=chunked=4096,append=300"
  add "truncated body, closed" $up 0 - "tr:HTTP_TRUNCATED" "$c=close=e-1000"
  add "truncated body, kept open" $up 0 - "tr:$TIMEOUT" "$c=drop=e-1000"
done

# Corrupted bytes: the image checks catch them; a retry cannot help unless
# it downloads again.
for up in abota nginx fault; do
  c=$(dl $up)
  add "flip status line" $up 0 - old:HTTP_STATUS_LINE "$c=flip=0"
  add "flip status code" $up 0 - old:HTTP_STATUS_CODE/HTTP_STATUS_LINE "$c=flip=9"
  add "flip first body byte" $up 0 - "tr:IMG_CRC/IMG_SHA256" "$c=flip=b"
  for off in b+1000 b+4096 b+100000 e-300; do
    add "flip @$off" $up 0 - "tr:IMG_CRC/IMG_SHA256/SLOT_CRC" "$c=flip=$off"
  done
  add "flip footer magic" $up 0 - "tr:IMG_NO_FOOTER/IMG_FOOTER_MAGIC" "$c=flip=e-256"
  add "flip footer CRC" $up 0 - "tr:IMG_FOOTER_CRC" "$c=flip=e-1"
  add "flip size2 mid" $up 2 - "tr:IMG_CRC/IMG_SHA256/SLOT_CRC" "$c=flip=b+250000"
done

# Request side, stalls, drips.
for up in abota nginx fault; do
  c=$(dl $up)
  add "request reset at once" $up 0 - "tr:$NET" "$c=reqreset=0"
  add "request reset after 10 bytes" $up 0 - "tr:$NET" "$c=reqreset=10"
  add "request closed after 10 bytes" $up 0 - "tr:$HDRERR/$TIMEOUT" "$c=reqclose=10"
  add "refused (accept + RST)" $up 0 - "tr:$NET/NET_CONNECT/NET_REFUSED" "$c=refuse"
  add "stall 2 s in the headers" $up 0 - "tr:$TIMEOUT" "$c=stall=10:2000"
  add "stall 2 s in the body" $up 0 - "tr:$TIMEOUT" "$c=stall=b+50000:2000"
  add "stall 0.4 s in the body" $up 0 - new "$c=stall=b+50000:400"
  add "drip 1 byte/50 ms (past the deadline)" $up 0 - "tr:DEADLINE" "$c=drip=50"
  add "drip 1 byte/10 ms over the headers" $up 0 - new "$c=drip=10:b"
  # Never idle for the idle timeout, yet never done: the deadline ends it.
  [[ $up == abota ]] && add "drip 1 byte/900 ms" $up 0 - "tr:DEADLINE" "d=drip=900"
  add "drop after the headers" $up 0 - "tr:$TIMEOUT" "$c=drop=b"
done

# The footer probe (abota serve and nginx answer 206 to it).
for up in abota nginx; do
  for off in 0 17 b-1 b b+100 e-1; do
    add "probe reset@$off" $up 0 - "tr:$HDRERR" "1=reset=$off"
  done
  # A probe answer that is no footer teaches nothing: the download decides.
  add "probe flip footer" $up 0 - new "1=flip=b+10"
  add "probe stall 2 s" $up 0 - "tr:$TIMEOUT" "1=stall=b:2000"
  add "probe Content-Length -1" $up 0 - new "1=cl=-1"
  add "probe chunked" $up 0 - new "1=chunked=100"
  add "probe extra bytes" $up 0 - new "1=append=50"
done

# Resuming after a drop (abota serve and nginx honour Range): connection 2
# breaks after 50000 body bytes, then the resumed request (connection 3)
# meets a fault of its own. Each case must end with the new image after a
# resume ("resuming at N of M bytes"), and the server (the proxy's count of
# response bytes, all connections) must have sent at most N images plus
# 25000 bytes (resume:N): a download that starts over after the drop sends
# those 50000 bytes twice, so with N = 1 only a resume passes. A corrupted
# byte fails the verification and earns one download from scratch: N = 2.
# A Content-Range that does not fit the resumed request is refused
# (resume:N:HTTP_RANGE_MISMATCH: that refusal, the proof that the range was
# asked for, then from scratch); N = 2 allows the refused answer's bytes
# in flight, up to the rest of the image.
for up in abota nginx; do
  cut="2=reset=b+50000"
  add "resume: reset again" $up 0 - "resume:1" "$cut" "3=reset=b+50000"
  add "resume: reset in the 206 headers" $up 0 - "resume:1" "$cut" "3=reset=17"
  add "resume: stall 2 s" $up 0 - "resume:1" "$cut" "3=stall=b+100:2000"
  add "resume: corrupted byte" $up 0 - "resume:2" "$cut" "3=flip=b+1000"
  add "resume: Content-Range from 0" $up 0 - "resume:2:HTTP_RANGE_MISMATCH" "$cut" \
    "3=crange=0-99/100"
  add "resume: no Content-Range" $up 0 - "resume:2:HTTP_RANGE_MISMATCH" "$cut" "3=crange=drop"
  add "resume: chunked" $up 0 - "resume:1" "$cut" "3=chunked=1000"
  add "resume: truncated, kept open" $up 0 - "resume:1" "$cut" "3=drop=b+1000"
done

# Faults on every connection: retries (when the engine makes them) meet the
# same fault and the device stays on v1.
for up in abota nginx fault; do
  add "every connection reset in the headers" $up 0 - "old:$NET/RETRIES/DEADLINE" "d=reset=17"
  # Each attempt brings 2000 bytes more where the server honours Range: a
  # resuming device may finish before the deadline.
  add "every connection reset in the body" $up 0 - "tr:$NET/DEADLINE" "d=reset=b+2000"
  add "every connection refused (RST)" $up 0 - "old:$NET/NET_CONNECT/NET_REFUSED/RETRIES/DEADLINE" "d=refuse"
  add "every connection stalls" $up 0 - "old:$TIMEOUT/RETRIES" "d=stall=b+100:3000"
done

# Canned answers from faultserver.
add "404" fault 0 s404 old:HTTP_NOT_FOUND
add "500" fault 0 s500 "old:HTTP_SERVER_ERROR/RETRIES/DEADLINE"
add "503" fault 0 s503 "old:HTTP_SERVER_ERROR/RETRIES/DEADLINE"
add "503 Retry-After 1" fault 0 s503-1 "old:HTTP_SERVER_ERROR/RETRIES/DEADLINE"
add "503 Retry-After 3600" fault 0 s503-3600 "old:HTTP_SERVER_ERROR/RETRIES/DEADLINE"
add "503 Retry-After 1 once" fault 0 once503-1 "tr:HTTP_SERVER_ERROR"
add "500 once" fault 0 once500-0 "tr:HTTP_SERVER_ERROR"
add "429 Retry-After 1" fault 0 s429-1 "old:UP_RATE_LIMITED/RETRIES/DEADLINE"
add "429 once" fault 0 once429-0 "tr:UP_RATE_LIMITED"
add "3 interim 100 Continue answers" fault 0 interim3 new
add "100 interim answers" fault 0 interim100 old:HTTP_TOO_MANY_HEADERS
add "418" fault 0 s418 old:HTTP_STATUS
add "204" fault 0 s204 old:HTTP_STATUS
add "redirect loop to itself" fault 0 loop old:HTTP_REDIRECT_LOOP
add "redirect ping-pong" fault 0 pingpongA old:HTTP_REDIRECT_LOOP
add "4 redirects" fault 0 r4 new
add "5 redirects" fault 0 r5 old:HTTP_REDIRECT_LOOP
add "1 redirect size2" fault 2 r1 new
add "redirect without Location" fault 0 badloc old:HTTP_BAD_REDIRECT
add "no Content-Length, body to the close" fault 0 nolen new
add "HTTP/1.0 without Content-Length" fault 0 http10 new
add "HTTP/1.0 without Content-Length, cut short" fault 0 http10cut1000 old:IMG_NO_FOOTER
add "text/html" fault 0 ctype old:HTTP_CONTENT_TYPE
add "not HTTP" fault 0 garbage old:HTTP_STATUS_LINE
# Unknown headers are skipped up to ABOTA_HTTP_SKIP_LINE_MAX (8192) bytes.
add "4000-byte header line" fault 0 hugehdr4000 new
add "9000-byte header line" fault 0 hugehdr9000 old:HTTP_LINE_TOO_LONG
add "200 header lines" fault 0 manyhdr old:HTTP_TOO_MANY_HEADERS
add "redirect loop, reset on the 2nd hop" fault 0 loop "tr:$NET/HTTP_REDIRECT_LOOP" "2=reset=20"
add "500 through a chunked re-framing" fault 0 s500 "old:HTTP_SERVER_ERROR/RETRIES/DEADLINE" "d=chunked=3"
# Nobody listens.
add "connection refused (closed port)" closed 0 - "old:NET_REFUSED/NET_CONNECT/RETRIES/DEADLINE"

# The quick sample: every 14th case plus a fixed set of kinds.
select_cases() {
  local i=0 line name
  for line in "${CASES[@]}"; do
    name=${line%%|*}
    i=$((i + 1))
    if [[ -n $FILTER ]]; then
      [[ $name =~ $FILTER ]] || continue
    elif [[ $MODE == quick ]]; then
      (( i % 14 == 1 )) || [[ $name =~ ^(404|redirect\ loop\ to\ itself|503\ Retry-After\ 1|connection\ refused|drip\ 1\ byte/50)  ]] || continue
    fi
    echo "$i|$line"
  done
}

# ---- running a case ----------------------------------------------------------

run_case() {
  local id=$1 name=$2 up=$3 size=$4 prefix=$5 expect=$6
  shift 6
  local d=$SIM_TMP/case$id
  mkdir -p "$d"
  cp "$TEMPLATE" "$d/flash.img"
  local port ppid= args=() spec
  for spec in "$@"; do
    case $spec in
      d=*) args+=(--default "${spec#d=}") ;;
      *) args+=(--conn "$spec") ;;
    esac
  done
  if [[ $up == closed ]]; then
    port=$(free_port)
  else
    python3 "$TOOLS/faultproxy.py" --upstream "127.0.0.1:${UP[$up]}" --port-file "$d/port" \
      ${args[@]+"${args[@]}"} 2>"$d/proxy.log" &
    ppid=$!
    local i
    for ((i = 0; i < 200; i++)); do [[ -s $d/port ]] && break; sleep 0.02; done
    port=$(cat "$d/port" 2>/dev/null)
  fi
  local path="z$size/user%d.bin"
  [[ $prefix != - ]] && path="$prefix/$path"
  local t0 t1 rc
  t0=$(date +%s%N)
  ABOTA_SIM_CONNECT_TIMEOUT_MS=$CONNECT_MS ABOTA_SIM_IDLE_TIMEOUT_MS=$IDLE_MS \
    ABOTA_SIM_DEADLINE_MS=$DEADLINE_MS ABOTA_SIM_RETRY_BASE_MS=$RETRY_BASE_MS \
    ABOTA_SIM_RETRY_MAX_MS=$RETRY_MAX_MS \
    timeout 40 "$ABOTA" sim --flash "$d/flash.img" ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} \
    ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"} \
    --url "http://127.0.0.1:$port/$path" \
    --watchdog 30 --max-boots 6 >"$d/sim.out" 2>&1
  rc=$?
  t1=$(date +%s%N)
  # The proxy logs its total of response bytes sent when it is stopped.
  local sent=-1
  if [[ -n $ppid ]]; then
    kill "$ppid" 2>/dev/null
    wait "$ppid" 2>/dev/null
    sent=$(sed -n 's/^faultproxy: total: \([0-9]*\) response bytes sent$/\1/p' "$d/proxy.log")
    [[ -n $sent ]] || sent=-1
  fi
  local verdict
  verdict=$(python3 "$SIM_TMP/judge.py" "$d/sim.out" "$rc" $(((t1 - t0) / 1000000)) "$expect" \
    "$sent" "$(stat -c %s "$SIM_TMP/www/z$size/user2.bin")")
  if [[ $verdict == ok* ]]; then
    echo "ok   [$id] $up: $name: ${verdict#ok }" >"$d/result"
    rm -f "$d/flash.img"
  else
    {
      echo "FAIL [$id] $up: $name (${*:-no proxy fault}, expect $expect): $verdict"
      tr '\r' '\n' <"$d/sim.out" | grep -v '^\[' | sed 's/^/  | /'
      [[ -f $d/proxy.log ]] && sed 's/^/  > /' "$d/proxy.log"
    } >"$d/result"
  fi
}

cat >"$SIM_TMP/judge.py" <<PY
import re, sys
ERRH = "$SRC/include/abota/error.h"
out_path, rc, ms, expect = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sent, image = int(sys.argv[5]), int(sys.argv[6])  # sent: -1 without a proxy
msgs = {}
for m in re.finditer(r'X\((ABOTA_ERR_\w+),\s*-?\d+,\s*"((?:[^"\\\\]|\\\\.)*)"\)', open(ERRH).read()):
    msgs[m.group(1)] = m.group(2).replace('\\\\"', '"')
text = open(out_path, errors="replace").read().replace("\r", "\n")
lines = [l for l in text.split("\n") if l.strip()]
last = lines[-1] if lines else ""
bad = []
if rc == 124:
    bad.append("hang: killed by timeout after %d ms" % ms)
elif rc not in (0, 1):
    bad.append("abota sim exit %d" % rc)
# Under ABOTA_E2E_LOADER=crc32 the ESP8266 loader's choice must have run.
MARK = "$LOADER_MARK"
if MARK and MARK not in text:
    bad.append("no '%s'" % MARK)
for pat in ("crashed", "watchdog:", "exited with status", "could not start", "Sanitizer",
            "runtime error:", "gave up after"):
    if pat in text:
        bad.append("output has '%s'" % pat)
NEW = "device running v2.0.0 from user2"
OLD = "device running v1.0.0 from user1"
kind, _, errs = expect.partition(":")
allowed = set("ABOTA_ERR_" + e for e in errs.split("/") if e)
retried = re.search(r"^retry \d+ in \d+ ms: ", text, re.M) is not None
outcome = "?"
err = None
# Exit 0 only when the update was made, 1 with the reason when not.
if last == NEW and rc != 0:
    bad.append("updated, yet abota sim exit %d" % rc)
if last == OLD and (rc != 1 or "abota sim: the update was not made: " not in text):
    bad.append("not updated, yet abota sim exit %d without its reason" % rc)
if last == NEW:
    outcome = "new"
    for want in ("CRC check ok: v2.0.0 for user2", "self-test ok: image confirmed"):
        if want not in text:
            bad.append("new image not verified: no '%s'" % want)
elif last == OLD:
    outcome = "old"
    m = re.search(r"^update failed: (.*) \((ABOTA_ERR_\w+)\); staying on the working image$",
                  text, re.M)
    if not m:
        bad.append("old image without an 'update failed' line")
    else:
        err = m.group(2)
        if msgs.get(err) != m.group(1):
            bad.append("error %s printed as '%s', not its message" % (err, m.group(1)))
else:
    bad.append("last line '%s'" % last)
if kind == "new":
    ok = outcome == "new"
elif kind == "old":
    ok = outcome == "old" and err in allowed
elif kind == "tr":
    if retried:
        ok = outcome == "new" or (outcome == "old" and err in allowed | {
            "ABOTA_ERR_RETRIES", "ABOTA_ERR_DEADLINE"})
    else:
        ok = outcome == "old" and err in allowed
elif kind == "resume":
    # resume:N: the new image through a resume ("resuming at X of Y
    # bytes"); resume:N:ERR: the resumed request refused with ERR, then the
    # new image from scratch. Either way at most N images + 25000 bytes sent.
    copies, _, refused = errs.partition(":")
    limit = int(copies) * image + 25000
    ok = outcome == "new"
    if refused:
        msg = msgs.get("ABOTA_ERR_" + refused)
        if msg is None or not re.search(r"retry \d+ in \d+ ms: " + re.escape(msg), text):
            ok = False
            bad.append("no retry after ABOTA_ERR_%s: the range was not asked for" % refused)
    else:
        m = re.search(r"resuming at (\d+) of (\d+) bytes", text)
        if not m:
            ok = False
            bad.append("no 'resuming at' line")
        elif not 0 < int(m.group(1)) < int(m.group(2)) == image:
            ok = False
            bad.append("resumed at %s of %s bytes, image %d" % (m.group(1), m.group(2), image))
    if sent < 0:
        ok = False
        bad.append("the proxy logged no total")
    elif sent > limit:
        ok = False
        bad.append("the server sent %d bytes (%.3f x the %d-byte image), more than %d" %
                   (sent, sent / image, image, limit))
else:
    ok = False
    bad.append("bad expectation '%s'" % expect)
if not ok and outcome != "?":
    bad.append("outcome %s%s%s" % (outcome, " " + err if err else "",
                                   " after retries" if retried else ""))
limit = (2 if outcome == "new" else 1) * $DEADLINE_MS + $MARGIN_MS
if ms > limit:
    bad.append("took %d ms, more than %d" % (ms, limit))
if bad:
    print("; ".join(bad))
else:
    sent_text = ", %.3f x image sent" % (sent / image) if sent >= 0 else ""
    print("ok %s%s (%d ms%s)" % (outcome, " " + err[10:] if err else "", ms, sent_text))
PY

SELECTED=()
mapfile -t SELECTED < <(select_cases)
echo "netfault: ${#SELECTED[@]} of ${#CASES[@]} cases ($MODE), $JOBS at a time;" \
  "device timeouts connect $CONNECT_MS ms, idle $IDLE_MS ms, deadline $DEADLINE_MS ms," \
  "retry waits $RETRY_BASE_MS..$RETRY_MAX_MS ms"
T0=$(date +%s)
running=0
CASE_PIDS=()
for line in "${SELECTED[@]}"; do
  IFS='|' read -r id name up size prefix expect plan <<<"$line"
  # shellcheck disable=SC2086  # the plan is a list of words
  run_case "$id" "$name" "$up" "$size" "$prefix" "$expect" $plan &
  CASE_PIDS+=("$!")
  running=$((running + 1))
  if ((running >= JOBS)); then
    wait -n
    running=$((running - 1))
  fi
done
# Not a bare wait: the servers are children too.
wait "${CASE_PIDS[@]}"
T1=$(date +%s)

N=0
FAILED=0
for line in "${SELECTED[@]}"; do
  id=${line%%|*}
  N=$((N + 1))
  if [[ -f $SIM_TMP/case$id/result ]]; then
    cat "$SIM_TMP/case$id/result"
    grep -q '^ok ' "$SIM_TMP/case$id/result" || FAILED=$((FAILED + 1))
  else
    echo "FAIL [$id] no result"
    FAILED=$((FAILED + 1))
  fi
done
echo "$N cases, $FAILED failed ($((T1 - T0)) s)"
[[ $FAILED -eq 0 ]]
