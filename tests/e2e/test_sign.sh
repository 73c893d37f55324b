#!/usr/bin/env bash
# Signing end to end: abota keygen, pubkey, pack --key, inspect --key; the
# refusals (another key, unsigned, unknown type, wrong length, bytes changed
# after signing with every CRC and hash made to agree); and both ways with
# openssl (its keys sign with abota, its signatures verify in abota, abota's
# verify in openssl). Skipped (77) without openssl.
# usage: test_sign.sh BUILD_DIR
set -euo pipefail

BUILD=${1:?usage: $0 BUILD_DIR}
# absolute: the checks run in a temporary directory
ABOTA="$(cd "$BUILD" && pwd)/abota"
FOOTER_PY="$(cd "$(dirname "$0")/../tools" && pwd)/footer.py"
[[ -x "$ABOTA" ]] || { echo "FATAL: $ABOTA not built" >&2; exit 1; }
if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl is missing (Debian package openssl; scripts/deps.sh test installs it)"
    exit 77
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=valgrind.sh
source "$(dirname "$0")/valgrind.sh"
ABOTA=$(valgrind_wrap "$ABOTA" "$TMP")
# shellcheck source=check_lib.sh
source "$(dirname "$0")/check_lib.sh"
cd "$TMP"

footer() { python3 "$FOOTER_PY" "$@"; }
# fingerprint PUB.pem: SHA-256 of the DER public key, as openssl computes it
fingerprint() { openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
# footer_byte IMAGE OFFSET: one footer byte, decimal
footer_byte() { od -An -tu1 -j $(( $(wc -c <"$1") - 256 + $2 )) -N1 "$1" | tr -d ' '; }

# 1. keygen: a P-256 key openssl accepts, mode 0600, never overwritten by accident
run "$ABOTA" keygen -o k.pem
expect_rc 0 "keygen"
expect_out '^k\.pem: private key, ECDSA P-256, fingerprint SHA256:[0-9a-f]{64}$' "keygen"
[[ $(stat -c %a k.pem) == 600 ]] || fail "keygen: k.pem has mode $(stat -c %a k.pem), want 600"
run openssl ec -in k.pem -noout -check
expect_rc 0 "openssl ec -check on abota's key"
expect_out 'EC Key valid' "openssl ec -check on abota's key"
run openssl ec -in k.pem -noout -text
expect_out 'prime256v1' "abota's key curve"
cp k.pem k.orig
run "$ABOTA" keygen -o k.pem
expect_rc 1 "keygen over an existing key"
expect_out 'k\.pem already exists.*--force' "keygen over an existing key"
cmp -s k.pem k.orig || fail "keygen without --force changed the existing key"
run "$ABOTA" keygen --force -o k.pem
expect_rc 0 "keygen --force"
cmp -s k.pem k.orig && fail "keygen --force kept the old key"
[[ $(stat -c %a k.pem) == 600 ]] || fail "keygen --force: mode $(stat -c %a k.pem), want 600"
run "$ABOTA" keygen --public -o pub.pem k.pem
expect_rc 0 "keygen --public"
openssl pkey -in k.pem -pubout -out pub.openssl.pem
cmp -s pub.pem pub.openssl.pem || fail "keygen --public differs from openssl pkey -pubout"
fp=$(fingerprint pub.pem)
expect_out "^pub\\.pem: public key, ECDSA P-256, fingerprint SHA256:$fp\$" "keygen --public"
"$ABOTA" keygen -o k2.pem >/dev/null
"$ABOTA" keygen --public -o pub2.pem k2.pem >/dev/null
cmp -s pub.pem pub2.pem && fail "two keygen runs made the same key"
run "$ABOTA" keygen
expect_rc 2 "keygen without -o"
run "$ABOTA" keygen -o x.pem k.pem
expect_rc 2 "keygen with a file but no --public"
run "$ABOTA" keygen --public -o x.pem
expect_rc 2 "keygen --public without KEY.pem"
run "$ABOTA" keygen -o nodir/k.pem
expect_rc 1 "keygen into a missing directory"

# 2. pack --key, inspect --key
head -c 1 /dev/zero >fw.bin                # leading 0x00: never looks Espressif
head -c 40000 /dev/urandom >>fw.bin
run "$ABOTA" pack --version 1.2.3 --slot 1 --key k.pem --security-version 7 fw.bin -o s.img
expect_rc 0 "pack --key"
expect_out "^s\\.img: signed, ECDSA P-256, key SHA256:$fp, security version 7\$" "pack --key"
[[ $(footer_byte s.img 4) == 2 ]] || fail "security version 7: footer format $(footer_byte s.img 4), want 2"
[[ $(footer_byte s.img 19) == 1 ]] || fail "sig_type $(footer_byte s.img 19), want 1"
[[ $(footer_byte s.img 20) == 64 ]] || fail "sig_len $(footer_byte s.img 20), want 64"
for key in k.pem pub.pem; do
    run "$ABOTA" inspect s.img --key "$key"
    expect_rc 0 "inspect --key $key"
    expect_out "^  signature: +ECDSA P-256, key SHA256:$fp: good\$" "inspect --key $key"
    expect_out '^  security version: 7$' "inspect --key $key"
    expect_out '^verify: +ok$' "inspect --key $key"
done
run "$ABOTA" inspect s.img
expect_rc 0 "inspect a signed image without --key"
expect_out '^  signature: +ECDSA P-256 \(not checked: no --key\)$' "inspect without --key"
# RFC 6979: the same input and key give the same signature, so the same image
"$ABOTA" pack --version 1.2.3 --slot 1 --key k.pem --security-version 7 fw.bin -o s2.img >/dev/null
cmp -s s.img s2.img || fail "signing is not deterministic: two packs differ"
# security version 0 (the default): format 1, still signed
run "$ABOTA" pack --version 1.2.3 --key k.pem fw.bin -o s0.img
expect_rc 0 "pack --key without --security-version"
[[ $(footer_byte s0.img 4) == 1 ]] || fail "security version 0: footer format $(footer_byte s0.img 4), want 1"
run "$ABOTA" inspect s0.img --key pub.pem
expect_rc 0 "inspect --key, security version 0"
expect_out '^  security version: 0$' "inspect, security version 0"

run "$ABOTA" inspect s.img --key pub2.pem
expect_rc 1 "inspect with another key"
expect_out 'signature does not verify with pub2\.pem' "inspect with another key"
expect_out "^  signature: +ECDSA P-256, key SHA256:$(fingerprint pub2.pem): BAD\$" "another key's line"

run "$ABOTA" pack --version 1.2.3 fw.bin -o u.img
expect_out '^u\.img: unsigned, security version 0$' "pack without --key"
run "$ABOTA" inspect u.img
expect_rc 0 "inspect an unsigned image without --key"
expect_out '^  signature: +unsigned$' "inspect an unsigned image"
run "$ABOTA" inspect u.img --key pub.pem
expect_rc 1 "inspect --key on an unsigned image"
expect_out 'FAILED: image is unsigned' "inspect --key on an unsigned image"
run "$ABOTA" pack --version 1.2.3 --security-version 5 fw.bin -o u5.img
expect_rc 0 "pack --security-version without --key"
expect_out 'warning: --security-version without --key' "pack --security-version without --key"
run "$ABOTA" inspect u5.img
expect_out '^  security version: 5$' "unsigned image with a security version"
expect_out '^  signature: +unsigned$' "unsigned image with a security version"

# 3. refusals of keys and values
run "$ABOTA" pack --version 1.2.3 --key pub.pem fw.bin -o x.img
expect_rc 1 "pack with a public key"
expect_out 'pub\.pem is a public key; signing needs the private key' "pack with a public key"
for v in -1 4294967296 abc "" 1x " 1"; do
    run "$ABOTA" pack --version 1.2.3 --key k.pem --security-version "$v" fw.bin -o x.img
    expect_rc 2 "pack --security-version '$v'"
    expect_out 'whole number from 0 to 4294967295' "pack --security-version '$v'"
done
run "$ABOTA" pack --version 1.2.3 --key k.pem --security-version 4294967295 fw.bin -o max.img
expect_rc 0 "pack --security-version 4294967295"
run "$ABOTA" inspect max.img --key k.pem
expect_out '^  security version: 4294967295$' "largest security version"
[[ ! -e x.img ]] || fail "a refused pack left x.img behind"
run "$ABOTA" inspect s.img --key missing.pem
expect_rc 1 "inspect --key with a missing key"
expect_out 'cannot open the key missing\.pem' "inspect --key with a missing key"
printf 'not a key\n' >junk.pem
run "$ABOTA" inspect s.img --key junk.pem
expect_rc 1 "inspect --key with a file that is no key"
expect_out 'junk\.pem is not a private or public key' "a file that is no key"
openssl ecparam -genkey -name secp384r1 -noout -out p384.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa.pem 2>/dev/null
for cmd in "pack --version 1.2.3 fw.bin -o x.img --key" "pubkey --c" "inspect s.img --key"; do
    # shellcheck disable=SC2086
    run "$ABOTA" $cmd p384.pem
    expect_rc 1 "$cmd P-384 key"
    expect_out 'p384\.pem is a key on the curve secp384r1; abota signs with P-256' "$cmd P-384 key"
    # shellcheck disable=SC2086
    run "$ABOTA" $cmd rsa.pem
    expect_rc 1 "$cmd RSA key"
    expect_out 'rsa\.pem holds an RSA key; abota signs with ECDSA P-256 keys only' "$cmd RSA key"
done
[[ ! -e x.img ]] || fail "a pack with a wrong key left x.img behind"
openssl ec -in k.pem -aes256 -passout pass:secret -out enc.pem 2>/dev/null
run "$ABOTA" pack --version 1.2.3 --key enc.pem fw.bin -o x.img
expect_rc 1 "pack with a passphrase-protected key"
expect_out 'enc\.pem is encrypted with a passphrase' "pack with a passphrase-protected key"

# 4. changes after signing, with the payload's CRC-32 and SHA-256 and the
# footer CRC made to agree (tests/tools/footer.py): integrity passes, only
# the signature refuses them. First, footer.py alone changes nothing.
cp s.img t.img
footer refoot t.img
cmp -s s.img t.img || fail "footer.py refoot without changes changed the image"
check_tampered() {
    local what=$1 pattern=$2
    shift 2
    cp s.img t.img
    footer refoot t.img "$@"
    cmp -s s.img t.img && fail "$what: footer.py changed nothing"
    run "$ABOTA" inspect t.img
    expect_rc 0 "$what: integrity still verifies (no --key)"
    run "$ABOTA" inspect t.img --key pub.pem
    expect_rc 1 "$what: inspect --key"
    expect_out "FAILED: $pattern" "$what"
    if grep -qE 'SHA-256 mismatch|CRC-32 mismatch|footer CRC' <<<"$out"; then
        fail "$what: refused by a hash or CRC, not by the signature"
    fi
}
sigfail='signature does not verify with pub\.pem'
check_tampered "payload byte changed" "$sigfail" --flip-payload 1234
check_tampered "first payload byte changed" "$sigfail" --flip-payload 0
check_tampered "version changed" "$sigfail" --set fw_version=0x01020400
check_tampered "slot changed" "$sigfail" --set slot=2
check_tampered "security version raised" "$sigfail" --set security_version=8
check_tampered "security version removed" "$sigfail" --set security_version=0
check_tampered "signature truncated" 'wrong signature length 63' --set sig_len=63
check_tampered "unknown signature type" 'unknown signature type 7' --set sig_type=7
cp s.img t.img
footer refoot t.img --set sig_len=63
run "$ABOTA" inspect t.img
expect_out '^  signature: +ECDSA P-256, 63 bytes \(not 64\): BAD$' "a 63-byte signature's line"

# 5. openssl's key signs with abota; openssl verifies what abota signed
openssl ecparam -genkey -name prime256v1 -noout -out o.pem
openssl ec -in o.pem -pubout -out opub.pem 2>/dev/null
run "$ABOTA" pack --version 2.0.0 --key o.pem fw.bin -o o.img
expect_rc 0 "pack --key with an openssl key"
run "$ABOTA" inspect o.img --key opub.pem
expect_rc 0 "inspect --key with openssl's public key"
footer signed o.img msg.bin
[[ $(wc -c <msg.bin) -eq 124 ]] || fail "signed bytes: $(wc -c <msg.bin), want 124"
footer sig-der o.img sig.der
run openssl dgst -sha256 -verify opub.pem -signature sig.der msg.bin
expect_rc 0 "openssl verifies abota's signature"
expect_out '^Verified OK$' "openssl verifies abota's signature"
cp msg.bin msg2.bin
printf '\x03' | dd of=msg2.bin bs=1 seek=15 conv=notrunc status=none   # fw_version's major
run openssl dgst -sha256 -verify opub.pem -signature sig.der msg2.bin
expect_rc 1 "openssl refuses abota's signature over other bytes"
# a PKCS#8 key from openssl signs as well
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p8.pem
openssl pkey -in p8.pem -pubout -out p8pub.pem
run "$ABOTA" pack --version 2.0.0 --key p8.pem fw.bin -o p8.img
expect_rc 0 "pack --key with a PKCS#8 key"
run "$ABOTA" inspect p8.img --key p8pub.pem
expect_rc 0 "inspect --key with a PKCS#8 key's public key"

# 6. openssl signs an image's 124 signed bytes; abota accepts the signature
# (the image comes signed by k.pem, so its footer already says type 1, 64 bytes)
cp s.img x.img
footer signed x.img m.bin
openssl dgst -sha256 -sign o.pem -out os.der m.bin
footer set-sig x.img os.der
cmp -s s.img x.img && fail "set-sig changed nothing"
run "$ABOTA" inspect x.img --key opub.pem
expect_rc 0 "abota verifies openssl's signature"
expect_out "^  signature: +ECDSA P-256, key SHA256:$(fingerprint opub.pem): good\$" \
    "abota verifies openssl's signature"
run "$ABOTA" inspect x.img --key pub.pem
expect_rc 1 "openssl's signature with abota's key"
expect_out 'signature does not verify' "openssl's signature with abota's key"

# 7. pubkey: PEM, and the C header firmware builds in
run "$ABOTA" pubkey opub.pem
expect_rc 0 "pubkey"
[[ $out == "$(cat opub.pem)" ]] || fail "pubkey PEM differs from openssl's"
run "$ABOTA" pubkey --c o.pem -o key.h
expect_rc 0 "pubkey --c -o"
"$ABOTA" pubkey opub.pem --c >key2.h
cmp -s key.h key2.h || fail "pubkey --c of the private and the public key differ"
cat >use_key.c <<'EOF'
#include "key.h"
_Static_assert(sizeof abota_sign_key == 64, "64 bytes");
const uint8_t *firmware_key(void);
const uint8_t *firmware_key(void) { return abota_sign_key; }
EOF
run cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I. use_key.c
expect_rc 0 "the C header compiles"
# its bytes: X || Y as openssl prints the uncompressed point (04 X Y)
want=$(openssl ec -pubin -in opub.pem -noout -text 2>/dev/null |
       sed -n '/^pub:/,/^[A-Z]/p' | grep '^ ' | tr -d ' :\n')
[[ ${#want} -eq 130 && ${want:0:2} == 04 ]] || fail "openssl printed no uncompressed point: $want"
got=$(sed -n '/abota_sign_key\[64\]/,/};/p' key.h | grep -o '0x[0-9a-f][0-9a-f]' | tr -d '\n' |
      sed 's/0x//g')
[[ $got == "${want:2}" ]] || fail "pubkey --c bytes $got, openssl's X||Y ${want:2}"
grep -q "SHA256:$(fingerprint opub.pem)\$" key.h || fail "pubkey --c names no or a wrong fingerprint"
run "$ABOTA" pubkey
expect_rc 2 "pubkey without a key"
run "$ABOTA" pubkey --help
expect_rc 0 "pubkey --help"
expect_out '^usage: abota pubkey' "pubkey --help"

checks_done
