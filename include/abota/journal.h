/* The progress journal: what of a download is already in the target slot,
 * so a download cut by a reboot or a power loss continues where it stopped
 * instead of starting over (layout->journal, one sector of its own; the
 * format is described in src/core/update/journal.c).
 *
 * A small object of its own: the update engine keeps one, calls it at the
 * start of a download, after body bytes and at the end, and turns its
 * errors into WARNING events. A journal that cannot be written is switched
 * off (the download goes on without checkpoints); one that does not read
 * back valid is ignored. Nothing it holds is trusted for correctness: the
 * resumed prefix must still have the checkpoint's CRC, the server must
 * confirm the image with a 206 to If-Range, and the final verification
 * from flash decides as always. Without ABOTA_FEATURE_RESUME every call
 * does nothing (and a resume finds no journal). */
#ifndef ABOTA_JOURNAL_H
#define ABOTA_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/config.h"
#include "abota/error.h"
#include "abota/flash.h"
#include "abota/layout.h"
#include "abota/slot.h"

/* Longest validator (strong ETag or Last-Modified) a journal keeps. */
#define ABOTA_JOURNAL_VALIDATOR_MAX 80u

enum abota_journal_validator {
    ABOTA_JOURNAL_VAL_NONE = 0,
    ABOTA_JOURNAL_VAL_ETAG = 1, /* a strong ETag */
    ABOTA_JOURNAL_VAL_DATE = 2, /* Last-Modified */
};

/* What names one download: a journal is only used for the same one. */
struct abota_journal_download {
    uint8_t slot;           /* target slot, 1 or 2 */
    uint8_t validator_kind; /* enum abota_journal_validator */
    uint32_t total;         /* image length from the 200, 0 when not known */
    uint32_t url_crc;       /* CRC-32 of the expanded URL (before redirects) */
    char *validator;        /* NUL-terminated; the caller's buffer */
    size_t validator_size;  /* its size */
};

/* The flash and layout are the caller's, passed to every call (as to the
 * boot record's), so the object holds only what it learns. */
struct abota_journal {
    /* all private: set by abota_journal_init, start and resume */
    uint32_t every_;   /* checkpoint interval: whole sectors */
    uint32_t crc_;     /* CRC-32 of the slot's first crc_at_ bytes, from flash; */
    uint32_t crc_at_;  /* the next checkpoint is due every_ bytes further */
    uint32_t hdr_crc_; /* the header's CRC, which every checkpoint's CRC covers */
    uint16_t pos_;     /* byte offset of the next checkpoint in the sector */
    uint8_t slot_;     /* the target slot */
    bool on_;          /* checkpoints are being appended */
};

#if ABOTA_FEATURE_RESUME
/* Prepares j for the journal of layout l (none when l->journal is 0): a
 * checkpoint every `every` bytes written, rounded up to whole sectors (0:
 * 16 KiB). */
void abota_journal_init(struct abota_journal *j, const struct abota_layout *l, uint32_t every);
/* Before the first request: when the journal describes download d (d->slot
 * and d->url_crc set by the caller) and the slot's prefix still has the
 * newest checkpoint's CRC, resumes w there (abota_slot_resume: w then holds
 * the prefix, read back from flash), fills d's validator, its kind and total,
 * and goes on appending checkpoints. Reads only. Errors:
 * ABOTA_ERR_UP_NO_JOURNAL (nothing to resume: no journal, another download,
 * no valid checkpoint, a prefix that changed), or the flash's. */
int abota_journal_resume(struct abota_journal *j, const struct abota_flash *f,
                         const struct abota_layout *l, struct abota_journal_download *d,
                         struct abota_slot_writer *w, int running_slot);
/* A fresh download began: erases the journal and, when d has a validator
 * that fits, writes its header; checkpoints follow. Errors: the flash's
 * (the journal is then off). */
int abota_journal_start(struct abota_journal *j, const struct abota_flash *f,
                        const struct abota_layout *l, const struct abota_journal_download *d);
/* After body bytes reached the slot: appends a checkpoint when one is due.
 * written is what the slot writer reports (abota_slot_written). Errors: the
 * flash's (the journal is then off; the last checkpoint stays usable). */
int abota_journal_progress(struct abota_journal *j, const struct abota_flash *f,
                           const struct abota_layout *l, uint32_t written);
/* Forgets the journal (after success, or before a retry from scratch);
 * spares the erase when there is nothing to forget. */
int abota_journal_clear(struct abota_journal *j, const struct abota_flash *f,
                        const struct abota_layout *l);
#else
static inline void abota_journal_init(struct abota_journal *j, const struct abota_layout *l,
                                      uint32_t every)
{
    (void)j, (void)l, (void)every;
}
static inline int abota_journal_resume(struct abota_journal *j, const struct abota_flash *f,
                                       const struct abota_layout *l,
                                       struct abota_journal_download *d,
                                       struct abota_slot_writer *w, int running_slot)
{
    (void)j, (void)f, (void)l, (void)d, (void)w, (void)running_slot;
    return ABOTA_ERR_UP_NO_JOURNAL;
}
static inline int abota_journal_start(struct abota_journal *j, const struct abota_flash *f,
                                      const struct abota_layout *l,
                                      const struct abota_journal_download *d)
{
    (void)j, (void)f, (void)l, (void)d;
    return 0;
}
static inline int abota_journal_progress(struct abota_journal *j, const struct abota_flash *f,
                                         const struct abota_layout *l, uint32_t written)
{
    (void)j, (void)f, (void)l, (void)written;
    return 0;
}
static inline int abota_journal_clear(struct abota_journal *j, const struct abota_flash *f,
                                      const struct abota_layout *l)
{
    (void)j, (void)f, (void)l;
    return 0;
}
#endif

#endif
