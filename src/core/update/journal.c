/* The progress journal (include/abota/journal.h): what of a download is
 * already in the target slot, so a download cut by a reboot or a power loss
 * continues where it stopped instead of starting over.
 *
 * One sector of its own (layout->journal), little-endian, write-once
 * records appended after a single erase:
 *
 *   offset  size  header (written once, right after the erase)
 *        0     4  magic "ABJN"
 *        4     1  format (1)
 *        5     1  target slot (1 or 2)
 *        6     1  validator kind: 1 strong ETag, 2 Last-Modified
 *        7     1  validator length n (1..80)
 *        8     4  image length from the 200 answer, 0 when unknown
 *       12     4  CRC-32 of the expanded URL (before redirects)
 *       16    80  validator, n bytes, the rest 0x00
 *       96    12  0xFF
 *      108     4  CRC-32 of bytes 0..107
 *      112        checkpoints, 16 bytes each, to the end of the sector:
 *                   0  4  slot offset: a sector boundary, every byte below
 *                         it written
 *                   4  4  CRC-32 of the slot's first offset bytes, read
 *                         back from flash
 *                   8  4  CRC-32 of the header's CRC (4 bytes) + bytes 0..7
 *                  12  4  0xFFFFFFFF
 *
 * Power cuts: the erase comes first, then the header, then checkpoints, each
 * programmed once. A torn header fails its CRC (the journal is ignored), a
 * torn checkpoint fails its own and is skipped; the newest valid checkpoint
 * counts. Checkpoints of an older journal can never pass for this one: their
 * CRC covers the header's CRC. Offsets on sector boundaries let the writer
 * resume there whatever was programmed after the checkpoint (it re-erases
 * that sector). Nothing here is trusted for correctness: on resume the
 * slot's prefix must still have the checkpoint's CRC, the server must
 * confirm the image with a 206 to If-Range, and the final verification from
 * flash decides as always. */
#include "abota/journal.h"

#include <string.h>

#include "abota/crc32.h"
#include "../storage/le.h"

#if ABOTA_FEATURE_RESUME /* else the header's do-nothing versions */

#define J_MAGIC 0x4E4A4241u /* "ABJN" */
#define J_FORMAT 1u
#define J_HDR 112u
#define J_HDR_CRC_AT 108u
#define J_ENTRY 16u
#define J_READ 64u
#define DEFAULT_EVERY 16384u

union jbuf {
    uint32_t align_; /* the port gets word-aligned RAM */
    uint8_t b[J_HDR];
};

void abota_journal_init(struct abota_journal *j, const struct abota_layout *l, uint32_t every)
{
    memset(j, 0, sizeof *j);
    /* Checkpoints sit on sector boundaries. */
    uint32_t ss = l->sector_size;
    if (every == 0)
        every = DEFAULT_EVERY;
    j->every_ = every > UINT32_MAX - ss ? UINT32_MAX / ss * ss : (every + ss - 1u) / ss * ss;
}

static bool present(const struct abota_layout *l)
{
    return l->journal != 0 && l->sector_size >= J_HDR + J_ENTRY;
}

/* Switches the journal off and passes the error on. */
static int off(struct abota_journal *j, int err)
{
    j->on_ = false;
    return err;
}

/* The slot offset at which the next checkpoint is due. */
static uint32_t next_due(const struct abota_journal *j)
{
    return j->crc_at_ > UINT32_MAX - j->every_ ? UINT32_MAX : j->crc_at_ + j->every_;
}

static uint32_t entry_crc(uint32_t hdr_crc, const uint8_t *e)
{
    uint8_t h[4];
    le32_put(h, hdr_crc);
    return abota_crc32_update(abota_crc32_update(0, h, 4), e, 8);
}

static bool blank(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

int abota_journal_resume(struct abota_journal *j, const struct abota_flash *f,
                         const struct abota_layout *l, struct abota_journal_download *d,
                         struct abota_slot_writer *w, int running_slot)
{
    j->on_ = false;
    if (!present(l))
        return ABOTA_ERR_UP_NO_JOURNAL;
    const struct abota_region *r = abota_layout_slot(l, d->slot);
    if (!r)
        return ABOTA_ERR_SLOT_INVALID;
    const uint32_t base = l->journal, ss = l->sector_size;
    union jbuf h;
    int rc = abota_flash_read(f, base, h.b, J_HDR);
    if (rc < 0)
        return rc;
    uint32_t hcrc = le32_get(h.b + J_HDR_CRC_AT);
    uint32_t total = le32_get(h.b + 8);
    uint8_t kind = h.b[6], n = h.b[7];
    if (le32_get(h.b) != J_MAGIC || h.b[4] != J_FORMAT ||
        abota_crc32_update(0, h.b, J_HDR_CRC_AT) != hcrc || h.b[5] != d->slot ||
        le32_get(h.b + 12) != d->url_crc ||
        (kind != ABOTA_JOURNAL_VAL_ETAG && kind != ABOTA_JOURNAL_VAL_DATE) || n == 0 ||
        n > ABOTA_JOURNAL_VALIDATOR_MAX || n >= d->validator_size || total > r->size ||
        memchr(h.b + 16, 0, n) != NULL)
        return ABOTA_ERR_UP_NO_JOURNAL;

    /* The newest valid checkpoint; the first blank entry is where the next
     * one goes. */
    uint32_t best = 0, best_crc = 0, free_at = 0;
    for (uint32_t pos = J_HDR; pos <= ss - J_ENTRY; pos += J_ENTRY) {
        union jbuf e;
        rc = abota_flash_read(f, base + pos, e.b, J_ENTRY);
        if (rc < 0)
            return rc;
        if (blank(e.b, J_ENTRY)) {
            free_at = pos;
            break;
        }
        uint32_t at = le32_get(e.b);
        if (entry_crc(hcrc, e.b) != le32_get(e.b + 8) || at % ss != 0 ||
            at > (total ? total : r->size) || at <= best)
            continue; /* torn or foreign: skipped */
        best = at;
        best_crc = le32_get(e.b + 4);
    }
    if (best == 0)
        return ABOTA_ERR_UP_NO_JOURNAL;
    /* The writer re-reads the prefix from flash: it must be what was
     * checkpointed (a reflash or a bit error since is caught here). */
    rc = abota_slot_resume(w, f, l, d->slot, running_slot, total, best);
    if (rc < 0 || abota_slot_crc32(w) != best_crc)
        return ABOTA_ERR_UP_NO_JOURNAL;

    memcpy(d->validator, h.b + 16, n);
    d->validator[n] = '\0';
    d->validator_kind = kind;
    d->total = total;
    j->slot_ = d->slot;
    j->hdr_crc_ = hcrc;
    j->crc_ = best_crc;
    j->crc_at_ = best;
    j->on_ = free_at != 0 && free_at <= UINT16_MAX;
    j->pos_ = (uint16_t)(j->on_ ? free_at : 0);
    return 0;
}

int abota_journal_start(struct abota_journal *j, const struct abota_flash *f,
                        const struct abota_layout *l, const struct abota_journal_download *d)
{
    j->on_ = false;
    if (!present(l))
        return 0;
    if (!abota_layout_slot(l, d->slot))
        return ABOTA_ERR_SLOT_INVALID;
    int rc = abota_flash_erase(f, l->journal);
    if (rc < 0)
        return rc;
    size_t n = d->validator ? strlen(d->validator) : 0;
    if (d->validator_kind == ABOTA_JOURNAL_VAL_NONE || n == 0 ||
        n > ABOTA_JOURNAL_VALIDATOR_MAX || l->sector_size > UINT16_MAX + 1u)
        return 0; /* nothing identifies the image well enough to resume it later */

    union jbuf h;
    memset(h.b, 0xFF, J_HDR);
    le32_put(h.b, J_MAGIC);
    h.b[4] = J_FORMAT;
    h.b[5] = d->slot;
    h.b[6] = d->validator_kind;
    h.b[7] = (uint8_t)n;
    le32_put(h.b + 8, d->total);
    le32_put(h.b + 12, d->url_crc);
    memset(h.b + 16, 0, ABOTA_JOURNAL_VALIDATOR_MAX);
    memcpy(h.b + 16, d->validator, n);
    j->hdr_crc_ = abota_crc32_update(0, h.b, J_HDR_CRC_AT);
    le32_put(h.b + J_HDR_CRC_AT, j->hdr_crc_);
    rc = abota_flash_write(f, l->journal, h.b, J_HDR);
    if (rc < 0)
        return rc;
    j->slot_ = d->slot;
    j->on_ = true;
    j->pos_ = J_HDR;
    j->crc_ = 0;
    j->crc_at_ = 0;
    return 0;
}

int abota_journal_progress(struct abota_journal *j, const struct abota_flash *f,
                           const struct abota_layout *l, uint32_t written)
{
    if (!j->on_)
        return 0;
    const uint32_t ss = l->sector_size;
    /* Only what is on flash counts: the writer holds back a partial write
     * unit. */
    uint32_t align = f->write_align;
    uint32_t at = written / align * align / ss * ss;
    if (at < next_due(j) || at <= j->crc_at_)
        return 0;

    /* Extend the prefix CRC with what flash holds now (only new bytes). */
    const uint32_t slot_at = abota_layout_slot(l, j->slot_)->offset;
    union jbuf c;
    for (uint32_t a = j->crc_at_; a < at;) {
        uint32_t k = at - a < J_READ ? at - a : J_READ;
        int rc = abota_flash_read(f, slot_at + a, c.b, k);
        if (rc < 0)
            return off(j, rc);
        j->crc_ = abota_crc32_update(j->crc_, c.b, k);
        a += k;
    }
    j->crc_at_ = at;

    memset(c.b, 0xFF, J_ENTRY);
    le32_put(c.b, at);
    le32_put(c.b + 4, j->crc_);
    le32_put(c.b + 8, entry_crc(j->hdr_crc_, c.b));
    int rc = abota_flash_write(f, l->journal + j->pos_, c.b, J_ENTRY);
    if (rc < 0)
        return off(j, rc);
    j->pos_ = (uint16_t)(j->pos_ + J_ENTRY);
    if (j->pos_ > ss - J_ENTRY)
        j->on_ = false; /* full: the last checkpoint stays usable */
    return 0;
}

int abota_journal_clear(struct abota_journal *j, const struct abota_flash *f,
                        const struct abota_layout *l)
{
    j->on_ = false;
    if (!present(l))
        return 0;
    /* Without its header nothing in the sector is ever used: spare the
     * erase when it is not there. */
    union jbuf h;
    if (abota_flash_read(f, l->journal, h.b, 4) == 0 && blank(h.b, 4))
        return 0;
    return abota_flash_erase(f, l->journal);
}

#endif
