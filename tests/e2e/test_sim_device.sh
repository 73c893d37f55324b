#!/usr/bin/env bash
# The simulated device itself: abota flash's checks, the watchdog, the boot
# bound, a flash with nothing bootable, the fallback when the active slot's
# image is damaged in flash, a flash without a boot record, and rollbacks.
# Usage: test_sim_device.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
CASES=0

# expect_fail NAME TEXT CMD...: CMD must exit nonzero and print TEXT (and,
# when it runs abota sim --loader crc32, say that loader ran).
expect_fail() {
  local name=$1 text=$2 out=$SIM_TMP/cmd.out mark=
  shift 2
  [[ " $* " == *" --loader crc32 "* ]] && mark=$CRC32_LOADER_MARK
  CASES=$((CASES + 1))
  timeout 30 "$@" >"$out" 2>&1
  local rc=$?
  if [[ $rc -ne 0 && $rc -ne 124 ]] && grep -qF -- "$text" "$out" &&
    { [[ -z $mark ]] || grep -qF -- "$mark" "$out"; }; then
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
  "$ABOTA" sim ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"} --flash "$SIM_TMP/none.img" --url "http://127.0.0.1:1/user%d.bin"

truncate -s 1048576 "$SIM_TMP/1m.img"
expect_fail "sim: flash file of another size names both and the layout that fits" \
  "is 1048576 bytes, the flash of layout esp8266-1024+1024 is 2097152 bytes: try --layout esp8266-512+512" \
  "$ABOTA" sim --layout esp8266-2m --flash "$SIM_TMP/1m.img" --url "http://127.0.0.1:1/user%d.bin"
[[ $(grep -c . "$SIM_TMP/cmd.out") -eq 1 ]] || { echo "FAIL sim: more than one message for one failure"; sed 's/^/  | /' "$SIM_TMP/cmd.out"; FAILS=$((FAILS + 1)); }

expect_fail "sim: unknown loader" "--loader wants full, crc32 or signed" \
  "$ABOTA" sim --loader nosuch --flash "$SIM_TMP/none.img" --url "http://127.0.0.1:1/user%d.bin"

# A URL the device could not use is refused before anything boots, exit 2.
for bad in "ftp://127.0.0.1/user%d.bin|ABOTA_ERR_URL_SCHEME" \
  "http://127.0.0.1:70000/user%d.bin|ABOTA_ERR_URL_PORT" \
  "http://127.0.0.1/user%d-%d.bin|more than one %d" \
  "http://127.0.0.1/user%s.bin|'%' must be followed by 'd'"; do
  expect_fail "sim: --url ${bad%%|*} refused" "${bad#*|}" \
    "$ABOTA" sim --flash "$SIM_TMP/none.img" --url "${bad%%|*}"
  [[ ! -e $SIM_TMP/none.img ]] || { echo "FAIL sim: a bad --url still touched the flash file"; FAILS=$((FAILS + 1)); }
done
"$ABOTA" sim --flash "$SIM_TMP/none.img" --url "ftp://x/" >/dev/null 2>&1
[[ $? -eq 2 ]] || { echo "FAIL sim: a bad --url is not exit 2"; FAILS=$((FAILS + 1)); }

# The ESP8266 loader boots only what starts with an Espressif header: a bare
# executable (not packed with --wrap-e9) is nothing to it.
"$ABOTA" pack --version 1.0.0 --slot 1 -o "$SIM_TMP/img/bare-v1-user1.bin" "$DEMO" >/dev/null ||
  { echo "FAIL: abota pack $DEMO"; exit 1; }
fresh_flash "$SIM_TMP/img/bare-v1-user1.bin"
expect_fail "sim --loader crc32: bare executable not bootable" \
  "boots only images packed with --wrap-e9" \
  "$ABOTA" sim --flash "$FLASH" ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} --loader crc32 \
  --url "http://127.0.0.1:1/user%d.bin"

# One damaged byte in user1, nothing in user2: nothing to boot.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
flip_byte "$FLASH" $((0x1000 + 5000))
expect_fail "sim: nothing bootable" "nothing bootable" \
  "$ABOTA" sim ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"} --flash "$FLASH" ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} \
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
  "$ABOTA" sim ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"} --flash "$FLASH" ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} \
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

# A flash as esptool leaves it (v1 in user1, no boot record): the
# bootloader boots user1 by itself (the full choice writes a record; the
# ESP8266 loader leaves that to the firmware's first confirm), and v1
# updates to v2.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
erase_bootrec "$FLASH"
CASES=$((CASES + 1))
run_sim "flash without a boot record boots user1, which updates" \
  "device running v2.0.0 from user2" "(no boot record)" "downloading user2.bin" \
  "self-test ok"

# The same flash updated to a v3 that crashes: the rollback goes back to
# the slot the bootloader first found without a record. Its record entry
# was written, verified, by the firmware's first confirm (the ESP8266
# loader writes no record when there is none), so both loaders roll back
# to it and the firmware knows its version.
serve_none
serve user2.bin "$SIM_TMP/img/crash-v3-user2.bin"
fresh_flash "$SIM_TMP/img/v2-user1.bin"
erase_bootrec "$FLASH"
CASES=$((CASES + 1))
SIM_RC=1 run_sim "flash without a boot record, crashing v3 rolls back" "device running v2.0.0 from user1" \
  "(no boot record)" "(rollback: user2 failed its trial)" \
  "v3.0.0 in user2 failed its trial and was rolled back"

# A v3 that exits with an error (/bin/false) and one that is no program at
# all: both fail their trial and the device rolls back to v2.
pack /bin/false 3.0.0 2 "$SIM_TMP/img/false-v3-user2.bin"
printf 'not a program\n' >"$SIM_TMP/img/text"
pack "$SIM_TMP/img/text" 3.0.0 2 "$SIM_TMP/img/text-v3-user2.bin"
CASES=$((CASES + 2))
serve_none
serve user2.bin "$SIM_TMP/img/false-v3-user2.bin"
fresh_flash "$SIM_TMP/img/v2-user1.bin"
SIM_RC=1 run_sim "v3 exiting with status 1 rolls back" "device running v2.0.0 from user1" \
  "firmware in user2 exited with status 1" "v3.0.0 in user2 failed its trial and was rolled back"
serve user2.bin "$SIM_TMP/img/text-v3-user2.bin"
fresh_flash "$SIM_TMP/img/v2-user1.bin"
SIM_RC=1 run_sim "v3 that cannot start rolls back" "device running v2.0.0 from user1" \
  "firmware in user2 could not start" "v3.0.0 in user2 failed its trial and was rolled back"

# Under the core's choice a wrapped image (abota pack --wrap-e9, what
# ABOTA_E2E_LOADER=crc32 packs) runs as well: its one segment is the firmware.
if [[ $E2E_LOADER == full ]]; then
  "$ABOTA" pack --wrap-e9 --version 1.0.0 --slot 1 -o "$SIM_TMP/img/e9-v1-user1.bin" "$DEMO" \
    >/dev/null && "$ABOTA" pack --wrap-e9 --version 2.0.0 --slot 2 \
    -o "$SIM_TMP/img/e9-v2-user2.bin" "$DEMO" >/dev/null ||
    { echo "FAIL: abota pack --wrap-e9 $DEMO"; exit 1; }
  serve_none
  serve user2.bin "$SIM_TMP/img/e9-v2-user2.bin"
  fresh_flash "$SIM_TMP/img/e9-v1-user1.bin"
  CASES=$((CASES + 1))
  run_sim "wrapped images under --loader full: update v1 -> v2" \
    "device running v2.0.0 from user2" "CRC check ok" "self-test ok"
fi

# Progress: into a log (run_sim's file) one line per 10 %, nothing redrawn;
# on a terminal (script(1) gives the simulator a pty) a bar drawn in place.
serve_none
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
fresh_flash "$SIM_TMP/img/v1-user1.bin"
CASES=$((CASES + 2))
run_sim "progress into a log: a line per 10 %" "device running v2.0.0 from user2" \
  "progress   0% " "progress  50% " "progress 100% "
if grep -q '\[#' "$SIM_TMP/sim.out"; then
  echo "FAIL progress into a log: a bar was drawn"
  FAILS=$((FAILS + 1))
fi
# An Espressif user2 bin linked for a 512+512 map, served to a device whose
# user2 sits at 0x101000 (or 0x401000): its code could not run there, so it
# is refused before the boot record changes, not tried and rolled back.
serve_none
serve user2.bin "$BUILD/tests/espbins/gen-512+512/user2.1024.new.2.bin"
fresh_flash "$SIM_TMP/img/v1-user1.bin"
CASES=$((CASES + 1))
SIM_RC=1 run_sim "Espressif bin for another flash map refused" "device running v1.0.0 from user1" \
  "the update was not made: Espressif user bin linked for another flash map"
if grep -q "trial" "$SIM_TMP/sim.out"; then
  echo "FAIL Espressif bin for another flash map: a trial boot was tried"
  FAILS=$((FAILS + 1))
fi

# -q: the device's state is all that is printed; a refusal's reason still
# goes to stderr.
serve_none
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
serve user1.bin "$SIM_TMP/img/v2-user1.bin"
fresh_flash "$SIM_TMP/img/v1-user1.bin"
CASES=$((CASES + 1))
q_out=$(timeout 45 "$ABOTA" -q sim --flash "$FLASH" --url "$URL" --watchdog 20 \
  ${E2E_LAYOUT:+--layout "$E2E_LAYOUT"} ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"} 2>&1)
q_rc=$?
if [[ $q_rc -eq 0 && $q_out == "device running v2.0.0 from user2" ]]; then
  echo "ok   sim -q: the last line only"
else
  echo "FAIL sim -q: exit $q_rc, output:"
  sed 's/^/  | /' <<<"$q_out"
  FAILS=$((FAILS + 1))
fi

fresh_flash "$SIM_TMP/img/v1-user1.bin"
if ! command -v script >/dev/null; then
  echo "FAIL: script(1) missing (bsdutils)"
  FAILS=$((FAILS + 1))
else
  tty_layout=()
  [[ -n $E2E_LAYOUT ]] && tty_layout=(--layout "$E2E_LAYOUT")
  timeout 45 script -qec "$(printf '%q ' "$ABOTA" sim --flash "$FLASH" --url "$URL" \
    --watchdog 20 ${tty_layout[@]+"${tty_layout[@]}"} ${LOADER_ARGS[@]+"${LOADER_ARGS[@]}"})" \
    /dev/null >"$SIM_TMP/tty.out" 2>&1
  if grep -qF '[########################################] 100%' "$SIM_TMP/tty.out" &&
     ! grep -q '^progress ' "$SIM_TMP/tty.out"; then
    echo "ok   progress on a terminal: a bar"
  else
    echo "FAIL progress on a terminal: no bar"
    sed 's/^/  | /' "$SIM_TMP/tty.out" | tr '\r' '\n' | head -30
    FAILS=$((FAILS + 1))
  fi
fi

stop_server

echo "$((CASES - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
