/* Test images and a small flash layout for the slot writer, boot record and
 * boot choice tests. Portable (runs on the target CPUs too): the layout is
 * 36 KiB so that a RAM flash fits the targets' 80 KiB of RAM. */
#ifndef ABOTA_TEST_TESTIMG_H
#define ABOTA_TEST_TESTIMG_H

#include <stddef.h>
#include <stdint.h>

#include "abota/layout.h"
#include "ramflash.h"

/* 4 KiB sectors: sector 0 (bootloader), slot 1 at 0x1000 and slot 2 at
 * 0x4000 (12 KiB each), boot records at 0x7000 and 0x8000; 36 KiB in all. */
#define TESTIMG_SECTOR 0x1000u
#define TESTIMG_SLOT_SIZE 0x3000u
#define TESTIMG_FLASH_SIZE 0x9000u

/* Fills l with the small layout at the given write alignment. */
void testimg_layout(struct abota_layout *l, uint32_t write_align);

/* Builds an abota image in buf: payload_len pseudo-random bytes from seed,
 * 0xFF padding to 16, the footer (target_slot, version, CRC-32, SHA-256).
 * Returns the total length; fails the test when cap is too small. */
uint32_t testimg_build(uint8_t *buf, size_t cap, uint32_t payload_len, uint32_t seed,
                       int target_slot, uint32_t version);

/* The same, but the payload is a plain Espressif image (0xE9 header, one
 * segment of pseudo-random bytes, XOR checksum), as the ESP8266 loader
 * expects at the start of a slot. payload_len must be a multiple of 16 and
 * at least 32. */
uint32_t testimg_build_esp(uint8_t *buf, size_t cap, uint32_t payload_len, uint32_t seed,
                           int target_slot, uint32_t version);

/* Gives the built image img (len bytes) a security version: its footer
 * becomes format 2 (format 1 again for 0). */
void testimg_set_security(uint8_t *img, uint32_t len, uint32_t security);

/* Erases slot's sectors and writes img (len bytes, padded with 0xFF to the
 * write alignment) into it straight through the port, bypassing the slot
 * writer. */
void testimg_put(struct ramflash *rf, const struct abota_layout *l, int slot, const uint8_t *img,
                 uint32_t len);

/* A device running an image of payload_len bytes (seed 77) at version from
 * slot 1, confirmed, with a boot record saying so; the running slot is
 * locked against writes and erases (a violation fails and is counted).
 * buf (cap bytes) keeps the image; returns its length. */
uint32_t testimg_install_running(struct ramflash *rf, const struct abota_layout *l, uint8_t *buf,
                                 size_t cap, uint32_t payload_len, uint32_t version);

/* Erases slot's sectors. */
void testimg_erase_slot(struct ramflash *rf, const struct abota_layout *l, int slot);

#endif
