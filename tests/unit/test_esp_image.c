/* The Espressif parser on Espressif-format bins (tests/support/espbins.h:
 * the generated ones, or Espressif's own when built with
 * ABOTA_TEST_ESPRESSIF), read through the flash API from files, never whole
 * in RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/config.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "espbins.h"
#include "fileflash.h"
#include "fixture.h"

static const struct espbins *bins;

static void open_bin(struct fileflash *ff, const char *name)
{
    const char *path = espbins_path(bins, name);
    if (fileflash_open(ff, path) != 0)
        fail_msg("cannot open %s", path);
}

/* A flash that reads through another one and XORs one byte on the way:
 * a one-byte corruption of a big fixture without copying it. */
struct patchflash {
    const struct abota_flash *under;
    uint32_t addr;
    uint8_t mask;
    struct abota_flash port;
};

static int patch_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct patchflash *p = ctx;
    int err = abota_flash_read(p->under, addr, buf, len);
    if (err == 0 && p->addr >= addr && p->addr - addr < len)
        ((uint8_t *)buf)[p->addr - addr] ^= p->mask;
    return err;
}

static void patch_init(struct patchflash *p, const struct abota_flash *under, uint32_t addr,
                       uint8_t mask)
{
    memset(p, 0, sizeof *p);
    p->under = under;
    p->addr = addr;
    p->mask = mask;
    p->port.ctx = p;
    p->port.read = patch_read;
    p->port.size = under->size;
    p->port.sector_size = under->sector_size;
    p->port.write_align = under->write_align;
}

static void test_userbins_verify(void **state)
{
    (void)state;
    for (size_t i = 0; i < ESPBINS_USERBINS; i++) {
        const struct espbins_userbin *c = &bins->user[i];
        struct fileflash ff;
        struct abota_esp_info info;
        open_bin(&ff, c->name);
        assert_int_equal(ff.port.size, c->size);
        int err = abota_esp_verify_flash(&ff.port, 0, ff.port.size, &info);
        if (err != 0)
            fail_msg("%s: %s", c->name, abota_strerror(err));
        assert_true(info.v2);
        assert_int_equal(info.userbin, c->userbin);
        assert_int_equal(info.entry, c->entry);
        assert_int_equal(info.irom_len, c->irom_len);
        assert_int_equal(info.flash_mode, 0); /* QIO */
        assert_int_equal(info.size_map, c->size_map);
        assert_int_equal(info.clk_div, 0); /* 40 MHz */
        assert_int_equal(info.nsegments, 3);
        uint32_t off = 16 + c->irom_len + 8;
        for (int s = 0; s < 3; s++) {
            assert_int_equal(info.seg[s].load_addr, c->seg[s].load);
            assert_int_equal(info.seg[s].len, c->seg[s].len);
            assert_int_equal(info.seg[s].file_offset, off + 8);
            off += 8 + c->seg[s].len;
        }
        assert_int_equal(info.checksum_offset, off | 0xF);
        assert_int_equal(info.checksum_stored, c->xor);
        assert_int_equal(info.checksum_computed, c->xor);
        assert_true(info.has_crc_trailer);
        assert_int_equal(info.crc_stored, c->trailer);
        assert_int_equal(info.crc_computed, c->trailer);
        assert_int_equal(abota_esp_crc_fixup(c->crc_body), c->trailer);
        assert_int_equal(info.end, c->size);
        assert_int_equal(info.end % 16, 4);
        /* streamed in small reads, never the whole file */
        assert_in_range(ff.max_read, 1, ABOTA_VERIFY_CHUNK);
        fileflash_close(&ff);
    }
}

static void test_crc_fixup(void **state)
{
    (void)state;
    assert_int_equal(abota_esp_crc_fixup(0), 1);
    assert_int_equal(abota_esp_crc_fixup(0x7FFFFFFFu), 0x80000000u);
    assert_int_equal(abota_esp_crc_fixup(0x80000000u), 0x7FFFFFFFu);
    assert_int_equal(abota_esp_crc_fixup(0xFFFFFFFFu), 0);
    /* the 2-to-1 mapping the README describes */
    assert_int_equal(abota_esp_crc_fixup(0x1234u), abota_esp_crc_fixup(0xFFFFFFFEu - 0x1234u));
}

static void test_boot_bins_are_plain(void **state)
{
    (void)state;
    assert_true(bins->nplain > 0);
    for (size_t i = 0; i < bins->nplain; i++) {
        const struct espbins_plain *b = &bins->plain[i];
        struct fileflash ff;
        struct abota_esp_info info;
        open_bin(&ff, b->name);
        assert_int_equal(ff.port.size, b->size);
        int err = abota_esp_verify_flash(&ff.port, 0, ff.port.size, &info);
        if (err != 0)
            fail_msg("%s: %s", b->name, abota_strerror(err));
        assert_false(info.v2);
        assert_false(info.has_crc_trailer);
        assert_int_equal(info.nsegments, 3);
        assert_int_equal(info.flash_mode, 0);
        assert_int_equal(info.size_map, 0);
        assert_int_equal(info.checksum_stored, info.checksum_computed);
        assert_int_equal(info.end, b->size); /* checksum is the last byte */
        assert_int_equal(info.checksum_offset, b->size - 1);
        fileflash_close(&ff);
    }
}

static int verify_patched(const struct abota_flash *under, uint32_t addr, uint8_t mask,
                          struct abota_esp_info *info)
{
    struct patchflash p;
    patch_init(&p, under, addr, mask);
    return abota_esp_verify_flash(&p.port, 0, under->size, info);
}

static void test_one_byte_changes(void **state)
{
    (void)state;
    struct fileflash ff;
    struct abota_esp_info good, info;
    open_bin(&ff, bins->user[ESPBINS_512_USER1].name);
    assert_int_equal(abota_esp_verify_flash(&ff.port, 0, ff.port.size, &good), 0);

    /* irom is covered only by the CRC */
    assert_int_equal(verify_patched(&ff.port, 16 + 1000, 0x01, &info), ABOTA_ERR_ESP_CRC);
    assert_int_equal(info.checksum_stored, info.checksum_computed);
    assert_int_not_equal(info.crc_stored, info.crc_computed);
    /* segment data: the XOR checksum notices first */
    for (int s = 0; s < 3; s++) {
        uint32_t at = good.seg[s].file_offset + good.seg[s].len / 2;
        assert_int_equal(verify_patched(&ff.port, at, 0x40, &info), ABOTA_ERR_ESP_CHECKSUM);
    }
    /* the checksum byte itself */
    assert_int_equal(verify_patched(&ff.port, good.checksum_offset, 0x01, &info),
                     ABOTA_ERR_ESP_CHECKSUM);
    /* each byte of the trailer */
    for (uint32_t k = 0; k < 4; k++)
        assert_int_equal(verify_patched(&ff.port, ff.port.size - 4 + k, 0x80, &info),
                         ABOTA_ERR_ESP_CRC);
    /* headers: magic, second magic, segment count, a segment length */
    assert_int_equal(verify_patched(&ff.port, 0, 0x01, &info), ABOTA_ERR_ESP_MAGIC);
    assert_int_equal(verify_patched(&ff.port, 1, 0x01, &info), ABOTA_ERR_ESP_HEADER);
    assert_int_equal(verify_patched(&ff.port, 16 + good.irom_len, 0x01, &info),
                     ABOTA_ERR_ESP_HEADER);
    assert_int_equal(verify_patched(&ff.port, 16 + good.irom_len + 1, 0x30, &info),
                     ABOTA_ERR_ESP_SEGMENTS);
    /* a segment length pushed past the end */
    assert_int_equal(verify_patched(&ff.port, good.seg[0].file_offset - 1, 0x10, &info),
                     ABOTA_ERR_ESP_SEGMENT);
    /* an irom length pushed past the end (byte 15 is its top byte) */
    assert_int_equal(verify_patched(&ff.port, 15, 0x80, &info), ABOTA_ERR_ESP_SEGMENT);
    fileflash_close(&ff);
}

static void test_truncation(void **state)
{
    (void)state;
    struct fileflash ff;
    struct abota_esp_info good, info;
    open_bin(&ff, bins->user[ESPBINS_1024_USER1].name);
    assert_int_equal(abota_esp_verify_flash(&ff.port, 0, ff.port.size, &good), 0);
    const uint32_t cuts[] = {0, 1, 8, 15, 16, 17, 16 + good.irom_len + 4,
                             good.seg[1].file_offset + 1, good.checksum_offset,
                             good.checksum_offset + 1, good.end - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        int err = abota_esp_verify_flash(&ff.port, 0, cuts[i], &info);
        assert_true(err < 0);
        if (cuts[i] >= good.checksum_offset)
            assert_int_equal(err, ABOTA_ERR_ESP_TRUNCATED);
    }
    /* past the device */
    assert_int_equal(abota_esp_verify_flash(&ff.port, 0, ff.port.size + 1, &info),
                     ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(abota_esp_verify_flash(&ff.port, 4, ff.port.size, &info),
                     ABOTA_ERR_FLASH_BOUNDS);
    fileflash_close(&ff);
}

static void test_not_espressif(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    struct abota_esp_info info;
    assert_int_equal(fixture_load(espbins_path(bins, bins->blank), buf, sizeof buf), 4096);
    assert_int_equal(abota_esp_verify_buf(buf, 4096, &info), ABOTA_ERR_ESP_MAGIC);
    size_t n = fixture_load(espbins_path(bins, bins->phy_init), buf, sizeof buf);
    assert_int_equal(n, 128);
    assert_int_equal(abota_esp_verify_buf(buf, n, &info), ABOTA_ERR_ESP_MAGIC);
    /* the same bytes through the buffer API: a plain image in RAM */
    const struct espbins_plain *last = &bins->plain[bins->nplain - 1];
    n = fixture_load(espbins_path(bins, last->name), buf, sizeof buf);
    assert_int_equal(n, last->size);
    assert_int_equal(abota_esp_verify_buf(buf, n, &info), 0);
    assert_int_equal(info.end, n);
    buf[info.seg[0].file_offset] ^= 1;
    assert_int_equal(abota_esp_verify_buf(buf, n, &info), ABOTA_ERR_ESP_CHECKSUM);
    /* zero segments */
    static const uint8_t zero_seg[16] = {0xE9, 0, 0, 0, 0, 0, 0x10, 0x40};
    assert_int_equal(abota_esp_verify_buf(zero_seg, sizeof zero_seg, &info),
                     ABOTA_ERR_ESP_SEGMENTS);
    assert_int_equal(abota_esp_verify_buf(zero_seg, 0, &info), ABOTA_ERR_IMG_TOO_SHORT);
}

int main(void)
{
    bins = espbins_tested();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_userbins_verify),
        cmocka_unit_test(test_crc_fixup),
        cmocka_unit_test(test_boot_bins_are_plain),
        cmocka_unit_test(test_one_byte_changes),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_not_espressif),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
