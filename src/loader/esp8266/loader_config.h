/* Build-time settings of the loader: which flash layout it boots. The layout
 * is the core's built-in one the firmware's updater uses, from the same
 * initialiser (abota/layout_esp8266.h); -DABOTA_LOADER_MAP=2 selects
 * "esp8266-512+512". */
#ifndef ABOTA_LOADER_CONFIG_H
#define ABOTA_LOADER_CONFIG_H

#include "abota/layout_esp8266.h"

/* The SDK's flash size map: 5 (2 MB, 1024+1024) or 2 (1 MB, 512+512). */
#ifndef ABOTA_LOADER_MAP
#define ABOTA_LOADER_MAP 5
#endif

/* Verification. 1: CRC-32 against the boot record (choose.c), which fits
 * the 4 KiB sector at 0x0. 0: the core's full boot choice
 * (abota_boot_choose/abota_boot_apply: footer, SHA-256, Espressif checks),
 * which does not fit one sector (docs/FOOTPRINT.md has the numbers); it is
 * built as abota_loader_esp8266_full to measure it. */
#ifndef ABOTA_LOADER_VERIFY_CRC32
#define ABOTA_LOADER_VERIFY_CRC32 1
#endif

#if ABOTA_LOADER_MAP == 5
#define ABOTA_LOADER_LAYOUT_INIT ABOTA_LAYOUT_ESP8266_1024_INIT
#elif ABOTA_LOADER_MAP == 2
#define ABOTA_LOADER_LAYOUT_INIT ABOTA_LAYOUT_ESP8266_512_INIT
#else
#error "ABOTA_LOADER_MAP must be 5 (1024+1024) or 2 (512+512)"
#endif

#endif
