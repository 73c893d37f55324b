/* Boot choice: which slot to start, as a pure function of flash contents,
 * plus the record update the choice implies (trial attempts, rollback).
 *
 * The bootloader calls abota_boot_choose(), then abota_boot_apply() to
 * persist the record change (if any), then starts d.slot. The firmware calls
 * abota_boot_confirm() once its own self-test passed; the updater calls
 * abota_boot_prepare_update() before it erases anything in the other slot. */
#ifndef ABOTA_BOOT_H
#define ABOTA_BOOT_H

#include <stdbool.h>

#include "abota/bootrec.h"
#include "abota/flash.h"
#include "abota/image.h"
#include "abota/layout.h"

enum abota_boot_reason {
    ABOTA_BOOT_NORMAL = 0,      /* the record's active slot, confirmed */
    ABOTA_BOOT_TRIAL,           /* the active slot in trial, one attempt used */
    ABOTA_BOOT_ROLLBACK,        /* trial attempts used up: back to the other slot */
    ABOTA_BOOT_FALLBACK,        /* the active slot did not verify: the other one does */
    ABOTA_BOOT_NO_RECORD,       /* no valid record: the first slot that verifies */
    ABOTA_BOOT_NO_ROLLBACK,     /* trial attempts used up, but the other slot does not
                                   verify: keep booting the trial slot (still in trial,
                                   abota_boot_confirm can end it) */
};

/* The boot policy as data, shared by every bootloader (the core's
 * abota_boot_choose and the ESP8266 loader, which verifies more cheaply):
 * for a record, the two slots to try in order and what booting each means. */
struct abota_boot_candidate {
    int slot;
    enum abota_boot_reason reason;
};

/* The candidates for rec (NULL: no valid record), first choice first:
 *
 *   record   trial              attempts   candidates, in order
 *   none     -                  -          1 NO_RECORD, 2 NO_RECORD
 *   valid    NONE               any        A NORMAL,    O FALLBACK
 *   valid    PENDING/TESTING    > 0        A TRIAL,     O FALLBACK
 *   valid    PENDING/TESTING    0          O ROLLBACK,  A NO_ROLLBACK
 *
 * (A: the record's active slot, O: the other one.) */
void abota_boot_candidates(const struct abota_bootrec *rec, struct abota_boot_candidate out[2]);

/* Anti-rollback: an image whose security version is below the record's
 * floor is never booted, whatever else it passes (docs/SECURITY.md). */
static inline bool abota_boot_security_ok(const struct abota_bootrec *rec, uint32_t security)
{
    return security >= rec->security_floor;
}

/* Turns rec into the record that must hold after booting c (rec is
 * ignored and rebuilt when has_rec is false). found is what the
 * bootloader verified in c.slot (length, CRC-32, version), or NULL to keep
 * the record's entry. Returns true when the record changed and must be
 * written. */
bool abota_boot_settle(struct abota_bootrec *rec, bool has_rec, struct abota_boot_candidate c,
                       const struct abota_slot_record *found);

struct abota_boot_decision {
    int slot;                   /* 1 or 2; 0 when nothing is bootable */
    enum abota_boot_reason reason;
    bool write_record;          /* rec differs from flash and must be written */
    struct abota_bootrec rec;   /* the record as it must be after this boot */
    struct abota_image_info image; /* what was verified in the chosen slot */
    int active_err;             /* why the active slot failed, with FALLBACK;
                                   why the rollback target failed, with NO_ROLLBACK */
};

/* Reads flash only. Returns 0 with d filled, or ABOTA_ERR_BOOT_NOTHING.
 *
 * The rules (boot.c has the reasoning):
 *  - no valid record: slot 1 if it verifies, else slot 2 (NO_RECORD; a new
 *    record naming it is to be written);
 *  - trial NONE: the active slot (NORMAL), else the other (FALLBACK);
 *  - trial PENDING/TESTING with attempts left: the active slot, one attempt
 *    used (TRIAL), else the other (FALLBACK);
 *  - trial with no attempts left: the other slot (ROLLBACK), else the
 *    active one (NO_ROLLBACK);
 *  - nothing verifies: ABOTA_ERR_BOOT_NOTHING.
 * A slot "verifies" when its record entry has a length (an entry of length
 * 0 is invalid: the updater zeroes the target's entry before erasing it),
 * its image passes abota_slot_verify with that length and its CRC-32
 * equals the record's; when no slot does, each is probed ignoring the
 * record's length and CRC (an image whose record update was lost), in the
 * same order, before giving up: any fully verified image is better than
 * nothing bootable. A record that cannot be read (flash error) counts as no
 * record. */
int abota_boot_choose(const struct abota_flash *f, const struct abota_layout *l,
                      struct abota_boot_decision *d);

/* Secure boot: abota_boot_choose, where a slot verifies only when its
 * image's footer also carries a valid signature by key (64 bytes, as
 * cfg.sign_key; abota_image_check_signature), so an image nobody signed
 * never starts, even one written to flash by other means than the
 * updater. Costs a signature verification per slot tried at every boot,
 * and the verifier in the bootloader (docs/FOOTPRINT.md measures it;
 * docs/SECURITY.md, "Secure boot"). ABOTA_ERR_ARG without a key. Only with
 * ABOTA_FEATURE_SIGNATURE. */
#if ABOTA_FEATURE_SIGNATURE
int abota_boot_choose_signed(const struct abota_flash *f, const struct abota_layout *l,
                             const uint8_t *key, struct abota_boot_decision *d);
#endif

/* Writes d->rec when d->write_record. If this fails the bootloader should
 * still start d->slot: the choice is repeated at the next boot. */
int abota_boot_apply(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d);

/* Marks the image running from running_slot (the slot the bootloader
 * started, from its hand-off: not the record's word) as good: ends its
 * trial (trial NONE, attempts 0). When the record does not describe that
 * slot's image yet (no record at all on a device flashed by other tools),
 * the image is verified in full and its length, CRC-32 and version are
 * written into the record (a new one naming running_slot when there was
 * none), so the bootloader can check it from then on. No write when
 * nothing changes (returns 0). Does not clear ROLLED_BACK/FELL_BACK: the
 * updater reports them, then calls abota_bootrec_clear_flags().
 * ABOTA_ERR_BOOT_NOT_ACTIVE when the record names the other slot (the
 * bootloader could not write its choice; nothing is written), or the
 * verification's error. */
int abota_boot_confirm(const struct abota_flash *f, const struct abota_layout *l,
                       int running_slot);

/* For an updater, before its first erase in the slot that is not
 * running_slot: zeroes the other slot's entry in the record, so no
 * bootloader trusts that slot on the record's word while it is half
 * written; abota_bootrec_set_next() fills the entry in once the new image
 * verified. No write when it is zero already, so a resumed download costs
 * nothing here. The record must describe the running image (a record
 * written now must name a slot that boots): ABOTA_ERR_UP_UNCONFIRMED when
 * there is no record or no entry for running_slot (abota_boot_confirm
 * writes it), ABOTA_ERR_BOOT_NOT_ACTIVE when the record names the other
 * slot. A trial is not ended: whether to update from one is the caller's
 * decision. */
int abota_boot_prepare_update(const struct abota_flash *f, const struct abota_layout *l,
                              int running_slot);

#endif
