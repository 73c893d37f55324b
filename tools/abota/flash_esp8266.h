/* The ESP8266 SDK's areas of a first flash beside user1: the boot image at
 * 0x0 and the PHY init data (abota flash --boot, --init-data). */
#ifndef ABOTA_CLI_FLASH_ESP8266_H
#define ABOTA_CLI_FLASH_ESP8266_H

#include <stddef.h>
#include <stdint.h>

#include "abota/flash.h"
#include "abota/image.h"
#include "abota/layout.h"

/* The SDK's flash size map of an ESP8266 layout: 5 (2 MB, 1024+1024) or
 * 2 (1 MB, 512+512); ABOTA_ERR_LAYOUT_UNKNOWN for other layouts. */
int flash_esp8266_size_map(const struct abota_layout *l);

/* Where the PHY init data goes: 0x4000 below the end of the chip. */
uint32_t flash_esp8266_init_data_addr(const struct abota_layout *l);

/* Writes the plain 0xE9 image img (checked into info; at most one sector)
 * at 0x0 of an erased flash, with the layout's size map in its header.
 * Returns 0 or an abota error. */
int flash_esp8266_boot(const struct abota_flash *f, const struct abota_layout *l,
                       const uint8_t *img, size_t len, struct abota_esp_info *info);

/* Writes the PHY init data (1 to 4096 bytes) to an erased flash. */
int flash_esp8266_init_data(const struct abota_flash *f, const struct abota_layout *l,
                            const uint8_t *data, size_t len);

#endif
