/* Fuzzes the boot record (decode, read, write) and, when the core has it,
 * the boot choice, over a small RAM flash.
 *
 * Flash: tiny_flash.h (sector 0x100, slots at 0x100 and 0x500, records at
 * 0x900 and 0xA00; 0xB00 bytes).
 * Input: byte 0 holds flags. Bit 7 clear: bytes 1..128 are the two record
 * copies (missing bytes erased), the slots stay erased. Bit 7 set: the input
 * is the whole flash (byte 0 lies in the bootloader sector, which the core
 * never reads). Bits 0 and 1: repair the CRC of copy 0 / copy 1 first, so
 * the fuzzer reaches the field checks and the choice between copies.
 * Properties:
 * - a copy that decodes re-encodes to the same 64 bytes;
 * - read succeeds exactly when a copy decodes, returns that copy, and the
 *   newer one when both do; seq_newer is a strict order on close values;
 * - a write lands in the other sector with seq + 1 and leaves the newest
 *   copy untouched; a read then returns what was written;
 * - the boot choice never writes flash, picks a slot that verifies, and
 *   abota_boot_apply leaves the record it announced; when it finds nothing
 *   bootable, neither slot verifies when probed on its own, without the
 *   record (abota_slot_verify with length 0). */
#include <stdbool.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "fuzz.h"
#include "ramflash.h"
#include "tiny_flash.h"
#ifdef ABOTA_FUZZ_HAVE_BOOT
#include "abota/boot.h"
#include "abota/slot.h"
#endif

#define SECTOR TINY_SECTOR
#define FLASH_SIZE TINY_FLASH_SIZE
#define REC0 TINY_REC0
#define REC1 TINY_REC1

static bool same_rec(const struct abota_bootrec *a, const struct abota_bootrec *b)
{
    uint8_t x[ABOTA_BOOTREC_SIZE], y[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(a, x);
    abota_bootrec_encode(b, y);
    return memcmp(x, y, sizeof x) == 0;
}

static void check_records(struct ramflash *rf, const struct abota_layout *l)
{
    struct abota_bootrec rec[2], r;
    int ok[2], copy = -1;
    for (int i = 0; i < 2; i++) {
        const uint8_t *raw = rf->mem + l->bootrec[i];
        uint8_t again[ABOTA_BOOTREC_SIZE];
        ok[i] = abota_bootrec_decode(raw, &rec[i]) == 0;
        if (ok[i]) {
            abota_bootrec_encode(&rec[i], again);
            FUZZ_CHECK(memcmp(raw, again, sizeof again) == 0);
        }
    }
    if (ok[0] && ok[1]) {
        uint32_t a = rec[0].seq, b = rec[1].seq;
        FUZZ_CHECK(!abota_bootrec_seq_newer(a, a));
        if (a - b != 0x80000000u)
            FUZZ_CHECK(a == b || abota_bootrec_seq_newer(a, b) != abota_bootrec_seq_newer(b, a));
    }

    int rc = abota_bootrec_read(&rf->port, l, &r, &copy);
    FUZZ_CHECK((rc == 0) == (ok[0] || ok[1]));
    if (rc != 0) {
        FUZZ_CHECK(rc == ABOTA_ERR_BOOTREC_NONE);
        return;
    }
    FUZZ_CHECK(copy == 0 || copy == 1);
    FUZZ_CHECK(ok[copy] && same_rec(&r, &rec[copy]));
    if (ok[1 - copy])
        FUZZ_CHECK(!abota_bootrec_seq_newer(rec[1 - copy].seq, r.seq));

    /* Write the record back: it must land in the other sector as seq + 1. */
    uint8_t keep[ABOTA_BOOTREC_SIZE];
    struct abota_bootrec w = r, back;
    int copy2 = -1;
    memcpy(keep, rf->mem + l->bootrec[copy], sizeof keep);
    w.attempts_left ^= 1;
    FUZZ_CHECK(abota_bootrec_write(&rf->port, l, &w) == 0);
    FUZZ_CHECK(w.seq == r.seq + 1u);
    FUZZ_CHECK(memcmp(keep, rf->mem + l->bootrec[copy], sizeof keep) == 0);
    FUZZ_CHECK(abota_bootrec_read(&rf->port, l, &back, &copy2) == 0);
    FUZZ_CHECK(copy2 == 1 - copy && same_rec(&back, &w));
}

#ifdef ABOTA_FUZZ_HAVE_BOOT
static void check_boot(struct ramflash *rf, const struct abota_layout *l)
{
    struct abota_boot_decision d;
    unsigned writes = rf->writes, erases = rf->erases;
    int rc = abota_boot_choose(&rf->port, l, &d);
    FUZZ_CHECK(rf->writes == writes && rf->erases == erases);
    struct abota_image_info info;
    if (rc != 0) {
        /* Nothing bootable: no slot holds an image that verifies, but for
         * one below the record's security floor (anti-rollback). */
        FUZZ_CHECK(rc == ABOTA_ERR_BOOT_NOTHING);
        struct abota_bootrec rec;
        bool has_rec = abota_bootrec_read(&rf->port, l, &rec, NULL) == 0;
        for (int s = 1; s <= 2; s++) {
            if (abota_slot_verify(&rf->port, l, s, 0, &info, NULL) != 0)
                continue;
            uint32_t security =
                info.kind == ABOTA_IMAGE_ABOTA ? info.footer.security_version : 0;
            FUZZ_CHECK(has_rec && security < rec.security_floor);
        }
        return;
    }
    FUZZ_CHECK(d.slot == 1 || d.slot == 2);
    FUZZ_CHECK(abota_slot_verify(&rf->port, l, d.slot, 0, &info, NULL) == 0 ||
               abota_slot_verify(&rf->port, l, d.slot, d.rec.slot[d.slot - 1].length, &info,
                                 NULL) == 0);
    bool write = d.write_record;
    struct abota_bootrec want = d.rec;
    FUZZ_CHECK(abota_boot_apply(&rf->port, l, &d) == 0);
    if (write) {
        struct abota_bootrec now;
        FUZZ_CHECK(abota_bootrec_read(&rf->port, l, &now, NULL) == 0);
        want.seq = now.seq; /* the write picks the sequence number */
        FUZZ_CHECK(same_rec(&now, &want));
    }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t mem[FLASH_SIZE];
    struct abota_layout l = tiny_layout();
    struct ramflash rf;
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    ramflash_init(&rf, mem, FLASH_SIZE, SECTOR, 4);
    if (flags & 0x80) {
        memcpy(mem, data, size < FLASH_SIZE ? size : FLASH_SIZE);
    } else {
        size_t n = size - 1 < 2 * ABOTA_BOOTREC_SIZE ? size - 1 : 2 * ABOTA_BOOTREC_SIZE;
        size_t n0 = n < ABOTA_BOOTREC_SIZE ? n : ABOTA_BOOTREC_SIZE;
        memcpy(mem + REC0, data + 1, n0);
        memcpy(mem + REC1, data + 1 + n0, n - n0);
    }
    if (flags & 1)
        tiny_repair_rec_crc(mem + REC0);
    if (flags & 2)
        tiny_repair_rec_crc(mem + REC1);

#ifdef ABOTA_FUZZ_HAVE_BOOT
    /* The boot choice first, on the flash as given; then the records again
     * from the same contents. */
    static uint8_t saved[FLASH_SIZE];
    memcpy(saved, mem, FLASH_SIZE);
    check_boot(&rf, &l);
    memcpy(mem, saved, FLASH_SIZE);
#endif
    check_records(&rf, &l);
    return 0;
}
