#!/usr/bin/env bash
# The checks of the firmware linked with Espressif's SDK (ctest
# esp8266.sdk_userbins, CMakeLists.txt here): every user bin is accepted by
# `abota inspect` and by the fixtures' check_userbin.py;
# scripts/esp8266_sdk_report.py prints the figures (every bin within its
# slot) and scripts/esp8266_sdk_links.py checks the links (SDK symbols
# resolved in the SDK, the right Cache_Read_Enable_New, flash calls in IRAM).
# usage: check_sdk_bins.sh ABOTA_CLI SHARED_DIR SDK_DIR BUILD_DIR
set -euo pipefail
cli=${1:?usage: $0 ABOTA_CLI SHARED_DIR SDK_DIR BUILD_DIR}
shared=$2
sdk=$3
dir=$4
src=$(cd "$(dirname "$0")/../../.." && pwd)

if [[ ! -x $cli ]]; then
  echo "FAIL: no host abota CLI at $cli (make build, or -DABOTA_HOST_CLI=...)"
  exit 1
fi
mapfile -t bins < <(find "$dir/loader" "$dir/espressif" -name 'user*.bin' | sort)
if [[ ${#bins[@]} -ne 8 ]]; then
  echo "FAIL: expected 8 user bins under $dir/{loader,espressif}, found ${#bins[@]}"
  exit 1
fi
for b in "${bins[@]}"; do
  if ! out=$("$cli" inspect "$b"); then
    printf '%s\nFAIL: abota inspect rejects %s\n' "$out" "$b"
    exit 1
  fi
  echo "abota inspect: $(grep -E '^(kind|verify):' <<<"$out" | tr -s ' ' | paste -sd ' ') ${b#"$dir"/}"
done

rc=0
bash "$src/tests/support/check_userbin.sh" "$shared" "${bins[@]}" | tail -1 || rc=$?
if [[ $rc -eq 77 ]]; then
  echo "check_userbin.py: not run (no fixtures under $shared)"
elif [[ $rc -ne 0 ]]; then
  exit 1
fi

python3 "$src/scripts/esp8266_sdk_report.py" "$dir" "$sdk" "$src"
python3 "$src/scripts/esp8266_sdk_links.py" "$dir" "$sdk" "$src"
