#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "abota/crc32.h"
#include "espbins.h"
#include "fixture.h"

/* Bit-at-a-time reference straight from the definition, continuing from
 * crc like abota_crc32_update. */
static uint32_t crc32_bitwise_from(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t c = ~crc;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    return crc32_bitwise_from(0, p, n);
}

static void test_known_vectors(void **state)
{
    (void)state;
    assert_int_equal(abota_crc32_update(0, "", 0), 0x00000000u);
    assert_int_equal(abota_crc32_update(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(abota_crc32_update(0, "The quick brown fox jumps over the lazy dog", 43),
                     0x414FA339u);
}

static void test_matches_bitwise_reference(void **state)
{
    (void)state;
    static uint8_t buf[4099];
    for (uint32_t seed = 1; seed <= 20; seed++) {
        size_t n = (seed * 211u) % sizeof buf;
        fill_random(buf, n, seed);
        assert_int_equal(abota_crc32_update(0, buf, n), crc32_bitwise(buf, n));
    }
}

/* Every byte value from registers whose low byte takes every value too:
 * each table entry (16 nibble or 256 byte entries, ABOTA_CRC32_TABLE256)
 * is reached and checked against the definition. */
static void test_every_byte(void **state)
{
    (void)state;
    for (uint32_t b = 0; b < 256; b++) {
        uint8_t byte = (uint8_t)b;
        for (uint32_t r = 0; r < 256; r += 15) {
            uint32_t crc = 0xA5C30F00u | r;
            assert_int_equal(abota_crc32_update(crc, &byte, 1), crc32_bitwise_from(crc, &byte, 1));
        }
    }
}

static void test_incremental_equals_whole(void **state)
{
    (void)state;
    static uint8_t buf[1000];
    fill_random(buf, sizeof buf, 7);
    uint32_t whole = abota_crc32_update(0, buf, sizeof buf);
    for (size_t split = 0; split <= sizeof buf; split += 37) {
        uint32_t c = abota_crc32_update(0, buf, split);
        c = abota_crc32_update(c, buf + split, sizeof buf - split);
        assert_int_equal(c, whole);
    }
}

/* Keeps the CRC of everything but the last 4 bytes seen so far. */
struct tail_crc {
    uint32_t crc;
    uint8_t tail[4];
    size_t seen;
};

static void crc_but_tail(void *arg, const uint8_t *p, size_t n)
{
    struct tail_crc *t = arg;
    for (size_t i = 0; i < n; i++, t->seen++) {
        if (t->seen >= 4)
            t->crc = abota_crc32_update(t->crc, &t->tail[t->seen % 4], 1);
        t->tail[t->seen % 4] = p[i];
    }
}

static void test_espressif_fixture_crc(void **state)
{
    (void)state;
    /* The CRC-32 of each user bin without its last 4 bytes (espbins.h). */
    const struct espbins *bins = espbins_tested();
    for (int i = 0; i < ESPBINS_USERBINS; i++) {
        const struct espbins_userbin *u = &bins->user[i];
        struct tail_crc t = {0};
        assert_int_equal(fixture_stream(espbins_path(bins, u->name), crc_but_tail, &t), u->size);
        assert_int_equal(t.crc, u->crc_body);
    }
}

int main(void)
{
    espbins_tested(); /* exits 77 (Skipped) when the set is missing */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_matches_bitwise_reference),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_incremental_equals_whole),
        cmocka_unit_test(test_espressif_fixture_crc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
