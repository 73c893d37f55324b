#!/usr/bin/env bash
# What abota costs a device, for the ESP8266 CPU (lx106) and a Cortex-M3,
# both at -Os:
#   1. text/data/bss per module of the core (libabota_core.a) and, on the
#      lx106, of the ESP8266 port; the "client core" total (what an update
#      needs apart from SHA-256 and TLS: http + url + update + slot writer +
#      boot record + crc32 + flash + error) and what else its link pulls in;
#   2. the RAM of one update (struct abota_update, the receive buffer, the
#      port's objects), printed by bench/footprint/sizes.c run under QEMU;
#   3. the peak stack of abota_update_run on the lx106 (GCC's
#      -fcallgraph-info=su, summed over the call graph by
#      scripts/stack_usage.py), with the deepest path;
#   4. the size of the ESP8266 loader image (flash 0x0, one 4 KiB sector);
#   5. the same code/RAM/stack figures for the small-footprint profile
#      (ABOTA_PROFILE=small, include/abota/config_small.h) on the lx106, and
#      a summary of both profiles against the goals: client core <= 8 KiB
#      of text, <= 2 KiB of RAM including a 1460-byte receive buffer.
# Reuses build-lx106/, build-lx106-small/ and build-cm3/ (the trees of make
# test-lx106 / test-lx106-small / test-cortex-m) and build-stack-lx106/,
# build-stack-lx106-small/, configuring them when missing.
# Usage: scripts/size.sh   (or: make size)
set -euo pipefail
cd "$(dirname "$0")/.."

# Modules of the client core (object names without .c): HTTP, URL, the
# update engine (run, fetch, exchange, events, journal), slot writer, boot record
# and what the engine calls of boot/ (abota_boot_prepare_update), CRC-32, the
# flash wrappers and their little-endian helpers, error messages (0 unless
# referenced). Not in it: SHA-256 (and TLS), and the image verification
# modules (listed on their own line below).
CLIENT="http_parse http_request url update fetch exchange event journal slot bootrec boot crc32 flash le error"
GOAL_TEXT=8192
GOAL_RAM=2048

configure() { # dir toolchain [extra cmake args]
  local dir=$1 toolchain=$2
  shift 2
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$toolchain" "$@" >/dev/null
  fi
}

# size -t in Berkeley format (text includes read-only data), one line per
# object: "text data bss name".
objsizes() {
  "$1" "$2" | sed -e 's/ (ex [^)]*)$//' -e 's/\.c\.obj$//' |
    awk 'NR > 1 && $6 != "(TOTALS)" { print $1, $2, $3, $6 }'
}

table() { # size-tool archive
  objsizes "$1" "$2" |
    awk 'BEGIN { printf "%8s %8s %8s  %s\n", "text", "data", "bss", "module" }
         { printf "%8d %8d %8d  %s\n", $1, $2, $3, $4; t += $1; d += $2; b += $3 }
         END { printf "%8d %8d %8d  %s\n", t, d, b, "(all)" }'
}

# What an update really links: a relocatable link of the core kept from the
# update API with --gc-sections (unused functions dropped), split by object
# from the map file (scripts/linked_sizes.py).
linked() { # cc archive
  local map
  map=$(mktemp)
  "$1" -nostdlib -r -Wl,--gc-sections -Wl,-u,abota_update_init -Wl,-u,abota_update_run \
    -Wl,-u,abota_update_set_callback -Wl,-Map="$map" -o "$map.o" "$2"
  python3 scripts/linked_sizes.py "$map" | grep -v "(linked total)"
  rm -f "$map" "$map.o"
}

# The same on the lx106 as a firmware links it: a final link (not -r) with
# the code in the ESP8266's flash region (scripts/size_irom.ld), where ld's
# default relaxation on the Xtensa turns long calls (-mlongcalls) within
# reach into direct calls and merges equal literals. Printed for
# information; the goals are checked against the relocatable figure, the
# larger one.
linked_final() { # archive
  local map
  map=$(mktemp)
  xtensa-lx106-elf-gcc -nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,abota_update_run \
    -Wl,-u,abota_update_init -Wl,-u,abota_update_set_callback -Wl,-T,scripts/size_irom.ld \
    -Wl,--unresolved-symbols=ignore-all -Wl,-Map="$map" -o "$map.elf" "$1"
  python3 scripts/linked_sizes.py "$map" | grep -v "(linked total)"
  rm -f "$map" "$map.elf"
}

subtotal_of() { # label modules... (reads "text data bss name" lines)
  local label=$1
  shift
  awk -v want="$*" -v label="$label" '
    BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
    ($4 in keep) { t += $1; d += $2; b += $3 }
    END { printf "%8d %8d %8d  %s\n", t, d, b, label }'
}

# Client-core text of the last report() (for the summary), and on the lx106
# the same after ld relaxation (linked_final).
CLIENT_TEXT=0
CLIENT_RELAXED=0

report() { # build-dir toolchain-file size-tool cc label [cmake args]
  local dir=$1 toolchain=$2 size=$3 cc=$4 label=$5
  shift 5
  configure "$dir" "$toolchain" "$@"
  cmake --build "$dir" --target abota_core footprint_sizes >/dev/null
  local lib=$dir/src/libabota_core.a
  echo "== $label: $lib (-Os), every function of each object"
  table "$size" "$lib"
  echo
  echo "== $label: linked by an update (abota_update_init/run/set_callback, --gc-sections)"
  local l
  l=$(linked "$cc" "$lib")
  printf "%8s %8s %8s  %s\n" text data bss module
  echo "$l"
  echo "$l" | subtotal_of "client core: $CLIENT" $CLIENT
  CLIENT_TEXT=$(echo "$l" | subtotal_of x $CLIENT | awk '{ print $1 }')
  echo "$l" | subtotal_of "verification: image_verify footer esp_image version layout bufflash" \
    image_verify footer esp_image version layout bufflash
  echo "$l" | subtotal_of "SHA-256: sha256_builtin" sha256_builtin
  echo "$l" | subtotal_of "signatures: signature sig_p256 (an update with cfg.sign_key)" \
    signature sig_p256
  echo "$l" | awk '{ t += $1; d += $2; b += $3 }
                   END { printf "%8d %8d %8d  %s\n", t, d, b, "everything an update links" }'
  if [[ $cc == xtensa-lx106-elf-gcc ]]; then
    l=$(linked_final "$lib")
    CLIENT_RELAXED=$(echo "$l" | subtotal_of x $CLIENT | awk '{ print $1 }')
    echo "$l" | subtotal_of "client core, firmware link (ld relaxation, scripts/size_irom.ld)" \
      $CLIENT
  fi
  echo
}

sizes() { # build-dir qemu...
  local dir=$1
  shift
  timeout 120 "$@" -semihosting -display none -serial none -monitor none \
    -kernel "$dir/bench/footprint/footprint_sizes.elf"
}

# RAM of an update with the 1460-byte buffer, from the sizes printout.
ram_of() { # sizes-output
  echo "$1" | awk '/total: update \+ buffer$/ { print $1 }'
}

# Stack: a separate tree built with -fcallgraph-info=su. Calls through the
# port's function pointers count as the deepest ESP8266 port function; the
# flash wrappers only reach the matching flash function. The SDK's own
# frames (lwIP, spi_flash) are not in the graph: add them on the device.
stack() { # stack-build-dir [cmake args]
  local dir=$1
  shift
  configure "$dir" cmake/toolchain-lx106.cmake "-DCMAKE_C_FLAGS=-fcallgraph-info=su" "$@"
  cmake --build "$dir" --target abota_core abota_esp8266 >/dev/null
  local port="esp_read esp_write esp_erase esp_connect esp_send esp_recv esp_close esp_now_ms"
  port="$port esp_sleep_ms esp_random"
  local args=() f
  for f in $port; do args+=(--indirect "$f"); done
  python3 scripts/stack_usage.py abota_update_run "${args[@]}" \
    --map abota_flash_read=esp_read --map abota_flash_write=esp_write \
    --map abota_flash_erase=esp_erase \
    $(find "$dir/src" -name '*.ci' | sort)
}

report build-lx106 cmake/toolchain-lx106.cmake xtensa-lx106-elf-size xtensa-lx106-elf-gcc \
  "lx106 (ESP8266)"
cmake --build build-lx106 --target abota_esp8266 abota_loader_esp8266 \
  abota_loader_esp8266_full abota_loader_esp8266_secure >/dev/null
echo "== lx106: ESP8266 port, build-lx106/src/port/esp8266/libabota_esp8266.a (-Os)"
table xtensa-lx106-elf-size build-lx106/src/port/esp8266/libabota_esp8266.a
echo
TEXT_DEFAULT=$CLIENT_TEXT
RELAXED_DEFAULT=$CLIENT_RELAXED
echo "== lx106: RAM of one update (bench/footprint/sizes.c under qemu-system-xtensa)"
out=$(sizes build-lx106 qemu-system-xtensa -M sim -cpu lx106)
echo "$out"
RAM_DEFAULT=$(ram_of "$out")
echo

report build-cm3 cmake/toolchain-cortex-m3.cmake arm-none-eabi-size arm-none-eabi-gcc "Cortex-M3"
echo "== Cortex-M3: RAM of one update (bench/footprint/sizes.c under qemu-system-arm)"
sizes build-cm3 qemu-system-arm -M mps2-an385 -cpu cortex-m3
echo

echo "== lx106: stack (GCC -fcallgraph-info=su, scripts/stack_usage.py)"
out=$(stack build-stack-lx106)
echo "$out"
STACK_DEFAULT=$(echo "$out" | awk '/^peak stack/ { print $(NF - 3) }')
echo

echo "== lx106: ESP8266 loader (flash 0x0; Espressif's boot_v1.7.bin is 4080 bytes)"
loader() { # elf bin|- label
  xtensa-lx106-elf-size -A "$1" |
    awk -v l="$3" '$1 ~ /^\.(text|stage2|data|rodata)$/ { s = s sprintf(" %s %d", $1, $2) }
                   END { printf "%-44s%s\n", l, s }'
  [[ $2 == - ]] || printf "%8d  bytes flashable (limit 4096)\n" "$(stat -c %s "$2")"
}
d=build-lx106/src/loader/esp8266
loader $d/abota_loader_esp8266.elf $d/abota_loader.bin "CRC-32 against the boot record (flashed):"
loader $d/abota_loader_esp8266_full.elf $d/abota_loader_full.bin \
  "core boot choice, SHA-256 (measured only):"
loader $d/abota_loader_esp8266_secure.elf - \
  "secure boot, P-256 signatures (measured only):"
echo

# --- the small-footprint profile (include/abota/config_small.h) ---
echo "#### small profile (ABOTA_PROFILE=small, include/abota/config_small.h)"
echo
report build-lx106-small cmake/toolchain-lx106.cmake xtensa-lx106-elf-size xtensa-lx106-elf-gcc \
  "lx106 small profile" -DABOTA_PROFILE=small
TEXT_SMALL=$CLIENT_TEXT
RELAXED_SMALL=$CLIENT_RELAXED
echo "== lx106 small profile: RAM of one update (under qemu-system-xtensa)"
out=$(sizes build-lx106-small qemu-system-xtensa -M sim -cpu lx106)
echo "$out"
RAM_SMALL=$(ram_of "$out")
echo
echo "== lx106 small profile: stack"
out=$(stack build-stack-lx106-small -DABOTA_PROFILE=small)
echo "$out"
STACK_SMALL=$(echo "$out" | awk '/^peak stack/ { print $(NF - 3) }')
echo

met() { # value limit
  if (($1 <= $2)); then echo yes; else echo "no (+$(($1 - $2)))"; fi
}
echo "== goals on the lx106 (client core text <= $GOAL_TEXT, RAM incl. the 1460-byte buffer <= $GOAL_RAM)"
printf "| %-34s | %10s | %-10s | %10s | %-10s |\n" "" default met small met
printf "| %-34s | %10s | %-10s | %10s | %-10s |\n" "----------------------------------" \
  "---------:" "----------" "---------:" "----------"
printf "| %-34s | %10d | %-10s | %10d | %-10s |\n" "client core text (bytes)" "$TEXT_DEFAULT" \
  "$(met "$TEXT_DEFAULT" $GOAL_TEXT)" "$TEXT_SMALL" "$(met "$TEXT_SMALL" $GOAL_TEXT)"
printf "| %-34s | %10d | %-10s | %10d | %-10s |\n" "- after ld relaxation (firmware)" \
  "$RELAXED_DEFAULT" "$(met "$RELAXED_DEFAULT" $GOAL_TEXT)" "$RELAXED_SMALL" \
  "$(met "$RELAXED_SMALL" $GOAL_TEXT)"
printf "| %-34s | %10d | %-10s | %10d | %-10s |\n" "RAM: struct abota_update + 1460" "$RAM_DEFAULT" \
  "$(met "$RAM_DEFAULT" $GOAL_RAM)" "$RAM_SMALL" "$(met "$RAM_SMALL" $GOAL_RAM)"
printf "| %-34s | %10d | %-10s | %10d | %-10s |\n" "peak stack of abota_update_run" "$STACK_DEFAULT" \
  "(no goal)" "$STACK_SMALL" "(no goal)"
