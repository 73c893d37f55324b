#!/usr/bin/env python3
"""Figures and link checks of the OTA demo firmware linked with the SDK
(examples/ota_demo/esp8266/CMakeLists.txt, `make esp8266-sdk`).

For every firmware (way x size map x app) it prints the user bin's size, the
slot it goes to (include/abota/layout_esp8266.h) and the margin left once
`abota pack` added its footer, IRAM and DRAM use, and the heap the SDK has
at start. Its heap (libfreertos heap_5, set up on the first pvPortMalloc) is
two regions: DRAM from _heap_start to 0x40000000 and IRAM from _etext to
0x4010C000. Then, per way, what abota's own objects take and what an update
takes from the heap, and the link-level proof:
  - every symbol the demo, the port and the core call outside abota is
    defined by the SDK's libraries, the ROM (ld/eagle.rom.addr.v6.ld),
    picolibc (libc_extra.a) or the Xtensa HAL functions (xthal.c), and by
    the linked firmware;
  - the loader way runs the port's Cache_Read_Enable_New, in IRAM; the
    Espressif way libmain's; the SDK's flash calls are in IRAM;
  - the port built against its declarations header (libabota_esp8266.a, the
    lx106 tree) calls the same symbols as built against the SDK's headers,
    so either library links into an SDK firmware;
  - every name the stand-alone link checks allow to stay undefined
    (src/port/esp8266/sdk/allowed_undefined.txt) exists in the SDK, the ROM,
    picolibc or libgcc.
Exits 1 when a check fails.

Usage: esp8266_sdk_report.py BUILD_DIR SDK_DIR SOURCE_DIR
"""
import glob
import os
import re
import subprocess
import sys

NM = "xtensa-lx106-elf-nm"
CC = "xtensa-lx106-elf-gcc"
IRAM, IRAM_LEN = 0x40100000, 0x8000
DRAM, DRAM_END = 0x3FFE8000, 0x40000000
IRAM_HEAP_END = 0x4010C000
PACK_FOOTER = 256  # docs/IMAGE_FORMAT.md: padding to 16, then 256 bytes
OURS = ("libota_demo_sdk", "libabota_esp8266_sdk", "libabota_core", "esp_cache", "xthal")
failures = []


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def symbols(path):
    out = {}
    for line in run(NM, path).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[2]] = (int(parts[0], 16), parts[1])
    return out


def slots(src):
    text = open(os.path.join(src, "include/abota/layout_esp8266.h")).read()
    out = {}
    for name, size in re.findall(r'\.name = "([^"]+)".*?\{0x001000u, (0x[0-9A-F]+)u\}', text, re.S):
        out[name] = int(size, 16)
    return out


def task_stack(src):
    text = open(os.path.join(src, "examples/ota_demo/ota_config.h")).read()
    return 4 * int(re.search(r"#define OTA_TASK_STACK_WORDS (\d+)", text).group(1))


def ours_in_map(path):
    """Bytes of abota's objects: flash code, IRAM, DRAM as [data, rodata, bss]."""
    flash = iram = 0
    dram = [0, 0, 0]
    section = None
    for line in open(path).read().split("Linker script and memory map", 1)[-1].splitlines():
        m = re.match(r"^ ?(\.[\w.$]+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", line)
        if re.match(r"^ (\.[\w.$]+)$", line):
            section = line.strip()
            continue
        if not m:
            section = None
            continue
        name = m.group(1) or section or ""
        section = None
        if not any(o in m.group(4) for o in OURS):
            continue
        addr, size = int(m.group(2), 16), int(m.group(3), 16)
        if 0x40200000 <= addr < 0x40300000:
            flash += size
        elif IRAM <= addr < IRAM + IRAM_LEN:
            iram += size
        elif DRAM <= addr < DRAM_END:
            dram[2 if name.startswith((".bss", "COMMON")) else
                 1 if name.startswith(".rodata") else 0] += size
    return flash, iram, dram


def providers(sdk, build):
    """symbol -> where it is defined outside abota."""
    out = {}
    for lib in sorted(glob.glob(os.path.join(sdk, "lib", "*.a"))):
        for line in run(NM, "--defined-only", lib).splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBRW":
                out.setdefault(parts[2], os.path.basename(lib))
    rom = open(os.path.join(sdk, "ld", "eagle.rom.addr.v6.ld")).read()
    for name in re.findall(r"PROVIDE\s*\(\s*(\w+)\s*=", rom):
        out.setdefault(name, "ROM")
    for name in symbols(os.path.join(build, "libc_extra.a")):
        out.setdefault(name, "picolibc")
    out.setdefault("xthal_get_ccount", "xthal.c")
    out.setdefault("xthal_set_intset", "xthal.c")
    return out


def external_calls(build, way, fw_syms):
    """What the demo, port and core (as linked from the SDK's entry points)
    leave undefined: a relocatable link, as src/port/esp8266/check_undefined.cmake."""
    entries = ["user_init", "user_rf_cal_sector_set"]
    objs = []
    if way == "loader":
        entries.append("Cache_Read_Enable_New")
        objs = glob.glob(os.path.join(build, "CMakeFiles", "abota_esp8266_sdk_cache.dir", "**",
                                      "*.obj"), recursive=True)
    libs = [os.path.join(build, "libota_demo_sdk_%s_map5.a" % way),
            os.path.join(build, "libabota_esp8266_sdk.a"),
            glob.glob(os.path.join(build, "..", "..", "..", "src", "libabota_core.a"))[0]]
    out = os.path.join(build, "calls_%s.o" % way)
    run(CC, "-nostdlib", "-r", *["-Wl,-u," + e for e in entries], *objs,
        "-Wl,--start-group", *libs, "-Wl,--end-group", "-o", out)
    return sorted(l.split()[-1] for l in run(NM, "-u", out).splitlines() if l.strip())


def check_calls(way, calls, prov, fw_syms):
    by = {}
    for s in calls:
        where = prov.get(s)
        if where is None:
            failures.append("%s: %s is defined by neither the SDK, the ROM nor picolibc" % (way, s))
            where = "NOWHERE"
        elif s not in fw_syms:
            failures.append("%s: %s is not defined in the linked firmware" % (way, s))
        by.setdefault(where, []).append(s)
    print("  %d symbols the demo, the port and the core call outside abota, defined by:" % len(calls))
    for where in sorted(by):
        print("    %-16s %s" % (where, " ".join(by[where])))


def cache_size_args(path):
    """The values Cache_Read_Enable_New in path passes as Cache_Read_Enable's
    third argument (the cache size: 0 16 KiB, 1 32 KiB): every immediate it
    moves into a4."""
    dis = run("xtensa-lx106-elf-objdump", "-d", "--disassemble=Cache_Read_Enable_New", path)
    return set(re.findall(r"\tmovi(?:\.n)?\s+a4, (-?\w+)", dis))


def check_cache(way, elf_syms, mapfile, elf, sdk):
    addr = elf_syms.get("Cache_Read_Enable_New", (None,))[0]
    text = open(mapfile).read()
    ours = re.search(r"^ \.text\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+\S*esp_cache\.c\.obj$", text, re.M)
    if way == "loader":
        ok = ours and addr is not None and IRAM <= addr < IRAM + IRAM_LEN and \
            int(ours.group(1), 16) <= addr
        print("  Cache_Read_Enable_New: the port's (esp_cache.c) at 0x%08X, IRAM: %s" %
              (addr or 0, "ok" if ok else "FAILED"))
        ours, sdks = cache_size_args(elf), cache_size_args(os.path.join(sdk, "lib", "libmain.a"))
        same = bool(ours) and ours == sdks
        print("  its cache size argument: %s, libmain's: %s: %s" %
              (",".join(sorted(ours)) or "?", ",".join(sorted(sdks)) or "?",
               "the same" if same else "DIFFERENT"))
        if not same:
            failures.append("the port's Cache_Read_Enable_New sizes the cache unlike libmain's")
    else:
        ok = addr is not None and not ours
        print("  Cache_Read_Enable_New: libmain's at 0x%08X: %s" % (addr or 0, "ok" if ok else "FAILED"))
    if not ok:
        failures.append("%s: Cache_Read_Enable_New is not the expected one" % way)
    # The SDK's flash calls switch the flash cache off: they must run from IRAM.
    for name in ("spi_flash_read", "spi_flash_write", "spi_flash_erase_sector"):
        a = elf_syms.get(name, (0,))[0]
        if not IRAM <= a < IRAM + IRAM_LEN:
            failures.append("%s: %s at 0x%08X is not in IRAM" % (way, name, a))
    print("  spi_flash_read/write/erase_sector in IRAM: %s" %
          ("ok" if not [f for f in failures if "not in IRAM" in f] else "FAILED"))


def undefined(lib):
    return {l.split()[-1] for l in run(NM, "-u", lib).splitlines() if l.startswith(" ")}


def check_same_calls(build):
    decl = undefined(os.path.join(build, "..", "..", "..", "src", "port", "esp8266",
                                  "libabota_esp8266.a"))
    decl.discard("Cache_Read_Enable")  # esp_cache.c, kept out of the SDK build's library
    real = undefined(os.path.join(build, "libabota_esp8266_sdk.a"))
    if decl != real:
        failures.append("the port calls %s with its declarations header, %s with the SDK's" %
                        (sorted(decl - real), sorted(real - decl)))
    print("the port's calls, declarations header against the SDK's headers: %d symbols, %s" %
          (len(real), "the same" if decl == real else "DIFFERENT"))


def check_allowlist(src, prov):
    path = os.path.join(src, "src", "port", "esp8266", "sdk", "allowed_undefined.txt")
    names = [l.strip() for l in open(path) if re.match(r"^[A-Za-z_]", l)]
    libc = "/usr/lib/xtensa-lx106-elf/lib/libc.a"
    extra = set(symbols(libc)) if os.path.exists(libc) else set()
    extra |= set(symbols(run(CC, "-print-libgcc-file-name").strip()))
    missing = [n for n in names if n not in prov and n not in extra]
    for n in missing:
        failures.append("allowed_undefined.txt names %s, which nothing defines" % n)
    print("allowed_undefined.txt: %d names, %s" %
          (len(names), "each defined by the SDK, the ROM, picolibc or libgcc" if not missing
           else "%d defined nowhere" % len(missing)))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    build, sdk, src = sys.argv[1:]
    slot = slots(src)
    stack = task_stack(src)
    prov = providers(sdk, build)
    layouts = {5: ("esp8266-1024+1024", 2048), 2: ("esp8266-512+512", 1024)}
    print("ESP8266_RTOS_SDK firmware: examples/ota_demo + abota's port and core (%s)" % sdk)
    print("%-10s %-21s %7s %7s %7s %7s %13s %13s %13s" % (
        "way", "bin", "bytes", "packed", "slot", "margin", "IRAM/32768", "DRAM/98304",
        "heap at start"))
    heaps = {}
    for way in ("loader", "espressif"):
        for m in (5, 2):
            layout, kib = layouts[m]
            for app in (1, 2):
                name = "ota_demo_sdk_%s_user%d_map%d" % (way, app, m)
                binname = "user%d.%d.new.%d.bin" % (app, kib, m)
                size = os.path.getsize(os.path.join(build, way, binname))
                packed = (size + 15) // 16 * 16 + PACK_FOOTER
                s = symbols(os.path.join(build, name + ".elf"))
                # Nothing left undefined, not even weakly (a weak undefined
                # call would jump to 0 on the chip).
                dangling = [l.split()[-1] for l in
                            run(NM, "-u", os.path.join(build, name + ".elf")).splitlines()
                            if l.strip()]
                if dangling:
                    failures.append("%s leaves %s undefined" % (name, " ".join(dangling)))
                iram = s["_etext"][0] - IRAM
                dram = s["_heap_start"][0] - DRAM
                heap = (DRAM_END - s["_heap_start"][0]) + (IRAM_HEAP_END - s["_etext"][0])
                heaps[(way, m, app)] = heap
                margin = slot[layout] - packed
                if margin < 0:
                    failures.append("%s does not fit its slot" % binname)
                print("%-10s %-21s %7d %7d %7d %7d %13d %13d %13d" % (
                    way, binname, size, packed, slot[layout], margin, iram, dram, heap))
    tcp_wnd = 4 * 1460  # lwip/opt.h: TCP_WND (4 * TCP_MSS), TCP_MSS 1460 (lwipopts.h)
    for way in ("loader", "espressif"):
        name = "ota_demo_sdk_%s_user1_map5" % way
        mapfile = os.path.join(build, name + ".map")
        elf_syms = symbols(os.path.join(build, name + ".elf"))
        flash, iram, dram = ours_in_map(mapfile)
        heap = heaps[(way, 5, 1)]
        print("%s way (user1, map 5):" % way)
        print("  abota (demo + port + core): %d bytes of flash code, %d IRAM, %d DRAM "
              "(.data %d, .rodata %d, .bss %d: the update, its buffer, the port's objects)" %
              (flash, iram, sum(dram), dram[0], dram[1], dram[2]))
        print("  heap at start %d = DRAM %d (_heap_start..0x40000000) + IRAM %d "
              "(_etext..0x4010C000), before the SDK's own Wi-Fi and lwIP allocations" %
              (heap, DRAM_END - elf_syms["_heap_start"][0], IRAM_HEAP_END - elf_syms["_etext"][0]))
        print("  an update from the heap: the OTA task's stack %d + lwIP's receive window "
              "up to %d = %d of %d at start (%d left)" %
              (stack, tcp_wnd, stack + tcp_wnd, heap, heap - stack - tcp_wnd))
        check_cache(way, elf_syms, mapfile, os.path.join(build, name + ".elf"), sdk)
        check_calls(way, external_calls(build, way, elf_syms), prov, elf_syms)
    check_same_calls(build)
    check_allowlist(src, prov)
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("ok: 8 firmware images linked with the SDK, nothing undefined in them, "
          "every check passed")


if __name__ == "__main__":
    main()
