/* Slot writer: streams an image into the inactive slot.
 *
 * Invariants between calls (offsets relative to the slot start):
 *   written_ <= accepted_, accepted_ - written_ == pend_len_ < write_align,
 *   written_ is a multiple of write_align,
 *   erased_ is a multiple of the sector size, written_ <= erased_ <= size_,
 *   accepted_ <= limit (declared_, or size_ when the length is not known).
 * Every flash address is base_ + an offset checked against size_ by
 * subtraction before use, so no request can leave the slot. */
#include "abota/slot.h"

#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"

enum { ST_IDLE = 0, ST_WRITING = 1, ST_DONE = 2, ST_FAILED = 3 };

/* Bytes are copied through this before reaching the port, so the port
 * always gets a word-aligned RAM buffer (the ESP8266 SDK needs one) whatever
 * the caller's pointer. */
union chunk {
    uint32_t align_;
    uint8_t b[ABOTA_VERIFY_CHUNK];
};

static uint32_t limit_of(const struct abota_slot_writer *w)
{
    return w->declared_ ? w->declared_ : w->size_;
}

/* The streamed SHA-256 covers the bytes below this offset. An abota image
 * of total length L ends in 0..15 pad bytes and a 256-byte footer, so its
 * first L - 271 bytes are payload whatever the footer turns out to say: the
 * stream hashes those, and the verification hashes the rest of the payload
 * (at most 15 bytes) from flash (abota_image_verify_flash_streamed). With
 * the length not known (chunked) nothing is streamed: the verification
 * hashes the whole payload from flash. Either way the payload is hashed
 * once. */
static uint32_t sha_end_of(const struct abota_slot_writer *w)
{
    const uint32_t tail = ABOTA_FOOTER_SIZE + ABOTA_FOOTER_ALIGN - 1u;
    return w->declared_ > tail ? w->declared_ - tail : 0;
}

/* The writer's SHA-256 side, once per profile: without ABOTA_FEATURE_SHA256
 * the writer has no hash state and these do nothing (CRC-32 only). */
#if ABOTA_FEATURE_SHA256
static void sha_start(struct abota_slot_writer *w)
{
    abota_sha256_init(&w->sha_);
}

/* Hashes the part of p[0..n), the image's bytes from offset at, that lies
 * below sha_end. */
static void sha_feed(struct abota_slot_writer *w, uint32_t sha_end, uint32_t at,
                     const uint8_t *p, uint32_t n)
{
    if (at < sha_end)
        abota_sha256_update(&w->sha_, p, sha_end - at < n ? sha_end - at : n);
}

/* An abota image's check, with the payload's SHA-256 from the stream where
 * there is one (w NULL: the boot choice, everything from flash). */
static int verify_abota(const struct abota_flash *f, uint32_t addr, uint32_t length,
                        struct abota_image_info *info, struct abota_slot_writer *w)
{
    uint32_t hashed = 0;
    if (w) {
        hashed = sha_end_of(w);
        if (hashed > w->accepted_)
            hashed = w->accepted_;
    }
    return abota_image_verify_flash_streamed(f, addr, length, info, w ? &w->sha_ : NULL, hashed);
}
#else
static void sha_start(struct abota_slot_writer *w)
{
    (void)w;
}

static void sha_feed(struct abota_slot_writer *w, uint32_t sha_end, uint32_t at,
                     const uint8_t *p, uint32_t n)
{
    (void)w;
    (void)sha_end;
    (void)at;
    (void)p;
    (void)n;
}

static int verify_abota(const struct abota_flash *f, uint32_t addr, uint32_t length,
                        struct abota_image_info *info, struct abota_slot_writer *w)
{
    (void)w;
    return abota_image_verify_flash(f, addr, length, info);
}
#endif

/* Checks shared by begin and resume; fills the fixed fields. */
static int setup(struct abota_slot_writer *w, const struct abota_flash *f,
                 const struct abota_layout *l, int slot, int running_slot, uint32_t length)
{
    if (!w || !f || !l)
        return ABOTA_ERR_ARG;
    memset(w, 0, sizeof *w);
    const struct abota_region *r = abota_layout_slot(l, slot);
    if (!r)
        return ABOTA_ERR_SLOT_INVALID;
    if (slot == running_slot)
        return ABOTA_ERR_SLOT_RUNNING;
    int rc = abota_layout_check(l);
    if (rc < 0)
        return rc;
    /* The writer works in the flash's own units; the slot must line up with
     * them and lie inside the device. */
    if (f->sector_size == 0 || f->write_align == 0 || f->write_align > ABOTA_WRITE_ALIGN_MAX ||
        f->write_align > f->sector_size || (f->sector_size & (f->sector_size - 1u)) != 0 ||
        (f->write_align & (f->write_align - 1u)) != 0 ||
        ((r->offset | r->size) & (f->sector_size - 1u)) != 0 || /* sector_size: a power of 2 */
        r->offset > f->size || r->size > f->size - r->offset)
        return ABOTA_ERR_LAYOUT_GEOMETRY;
    if (length > r->size)
        return ABOTA_ERR_SLOT_TOO_BIG;
    w->flash_ = f;
    w->slot_ = slot;
    w->base_ = r->offset;
    w->size_ = r->size;
    w->declared_ = length;
    w->crc_ = 0;
    sha_start(w);
    return 0;
}

int abota_slot_begin(struct abota_slot_writer *w, const struct abota_flash *f,
                     const struct abota_layout *l, int slot, int running_slot, uint32_t length)
{
    int rc = setup(w, f, l, slot, running_slot, length);
    if (rc < 0)
        return rc;
    w->state_ = ST_WRITING;
    return 0;
}

#if ABOTA_FEATURE_SKIP_ERASED || ABOTA_FEATURE_RESUME
/* 0 when slot bytes [from, to) all read 0xFF, else ABOTA_ERR_FLASH_NOT_ERASED
 * (or the read's error). Read in small word-aligned pieces: the write path's
 * stack hardly grows, and a sector holding data fails at its first piece. */
static int blank(const struct abota_slot_writer *w, uint32_t from, uint32_t to)
{
    uint32_t piece[8];
    const uint8_t *b = (const uint8_t *)piece;
    for (uint32_t a = from; a < to;) {
        uint32_t k = to - a < sizeof piece ? to - a : (uint32_t)sizeof piece;
        int rc = abota_flash_read(w->flash_, w->base_ + a, piece, k);
        if (rc < 0)
            return rc;
        for (uint32_t i = 0; i < k; i++)
            if (b[i] != 0xFF)
                return ABOTA_ERR_FLASH_NOT_ERASED;
        a += k;
    }
    return 0;
}
#endif

#if ABOTA_FEATURE_SKIP_ERASED
/* The sector at slot offset at, ready to be programmed: erased, unless it
 * reads all 0xFF already. */
static int prepare_sector(struct abota_slot_writer *w, uint32_t at)
{
    int rc = blank(w, at, at + w->flash_->sector_size);
    if (rc != ABOTA_ERR_FLASH_NOT_ERASED)
        return rc;
    return abota_flash_erase(w->flash_, w->base_ + at);
}
#else
static int prepare_sector(struct abota_slot_writer *w, uint32_t at)
{
    return abota_flash_erase(w->flash_, w->base_ + at);
}
#endif

/* Writes n bytes (a multiple of write_align) at slot offset off, preparing
 * each sector just before the first write into it. */
static int put(struct abota_slot_writer *w, uint32_t off, const uint8_t *buf, uint32_t n)
{
    const struct abota_flash *f = w->flash_;
    if (off > w->size_ || n > w->size_ - off)
        return ABOTA_ERR_SLOT_OVERFLOW; /* cannot happen while the invariants hold */
    /* off + n <= size_ now, and erased_ <= size_, so neither sum wraps. */
    while (w->erased_ < off + n) {
        int rc = prepare_sector(w, w->erased_);
        if (rc < 0)
            return rc;
        w->erased_ += f->sector_size;
    }
    return abota_flash_write(f, w->base_ + off, buf, n);
}

int abota_slot_write(struct abota_slot_writer *w, const void *data, size_t len)
{
    if (!w || (!data && len))
        return ABOTA_ERR_ARG;
    if (w->state_ != ST_WRITING)
        return ABOTA_ERR_STATE;
    uint32_t limit = limit_of(w);
    if (len > (size_t)(limit - w->accepted_))
        return ABOTA_ERR_SLOT_OVERFLOW; /* nothing of data is taken */

    const uint8_t *p = data;
    uint32_t align = w->flash_->write_align; /* a power of two (setup) */
    uint32_t sha_end = sha_end_of(w);
    union chunk c;
    while (len > 0) {
        uint32_t take, n = 0;  /* bytes taken from p; bytes to program */
        const uint8_t *src = c.b; /* what to program: word-aligned */
        if (w->pend_len_ == 0 && len >= align) {
            /* Whole units straight through the aligned chunk. */
            take = (uint32_t)(len < sizeof c.b ? len : sizeof c.b) & ~(align - 1u);
            memcpy(c.b, p, take);
            n = take;
        } else {
            /* Complete (or start) the partial unit. */
            take = align - w->pend_len_;
            if (take > len)
                take = (uint32_t)len;
            memcpy(w->pend_.b + w->pend_len_, p, take);
            w->pend_len_ = (uint8_t)(w->pend_len_ + take);
            if (w->pend_len_ == align) {
                src = w->pend_.b;
                n = align;
                w->pend_len_ = 0;
            }
        }
        if (n > 0) {
            int rc = put(w, w->written_, src, n);
            if (rc < 0) {
                w->state_ = ST_FAILED;
                return rc;
            }
            w->written_ += n;
        }
        w->crc_ = abota_crc32_update(w->crc_, p, take);
        sha_feed(w, sha_end, w->accepted_, p, take);
        w->accepted_ += take;
        p += take;
        len -= take;
    }
    return 0;
}

/* CRC-32 of n bytes at addr as stored on flash, continuing from crc. */
static int flash_crc(const struct abota_flash *f, uint32_t addr, uint32_t n, uint32_t *crc)
{
    union chunk c;
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < sizeof c.b ? n - done : (uint32_t)sizeof c.b;
        int rc = abota_flash_read(f, addr + done, c.b, k);
        if (rc < 0)
            return rc;
        *crc = abota_crc32_update(*crc, c.b, k);
        done += k;
    }
    return 0;
}

static int check_found(const struct abota_flash *f, const struct abota_region *r, int slot,
                       struct abota_image_info *info, uint32_t *crc_all);

/* The image of a known length (> 0): what the writer just wrote, or what a
 * boot record describes. Kept apart from the probe of an unknown length
 * (abota_slot_verify), so the writer's path never reaches the probe's
 * deeper stack. w is the writer that streamed the image (its SHA-256
 * state, if any, is used up) or NULL (the boot choice: everything from
 * flash). */
static int verify_known(const struct abota_flash *f, const struct abota_region *r, int slot,
                        uint32_t length, struct abota_image_info *info, uint32_t *crc_all,
                        struct abota_slot_writer *w)
{
    if (length > r->size)
        return ABOTA_ERR_SLOT_TOO_BIG;

    int rc;
    int abota = 0;
    /* An abota image ends in its footer; anything else must be a plain
     * Espressif bin that ends exactly at length. */
    if (length >= ABOTA_FOOTER_SIZE) {
        uint8_t m[4];
        rc = abota_flash_read(f, r->offset + length - ABOTA_FOOTER_SIZE, m, sizeof m);
        if (rc < 0)
            return rc;
        abota = ((uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
                 (uint32_t)m[3] << 24) == ABOTA_FOOTER_MAGIC;
    }
    if (abota) {
        rc = verify_abota(f, r->offset, length, info, w);
    } else {
        memset(info, 0, sizeof *info);
        rc = abota_esp_verify_flash(f, r->offset, length, &info->esp);
        /* Most often an abota image that lost its tail (footer). */
        if (rc == ABOTA_ERR_ESP_MAGIC)
            rc = ABOTA_ERR_IMG_NO_FOOTER;
        if (rc == 0 && info->esp.end != length)
            rc = ABOTA_ERR_SLOT_TRAILING;
        if (rc == 0) {
            info->kind = ABOTA_IMAGE_ESP;
            info->has_esp = true;
            info->total_len = length;
        }
    }
    if (rc < 0)
        return rc;
    return check_found(f, r, slot, info, crc_all);
}

/* What every found image must also pass: built for this slot, and the
 * CRC-32 of all its bytes (the boot record's value). */
static int check_found(const struct abota_flash *f, const struct abota_region *r, int slot,
                       struct abota_image_info *info, uint32_t *crc_all)
{
    int rc;
    /* Built for this slot? The footer says so; a plain v2 bin names its
     * user bin (in 512+512 maps it is linked for that slot only). */
    if (info->kind == ABOTA_IMAGE_ABOTA) {
        if (info->footer.target_slot != ABOTA_SLOT_ANY && info->footer.target_slot != slot)
            return ABOTA_ERR_IMG_SLOT;
    } else if (info->esp.v2 && info->esp.userbin != slot) {
        return ABOTA_ERR_IMG_SLOT;
    }
    /* Linked for this flash map? (A 512+512 user2 cannot run in a
     * 1024+1024 device's user2: it would fail every trial boot.) */
    if (info->has_esp) {
        rc = abota_esp_map_fits(&info->esp, r->offset);
        if (rc < 0)
            return rc;
    }

    /* CRC-32 of all total_len bytes: an abota image's payload CRC (read
     * from flash by the verification) continued over padding and footer;
     * a plain bin in one pass (its info->crc32 is then that CRC). */
    uint32_t crc = 0, from = 0;
    if (info->kind == ABOTA_IMAGE_ABOTA) {
        crc = info->crc32;
        from = info->footer.payload_len;
    }
    if (from > info->total_len)
        return ABOTA_ERR_IMG_LENGTH;
    rc = flash_crc(f, r->offset + from, info->total_len - from, &crc);
    if (rc < 0)
        return rc;
    if (info->kind != ABOTA_IMAGE_ABOTA)
        info->crc32 = crc;
    if (crc_all)
        *crc_all = crc;
    return 0;
}

int abota_slot_verify(const struct abota_flash *f, const struct abota_layout *l, int slot,
                      uint32_t length, struct abota_image_info *info, uint32_t *crc_all)
{
    if (!f || !l || !info)
        return ABOTA_ERR_ARG;
    const struct abota_region *r = abota_layout_slot(l, slot);
    if (!r)
        return ABOTA_ERR_SLOT_INVALID;
    if (length == 0) {
        int rc = abota_image_probe_flash(f, r->offset, r->size, info);
        return rc < 0 ? rc : check_found(f, r, slot, info, crc_all);
    }
    return verify_known(f, r, slot, length, info, crc_all, NULL);
}

/* The slot's image as it is on flash must verify and be what came in.
 *
 * One SHA-256 pass, no loss of assurance: the CRC-32 of the whole image
 * read back from flash must equal the CRC-32 of the bytes streamed in
 * (ABOTA_ERR_SLOT_CRC), which proves flash holds the streamed bytes
 * against random corruption (bit flips, torn or failed programming: what
 * CRC-32 is made for); the footer's SHA-256 is compared with the SHA-256 of
 * the streamed payload, which proves those bytes are the payload the footer
 * describes (integrity: who made the image is for a signature to say,
 * docs/SECURITY.md). Flash can only
 * differ from the stream by chance, never by an attacker's choice (an
 * attacker who can write flash directly needs no update), so hashing flash
 * again would add nothing but time. The payload CRC-32 and the padding,
 * footer and Espressif checks are still made on what flash holds. */
static int verify(struct abota_slot_writer *w, struct abota_image_info *info)
{
    struct abota_region r = {w->base_, w->size_};
    uint32_t crc;
    int rc = verify_known(w->flash_, &r, w->slot_, w->accepted_, info, &crc, w);
    if (rc < 0)
        return rc;
    if (crc != w->crc_)
        return ABOTA_ERR_SLOT_CRC;
    return 0;
}

int abota_slot_finish(struct abota_slot_writer *w, struct abota_image_info *info)
{
    if (!w)
        return ABOTA_ERR_ARG;
    if (w->state_ != ST_WRITING)
        return ABOTA_ERR_STATE;
    if (w->accepted_ == 0 || (w->declared_ && w->accepted_ < w->declared_))
        return ABOTA_ERR_SLOT_SHORT;
    /* info is required: the verification fills it, and a local one here
     * would put its 424 bytes on every finish's stack. Checked after the
     * writer's own checks: with w's, GCC spills info around the flush and
     * this frame grows by 16 bytes (make size, lx106). */
    if (!info)
        return ABOTA_ERR_ARG;

    uint32_t align = w->flash_->write_align;
    w->state_ = ST_FAILED;
    if (w->pend_len_ > 0) {
        /* The last unit, padded with the erased value (pend_ is
         * word-aligned for the port like every buffer it gets). */
        memset(w->pend_.b + w->pend_len_, 0xFF, align - w->pend_len_);
        int rc = put(w, w->written_, w->pend_.b, align);
        if (rc < 0)
            return rc;
        w->written_ += align;
        w->pend_len_ = 0;
    }
    int rc = verify(w, info);
    if (rc < 0)
        return rc;
    w->state_ = ST_DONE;
    return 0;
}

#if ABOTA_FEATURE_RESUME
int abota_slot_resume(struct abota_slot_writer *w, const struct abota_flash *f,
                      const struct abota_layout *l, int slot, int running_slot, uint32_t length,
                      uint32_t offset)
{
    int rc = setup(w, f, l, slot, running_slot, length);
    if (rc < 0)
        return rc;
    uint32_t limit = limit_of(w);
    if (offset % f->write_align != 0 || offset > limit)
        return ABOTA_ERR_SLOT_RESUME;

    /* Rebuild the CRC-32 and the SHA-256 (as far as the stream hashes,
     * sha_end_of) from what is on flash: the bytes an earlier writer
     * streamed, now read back, take the place of the stream. The final
     * CRC-32 comparison then covers them like any streamed byte. */
    uint32_t sha_end = sha_end_of(w);
    union chunk c;
    for (uint32_t done = 0; done < offset;) {
        uint32_t k = offset - done < sizeof c.b ? offset - done : (uint32_t)sizeof c.b;
        rc = abota_flash_read(f, w->base_ + done, c.b, k);
        if (rc < 0)
            return rc;
        w->crc_ = abota_crc32_update(w->crc_, c.b, k);
        sha_feed(w, sha_end, done, c.b, k);
        done += k;
    }

    /* The sector holding offset was erased and written up to offset; the
     * rest of it must still be erased, or the next write would program
     * over old data. offset <= size_, a multiple of the sector size, so
     * rounding up stays <= size_. */
    uint32_t ss = f->sector_size;
    uint32_t erased = (offset + ss - 1u) / ss * ss;
    rc = blank(w, offset, erased);
    if (rc < 0)
        return rc;
    w->accepted_ = offset;
    w->written_ = offset;
    w->erased_ = erased;
    w->state_ = ST_WRITING;
    return 0;
}
#endif
