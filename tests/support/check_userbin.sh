#!/usr/bin/env bash
# Runs the fixtures' own image checker, ../shared/fixtures/esp8266/
# check_userbin.py, on FILE... (a directory: every *.bin below it). Every
# file that starts like an image (0xE9, 0xEA) must pass all its checks.
# Exits 77 (ctest: Skipped) when the checker is not beside the project.
# usage: check_userbin.sh SHARED_DIR FILE|DIR...
set -euo pipefail
SHARED=${1:?usage: $0 SHARED_DIR FILE|DIR...}
shift
checker=$SHARED/fixtures/esp8266/check_userbin.py
if [[ ! -f $checker ]]; then
  echo "SKIP: $checker is missing: the fixtures are beside the project, not part of it"
  exit 77
fi

files=()
for arg in "$@"; do
  if [[ -d $arg ]]; then
    mapfile -t -O "${#files[@]}" files < <(find "$arg" -name '*.bin' | sort)
  else
    files+=("$arg")
  fi
done
images=0
for f in "${files[@]}"; do
  case $(od -An -tx1 -N1 "$f" | tr -d ' ') in
    e9 | ea) images=$((images + 1)) ;;
  esac
done
[[ $images -gt 0 ]] || { echo "FAIL: no image among: $*"; exit 1; }

set +e
out=$(python3 "$checker" "${files[@]}" 2>&1)
rc=$?
set -e
printf '%s\n' "$out"
passed=$(grep -c '=> ALL CHECKS PASS' <<<"$out" || true)
if [[ $rc -ne 0 || $passed -ne $images ]]; then
  echo "FAIL: check_userbin.py exit $rc, $passed of $images images passed"
  exit 1
fi
echo "ok: $images images pass check_userbin.py"
