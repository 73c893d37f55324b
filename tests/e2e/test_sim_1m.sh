#!/usr/bin/env bash
# The 512+512 layout (esp8266-1m, a 1 MB chip): the update cycle of
# test_sim_device.sh at the other addresses. Skipped (exit 77) on builds whose
# firmware does not fit its 488 KiB slots (ABOTA_E2E_LAYOUT, make test-asan).
# Usage: test_sim_1m.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
if [[ -n ${ABOTA_E2E_LAYOUT:-} ]]; then
  echo "SKIP: the firmware does not fit the esp8266-1m slots on $ABOTA_E2E_LAYOUT builds"
  exit 77
fi
. "$(dirname "$0")/sim_lib.sh"
sim_setup
start_server abota
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
fresh_flash "$SIM_TMP/img/v1-user1.bin" --layout esp8266-1m
run_sim "update v1 -> v2 on esp8266-1m" "device running v2.0.0 from user2" "CRC check ok" \
  -- --layout esp8266-1m
stop_server
echo "$((1 - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
