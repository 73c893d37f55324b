/* Settings of the OTA example, in one place (as the SDK demo's ota.h).
 * Override any of them with -D or by editing this file. */
#ifndef ABOTA_EXAMPLE_OTA_CONFIG_H
#define ABOTA_EXAMPLE_OTA_CONFIG_H

/* Where the images are; %d becomes the target slot (1 or 2), so the device
 * fetches the bin linked for the slot it writes. */
#ifndef OTA_URL
#define OTA_URL "http://192.168.1.10:3344/user%d.bin"
#endif

/* A built-in layout (abota_layout_find): "esp8266-1024+1024" for 2 MB chips
 * with the SDK's map 5, "esp8266-512+512" for 1 MB chips (map 2). */
#ifndef OTA_LAYOUT
#define OTA_LAYOUT "esp8266-1024+1024"
#endif

/* 1: keep Espressif's boot.bin (upgrade flag + system_upgrade_reboot, no
 * rollback). 0: abota's loader at 0x0 (trial boot, rollback). */
#ifndef OTA_ESPRESSIF_BOOT
#define OTA_ESPRESSIF_BOOT 0
#endif

#ifndef OTA_CONNECT_TIMEOUT_MS
#define OTA_CONNECT_TIMEOUT_MS 10000
#endif
#ifndef OTA_IDLE_TIMEOUT_MS
#define OTA_IDLE_TIMEOUT_MS 15000
#endif

/* One TCP segment: what the engine receives per call. */
#ifndef OTA_RX_BUF
#define OTA_RX_BUF 1460
#endif

/* The update task's stack, in words (FreeRTOS counts 4-byte words). The
 * engine's objects are static, so this covers only the call chain. */
#ifndef OTA_TASK_STACK_WORDS
#define OTA_TASK_STACK_WORDS 1024
#endif
#ifndef OTA_TASK_PRIO
#define OTA_TASK_PRIO 2
#endif

#endif
