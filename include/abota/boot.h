/* Boot choice: which slot to start, as a pure function of flash contents,
 * plus the record update the choice implies (trial attempts, rollback).
 *
 * The bootloader calls abota_boot_choose(), then abota_boot_apply() to
 * persist the record change (if any), then starts d.slot. The firmware calls
 * abota_confirm() once its own self-test passed. */
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
};

struct abota_boot_decision {
    int slot;                   /* 1 or 2; 0 when nothing is bootable */
    enum abota_boot_reason reason;
    bool write_record;          /* rec differs from flash and must be written */
    struct abota_bootrec rec;   /* the record as it must be after this boot */
    struct abota_image_info image; /* what was verified in the chosen slot */
    int active_err;             /* why the active slot failed, with FALLBACK */
};

/* Reads flash only. Returns 0 with d filled, or ABOTA_ERR_BOOT_NOTHING. */
int abota_boot_choose(const struct abota_flash *f, const struct abota_layout *l,
                      struct abota_boot_decision *d);

/* Writes d->rec when d->write_record. */
int abota_boot_apply(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d);

/* Marks the running slot as good: ends its trial. No write when it is
 * confirmed already. */
int abota_confirm(const struct abota_flash *f, const struct abota_layout *l);

#endif
