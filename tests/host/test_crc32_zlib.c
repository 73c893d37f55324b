/* CRC-32 equals zlib's crc32() on random buffers of every size class. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zlib.h>

#include "abota/crc32.h"
#include "fixture.h"

static void test_equals_zlib(void **state)
{
    (void)state;
    static uint8_t buf[1 << 16];
    for (uint32_t seed = 1; seed <= 200; seed++) {
        size_t n = (seed * 2654435761u) % sizeof buf;
        fill_random(buf, n, seed);
        uLong z = crc32(0L, buf, (uInt)n);
        assert_int_equal(abota_crc32_update(0, buf, n), (uint32_t)z);
        /* continuing from a previous value too */
        uint32_t half = abota_crc32_update(0, buf, n / 2);
        assert_int_equal(abota_crc32_update(half, buf + n / 2, n - n / 2), (uint32_t)z);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_zlib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
