# shellcheck shell=bash disable=SC2034  # sets variables for the scripts that source it
# Shared helpers for the tests that use abota the way an adopter does: from
# an install, as a subdirectory, or by the README's own words (sourced, not
# run; check_lib.sh comes with it).
#
# pkg_setup BUILD_DIR (the script's first argument) sets:
#   BUILD      the build dir, absolute
#   TMP        a scratch dir, removed at exit (a script that sets its own
#              EXIT trap removes it there)
#   SRC        abota's source tree
#   CC         the build's C compiler
#   SAN_FLAGS  an array, the build's -fsanitize flag (none unless ABOTA_SANITIZE):
#              what links with its libraries must have them too
#   LIBDIR     lib (or lib/<arch>): where the install puts libraries and .pc files

# shellcheck source=check_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
# shellcheck source=valgrind.sh
source "$(dirname "${BASH_SOURCE[0]}")/valgrind.sh"

cache_get() { # NAME: its value in the build's CMakeCache.txt
  sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"
}

pkg_setup() {
  [[ -f ${1:-}/CMakeCache.txt ]] || { echo "usage: $0 BUILD_DIR (a configured build)"; exit 1; }
  BUILD=$(cd "$1" && pwd)
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  CC=$(cache_get CMAKE_C_COMPILER)
  LIBDIR=$(cache_get CMAKE_INSTALL_LIBDIR)
  local san
  san=$(cache_get ABOTA_SANITIZE)
  SAN_FLAGS=()
  [[ -z $san ]] || SAN_FLAGS=("-fsanitize=$san")
}

# pkg_install PREFIX: cmake --install of the build into PREFIX.
pkg_install() {
  cmake --install "$BUILD" --prefix "$1" >"$TMP/install.log" 2>&1 ||
    { echo "FAIL: cmake --install $BUILD --prefix $1"; cat "$TMP/install.log"; exit 1; }
}

# readme_block ERE: the first fenced block of README.md (without its fences)
# with a line that matches ERE; fails when there is none.
readme_block() {
  awk -v re="$1" '
    /^```/ { if (inb) { if (hit) { printf "%s", buf; found = 1; exit } inb = 0 }
             else { inb = 1; buf = ""; hit = 0 }
             next }
    inb { buf = buf $0 "\n"; if ($0 ~ re) hit = 1 }
    END { exit !found }' "$SRC/README.md" ||
    { echo "FAIL: README.md has no fenced block with a line matching /$1/"; exit 1; }
}

# readme_port: 3344, the port the README's lines use, or a free port when
# something already listens there (a demo run by hand, CI).
readme_port() {
  if python3 -c 'import socket; socket.socket().bind(("127.0.0.1", 3344))' 2>/dev/null; then
    echo 3344
  else
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
  fi
}
