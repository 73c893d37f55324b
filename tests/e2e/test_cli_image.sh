#!/usr/bin/env bash
# abota pack / abota inspect end to end, on Espressif-format bins: those the
# build generates (tests/support/espbins_gen.py) or, with "espressif",
# Espressif's own, which are Skipped (exit 77) when missing.
# usage: test_cli_image.sh BUILD_DIR BINS_DIR [espressif]
set -euo pipefail

BUILD=${1:?usage: $0 BUILD_DIR BINS_DIR [espressif]}
FIX=${2:?usage: $0 BUILD_DIR BINS_DIR [espressif]}
ABOTA="$BUILD/abota"

if [[ ! -d "$FIX" ]]; then
    if [[ ${3:-} == espressif ]]; then
        echo "SKIP: $FIX is missing: Espressif's bins are test data beside the project" \
             "(../shared/fixtures/esp8266), not part of it"
        exit 77
    fi
    echo "FATAL: $FIX is missing: the build writes it (tests/support/espbins_gen.py)" >&2
    exit 1
fi
[[ -x "$ABOTA" ]] || { echo "FATAL: $ABOTA not built" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=valgrind.sh
source "$(dirname "$0")/valgrind.sh"
ABOTA=$(valgrind_wrap "$ABOTA" "$TMP")
# shellcheck source=check_lib.sh
source "$(dirname "$0")/check_lib.sh"

# flip_byte FILE OFFSET: XOR one byte with 0x01, in place
flip_byte() {
    local f=$1 off=$2 b
    b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
    printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

size_of() { wc -c <"$1" | tr -d ' '; }

# The set's files, by shape: 1024+1024 and 512+512 pairs of v2 user bins,
# plain 0xE9 images, blank.bin.
bins=("$FIX"/*/user*.bin)
[[ ${#bins[@]} -eq 4 ]] || fail "expected 4 user bins in $FIX, found ${#bins[@]}"
plain=()
for f in "$FIX"/*.bin; do
    [[ $(od -An -tx1 -N1 "$f" | tr -d ' ') == e9 ]] && plain+=("$f")
done
[[ ${#plain[@]} -ge 1 ]] || fail "no plain 0xE9 image in $FIX"

# 1. every user bin verifies; checksum and CRC are reported good
for bin in "${bins[@]}"; do
    run "$ABOTA" inspect "$bin"
    expect_rc 0 "inspect $(basename "$bin")"
    expect_out '^kind: +Espressif user bin' "inspect $(basename "$bin")"
    expect_out '^  checksum: .*: good$' "inspect $(basename "$bin") checksum"
    expect_out '^  CRC trailer: .*: good$' "inspect $(basename "$bin") CRC"
    expect_out '^verify: +ok$' "inspect $(basename "$bin")"
done
for bin in "${plain[@]}"; do
    run "$ABOTA" inspect "$bin"
    expect_rc 0 "inspect $(basename "$bin")"
    expect_out 'without trailer' "inspect $(basename "$bin") kind"
    expect_out '^  checksum: .*: good$' "inspect $(basename "$bin") checksum"
done

# 2. one byte changed: in irom (CRC), in a segment (checksum), in the trailer (CRC)
bin=$(echo "$FIX"/*512+512/user1.*.bin)
n=$(size_of "$bin")
for spec in "1000:CRC trailer mismatch" "$((n - 2000)):XOR checksum mismatch" \
            "$((n - 2)):CRC trailer mismatch"; do
    off=${spec%%:*} reason=${spec#*:}
    cp "$bin" "$TMP/bad.bin"
    chmod u+w "$TMP/bad.bin"
    flip_byte "$TMP/bad.bin" "$off"
    run "$ABOTA" inspect "$TMP/bad.bin"
    expect_rc 1 "inspect with byte $off changed"
    expect_out "$reason" "inspect with byte $off changed"
done
# truncated
head -c $((n - 10)) "$bin" >"$TMP/short.bin"
run "$ABOTA" inspect "$TMP/short.bin"
expect_rc 1 "inspect truncated bin"
expect_out "ends before its checksum or CRC trailer" "inspect truncated bin"

# 3. pack a random firmware and a user bin, inspect both
head -c 1 /dev/zero >"$TMP/fw.bin"          # leading 0x00: never looks Espressif
head -c 54321 /dev/urandom >>"$TMP/fw.bin"
run "$ABOTA" pack --version 1.2.3 --slot 2 "$TMP/fw.bin" -o "$TMP/fw.img"
expect_rc 0 "pack random firmware"
[[ $(size_of "$TMP/fw.img") -eq $((54336 + 256)) ]] || fail "packed size $(size_of "$TMP/fw.img")"
run "$ABOTA" inspect "$TMP/fw.img"
expect_rc 0 "inspect packed firmware"
expect_out '^kind: +abota image$' "inspect packed firmware"
expect_out '^  version: +1\.2\.3 ' "inspect packed firmware version"
expect_out '^  target slot: +2$' "inspect packed firmware slot"
sha=$(sha256sum "$TMP/fw.bin" | cut -d' ' -f1)
expect_out "^  payload SHA-256: $sha\$" "inspect packed firmware SHA-256"
cmp -n 54322 "$TMP/fw.bin" "$TMP/fw.img" || fail "payload not copied unchanged"

bin2=$(echo "$FIX"/*1024+1024/user2.*.bin)
run "$ABOTA" pack --version v3.0.6 "$bin2" -o "$TMP/u2.img"
expect_rc 0 "pack user2 bin"
run "$ABOTA" inspect "$TMP/u2.img"
expect_rc 0 "inspect packed user2 bin"
expect_out '^  target slot: +2$' "slot taken from the user2 bin"
expect_out '^  flags: +0x01' "Espressif flag set"
expect_out '^  CRC trailer: .*: good$' "packed user2 bin CRC"

# 3-. '-' for standard input and output: pack in a pipe, inspect from one;
# what pack says goes to stderr then, and an unreadable file says why
head -c 1 /dev/zero >"$TMP/pipe.bin"
head -c 7000 /dev/urandom >>"$TMP/pipe.bin"
set +e
"$ABOTA" pack --version 4.5.6 - -o - <"$TMP/pipe.bin" 2>"$TMP/pipe.err" >"$TMP/pipe.img"
rc=$?
set -e
[[ $rc -eq 0 ]] || fail "pack - -o -: exit $rc"
grep -q '^standard output: firmware, 7001 bytes, version 4.5.6' "$TMP/pipe.err" ||
    fail "pack -o -: its summary is not on stderr: $(cat "$TMP/pipe.err")"
run "$ABOTA" pack --version 4.5.6 "$TMP/pipe.bin" -o "$TMP/pipe2.img"
cmp -s "$TMP/pipe.img" "$TMP/pipe2.img" || fail "pack - -o - differs from pack FILE -o FILE"
run bash -c "cat '$TMP/pipe.img' | '$ABOTA' inspect -"
expect_rc 0 "inspect - (a pipe)"
expect_out '^  version: +4\.5\.6 ' "inspect - reads the image"
run "$ABOTA" inspect "$TMP"
expect_rc 1 "inspect a directory"
expect_out "cannot read $TMP: Is a directory" "cannot read says why"

# 3+. -q / -v, alike in every command and before it
run "$ABOTA" pack -q --version 4.5.6 "$TMP/pipe.bin" -o "$TMP/q.img"
expect_rc 0 "pack -q"
[[ -z $out ]] || fail "pack -q printed: $out"
run "$ABOTA" -v pack --version 4.5.6 "$TMP/pipe.bin" -o "$TMP/q.img"
expect_out "payload CRC-32 0x[0-9a-f]{8}, SHA-256 $(sha256sum "$TMP/pipe.bin" | cut -d' ' -f1)" \
    "abota -v pack adds the payload's CRC-32 and SHA-256"
run "$ABOTA" inspect --quiet "$TMP/q.img"
expect_rc 0 "inspect --quiet of a good image"
[[ -z $out ]] || fail "inspect --quiet printed: $out"
run "$ABOTA" -q inspect "$TMP/pipe.bin"
expect_rc 1 "abota -q inspect of no image"
run "$ABOTA" -q keygen -o "$TMP/q.pem"
expect_rc 0 "keygen -q"
[[ -z $out ]] || fail "keygen -q printed: $out"
for cmd in pack inspect keygen pubkey publish flash sim serve; do
    run "$ABOTA" help "$cmd"
    expect_out '^  -q, --quiet ' "abota help $cmd lists -q"
done

# 3*. semantic versions: build metadata accepted (and not kept), a
# pre-release refused with the reason
run "$ABOTA" pack -q --version 1.2.3+build.7 "$TMP/pipe.bin" -o "$TMP/b.img"
expect_rc 0 "pack --version 1.2.3+build.7"
run "$ABOTA" inspect "$TMP/b.img"
expect_out '^  version: +1\.2\.3 ' "build metadata takes no part in the version"
run "$ABOTA" pack --version 1.2.3-rc.1 "$TMP/pipe.bin" -o "$TMP/b.img"
expect_rc 2 "pack --version 1.2.3-rc.1"
expect_out "pre-release versions .* are not supported" "a pre-release is refused with its reason"

# 3a. --layout: a user bin linked for another flash map is refused where its
# code could not run; an image larger than the slot is refused
bin512u2=$(echo "$FIX"/*512+512/user2.*.bin)
run "$ABOTA" pack --version 3.0.6 --layout esp8266-2m "$bin512u2" -o "$TMP/x.img"
expect_rc 1 "pack a 512+512 user2 for a 1024+1024 device"
expect_out "linked for another flash map.*size map 2; user2 of the esp8266-1024\+1024 layout is at 0x101000" \
    "pack --layout names the map and the slot"
[[ ! -e $TMP/x.img ]] || fail "pack --layout refused but wrote the image"
run "$ABOTA" pack --version 3.0.6 --layout esp8266-1m "$bin2" -o "$TMP/x.img"
expect_rc 1 "pack a 1024+1024 user2 for a 512+512 device"
expect_out "size map 5; user2 of the esp8266-512\+512 layout is at 0x81000" "the other way"
run "$ABOTA" pack --version 3.0.6 --layout esp8266-1m "$bin512u2" -o "$TMP/x.img"
expect_rc 0 "pack a 512+512 user2 for its own map"
run "$ABOTA" pack --version 3.0.6 --layout=esp8266-2m "$bin2" -o "$TMP/x.img"
expect_rc 0 "pack a 1024+1024 user2 for its own map"
head -c 1 /dev/zero >"$TMP/big.bin"
head -c $((0x7C000)) /dev/urandom >>"$TMP/big.bin"
run "$ABOTA" pack --version 1.0.0 --layout esp8266-1m "$TMP/big.bin" -o "$TMP/x.img"
expect_rc 1 "pack firmware larger than a 512+512 slot"
expect_out "image larger than the slot: the image is [0-9]+ bytes, user1 of the esp8266-512\+512 layout holds [0-9]+" \
    "pack --layout names both sizes"
run "$ABOTA" pack --version 1.0.0 --layout esp8266-2m "$TMP/big.bin" -o "$TMP/x.img"
expect_rc 0 "the same firmware fits a 1024+1024 slot"
run "$ABOTA" pack --version 1.0.0 --layout nosuch "$TMP/big.bin" -o "$TMP/x.img"
expect_rc 2 "pack --layout unknown"

# 3b. --wrap-e9: the firmware, unchanged, as the one segment of a 0xE9 image
# (8-byte header, 8-byte segment header, zeros and the XOR checksum to the
# end of a 16-byte line), which the fixtures' own parser accepts
run "$ABOTA" pack --wrap-e9 --version 1.2.3 --slot 1 "$TMP/fw.bin" -o "$TMP/fw-e9.img"
expect_rc 0 "pack --wrap-e9"
expect_out 'Espressif image \(no CRC trailer\), 54352 bytes' "pack --wrap-e9 kind and size"
run "$ABOTA" inspect "$TMP/fw-e9.img"
expect_rc 0 "inspect wrapped firmware"
expect_out '^  flags: +0x01' "wrapped firmware flagged Espressif"
expect_out '^  checksum: .*: good$' "wrapped firmware checksum"
head -c 54352 "$TMP/fw-e9.img" >"$TMP/fw-e9.bin"
[[ $(od -An -tx1 -N2 "$TMP/fw-e9.bin" | tr -d ' ') == e901 ]] || fail "wrapped image does not start e9 01"
cmp -s <(tail -c +17 "$TMP/fw-e9.bin" | head -c 54322) "$TMP/fw.bin" ||
    fail "wrapped segment is not the firmware unchanged"
# Espressif's own parser comes with their bins (the "espressif" run).
if [[ -f "$FIX/check_userbin.py" ]]; then
    run python3 "$FIX/check_userbin.py" "$TMP/fw-e9.bin"
    expect_out 'ALL CHECKS PASS' "fixtures parser on the wrapped image"
fi

# 4. --slot contradicting the bin is refused, and nothing is written
run "$ABOTA" pack --version 1.0.0 --slot 1 "$bin2" -o "$TMP/no.img"
expect_rc 1 "pack user2 bin with --slot 1"
expect_out 'user2 bin' "slot refusal message"
[[ ! -e "$TMP/no.img" ]] || fail "refused pack left $TMP/no.img behind"

# 5. a tampered packed image fails
cp "$TMP/fw.img" "$TMP/tampered.img"
flip_byte "$TMP/tampered.img" 777
run "$ABOTA" inspect "$TMP/tampered.img"
expect_rc 1 "inspect tampered image"
expect_out 'image CRC-32 mismatch' "inspect tampered image"
cp "$TMP/fw.img" "$TMP/tampered.img"
flip_byte "$TMP/tampered.img" $(( $(size_of "$TMP/fw.img") - 100 ))
run "$ABOTA" inspect "$TMP/tampered.img"
expect_rc 1 "inspect image with tampered footer"
expect_out 'footer CRC mismatch' "inspect image with tampered footer"

# 6. help, usage errors and refusals
run "$ABOTA" pack --help
expect_rc 0 "pack --help"
expect_out '^usage: abota pack --version' "pack --help"
run "$ABOTA" inspect --help
expect_rc 0 "inspect --help"
# abota help CMD is CMD --help, for every command.
for cmd in pack inspect keygen pubkey flash sim serve; do
  run "$ABOTA" "$cmd" --help
  want=$out
  run "$ABOTA" help "$cmd"
  expect_rc 0 "help $cmd"
  [[ $out == "$want" ]] || fail "abota help $cmd differs from abota $cmd --help"
done
run "$ABOTA" help nosuch
expect_rc 2 "help of an unknown command"
# --opt=value works in every command, serve included.
mkdir -p "$TMP/www"
run timeout 5 "$ABOTA" serve "$TMP/www" --bind=127.0.0.1 --port=0 --max-clients=8
expect_out '^abota serve: serving .* on http://127.0.0.1:[0-9]+/' "serve --opt=value"
# Bound to every interface, it names the addresses devices can use: those
# hostname -I lists (no loopback, no link-local), no other.
run timeout 5 "$ABOTA" serve "$TMP/www" --port=0
got=$(sed -n 's|^abota serve:   reachable as https\{0,1\}://\[\{0,1\}\([^]/]*\)\]\{0,1\}:[0-9]*/ (.*)$|\1|p' <<<"$out" | sort -u)
want=$(hostname -I 2>/dev/null | tr ' ' '\n' | sed '/^$/d' | sort -u)
[[ $got == "$want" ]] || fail "serve on all interfaces: reachable as '$got', hostname -I '$want'"
run "$ABOTA" pack "$TMP/fw.bin" -o "$TMP/x.img"
expect_rc 2 "pack without --version"
run "$ABOTA" pack --version 1.2.3 --slot 3 "$TMP/fw.bin" -o "$TMP/x.img"
expect_rc 2 "pack with --slot 3"
run "$ABOTA" inspect
expect_rc 2 "inspect without a file"
run "$ABOTA" pack --version 1.2 "$TMP/fw.bin" -o "$TMP/x.img"
expect_rc 2 "pack with a bad version"
: >"$TMP/empty.bin"
run "$ABOTA" pack --version 1.2.3 "$TMP/empty.bin" -o "$TMP/x.img"
expect_rc 1 "pack an empty firmware"
expect_out 'empty' "pack an empty firmware"
run "$ABOTA" pack --version 1.2.4 "$TMP/fw.img" -o "$TMP/x.img"
expect_rc 1 "pack an image that is packed already"
expect_out 'abota image already' "pack an image that is packed already"
truncate -s $((16 * 1024 * 1024 + 1)) "$TMP/huge.bin"
run "$ABOTA" pack --version 1.2.3 "$TMP/huge.bin" -o "$TMP/x.img"
expect_rc 1 "pack a firmware over 16 MiB"
expect_out 'larger than' "pack a firmware over 16 MiB"
run "$ABOTA" inspect "$FIX/blank.bin"
expect_rc 1 "inspect blank.bin"
expect_out '^kind: +unknown$' "inspect blank.bin"

checks_done
