#!/usr/bin/env bash
# The link checks can fail (ctest esp8266.sdk_links_probe): the same build
# with the two ways swapped, each way's firmware presented as the other's,
# must be rejected by scripts/esp8266_sdk_links.py.
# usage: probe_swapped.sh BUILD_DIR SDK_DIR SOURCE_DIR
set -euo pipefail
dir=${1:?usage: $0 BUILD_DIR SDK_DIR SOURCE_DIR}
sdk=$2
src=$3
probe=$(dirname "$dir")/esp8266_swapped_probe # a sibling: relative paths still hold
rm -rf "$probe"
mkdir "$probe"
trap 'rm -rf "$probe"' EXIT
for f in "$dir"/*; do
  b=$(basename "$f")
  case $b in
    ota_demo_sdk_*_loader_* | ota_demo_sdk_loader_*) s=${b/_loader_/_espressif_} ;;
    ota_demo_sdk_espressif_*) s=${b/_espressif_/_loader_} ;;
    calls_*.o) continue ;; # the check's own output: not shared with a parallel run
    *) s=$b ;;
  esac
  ln -s "$dir/$s" "$probe/$b"
done
python3 "$src/scripts/esp8266_sdk_links.py" "$probe" "$sdk" "$src"
