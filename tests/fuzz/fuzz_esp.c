/* Fuzzes the Espressif image parser, over a buffer and over a RAM flash.
 *
 * Properties:
 * - the buffer and the flash parser (the image placed at a sector boundary
 *   past other data, region limited to the input's length) agree on the
 *   result and on everything they report;
 * - an accepted image lies inside the input: segments, checksum byte and
 *   CRC trailer all before info.end <= length;
 * - a bin that failed only its XOR checksum or CRC trailer verifies once
 *   the harness writes the values the parser computed (the checks cover
 *   exactly the bytes the parser says they do). */
#include <stdbool.h>
#include <string.h>

#include "abota/error.h"
#include "abota/image.h"
#include "fuzz.h"
#include "ramflash.h"

#define SECTOR 0x1000u
#define BASE SECTOR /* the image starts at the second sector */

static void same_info(const struct abota_esp_info *a, const struct abota_esp_info *b)
{
    FUZZ_CHECK(a->v2 == b->v2 && a->userbin == b->userbin && a->entry == b->entry);
    FUZZ_CHECK(a->irom_len == b->irom_len && a->flash_mode == b->flash_mode);
    FUZZ_CHECK(a->size_map == b->size_map && a->clk_div == b->clk_div);
    FUZZ_CHECK(a->nsegments == b->nsegments);
    for (unsigned i = 0; i < a->nsegments && i < ABOTA_ESP_MAX_SEGMENTS; i++) {
        FUZZ_CHECK(a->seg[i].file_offset == b->seg[i].file_offset);
        FUZZ_CHECK(a->seg[i].load_addr == b->seg[i].load_addr);
        FUZZ_CHECK(a->seg[i].len == b->seg[i].len);
    }
    FUZZ_CHECK(a->checksum_offset == b->checksum_offset && a->end == b->end);
    FUZZ_CHECK(a->checksum_stored == b->checksum_stored);
    FUZZ_CHECK(a->checksum_computed == b->checksum_computed);
    FUZZ_CHECK(a->has_crc_trailer == b->has_crc_trailer);
    FUZZ_CHECK(a->crc_stored == b->crc_stored && a->crc_computed == b->crc_computed);
}

static void check_accepted(const struct abota_esp_info *info, size_t size)
{
    FUZZ_CHECK(info->end <= size);
    FUZZ_CHECK(info->nsegments >= 1 && info->nsegments <= ABOTA_ESP_MAX_SEGMENTS);
    for (unsigned i = 0; i < info->nsegments; i++) {
        const struct abota_esp_segment *s = &info->seg[i];
        FUZZ_CHECK(s->file_offset <= info->checksum_offset);
        FUZZ_CHECK(s->len <= info->checksum_offset - s->file_offset);
    }
    FUZZ_CHECK(info->checksum_offset < info->end);
    FUZZ_CHECK(info->checksum_stored == info->checksum_computed);
    if (info->has_crc_trailer) {
        FUZZ_CHECK(info->end == info->checksum_offset + 5u);
        FUZZ_CHECK(info->crc_stored == info->crc_computed);
    } else {
        FUZZ_CHECK(info->end == info->checksum_offset + 1u);
    }
}

static int verify_both(const uint8_t *buf, size_t size, struct abota_esp_info *info)
{
    struct abota_esp_info on_flash;
    uint32_t flash_size = BASE + (((uint32_t)size + SECTOR - 1u) & ~(SECTOR - 1u)) + SECTOR;
    uint8_t *mem = malloc(flash_size);
    struct ramflash rf;
    FUZZ_CHECK(mem != NULL);
    ramflash_init(&rf, mem, flash_size, SECTOR, 4);
    memset(mem, 0x5A, BASE); /* something other than erased before the image */
    memcpy(mem + BASE, buf, size);

    memset(info, 0, sizeof *info);
    memset(&on_flash, 0, sizeof on_flash);
    int rc = abota_esp_verify_buf(buf, size, info);
    int rc_flash = abota_esp_verify_flash(&rf.port, BASE, (uint32_t)size, &on_flash);
    FUZZ_CHECK(rc == rc_flash);
    same_info(info, &on_flash);
    if (rc == 0)
        check_accepted(info, size);
    free(mem);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct abota_esp_info info;
    uint8_t *buf = malloc(size ? size : 1);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);

    int rc = verify_both(buf, size, &info);
    if (rc == ABOTA_ERR_ESP_CHECKSUM) {
        FUZZ_CHECK(info.checksum_offset < size);
        buf[info.checksum_offset] = info.checksum_computed;
        rc = verify_both(buf, size, &info);
        FUZZ_CHECK(rc == 0 || rc == ABOTA_ERR_ESP_CRC);
    }
    if (rc == ABOTA_ERR_ESP_CRC) {
        FUZZ_CHECK(info.has_crc_trailer && info.end <= size && info.end >= 4);
        for (unsigned i = 0; i < 4; i++)
            buf[info.end - 4 + i] = (uint8_t)(info.crc_computed >> (8 * i));
        rc = verify_both(buf, size, &info);
        FUZZ_CHECK(rc == 0);
    }
    free(buf);
    return 0;
}
