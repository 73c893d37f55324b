#!/usr/bin/env python3
"""Link checks of the OTA demo firmware linked with the SDK
(examples/ota_demo/esp8266/CMakeLists.txt, `make esp8266-sdk`):

  - no firmware leaves a symbol undefined, not even weakly (a weak undefined
    call jumps to 0 on the chip);
  - the loader way runs the port's Cache_Read_Enable_New (esp_cache.c), in
    IRAM, with the cache size libmain's own asks for; the Espressif way runs
    libmain's; in both the SDK's flash calls are in IRAM (they turn the
    flash cache off);
  - every symbol the demo, the port and the core call outside abota is
    defined by the SDK's libraries, the ROM (ld/eagle.rom.addr.v6.ld),
    picolibc (libc_extra.a) or the Xtensa HAL functions (xthal.c), and by
    the linked firmware: no stubs;
  - the port built against its declarations header (libabota_esp8266.a, the
    lx106 tree) calls the same symbols as built against the SDK's headers,
    so either library links into an SDK firmware;
  - every name the stand-alone link checks allow to stay undefined
    (src/port/esp8266/sdk/allowed_undefined.txt) exists in the SDK, the ROM,
    picolibc or libgcc.
Exits 1 when a check fails.

Usage: esp8266_sdk_links.py BUILD_DIR SDK_DIR SOURCE_DIR
"""
import glob
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from esp8266_elf import CC, NM, OBJDUMP, WAYS, firmwares, in_iram, run, symbols, undefined

PICOLIBC = "/usr/lib/xtensa-lx106-elf/lib/libc.a"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return "ok" if ok else "FAILED"


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


def cache_size_args(path):
    """What Cache_Read_Enable_New in path passes as Cache_Read_Enable's third
    argument (the cache size: 0 16 KiB, 1 32 KiB): every immediate it moves
    into a4."""
    dis = run(OBJDUMP, "-d", "--disassemble=Cache_Read_Enable_New", path)
    return set(re.findall(r"\tmovi(?:\.n)?\s+a4, (-?\w+)", dis))


def check_firmware(build, sdk, way, name, binpath):
    elf = os.path.join(build, name + ".elf")
    syms = symbols(elf)
    dangling = sorted(undefined(elf))
    notes = ["nothing undefined" if not dangling else "UNDEFINED: " + " ".join(dangling)]
    check(not dangling, "%s leaves %s undefined" % (binpath, " ".join(dangling)))
    addr = syms.get("Cache_Read_Enable_New", (None,))[0]
    ours = re.search(r"^ \.text\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+\S*esp_cache\.c\.obj$",
                     open(os.path.join(build, name + ".map")).read(), re.M)
    if way == "loader":
        ok = bool(ours) and in_iram(addr) and int(ours.group(1), 16) <= addr
        notes.append("Cache_Read_Enable_New the port's in IRAM " +
                     check(ok, "%s: Cache_Read_Enable_New is not the port's, in IRAM" % binpath))
        mine, sdks = cache_size_args(elf), cache_size_args(os.path.join(sdk, "lib", "libmain.a"))
        notes.append("cache size %s as libmain's %s " % (",".join(sorted(mine)) or "?",
                                                         ",".join(sorted(sdks)) or "?") +
                     check(bool(mine) and mine == sdks,
                           "%s: Cache_Read_Enable_New sizes the cache unlike libmain's" % binpath))
    else:
        notes.append("Cache_Read_Enable_New libmain's " +
                     check(addr is not None and not ours,
                           "%s: Cache_Read_Enable_New is not libmain's" % binpath))
    flash_calls = ("spi_flash_read", "spi_flash_write", "spi_flash_erase_sector")
    notes.append("spi_flash_* in IRAM " +
                 check(all(in_iram(syms.get(f, (None,))[0]) for f in flash_calls),
                       "%s: the SDK's flash calls are not all in IRAM" % binpath))
    print("%-36s %s" % (binpath + ":", ", ".join(notes)))


def external_calls(build, way):
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
            os.path.join(build, "..", "..", "..", "src", "libabota_core.a")]
    out = os.path.join(build, "calls_%s.o" % way)
    run(CC, "-nostdlib", "-r", *["-Wl,-u," + e for e in entries], *objs,
        "-Wl,--start-group", *libs, "-Wl,--end-group", "-o", out)
    return sorted(undefined(out))


def check_calls(build, way, prov):
    fw = symbols(os.path.join(build, "ota_demo_sdk_%s_user1_map5.elf" % way))
    calls = external_calls(build, way)
    by = {}
    for s in calls:
        where = prov.get(s, "NOWHERE")
        check(where != "NOWHERE", "%s: %s is defined by neither the SDK, the ROM nor picolibc" %
              (way, s))
        check(s in fw, "%s: %s is not defined in the linked firmware" % (way, s))
        by.setdefault(where, []).append(s)
    print("%s way: %d symbols the demo, the port and the core call outside abota, defined by:" %
          (way, len(calls)))
    for where in sorted(by):
        print("    %-16s %s" % (where, " ".join(by[where])))


def check_same_calls(build):
    decl = undefined(os.path.join(build, "..", "..", "..", "src", "port", "esp8266",
                                  "libabota_esp8266.a"))
    decl.discard("Cache_Read_Enable")  # esp_cache.c, kept out of the SDK build's library
    real = undefined(os.path.join(build, "libabota_esp8266_sdk.a"))
    print("the port's calls, declarations header against the SDK's headers: %d symbols, %s" %
          (len(real), check(decl == real, "the port calls %s with its declarations header, %s "
                            "with the SDK's" % (sorted(decl - real), sorted(real - decl)))))


def check_allowlist(src, prov):
    path = os.path.join(src, "src", "port", "esp8266", "sdk", "allowed_undefined.txt")
    names = [l.strip() for l in open(path) if re.match(r"^[A-Za-z_]", l)]
    extra = set(symbols(PICOLIBC)) if os.path.exists(PICOLIBC) else set()
    extra |= set(symbols(run(CC, "-print-libgcc-file-name").strip()))
    missing = [n for n in names if n not in prov and n not in extra]
    for n in missing:
        check(False, "allowed_undefined.txt names %s, which nothing defines" % n)
    print("allowed_undefined.txt: %d names, %s" %
          (len(names), "each defined by the SDK, the ROM, picolibc or libgcc" if not missing
           else "%d defined nowhere" % len(missing)))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    build, sdk, src = sys.argv[1:]
    prov = providers(sdk, build)
    for way, _m, _app, name, binpath in firmwares():
        check_firmware(build, sdk, way, name, binpath)
    for way in WAYS:
        check_calls(build, way, prov)
    check_same_calls(build)
    check_allowlist(src, prov)
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("ok: 8 firmware images linked with the SDK, every link check passed")


if __name__ == "__main__":
    main()
