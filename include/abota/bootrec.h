/* Boot record: which slot boots next, and the trial state of a new image.
 *
 * Two copies live in two sectors. A write goes to the sector that does not
 * hold the newest valid copy (erase, write, read back), with the sequence
 * number one higher; a read takes the newest valid copy, comparing sequence
 * numbers so that wrap-around from 0xFFFFFFFF to 0 still orders correctly.
 * A power cut at any instant leaves the old or the new record readable. */
#ifndef ABOTA_BOOTREC_H
#define ABOTA_BOOTREC_H

#include <stdint.h>

#include "abota/flash.h"
#include "abota/layout.h"

#define ABOTA_BOOTREC_SIZE 64u
#define ABOTA_BOOTREC_MAGIC 0x43524241u /* "ABRC" as little-endian bytes */
#define ABOTA_BOOTREC_FORMAT 1u   /* records without security versions */
#define ABOTA_BOOTREC_FORMAT_2 2u /* format 1 plus the security fields (bootrec.c) */

enum abota_trial {
    ABOTA_TRIAL_NONE = 0,    /* confirmed (or never in trial) */
    ABOTA_TRIAL_PENDING = 1, /* written by the updater, not booted yet */
    ABOTA_TRIAL_TESTING = 2, /* booted at least once, not confirmed yet */
};

/* flags */
#define ABOTA_BOOTREC_ROLLED_BACK 0x01u /* the last trial failed and was rolled back */
#define ABOTA_BOOTREC_FELL_BACK 0x02u   /* the active slot did not verify; booted the other */

struct abota_slot_record {
    uint32_t length;  /* total image length in the slot (footer included); 0: the
                         record does not vouch for the slot (empty, never known,
                         or zeroed by the updater before its first erase there),
                         and no boot choice accepts it on the record's word */
    uint32_t crc32;   /* CRC-32 over those length bytes, as abota_slot_crc32() gives */
    uint32_t version; /* packed firmware version */
    uint32_t security; /* the image's security version (its footer's; 0 without one) */
};

struct abota_bootrec {
    uint32_t seq;
    uint8_t active;        /* 1 or 2 */
    uint8_t trial;         /* enum abota_trial */
    uint8_t attempts_left; /* boots left before rollback while in trial */
    uint8_t flags;         /* ABOTA_BOOTREC_* */
    uint8_t failed_slot;   /* with ROLLED_BACK/FELL_BACK: the slot that failed */
    uint32_t security_floor; /* anti-rollback: the highest security version a
                                confirmed image had; no boot choice takes an
                                entry below it, no update installs one */
    struct abota_slot_record slot[2];
};

/* Encodes into the 64-byte on-flash form and back (decode checks magic,
 * format version, field ranges and CRC). The form is format 1 while the
 * security fields are all 0 (byte for byte what loaders that predate
 * them read), else format 2. */
void abota_bootrec_encode(const struct abota_bootrec *r, uint8_t out[ABOTA_BOOTREC_SIZE]);
int abota_bootrec_decode(const uint8_t in[ABOTA_BOOTREC_SIZE], struct abota_bootrec *r);

/* True when sequence a is newer than b, wrap-around safe. */
int abota_bootrec_seq_newer(uint32_t a, uint32_t b);

/* Reads the newest valid copy. copy (may be NULL) gets 0 or 1, the sector
 * it came from. ABOTA_ERR_BOOTREC_NONE when neither copy is valid. */
int abota_bootrec_read(const struct abota_flash *f, const struct abota_layout *l,
                       struct abota_bootrec *r, int *copy);

/* Writes r as the new newest record: r->seq becomes the newest valid seq + 1
 * (or stays as given when none is valid), into the other sector (sector
 * bootrec[0] when none is valid); erases, writes and reads back.
 * ABOTA_ERR_BOOTREC_FIELD when r has a field out of range, ABOTA_ERR_FLASH_VERIFY
 * when the read-back differs. */
int abota_bootrec_write(const struct abota_flash *f, const struct abota_layout *l,
                        struct abota_bootrec *r);

/* For the updater, after abota_slot_finish() succeeded: makes slot the next
 * to boot, with entry (its length > 0, CRC-32, version, security version),
 * on trial (PENDING) with attempts boots (>= 1) before rollback. An entry
 * below the record's security floor is refused (ABOTA_ERR_SECURITY_VERSION).
 * Starts from the current record (the update engine makes sure there is
 * one that describes the running image, abota_boot_prepare_update; a
 * fresh one when none is valid leaves the other slot's entry 0, so there
 * is nothing to roll back to), fills the slot's info, clears
 * ROLLED_BACK/FELL_BACK and failed_slot, and writes. */
int abota_bootrec_set_next(const struct abota_flash *f, const struct abota_layout *l, int slot,
                           const struct abota_slot_record *entry, uint8_t attempts);

/* Clears ROLLED_BACK/FELL_BACK and failed_slot once the updater reported
 * them. No write when they are clear already (returns 0). */
int abota_bootrec_clear_flags(const struct abota_flash *f, const struct abota_layout *l);

#endif
