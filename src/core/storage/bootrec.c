/* Boot record: two copies in two sectors, sequence numbers, CRC-32.
 *
 * On-flash form of one copy, at the start of its sector (little-endian):
 *
 *   off  size  field
 *     0     4  magic 0x43524241 ("ABRC")
 *     4     1  format version: 1, or 2 when a security field is not 0
 *     5     1  active slot, 1 or 2
 *     6     1  trial: 0 NONE, 1 PENDING, 2 TESTING
 *     7     1  attempts_left
 *     8     4  seq
 *    12     1  flags: ROLLED_BACK 0x01 | FELL_BACK 0x02, other bits 0
 *    13     1  failed_slot: 0, 1 or 2
 *    14     2  reserved, 0
 *    16    12  slot 1: length u32, crc32 u32, version u32
 *    28    12  slot 2: length u32, crc32 u32, version u32
 *    40     4  security_floor (format 2; 0 in format 1)
 *    44     4  slot 1: security version (format 2; 0 in format 1)
 *    48     4  slot 2: security version (format 2; 0 in format 1)
 *    52     8  reserved, 0
 *    60     4  CRC-32 of bytes 0..59
 *
 * Reserved bytes are written as 0 and decode requires 0: a later format that
 * gives them a meaning must raise the format version, so an old bootloader
 * never half-understands a newer record. (0 rather than 0xFF so that an
 * erased sector and a record differ in more than the magic.)
 *
 * Why a power cut cannot lose the record. Let N be the sector holding the
 * newest valid copy and O the other one. A write touches only O: it erases O,
 * programs O, reads O back. N is never erased or programmed by this write,
 * so at every instant before the program of O completes, N still decodes and
 * is the newest valid copy (O is erased, or partly programmed and fails its
 * magic or CRC - a partial program that forms a valid CRC by accident has a
 * chance of about 2^-32). Once O's program has completed, O is valid with
 * seq(N) + 1 and is the newest. So a read after a cut at any instant gets
 * either the old record (from N) or the new one (from O), never nothing.
 * The next write then targets the sector that is not the newest again.
 * With no valid copy at all there is nothing to lose and the write goes to
 * bootrec[0]. */
#include "abota/bootrec.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "abota/config.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "le.h"

#define OFF_MAGIC 0u
#define OFF_FORMAT 4u
#define OFF_ACTIVE 5u
#define OFF_TRIAL 6u
#define OFF_ATTEMPTS 7u
#define OFF_SEQ 8u
#define OFF_FLAGS 12u
#define OFF_FAILED 13u
#define OFF_SLOTS 16u
#define SLOT_REC_SIZE 12u
#define OFF_FLOOR 40u
#define OFF_SECURITY 44u
#define OFF_CRC 60u

#define KNOWN_FLAGS (ABOTA_BOOTREC_ROLLED_BACK | ABOTA_BOOTREC_FELL_BACK)

/* One write unit big enough for the record at any supported alignment. */
#define WRITE_BUF_SIZE \
    (((ABOTA_BOOTREC_SIZE + ABOTA_WRITE_ALIGN_MAX - 1u) / ABOTA_WRITE_ALIGN_MAX) * \
     ABOTA_WRITE_ALIGN_MAX)


/* Where each field of struct abota_bootrec sits in the record: offset in
 * the record, offset in the struct, width (1 byte, or a 4-byte
 * little-endian word). The codec is one loop over this map. */
#define FIELD(off, member, width) {off, (uint8_t)offsetof(struct abota_bootrec, member), width}
static const struct {
    uint8_t off, at, width;
} fields[] = {
    FIELD(OFF_ACTIVE, active, 1),
    FIELD(OFF_TRIAL, trial, 1),
    FIELD(OFF_ATTEMPTS, attempts_left, 1),
    FIELD(OFF_SEQ, seq, 4),
    FIELD(OFF_FLAGS, flags, 1),
    FIELD(OFF_FAILED, failed_slot, 1),
    FIELD(OFF_SLOTS + 0, slot[0].length, 4),
    FIELD(OFF_SLOTS + 4, slot[0].crc32, 4),
    FIELD(OFF_SLOTS + 8, slot[0].version, 4),
    FIELD(OFF_SLOTS + SLOT_REC_SIZE + 0, slot[1].length, 4),
    FIELD(OFF_SLOTS + SLOT_REC_SIZE + 4, slot[1].crc32, 4),
    FIELD(OFF_SLOTS + SLOT_REC_SIZE + 8, slot[1].version, 4),
    FIELD(OFF_FLOOR, security_floor, 4),
    FIELD(OFF_SECURITY, slot[0].security, 4),
    FIELD(OFF_SECURITY + 4, slot[1].security, 4),
};
#undef FIELD

static int fields_ok(const struct abota_bootrec *r)
{
    return (r->active == 1 || r->active == 2) && r->trial <= ABOTA_TRIAL_TESTING &&
           (r->flags & ~KNOWN_FLAGS) == 0 && r->failed_slot <= 2;
}

/* The security fields are in use: the record needs format 2. */
static bool security_used(const struct abota_bootrec *r)
{
    return (r->security_floor | r->slot[0].security | r->slot[1].security) != 0;
}

void abota_bootrec_encode(const struct abota_bootrec *r, uint8_t out[ABOTA_BOOTREC_SIZE])
{
    memset(out, 0, ABOTA_BOOTREC_SIZE);
    abota_le32_put(out + OFF_MAGIC, ABOTA_BOOTREC_MAGIC);
    out[OFF_FORMAT] = (uint8_t)(security_used(r) ? ABOTA_BOOTREC_FORMAT_2 : ABOTA_BOOTREC_FORMAT);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        /* at is the offset of a member of that width: aligned for it */
        const void *m = (const uint8_t *)r + fields[i].at;
        if (fields[i].width == 1)
            out[fields[i].off] = *(const uint8_t *)m;
        else
            abota_le32_put(out + fields[i].off, *(const uint32_t *)m);
    }
    abota_le32_put(out + OFF_CRC, abota_crc32_update(0, out, OFF_CRC));
}

int abota_bootrec_decode(const uint8_t in[ABOTA_BOOTREC_SIZE], struct abota_bootrec *r)
{
    if (!in || !r)
        return ABOTA_ERR_ARG;
    if (abota_le32_get(in + OFF_MAGIC) != ABOTA_BOOTREC_MAGIC)
        return ABOTA_ERR_BOOTREC_MAGIC;
    /* The CRC before anything else that reads fields: a record with a bad
     * CRC is torn or rotten, whatever its fields say. */
    if (abota_le32_get(in + OFF_CRC) != abota_crc32_update(0, in, OFF_CRC))
        return ABOTA_ERR_BOOTREC_CRC;
    uint8_t format = in[OFF_FORMAT];
    if (format != ABOTA_BOOTREC_FORMAT && format != ABOTA_BOOTREC_FORMAT_2)
        return ABOTA_ERR_BOOTREC_VERSION;

    struct abota_bootrec t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        void *m = (uint8_t *)&t + fields[i].at;
        if (fields[i].width == 1)
            *(uint8_t *)m = in[fields[i].off];
        else
            *(uint32_t *)m = abota_le32_get(in + fields[i].off);
    }
    /* One encoding per record: what the fields encode to must be these
     * very bytes. That holds the reserved bytes at 0 and the format to
     * the fields (format 1 has no security fields, its bytes there are
     * reserved; format 2 is only written with one). */
    uint8_t again[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(&t, again);
    if (!fields_ok(&t) || memcmp(again, in, ABOTA_BOOTREC_SIZE) != 0)
        return ABOTA_ERR_BOOTREC_FIELD;
    *r = t;
    return 0;
}

/* Serial-number arithmetic (RFC 1982 style): a is newer when it lies less
 * than half the number space ahead of b. Written in unsigned arithmetic so
 * no signed conversion is involved; a distance of exactly 2^31 is "not
 * newer" both ways, which read() resolves by preferring copy 0. */
int abota_bootrec_seq_newer(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return d != 0 && d < 0x80000000u;
}

static int layout_ok(const struct abota_flash *f, const struct abota_layout *l)
{
    return f && l && f->sector_size >= ABOTA_BOOTREC_SIZE && l->bootrec[0] != l->bootrec[1];
}

int abota_bootrec_read(const struct abota_flash *f, const struct abota_layout *l,
                       struct abota_bootrec *r, int *copy)
{
    if (!layout_ok(f, l) || !r)
        return ABOTA_ERR_ARG;
    struct abota_bootrec rec[2];
    int pick = -1; /* the newest valid copy so far */
    int io_err = 0;
    for (int i = 0; i < 2; i++) {
        uint8_t buf[ABOTA_BOOTREC_SIZE];
        int rc = abota_flash_read(f, l->bootrec[i], buf, sizeof buf);
        if (rc < 0) {
            /* One unreadable copy must not hide the other one. */
            io_err = rc;
            continue;
        }
        if (abota_bootrec_decode(buf, &rec[i]) == 0 &&
            (pick < 0 || abota_bootrec_seq_newer(rec[i].seq, rec[pick].seq)))
            pick = i;
    }
    if (pick < 0)
        return io_err ? io_err : ABOTA_ERR_BOOTREC_NONE;
    *r = rec[pick];
    if (copy)
        *copy = pick;
    return 0;
}

int abota_bootrec_write(const struct abota_flash *f, const struct abota_layout *l,
                        struct abota_bootrec *r)
{
    if (!layout_ok(f, l) || !r || f->write_align == 0 || f->write_align > ABOTA_WRITE_ALIGN_MAX ||
        (f->write_align & (f->write_align - 1u)) != 0)
        return ABOTA_ERR_ARG;
    if (!fields_ok(r))
        return ABOTA_ERR_BOOTREC_FIELD;

    struct abota_bootrec cur;
    int copy = 0;
    int rc = abota_bootrec_read(f, l, &cur, &copy);
    int target;
    if (rc == 0) {
        target = 1 - copy;
        r->seq = cur.seq + 1u; /* wraps from 0xFFFFFFFF to 0 by design */
    } else if (rc == ABOTA_ERR_BOOTREC_NONE) {
        target = 0;
    } else {
        /* Neither copy valid and a read failed: writing now could erase
         * the one good copy that only failed to read. */
        return rc;
    }

    /* The record, padded with 0xFF (the erased value) to the write unit. */
    uint8_t buf[WRITE_BUF_SIZE];
    abota_bootrec_encode(r, buf);
    if (sizeof buf > ABOTA_BOOTREC_SIZE) /* only with a write unit over 64 bytes */
        memset(buf + ABOTA_BOOTREC_SIZE, 0xFF, sizeof buf - ABOTA_BOOTREC_SIZE);
    /* Rounded up to the write unit, a power of two <= ABOTA_WRITE_ALIGN_MAX:
     * len <= WRITE_BUF_SIZE. */
    size_t len = (ABOTA_BOOTREC_SIZE + f->write_align - 1u) & ~(size_t)(f->write_align - 1u);

    uint32_t addr = l->bootrec[target];
    rc = abota_flash_erase(f, addr);
    if (rc < 0)
        return rc;
    rc = abota_flash_write(f, addr, buf, len);
    if (rc < 0)
        return rc;
    uint8_t back[WRITE_BUF_SIZE];
    rc = abota_flash_read(f, addr, back, len);
    if (rc < 0)
        return rc;
    if (memcmp(back, buf, len) != 0)
        return ABOTA_ERR_FLASH_VERIFY;
    return 0;
}

int abota_bootrec_set_next(const struct abota_flash *f, const struct abota_layout *l, int slot,
                           const struct abota_slot_record *entry, uint8_t attempts)
{
    if (slot != ABOTA_SLOT_1 && slot != ABOTA_SLOT_2)
        return ABOTA_ERR_ARG;
    if (!entry || attempts == 0 || entry->length == 0)
        return ABOTA_ERR_ARG;
    struct abota_bootrec r;
    int rc = abota_bootrec_read(f, l, &r, NULL);
    if (rc == ABOTA_ERR_BOOTREC_NONE) {
        memset(&r, 0, sizeof r);
    } else if (rc < 0) {
        return rc;
    }
    if (entry->security < r.security_floor)
        return ABOTA_ERR_SECURITY_VERSION;
    r.active = (uint8_t)slot;
    r.trial = ABOTA_TRIAL_PENDING;
    r.attempts_left = attempts;
    r.flags = 0;
    r.failed_slot = 0;
    r.slot[slot - 1] = *entry;
    return abota_bootrec_write(f, l, &r);
}

int abota_bootrec_clear_flags(const struct abota_flash *f, const struct abota_layout *l)
{
    struct abota_bootrec r;
    int rc = abota_bootrec_read(f, l, &r, NULL);
    if (rc < 0)
        return rc;
    if (r.flags == 0 && r.failed_slot == 0)
        return 0;
    r.flags = 0;
    r.failed_slot = 0;
    return abota_bootrec_write(f, l, &r);
}
