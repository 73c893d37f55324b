/* The loader's flash port over the ESP8266 ROM's SPI functions. */
#ifndef ABOTA_LOADER_ROM_FLASH_H
#define ABOTA_LOADER_ROM_FLASH_H

#include <stdint.h>

#include "abota/flash.h"

void abota_loader_rom_flash(struct abota_flash *f, uint32_t size);

#endif
