#!/usr/bin/env python3
"""Bytes each object contributes to a link, from a GNU ld map file.

Reads the "Linker script and memory map" part of the map (what was kept,
after --gc-sections) and sums input sections by object: code and read-only
data (.text*, .literal*, .rodata*), .data*, .bss*/COMMON.

Usage: linked_sizes.py MAP   (prints text data bss object, then the total)
"""
import re
import sys

ENTRY = re.compile(r"^ (\.[\w.$]+|COMMON)?\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+)$")


def kind(section):
    if section.startswith((".text", ".literal", ".rodata")):
        return 0
    if section.startswith((".data", ".sdata")):
        return 1
    if section.startswith((".bss", ".sbss", "COMMON")):
        return 2
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sizes = {}
    with open(sys.argv[1]) as f:
        lines = f.read().split("Linker script and memory map", 1)[-1].splitlines()
    pending = None  # a section name alone on its line (long names wrap)
    for line in lines:
        if re.match(r"^ \.[\w.$]+$", line):
            pending = line.strip()
            continue
        m = ENTRY.match(line)
        if not m:
            pending = None
            continue
        section = m.group(1) or pending
        pending = None
        k = kind(section or "")
        size = int(m.group(3), 16)
        if k is None or size == 0:
            continue
        obj = re.sub(r"^.*\((.*)\)$", r"\1", m.group(4))
        obj = re.sub(r"\.c\.obj$", "", obj.split("/")[-1])
        sizes.setdefault(obj, [0, 0, 0])[k] += size
    total = [0, 0, 0]
    for obj in sorted(sizes):
        t = sizes[obj]
        print("%8d %8d %8d  %s" % (t[0], t[1], t[2], obj))
        total = [a + b for a, b in zip(total, t)]
    print("%8d %8d %8d  (linked total)" % tuple(total))


if __name__ == "__main__":
    main()
