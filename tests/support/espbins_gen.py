#!/usr/bin/env python3
"""Writes the Espressif-format test bins the tests run on (tests/support/espbins.h).

They have the exact shape of the SDK's own (gen_appbin.py BOOT=new and plain
0xE9 images): header, segments, zero padding, XOR checksum byte at the end of
a 16-byte line, and for the v2 "new" user bins the CRC trailer, computed here
with zlib, independently of abota's C code. Contents are deterministic
pseudo-random bytes, so every build writes the same files.

  gen-1024+1024/user{1,2}.2048.new.5.bin  0xEA v2, size map 5: one code for
      both slots (irom0 runs at 0x40201010 in either 1 MB window); they
      differ in header byte 3, a build stamp in .rodata and the trailer.
  gen-512+512/user{1,2}.1024.new.2.bin    0xEA v2, size map 2: irom0 linked
      at 0x40201010 (user1) and 0x40281010 (user2), so the code differs.
  e9-pad{3,7,11,15}.bin                   plain 0xE9 images (no trailer), one
      per possible checksum padding.
  blank.bin, phy_init.bin                 not images: 4096 bytes of 0xFF, and
      128 bytes of PHY init data.

The build stamp is chosen so that user1's CRC-32 is below 2^31 and user2's at
or above it: both branches of the trailer formula are covered in each map.

Usage: espbins_gen.py OUTDIR [--table]   (--table prints what the tests assert)
"""
import hashlib
import os
import struct
import sys
import zlib

ENTRY = 0x40100C30
IRAM = 0x40100000
DRAM = 0x3FFE8000

# size map -> (flash KiB, irom0 length, .text, .data, .rodata lengths, irom0 link base per slot)
MAPS = {
    5: (2048, 0x7A30, 0x1A48, 0x2C4, 0xC90, {1: 0x40201010, 2: 0x40201010}),
    2: (1024, 0x6CA0, 0x1B24, 0x290, 0x9B0, {1: 0x40201010, 2: 0x40281010}),
}
PAIR_DIR = {5: "gen-1024+1024", 2: "gen-512+512"}


def pseudo(n, seed):
    """n deterministic bytes (xorshift32, top byte), as tests/support/fixture.c."""
    x = seed or 1
    out = bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x >> 24
    return out


def irom_code(length, seed, base):
    """Pseudo-random code with a literal pool word every 256 bytes that
    points into irom0 at its link address: the part that differs between
    the 512+512 user1 and user2."""
    code = pseudo(length, seed)
    for off in range(0, length - 3, 256):
        struct.pack_into("<I", code, off, base + off)
    return code


def e9_image(sizefreq, segs):
    """A complete 0xE9 image: header, segments, padding, XOR checksum."""
    out = bytearray(struct.pack("<BBBBI", 0xE9, len(segs), 0, sizefreq, ENTRY))
    check = 0xEF
    for addr, data in segs:
        assert len(data) % 4 == 0
        out += struct.pack("<II", addr, len(data)) + data
        for b in data:
            check ^= b
    out += bytes(15 - len(out) % 16)
    out.append(check)
    return out


def crc_trailer(body):
    c = zlib.crc32(body) & 0xFFFFFFFF
    return (c + 1) if c < 0x80000000 else (c ^ 0xFFFFFFFF)


def user_bin(size_map, slot):
    kib, irom_len, text_len, data_len, ro_len, bases = MAPS[size_map]
    irom = irom_code(irom_len, 0x1000 + size_map, bases[slot])
    text = pseudo(text_len, 0x2000 + size_map)
    data = pseudo(data_len, 0x3000 + size_map)
    ro_start = DRAM + (data_len + 15) // 16 * 16
    for stamp in range(1000):
        ro = pseudo(ro_len, 0x4000 + size_map)
        tag = b"abota test user bin %d, map %d, build %04d\0" % (slot, size_map, stamp)
        ro[:len(tag)] = tag
        inner = e9_image(size_map << 4, [(IRAM, text), (DRAM, data), (ro_start, ro)])
        body = struct.pack("<BBBBIII", 0xEA, 4, 0, slot, ENTRY, 0, irom_len) + irom + inner
        c = zlib.crc32(body) & 0xFFFFFFFF
        if (c < 0x80000000) == (slot == 1):
            return body + struct.pack("<I", crc_trailer(body))
    raise SystemExit("espbins_gen.py: no build stamp gives the wanted CRC range")


def plain_bin(pad):
    # end of segments = 32 + sum(lengths); the padding is 15 - that mod 16
    ro_len = 0x200 + (15 - pad)  # 0x200 + 12, 8, 4 or 0
    segs = [(IRAM, pseudo(0x6A0, 0x5000 + pad)), (DRAM, pseudo(0x30, 0x6000 + pad)),
            (DRAM + 0x30, pseudo(ro_len, 0x7000 + pad))]
    return e9_image(0, segs)


def files():
    for size_map, (kib, *_rest) in MAPS.items():
        for slot in (1, 2):
            name = "%s/user%d.%d.new.%d.bin" % (PAIR_DIR[size_map], slot, kib, size_map)
            yield name, user_bin(size_map, slot)
    for pad in (3, 7, 11, 15):
        yield "e9-pad%d.bin" % pad, plain_bin(pad)
    yield "blank.bin", b"\xff" * 4096
    yield "phy_init.bin", bytes([5, 8, 4, 2]) + pseudo(124, 0x8000)


def table(name, b):
    print("%s: %d bytes, sha256 %s" % (name, len(b), hashlib.sha256(b).hexdigest()))
    if b[0] != 0xEA:
        return
    irom_len = struct.unpack_from("<I", b, 12)[0]
    pos = 16 + irom_len + 8
    for _ in range(3):
        load, n = struct.unpack_from("<II", b, pos)
        print("  segment 0x%08X 0x%X" % (load, n))
        pos += 8 + n
    print("  irom 0x%X, xor 0x%02X, crc body 0x%08X, trailer 0x%08X" % (
        irom_len, b[pos | 0xF], zlib.crc32(b[:-4]) & 0xFFFFFFFF,
        struct.unpack_from("<I", b, len(b) - 4)[0]))


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--table"):
        sys.exit(__doc__)
    for name, data in files():
        path = os.path.join(argv[1], name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        if len(argv) == 3:
            table(name, data)


if __name__ == "__main__":
    main(sys.argv)
