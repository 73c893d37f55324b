# Sourced by e2e scripts. ABOTA_RUN is the prefix for starting abota's own
# binaries (the CLI, a simulated device): empty normally, valgrind memcheck
# when ABOTA_VALGRIND=1 (`make valgrind` sets it), so a memory error or a
# leak in them fails the script with exit status 99.
#   source "$(dirname "$0")/valgrind.sh"
#   "${ABOTA_RUN[@]}" "$BUILD/tools/abota/abota" inspect fw.bin
if [[ ${ABOTA_VALGRIND:-0} == 1 ]]; then
  ABOTA_RUN=(valgrind -q --error-exitcode=99 --leak-check=full
             --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
else
  ABOTA_RUN=()
fi
