#!/usr/bin/env bash
# Code and data size of the core (libabota_core.a), per object file, as
# built for the ESP8266 CPU (lx106) and a Cortex-M3 at -Os: what the
# library costs a device. Reuses build-lx106/ and build-cm3/ (the trees of
# make test-lx106 / test-cortex-m), configuring them when missing.
# Usage: scripts/size.sh   (or: make size)
set -euo pipefail
cd "$(dirname "$0")/.."

report() { # build-dir toolchain-file size-tool label
  local dir=$1 toolchain=$2 size=$3 label=$4
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$toolchain" >/dev/null
  fi
  cmake --build "$dir" --target abota_core >/dev/null
  echo "== $label: $dir/src/libabota_core.a (-Os)"
  # size -t (Berkeley format: text includes read-only data): one line per
  # object, then the total
  "$size" -t "$dir/src/libabota_core.a" |
    sed -e 's/ (ex [^)]*)$//' -e 's/\.c\.obj$//' |
    awk 'NR == 1 { printf "%8s %8s %8s  %s\n", "text", "data", "bss", "object"; next }
         { printf "%8s %8s %8s  %s\n", $1, $2, $3, $6 }'
  echo
}

report build-lx106 cmake/toolchain-lx106.cmake xtensa-lx106-elf-size "lx106 (ESP8266)"
report build-cm3 cmake/toolchain-cortex-m3.cmake arm-none-eabi-size "Cortex-M3"
