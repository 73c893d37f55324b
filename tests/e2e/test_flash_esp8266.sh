#!/usr/bin/env bash
# abota flash --boot --init-data: a whole ESP8266 chip in one file, for both
# maps, from the bins the build generates (tests/support/espbins_gen.py:
# e9-pad3.bin stands for the boot image, phy_init.bin for the init data) or,
# with "espressif", from Espressif's boot_v1.7.bin, esp_init_data_default_v08
# and AT user bins (Skipped, exit 77, when missing). Checks every byte that
# matters: the boot image at 0x0 with the layout's size map in its header and
# nothing else changed, user1 and its boot record, the init data 0x4000 below
# the end, RF calibration and the SDK's parameter sectors erased; and the
# refusals (a user bin for the other map, a boot image over one sector, a
# layout that is not an ESP8266 one).
# usage: test_flash_esp8266.sh BUILD_DIR BINS_DIR [espressif]
set -euo pipefail

BUILD=${1:?usage: $0 BUILD_DIR BINS_DIR [espressif]}
FIX=${2:?usage: $0 BUILD_DIR BINS_DIR [espressif]}
ABOTA="$BUILD/abota"
if [[ ${3:-} == espressif ]]; then
    BOOT=$FIX/boot_v1.7.bin INIT=$FIX/esp_init_data_default_v08.bin
    U5=$FIX/at-1024+1024/user1.2048.new.5.bin U2=$FIX/at-512+512/user1.1024.new.2.bin
else
    BOOT=$FIX/e9-pad3.bin INIT=$FIX/phy_init.bin
    U5=$FIX/gen-1024+1024/user1.2048.new.5.bin U2=$FIX/gen-512+512/user1.1024.new.2.bin
fi
for f in "$BOOT" "$INIT" "$U5" "$U2"; do
    if [[ ! -f $f ]]; then
        [[ ${3:-} == espressif ]] && { echo "SKIP: $f is missing (test data beside the project)"; exit 77; }
        echo "FATAL: $f is missing: the build writes it (tests/support/espbins_gen.py)" >&2
        exit 1
    fi
done
[[ -x "$ABOTA" ]] || { echo "FATAL: $ABOTA not built" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=valgrind.sh
source "$(dirname "$0")/valgrind.sh"
ABOTA=$(valgrind_wrap "$ABOTA" "$TMP")
fails=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
# bytes FILE OFFSET LEN: hex of LEN bytes at OFFSET
bytes() { od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
# same WHAT A AOFF B BOFF LEN: the ranges hold the same bytes
same() {
    cmp -s <(bytes "$2" "$3" "$6") <(bytes "$4" "$5" "$6") || fail "$1 differs"
}
erased() { # WHAT FILE OFFSET LEN
    [[ $(bytes "$2" "$3" "$4" | tr -d f) == "" ]] || fail "$1 is not erased"
}

# whole_chip LAYOUT MAP SIZE USERBIN
whole_chip() {
    local layout=$1 map=$2 size=$3 user=$4 img=$TMP/$1.img
    "$ABOTA" pack --version 1.0.0 -o "$TMP/user1.bin" "$user" >/dev/null
    if ! out=$("$ABOTA" flash --out "$img" --layout "$layout" --boot "$BOOT" --init-data "$INIT" \
               "$TMP/user1.bin" 2>&1); then
        fail "$layout: abota flash: $out"
        return
    fi
    [[ $(stat -c %s "$img") -eq $size ]] || fail "$layout: image is not $size bytes"
    local blen ilen
    blen=$(stat -c %s "$BOOT")
    ilen=$(stat -c %s "$INIT")
    # 0x0: the boot image, byte 3 = size map << 4 | the image's clock nibble.
    same "$layout: boot header bytes 0-2" "$img" 0 "$BOOT" 0 3
    local b3 want
    b3=$(bytes "$BOOT" 3 1)
    want=$(printf '%02x' $(((map << 4) | (0x$b3 & 0x0F))))
    [[ $(bytes "$img" 3 1) == "$want" ]] || fail "$layout: header byte 3 is not $want"
    same "$layout: boot image after its header" "$img" 4 "$BOOT" 4 $((blen - 4))
    erased "$layout: rest of sector 0" "$img" "$blen" $((4096 - blen))
    dd if="$img" of="$TMP/boot0.bin" bs=1 count="$blen" status=none
    "$ABOTA" inspect "$TMP/boot0.bin" >/dev/null || fail "$layout: the boot image at 0x0 does not verify"
    # user1 and the init data.
    same "$layout: user1" "$img" 4096 "$TMP/user1.bin" 0 "$(stat -c %s "$TMP/user1.bin")"
    same "$layout: init data" "$img" $((size - 0x4000)) "$INIT" 0 "$ilen"
    erased "$layout: RF calibration" "$img" $((size - 0x5000)) 4096
    erased "$layout: rest of the init data sector" "$img" $((size - 0x4000 + ilen)) $((4096 - ilen))
    erased "$layout: SDK parameters" "$img" $((size - 0x3000)) 12288
    echo "ok   $layout: boot at 0x0 (map $map), user1, init data at $(printf 0x%X $((size - 0x4000)))"
}

whole_chip esp8266-1024+1024 5 $((0x200000)) "$U5"
whole_chip esp8266-512+512 2 $((0x100000)) "$U2"

# Refusals.
"$ABOTA" pack --version 1.0.0 -o "$TMP/u5.bin" "$U5" >/dev/null
refuse() { # WHAT TEXT ARGS...
    local what=$1 text=$2
    shift 2
    set +e
    out=$("$ABOTA" flash --out "$TMP/x.img" "$@" 2>&1)
    local rc=$?
    set -e
    if [[ $rc -ne 0 ]] && grep -qF -- "$text" <<<"$out"; then
        echo "ok   refused: $what"
    else
        fail "$what: exit $rc, want nonzero and '$text': $out"
    fi
}
refuse "a user bin for map 5 on a 512+512 chip" "size map 5" \
    --layout esp8266-512+512 --boot "$BOOT" "$TMP/u5.bin"
refuse "a boot image over one sector" "larger than 4096" \
    --layout esp8266-1024+1024 --boot "$U5" "$TMP/u5.bin"
refuse "a user bin as boot image" "" \
    --layout esp8266-1024+1024 --boot "$INIT" "$TMP/u5.bin"
refuse "--boot on a layout that is not an ESP8266 one" "need an ESP8266 layout" \
    --layout sim-8m --boot "$BOOT" "$TMP/u5.bin"

[[ $fails -eq 0 ]] || { echo "$fails failed"; exit 1; }
echo "all ok"
