#!/usr/bin/env bash
# `make esp8266-sdk`: the OTA demo, the ESP8266 port and the core linked
# with Espressif's ESP8266_RTOS_SDK v2.0.0 into user1/user2 bins for the
# 1024+1024 and 512+512 maps, for abota's loader and for Espressif's boot.bin
# (examples/ota_demo/esp8266/CMakeLists.txt), then checked and measured
# (examples/ota_demo/esp8266/check_sdk_bins.sh, the ctest esp8266.sdk_userbins).
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
cmake --build "$lx106" -j "$jobs" --target esp8266_sdk_bins abota_loader_esp8266 >/dev/null

out=$lx106/examples/ota_demo/esp8266
bash examples/ota_demo/esp8266/check_sdk_bins.sh "$build/abota" "$shared" "$sdk" "$out"

# What sits at 0x0 in each way: one 4 KiB sector.
loader=$lx106/src/loader/esp8266/abota_loader.bin
printf 'at 0x0: abota_loader.bin %d bytes of 4096 (loader way)' "$(stat -c %s "$loader")"
boot=$shared/fixtures/esp8266/boot_v1.7.bin
if [[ -f $boot ]]; then
  printf ', boot_v1.7.bin %d bytes (espressif way)\n' "$(stat -c %s "$boot")"
else
  printf '\n'
fi
echo "bins: $out/loader/ and $out/espressif/"
