"""Shared by scripts/esp8266_sdk_report.py and esp8266_sdk_links.py: the
firmware that examples/ota_demo/esp8266/CMakeLists.txt links with the SDK,
the ESP8266's memory map, and nm over the lx106 toolchain."""
import subprocess

NM = "xtensa-lx106-elf-nm"
CC = "xtensa-lx106-elf-gcc"
OBJDUMP = "xtensa-lx106-elf-objdump"
IRAM, IRAM_LEN = 0x40100000, 0x8000  # the SDK's iram1_0_seg
DRAM, DRAM_END = 0x3FFE8000, 0x40000000  # dram0_0_seg
IROM = 0x40200000  # the flash window
IRAM_HEAP_END = 0x4010C000  # libfreertos heap_5's IRAM region ends here
WAYS = ("loader", "espressif")
# size map -> (layout, flash KiB in the bin's name)
MAPS = {5: ("esp8266-1024+1024", 2048), 2: ("esp8266-512+512", 1024)}


def firmwares():
    """(way, map, app, ELF name without .elf, bin path under way/)."""
    for way in WAYS:
        for m, (_layout, kib) in MAPS.items():
            for app in (1, 2):
                yield (way, m, app, "ota_demo_sdk_%s_user%d_map%d" % (way, app, m),
                       "%s/user%d.%d.new.%d.bin" % (way, app, kib, m))


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def symbols(path):
    """name -> (value, nm type) of the symbols path defines."""
    out = {}
    for line in run(NM, path).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[2]] = (int(parts[0], 16), parts[1])
    return out


def undefined(path):
    """Names path leaves undefined (weak ones included)."""
    return {l.split()[-1] for l in run(NM, "-u", path).splitlines() if l.startswith(" ")}


def in_iram(addr):
    return addr is not None and IRAM <= addr < IRAM + IRAM_LEN
