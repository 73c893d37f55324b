#!/usr/bin/env bash
# Runs every benchmark (`make bench`); each prints absolute figures and the
# ratio against its reference measured in the same run. BENCH_QUICK=1 runs
# each briefly (CI): it fails only when a benchmark cannot run, never on a
# ratio. Usage: bench/run.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: bench/run.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export BENCH_QUICK=${BENCH_QUICK:-0}

echo "== abota benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
     "$([[ $BENCH_QUICK != 0 ]] && echo quick || echo full) mode"
fails=0
step() {
  echo
  if ! "$@"; then
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
  fi
}
step "$BUILD/bench/bench_crc32"
step "$BUILD/bench/bench_sha256"
step "$BUILD/bench/bench_sig"
step "$BUILD/bench/bench_http_parse"
step "$HERE/bench_http_callgrind.sh" "$BUILD"
step "$HERE/bench_download.sh" "$BUILD"
step "$HERE/bench_serve.sh" "$BUILD"
step "$HERE/bench_tls.sh" "$BUILD"
echo
if [[ $fails -ne 0 ]]; then
  echo "bench: $fails benchmark(s) could not run" >&2
  exit 1
fi
echo "bench: all benchmarks ran"
