#!/usr/bin/env python3
"""Edits and reads abota image footers for the signature tests, independently
of the C code (layout: docs/IMAGE_FORMAT.md).

  footer.py refoot IMAGE [--flip-payload OFF] [--set FIELD=VALUE]...
      changes the image in place, then recomputes the payload's CRC-32 and
      SHA-256 and the footer CRC, and keeps the signature bytes: so only a
      signature can tell the change. FIELD: fw_version, slot,
      security_version (format 2 when non-zero, else 1), sig_type, sig_len
      (signature bytes past it are zeroed).
  footer.py signed IMAGE OUT      writes the 124 signed bytes (0..59, 188..251)
  footer.py sig-der IMAGE OUT     writes the footer's r || s as a DER signature
  footer.py set-sig IMAGE SIG.der stores a DER signature as r || s (the footer
                                  must already say ECDSA P-256, 64 bytes)
"""
import hashlib
import struct
import sys
import zlib

FOOTER = 256
OFF_SIG, SIG_MAX, OFF_SECURITY, OFF_CRC = 60, 128, 188, 252
FIELDS = {  # name: (offset, struct format)
    "fw_version": (12, "<I"),
    "slot": (16, "<B"),
    "sig_type": (19, "<B"),
    "sig_len": (20, "<H"),
    "security_version": (OFF_SECURITY, "<I"),
}


def load(path):
    with open(path, "rb") as f:
        img = bytearray(f.read())
    if len(img) < FOOTER + 16 or img[-FOOTER:-FOOTER + 4] != b"ABOT":
        sys.exit(f"footer.py: {path} is not an abota image")
    return img


def save(path, img):
    foot = len(img) - FOOTER
    struct.pack_into("<I", img, foot + OFF_CRC, zlib.crc32(bytes(img[foot:foot + OFF_CRC])))
    with open(path, "wb") as f:
        f.write(img)


def signed_bytes(img):
    foot = img[-FOOTER:]
    return bytes(foot[:OFF_SIG] + foot[OFF_SECURITY:OFF_CRC])


def der_int(v):
    b = v.to_bytes(33, "big").lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return bytes([2, len(b)]) + b


def der_read_int(d, i):
    if d[i] != 2:
        sys.exit("footer.py: DER signature: INTEGER expected")
    n = d[i + 1]
    return int.from_bytes(d[i + 2:i + 2 + n], "big"), i + 2 + n


def refoot(path, args):
    img = load(path)
    foot = len(img) - FOOTER
    plen = struct.unpack_from("<I", img, foot + 8)[0]
    while args:
        opt, val = args.pop(0), args.pop(0)
        if opt == "--flip-payload":
            off = int(val, 0)
            if off >= plen:
                sys.exit(f"footer.py: offset {off} is not in the {plen}-byte payload")
            img[off] ^= 0x01
        elif opt == "--set":
            name, v = val.split("=", 1)
            off, fmt = FIELDS[name]
            struct.pack_into(fmt, img, foot + off, int(v, 0))
            if name == "security_version":
                struct.pack_into("<H", img, foot + 4, 2 if int(v, 0) else 1)
            if name == "sig_len":
                n = int(v, 0)
                img[foot + OFF_SIG + n:foot + OFF_SIG + SIG_MAX] = bytes(SIG_MAX - n)
        else:
            sys.exit(f"footer.py: unknown option {opt}")
    payload = bytes(img[:plen])
    struct.pack_into("<I", img, foot + 24, zlib.crc32(payload))
    img[foot + 28:foot + 60] = hashlib.sha256(payload).digest()
    save(path, img)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "refoot":
        refoot(path, sys.argv[3:])
    elif cmd == "signed":
        with open(sys.argv[3], "wb") as f:
            f.write(signed_bytes(load(path)))
    elif cmd == "sig-der":
        sig = load(path)[-FOOTER + OFF_SIG:][:64]
        body = der_int(int.from_bytes(sig[:32], "big")) + der_int(int.from_bytes(sig[32:], "big"))
        with open(sys.argv[3], "wb") as f:
            f.write(bytes([0x30, len(body)]) + body)
    elif cmd == "set-sig":
        img = load(path)
        foot = len(img) - FOOTER
        if img[foot + 19] != 1 or struct.unpack_from("<H", img, foot + 20)[0] != 64:
            sys.exit("footer.py: the footer must say ECDSA P-256 (type 1), 64 bytes")
        with open(sys.argv[3], "rb") as f:
            d = f.read()
        if d[0] != 0x30 or d[1] & 0x80:
            sys.exit("footer.py: not a short DER SEQUENCE")
        r, i = der_read_int(d, 2)
        s, _ = der_read_int(d, i)
        img[foot + OFF_SIG:foot + OFF_SIG + 64] = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        save(path, img)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
