#!/usr/bin/env bash
# The simulated device itself: abota flash's checks, the watchdog, the boot
# bound, a flash with nothing bootable, and the fallback when the active
# slot's image is damaged in flash.
# Usage: test_sim_device.sh BUILD_DIR SHARED_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR SHARED_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
CASES=0

# expect_fail NAME TEXT CMD...: CMD must exit nonzero and print TEXT.
expect_fail() {
  local name=$1 text=$2 out=$SIM_TMP/cmd.out
  shift 2
  CASES=$((CASES + 1))
  timeout 30 "$@" >"$out" 2>&1
  local rc=$?
  if [[ $rc -ne 0 && $rc -ne 124 ]] && grep -qF -- "$text" "$out"; then
    echo "ok   $name"
  else
    echo "FAIL $name (exit $rc, want nonzero and '$text')"
    sed 's/^/  | /' "$out"
    FAILS=$((FAILS + 1))
  fi
}

# abota flash refuses what cannot boot from user1.
expect_fail "flash: image for user2 refused" "image built for the other slot" \
  "$ABOTA" flash ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} --out "$SIM_TMP/f.img" "$SIM_TMP/img/v2-user2.bin"
expect_fail "flash: raw executable refused" "abota flash: $DEMO:" \
  "$ABOTA" flash ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} --out "$SIM_TMP/f.img" "$DEMO"
expect_fail "flash: unknown layout" "unknown name" \
  "$ABOTA" flash --layout nosuch --out "$SIM_TMP/f.img" "$SIM_TMP/img/v1-user1.bin"
expect_fail "sim: missing flash file" "$SIM_TMP/none.img" \
  "$ABOTA" sim --flash "$SIM_TMP/none.img" --url "http://127.0.0.1:1/user%d.bin"

# One damaged byte in user1, nothing in user2: nothing to boot.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
flip_byte "$FLASH" $((0x1000 + 5000))
expect_fail "sim: nothing bootable" "nothing bootable" \
  "$ABOTA" sim --flash "$FLASH" ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} \
  --url "http://127.0.0.1:1/user%d.bin"

# A firmware that hangs (a script that sleeps, packed like any firmware):
# the watchdog resets it, boot after boot, until --max-boots. (The demo
# firmware no longer hangs against a silent server: it ends its update inside
# the watchdog it is told about, test_sim_silent.sh.)
printf '#!/bin/sh\necho hanging firmware\nexec sleep 60\n' >"$SIM_TMP/img/hang.sh"
chmod +x "$SIM_TMP/img/hang.sh"
pack "$SIM_TMP/img/hang.sh" 1.0.0 1 "$SIM_TMP/img/hang-user1.bin"
fresh_flash "$SIM_TMP/img/hang-user1.bin"
expect_fail "sim: watchdog and --max-boots" "gave up after 2 boots" \
  "$ABOTA" sim --flash "$FLASH" ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} \
  --url "http://127.0.0.1:1/user%d.bin" --watchdog 1 \
  --max-boots 2
grep -qF "watchdog: firmware in user1 ran past 1 s" "$SIM_TMP/cmd.out" ||
  { echo "FAIL watchdog message missing"; FAILS=$((FAILS + 1)); }

# After v1 -> v2, damage v2 in flash: the bootloader falls back to v1,
# which fetches v2 again.
start_server abota
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
serve user1.bin "$SIM_TMP/img/v2-user1.bin"
fresh_flash "$SIM_TMP/img/v1-user1.bin"
CASES=$((CASES + 2))
run_sim "update v1 -> v2" "device running v2.0.0 from user2"
flip_byte "$FLASH" $((SLOT2_OFFSET + 5000))
run_sim "damaged user2 falls back to user1, which updates again" \
  "device running v2.0.0 from user2" "(fallback: user2: " "downloading user2.bin"

# A v3 that exits with an error (/bin/false) and one that is no program at
# all: both fail their trial and the device rolls back to v2.
pack /bin/false 3.0.0 2 "$SIM_TMP/img/false-v3-user2.bin"
printf 'not a program\n' >"$SIM_TMP/img/text"
pack "$SIM_TMP/img/text" 3.0.0 2 "$SIM_TMP/img/text-v3-user2.bin"
CASES=$((CASES + 2))
serve_none
serve user2.bin "$SIM_TMP/img/false-v3-user2.bin"
fresh_flash "$SIM_TMP/img/v2-user1.bin"
run_sim "v3 exiting with status 1 rolls back" "device running v2.0.0 from user1" \
  "firmware in user2 exited with status 1" "v3.0.0 in user2 failed its trial and was rolled back"
serve user2.bin "$SIM_TMP/img/text-v3-user2.bin"
fresh_flash "$SIM_TMP/img/v2-user1.bin"
run_sim "v3 that cannot start rolls back" "device running v2.0.0 from user1" \
  "firmware in user2 could not start" "v3.0.0 in user2 failed its trial and was rolled back"

# The 512+512 layout (1 MB chip): same cycle, other addresses.
if [[ -n $E2E_LAYOUT ]]; then
  echo "skipped: update on esp8266-1m (the firmware does not fit its slots on $E2E_LAYOUT builds)"
else
  serve user2.bin "$SIM_TMP/img/v2-user2.bin"
  fresh_flash "$SIM_TMP/img/v1-user1.bin" --layout esp8266-1m
  CASES=$((CASES + 1))
  run_sim "update v1 -> v2 on esp8266-1m" "device running v2.0.0 from user2" "CRC check ok" \
    -- --layout esp8266-1m
fi
stop_server

echo "$((CASES - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
