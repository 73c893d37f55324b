#!/usr/bin/env python3
"""Figures of the OTA demo firmware linked with the SDK
(examples/ota_demo/esp8266/CMakeLists.txt, `make esp8266-sdk`).

For every firmware (way x size map x app): the user bin's size, the slot it
goes to (include/abota/layout_esp8266.h) and the margin left once
`abota pack` added its footer (fails when negative), IRAM and DRAM use, and
the heap the SDK has at start. Its heap (libfreertos heap_5, set up on the
first pvPortMalloc) is two regions: DRAM from _heap_start to 0x40000000 and
IRAM from _etext to 0x4010C000. Then, per way, what abota's own objects take
(from the map file) and what an update takes from the heap.
scripts/esp8266_sdk_links.py checks the links.

Usage: esp8266_sdk_report.py BUILD_DIR SDK_DIR SOURCE_DIR
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from esp8266_elf import DRAM, DRAM_END, IRAM, IRAM_HEAP_END, IRAM_LEN, IROM, MAPS, WAYS, \
    firmwares, symbols

PACK_FOOTER = 256  # docs/IMAGE_FORMAT.md: padding to 16, then 256 bytes
OURS = ("libota_demo_sdk", "libabota_esp8266_sdk", "libabota_core", "esp_cache", "xthal")
TCP_WND = 4 * 1460  # lwip/opt.h: TCP_WND (4 * TCP_MSS), TCP_MSS 1460 (lwipopts.h)


def slots(src):
    text = open(os.path.join(src, "include/abota/layout_esp8266.h")).read()
    return {name: int(size, 16) for name, size in
            re.findall(r'\.name = "([^"]+)".*?\{0x001000u, (0x[0-9A-F]+)u\}', text, re.S)}


def task_stack(src):
    text = open(os.path.join(src, "examples/ota_demo/ota_config.h")).read()
    return 4 * int(re.search(r"#define OTA_TASK_STACK_WORDS (\d+)", text).group(1))


def ours_in_map(path):
    """Bytes of abota's objects: flash code, IRAM, DRAM as [data, rodata, bss]."""
    flash = iram = 0
    dram = [0, 0, 0]
    section = None  # a section name alone on its line (long names wrap)
    for line in open(path).read().split("Linker script and memory map", 1)[-1].splitlines():
        if re.match(r"^ (\.[\w.$]+)$", line):
            section = line.strip()
            continue
        m = re.match(r"^ ?(\.[\w.$]+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", line)
        name = (m.group(1) if m else None) or section or ""
        section = None
        if not m or not any(o in m.group(4) for o in OURS):
            continue
        addr, size = int(m.group(2), 16), int(m.group(3), 16)
        if IROM <= addr < IROM + 0x100000:
            flash += size
        elif IRAM <= addr < IRAM + IRAM_LEN:
            iram += size
        elif DRAM <= addr < DRAM_END:
            dram[2 if name.startswith((".bss", "COMMON")) else
                 1 if name.startswith(".rodata") else 0] += size
    return flash, iram, dram


def heap_parts(syms):
    return DRAM_END - syms["_heap_start"][0], IRAM_HEAP_END - syms["_etext"][0]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    build, sdk, src = sys.argv[1:]
    slot = slots(src)
    stack = task_stack(src)
    too_big = []
    print("ESP8266_RTOS_SDK firmware: examples/ota_demo + abota's port and core (%s)" % sdk)
    print("%-10s %-21s %7s %7s %7s %7s %13s %13s %13s" % (
        "way", "bin", "bytes", "packed", "slot", "margin", "IRAM/32768", "DRAM/98304",
        "heap at start"))
    for way, m, _app, name, binpath in firmwares():
        size = os.path.getsize(os.path.join(build, binpath))
        packed = (size + 15) // 16 * 16 + PACK_FOOTER
        s = symbols(os.path.join(build, name + ".elf"))
        margin = slot[MAPS[m][0]] - packed
        if margin < 0:
            too_big.append(binpath)
        print("%-10s %-21s %7d %7d %7d %7d %13d %13d %13d" % (
            way, os.path.basename(binpath), size, packed, slot[MAPS[m][0]], margin,
            s["_etext"][0] - IRAM, s["_heap_start"][0] - DRAM, sum(heap_parts(s))))
    for way in WAYS:
        name = "ota_demo_sdk_%s_user1_map5" % way
        flash, iram, dram = ours_in_map(os.path.join(build, name + ".map"))
        heap_dram, heap_iram = heap_parts(symbols(os.path.join(build, name + ".elf")))
        heap = heap_dram + heap_iram
        print("%s way (user1, map 5):" % way)
        print("  abota (demo + port + core): %d bytes of flash code, %d IRAM, %d DRAM "
              "(.data %d, .rodata %d, .bss %d: the update, its buffer, the port's objects)" %
              (flash, iram, sum(dram), dram[0], dram[1], dram[2]))
        print("  heap at start %d = DRAM %d (_heap_start..0x40000000) + IRAM %d "
              "(_etext..0x4010C000), before the SDK's own Wi-Fi and lwIP allocations" %
              (heap, heap_dram, heap_iram))
        print("  an update from the heap: the OTA task's stack %d + lwIP's receive window "
              "up to %d = %d of %d at start (%d left)" %
              (stack, TCP_WND, stack + TCP_WND, heap, heap - stack - TCP_WND))
    for b in too_big:
        print("FAIL: %s does not fit its slot once packed" % b)
    sys.exit(1 if too_big else 0)


if __name__ == "__main__":
    main()
