/* Boot choice: a pure function of flash contents, plus confirm.
 *
 * The one rule above all others: never leave the device with nothing to
 * boot while some slot holds an image that verifies. So every case is an
 * ordered list of candidates (abota_boot_candidates, boot_policy.c), and
 * the first candidate that verifies wins.
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

int abota_boot_choose(const struct abota_flash *f, const struct abota_layout *l,
                      struct abota_boot_decision *d)
{
    if (!f || !l || !d)
        return ABOTA_ERR_ARG;
    memset(d, 0, sizeof *d);

    int has_rec = abota_bootrec_read(f, l, &d->rec, NULL) == 0;
    if (!has_rec)
        memset(&d->rec, 0, sizeof d->rec);
    struct abota_boot_candidate c[2];
    abota_boot_candidates(has_rec ? &d->rec : NULL, c);

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
                d->write_record = abota_boot_settle(&d->rec, has_rec, c[i], &found);
                d->slot = c[i].slot;
                d->reason = c[i].reason;
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
