/* The boot policy: which slots to try, in which order, how the boot record
 * changes when one of them boots, and writing that change. Pure functions
 * over a record plus one record write, so every bootloader shares them
 * whatever it can afford to verify with (the ESP8266 loader links this file
 * and storage/, never the image verification that boot.c needs). */
#include <string.h>

#include "abota/boot.h"
#include "abota/error.h"

void abota_boot_candidates(const struct abota_bootrec *rec, struct abota_boot_candidate out[2])
{
    if (!rec) {
        out[0] = (struct abota_boot_candidate){ABOTA_SLOT_1, ABOTA_BOOT_NO_RECORD};
        out[1] = (struct abota_boot_candidate){ABOTA_SLOT_2, ABOTA_BOOT_NO_RECORD};
        return;
    }
    int a = rec->active, o = abota_slot_other(a);
    if (rec->trial == ABOTA_TRIAL_NONE) {
        out[0] = (struct abota_boot_candidate){a, ABOTA_BOOT_NORMAL};
        out[1] = (struct abota_boot_candidate){o, ABOTA_BOOT_FALLBACK};
    } else if (rec->attempts_left > 0) {
        out[0] = (struct abota_boot_candidate){a, ABOTA_BOOT_TRIAL};
        out[1] = (struct abota_boot_candidate){o, ABOTA_BOOT_FALLBACK};
    } else {
        /* A trial whose attempts are used up rolls back only to an image
         * that verifies; if the old one is gone, the trial image keeps
         * booting, still in trial, so it can yet confirm or update. */
        out[0] = (struct abota_boot_candidate){o, ABOTA_BOOT_ROLLBACK};
        out[1] = (struct abota_boot_candidate){a, ABOTA_BOOT_NO_ROLLBACK};
    }
}

/* Records compared by their on-flash form (no struct padding involved). */
static bool rec_same(const struct abota_bootrec *a, const struct abota_bootrec *b)
{
    uint8_t ea[ABOTA_BOOTREC_SIZE], eb[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(a, ea);
    abota_bootrec_encode(b, eb);
    return memcmp(ea, eb, sizeof ea) == 0;
}

bool abota_boot_settle(struct abota_bootrec *r, bool has_rec, struct abota_boot_candidate c,
                       const struct abota_slot_record *found)
{
    struct abota_bootrec before = *r;
    int active = r->active;

    if (!has_rec) {
        memset(r, 0, sizeof *r);
        r->active = (uint8_t)c.slot;
        r->trial = ABOTA_TRIAL_NONE;
    }
    if (found)
        r->slot[c.slot - 1] = *found; /* fills a slot the record did not know */
    /* The first record: the image that boots is the device's baseline, as
     * if confirmed (a later confirm would raise the floor the same way). */
    if (!has_rec && found)
        r->security_floor = found->security;

    switch (c.reason) {
    case ABOTA_BOOT_NORMAL:
    case ABOTA_BOOT_NO_RECORD:
        break;
    case ABOTA_BOOT_TRIAL:
        r->trial = ABOTA_TRIAL_TESTING;
        r->attempts_left--;
        break;
    case ABOTA_BOOT_ROLLBACK:
    case ABOTA_BOOT_FALLBACK:
        r->active = (uint8_t)c.slot;
        r->trial = ABOTA_TRIAL_NONE;
        r->attempts_left = 0;
        r->flags |= c.reason == ABOTA_BOOT_ROLLBACK ? ABOTA_BOOTREC_ROLLED_BACK
                                                    : ABOTA_BOOTREC_FELL_BACK;
        r->failed_slot = (uint8_t)active;
        break;
    case ABOTA_BOOT_NO_ROLLBACK:
        r->trial = ABOTA_TRIAL_TESTING;
        break;
    }
    return !has_rec || !rec_same(&before, r);
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
