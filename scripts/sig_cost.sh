#!/usr/bin/env bash
# What the ECDSA P-256 verifier (src/crypto/sig_p256.c) costs a device, on
# the ESP8266's CPU (lx106) and a Cortex-M3, both at -Os as the core is
# built (cmake/toolchain-*.cmake):
#   1. code: Berkeley text (code + constants) of sig_p256.o from the core's
#      build, and on the lx106 also after a firmware link's relaxation
#      (long calls within reach become direct calls, equal literals merge;
#      scripts/size_irom.ld, as scripts/size.sh does);
#   2. stack: the deepest path from abota_sig_p256_verify, from GCC's
#      -fcallgraph-info=su on the same compile command
#      (scripts/stack_usage.py); C library calls (memcpy, memset, memcmp)
#      count as 0, as do the lx106 ROM's integer helpers;
#   3. instructions per verification under QEMU with -icount
#      (bench/sigcost/sig_count.c): exact emulated instruction counts,
#      not cycles (a real ESP8266 adds flash-cache wait states, and some
#      instructions take more than one cycle);
#   4. wall time per verification in QEMU (plain TCG, no -icount): the run
#      of sig_count less a run of a trivial program (QEMU's start-up), over
#      the number of verifications; the emulator's speed, not the chip's;
#   5. on the host, the same verifier against mbedTLS's in one process
#      (bench/bench_sig.c): "sig_p256 / mbedTLS time".
# Reuses build-lx106/ and build-cm3/ (make test-lx106 / test-cortex-m) and
# build/ (make build), configuring them when missing.
# Usage: scripts/sig_cost.sh   (or: make sig-cost)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BUILD_LX106=${BUILD_LX106:-build-lx106}
BUILD_CM3=${BUILD_CM3:-build-cm3}
QEMU_OPTS=(-semihosting -display none -serial none -monitor none)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

configure() { # dir [cmake args]
  local dir=$1
  shift
  [[ -f $dir/CMakeCache.txt ]] || cmake -S . -B "$dir" "$@" >/dev/null
}

# The compile command of sig_p256.c in a tree, run again with
# -fcallgraph-info=su into $TMP/NAME.o; prints the .ci file's path.
callgraph() { # dir name
  local dir=$1 name=$2
  python3 - "$dir" "$TMP/$name.o" <<'EOF'
import json, shlex, subprocess, sys
tree, out = sys.argv[1], sys.argv[2]
for e in json.load(open(tree + "/compile_commands.json")):
    if e["file"].endswith("/crypto/sig_p256.c"):
        args = shlex.split(e["command"])
        args[args.index("-o") + 1] = out
        subprocess.run(args + ["-fcallgraph-info=su"], cwd=e["directory"], check=True)
        break
else:
    sys.exit("sig_cost.sh: no compile command for sig_p256.c in " + tree)
EOF
  echo "$TMP/$name.ci"
}

# Seconds of wall time for one QEMU run of an ELF (the best of three).
qemu_seconds() { # elf qemu...
  local elf=$1 best=0 t0 t
  shift
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    timeout 300 "$@" "${QEMU_OPTS[@]}" -kernel "$elf" >/dev/null
    t=$(($(date +%s%N) - t0))
    ((best == 0 || t < best)) && best=$t
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

report() { # label dir toolchain size-tool qemu...
  local label=$1 dir=$2 toolchain=$3 size=$4
  shift 4
  configure "$dir" -DCMAKE_TOOLCHAIN_FILE="$toolchain"
  cmake --build "$dir" --target abota_core sig_count footprint_sizes >/dev/null
  local obj=$dir/src/CMakeFiles/abota_core.dir/crypto/sig_p256.c.obj
  echo "== $label"
  local text
  text=$("$size" "$obj" | awk 'NR == 2 { print $1 }')
  printf "%10d  bytes of code and constants: text of sig_p256.o (-Os)\n" "$text"
  if [[ $size == xtensa-lx106-elf-size ]]; then
    xtensa-lx106-elf-gcc -nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,abota_sig_p256_verify \
      -Wl,-T,scripts/size_irom.ld -Wl,--unresolved-symbols=ignore-all -o "$TMP/relaxed.elf" "$obj"
    printf "%10d  bytes in a firmware link (ld relaxation, scripts/size_irom.ld)\n" \
      "$(xtensa-lx106-elf-size -A "$TMP/relaxed.elf" | awk '$1 == ".irom0.text" { print $2 }')"
  fi
  local ci stack
  ci=$(callgraph "$dir" "sig_$label")
  stack=$(python3 scripts/stack_usage.py abota_sig_p256_verify "$ci")
  printf "%10d  bytes of stack at most (deepest path below)\n" \
    "$(echo "$stack" | awk '/^peak stack/ { print $(NF - 3) }')"
  echo "$stack" | sed 's/^/            /'
  local elf=$dir/bench/sigcost/sig_count.elf
  local counts
  counts=$(timeout 300 "$@" -icount shift=0 "${QEMU_OPTS[@]}" -kernel "$elf")
  echo "$counts" | grep -q "sig_count: ok" || { echo "$counts"; exit 1; }
  echo "$counts" | awk '/instructions per verification/ { sub(/^ +/, ""); print "  " $0 }'
  local n run idle
  n=$(echo "$counts" | grep -c "  instructions  ")
  run=$(qemu_seconds "$elf" "$@")
  idle=$(qemu_seconds "$dir/bench/footprint/footprint_sizes.elf" "$@")
  awk -v r="$run" -v i="$idle" -v n="$n" 'BEGIN {
    printf "%10.1f  ms of QEMU wall time per verification (%d in %.2f s, less %.2f s of start-up)\n",
      (r - i) * 1000 / n, n, r, i }'
  echo
}

report lx106 "$BUILD_LX106" cmake/toolchain-lx106.cmake xtensa-lx106-elf-size \
  qemu-system-xtensa -M sim -cpu lx106
report cm3 "$BUILD_CM3" cmake/toolchain-cortex-m3.cmake arm-none-eabi-size \
  qemu-system-arm -M mps2-an385 -cpu cortex-m3

echo "== host: sig_p256 against mbedTLS (bench/bench_sig.c)"
configure "$BUILD"
cmake --build "$BUILD" --target bench_sig >/dev/null
"$BUILD/bench/bench_sig"
