#!/usr/bin/env bash
# cmake --install of this build into a scratch prefix, which is then moved
# (the package and the .pc files must not depend on where they were
# installed), and the consumer project (tests/consumer) built against it
# twice and run: with find_package(abota CONFIG) and abota::core /
# abota::posix, and with `pkg-config --cflags --libs abota`.
# usage: test_install_consumer.sh BUILD_DIR
set -euo pipefail

# shellcheck source=pkg_lib.sh
source "$(dirname "$0")/pkg_lib.sh"
pkg_setup "${1:-}"
VERSION=$(sed -n 's/^#define ABOTA_VERSION_STRING "\(.*\)"$/\1/p' "$SRC/include/abota/version.h")

pkg_install "$TMP/inst"
mv "$TMP/inst" "$TMP/prefix"
P=$TMP/prefix

# 1. what the install holds
for f in "$LIBDIR/libabota_core.a" "$LIBDIR/libabota_posix.a" include/abota/abota.h \
         include/abota/update.h include/abota/config.h include/abota/port_posix.h bin/abota \
         "$LIBDIR/cmake/abota/abotaConfig.cmake" "$LIBDIR/cmake/abota/abotaConfigVersion.cmake" \
         "$LIBDIR/pkgconfig/abota.pc" "$LIBDIR/pkgconfig/abota-posix.pc"; do
    [[ -f $P/$f ]] || fail "not installed: $f"
done
run "$P/bin/abota" --version
expect_rc 0 "installed abota --version"
expect_out "^abota $VERSION\$" "installed abota --version"
if grep -rqF -e "$BUILD" -e "$SRC" "$P/$LIBDIR/cmake/abota" "$P/$LIBDIR/pkgconfig"; then
    fail "the package or a .pc file names the build or the source tree"
fi
# The consumer checks the profile its headers came with.
PROFILE=$(cache_get ABOTA_PROFILE)
EXPECT=OFF
[[ $PROFILE == small ]] && EXPECT=ON

# 2. find_package(abota CONFIG), abota::core and abota::posix
run cmake -S "$SRC/tests/consumer" -B "$TMP/cmake" -DCMAKE_PREFIX_PATH="$P" \
    -DCMAKE_C_COMPILER="$CC" "-DCMAKE_C_FLAGS=${SAN_FLAGS[*]}" -DCONSUMER_EXPECT_SMALL=$EXPECT
expect_rc 0 "configure tests/consumer with find_package"
run cmake --build "$TMP/cmake"
expect_rc 0 "build tests/consumer against the installed package"
run "$(valgrind_wrap "$TMP/cmake/consumer" "$TMP")"
expect_rc 0 "consumer (find_package)"
expect_out "^consumer ok: abota $VERSION, $PROFILE profile\$" "consumer (find_package)"
run "$(valgrind_wrap "$TMP/cmake/consumer_posix" "$TMP")" "$TMP/flash.img"
expect_rc 0 "consumer_posix (find_package, abota::posix)"
expect_out '^consumer_posix ok$' "consumer_posix"

# The version file: this version is found, the next minor one is not.
next=$(awk -F. '{ print $1 "." $2 + 1 }' <<<"$VERSION")
for want in "$VERSION:0" "$next:1"; do
    mkdir -p "$TMP/ver"
    printf '%s\n' 'cmake_minimum_required(VERSION 3.20)' 'project(v LANGUAGES C)' \
        "find_package(abota ${want%%:*} CONFIG REQUIRED)" >"$TMP/ver/CMakeLists.txt"
    rm -rf "$TMP/ver/b"
    run cmake -S "$TMP/ver" -B "$TMP/ver/b" -DCMAKE_PREFIX_PATH="$P"
    expect_rc "${want##*:}" "find_package(abota ${want%%:*}) of $VERSION"
done

# 3. pkg-config
export PKG_CONFIG_PATH=$P/$LIBDIR/pkgconfig
run pkg-config --modversion abota
expect_rc 0 "pkg-config --modversion abota"
[[ $out == "$VERSION" ]] || fail "pkg-config --modversion abota: '$out', want $VERSION"
pc_defs=()
[[ $EXPECT == ON ]] && pc_defs=(-DCONSUMER_EXPECT_SMALL=1)
# shellcheck disable=SC2046  # pkg-config's output is words
run "$CC" -std=c11 -Wall -Wextra -Werror "${SAN_FLAGS[@]}" "${pc_defs[@]}" -o "$TMP/consumer_pc" \
    "$SRC/tests/consumer/consumer.c" $(pkg-config --cflags --libs abota)
expect_rc 0 "cc consumer.c \$(pkg-config --cflags --libs abota)"
run "$(valgrind_wrap "$TMP/consumer_pc" "$TMP")"
expect_rc 0 "consumer (pkg-config)"
expect_out "^consumer ok: abota $VERSION, $PROFILE profile\$" "consumer (pkg-config)"
# shellcheck disable=SC2046
run "$CC" -std=c11 -Wall -Wextra -Werror "${SAN_FLAGS[@]}" -o "$TMP/consumer_posix_pc" \
    "$SRC/tests/consumer/consumer_posix.c" $(pkg-config --cflags --libs abota-posix)
expect_rc 0 "cc consumer_posix.c \$(pkg-config --cflags --libs abota-posix)"
run "$(valgrind_wrap "$TMP/consumer_posix_pc" "$TMP")" "$TMP/flash2.img"
expect_rc 0 "consumer_posix (pkg-config)"

checks_done
