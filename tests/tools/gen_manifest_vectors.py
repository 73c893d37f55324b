#!/usr/bin/env python3
"""Writes tests/unit/manifest_vectors.h: release manifests (docs/MANIFEST.md)
signed with the test-only keys of tests/data/keys by the openssl CLI, so the
device reader is checked against signatures made without any of its code.
Rerun after changing the keys or the format:

  python3 tests/tools/gen_manifest_vectors.py
"""
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footer  # noqa: E402  (DER helpers)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = os.path.join(ROOT, "tests", "data", "keys")
OUT = os.path.join(ROOT, "tests", "unit", "manifest_vectors.h")


def sign(key, data):
    der = subprocess.run(("openssl", "dgst", "-sha256", "-sign", os.path.join(KEYS, key)),
                         input=data, stdout=subprocess.PIPE, check=True).stdout
    r, i = footer.der_read_int(der, 2)
    s, _ = footer.der_read_int(der, i)
    return (r.to_bytes(32, "big") + s.to_bytes(32, "big")).hex()


SIGNED = {
    "format": 1,
    "version": "1.2.0",
    "security_version": 3,
    "min_version": "1.0.0",
    "rollout": 12.5,
    "poll_interval": 3600,
    "report": "https://fleet.example/report",
    "images": [
        {"slot": 1, "url": "user1.bin", "length": 301328,
         "sha256": hashlib.sha256(b"user1").hexdigest()},
        {"slot": 2, "url": "http://cdn.example/fw/user2.bin", "length": 301344,
         "sha256": hashlib.sha256(b"user2").hexdigest()},
    ],
}


def compact(key):
    body = json.dumps(SIGNED, separators=(",", ":"))
    return '{"signed":%s,"signature":"%s"}' % (body, sign(key, body.encode()))


def pretty(key):
    # the signed span keeps its own layout, whitespace and newlines included
    body = json.dumps(SIGNED, indent=2)
    return '{\n  "signature": "%s",\n  "signed": %s\n}\n' % (sign(key, body.encode()), body)


def c_string(name, text):
    lines = []
    for line in text.splitlines(keepends=True):
        lines.append('    "' + line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"')
    return f"static const char {name}[] =\n" + "\n".join(lines) + ";\n"


def main():
    parts = [
        "/* Written by tests/tools/gen_manifest_vectors.py: do not edit. Release\n"
        " * manifests signed by openssl with the test-only keys of tests/data/keys\n"
        " * (public: they prove nothing); the keys are in sig_image_vectors.h. */\n",
        "#ifndef ABOTA_TEST_MANIFEST_VECTORS_H\n#define ABOTA_TEST_MANIFEST_VECTORS_H\n\n",
        "/* compact, signed with key A */\n", c_string("manifest_a", compact("test-a.pem")),
        "/* indented, \"signature\" first, signed with key A */\n",
        c_string("manifest_a_pretty", pretty("test-a.pem")),
        "/* compact, signed with key B */\n", c_string("manifest_b", compact("test-b.pem")),
        "\n#endif\n",
    ]
    with open(OUT, "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
