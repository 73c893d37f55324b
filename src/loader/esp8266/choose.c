#include "choose.h"

#include <stdbool.h>
#include <stddef.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"

#define CHUNK 64u

/* 0 when the slot starts with an Espressif header: 0xE9, or 0xEA with 4 as
 * its second byte (the SDK's "new" user bin). */
static int header_ok(const struct abota_flash *f, uint32_t base)
{
    uint8_t h[4];
    if (abota_flash_read(f, base, h, sizeof h) < 0)
        return -1;
    return (h[0] == 0xE9 || (h[0] == 0xEA && h[1] == 4)) ? 0 : -1;
}

/* 0 when the slot holds what its record entry says: header, then the
 * CRC-32 of the first length bytes. An entry of length 0 is never
 * accepted: the updater zeroes the target's entry before its first erase,
 * so that is what a half-written slot looks like. Without any record (a
 * device flashed by other tools, before its firmware's first confirm) the
 * header is all there is to check. */
static int slot_ok(const struct abota_flash *f, const struct abota_layout *l, int slot,
                   const struct abota_bootrec *rec)
{
    const struct abota_region *reg = abota_layout_slot(l, slot);
    if (header_ok(f, reg->offset) < 0)
        return -1;
    if (!rec)
        return 0;
    const struct abota_slot_record *sr = &rec->slot[slot - 1];
    if (sr->length == 0 || sr->length > reg->size || !abota_boot_security_ok(rec, sr->security))
        return -1;
    uint32_t crc = 0;
    uint8_t buf[CHUNK];
    for (uint32_t done = 0; done < sr->length;) {
        uint32_t n = sr->length - done < CHUNK ? sr->length - done : CHUNK;
        if (abota_flash_read(f, reg->offset + done, buf, n) < 0)
            return -1;
        crc = abota_crc32_update(crc, buf, n);
        done += n;
    }
    return crc == sr->crc32 ? 0 : -1;
}

int abota_loader_choose(const struct abota_flash *f, const struct abota_layout *l, int *slot,
                        enum abota_boot_reason *reason)
{
    /* The core's policy (boot_policy.c): the same candidates in the same
     * order and the same record changes as abota_boot_choose(); only the
     * verification of a candidate is cheaper here. */
    struct abota_bootrec rec;
    bool has_rec = abota_bootrec_read(f, l, &rec, NULL) == 0;
    struct abota_boot_candidate cand[2];
    abota_boot_candidates(has_rec ? &rec : NULL, cand);

    int i = 0;
    while (slot_ok(f, l, cand[i].slot, has_rec ? &rec : NULL) < 0)
        if (++i == 2)
            return ABOTA_ERR_BOOT_NOTHING;

    *slot = cand[i].slot;
    *reason = cand[i].reason;
    /* No record: nothing to write. A record from here could only hold a
     * length-0 entry for the slot (the header is all the loader checked),
     * which no later boot accepts; the firmware writes the first record
     * with its verified image (abota_boot_confirm). */
    if (!has_rec)
        return 0;
    bool write = abota_boot_settle(&rec, true, cand[i], NULL);
    return write ? abota_bootrec_write(f, l, &rec) : 0;
}
