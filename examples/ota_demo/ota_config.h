/* The demo's settings, in one place as in Espressif's ota_demo (ota.h): the
 * access point to join and the HTTP server that holds the upgrade bins,
 * then what only the ESP8266 build reads. Every value can be overridden
 * with -D (or by editing this file); on the host the simulator also takes
 * the URL, the SSID, the flash file and the running slot from its
 * environment (platform_posix.c). */
#ifndef OTA_CONFIG_H
#define OTA_CONFIG_H

/* ---- the seed's settings -------------------------------------------------- */

#ifndef OTA_SSID
#define OTA_SSID "abota-demo-ap" /* at most 32 bytes */
#endif
#ifndef OTA_PASSWORD
#define OTA_PASSWORD "abota-demo-pass" /* at most 64 bytes; "" for an open AP */
#endif

#ifndef OTA_SERVER_IP
#define OTA_SERVER_IP "192.168.1.100" /* an IPv4 literal or a host name */
#endif
#ifndef OTA_SERVER_PORT
#define OTA_SERVER_PORT 3344
#endif
/* "%d" becomes the slot the bin is built for: running user1 fetches
 * user2.bin and back (512+512 bins are linked for their slot). */
#ifndef OTA_PATH_TEMPLATE
#define OTA_PATH_TEMPLATE "user%d.bin"
#endif

/* The update URL the settings above make, as one string constant. */
#define OTA_STR_(x) #x
#define OTA_STR(x) OTA_STR_(x)
#define OTA_URL "http://" OTA_SERVER_IP ":" OTA_STR(OTA_SERVER_PORT) "/" OTA_PATH_TEMPLATE

/* Manifest mode: the URL of the signed release manifest (abota publish) the
 * device polls instead of probing OTA_URL, e.g.
 * -DOTA_MANIFEST_URL='"http://192.168.1.100:3344/manifest.json"'; it needs
 * OTA_SIGN_KEY_HEADER. The station MAC is the device's id for the rollout
 * share. Unset: the seed's mode. */
/* #define OTA_MANIFEST_URL "http://" OTA_SERVER_IP ":3344/manifest.json" */

/* The header `abota pubkey KEY.pem --c -o FILE` wrote: the public key every
 * image must be signed with (docs/SECURITY.md), e.g.
 * -DOTA_SIGN_KEY_HEADER='"abota_sign_key.h"'. Unset: no key, no signature
 * check (the demo warns at start). The simulator takes the key from
 * `abota sim --key` instead. */
/* #define OTA_SIGN_KEY_HEADER "abota_sign_key.h" */

/* Boots a new image may take to confirm itself before the bootloader rolls
 * back to the previous one. */
#ifndef OTA_TRIAL_ATTEMPTS
#define OTA_TRIAL_ATTEMPTS 3
#endif

/* Receive buffer for the download (one TCP segment is 1460 bytes). */
#ifndef OTA_BUF_SIZE
#define OTA_BUF_SIZE 1460
#endif

/* ---- ESP8266 only (platform_esp8266.c) ----------------------------------- */

/* The flash layout, a built-in one (abota_layout_find): "esp8266-1024+1024"
 * for 2 MB chips with the SDK's map 5 (user1 0x1000, user2 0x101000),
 * "esp8266-512+512" for 1 MB chips with map 2 (user1 0x1000, user2
 * 0x81000). It must match SPI_SIZE_MAP of the SDK build. */
#ifndef OTA_LAYOUT
#define OTA_LAYOUT "esp8266-1024+1024"
#endif

/* What sits at flash 0x0 and picks the slot at boot:
 * 0  abota's loader (build-lx106/src/loader/esp8266/abota_loader.bin):
 *    the running slot comes from the boot record, a new image boots on
 *    trial and is rolled back when it never confirms; restart with
 *    system_restart().
 * 1  Espressif's boot.bin: the running slot comes from
 *    system_upgrade_userbin_check(), the switch is the SDK's upgrade flag
 *    and system_upgrade_reboot(); no trial, no rollback. */
#ifndef OTA_ESPRESSIF_BOOT
#define OTA_ESPRESSIF_BOOT 0
#endif

/* A watchdog the OTA task runs under that nothing feeds during the update,
 * in ms (the engine's deadline then ends inside it: cfg.watchdog_ms in
 * abota/update.h); 0: none. The SDK's software and hardware watchdogs are
 * not such: the OTA task blocks in lwIP or vTaskDelay at every wait of the
 * engine, and the SDK feeds them meanwhile (docs/PORTING.md). */
#ifndef OTA_WATCHDOG_MS
#define OTA_WATCHDOG_MS 0
#endif

/* How long to wait for the station to get an IP address. */
#ifndef OTA_WIFI_TIMEOUT_MS
#define OTA_WIFI_TIMEOUT_MS 30000
#endif

/* The OTA task's stack in 4-byte words (FreeRTOS counts words), and its
 * priority. The engine's objects are static; the stack carries abota's
 * deepest call chain (2,384 bytes, docs/FOOTPRINT.md), the demo's event
 * callback with printf, and lwIP's receive path. */
#ifndef OTA_TASK_STACK_WORDS
#define OTA_TASK_STACK_WORDS 1536
#endif
#ifndef OTA_TASK_PRIO
#define OTA_TASK_PRIO 2
#endif

#endif
