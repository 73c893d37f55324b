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
    /* Candidates in order, as abota_boot_choose() (boot.c) has them:
     *   no record            1 NO_RECORD, 2 NO_RECORD
     *   NONE                 A NORMAL,    O FALLBACK
     *   in trial, attempts   A TRIAL,     O FALLBACK
     *   in trial, none left  O ROLLBACK,  A NO_ROLLBACK */
    struct abota_bootrec rec;
    int has_rec = abota_bootrec_read(f, l, &rec, NULL) == 0;
    int cand[2];
    enum abota_boot_reason why[2];
    if (!has_rec) {
        cand[0] = ABOTA_SLOT_1, why[0] = ABOTA_BOOT_NO_RECORD;
        cand[1] = ABOTA_SLOT_2, why[1] = ABOTA_BOOT_NO_RECORD;
    } else {
        int a = rec.active, o = abota_slot_other(a);
        if (rec.trial != ABOTA_TRIAL_NONE && rec.attempts_left == 0) {
            cand[0] = o, why[0] = ABOTA_BOOT_ROLLBACK;
            cand[1] = a, why[1] = ABOTA_BOOT_NO_ROLLBACK;
        } else {
            cand[0] = a;
            why[0] = rec.trial == ABOTA_TRIAL_NONE ? ABOTA_BOOT_NORMAL : ABOTA_BOOT_TRIAL;
            cand[1] = o, why[1] = ABOTA_BOOT_FALLBACK;
        }
    }
    int i = 0;
    while (slot_ok(f, l, cand[i], has_rec ? &rec.slot[cand[i] - 1] : NULL) < 0)
        if (++i == 2)
            return ABOTA_ERR_BOOT_NOTHING;

    int chosen = cand[i], active = has_rec ? rec.active : 0;
    int write = 1;
    switch (why[i]) {
    case ABOTA_BOOT_NO_RECORD: {
        struct abota_bootrec fresh = {.active = (uint8_t)chosen};
        rec = fresh; /* slot lengths 0: "not known", checked by header */
        break;
    }
    case ABOTA_BOOT_NORMAL:
        write = 0;
        break;
    case ABOTA_BOOT_TRIAL:
        rec.trial = ABOTA_TRIAL_TESTING;
        rec.attempts_left--;
        break;
    case ABOTA_BOOT_NO_ROLLBACK:
        /* The old image is gone: the trial image keeps booting, in trial. */
        write = rec.trial != ABOTA_TRIAL_TESTING;
        rec.trial = ABOTA_TRIAL_TESTING;
        break;
    default: /* ROLLBACK, FALLBACK */
        rec.active = (uint8_t)chosen;
        rec.trial = ABOTA_TRIAL_NONE;
        rec.attempts_left = 0;
        rec.flags |= why[i] == ABOTA_BOOT_ROLLBACK ? ABOTA_BOOTREC_ROLLED_BACK
                                                   : ABOTA_BOOTREC_FELL_BACK;
        rec.failed_slot = (uint8_t)active;
        break;
    }
    *slot = chosen;
    *reason = why[i];
    return write ? abota_bootrec_write(f, l, &rec) : 0;
}
