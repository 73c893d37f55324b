/* Boot choice: a pure function of flash contents, plus confirm.
 *
 * The one rule above all others: never leave the device with nothing to
 * boot while some slot holds an image that verifies. So every case is an
 * ordered list of candidates, and the first candidate that verifies wins:
 *
 *   record   trial              attempts   candidates, in order
 *   none     -                  -          1 NO_RECORD, 2 NO_RECORD
 *   valid    NONE               any        A NORMAL,    O FALLBACK
 *   valid    PENDING/TESTING    > 0        A TRIAL,     O FALLBACK
 *   valid    PENDING/TESTING    0          O ROLLBACK,  A NO_ROLLBACK
 *
 * (A: the record's active slot, O: the other one.) A trial whose attempts
 * are used up rolls back only to an image that verifies; if the old image
 * is gone (erased, or damaged), the trial image keeps booting, still in
 * trial, so the firmware can yet confirm it or update again.
 *
 * With a record, a candidate verifies when its image checks out with the
 * length and CRC-32 the record holds for that slot (length 0 there means
 * "not known": the slot is probed). If no candidate does, the candidates
 * are probed again ignoring the record's length and CRC: this finds an
 * image whose record update was lost, e.g. written by the updater just
 * before a power cut or flashed over serial. */
#include "abota/boot.h"

#include <string.h>

#include "abota/error.h"
#include "abota/slot.h"

struct candidate {
    int slot;
    enum abota_boot_reason reason;
};

/* Verifies slot against its record entry (strict), or probes it. On
 * success sr_out gets the entry as it must be in the record. */
static int check(const struct abota_flash *f, const struct abota_layout *l, int slot,
                 const struct abota_slot_record *sr, int probe, struct abota_image_info *info,
                 struct abota_slot_record *sr_out)
{
    uint32_t crc;
    uint32_t length = (probe || !sr) ? 0 : sr->length;
    int rc = abota_slot_verify(f, l, slot, length, info, &crc);
    if (rc < 0)
        return rc;
    if (length != 0) {
        if (info->total_len != length || crc != sr->crc32)
            return ABOTA_ERR_BOOT_MISMATCH;
        *sr_out = *sr; /* as the record has it (the version is the updater's) */
        return 0;
    }
    sr_out->length = info->total_len;
    sr_out->crc32 = crc;
    sr_out->version = info->kind == ABOTA_IMAGE_ABOTA ? info->footer.version : 0;
    return 0;
}

/* Records compared by their on-flash form (no struct padding involved). */
static int rec_same(const struct abota_bootrec *a, const struct abota_bootrec *b)
{
    uint8_t ea[ABOTA_BOOTREC_SIZE], eb[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(a, ea);
    abota_bootrec_encode(b, eb);
    return memcmp(ea, eb, sizeof ea) == 0;
}

/* Applies the chosen candidate to the record. */
static void settle(struct abota_boot_decision *d, int has_rec, int chosen,
                   enum abota_boot_reason reason, const struct abota_slot_record *sr)
{
    struct abota_bootrec *r = &d->rec;
    struct abota_bootrec before = *r;
    int active = r->active;

    if (!has_rec) {
        memset(r, 0, sizeof *r);
        r->active = (uint8_t)chosen;
        r->trial = ABOTA_TRIAL_NONE;
    }
    r->slot[chosen - 1] = *sr; /* fills a slot the record did not know */

    switch (reason) {
    case ABOTA_BOOT_NORMAL:
    case ABOTA_BOOT_NO_RECORD:
        break;
    case ABOTA_BOOT_TRIAL:
        r->trial = ABOTA_TRIAL_TESTING;
        r->attempts_left--;
        break;
    case ABOTA_BOOT_ROLLBACK:
    case ABOTA_BOOT_FALLBACK:
        r->active = (uint8_t)chosen;
        r->trial = ABOTA_TRIAL_NONE;
        r->attempts_left = 0;
        r->flags |= reason == ABOTA_BOOT_ROLLBACK ? ABOTA_BOOTREC_ROLLED_BACK
                                                  : ABOTA_BOOTREC_FELL_BACK;
        r->failed_slot = (uint8_t)active;
        break;
    case ABOTA_BOOT_NO_ROLLBACK:
        r->trial = ABOTA_TRIAL_TESTING;
        break;
    }
    d->slot = chosen;
    d->reason = reason;
    d->write_record = !has_rec || !rec_same(&before, r);
}

int abota_boot_choose(const struct abota_flash *f, const struct abota_layout *l,
                      struct abota_boot_decision *d)
{
    if (!f || !l || !d)
        return ABOTA_ERR_ARG;
    memset(d, 0, sizeof *d);

    int has_rec = abota_bootrec_read(f, l, &d->rec, NULL) == 0;
    struct candidate c[2];
    if (!has_rec) {
        memset(&d->rec, 0, sizeof d->rec);
        c[0] = (struct candidate){ABOTA_SLOT_1, ABOTA_BOOT_NO_RECORD};
        c[1] = (struct candidate){ABOTA_SLOT_2, ABOTA_BOOT_NO_RECORD};
    } else {
        int a = d->rec.active, o = abota_slot_other(a);
        if (d->rec.trial == ABOTA_TRIAL_NONE) {
            c[0] = (struct candidate){a, ABOTA_BOOT_NORMAL};
            c[1] = (struct candidate){o, ABOTA_BOOT_FALLBACK};
        } else if (d->rec.attempts_left > 0) {
            c[0] = (struct candidate){a, ABOTA_BOOT_TRIAL};
            c[1] = (struct candidate){o, ABOTA_BOOT_FALLBACK};
        } else {
            c[0] = (struct candidate){o, ABOTA_BOOT_ROLLBACK};
            c[1] = (struct candidate){a, ABOTA_BOOT_NO_ROLLBACK};
        }
    }

    /* Pass 0 trusts the record; pass 1 probes what pass 0 could not. */
    int first_err = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 2; i++) {
            const struct abota_slot_record *sr = has_rec ? &d->rec.slot[c[i].slot - 1] : NULL;
            if (pass == 1 && (!sr || sr->length == 0))
                continue; /* probed in pass 0 already */
            struct abota_slot_record found;
            int rc = check(f, l, c[i].slot, sr, pass, &d->image, &found);
            if (rc == 0) {
                settle(d, has_rec, c[i].slot, c[i].reason, &found);
                d->active_err = (pass == 0 && i == 0) ? 0 : first_err;
                return 0;
            }
            if (i == 0 && pass == 0)
                first_err = rc;
        }
    }
    memset(&d->image, 0, sizeof d->image);
    d->slot = 0;
    d->write_record = false;
    d->active_err = first_err;
    return ABOTA_ERR_BOOT_NOTHING;
}

int abota_boot_apply(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d)
{
    if (!f || !l || !d)
        return ABOTA_ERR_ARG;
    if (!d->write_record)
        return 0;
    int rc = abota_bootrec_write(f, l, &d->rec);
    if (rc < 0)
        return rc;
    d->write_record = false;
    return 0;
}

int abota_confirm(const struct abota_flash *f, const struct abota_layout *l)
{
    struct abota_bootrec r;
    int rc = abota_bootrec_read(f, l, &r, NULL);
    if (rc < 0)
        return rc;
    if (r.trial == ABOTA_TRIAL_NONE)
        return 0;
    r.trial = ABOTA_TRIAL_NONE;
    r.attempts_left = 0;
    return abota_bootrec_write(f, l, &r);
}
