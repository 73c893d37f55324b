/* Boot choice: a pure function of flash contents, plus confirm.
 *
 * The one rule above all others: never leave the device with nothing to
 * boot while some slot holds an image that verifies. So every case is an
 * ordered list of candidates (abota_boot_candidates, boot_policy.c), and
 * the first candidate that verifies wins.
 *
 * With a record, a candidate verifies when its image checks out with the
 * length and CRC-32 the record holds for that slot. An entry of length 0
 * is not valid: the updater zeroes the target slot's entry before it
 * erases anything there, so a half-written slot is never trusted on the
 * record's word (the ESP8266 loader applies the same rule, choose.c). If no
 * candidate verifies, the candidates are probed ignoring the record's
 * length and CRC, with the full verification (footer, SHA-256): this finds
 * an image whose record update was lost, e.g. flashed over serial, and a
 * partial image fails it. */
#include "abota/boot.h"

#include <string.h>

#include "abota/error.h"
#include "abota/slot.h"
#include "boot_priv.h"

/* What a slot must also pass to boot, beyond its verification: nothing,
 * or the caller's (boot_signed.c). */
struct boot_accept {
    boot_accept_fn fn; /* NULL: every verified image */
    const void *arg;
};

/* Verifies slot against its record entry (strict), or probes it. On
 * success sr_out gets the entry as it must be in the record. rec, when
 * there is one, sets the security floor. */
static int check(const struct abota_flash *f, const struct abota_layout *l, int slot,
                 const struct abota_bootrec *rec, const struct abota_slot_record *sr, int probe,
                 struct boot_accept accept, struct abota_image_info *info,
                 struct abota_slot_record *sr_out)
{
    uint32_t crc;
    if (!probe && sr && sr->length == 0)
        return ABOTA_ERR_BOOT_MISMATCH; /* zeroed: being written, or never known */
    if (!probe && sr && !abota_boot_security_ok(rec, sr->security))
        return ABOTA_ERR_SECURITY_VERSION;
    uint32_t length = (probe || !sr) ? 0 : sr->length;
    int rc = abota_slot_verify(f, l, slot, length, info, &crc);
    if (rc == 0 && accept.fn)
        rc = accept.fn(accept.arg, info);
    if (rc < 0)
        return rc;
    if (length != 0) {
        if (info->total_len != length || crc != sr->crc32)
            return ABOTA_ERR_BOOT_MISMATCH;
        *sr_out = *sr; /* as the record has it (the version is the updater's) */
        return 0;
    }
    bool abota = info->kind == ABOTA_IMAGE_ABOTA;
    sr_out->length = info->total_len;
    sr_out->crc32 = crc;
    sr_out->version = abota ? info->footer.version : 0;
    sr_out->security = abota ? info->footer.security_version : 0;
    if (rec && !abota_boot_security_ok(rec, sr_out->security))
        return ABOTA_ERR_SECURITY_VERSION;
    return 0;
}

int boot_choose_with(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d, boot_accept_fn accept_fn,
                     const void *accept_arg)
{
    struct boot_accept accept = {accept_fn, accept_arg};
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
            if (pass == 1 && !sr)
                continue; /* probed in pass 0 already */
            struct abota_slot_record found;
            int rc = check(f, l, c[i].slot, has_rec ? &d->rec : NULL, sr, pass, accept,
                           &d->image, &found);
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

int abota_boot_choose(const struct abota_flash *f, const struct abota_layout *l,
                      struct abota_boot_decision *d)
{
    return boot_choose_with(f, l, d, NULL, NULL);
}

/* Reads the record for a firmware running from running_slot. A record
 * naming the other slot means the loader booted its choice but could not
 * write it: acting on that record would confirm or overwrite the wrong
 * image, so nothing is done and the next boot settles it. */
static int read_running(const struct abota_flash *f, const struct abota_layout *l,
                        int running_slot, struct abota_bootrec *rec)
{
    if (!f || !l || !rec || (running_slot != ABOTA_SLOT_1 && running_slot != ABOTA_SLOT_2))
        return ABOTA_ERR_ARG;
    int rc = abota_bootrec_read(f, l, rec, NULL);
    if (rc == 0 && rec->active != running_slot)
        return ABOTA_ERR_BOOT_NOT_ACTIVE;
    return rc;
}

int abota_boot_confirm(const struct abota_flash *f, const struct abota_layout *l, int running_slot)
{
    struct abota_bootrec r;
    bool changed = false;
    int rc = read_running(f, l, running_slot, &r);
    if (rc == ABOTA_ERR_BOOTREC_NONE) {
        /* Flashed by other tools: the first record names this slot. */
        memset(&r, 0, sizeof r);
        r.active = (uint8_t)running_slot;
        changed = true;
    } else if (rc < 0) {
        return rc;
    }
    struct abota_slot_record *sr = &r.slot[running_slot - 1];
    if (sr->length == 0) {
        /* The image runs, so the bootloader accepted it; the record learns
         * it only from a full verification. */
        struct abota_image_info info;
        struct boot_accept any = {NULL, NULL};
        rc = check(f, l, running_slot, NULL, NULL, 1, any, &info, sr);
        if (rc < 0)
            return rc;
        changed = true;
    }
    if (r.trial != ABOTA_TRIAL_NONE) {
        r.trial = ABOTA_TRIAL_NONE;
        r.attempts_left = 0;
        changed = true;
    }
    /* A confirmed image raises the floor to its security version: from
     * now on nothing older boots or installs. Only here: a trial that rolls
     * back never confirmed, so it never raised it. */
    if (sr->security > r.security_floor) {
        r.security_floor = sr->security;
        changed = true;
    }
    return changed ? abota_bootrec_write(f, l, &r) : 0;
}

int abota_boot_prepare_update(const struct abota_flash *f, const struct abota_layout *l,
                              int running_slot)
{
    struct abota_bootrec r;
    int rc = read_running(f, l, running_slot, &r);
    /* Without a record entry for the running image, a record written now
     * could not name a bootable slot: confirm first. */
    if (rc == ABOTA_ERR_BOOTREC_NONE || (rc == 0 && r.slot[running_slot - 1].length == 0))
        return ABOTA_ERR_UP_UNCONFIRMED;
    if (rc < 0)
        return rc;
    struct abota_slot_record *target = &r.slot[abota_slot_other(running_slot) - 1];
    if (target->length == 0 && target->crc32 == 0 && target->version == 0 &&
        target->security == 0)
        return 0;
    memset(target, 0, sizeof *target);
    return abota_bootrec_write(f, l, &r);
}
