#!/usr/bin/env bash
# The simulated device updates itself from Debian's nginx:
# v1 -> v2 -> v3 over both slots, and each failure (404, truncated body,
# corrupted byte, wrong slot, crashing image) leaves it on a working image.
# Usage: test_sim_nginx.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
run_cases nginx
echo "$((8 - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
