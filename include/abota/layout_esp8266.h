/* The built-in ESP8266 layouts as initialisers: the core's table
 * (src/core/storage/layout.c, abota_layout_find) and the loader's build-time layout
 * (src/loader/esp8266/loader_config.h) are both made from them, so the
 * loader boots exactly the slots the updater writes.
 *
 * Each slot is the SDK's largest user bin (RTOS SDK *_MAX_SECTOR): 250
 * sectors in 1024+1024, 122 in 512+512. That leaves six sectors between
 * user1's end and user2's start, which no SDK area uses in these maps (RF
 * calibration, PHY init and system parameters sit at the end of the chip);
 * the boot records take the first two of them and the update engine's
 * progress journal the third. Sector 0 keeps the bootloader (fixtures README,
 * "Flash layout per size map"). */
#ifndef ABOTA_LAYOUT_ESP8266_H
#define ABOTA_LAYOUT_ESP8266_H

/* Size map 5: 2 MB, 1024+1024. */
#define ABOTA_LAYOUT_ESP8266_1024_INIT                                             \
    {.name = "esp8266-1024+1024", .flash_size = 0x200000u, .sector_size = 0x1000u, \
     .write_align = 4u, .slot = {{0x001000u, 0x0FA000u}, {0x101000u, 0x0FA000u}}, \
     .bootrec = {0x0FB000u, 0x0FC000u}, .journal = 0x0FD000u}

/* Size map 2: 1 MB, 512+512. */
#define ABOTA_LAYOUT_ESP8266_512_INIT                                             \
    {.name = "esp8266-512+512", .flash_size = 0x100000u, .sector_size = 0x1000u,  \
     .write_align = 4u, .slot = {{0x001000u, 0x07A000u}, {0x081000u, 0x07A000u}}, \
     .bootrec = {0x07B000u, 0x07C000u}, .journal = 0x07D000u}

#endif
