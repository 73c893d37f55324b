#!/usr/bin/env bash
# A server that accepts and then never sends a byte (for 10 minutes): the
# simulated device must give up by itself, inside the watchdog it runs
# under (abota sim --watchdog, told to the firmware, which caps the engine's
# deadline at three quarters of it), and stay on its working image; it is
# never reset by the watchdog. The server is tests/tools/faultserver.py
# (/silent/).
# Usage: test_sim_silent.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
start_faultserver
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
URL="http://127.0.0.1:$PORT/silent/user%d.bin"

# no_reset NAME MAX_S START: the last run was never reset and took at most
# MAX_S seconds since START (plus what starting the simulator and its
# firmware costs under valgrind, make valgrind: the firmware's own time is
# still bounded by the watchdog it reports).
SLACK_S=0
[[ ${ABOTA_VALGRIND:-0} == 1 ]] && SLACK_S=8
no_reset() {
  local took=$((SECONDS - $3)) max=$(($2 + SLACK_S))
  if grep -qF "watchdog" "$SIM_TMP/sim.out" || ((took > max)); then
    echo "FAIL $1: reset by the watchdog, or $took s > $max s"
    sed 's/^/  | /' "$SIM_TMP/sim.out"
    FAILS=$((FAILS + 1))
  else
    echo "ok   $1: one boot, $took s"
  fi
}

# The engine's defaults (15 s idle timeout, 6 attempts, 300 s deadline)
# under an 8 s watchdog: the first wait is cut at 6 s.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
start=$SECONDS
SIM_RC=1 run_sim "silent server, defaults, 8 s watchdog" "device running v1.0.0 from user1" \
  "update failed: update deadline passed (ABOTA_ERR_DEADLINE)" "staying on the working image" \
  -- --watchdog 8 --max-boots 3
no_reset "silent server, defaults, 8 s watchdog" 8 "$start"

# Shorter idle timeouts: several attempts time out, then the deadline
# (9 s of a 12 s watchdog) ends the run with the cause kept.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
start=$SECONDS
ABOTA_SIM_IDLE_TIMEOUT_MS=2000 \
  SIM_RC=1 run_sim "silent server, 2 s idle timeout, 12 s watchdog" "device running v1.0.0 from user1" \
  "retry 1 in" "network timeout" \
  "last error before the deadline: network timeout (ABOTA_ERR_NET_TIMEOUT)" \
  -- --watchdog 12 --max-boots 3
no_reset "silent server, 2 s idle timeout, 12 s watchdog" 12 "$start"

stop_server
echo "$((4 - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
