/* The update engine's progress journal: what of a download is already in
 * the target slot, so a download cut by a reboot or a power loss continues
 * where it stopped instead of starting over.
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
#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "../storage/le.h"
#include "update_priv.h"

#if ABOTA_FEATURE_RESUME /* else no journal (update_priv.h) */

#define J_MAGIC 0x4E4A4241u /* "ABJN" */
#define J_FORMAT 1u
#define J_VAL_MAX 80u
#define J_HDR 112u
#define J_HDR_CRC_AT 108u
#define J_ENTRY 16u
#define J_READ 64u

union jbuf {
    uint32_t align_; /* the port gets word-aligned RAM */
    uint8_t b[J_HDR];
};

static bool has_journal(const struct abota_update *u)
{
    return u->layout->journal != 0 && u->layout->sector_size >= J_HDR + J_ENTRY;
}

static void warn(struct abota_update *u, int err)
{
    u->journal_on_ = false;
    abota_update_emit(u, ABOTA_EV_WARNING, 0, 0, err, NULL);
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

void abota_update_journal_load(struct abota_update *u)
{
    if (!has_journal(u))
        return;
    const uint32_t base = u->layout->journal, ss = u->layout->sector_size;
    const uint32_t slot = abota_layout_slot(u->layout, u->target_slot)->size;
    union jbuf h;
    if (abota_flash_read(u->flash, base, h.b, J_HDR) < 0)
        return;
    uint32_t hcrc = le32_get(h.b + J_HDR_CRC_AT);
    uint32_t total = le32_get(h.b + 8);
    uint8_t kind = h.b[6], n = h.b[7];
    if (le32_get(h.b) != J_MAGIC || h.b[4] != J_FORMAT ||
        abota_crc32_update(0, h.b, J_HDR_CRC_AT) != hcrc || h.b[5] != u->target_slot ||
        le32_get(h.b + 12) != u->url_crc_ || (kind != UPD_VAL_ETAG && kind != UPD_VAL_DATE) ||
        n == 0 || n > J_VAL_MAX || n >= sizeof u->validator_ || total > slot ||
        memchr(h.b + 16, 0, n) != NULL)
        return;

    /* The newest valid checkpoint; the first blank entry is where the next
     * one goes. */
    uint32_t best = 0, best_crc = 0, free_at = 0;
    for (uint32_t pos = J_HDR; pos <= ss - J_ENTRY; pos += J_ENTRY) {
        union jbuf e;
        if (abota_flash_read(u->flash, base + pos, e.b, J_ENTRY) < 0)
            return;
        if (blank(e.b, J_ENTRY)) {
            free_at = pos;
            break;
        }
        uint32_t off = le32_get(e.b);
        if (entry_crc(hcrc, e.b) != le32_get(e.b + 8) || off % ss != 0 ||
            off > (total ? total : slot) || off <= best)
            continue; /* torn or foreign: skipped */
        best = off;
        best_crc = le32_get(e.b + 4);
    }
    if (best == 0)
        return;
    /* The writer re-reads the prefix from flash: it must be what was
     * checkpointed (a reflash or a bit error since is caught here). */
    if (abota_slot_resume(&u->writer_, u->flash, u->layout, u->target_slot, u->running_slot,
                          total, best) < 0 ||
        abota_slot_crc32(&u->writer_) != best_crc)
        return;

    memcpy(u->validator_, h.b + 16, n);
    u->validator_[n] = '\0';
    u->validator_kind_ = kind;
    u->total_ = total;
    u->partial_ = true;
    u->resumed_at = best;
    u->journal_hdr_crc_ = hcrc;
    u->journal_crc_ = best_crc;
    u->journal_crc_at_ = best;
    u->journal_next_ = best > UINT32_MAX - u->cfg.journal_every ? UINT32_MAX
                                                                  : best + u->cfg.journal_every;
    u->journal_on_ = free_at != 0;
    u->journal_pos_ = (uint16_t)(free_at > UINT16_MAX ? 0 : free_at);
    if (free_at > UINT16_MAX)
        u->journal_on_ = false;
}

void abota_update_journal_start(struct abota_update *u)
{
    u->journal_on_ = false;
    if (!has_journal(u))
        return;
    int r = abota_flash_erase(u->flash, u->layout->journal);
    if (r < 0) {
        warn(u, r);
        return;
    }
    size_t n = strlen(u->validator_);
    if (u->validator_kind_ == UPD_VAL_NONE || n == 0 || n > J_VAL_MAX ||
        u->layout->sector_size > UINT16_MAX + 1u)
        return; /* nothing identifies the image well enough to resume it later */

    union jbuf h;
    memset(h.b, 0xFF, J_HDR);
    le32_put(h.b, J_MAGIC);
    h.b[4] = J_FORMAT;
    h.b[5] = (uint8_t)u->target_slot;
    h.b[6] = u->validator_kind_;
    h.b[7] = (uint8_t)n;
    le32_put(h.b + 8, u->total_);
    le32_put(h.b + 12, u->url_crc_);
    memset(h.b + 16, 0, J_VAL_MAX);
    memcpy(h.b + 16, u->validator_, n);
    u->journal_hdr_crc_ = abota_crc32_update(0, h.b, J_HDR_CRC_AT);
    le32_put(h.b + J_HDR_CRC_AT, u->journal_hdr_crc_);
    r = abota_flash_write(u->flash, u->layout->journal, h.b, J_HDR);
    if (r < 0) {
        warn(u, r);
        return;
    }
    u->journal_on_ = true;
    u->journal_pos_ = J_HDR;
    u->journal_next_ = u->cfg.journal_every;
    u->journal_crc_ = 0;
    u->journal_crc_at_ = 0;
}

void abota_update_journal_progress(struct abota_update *u)
{
    if (!u->journal_on_)
        return;
    const uint32_t ss = u->layout->sector_size;
    /* Only what is on flash counts: the writer holds back a partial write
     * unit. */
    uint32_t done = abota_slot_written(&u->writer_) / u->flash->write_align * u->flash->write_align;
    uint32_t at = done / ss * ss;
    if (at < u->journal_next_ || at <= u->journal_crc_at_)
        return;

    /* Extend the prefix CRC with what flash holds now (only new bytes). */
    const uint32_t slot = abota_layout_slot(u->layout, u->target_slot)->offset;
    union jbuf c;
    for (uint32_t a = u->journal_crc_at_; a < at;) {
        uint32_t k = at - a < J_READ ? at - a : J_READ;
        int r = abota_flash_read(u->flash, slot + a, c.b, k);
        if (r < 0) {
            warn(u, r);
            return;
        }
        u->journal_crc_ = abota_crc32_update(u->journal_crc_, c.b, k);
        a += k;
    }
    u->journal_crc_at_ = at;

    memset(c.b, 0xFF, J_ENTRY);
    le32_put(c.b, at);
    le32_put(c.b + 4, u->journal_crc_);
    le32_put(c.b + 8, entry_crc(u->journal_hdr_crc_, c.b));
    int r = abota_flash_write(u->flash, u->layout->journal + u->journal_pos_, c.b, J_ENTRY);
    if (r < 0) {
        warn(u, r);
        return;
    }
    u->journal_pos_ = (uint16_t)(u->journal_pos_ + J_ENTRY);
    if (u->journal_pos_ > ss - J_ENTRY)
        u->journal_on_ = false; /* full: the last checkpoint stays usable */
    u->journal_next_ = at > UINT32_MAX - u->cfg.journal_every ? UINT32_MAX
                                                                : at + u->cfg.journal_every;
}

void abota_update_journal_clear(struct abota_update *u)
{
    u->journal_on_ = false;
    if (!has_journal(u))
        return;
    /* Without its header nothing in the sector is ever used: spare the
     * erase when it is not there. */
    union jbuf h;
    if (abota_flash_read(u->flash, u->layout->journal, h.b, 4) == 0 && blank(h.b, 4))
        return;
    int r = abota_flash_erase(u->flash, u->layout->journal);
    if (r < 0)
        warn(u, r);
}

#endif
