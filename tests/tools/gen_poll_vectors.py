#!/usr/bin/env python3
"""Writes tests/unit/poll_vectors.h: release manifests for the manifest poll
(unit.poll), signed by the openssl CLI with the test-only keys of
tests/data/keys. The images they name are the unit test's own (testimg.h):
a payload of POLL_PAYLOAD bytes, padded to 16, and the 256-byte footer.
Rerun after changing the keys or the format:

  python3 tests/tools/gen_poll_vectors.py
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_manifest_vectors import c_string, sign  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "unit", "poll_vectors.h")

PAYLOAD = 4000
LENGTH = (PAYLOAD + 15) // 16 * 16 + 256
SHA = hashlib.sha256(b"not checked by the poll").hexdigest()


def release(version, images, **extra):
    signed = {"format": 1, "version": version}
    signed.update(extra)
    signed["images"] = images
    return signed


def image(slot, url, length=LENGTH):
    return {"slot": slot, "url": url, "length": length, "sha256": SHA}


def doc(signed, key="test-a.pem"):
    body = json.dumps(signed, separators=(",", ":"))
    return '{"signed":%s,"signature":"%s"}' % (body, sign(key, body.encode()))


BOTH = [image(1, "user1.bin"), image(2, "user2.bin")]
NEWER = release("1.1.0", BOTH, security_version=1, poll_interval=600)

VECTORS = [
    ("poll_newer", "1.1.0, security 1, poll_interval 600, user1.bin and user2.bin (relative)",
     doc(NEWER)),
    ("poll_absolute", "1.1.0, one image for either slot at an absolute URL with a %20",
     doc(release("1.1.0", [image(0, "http://cdn.example/fw/any%20x.bin")]))),
    ("poll_equal", "1.0.0: the running version", doc(release("1.0.0", BOTH))),
    ("poll_older", "0.9.0", doc(release("0.9.0", BOTH))),
    ("poll_min", "1.1.0 for devices from 1.0.1 on", doc(release("1.1.0", BOTH, min_version="1.0.1"))),
    ("poll_rollout0", "1.1.0 for nobody (rollout 0)", doc(release("1.1.0", BOTH, rollout=0))),
    ("poll_slot1_only", "1.1.0 with an image for slot 1 only", doc(release("1.1.0", [image(1, "user1.bin")]))),
    ("poll_up", "1.1.0 with user2.bin one directory up", doc(release("1.1.0", [image(2, "../fw/user2.bin")]))),
    ("poll_key_b", "poll_newer's release signed with key B", doc(NEWER, "test-b.pem")),
    ("poll_unsigned", "poll_newer's release without the signature",
     '{"signed":%s}' % json.dumps(NEWER, separators=(",", ":"))),
]


def main():
    parts = [
        "/* Written by tests/tools/gen_poll_vectors.py: do not edit. Release manifests\n"
        " * signed by openssl with the test-only keys of tests/data/keys (public: they\n"
        " * prove nothing) for unit.poll. */\n",
        "#ifndef ABOTA_TEST_POLL_VECTORS_H\n#define ABOTA_TEST_POLL_VECTORS_H\n\n",
        "#define POLL_PAYLOAD %du\n#define POLL_LENGTH %du /* the image file named */\n\n"
        % (PAYLOAD, LENGTH),
    ]
    for name, what, text in VECTORS:
        parts += ["/* %s */\n" % what, c_string(name, text)]
    parts.append("\n#endif\n")
    with open(OUT, "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
