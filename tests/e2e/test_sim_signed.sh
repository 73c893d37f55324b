#!/usr/bin/env bash
# Signed updates on the simulated device: the firmware holds a public key
# (abota sim --key) and installs only what abota pack --key signed with it.
# An image signed by another key, an unsigned one, a signed one whose version
# or payload was changed afterwards (every hash and CRC made to agree), one
# with a truncated signature and one below the device's security version are
# each refused with their own error, and the device stays on its working
# image; a device without a key says at start that it checks nothing.
# Usage: test_sim_signed.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
sim_setup
command -v openssl >/dev/null || { echo "FAIL: openssl missing (scripts/deps.sh test)"; exit 1; }
KEYS=$(cd "$(dirname "$0")/../data/keys" && pwd)
FOOTER_PY=$(dirname "$0")/../tools/footer.py

# spack EXE VERSION SLOT OUT KEY [PACK_ARGS...]: pack and sign
spack() {
  "$ABOTA" pack --version "$2" --slot "$3" --key "$5" "${@:6}" ${WRAP_ARGS[@]+"${WRAP_ARGS[@]}"} \
    -o "$4" "$1" >/dev/null || { echo "FAIL: abota pack --key $5 $1 v$2"; exit 1; }
}
spack "$DEMO" 1.0.0 1 "$SIM_TMP/img/a-v1-user1.bin" "$KEYS/test-a.pem"
spack "$DEMO" 2.0.0 2 "$SIM_TMP/img/a-v2-user2.bin" "$KEYS/test-a.pem"
spack "$DEMO" 2.0.0 1 "$SIM_TMP/img/a-v2-user1.bin" "$KEYS/test-a.pem"
spack "$DEMO" 2.0.0 2 "$SIM_TMP/img/b-v2-user2.bin" "$KEYS/test-b.pem"
# A public key file, as a device vendor hands it out.
openssl ec -in "$KEYS/test-a.pem" -pubout -out "$SIM_TMP/a.pub" 2>/dev/null ||
  { echo "FAIL: openssl ec -pubout"; exit 1; }
KEY=(--key "$SIM_TMP/a.pub")

start_server abota
serve_none
fresh_flash "$SIM_TMP/img/a-v1-user1.bin"
serve user2.bin "$SIM_TMP/img/a-v2-user2.bin"
serve user1.bin "$SIM_TMP/img/a-v2-user1.bin"
run_sim "signed by the device's key: installed" "device running v2.0.0 from user2" \
  "images must be signed with key" "signature ok" "self-test ok" -- "${KEY[@]}"

# The same with the private key file: sim --key takes its public half.
fresh_flash "$SIM_TMP/img/a-v1-user1.bin"
run_sim "key given as the private key file" "device running v2.0.0 from user2" \
  "signature ok" -- --key "$KEYS/test-a.pem"

fresh_flash "$SIM_TMP/img/a-v1-user1.bin"
serve user2.bin "$SIM_TMP/img/b-v2-user2.bin"
SIM_RC=1 run_sim "signed by another key: refused" "device running v1.0.0 from user1" \
  "signature does not verify" "ABOTA_ERR_SIG_INVALID" -- "${KEY[@]}"

serve user2.bin "$SIM_TMP/img/v2-user2.bin"
SIM_RC=1 run_sim "unsigned: refused" "device running v1.0.0 from user1" \
  "ABOTA_ERR_SIG_NONE" -- "${KEY[@]}"

# Changed after signing: a newer version claimed, hashes and CRCs redone.
cp "$SIM_TMP/img/a-v2-user2.bin" "$SIM_TMP/img/forged.bin"
python3 "$FOOTER_PY" refoot "$SIM_TMP/img/forged.bin" --set fw_version=$(((9 << 24))) ||
  { echo "FAIL: footer.py refoot"; exit 1; }
serve user2.bin "$SIM_TMP/img/forged.bin"
SIM_RC=1 run_sim "version changed after signing: refused" "device running v1.0.0 from user1" \
  "ABOTA_ERR_SIG_INVALID" -- "${KEY[@]}"

# One payload byte flipped, the footer's CRC-32 and SHA-256 made to agree:
# every integrity check passes, only the signature catches it.
cp "$SIM_TMP/img/a-v2-user2.bin" "$SIM_TMP/img/flipped.bin"
python3 "$FOOTER_PY" refoot "$SIM_TMP/img/flipped.bin" --flip-payload 1000 ||
  { echo "FAIL: footer.py refoot"; exit 1; }
serve user2.bin "$SIM_TMP/img/flipped.bin"
SIM_RC=1 run_sim "payload byte flipped, hashes redone: refused" "device running v1.0.0 from user1" \
  "ABOTA_ERR_SIG_INVALID" -- "${KEY[@]}"

# A signature cut to 32 bytes.
cp "$SIM_TMP/img/a-v2-user2.bin" "$SIM_TMP/img/short-sig.bin"
python3 "$FOOTER_PY" refoot "$SIM_TMP/img/short-sig.bin" --set sig_len=32 ||
  { echo "FAIL: footer.py refoot"; exit 1; }
serve user2.bin "$SIM_TMP/img/short-sig.bin"
SIM_RC=1 run_sim "truncated signature: refused" "device running v1.0.0 from user1" \
  "ABOTA_ERR_SIG_LENGTH" -- "${KEY[@]}"

# Anti-rollback: a device whose confirmed image has security version 2
# refuses a newer release signed with security version 1.
spack "$DEMO" 1.0.0 1 "$SIM_TMP/img/a-v1-sec2-user1.bin" "$KEYS/test-a.pem" --security-version 2
spack "$DEMO" 2.0.0 2 "$SIM_TMP/img/a-v2-sec1-user2.bin" "$KEYS/test-a.pem" --security-version 1
fresh_flash "$SIM_TMP/img/a-v1-sec2-user1.bin"
serve user2.bin "$SIM_TMP/img/a-v2-sec1-user2.bin"
SIM_RC=1 run_sim "signed, security version below the device's: refused" \
  "device running v1.0.0 from user1" "ABOTA_ERR_SECURITY_VERSION" -- "${KEY[@]}"

# Without a key the device installs the unsigned image, and says at every
# start that it would install anyone's.
fresh_flash "$SIM_TMP/img/a-v1-user1.bin"
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
run_sim "no key: unsigned installs, with a warning" "device running v2.0.0 from user2" \
  "WARNING: no signing key built in"

# Secure boot (the core's choice only: --loader signed replaces the loader
# the crc32 run asks for). A device whose bootloader holds the key updates
# through signed images as before, and refuses to start an unsigned image
# however it got into flash.
CASES=9
if [[ $E2E_LOADER == full ]]; then
  CASES=11
  fresh_flash "$SIM_TMP/img/a-v1-user1.bin"
  serve user2.bin "$SIM_TMP/img/a-v2-user2.bin"
  run_sim "secure boot: signed images boot and update" "device running v2.0.0 from user2" \
    "bootloader: secure boot" "signature ok" -- "${KEY[@]}" --loader signed

  fresh_flash "$SIM_TMP/img/v1-user1.bin"
  layout=()
  [[ -n $E2E_LAYOUT ]] && layout=(--layout "$E2E_LAYOUT")
  if timeout 45 "$ABOTA" sim --flash "$FLASH" --url "$URL" --watchdog 20 "${KEY[@]}" \
      ${layout[@]+"${layout[@]}"} --loader signed >"$SIM_TMP/sim.out" 2>&1; then
    echo "FAIL $SERVER_KIND: secure boot started an unsigned image"
    sed 's/^/  | /' "$SIM_TMP/sim.out"
    FAILS=$((FAILS + 1))
  elif ! grep -qF "signed with --key (the first candidate: image is not signed" "$SIM_TMP/sim.out"; then
    echo "FAIL $SERVER_KIND: secure boot: no reason given for refusing the unsigned image"
    sed 's/^/  | /' "$SIM_TMP/sim.out"
    FAILS=$((FAILS + 1))
  else
    echo "ok   $SERVER_KIND: secure boot: an unsigned image in flash does not start"
  fi
fi

echo "$((CASES - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
