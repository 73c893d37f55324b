/* The demo's settings, as in Espressif's ota_demo (ota.h): the access point
 * to join and the HTTP server that holds the upgrade bins. On the host the
 * simulator overrides them from the environment (see platform_posix.c). */
#ifndef OTA_CONFIG_H
#define OTA_CONFIG_H

#define OTA_SSID "abota-demo-ap"
#define OTA_PASSWORD "abota-demo-pass"

#define OTA_SERVER_IP "192.168.1.100"
#define OTA_SERVER_PORT 3344
/* "%d" becomes the slot the bin is built for: running user1 fetches
 * user2.bin and back. */
#define OTA_PATH_TEMPLATE "user%d.bin"

/* Boots a new image may take to confirm itself before the bootloader rolls
 * back to the previous one. */
#define OTA_TRIAL_ATTEMPTS 3

/* Receive buffer for the download (one TCP segment is 1460 bytes). */
#define OTA_BUF_SIZE 1460

#endif
