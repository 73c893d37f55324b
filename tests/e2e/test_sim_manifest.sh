#!/usr/bin/env bash
# Active updates end to end (docs/UPDATE.md, "Active updates"): abota publish
# writes a signed release into www, the simulated device polls its manifest
# (abota sim --manifest) and updates only when the manifest says so, against
# abota serve, Debian's nginx (which sends ETags: the 304 path is real) and
# python3 -m http.server. Per server: v1 -> v2, exit 0; again: nothing new,
# no flash write (with nginx and abota serve a second poll gets 304); a
# manifest signed by another key: exit 1 with the reason; rollout 0: stays,
# "not in rollout", exit 0. Then the demo cycle: publish v2 -> user1 to user2, publish v3 ->
# user2 to user1, two abota publish calls and nothing else.
# Usage: test_sim_manifest.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
KEYS=$(cd "$(dirname "$0")/../data/keys" && pwd)
KEY_A=$KEYS/test-a.pem
KEY_B=$KEYS/test-b.pem
REL=$SIM_TMP/rel
# Polls in the simulation wait at most this long (poll_interval is minutes).
export ABOTA_SIM_POLL_WAIT_MS=200

# signed_pair VERSION KEY DIR: user1.bin and user2.bin of VERSION, signed
# with KEY, under $REL/DIR.
signed_pair() {
  local d=$REL/$3 s
  mkdir -p "$d"
  for s in 1 2; do
    "$ABOTA" pack --version "$1" --slot $s --key "$2" ${WRAP_ARGS[@]+"${WRAP_ARGS[@]}"} \
      -o "$d/user$s.bin" "$DEMO" >/dev/null || { echo "FAIL: abota pack v$1 slot $s"; exit 1; }
  done
}
signed_pair 1.0.0 "$KEY_A" 1.0.0
signed_pair 2.0.0 "$KEY_A" 2.0.0
signed_pair 3.0.0 "$KEY_A" 3.0.0
signed_pair 3.0.0 "$KEY_B" 3.0.0-b

# [KEY=PEM DIR=NAME] publish VERSION [OPTIONS...]: the release into www,
# signed with key A and the images of $REL/VERSION unless told otherwise.
publish() {
  local v=$1
  shift
  "$ABOTA" -q publish "$SIM_TMP/www" --version "$v" --key "${KEY:-$KEY_A}" --poll-interval 600 \
    "$@" "$REL/${DIR:-$v}/user1.bin" "$REL/${DIR:-$v}/user2.bin" >"$SIM_TMP/publish.out" 2>&1 ||
    { echo "FAIL: abota publish v$v $*"; cat "$SIM_TMP/publish.out"; exit 1; }
  chmod -R a+rX "$SIM_TMP/www"
}

# flash_sum: the flash file's SHA-256 (the device wrote nothing when it is
# unchanged).
flash_sum() { sha256sum "$FLASH" | cut -d' ' -f1; }

manifest_cases() {
  start_server "$1"
  local m="http://127.0.0.1:$PORT/manifest.json" mine=(--key "$KEY_A" --device-id dev-0001)
  rm -rf "$SIM_TMP/www"/*

  publish 2.0.0
  fresh_flash "$REL/1.0.0/user1.bin"
  run_sim "manifest v2: v1 -> v2" "device running v2.0.0 from user2" \
    "manifest names v2.0.0 for user2: updating" "self-test ok: image confirmed" \
    "manifest names v2.0.0: nothing new" -- --manifest "$m" "${mine[@]}"

  # Again: nothing new, and not one byte of flash written. Two polls: the
  # second asks If-None-Match with the first's ETag where the server sends
  # one (nginx, abota serve): 304.
  local before after
  before=$(flash_sum)
  run_sim "manifest v2 again: nothing new, no write" "device running v2.0.0 from user2" \
    "manifest names v2.0.0: nothing new" -- --manifest "$m" "${mine[@]}" --polls 2
  after=$(flash_sum)
  if [[ $before != "$after" ]]; then
    echo "FAIL $SERVER_KIND: the flash changed on a poll that found nothing new"
    FAILS=$((FAILS + 1))
  fi
  # nginx and abota serve send ETags (python's http.server does not): the
  # device says so, and nginx's access log shows the 304 it sent.
  if [[ $1 != python ]]; then
    if grep -qF "manifest unchanged (304 Not Modified)" "$SIM_TMP/sim.out" &&
       { [[ $1 != nginx ]] ||
         grep -q '"GET /manifest.json HTTP/1.1" 304 ' "$SIM_TMP/nginx/access.log"; }; then
      echo "ok   $SERVER_KIND: second poll answered 304 to If-None-Match"
    else
      echo "FAIL $SERVER_KIND: no 304 on the second poll"
      sed 's/^/  | /' "$SIM_TMP/sim.out"
      FAILS=$((FAILS + 1))
    fi
  fi

  # A manifest signed by another key (v3, images fine): refused, exit 1.
  KEY=$KEY_B DIR=3.0.0-b publish 3.0.0
  SIM_RC=1 run_sim "manifest of another key: refused" "device running v2.0.0 from user2" \
    "manifest refused: manifest signature does not verify" \
    "ABOTA_ERR_MAN_SIGNATURE" -- --manifest "$m" "${mine[@]}"

  # Rollout 0: nobody takes v3; the device stays and is up to date.
  publish 3.0.0 --rollout 0
  run_sim "manifest rollout 0: not in rollout" "device running v2.0.0 from user2" \
    "this device is not in its rollout (0.00 %): staying" -- --manifest "$m" "${mine[@]}"

  # A signed byte changed after signing: the manifest is refused.
  publish 3.0.0
  python3 - "$SIM_TMP/www/manifest.json" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
# a change the signature does not cover: the device must refuse the manifest
t = re.sub(r'("version":\s*")3\.0\.0"', r'\g<1>3.0.1"', s, count=1)
assert t != s, "no version to change"
open(p, "w").write(t)
PY
  SIM_RC=1 run_sim "manifest changed after signing: refused" "device running v2.0.0 from user2" \
    "ABOTA_ERR_MAN_SIGNATURE" -- --manifest "$m" "${mine[@]}"

  # The demo cycle: two abota publish calls, nothing else.
  rm -rf "$SIM_TMP/www"/*
  fresh_flash "$REL/1.0.0/user1.bin"
  publish 2.0.0
  run_sim "cycle: publish v2, user1 -> user2" "device running v2.0.0 from user2" \
    -- --manifest "$m" "${mine[@]}"
  publish 3.0.0
  run_sim "cycle: publish v3, user2 -> user1" "device running v3.0.0 from user1" \
    "manifest names v3.0.0 for user1: updating" -- --manifest "$m" "${mine[@]}"

  stop_server
}

for kind in abota nginx python; do
  manifest_cases $kind
done
echo "$((3 * 7 + 2 - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
