#!/usr/bin/env bash
# Release manifests end to end (docs/MANIFEST.md): abota publish writes a
# release directory; python3's json module reads the manifest and checks
# every field against the images; openssl verifies the signature over the
# exact bytes of the "signed" value, independently of abota; abota inspect
# reads it with the device's reader and verifier. Then the refusals: a
# changed byte, another key, an image changed beside the manifest, and
# publish's own (wrong version, another key, two images for one slot, bad
# options). Skipped (77) without openssl or python3.
# usage: test_publish.sh BUILD_DIR
set -euo pipefail

BUILD=${1:?usage: $0 BUILD_DIR}
ABOTA="$(cd "$BUILD" && pwd)/abota"
[[ -x "$ABOTA" ]] || { echo "FATAL: $ABOTA not built" >&2; exit 1; }
for tool in openssl python3; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: $tool is missing (scripts/deps.sh test installs it)"
        exit 77
    fi
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=valgrind.sh
source "$(dirname "$0")/valgrind.sh"
ABOTA=$(valgrind_wrap "$ABOTA" "$TMP")
# shellcheck source=check_lib.sh
source "$(dirname "$0")/check_lib.sh"
cd "$TMP"

# check_json MANIFEST DIR VERSION SECURITY ROLLOUT: python3 reads the manifest
# (duplicate keys refused) and checks its fields and each image beside it.
check_json() {
    python3 - "$@" <<'EOF'
import hashlib, json, os, sys
path, d, version, security, rollout = sys.argv[1:6]
def no_dups(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate key in {keys}"
    return dict(pairs)
doc = json.load(open(path), object_pairs_hook=no_dups)
s = doc["signed"]
assert s["format"] == 1, s["format"]
assert s["version"] == version, s["version"]
assert s["security_version"] == int(security), s["security_version"]
assert float(s["rollout"]) == float(rollout), s["rollout"]
assert len(doc["signature"]) == 128 and int(doc["signature"], 16) >= 0
slots = [i["slot"] for i in s["images"]]
assert len(slots) == len(set(slots)), slots
for img in s["images"]:
    data = open(os.path.join(d, img["url"]), "rb").read()
    assert img["length"] == len(data), (img["url"], img["length"], len(data))
    assert img["sha256"] == hashlib.sha256(data).hexdigest(), img["url"]
print("json ok:", ", ".join(f'slot {i["slot"]} {i["url"]}' for i in s["images"]))
EOF
}

# openssl_verify MANIFEST PUB.pem: the signed span, found by python3's own
# JSON decoder (from the value's first byte to its last), and the signature
# as DER, verified by openssl.
openssl_verify() {
    python3 - "$1" <<'EOF'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'"signed"\s*:\s*', text)
start = m.end()
_, end = json.JSONDecoder().raw_decode(text, start)
open("span.bin", "wb").write(text[start:end].encode())
sig = bytes.fromhex(json.loads(text)["signature"])
def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return bytes([2, len(b)]) + b
body = der_int(sig[:32]) + der_int(sig[32:])
open("sig.der", "wb").write(bytes([0x30, len(body)]) + body)
EOF
    openssl dgst -sha256 -verify "$2" -signature sig.der span.bin
}

"$ABOTA" keygen -o k.pem >/dev/null
"$ABOTA" keygen --public -o pub.pem k.pem >/dev/null
"$ABOTA" keygen -o other.pem >/dev/null
"$ABOTA" keygen --public -o other.pub.pem other.pem >/dev/null
fp=$(openssl pkey -pubin -in pub.pem -outform DER | sha256sum | cut -d' ' -f1)
head -c 1 /dev/zero >fw.bin                # leading 0x00: never looks Espressif
head -c 30000 /dev/urandom >>fw.bin
"$ABOTA" pack --version 1.2.0 --slot 1 --key k.pem --security-version 3 fw.bin -o user1.bin >/dev/null
"$ABOTA" pack --version 1.2.0 --slot 2 --key k.pem --security-version 3 fw.bin -o user2.bin >/dev/null

# 1. a release of two signed images
run "$ABOTA" publish www --version 1.2.0 --key k.pem --rollout 12.5 --min-version 1.0.0 \
    --poll-interval 3600 --report https://fleet.example/report user1.bin user2.bin
expect_rc 0 "publish"
expect_out '^www/user1\.bin: slot 1, [0-9]+ bytes, signed image, as given$' "publish user1"
expect_out '^www/user2\.bin: slot 2, [0-9]+ bytes, signed image, as given$' "publish user2"
expect_out "^www/manifest\\.json: release 1\\.2\\.0, security version 3, rollout 12\\.5%, 2 images, [0-9]+ bytes, signed with key SHA256:$fp\$" "publish manifest"
cmp -s user1.bin www/user1.bin || fail "publish changed an image given signed"
run check_json www/manifest.json www 1.2.0 3 12.5
expect_rc 0 "python3 json reads the manifest"
expect_out '^json ok: slot 1 user1\.bin, slot 2 user2\.bin$' "python3 json"
run openssl_verify www/manifest.json pub.pem
expect_rc 0 "openssl verifies the manifest's signature"
expect_out 'Verified OK' "openssl verify"
run openssl_verify www/manifest.json other.pub.pem
expect_rc 1 "openssl with another key"
run "$ABOTA" inspect www/manifest.json --key pub.pem
expect_rc 0 "inspect --key"
expect_out '^kind: +release manifest' "inspect kind"
expect_out '^  version: +1\.2\.0$' "inspect version"
expect_out '^  security version: 3$' "inspect security version"
expect_out '^  min version: +1\.0\.0$' "inspect min version"
expect_out '^  rollout: +12\.50%$' "inspect rollout"
expect_out '^  poll interval: +3600 s$' "inspect poll interval"
expect_out '^  report: +https://fleet\.example/report$' "inspect report"
expect_out '^    file: +www/user2\.bin, [0-9]+ bytes: good$' "inspect checks the images"
expect_out "^  signature: +ECDSA P-256, key SHA256:$fp: good\$" "inspect signature"
expect_out '^verify: +ok$' "inspect verify"
run "$ABOTA" inspect www/manifest.json
expect_rc 0 "inspect without --key"
expect_out '^  signature: +ECDSA P-256 \(not checked: no --key\)$' "inspect without --key"
run "$ABOTA" inspect www/manifest.json --key other.pub.pem
expect_rc 1 "inspect with another key"
expect_out 'FAILED: signature does not verify with other\.pub\.pem' "inspect with another key"
# the rollout decision as docs/MANIFEST.md defines it, computed by python3 for
# 40 ids, against the device's function (abota inspect --device-id)
python3 - >want.txt <<'EOF'
import hashlib
v = bytes([1, 2, 0, 0])  # 1.2.0 packed: major << 24 | minor << 16 | patch
for i in range(40):
    h = hashlib.sha256(v + f"dev-{i}".encode()).digest()
    print(f"dev-{i}", "in" if (h[0] << 8 | h[1]) * 10000 < 1250 * 65536 else "out")
EOF
: >got.txt
for i in $(seq 0 39); do
    "$ABOTA" inspect www/manifest.json --device-id "dev-$i" |
        sed -n 's/^  device \(dev-[0-9]*\): in the rollout$/\1 in/p; s/^  device \(dev-[0-9]*\): not in the rollout$/\1 out/p' >>got.txt
done
cmp -s want.txt got.txt || fail "rollout decisions differ from docs/MANIFEST.md's: $(diff want.txt got.txt | head -5)"
grep -q ' in$' want.txt && grep -q ' out$' want.txt || fail "40 ids gave one answer only"
run "$ABOTA" inspect user1.bin --device-id x
expect_rc 2 "--device-id on an image"

# RFC 6979: the same release and key give the same manifest
cp www/manifest.json first.json
"$ABOTA" publish www --version 1.2.0 --key k.pem --rollout 12.5 --min-version 1.0.0 \
    --poll-interval 3600 --report https://fleet.example/report user1.bin user2.bin >/dev/null
cmp -s first.json www/manifest.json || fail "publishing twice gave two manifests"

# 2. one byte changed inside the signed value: python still reads it, nobody verifies it
sed 's/"rollout": 12.5/"rollout": 100/' www/manifest.json >changed.json
cmp -s changed.json www/manifest.json && fail "sed changed nothing"
run check_json changed.json www 1.2.0 3 100
expect_rc 0 "python3 reads the changed manifest"
run openssl_verify changed.json pub.pem
expect_rc 1 "openssl on a changed manifest"
cp changed.json www/changed.json
run "$ABOTA" inspect www/changed.json --key pub.pem
expect_rc 1 "inspect a changed manifest"
expect_out 'FAILED: signature does not verify' "inspect a changed manifest"
# ... and outside it nothing counts
python3 - <<'EOF'
import json
t = open("www/manifest.json").read()
open("www/noted.json", "w").write(t.replace("{", '{\n  "note": "outside the signature",', 1))
EOF
run "$ABOTA" inspect www/noted.json --key pub.pem
expect_rc 0 "inspect a manifest with an unsigned note"

# 3. an image changed beside the manifest
cp www/user2.bin user2.keep
printf 'x' | dd of=www/user2.bin bs=1 seek=100 conv=notrunc status=none
run "$ABOTA" inspect www/manifest.json --key pub.pem
expect_rc 1 "inspect with a changed image"
expect_out '^    file: +www/user2\.bin, [0-9]+ bytes: BAD \(SHA-256\)$' "inspect a changed image"
cp user2.keep www/user2.bin

# 4. raw firmware is packed and signed here; --base-url makes the URLs absolute
run "$ABOTA" publish rel --version 2.0.0 --key k.pem --security-version 4 \
    --base-url http://cdn.example/fw fw.bin
expect_rc 0 "publish raw firmware"
expect_out '^rel/fw\.bin: slot any, [0-9]+ bytes, packed and signed now$' "publish raw firmware"
run "$ABOTA" inspect rel/fw.bin --key pub.pem
expect_rc 0 "the image publish packed"
expect_out '^  version: +2\.0\.0 ' "the image publish packed: version"
expect_out '^  security version: 4$' "the image publish packed: security version"
run "$ABOTA" inspect rel/manifest.json --key pub.pem
expect_rc 0 "inspect a manifest with absolute URLs"
expect_out '^  image: +slot any, http://cdn\.example/fw/fw\.bin$' "absolute URL"
expect_out '^    file: +not checked \(not relative to the manifest\)$' "absolute URL not checked"
run openssl_verify rel/manifest.json pub.pem
expect_rc 0 "openssl on the second release"
run "$ABOTA" publish rel --version 2.0.0 --key k.pem --name release.json fw.bin
expect_rc 0 "publish --name"
[[ -f rel/release.json ]] || fail "publish --name wrote no rel/release.json"

# 5. refusals
"$ABOTA" pack --version 1.1.0 --slot 1 --key k.pem fw.bin -o old1.bin >/dev/null
"$ABOTA" pack --version 1.2.0 --slot 1 --key other.pem fw.bin -o theirs1.bin >/dev/null
"$ABOTA" pack --version 1.2.0 --slot 1 fw.bin -o unsigned1.bin >/dev/null
"$ABOTA" pack --version 1.2.0 --slot 1 --key k.pem fw.bin -o sec0.bin >/dev/null
cp user1.bin again1.bin
refuse() { # WANT_RC PATTERN WHAT -- ARGS...
    local want=$1 pattern=$2 what=$3
    shift 4
    run "$ABOTA" publish bad "$@"
    expect_rc "$want" "$what"
    expect_out "$pattern" "$what"
}
refuse 1 'old1\.bin is version 1\.1\.0, the release is 1\.2\.0' "an image of another version" -- \
    --version 1.2.0 --key k.pem old1.bin
refuse 1 'theirs1\.bin: signed by another key' "an image signed by another key" -- \
    --version 1.2.0 --key k.pem theirs1.bin
refuse 1 'unsigned1\.bin: image is not signed' "an unsigned image" -- \
    --version 1.2.0 --key k.pem unsigned1.bin
refuse 1 'both for slot 1' "two images for one slot" -- \
    --version 1.2.0 --key k.pem user1.bin again1.bin
refuse 1 'sec0\.bin has security version 0, another image 3' "two security versions" -- \
    --version 1.2.0 --key k.pem user1.bin sec0.bin
refuse 1 'security version 3, --security-version says 5' "another security version" -- \
    --version 1.2.0 --key k.pem --security-version 5 user1.bin
refuse 1 'pub\.pem is a public key' "a public key" -- --version 1.2.0 --key pub.pem user1.bin
refuse 2 'rollout .101.: a percentage' "rollout over 100" -- \
    --version 1.2.0 --key k.pem --rollout 101 user1.bin
refuse 2 'rollout .12\.345.: a percentage' "rollout with three decimals" -- \
    --version 1.2.0 --key k.pem --rollout 12.345 user1.bin
refuse 2 'report .ftp://x/.: URL scheme' "a report URL of another scheme" -- \
    --version 1.2.0 --key k.pem --report ftp://x/ user1.bin
refuse 2 'poll-interval .0.' "a poll interval of 0" -- \
    --version 1.2.0 --key k.pem --poll-interval 0 user1.bin
refuse 2 '--key is required' "no key" -- --version 1.2.0 user1.bin
refuse 2 '--version is required' "no version" -- --key k.pem user1.bin
refuse 2 'at most 3 images' "four images" -- --version 1.2.0 --key k.pem a b c d
cp user1.bin .hidden.bin
refuse 1 'the file name must be' "a hidden file name" -- --version 1.2.0 --key k.pem .hidden.bin
[[ -e bad/manifest.json ]] && fail "a refused publish wrote a manifest"

run "$ABOTA" help publish
expect_rc 0 "abota help publish"
expect_out '^usage: abota publish DIR --version X\.Y\.Z --key KEY\.pem' "abota help publish"
checks_done
