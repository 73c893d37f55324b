#!/usr/bin/env bash
# The README's demo "run by hand" (the block from `mkdir -p www` to
# `build/abota sim`), its lines run as written by one shell in a scratch
# directory laid out like the checkout (build/ holds this build's CLI and
# demo firmware). Only two things are added: port 3344 becomes a free one
# when something listens there, and the sim runs under a timeout; the
# background `abota serve` is stopped at the end. The device's last line must say
# that the device runs v2.0.0 from user2, and the project's .gitignore must
# cover everything the lines leave behind.
# usage: test_readme_demo.sh BUILD_DIR
set -euo pipefail

# shellcheck source=pkg_lib.sh
source "$(dirname "$0")/pkg_lib.sh"
pkg_setup "${1:-}"
GROUP=
# shellcheck disable=SC2317  # run by the trap
cleanup() {
  [[ -n $GROUP ]] && kill -- "-$GROUP" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
DEMO=$BUILD/examples/ota_demo/ota_demo
[[ -x $BUILD/abota && -x $DEMO ]] || { echo "FAIL: abota or ota_demo not built"; exit 1; }

# The lines use the esp8266-2m layout: 1000 KiB slots, which a sanitizer
# build's firmware outgrows (the suites then use sim-8m, ABOTA_E2E_LAYOUT).
if (($(wc -c <"$DEMO") + 16 + 256 > 1000 * 1024)); then
  echo "SKIP: this build's demo firmware ($(wc -c <"$DEMO") bytes) does not fit a slot of" \
       "esp8266-2m, the layout of the README's lines"
  exit 77
fi

W=$TMP/checkout
mkdir -p "$W/build/examples/ota_demo"
ln -s "$(valgrind_wrap "$BUILD/abota" "$TMP")" "$W/build/abota"
ln -s "$DEMO" "$W/build/examples/ota_demo/ota_demo"
cp "$SRC/.gitignore" "$W/.gitignore"

lines=$(readme_block '^mkdir -p www$')
grep -q '^build/abota serve .*--port 3344 &$' <<<"$lines" || fail "no background serve on 3344"
grep -q '^build/abota sim ' <<<"$lines" || fail "no build/abota sim line"
PORT=$(readme_port)
{
  echo 'set -e'
  # The background serve is this shell's job: stopped when it ends.
  # shellcheck disable=SC2016  # for that shell to expand
  echo 'trap '\''kill $(jobs -p) 2>/dev/null; wait'\'' EXIT'
  sed -e "s/3344/$PORT/g" -e 's|^build/abota sim |timeout 120 build/abota sim |' <<<"$lines"
} >"$TMP/lines.sh"

# Its own process group, so that nothing it started outlives the test.
(cd "$W" && exec setsid bash "$TMP/lines.sh") >"$TMP/out" 2>&1 &
GROUP=$!
set +e
wait "$GROUP"
rc=$?
set -e
GROUP=
# The last line of the device's, not of the server's log beside it.
last=$(tr '\r' '\n' <"$TMP/out" | grep -vE '^$|^abota serve: |^[0-9a-f.:]+ - - \[' | tail -n 1)
if [[ $rc -ne 0 || $last != "device running v2.0.0 from user2" ]]; then
  fail "the README's lines: exit $rc, last line '$last', want 'device running v2.0.0 from user2'"
  sed 's/^/    /' "$TMP/out" >&2
fi

# What the lines leave in the checkout is ignored by git.
cd "$W"
git init -q .
# Only the project's rules: not the global excludes of whoever runs the test.
git config core.excludesFile /dev/null
left=$(git ls-files --others --exclude-standard | grep -vx '\.gitignore' || true)
[[ -z $left ]] || fail "left behind and not in .gitignore: $(tr '\n' ' ' <<<"$left")"
[[ -f flash.img && -f v1.bin && -f vendor.pem && -f www/user2.bin ]] ||
  fail "the lines did not leave flash.img, v1.bin, vendor.pem and www/ behind"

checks_done
