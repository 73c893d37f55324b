/* Fuzzes the progress journal's decoder and resume (abota_journal_resume,
 * src/core/update/journal.c) over a small RAM flash.
 *
 * Flash (sector 0x100): slot 1 at 0x100 and slot 2 at 0x900 (0x800 each),
 * boot records at 0x1100 and 0x1200, the journal sector at 0x1300 (a
 * 112-byte header, then 9 checkpoints of 16 bytes); 0x1400 bytes, erased.
 * Input: byte 0 flags, bytes 1..2 a checkpoint mask (bit i: entry i),
 * then the journal sector, then the target slot (missing bytes stay
 * erased). Before the load, in this order, so the fuzzer gets past each
 * check (journal.c documents the format):
 *   bit 0: the running slot is 2 (else 1); the target is the other;
 *   bit 1: the header names the target slot, and the engine's URL CRC is
 *          the header's (else a fixed value the header rarely holds);
 *   bit 2: checkpoint i in the mask gets a sector-aligned offset within
 *          the slot and the slot's real prefix CRC;
 *   bit 3: checkpoint i in the mask gets its entry CRC;
 *   bit 4: the header gets its magic, format and CRC.
 * Properties:
 * - the load never writes or erases, and reads a bounded number of times
 *   (header, each checkpoint once, the prefix once);
 * - it resumes only from a checkpoint that is in the journal before its
 *   first blank entry, with a valid entry CRC, at a sector boundary within
 *   the image, whose prefix CRC is that of the slot's bytes on flash
 *   (computed here from RAM), and no valid checkpoint lies further; the
 *   header is valid and names this download; the writer then holds that
 *   prefix and the validator is the header's;
 * - when it does not resume, it says so (ABOTA_ERR_UP_NO_JOURNAL) and
 *   leaves the download's validator, its kind and total untouched;
 * - when the header is valid and names this download and the furthest
 *   valid checkpoint is the only one at its offset and matches flash, it
 *   resumes there. */
#include <stdbool.h>
#include <string.h>

#include "abota/crc32.h"
#include "abota/journal.h"
#include "fuzz.h"
#include "ramflash.h"

#if !ABOTA_FEATURE_RESUME
#error "fuzz_journal needs ABOTA_FEATURE_RESUME (the journal is part of resume)"
#endif

#define SECTOR 0x100u
#define FLASH_SIZE 0x1400u
#define SLOT_SIZE 0x800u
#define JOURNAL 0x1300u
#define J_HDR 112u
#define J_HDR_CRC_AT 108u
#define J_ENTRY 16u
#define J_ENTRIES ((SECTOR - J_HDR) / J_ENTRY)
#define J_VAL_MAX 80u
#define URL_CRC 0x5EED0001u
#define VALIDATOR_SIZE 72u /* the engine's (ABOTA_HTTP_ETAG_MAX) */

static const struct abota_layout layout = {
    .name = "fuzz-journal",
    .flash_size = FLASH_SIZE,
    .sector_size = SECTOR,
    .write_align = 4,
    .slot = {{0x100u, SLOT_SIZE}, {0x900u, SLOT_SIZE}},
    .bootrec = {0x1100u, 0x1200u},
    .journal = JOURNAL,
};

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The format's rules below are restated from journal.c's
 * description, not borrowed from its code, so the checks do not share its
 * mistakes. */
static uint32_t entry_crc(uint32_t hdr_crc, const uint8_t *e)
{
    uint8_t h[4];
    put32(h, hdr_crc);
    return abota_crc32_update(abota_crc32_update(0, h, 4), e, 8);
}

static bool blank(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

/* The header as the format defines it, and bound to this download. */
static bool header_ok(const uint8_t *h, int target, uint32_t url_crc)
{
    uint8_t kind = h[6], n = h[7];
    return get32(h) == 0x4E4A4241u && h[4] == 1 && h[5] == target &&
           abota_crc32_update(0, h, J_HDR_CRC_AT) == get32(h + J_HDR_CRC_AT) &&
           get32(h + 12) == url_crc && (kind == 1 || kind == 2) && n >= 1 && n <= J_VAL_MAX &&
           n < VALIDATOR_SIZE && get32(h + 8) <= SLOT_SIZE && !memchr(h + 16, 0, n);
}

/* Entry i is a checkpoint that may count: before the first blank entry,
 * its CRC valid, a sector boundary past 0 within the image. */
static bool entry_valid(const uint8_t *j, unsigned i)
{
    for (unsigned k = 0; k <= i; k++)
        if (blank(j + J_HDR + k * J_ENTRY, J_ENTRY))
            return false;
    const uint8_t *e = j + J_HDR + i * J_ENTRY;
    uint32_t off = get32(e), total = get32(j + 8);
    return entry_crc(get32(j + J_HDR_CRC_AT), e) == get32(e + 8) && off % SECTOR == 0 &&
           off > 0 && off <= (total ? total : SLOT_SIZE);
}

static void prepare(uint8_t *mem, uint8_t flags, uint16_t mask, int target, uint32_t *url_crc)
{
    uint8_t *j = mem + JOURNAL;
    const uint8_t *slot = mem + layout.slot[target - 1].offset;
    *url_crc = URL_CRC;
    if (flags & 2) {
        j[5] = (uint8_t)target;
        *url_crc = get32(j + 12);
    }
    if (flags & 0x10) {
        put32(j, 0x4E4A4241u);
        j[4] = 1;
        put32(j + J_HDR_CRC_AT, abota_crc32_update(0, j, J_HDR_CRC_AT));
    }
    for (unsigned i = 0; i < J_ENTRIES; i++) {
        uint8_t *e = j + J_HDR + i * J_ENTRY;
        if (!(mask & (1u << i)))
            continue;
        if (flags & 4) {
            uint32_t off = get32(e) % (SLOT_SIZE / SECTOR + 1u) * SECTOR;
            put32(e, off);
            put32(e + 4, abota_crc32_update(0, slot, off));
        }
        if (flags & 8)
            put32(e + 8, entry_crc(get32(j + J_HDR_CRC_AT), e));
    }
}

static void check_load(struct abota_journal *jr, struct abota_journal_download *d, int running,
                       struct ramflash *rf, const uint8_t *mem)
{
    const uint8_t *j = mem + JOURNAL;
    const uint8_t *slot = mem + layout.slot[d->slot - 1].offset;
    bool hdr = header_ok(j, d->slot, d->url_crc);
    uint32_t furthest = 0;
    unsigned at_furthest = 0;
    bool furthest_matches = false;
    for (unsigned i = 0; hdr && i < J_ENTRIES; i++) {
        if (!entry_valid(j, i))
            continue;
        const uint8_t *e = j + J_HDR + i * J_ENTRY;
        uint32_t off = get32(e);
        bool match = abota_crc32_update(0, slot, off) == get32(e + 4);
        if (off > furthest) {
            furthest = off;
            at_furthest = 0;
        }
        if (off == furthest) {
            at_furthest++;
            furthest_matches = match;
        }
    }

    struct abota_slot_writer w;
    unsigned reads = rf->reads;
    int rc = abota_journal_resume(jr, &rf->port, &layout, d, &w, running);
    FUZZ_CHECK(rf->writes == 0 && rf->erases == 0);
    FUZZ_CHECK(rf->reads - reads <=
               1 + J_ENTRIES + (SLOT_SIZE + ABOTA_VERIFY_CHUNK - 1) / ABOTA_VERIFY_CHUNK);

    if (rc < 0) {
        FUZZ_CHECK(rc == ABOTA_ERR_UP_NO_JOURNAL);
        FUZZ_CHECK(d->total == 0 && d->validator_kind == 0 && d->validator[0] == '\0');
        FUZZ_CHECK(!(hdr && furthest > 0 && at_furthest == 1 && furthest_matches));
        return;
    }

    /* Resumed: from what the journal and the slot really hold. */
    FUZZ_CHECK(rc == 0);
    uint32_t off = abota_slot_written(&w);
    FUZZ_CHECK(hdr);
    FUZZ_CHECK(off == furthest);
    bool found = false;
    for (unsigned i = 0; i < J_ENTRIES; i++) {
        const uint8_t *e = j + J_HDR + i * J_ENTRY;
        if (entry_valid(j, i) && get32(e) == off &&
            get32(e + 4) == abota_crc32_update(0, slot, off))
            found = true;
    }
    FUZZ_CHECK(found);
    FUZZ_CHECK(d->total == get32(j + 8));
    FUZZ_CHECK(d->validator_kind == j[6]);
    FUZZ_CHECK(strlen(d->validator) == j[7] && memcmp(d->validator, j + 16, j[7]) == 0);
    FUZZ_CHECK(abota_slot_crc32(&w) == abota_crc32_update(0, slot, off));
    /* The next checkpoint goes to the first blank entry: one more is
     * appended there once the writer has a further sector on flash. */
    if (jr->on_) {
        FUZZ_CHECK(jr->pos_ >= J_HDR && jr->pos_ <= SECTOR - J_ENTRY);
        FUZZ_CHECK((jr->pos_ - J_HDR) % J_ENTRY == 0);
        FUZZ_CHECK(blank(j + jr->pos_, J_ENTRY));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t mem[FLASH_SIZE];
    struct ramflash rf;
    struct abota_journal jr;
    char validator[VALIDATOR_SIZE] = "";
    struct abota_journal_download d = {.validator = validator,
                                       .validator_size = sizeof validator};
    if (size < 3)
        return 0;
    uint8_t flags = data[0];
    uint16_t mask = (uint16_t)(data[1] | data[2] << 8);
    data += 3;
    size -= 3;

    ramflash_init(&rf, mem, FLASH_SIZE, SECTOR, 4);
    abota_journal_init(&jr, &layout, SECTOR);
    int running = flags & 1 ? 2 : 1;
    d.slot = (uint8_t)abota_slot_other(running);

    size_t n = size < SECTOR ? size : SECTOR;
    memcpy(mem + JOURNAL, data, n);
    data += n;
    size -= n;
    memcpy(mem + layout.slot[d.slot - 1].offset, data, size < SLOT_SIZE ? size : SLOT_SIZE);
    prepare(mem, flags, mask, d.slot, &d.url_crc);

    rf.reads = 0;
    check_load(&jr, &d, running, &rf, mem);
    return 0;
}
