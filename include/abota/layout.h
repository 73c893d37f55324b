/* Flash layout: where the two slots and the two boot-record sectors live.
 *
 * Slots are numbered 1 and 2, as Espressif's user1 and user2. */
#ifndef ABOTA_LAYOUT_H
#define ABOTA_LAYOUT_H

#include <stdint.h>

#define ABOTA_SLOT_ANY 0
#define ABOTA_SLOT_1 1
#define ABOTA_SLOT_2 2

struct abota_region {
    uint32_t offset;
    uint32_t size;
};

struct abota_layout {
    const char *name;
    uint32_t flash_size;
    uint32_t sector_size;
    uint32_t write_align;
    struct abota_region slot[2];   /* slot[0] is slot 1 (user1) */
    uint32_t bootrec[2];           /* sector addresses of the two boot-record copies */
    /* Optional: sector address of the update engine's progress journal
     * (resume after a reboot); 0: none. */
    uint32_t journal;
};

/* 0, or ABOTA_ERR_LAYOUT_* naming the first problem: geometry not a power of
 * two, a region not sector-aligned, outside the flash, or overlapping another
 * (slots, boot records, the journal sector when there is one, and sector 0,
 * which holds the bootloader). */
int abota_layout_check(const struct abota_layout *l);

/* Built-in layouts by name ("esp8266-1024+1024" or its alias "esp8266-2m",
 * "esp8266-512+512" or "esp8266-1m"); NULL when unknown. */
const struct abota_layout *abota_layout_find(const char *name);

/* The i-th built-in layout (i from 0), NULL past the end; for listing. */
const struct abota_layout *abota_layout_at(unsigned i);

/* The region of slot 1 or 2; NULL for any other number. */
const struct abota_region *abota_layout_slot(const struct abota_layout *l, int slot);

/* The other slot: 1 -> 2, 2 -> 1; 0 for anything else. */
int abota_slot_other(int slot);

#endif
