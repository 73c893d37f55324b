#!/usr/bin/env bash
# Answers whose body ends at the close (HTTP/1.0 without Content-Length, RFC
# 9112 6.3): the simulated device installs such an image when it verifies,
# and a body cut short by the close leaves it on its working image. The
# server is tests/tools/faultserver.py (/http10/ and /http10cut<N>/).
# Usage: test_sim_close.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
start_faultserver

serve user2.bin "$SIM_TMP/img/v2-user2.bin"
serve user1.bin "$SIM_TMP/img/v2-user1.bin"
fresh_flash "$SIM_TMP/img/v1-user1.bin"
URL="http://127.0.0.1:$PORT/http10/user%d.bin"
run_sim "HTTP/1.0 without Content-Length: v1 -> v2" "device running v2.0.0 from user2" \
  "image size not announced" "CRC check ok" "rebooting" "self-test ok"

# Cut 1000 bytes before the end: the close looks like the end, the footer
# went with the tail; one retry from scratch meets the same cut.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
URL="http://127.0.0.1:$PORT/http10cut1000/user%d.bin"
SIM_RC=1 run_sim "HTTP/1.0 without Content-Length, cut short" "device running v1.0.0 from user1" \
  "update failed: no abota footer at the end of the image (truncated?)" \
  "staying on the working image"

# Cut inside the footer itself.
fresh_flash "$SIM_TMP/img/v1-user1.bin"
URL="http://127.0.0.1:$PORT/http10cut1/user%d.bin"
SIM_RC=1 run_sim "HTTP/1.0 without Content-Length, last byte missing" "device running v1.0.0 from user1" \
  "staying on the working image"

stop_server
echo "$((3 - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
