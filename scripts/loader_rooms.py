#!/usr/bin/env python3
"""Checks from a GNU ld map file that a loader links the core's boot/ and
storage/ rooms alone: every abota archive member in the link comes from
libabota_boot_rooms.a (src/CMakeLists.txt builds it from those two rooms).

Usage: loader_rooms.py MAP   (exit 0 when it holds, 1 with the offenders)"""
import re
import sys


def members(path):
    found = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            for m in re.finditer(r"(lib(abota[A-Za-z0-9_]*)\.a)\(([^)]+)\)", line):
                found.add((m.group(1), m.group(3)))
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = members(sys.argv[1])
    if not found:
        sys.exit("%s: no abota archive member in the link" % sys.argv[1])
    bad = sorted(m for m in found if m[0] != "libabota_boot_rooms.a")
    for lib, obj in sorted(found):
        print("%-24s %s%s" % (lib, obj, "   <- not boot/ or storage/" if (lib, obj) in bad else ""))
    if bad:
        print("%d object(s) from outside boot/ and storage/" % len(bad))
        return 1
    print("every core object the loader links is from boot/ or storage/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
