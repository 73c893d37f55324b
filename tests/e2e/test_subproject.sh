#!/usr/bin/env bash
# abota as a subproject: the consumer project (tests/consumer) adds this
# source tree with add_subdirectory(), configured with only PATH in the
# environment and the small profile. It must get the libraries and nothing
# else (no tests, fuzzers, benchmarks, examples, CLI, and no test-only
# package looked up), and the profile's definitions must reach the
# consumer's own targets, which abota's directory-wide ones do not.
# usage: test_subproject.sh BUILD_DIR
set -euo pipefail

# shellcheck source=pkg_lib.sh
source "$(dirname "$0")/pkg_lib.sh"
pkg_setup "${1:-}"

B=$TMP/b
run env -i PATH="$PATH" HOME="$TMP" cmake -S "$SRC/tests/consumer" -B "$B" \
    -DABOTA_SOURCE_DIR="$SRC" -DABOTA_PROFILE=small -DCONSUMER_EXPECT_SMALL=ON \
    -DCMAKE_C_COMPILER="$CC"
expect_rc 0 "configure tests/consumer with add_subdirectory(abota)"
[[ $rc -eq 0 ]] || checks_done

run cmake --build "$B" --target help
expect_rc 0 "the target list"
targets=$out
for t in abota_core abota_posix consumer consumer_posix; do
    grep -qx "\.\.\. $t" <<<"$targets" || fail "no target $t"
done
# One of each kind that is not the library's.
for t in abota test_url test_update abota_test_support abota_fault fuzz_http bench_crc32 \
         abota_sig_ref ota_demo abota_espbins; do
    grep -qx "\.\.\. $t" <<<"$targets" && fail "target $t exists in a subproject build"
done
# Nothing the tests alone need was even looked up.
for v in CMOCKA_LIB BENCH_ZLIB Python3_EXECUTABLE; do
    grep -q "^$v:" "$B/CMakeCache.txt" && fail "$v looked up in a subproject build"
done
[[ -e $B/CTestTestfile.cmake || -e $B/abota/CTestTestfile.cmake ]] &&
    fail "testing enabled in a subproject build"

run cmake --build "$B" -j 2
expect_rc 0 "build the consumer and abota's libraries"
run "$(valgrind_wrap "$B/consumer" "$TMP")"
expect_rc 0 "consumer (add_subdirectory)"
expect_out '^consumer ok: abota [0-9.]+, small profile$' "consumer (add_subdirectory)"
run "$(valgrind_wrap "$B/consumer_posix" "$TMP")" "$TMP/flash.img"
expect_rc 0 "consumer_posix (add_subdirectory)"
[[ -e $B/abota/abota ]] && fail "the CLI was built in a subproject build"

checks_done
