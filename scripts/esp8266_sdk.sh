#!/usr/bin/env bash
# `make esp8266-sdk`: the OTA demo, the ESP8266 port and the core linked
# with Espressif's ESP8266_RTOS_SDK v2.0.0 into user1/user2 bins for the
# 1024+1024 and 512+512 maps, for abota's loader and for Espressif's boot.bin
# (examples/ota_demo/esp8266/CMakeLists.txt), then checked and measured
# (examples/ota_demo/esp8266/check_sdk_bins.sh, the ctest esp8266.sdk_userbins),
# and a whole-chip flash image per way and map with `abota flash --boot
# --init-data` (boot_v1.7.bin and the init data from ../shared/fixtures).
# The SDK is not part of abota: without it beside the project this says
# "skipped" and exits 0.
# Usage: scripts/esp8266_sdk.sh   (BUILD, BUILD_LX106, JOBS, ABOTA_SHARED_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(realpath -m "${ABOTA_SHARED_DIR:-../shared}")
sdk=$shared/esp8266-rtos-sdk-v2.0.0
build=${BUILD:-build}
lx106=${BUILD_LX106:-build-lx106}
jobs=${JOBS:-2}

if [[ ! -f $sdk/include/espressif/upgrade.h || ! -f $sdk/lib/libmain.a ]]; then
  echo "esp8266-sdk: skipped: SDK not found at $sdk"
  exit 0
fi

# The host CLI (abota inspect) and the lx106 tree.
[[ -f $build/CMakeCache.txt ]] || cmake -S . -B "$build" -DABOTA_SHARED_DIR="$shared" >/dev/null
cmake --build "$build" -j "$jobs" --target abota >/dev/null
[[ -f $lx106/CMakeCache.txt ]] ||
  cmake -S . -B "$lx106" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-lx106.cmake \
    -DABOTA_SHARED_DIR="$shared" >/dev/null
cmake --build "$lx106" -j "$jobs" --target esp8266_sdk_bins abota_esp8266 abota_loader_esp8266 \
  abota_loader_esp8266_map2 >/dev/null

out=$lx106/examples/ota_demo/esp8266
bash examples/ota_demo/esp8266/check_sdk_bins.sh "$build/abota" "$shared" "$sdk" "$out"

# What sits at 0x0 in each way: one 4 KiB sector.
ldir=$lx106/src/loader/esp8266
fix=$shared/fixtures/esp8266
printf 'at 0x0: abota_loader.bin %d and abota_loader_map2.bin %d bytes of 4096 (loader way)' \
  "$(stat -c %s "$ldir/abota_loader.bin")" "$(stat -c %s "$ldir/abota_loader_map2.bin")"
if [[ -f $fix/boot_v1.7.bin ]]; then
  printf ', boot_v1.7.bin %d bytes (espressif way)\n' "$(stat -c %s "$fix/boot_v1.7.bin")"
else
  printf '\n'
fi
echo "bins: $out/loader/ and $out/espressif/"

# Whole chips, as esptool would leave them after the first flash: the boot
# image at 0x0, user1 (packed as v1.0.0), the PHY init data, the rest erased.
init=$fix/esp_init_data_default_v05.bin # = the RTOS SDK's esp_init_data_default.bin
if [[ ! -f $fix/boot_v1.7.bin || ! -f $init ]]; then
  echo "whole-chip images: skipped: boot_v1.7.bin or the init data not found in $fix"
  exit 0
fi
mkdir -p "$out/flash"
for way in loader espressif; do
  for chip in 2m:esp8266-1024+1024:2048.new.5:abota_loader.bin \
              1m:esp8266-512+512:1024.new.2:abota_loader_map2.bin; do
    IFS=: read -r size layout suffix loader <<<"$chip"
    boot=$fix/boot_v1.7.bin
    [[ $way == loader ]] && boot=$ldir/$loader
    "$build/abota" pack --version 1.0.0 -o "$out/flash/$way-user1.$suffix.bin" \
      "$out/$way/user1.$suffix.bin" >/dev/null
    "$build/abota" flash --out "$out/flash/$way-$size.img" --layout "$layout" --boot "$boot" \
      --init-data "$init" "$out/flash/$way-user1.$suffix.bin" >/dev/null
    echo "flash image: $out/flash/$way-$size.img ($layout: $(basename "$boot") at 0x0," \
      "user1 v1.0.0, init data)"
  done
done
