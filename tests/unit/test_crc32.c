#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "abota/crc32.h"
#include "fixture.h"

/* Bit-at-a-time reference straight from the definition. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
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
    /* fixtures README: CRC-32 of each user bin without its last 4 bytes. */
    struct tail_crc t = {0};
    assert_int_equal(fixture_stream("esp8266/at-512+512/user1.1024.new.2.bin", crc_but_tail, &t),
                     396900);
    assert_int_equal(t.crc, 0x74A62BB3u);
    struct tail_crc u = {0};
    assert_int_equal(fixture_stream("esp8266/at-1024+1024/user2.2048.new.5.bin", crc_but_tail, &u),
                     446196);
    assert_int_equal(u.crc, 0x821BA71Cu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_matches_bitwise_reference),
        cmocka_unit_test(test_incremental_equals_whole),
        cmocka_unit_test(test_espressif_fixture_crc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
