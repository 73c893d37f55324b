#!/usr/bin/env python3
"""Writes tests/unit/sig_image_vectors.h: small abota images signed with the
test-only keys (tests/data/keys), their public keys, and an unsigned twin, for
the engine's signature tests. The footers are built here from
docs/IMAGE_FORMAT.md and signed with the openssl CLI, independently of the C
code under test. Rerun after changing the keys or the footer format:

  python3 tests/tools/gen_sig_image_vectors.py
"""
import hashlib
import os
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footer  # noqa: E402  (DER helpers, footer CRC)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = os.path.join(ROOT, "tests", "data", "keys")
OUT = os.path.join(ROOT, "tests", "unit", "sig_image_vectors.h")
PAYLOAD_LEN = 300
VERSION = (1 << 24) | (1 << 16)  # 1.1.0, newer than the tests' running 1.0.0


def openssl(*args, data=None):
    return subprocess.run(("openssl",) + args, input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def public_xy(key):
    der = openssl("ec", "-in", os.path.join(KEYS, key), "-pubout", "-outform", "DER")
    assert der[-65] == 4, "uncompressed point expected"
    return der[-64:]


def image(key=None, security=0):
    payload = bytes((i * 131 + 7) & 0xFF for i in range(PAYLOAD_LEN))
    pad = (16 - PAYLOAD_LEN % 16) % 16
    foot = bytearray(footer.FOOTER)
    struct.pack_into("<IHHIIBBBBHHI", foot, 0, 0x544F4241, 2 if security else 1, footer.FOOTER,
                     PAYLOAD_LEN, VERSION, 0, 0, pad, 1 if key else 0, 64 if key else 0, 0,
                     zlib.crc32(payload))
    foot[28:60] = hashlib.sha256(payload).digest()
    struct.pack_into("<I", foot, footer.OFF_SECURITY, security)
    img = bytearray(payload + b"\xff" * pad + foot)
    if key:
        der = openssl("dgst", "-sha256", "-sign", os.path.join(KEYS, key),
                      data=footer.signed_bytes(img))
        r, i = footer.der_read_int(der, 2)
        s, _ = footer.der_read_int(der, i)
        at = len(img) - footer.FOOTER + footer.OFF_SIG
        img[at:at + 64] = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    end = len(img) - footer.FOOTER
    struct.pack_into("<I", img, end + footer.OFF_CRC, zlib.crc32(bytes(img[end:end + footer.OFF_CRC])))
    return bytes(img)


def c_array(name, data):
    rows = ["    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 12]) for i in range(0, len(data), 12)]
    return f"static const uint8_t {name}[{len(data)}] = {{\n" + ",\n".join(rows) + "\n};\n"


def main():
    parts = [
        "/* Written by tests/tools/gen_sig_image_vectors.py: do not edit. Abota images\n"
        f" * of a {PAYLOAD_LEN}-byte payload, version 1.1.0, slot any, signed with the\n"
        " * test-only keys of tests/data/keys (public: they prove nothing), and the\n"
        " * keys' public halves (X || Y). */\n",
        "#ifndef ABOTA_TEST_SIG_IMAGE_VECTORS_H\n#define ABOTA_TEST_SIG_IMAGE_VECTORS_H\n\n"
        "#include <stdint.h>\n\n",
        c_array("sig_key_a", public_xy("test-a.pem")),
        c_array("sig_key_b", public_xy("test-b.pem")),
        "/* signed with key A */\n", c_array("sig_img_a", image("test-a.pem")),
        "/* signed with key B */\n", c_array("sig_img_b", image("test-b.pem")),
        "/* not signed */\n", c_array("sig_img_unsigned", image()),
        "/* security version 1 (footer format 2), signed with key A */\n",
        c_array("sig_img_a_sec1", image("test-a.pem", security=1)),
        "\n#endif\n",
    ]
    with open(OUT, "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
