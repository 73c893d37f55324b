#!/usr/bin/env bash
# Runs every libFuzzer target for a while and prints a table: executions,
# corpus size, findings. Exits 1 when any target found a crash.
# usage: scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]
#
# Per target T: seeds come from tests/fuzz/corpus/T (committed) and, for
# fuzz_esp, the Espressif-format bins tests/support/espbins_gen.py writes
# plus, when present, Espressif's own in ../shared/fixtures (copied at run
# time, never committed); the growing corpus stays in BUILD_DIR/fuzz-corpus/T and
# crash inputs land in BUILD_DIR/fuzz-findings/T/. To keep a finding as a
# regression test, copy it into tests/fuzz/corpus/T/ (ctest fuzz.T).
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR SECONDS [TARGET...]}
SECONDS_EACH=${2:?usage: $0 BUILD_DIR SECONDS [TARGET...]}
shift 2
SRC=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ABOTA_SHARED_DIR:-$SRC/../shared}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_http fuzz_url fuzz_footer fuzz_esp fuzz_bootrec fuzz_serve fuzz_loader fuzz_journal
                                  fuzz_sig fuzz_manifest)

# Longest input per target: enough for every structure it parses, small
# enough to keep executions fast.
max_len() {
  case $1 in
    fuzz_esp) echo 65536 ;;
    fuzz_bootrec) echo 2816 ;;
    fuzz_loader) echo 2177 ;;  # flags, two records, two 1 KiB slots
    fuzz_journal) echo 2307 ;; # flags, mask, the journal sector, a 2 KiB slot
    fuzz_footer) echo 4096 ;;
    fuzz_serve) echo 20480 ;; # past the 8 KiB request line and 16 KiB header limits
    fuzz_sig) echo 163 ;;     # flags, key, digest, signature, a bit to flip
    fuzz_manifest) echo 2100 ;; # past the 2 KiB ABOTA_MANIFEST_MAX
    *) echo 4096 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

rows=()
found=0
for t in "${targets[@]}"; do
  bin="$BUILD/tests/fuzz/$t"
  [[ -x $bin ]] || { echo "fuzz.sh: $bin not built" >&2; exit 2; }
  corpus="$BUILD/fuzz-corpus/$t"
  seeds="$BUILD/fuzz-seeds/$t"
  findings="$BUILD/fuzz-findings/$t"
  mkdir -p "$corpus" "$seeds" "$findings"
  cp -f "$SRC/tests/fuzz/corpus/$t/"* "$seeds/" 2>/dev/null || true
  if [[ $t == fuzz_esp ]]; then
    python3 "$SRC/tests/support/espbins_gen.py" "$BUILD/fuzz-espbins"
    find "$BUILD/fuzz-espbins" -name '*.bin' -exec cp -f {} "$seeds/" \;
    if [[ -d $SHARED/fixtures/esp8266 ]]; then
      find "$SHARED/fixtures/esp8266" -name '*.bin' -exec cp -f {} "$seeds/" \;
    else
      echo "fuzz.sh: $SHARED/fixtures/esp8266 missing: fuzz_esp runs without Espressif's own bins" >&2
    fi
  fi
  log="$BUILD/fuzz-$t.log"
  set +e
  "$bin" "$corpus" "$seeds" -max_total_time="$SECONDS_EACH" -rss_limit_mb=1024 \
    -max_len="$(max_len "$t")" -timeout=10 -seed=1 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "$findings" -type f | wc -l)
  size=$(find "$corpus" -type f | wc -l)
  if [[ $rc -ne 0 || $crashes -ne 0 ]]; then
    found=1
    echo "== $t: exit $rc; see $log" >&2
    grep -E "ERROR|property failed|SUMMARY|runtime error" "$log" | head -5 >&2 || true
  fi
  rows+=("$(printf '%-14s %12s %8s %9s' "$t" "${execs:-?}" "$size" "$crashes")")
done

printf '%-14s %12s %8s %9s\n' target executions corpus findings
printf '%s\n' "${rows[@]}"
exit $found
