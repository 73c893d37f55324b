#!/usr/bin/env python3
"""Turns an ESP8266 ELF into the 0xE9 image the ROM boots from flash 0x0.

Segments are the ELF's PT_LOAD program headers with file bytes, placed at
their load address (p_paddr, the LMA), merged when contiguous. Layout:
  [E9][count][flash mode][size<<4|freq][entry u32]
  count x ([load address u32][length u32][data, padded to 4])
  zero padding so that the checksum byte sits at an offset ending in 0xF
  [checksum: 0xEF XOR every data byte]
The flasher rewrites bytes 2 and 3 for the chip; they are written as 0
(QIO, 40 MHz) here, as Espressif's boot.bin has them.

Usage: esp_elf2image.py ELF OUT   (prints the image size in bytes)
"""
import struct
import sys


def load_segments(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        sys.exit("not a 32-bit little-endian ELF")
    entry, phoff = struct.unpack_from("<II", elf, 24)
    phentsize, phnum = struct.unpack_from("<HH", elf, 42)
    segs = []
    for i in range(phnum):
        p_type, p_offset, _vaddr, p_paddr, p_filesz = struct.unpack_from(
            "<IIIII", elf, phoff + i * phentsize)
        if p_type == 1 and p_filesz > 0:  # PT_LOAD with bytes
            segs.append([p_paddr, bytearray(elf[p_offset:p_offset + p_filesz])])
    segs.sort(key=lambda s: s[0])
    merged = []
    for addr, data in segs:
        if merged and merged[-1][0] + len(merged[-1][1]) == addr:
            merged[-1][1] += data
        else:
            merged.append([addr, data])
    return entry, merged


def build(entry, segs):
    out = bytearray(struct.pack("<BBBBI", 0xE9, len(segs), 0, 0, entry))
    check = 0xEF
    for addr, data in segs:
        data = data + b"\0" * (-len(data) % 4)
        out += struct.pack("<II", addr, len(data)) + data
        for b in data:
            check ^= b
    out += b"\0" * (15 - len(out) % 16)
    out.append(check)
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        entry, segs = load_segments(f.read())
    image = build(entry, segs)
    with open(sys.argv[2], "wb") as f:
        f.write(image)
    print(len(image))


if __name__ == "__main__":
    main()
