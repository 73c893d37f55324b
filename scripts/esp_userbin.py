#!/usr/bin/env python3
"""Turns an ESP8266 SDK firmware ELF into a v2 ("new", boot mode 2) user bin,
the format Espressif's tools write for `make BOOT=new APP=1|2`:

  [EA][04][flash mode][app number][entry u32][0 u32][irom length L u32]
  .irom0.text (L bytes, zero-padded to 16)   runs in place from slot + 0x10
  [E9][03][flash mode][map<<4 | clock][entry u32]
  3 segments: .text (IRAM 0x40100000), .data, .rodata (DRAM), each
    [load address u32][length u32][bytes, zero-padded to 4]
  zero padding so that the checksum byte ends a 16-byte line
  [0xEF XOR every segment byte]
  [CRC trailer u32: c = CRC-32 of all bytes before it;
                    c + 1 when c < 2^31, else 0xFFFFFFFF - c]

Written from the layout in the fixtures' fact sheet; the sections come from
the ELF's section headers by name, the entry from its header (the SDK's
linker scripts set ENTRY(call_user_start)).

Usage: esp_userbin.py ELF OUT --app 1|2 --map N [--mode 0..3] [--clock 0|1|2|15]
Prints one line: the bin's size and its parts.
"""
import argparse
import struct
import sys
import zlib


def sections(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        sys.exit("esp_userbin.py: not a 32-bit little-endian ELF")
    entry = struct.unpack_from("<I", elf, 24)[0]
    shoff = struct.unpack_from("<I", elf, 32)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 46)

    def header(i):
        return struct.unpack_from("<IIIIII", elf, shoff + i * shentsize)

    strtab_off = header(shstrndx)[4]
    out = {}
    for i in range(shnum):
        name_off, sh_type, _flags, addr, off, size = header(i)
        end = elf.index(b"\0", strtab_off + name_off)
        name = elf[strtab_off + name_off:end].decode()
        data = b"" if sh_type == 8 else elf[off:off + size]  # SHT_NOBITS
        out[name] = (addr, bytes(data))
    return entry, out


def pad(data, unit):
    return data + bytes(-len(data) % unit)


def crc_trailer(body):
    c = zlib.crc32(body) & 0xFFFFFFFF
    return c + 1 if c < 0x80000000 else 0xFFFFFFFF - c


def user_bin(entry, secs, app, size_map, mode, clock):
    for name in (".irom0.text", ".text", ".data", ".rodata"):
        if name not in secs:
            sys.exit("esp_userbin.py: the ELF has no %s section" % name)
    irom = pad(secs[".irom0.text"][1], 16)
    out = bytearray(struct.pack("<BBBBIII", 0xEA, 4, mode, app, entry, 0, len(irom)))
    out += irom
    out += struct.pack("<BBBBI", 0xE9, 3, mode, (size_map << 4) | clock, entry)
    check = 0xEF
    for name in (".text", ".data", ".rodata"):
        addr, data = secs[name]
        data = pad(data, 4)
        out += struct.pack("<II", addr, len(data)) + data
        for b in data:
            check ^= b
    out += bytes(15 - len(out) % 16)
    out.append(check)
    out += struct.pack("<I", crc_trailer(bytes(out)))
    return bytes(out), len(irom), check


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("elf")
    ap.add_argument("out")
    ap.add_argument("--app", type=int, choices=(1, 2), required=True)
    ap.add_argument("--map", type=int, choices=range(10), required=True)
    ap.add_argument("--mode", type=int, choices=range(4), default=0)  # QIO
    ap.add_argument("--clock", type=int, choices=(0, 1, 2, 15), default=0)  # 40 MHz
    a = ap.parse_args()
    with open(a.elf, "rb") as f:
        entry, secs = sections(f.read())
    image, irom_len, check = user_bin(entry, secs, a.app, a.map, a.mode, a.clock)
    with open(a.out, "wb") as f:
        f.write(image)
    print("%s: %d bytes (irom0 %d, .text %d, .data %d, .rodata %d), entry 0x%08X, "
          "xor 0x%02X, trailer 0x%08X" % (
              a.out, len(image), irom_len, len(secs[".text"][1]), len(secs[".data"][1]),
              len(secs[".rodata"][1]), entry, check,
              struct.unpack_from("<I", image, len(image) - 4)[0]))


if __name__ == "__main__":
    main()
