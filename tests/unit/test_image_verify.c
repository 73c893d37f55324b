/* Whole-image verification and probing over a NOR flash in RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/crc32.h"
#include "abota/config.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "espbins.h"
#include "fileflash.h"
#include "fixture.h"
#include "ramflash.h"

#define FLASH_SIZE 0x10000u
#define SLOT_ADDR 0x4000u
#define SLOT_SIZE 0x8000u

static uint8_t flash_mem[FLASH_SIZE];
static uint8_t image[SLOT_SIZE];
static struct ramflash rf;

static int setup(void **state)
{
    (void)state;
    ramflash_init(&rf, flash_mem, FLASH_SIZE, 4096, 4);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* What `abota pack` does, in RAM: payload, 0xFF padding, footer. Returns the
 * total length. */
static uint32_t pack(uint8_t *out, const uint8_t *payload, uint32_t len, uint8_t slot,
                     uint8_t flags)
{
    struct abota_footer f;
    memset(&f, 0, sizeof f);
    memmove(out, payload, len);
    uint32_t foot = abota_image_footer_offset(len);
    memset(out + len, 0xFF, foot - len);
    f.payload_len = len;
    f.version = abota_version_pack(1, 4, 2);
    f.target_slot = slot;
    f.flags = flags;
    f.crc32 = abota_crc32_update(0, out, len);
    abota_sha256(out, len, f.sha256);
    abota_footer_encode(&f, out + foot);
    return foot + ABOTA_FOOTER_SIZE;
}

/* A small "new" (v2) user bin laid out as gen_appbin.py does, with a good
 * XOR checksum and CRC trailer. Returns its length. */
static uint32_t make_userbin(uint8_t *b, uint8_t userbin, uint32_t seed)
{
    static const uint32_t seg_len[3] = {0x324, 0x88, 0x1F0};
    static const uint32_t seg_load[3] = {0x40100000u, 0x3FFE8000u, 0x3FFE8088u};
    const uint32_t irom_len = 0x400, entry = 0x40100004u;
    uint32_t pos = 0;
    uint8_t xor = 0xEF;

    b[0] = 0xEA;
    b[1] = 4;
    b[2] = 0;
    b[3] = userbin;
    put32(b + 4, entry);
    put32(b + 8, 0);
    put32(b + 12, irom_len);
    fill_random(b + 16, irom_len, seed);
    pos = 16 + irom_len;
    b[pos] = 0xE9;
    b[pos + 1] = 3;
    b[pos + 2] = 0;
    b[pos + 3] = 0x20;
    put32(b + pos + 4, entry);
    pos += 8;
    for (int s = 0; s < 3; s++) {
        put32(b + pos, seg_load[s]);
        put32(b + pos + 4, seg_len[s]);
        pos += 8;
        fill_random(b + pos, seg_len[s], seed + 1u + (uint32_t)s);
        for (uint32_t i = 0; i < seg_len[s]; i++)
            xor ^= b[pos + i];
        pos += seg_len[s];
    }
    while ((pos & 0xF) != 0xF)
        b[pos++] = 0;
    b[pos++] = xor;
    put32(b + pos, abota_esp_crc_fixup(abota_crc32_update(0, b, pos)));
    return pos + 4;
}

static void flash_put(uint32_t addr, const uint8_t *p, uint32_t len)
{
    /* lengths here are multiples of 4 (images end in a 256-byte footer, or a
     * v2 bin: a multiple of 16 plus 4) */
    assert_int_equal(len % 4, 0);
    assert_int_equal(abota_flash_write(&rf.port, addr, p, len), 0);
}

static void test_verify_ok(void **state)
{
    (void)state;
    static uint8_t payload[10001];
    struct abota_image_info info;
    fill_random(payload, sizeof payload, 42);
    uint32_t total = pack(image, payload, sizeof payload, 2, 0);
    assert_int_equal(total, 10016 + 256);
    flash_put(SLOT_ADDR, image, total);

    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ABOTA);
    assert_int_equal(info.total_len, total);
    assert_int_equal(info.footer.payload_len, sizeof payload);
    assert_int_equal(info.footer.version, abota_version_pack(1, 4, 2));
    assert_int_equal(info.footer.target_slot, 2);
    assert_int_equal(info.crc32, abota_crc32_update(0, payload, sizeof payload));
    assert_false(info.has_esp);

    /* the RAM form agrees */
    assert_int_equal(abota_image_verify_buf(image, total, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ABOTA);
}

static void test_corruptions(void **state)
{
    (void)state;
    static uint8_t payload[5000];
    struct abota_image_info info;
    fill_random(payload, sizeof payload, 7);
    uint32_t total = pack(image, payload, sizeof payload, 0, 0); /* pad 8 */

    /* one payload byte: CRC-32 */
    image[1234] ^= 0x10;
    assert_int_equal(abota_image_verify_buf(image, total, &info), ABOTA_ERR_IMG_CRC);
    image[1234] ^= 0x10;
    flash_put(SLOT_ADDR, image, total);
    rf.mem[SLOT_ADDR + 4999] ^= 0x01; /* a bit gone bad in flash */
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total, &info),
                     ABOTA_ERR_IMG_CRC);
    rf.mem[SLOT_ADDR + 4999] = image[4999];
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total, &info), 0);

    /* a padding byte */
    rf.mem[SLOT_ADDR + 5003] = 0xFE;
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total, &info),
                     ABOTA_ERR_IMG_PADDING);
    rf.mem[SLOT_ADDR + 5003] = 0xFF;

    /* wrong total length: shorter, longer, not a multiple of 16 */
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total - 16, &info),
                     ABOTA_ERR_IMG_FOOTER_MAGIC);
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total + 16, &info),
                     ABOTA_ERR_IMG_FOOTER_MAGIC);
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total - 1, &info),
                     ABOTA_ERR_IMG_LENGTH);
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, 200, &info),
                     ABOTA_ERR_IMG_TOO_SHORT);
    assert_int_equal(abota_image_verify_flash(&rf.port, FLASH_SIZE - 256, 512, &info),
                     ABOTA_ERR_FLASH_BOUNDS);
    /* the same footer placed 16 bytes later (as if the length were wrong) */
    memmove(image + total - 256 + 16, image + total - 256, 256);
    memset(image + total - 256, 0xFF, 16);
    assert_int_equal(abota_image_verify_buf(image, total + 16, &info), ABOTA_ERR_IMG_LENGTH);

    /* a footer byte */
    uint32_t total2 = pack(image, payload, sizeof payload, 0, 0);
    image[total2 - 256 + 30] ^= 1;
    assert_int_equal(abota_image_verify_buf(image, total2, &info), ABOTA_ERR_IMG_FOOTER_CRC);
}

static void test_sha_mismatch(void **state)
{
    (void)state;
    static uint8_t payload[300];
    struct abota_image_info info;
    struct abota_footer f;
    fill_random(payload, sizeof payload, 9);
    uint32_t total = pack(image, payload, sizeof payload, 1, 0);
    assert_int_equal(abota_footer_decode(image + total - 256, &f), 0);
    f.sha256[31] ^= 1; /* CRC right, SHA-256 wrong */
    abota_footer_encode(&f, image + total - 256);
#if ABOTA_FEATURE_SHA256
    assert_int_equal(abota_image_verify_buf(image, total, &info), ABOTA_ERR_IMG_SHA256);
#else
    /* the documented trade (config.h): CRC-32 only, the SHA-256 is not read */
    assert_int_equal(abota_image_verify_buf(image, total, &info), 0);
#endif
}

static void test_esp_payload(void **state)
{
    (void)state;
    static uint8_t bin[4096];
    struct abota_image_info info;
    uint32_t n = make_userbin(bin, 2, 11);
    uint32_t total = pack(image, bin, n, 2, ABOTA_FLAG_ESP_USERBIN);
    flash_put(SLOT_ADDR, image, total);
    assert_int_equal(abota_image_verify_flash(&rf.port, SLOT_ADDR, total, &info), 0);
    assert_true(info.has_esp);
    assert_true(info.esp.v2);
    assert_int_equal(info.esp.userbin, 2);
    assert_int_equal(info.esp.end, n);

    /* an irom byte changed and the footer recomputed to match: the footer's
     * CRC and SHA agree, the Espressif trailer does not */
    bin[100] ^= 1;
    total = pack(image, bin, n, 2, ABOTA_FLAG_ESP_USERBIN);
    assert_int_equal(abota_image_verify_buf(image, total, &info), ABOTA_ERR_ESP_CRC);
    /* without the flag, the payload is just bytes */
    total = pack(image, bin, n, 2, 0);
    assert_int_equal(abota_image_verify_buf(image, total, &info), 0);
    assert_false(info.has_esp);
    bin[100] ^= 1;
    /* a flagged payload must end where the Espressif bin ends */
    bin[n] = 0xAA;
    total = pack(image, bin, n + 1, 2, ABOTA_FLAG_ESP_USERBIN);
    assert_int_equal(abota_image_verify_buf(image, total, &info), ABOTA_ERR_IMG_ESP_LENGTH);
    /* detected without the flag */
    total = pack(image, bin, n, 0, 0);
    assert_int_equal(abota_image_verify_buf(image, total, &info), 0);
    assert_true(info.has_esp);
}

static void test_probe_finds_abota_image(void **state)
{
    (void)state;
    static uint8_t payload[7777];
    struct abota_image_info info;
    fill_random(payload, sizeof payload, 3);
    /* an older, longer image first: its footer stays further up */
    static uint8_t old[20000];
    fill_random(old, sizeof old, 4);
    uint32_t old_total = pack(image, old, sizeof old, 1, 0);
    flash_put(SLOT_ADDR, image, old_total);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info), 0);
    assert_int_equal(info.total_len, old_total);

    /* the new image over the first sectors only (as the slot writer does) */
    uint32_t total = pack(image, payload, sizeof payload, 1, 0);
    for (uint32_t a = SLOT_ADDR; a < SLOT_ADDR + total; a += 4096)
        assert_int_equal(abota_flash_erase(&rf.port, a), 0);
    flash_put(SLOT_ADDR, image, total);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ABOTA);
    assert_int_equal(info.total_len, total);
    assert_int_equal(info.footer.payload_len, sizeof payload);

    /* an image that exactly fills the region */
    setup(NULL);
    static uint8_t full[SLOT_SIZE - 256];
    fill_random(full, sizeof full, 5);
    total = pack(image, full, sizeof full, 0, 0);
    assert_int_equal(total, SLOT_SIZE);
    flash_put(SLOT_ADDR, image, total);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info), 0);
    assert_int_equal(info.total_len, SLOT_SIZE);
    /* one region byte short: no room for that footer */
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE - 16, &info),
                     ABOTA_ERR_IMG_UNKNOWN);
}

static void test_probe_reports_bad_image(void **state)
{
    (void)state;
    static uint8_t payload[3000];
    struct abota_image_info info;
    fill_random(payload, sizeof payload, 8);
    uint32_t total = pack(image, payload, sizeof payload, 1, 0);
    image[10] ^= 0xFF;
    flash_put(SLOT_ADDR, image, total);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info),
                     ABOTA_ERR_IMG_CRC);
}

static void test_probe_plain_userbin(void **state)
{
    (void)state;
    static uint8_t bin[4096];
    struct abota_image_info info;
    uint32_t n = make_userbin(bin, 1, 21);
    flash_put(SLOT_ADDR, bin, n);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ESP);
    assert_int_equal(info.total_len, n);
    assert_true(info.has_esp);
    assert_int_equal(info.esp.userbin, 1);
    assert_int_equal(abota_image_verify_buf(bin, n, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ESP);

    /* a bin flashed over a longer abota image: the stale footer up the slot
     * does not hide it */
    setup(NULL);
    static uint8_t old[12000];
    fill_random(old, sizeof old, 6);
    uint32_t old_total = pack(image, old, sizeof old, 1, 0);
    flash_put(SLOT_ADDR, image, old_total);
    assert_int_equal(abota_flash_erase(&rf.port, SLOT_ADDR), 0);
    flash_put(SLOT_ADDR, bin, n);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ESP);

    /* a corrupted plain bin is reported as such */
    setup(NULL);
    bin[n - 1] ^= 1;
    flash_put(SLOT_ADDR, bin, n);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info),
                     ABOTA_ERR_ESP_CRC);
}

static void test_probe_fixture_file(void **state)
{
    (void)state;
    /* an SDK user bin as esptool would flash it, read from the file */
    const struct espbins *bins = espbins_tested();
    const struct espbins_userbin *u = &bins->user[ESPBINS_512_USER2];
    const char *path = espbins_path(bins, u->name);
    struct fileflash ff;
    struct abota_image_info info;
    if (fileflash_open(&ff, path) != 0)
        fail_msg("cannot open %s", path);
    assert_int_equal(abota_image_probe_flash(&ff.port, 0, ff.port.size, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ESP);
    assert_int_equal(info.total_len, u->size);
    assert_int_equal(info.esp.userbin, 2);
    assert_in_range(ff.max_read, 1, ABOTA_FOOTER_SIZE);
    fileflash_close(&ff);
}

static void test_probe_empty_and_garbage(void **state)
{
    (void)state;
    struct abota_image_info info;
    /* erased */
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info),
                     ABOTA_ERR_IMG_UNKNOWN);
    assert_int_equal(info.kind, ABOTA_IMAGE_UNKNOWN);
    /* random bytes with "ABOT" sprinkled on 16-byte boundaries */
    fill_random(image, SLOT_SIZE, 77);
    for (uint32_t off = 0; off < SLOT_SIZE - 4; off += 16 * 37)
        memcpy(image + off, "ABOT", 4);
    image[0] = 0x00;
    flash_put(SLOT_ADDR, image, SLOT_SIZE);
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info),
                     ABOTA_ERR_IMG_UNKNOWN);
    /* garbage that starts like an Espressif image */
    setup(NULL);
    image[0] = 0xE9;
    image[1] = 3;
    flash_put(SLOT_ADDR, image, SLOT_SIZE);
    assert_true(abota_image_probe_flash(&rf.port, SLOT_ADDR, SLOT_SIZE, &info) < 0);
    /* regions too small or outside the flash */
    assert_int_equal(abota_image_probe_flash(&rf.port, SLOT_ADDR, 0, &info),
                     ABOTA_ERR_IMG_TOO_SHORT);
    assert_int_equal(abota_image_probe_flash(&rf.port, FLASH_SIZE - 16, 32, &info),
                     ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(abota_image_verify_buf(image, 3, &info) < 0, 1);
}

static void test_userbin_every_flip_and_cut(void **state)
{
    (void)state;
    /* the v2 trailer covers every byte before it, and the parser must stay
     * inside the buffer whatever a header says */
    static uint8_t bin[4096];
    struct abota_esp_info info;
    uint32_t n = make_userbin(bin, 1, 31);
    assert_int_equal(abota_esp_verify_buf(bin, n, &info), 0);
    for (uint32_t i = 0; i < n; i++) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
            bin[i] ^= (uint8_t)(1u << bit);
            if (abota_esp_verify_buf(bin, n, &info) >= 0)
                fail_msg("flip of byte %u bit %u went unnoticed", (unsigned)i, bit);
            bin[i] ^= (uint8_t)(1u << bit);
        }
    }
    for (uint32_t cut = 0; cut < n; cut++)
        assert_true(abota_esp_verify_buf(bin, cut, &info) < 0);
    /* the same through a packed image: a cut never passes as an abota
     * image; once the whole bin is there it is (rightly) a plain bin */
    uint32_t total = pack(image, bin, n, 1, ABOTA_FLAG_ESP_USERBIN);
    struct abota_image_info ii;
    for (uint32_t cut = 0; cut < total; cut += 3) {
        int err = abota_image_verify_buf(image, cut, &ii);
        if (cut < n)
            assert_true(err < 0);
        else if (err == 0)
            assert_int_equal(ii.kind, ABOTA_IMAGE_ESP);
    }
    assert_int_equal(abota_image_verify_buf(image, total, &ii), 0);
}

int main(void)
{
    espbins_tested(); /* exits 77 (Skipped) when the set is missing */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verify_ok, setup, NULL),
        cmocka_unit_test_setup_teardown(test_corruptions, setup, NULL),
        cmocka_unit_test_setup_teardown(test_sha_mismatch, setup, NULL),
        cmocka_unit_test_setup_teardown(test_esp_payload, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_finds_abota_image, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_reports_bad_image, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_plain_userbin, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_fixture_file, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_empty_and_garbage, setup, NULL),
        cmocka_unit_test_setup_teardown(test_userbin_every_flip_and_cut, setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
