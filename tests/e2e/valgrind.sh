# Sourced by e2e scripts. With ABOTA_VALGRIND=1 (`make valgrind` sets it),
# valgrind_wrap BIN DIR writes DIR/<name>-valgrind, a script that runs BIN
# under valgrind memcheck, children included (the simulated device's
# firmware), and prints its path; otherwise it prints BIN. A memory error or
# a leak then fails the command with exit status 99.
#   source "$(dirname "$0")/valgrind.sh"
#   ABOTA=$(valgrind_wrap "$BUILD/abota" "$TMP")
valgrind_wrap() {
  local bin=$1 dir=$2
  if [[ ${ABOTA_VALGRIND:-0} != 1 ]]; then
    printf '%s\n' "$bin"
    return
  fi
  local wrap=$dir/$(basename "$bin")-valgrind
  cat >"$wrap" <<SH
#!/usr/bin/env bash
exec valgrind -q --error-exitcode=99 --leak-check=full \\
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
  --trace-children=yes --trace-children-skip='/bin/*,/usr/bin/*,/usr/sbin/*' \\
  "$bin" "\$@"
SH
  chmod +x "$wrap"
  printf '%s\n' "$wrap"
}
