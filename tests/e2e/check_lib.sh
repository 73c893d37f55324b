# Sourced by CLI e2e scripts: run a command, check its exit status and
# output, count failures, and end with the verdict.
#   source "$(dirname "$0")/check_lib.sh"
#   run "$ABOTA" inspect x.img; expect_rc 0 "inspect"; expect_out '^verify: +ok$' "inspect"
#   ...; checks_done
fails=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# run CMD...: sets rc, out (stdout+stderr)
run() {
    set +e
    out=$("$@" 2>&1)
    rc=$?
    set -e
}

expect_rc() {
    local want=$1 what=$2
    if [[ $rc -ne $want ]]; then
        fail "$what: exit $rc, want $want"
        printf '%s\n' "$out" | sed 's/^/    /' >&2
    fi
}

expect_out() {
    local pattern=$1 what=$2
    if ! grep -qE -- "$pattern" <<<"$out"; then
        fail "$what: output lacks /$pattern/"
        printf '%s\n' "$out" | sed 's/^/    /' >&2
    fi
}

# Exit 1 if any check failed, else say so and exit 0.
checks_done() {
    if [[ $fails -ne 0 ]]; then
        echo "$fails check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
