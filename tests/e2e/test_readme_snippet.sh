#!/usr/bin/env bash
# The README's library program (ota.c, "One update, as a program") and its
# build command, taken from README.md: the command is run as written
# against a scratch install of this build, and must compile the program
# as written; warnings fail a second build. The program then updates a
# flash file that `abota flash` wrote from `abota serve` (on a free port,
# put in its URL), and slot 2 must hold exactly the image served.
# usage: test_readme_snippet.sh BUILD_DIR
set -euo pipefail

# shellcheck source=sim_lib.sh
source "$(dirname "$0")/sim_lib.sh"
# shellcheck source=pkg_lib.sh
source "$(dirname "$0")/pkg_lib.sh"
pkg_setup "${1:-}"
# abota serve (start_server) is stopped at exit, and TMP removed.
SIM_TMP=$TMP
trap sim_cleanup EXIT
ABOTA=$(valgrind_wrap "$BUILD/abota" "$TMP")
W=$TMP/work
mkdir -p "$W" "$TMP/www"

readme_block 'abota_update_run\(&u' >"$W/ota.c"
cmd=$(readme_block '^cc .*pkg-config')
[[ $(wc -l <<<"$cmd") -eq 1 ]] || fail "the build command is not one line: $cmd"

pkg_install "$TMP/prefix"
export PKG_CONFIG_PATH=$TMP/prefix/$LIBDIR/pkgconfig
# The README's `cc`, with this build's compiler and sanitizers.
cc() { "$CC" "${SAN_FLAGS[@]}" "$@"; }
run eval "cd '$W' && $cmd"
expect_rc 0 "README: $cmd"
[[ $rc -eq 0 ]] || checks_done
# shellcheck disable=SC2046  # pkg-config's output is words
run cc -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror -c -o "$TMP/ota.o" "$W/ota.c" \
    $(pkg-config --cflags abota-posix)
expect_rc 0 "ota.c without a warning"

# A missing flash file is told, not crashed on.
run "$(valgrind_wrap "$W/ota" "$TMP")"
expect_rc 1 "ota without flash.img"
expect_out '^flash.img: ' "ota without flash.img"

# v1.0.0 in user1 and user2.bin v2.0.0 on the server: any payload will do,
# the update checks the image, it does not run it.
head -c 150001 /dev/urandom >"$TMP/fw.bin"
"$ABOTA" pack --version 1.0.0 --slot 1 -o "$TMP/v1.bin" "$TMP/fw.bin" >/dev/null
"$ABOTA" pack --version 2.0.0 --slot 2 -o "$TMP/www/user2.bin" "$TMP/fw.bin" >/dev/null
"$ABOTA" flash --out "$W/flash.img" "$TMP/v1.bin" >/dev/null
start_server abota
sed "s|127\.0\.0\.1:3344/|127.0.0.1:$PORT/|" "$W/ota.c" >"$TMP/ota_port.c"
grep -q "127.0.0.1:$PORT/" "$TMP/ota_port.c" || fail "no 127.0.0.1:3344 URL in ota.c"
# shellcheck disable=SC2046
cc -std=c11 -o "$W/ota" "$TMP/ota_port.c" $(pkg-config --cflags --libs abota-posix)

cd "$W"
run timeout 120 "$(valgrind_wrap "$W/ota" "$TMP")"
expect_rc 0 "ota, user2.bin v2.0.0 served"
expect_out '^installed in user2: the next boot runs it, in trial$' "ota"
# user2 starts at 0x101000 in esp8266-2m.
size=$(wc -c <"$TMP/www/user2.bin")
cmp -s -n "$size" <(tail -c +$((0x101000 + 1)) flash.img) "$TMP/www/user2.bin" ||
    fail "user2 in flash.img is not the image served"

checks_done
