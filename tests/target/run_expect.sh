#!/usr/bin/env bash
# run_expect.sh STATUS TEXT COMMAND...
# Runs COMMAND, shows its output, and succeeds only if it exits with
# exactly STATUS and its output (stdout + stderr) contains TEXT.
set -u
want=$1 text=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [[ $rc -ne $want ]]; then
  echo "run_expect: exit status $rc, expected $want" >&2
  exit 1
fi
if [[ $out != *"$text"* ]]; then
  echo "run_expect: output lacks: $text" >&2
  exit 1
fi
echo "run_expect: exit status $rc and output as expected"
