#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "fixture.h"

static void sample(struct abota_footer *f)
{
    memset(f, 0, sizeof *f);
    f->payload_len = 396900;
    f->version = abota_version_pack(1, 2, 3);
    f->target_slot = 2;
    f->flags = ABOTA_FLAG_ESP_USERBIN;
    f->crc32 = 0xDEADBEEFu;
    fill_random(f->sha256, sizeof f->sha256, 99);
}

/* Rewrites the footer CRC after a test changed a field on purpose. */
static void fix_crc(uint8_t raw[ABOTA_FOOTER_SIZE])
{
    uint32_t c = abota_crc32_update(0, raw, ABOTA_FOOTER_SIZE - 4);
    raw[252] = (uint8_t)c;
    raw[253] = (uint8_t)(c >> 8);
    raw[254] = (uint8_t)(c >> 16);
    raw[255] = (uint8_t)(c >> 24);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct abota_footer f, g;
    uint8_t raw[ABOTA_FOOTER_SIZE];
    sample(&f);
    abota_footer_encode(&f, raw);
    assert_int_equal(abota_footer_decode(raw, &g), 0);
    assert_int_equal(g.payload_len, f.payload_len);
    assert_int_equal(g.version, f.version);
    assert_int_equal(g.target_slot, 2);
    assert_int_equal(g.flags, ABOTA_FLAG_ESP_USERBIN);
    assert_int_equal(g.crc32, 0xDEADBEEFu);
    assert_memory_equal(g.sha256, f.sha256, ABOTA_SHA256_SIZE);
    assert_int_equal(g.sig_type, 0);
    assert_int_equal(g.sig_len, 0);

    /* a signature travels too */
    f.sig_type = 1;
    f.sig_len = ABOTA_SIG_MAX;
    fill_random(f.sig, ABOTA_SIG_MAX, 5);
    abota_footer_encode(&f, raw);
    assert_int_equal(abota_footer_decode(raw, &g), 0);
    assert_int_equal(g.sig_len, ABOTA_SIG_MAX);
    assert_memory_equal(g.sig, f.sig, ABOTA_SIG_MAX);
}

static void test_fixed_layout(void **state)
{
    (void)state;
    struct abota_footer f;
    uint8_t raw[ABOTA_FOOTER_SIZE];
    sample(&f);
    f.payload_len = 0x00012345u; /* pad 11 */
    abota_footer_encode(&f, raw);
    /* the documented offsets (docs/IMAGE_FORMAT.md) */
    assert_memory_equal(raw, "ABOT", 4);
    assert_int_equal(raw[4], 1);
    assert_int_equal(raw[5], 0);
    assert_int_equal(raw[6], 0x00);
    assert_int_equal(raw[7], 0x01);
    assert_int_equal(raw[8], 0x45);
    assert_int_equal(raw[9], 0x23);
    assert_int_equal(raw[10], 0x01);
    assert_int_equal(raw[11], 0x00);
    assert_int_equal(raw[12], 0x03);
    assert_int_equal(raw[14], 0x02);
    assert_int_equal(raw[15], 0x01);
    assert_int_equal(raw[16], 2);
    assert_int_equal(raw[17], ABOTA_FLAG_ESP_USERBIN);
    assert_int_equal(raw[18], 11);
    assert_int_equal(raw[24], 0xEF);
    assert_int_equal(raw[27], 0xDE);
    assert_memory_equal(raw + 28, f.sha256, 32);
    for (size_t i = 60; i < 252; i++)
        assert_int_equal(raw[i], 0);
    uint32_t c = abota_crc32_update(0, raw, 252);
    assert_int_equal(raw[252] | raw[253] << 8 | raw[254] << 16 | (uint32_t)raw[255] << 24, c);
}

static void test_lengths(void **state)
{
    (void)state;
    assert_int_equal(abota_image_footer_offset(1), 16);
    assert_int_equal(abota_image_footer_offset(16), 16);
    assert_int_equal(abota_image_footer_offset(17), 32);
    assert_int_equal(abota_image_total_len(396900), 396912 + 256);
    assert_int_equal(abota_image_total_len(ABOTA_IMAGE_PAYLOAD_MAX), ABOTA_IMAGE_PAYLOAD_MAX + 256);
    assert_int_equal(abota_image_footer_offset(0xFFFFFFFFu), 0xFFFFFFFFu); /* saturates */
}

struct field_case {
    size_t off;
    uint8_t value;
    int err;
    const char *what;
};

static void test_each_field_has_its_error(void **state)
{
    (void)state;
    static const struct field_case cases[] = {
        {0, 'X', ABOTA_ERR_IMG_FOOTER_MAGIC, "magic"},
        {4, 3, ABOTA_ERR_IMG_FOOTER_VERSION, "version"},
        {4, 2, ABOTA_ERR_IMG_FOOTER_FIELD, "format 2 without a security version"},
        {189, 1, ABOTA_ERR_IMG_FOOTER_FIELD, "security version in format 1"},
        {5, 1, ABOTA_ERR_IMG_FOOTER_VERSION, "version high byte"},
        {6, 0x80, ABOTA_ERR_IMG_FOOTER_SIZE, "size"},
        {8, 0, ABOTA_ERR_IMG_FOOTER_PAD, "payload length vs pad"},
        {11, 0x01, ABOTA_ERR_IMG_FOOTER_FIELD, "payload length over 16 MiB"},
        {16, 3, ABOTA_ERR_IMG_FOOTER_SLOT, "slot"},
        {17, 0x02, ABOTA_ERR_IMG_FOOTER_FLAGS, "unknown flag"},
        {17, 0x80, ABOTA_ERR_IMG_FOOTER_FLAGS, "unknown flag 7"},
        {18, 0, ABOTA_ERR_IMG_FOOTER_PAD, "pad length"},
        {20, 1, ABOTA_ERR_IMG_FOOTER_SIG, "sig_len without sig_type"},
        {22, 1, ABOTA_ERR_IMG_FOOTER_FIELD, "reserved 22"},
        {100, 1, ABOTA_ERR_IMG_FOOTER_FIELD, "unused signature byte"},
        {200, 1, ABOTA_ERR_IMG_FOOTER_FIELD, "reserved tail"},
    };
    struct abota_footer f, g;
    uint8_t good[ABOTA_FOOTER_SIZE], raw[ABOTA_FOOTER_SIZE];
    sample(&f);
    f.payload_len = 1001; /* pad 7 */
    abota_footer_encode(&f, good);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(raw, good, sizeof raw);
        raw[cases[i].off] = cases[i].value;
        fix_crc(raw);
        int err = abota_footer_decode(raw, &g);
        if (err != cases[i].err)
            fail_msg("%s: got %s, want %s", cases[i].what, abota_strerror_name(err),
                     abota_strerror_name(cases[i].err));
    }
    /* payload length 0 */
    memcpy(raw, good, sizeof raw);
    memset(raw + 8, 0, 4);
    raw[18] = 0;
    fix_crc(raw);
    assert_int_equal(abota_footer_decode(raw, &g), ABOTA_ERR_IMG_FOOTER_FIELD);
    /* sig_len over 128 with a type */
    memcpy(raw, good, sizeof raw);
    raw[19] = 1;
    raw[20] = 129;
    fix_crc(raw);
    assert_int_equal(abota_footer_decode(raw, &g), ABOTA_ERR_IMG_FOOTER_SIG);
    /* the CRC itself */
    memcpy(raw, good, sizeof raw);
    raw[40] ^= 1;
    assert_int_equal(abota_footer_decode(raw, &g), ABOTA_ERR_IMG_FOOTER_CRC);
}

static void test_every_byte_flip_detected(void **state)
{
    (void)state;
    struct abota_footer f, g;
    uint8_t good[ABOTA_FOOTER_SIZE], raw[ABOTA_FOOTER_SIZE];
    sample(&f);
    abota_footer_encode(&f, good);
    for (size_t i = 0; i < ABOTA_FOOTER_SIZE; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            memcpy(raw, good, sizeof raw);
            raw[i] ^= (uint8_t)(1u << bit);
            if (abota_footer_decode(raw, &g) >= 0)
                fail_msg("flip of byte %lu bit %u went unnoticed", (unsigned long)i, bit);
        }
        memcpy(raw, good, sizeof raw);
        raw[i] ^= 0xFF;
        assert_true(abota_footer_decode(raw, &g) < 0);
    }
}

/* A security version makes the footer format 2 and travels at offset 188;
 * without one the bytes are format 1's, unchanged. Each format refuses
 * the other's encoding. */
static void test_security_version(void **state)
{
    (void)state;
    struct abota_footer f, g;
    uint8_t raw[ABOTA_FOOTER_SIZE];
    sample(&f);
    abota_footer_encode(&f, raw);
    assert_int_equal(raw[4], ABOTA_FOOTER_VERSION);
    assert_int_equal(raw[188], 0);

    f.security_version = 0x01020304u;
    abota_footer_encode(&f, raw);
    assert_int_equal(raw[4], ABOTA_FOOTER_VERSION_2);
    assert_int_equal(raw[188], 0x04);
    assert_int_equal(raw[191], 0x01);
    assert_int_equal(abota_footer_decode(raw, &g), 0);
    assert_int_equal(g.security_version, 0x01020304u);

    /* format 1 with the bytes set, format 2 without them */
    raw[4] = ABOTA_FOOTER_VERSION;
    fix_crc(raw);
    assert_int_equal(abota_footer_decode(raw, &g), ABOTA_ERR_IMG_FOOTER_FIELD);
    f.security_version = 0;
    abota_footer_encode(&f, raw);
    raw[4] = ABOTA_FOOTER_VERSION_2;
    fix_crc(raw);
    assert_int_equal(abota_footer_decode(raw, &g), ABOTA_ERR_IMG_FOOTER_FIELD);
    raw[4] = 3;
    fix_crc(raw);
    assert_int_equal(abota_footer_decode(raw, &g), ABOTA_ERR_IMG_FOOTER_VERSION);
}

/* The signed digest is the SHA-256 of footer bytes 0..59 and 188..251:
 * every field but the signature and the footer CRC. */
static void test_signed_digest(void **state)
{
    (void)state;
    struct abota_footer f;
    uint8_t raw[ABOTA_FOOTER_SIZE], msg[60 + 64], want[ABOTA_SHA256_SIZE],
        got[ABOTA_SHA256_SIZE], first[ABOTA_SHA256_SIZE];
    sample(&f);
    f.security_version = 7;
    f.sig_type = ABOTA_SIG_TYPE_P256;
    f.sig_len = 64;
    abota_footer_encode(&f, raw);
    memcpy(msg, raw, 60);
    memcpy(msg + 60, raw + 188, 64);
    abota_sha256(msg, sizeof msg, want);
    abota_footer_signed_digest(&f, got);
    assert_memory_equal(got, want, sizeof want);
    memcpy(first, got, sizeof got);

    /* the signature's own bytes are not signed */
    fill_random(f.sig, 64, 3);
    abota_footer_signed_digest(&f, got);
    assert_memory_equal(got, first, sizeof got);

    /* every field that decides what runs is */
    struct abota_footer c;
#define CHANGES_DIGEST(stmt)                                       \
    do {                                                           \
        c = f;                                                     \
        stmt;                                                      \
        abota_footer_signed_digest(&c, got);                       \
        assert_memory_not_equal(got, first, sizeof got);           \
    } while (0)
    CHANGES_DIGEST(c.payload_len++);
    CHANGES_DIGEST(c.version++);
    CHANGES_DIGEST(c.target_slot = 1);
    CHANGES_DIGEST(c.flags = 0);
    CHANGES_DIGEST(c.crc32 ^= 1u);
    CHANGES_DIGEST(c.sha256[31] ^= 1u);
    CHANGES_DIGEST(c.security_version = 8);
    CHANGES_DIGEST(c.sig_len = 63);
    CHANGES_DIGEST(c.sig_type = 2);
#undef CHANGES_DIGEST
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_fixed_layout),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_each_field_has_its_error),
        cmocka_unit_test(test_every_byte_flip_detected),
        cmocka_unit_test(test_security_version),
        cmocka_unit_test(test_signed_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
