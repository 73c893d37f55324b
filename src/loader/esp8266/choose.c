#include "choose.h"

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

/* 0 when the slot holds what its record says: header, then the CRC-32 of
 * the first length bytes. */
static int slot_ok(const struct abota_flash *f, const struct abota_layout *l, int slot,
                   const struct abota_slot_record *sr)
{
    const struct abota_region *reg = abota_layout_slot(l, slot);
    if (header_ok(f, reg->offset) < 0)
        return -1;
    if (!sr || sr->length == 0)
        return 0;
    if (sr->length > reg->size)
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
    struct abota_bootrec rec;
    int write = 1;
    if (abota_bootrec_read(f, l, &rec, NULL) < 0) {
        /* No record: the first slot with a header, and a record for it. */
        int s = header_ok(f, l->slot[0].offset) == 0   ? ABOTA_SLOT_1
                : header_ok(f, l->slot[1].offset) == 0 ? ABOTA_SLOT_2
                                                        : 0;
        if (!s)
            return ABOTA_ERR_BOOT_NOTHING;
        struct abota_bootrec fresh = {.active = (uint8_t)s};
        rec = fresh;
        *reason = ABOTA_BOOT_NO_RECORD;
    } else if (rec.trial != ABOTA_TRIAL_NONE && rec.attempts_left == 0) {
        rec.failed_slot = rec.active;
        rec.active = (uint8_t)abota_slot_other(rec.active);
        rec.trial = ABOTA_TRIAL_NONE;
        rec.flags |= ABOTA_BOOTREC_ROLLED_BACK;
        *reason = ABOTA_BOOT_ROLLBACK;
    } else if (rec.trial != ABOTA_TRIAL_NONE) {
        rec.attempts_left--;
        rec.trial = ABOTA_TRIAL_TESTING;
        *reason = ABOTA_BOOT_TRIAL;
    } else {
        write = 0;
        *reason = ABOTA_BOOT_NORMAL;
    }

    int s = rec.active;
    if (slot_ok(f, l, s, &rec.slot[s - 1]) < 0) {
        int o = abota_slot_other(s);
        if (slot_ok(f, l, o, &rec.slot[o - 1]) < 0)
            return ABOTA_ERR_BOOT_NOTHING;
        rec.failed_slot = (uint8_t)s;
        rec.active = (uint8_t)o;
        rec.trial = ABOTA_TRIAL_NONE;
        rec.attempts_left = 0;
        rec.flags |= ABOTA_BOOTREC_FELL_BACK;
        *reason = ABOTA_BOOT_FALLBACK;
        write = 1;
    }
    *slot = rec.active;
    return write ? abota_bootrec_write(f, l, &rec) : 0;
}
