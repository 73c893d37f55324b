/* Fuzzes the ESP8266 loader's boot choice (src/loader/esp8266/choose.c,
 * built for the host) over a small RAM flash.
 *
 * Flash: tiny_flash.h (sector 0x100, slots of 0x400 at 0x100 and 0x500,
 * records at 0x900 and 0xA00; 0xB00 bytes), erased.
 * Input: byte 0 holds flags, bytes 1..128 the two record copies, the rest
 * slot 1 then slot 2 (missing bytes stay erased). Before the choice, in this
 * order, so the fuzzer reaches the checks behind each one:
 *   bits 0, 1: an Espressif header (0xEA 0x04) at the start of slot 1 / 2;
 *   bits 2, 3: in both copies, slot 1's / slot 2's entry gets a length
 *              within the slot and the CRC-32 of that many slot bytes;
 *   bits 4, 5: copy 0's / copy 1's record CRC is repaired.
 * Properties, checked against the flash as it was before the choice:
 * - it returns 0 or ABOTA_ERR_BOOT_NOTHING, and the slot and reason it
 *   returns are one of abota_boot_candidates() for the record it read, the
 *   second one only when the first fails its check;
 * - the slot it returns matches the record entry it trusted: Espressif
 *   header, length within the slot, CRC-32 of the bytes (computed here
 *   from RAM, not through the flash port), security version not below the
 *   record's floor;
 * - nothing bootable: no candidate passes its check, nothing was written;
 * - it writes nothing but a valid record, into the sector not holding the
 *   newest copy, exactly when abota_boot_settle() says the record changes,
 *   naming the slot it returns as active; else flash is untouched. */
#include <stdbool.h>
#include <string.h>

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "choose.h"
#include "fuzz.h"
#include "ramflash.h"
#include "tiny_flash.h"

#define SECTOR TINY_SECTOR
#define FLASH_SIZE TINY_FLASH_SIZE
#define SLOT_SIZE TINY_SLOT_SIZE
#define REC0 TINY_REC0
#define REC1 TINY_REC1

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Where a field lies in the encoded record: the first byte in which r
 * (all zero but that field) encodes differently from an all-zero record. */
static size_t field_at(const struct abota_bootrec *r)
{
    struct abota_bootrec zero;
    uint8_t a[ABOTA_BOOTREC_SIZE], b[ABOTA_BOOTREC_SIZE];
    memset(&zero, 0, sizeof zero);
    abota_bootrec_encode(&zero, a);
    abota_bootrec_encode(r, b);
    size_t at = 0;
    while (at < ABOTA_BOOTREC_SIZE && a[at] == b[at])
        at++;
    FUZZ_CHECK(at + 4 <= ABOTA_BOOTREC_SIZE - 4);
    return at;
}

/* Gives slot's entry in the encoded record rec a length within the slot
 * and the CRC-32 of that many bytes of mem. */
static void repair_entry(uint8_t *rec, const uint8_t *mem, const struct abota_layout *l,
                         int slot)
{
    struct abota_bootrec r;
    memset(&r, 0, sizeof r);
    r.slot[slot - 1].length = 0xFFFFFFFFu;
    size_t len_at = field_at(&r);
    r.slot[slot - 1].length = 0;
    r.slot[slot - 1].crc32 = 0xFFFFFFFFu;
    size_t crc_at = field_at(&r);

    const struct abota_region *reg = abota_layout_slot(l, slot);
    uint32_t len = get32(rec + len_at) % (reg->size + 1u);
    put32(rec + len_at, len);
    put32(rec + crc_at, abota_crc32_update(0, mem + reg->offset, len));
}

static bool header_ok(const uint8_t *p)
{
    return p[0] == 0xE9 || (p[0] == 0xEA && p[1] == 4);
}

/* What a record entry of length 0 means to the loader (choose.h): never a
 * bootable slot while a record exists, since the updater zeroes the
 * target's entry before its first erase and a half-written slot looks just
 * like that. All assertions about length-0 entries go through here. */
static bool length0_entry_passes(bool header)
{
    (void)header;
    return false;
}

/* Does slot, as mem holds it, pass the loader's check against rec (NULL:
 * no record, the header alone counts)? Computed from RAM; an entry below
 * the record's security floor never passes (anti-rollback). */
static bool slot_matches(const uint8_t *mem, const struct abota_layout *l, int slot,
                         const struct abota_bootrec *rec)
{
    const struct abota_region *reg = abota_layout_slot(l, slot);
    bool header = header_ok(mem + reg->offset);
    if (!rec)
        return header;
    const struct abota_slot_record *sr = &rec->slot[slot - 1];
    if (sr->security < rec->security_floor)
        return false;
    if (sr->length == 0)
        return length0_entry_passes(header);
    return header && sr->length <= reg->size &&
           abota_crc32_update(0, mem + reg->offset, sr->length) == sr->crc32;
}

static bool same_rec(const struct abota_bootrec *a, const struct abota_bootrec *b)
{
    uint8_t x[ABOTA_BOOTREC_SIZE], y[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(a, x);
    abota_bootrec_encode(b, y);
    return memcmp(x, y, sizeof x) == 0;
}

static void check_choice(struct ramflash *rf, const struct abota_layout *l, const uint8_t *before)
{
    struct abota_bootrec rec;
    int copy = -1;
    bool has_rec = abota_bootrec_read(&rf->port, l, &rec, &copy) == 0;
    struct abota_boot_candidate cand[2];
    abota_boot_candidates(has_rec ? &rec : NULL, cand);
    bool pass[2];
    for (int i = 0; i < 2; i++)
        pass[i] = slot_matches(before, l, cand[i].slot, has_rec ? &rec : NULL);

    int slot = -1;
    enum abota_boot_reason reason = ABOTA_BOOT_NORMAL;
    int rc = abota_loader_choose(&rf->port, l, &slot, &reason);

    if (rc != 0) {
        FUZZ_CHECK(rc == ABOTA_ERR_BOOT_NOTHING);
        FUZZ_CHECK(!pass[0] && !pass[1]);
        FUZZ_CHECK(memcmp(rf->mem, before, FLASH_SIZE) == 0);
        return;
    }

    /* The policy allows it, and it is the first candidate that passes. */
    int i = slot == cand[0].slot && reason == cand[0].reason ? 0
            : slot == cand[1].slot && reason == cand[1].reason ? 1
                                                                : -1;
    FUZZ_CHECK(i >= 0);
    FUZZ_CHECK(pass[i]);
    FUZZ_CHECK(i == 0 || !pass[0]);

    /* Only a valid record may have been written, only when it changes, and
     * only into the sector not holding the newest copy (bootrec.h); with no
     * record nothing at all (it could only vouch for a header). */
    struct abota_bootrec want = rec;
    bool write = has_rec && abota_boot_settle(&want, true, cand[i], NULL);
    uint32_t spare = l->bootrec[has_rec ? 1 - copy : 0];
    for (uint32_t a = 0; a < FLASH_SIZE; a++)
        if (!write || a < spare || a >= spare + SECTOR)
            FUZZ_CHECK(rf->mem[a] == before[a]);
    if (!write)
        return;
    struct abota_bootrec now;
    int now_copy = -1;
    FUZZ_CHECK(abota_bootrec_read(&rf->port, l, &now, &now_copy) == 0);
    if (has_rec) {
        FUZZ_CHECK(now_copy == 1 - copy);
        FUZZ_CHECK(now.seq == rec.seq + 1u);
    }
    FUZZ_CHECK(now.active == slot);
    want.seq = now.seq;
    FUZZ_CHECK(same_rec(&now, &want));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t mem[FLASH_SIZE], before[FLASH_SIZE];
    struct abota_layout l = tiny_layout();
    struct ramflash rf;
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    data++;
    size--;
    ramflash_init(&rf, mem, FLASH_SIZE, SECTOR, 4);

    size_t n = size < 2 * ABOTA_BOOTREC_SIZE ? size : 2 * ABOTA_BOOTREC_SIZE;
    size_t n0 = n < ABOTA_BOOTREC_SIZE ? n : ABOTA_BOOTREC_SIZE;
    memcpy(mem + REC0, data, n0);
    memcpy(mem + REC1, data + n0, n - n0);
    data += n;
    size -= n;
    size_t s = size < 2 * SLOT_SIZE ? size : 2 * SLOT_SIZE; /* the slots are contiguous */
    memcpy(mem + l.slot[0].offset, data, s);

    for (int k = 1; k <= 2; k++) {
        uint8_t *start = mem + abota_layout_slot(&l, k)->offset;
        if (flags & (1u << (k - 1))) {
            start[0] = 0xEA;
            start[1] = 4;
        }
    }
    for (int k = 1; k <= 2; k++) {
        if (flags & (4u << (k - 1))) {
            repair_entry(mem + REC0, mem, &l, k);
            repair_entry(mem + REC1, mem, &l, k);
        }
    }
    if (flags & 0x10)
        tiny_repair_rec_crc(mem + REC0);
    if (flags & 0x20)
        tiny_repair_rec_crc(mem + REC1);

    memcpy(before, mem, FLASH_SIZE);
    check_choice(&rf, &l, before);
    return 0;
}
