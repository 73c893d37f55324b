/* The small RAM flash that fuzz_bootrec and fuzz_loader build their inputs
 * on (and mkseeds.c its seeds for them): sector 0x100, bootloader sector 0,
 * slot 1 at 0x100 and slot 2 at 0x500 (0x400 each), boot record copies at
 * 0x900 and 0xA00; 0xB00 bytes. */
#ifndef ABOTA_FUZZ_TINY_FLASH_H
#define ABOTA_FUZZ_TINY_FLASH_H

#include <stdint.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/layout.h"

#define TINY_SECTOR 0x100u
#define TINY_FLASH_SIZE 0xB00u
#define TINY_SLOT1 0x100u
#define TINY_SLOT2 0x500u
#define TINY_SLOT_SIZE 0x400u
#define TINY_REC0 0x900u
#define TINY_REC1 0xA00u

static inline struct abota_layout tiny_layout(void)
{
    struct abota_layout l;
    memset(&l, 0, sizeof l);
    l.name = "fuzz";
    l.flash_size = TINY_FLASH_SIZE;
    l.sector_size = TINY_SECTOR;
    l.write_align = 4;
    l.slot[0].offset = TINY_SLOT1;
    l.slot[0].size = TINY_SLOT_SIZE;
    l.slot[1].offset = TINY_SLOT2;
    l.slot[1].size = TINY_SLOT_SIZE;
    l.bootrec[0] = TINY_REC0;
    l.bootrec[1] = TINY_REC1;
    return l;
}

/* Rewrites the CRC of an encoded record so it covers the bytes before it. */
static inline void tiny_repair_rec_crc(uint8_t *rec)
{
    uint32_t c = abota_crc32_update(0, rec, ABOTA_BOOTREC_SIZE - 4);
    for (unsigned i = 0; i < 4; i++)
        rec[ABOTA_BOOTREC_SIZE - 4 + i] = (uint8_t)(c >> (8 * i));
}

#endif
