/* The POSIX clock: monotonic milliseconds, sleeping, random bits (seeded
 * runs repeat, unseeded ones come from getrandom()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "abota/port_posix.h"

static uint64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void test_now_and_sleep(void **state)
{
    (void)state;
    struct abota_posix_clock c;
    abota_posix_clock_init(&c);
    uint32_t t0 = c.port.now_ms(c.port.ctx);
    uint64_t r0 = real_ms();
    c.port.sleep_ms(c.port.ctx, 120);
    uint32_t dt = c.port.now_ms(c.port.ctx) - t0; /* wrap-safe subtraction */
    uint64_t rdt = real_ms() - r0;
    assert_in_range(dt, 119, 1000);
    assert_in_range(rdt, 119, 1000);
    /* Same time base as CLOCK_MONOTONIC, truncated to 32 bits. */
    uint32_t r = (uint32_t)real_ms();
    assert_in_range(c.port.now_ms(c.port.ctx) - r, 0, 5);
    t0 = c.port.now_ms(c.port.ctx);
    c.port.sleep_ms(c.port.ctx, 0);
    assert_in_range(c.port.now_ms(c.port.ctx) - t0, 0, 5);
}

static void test_seeded_random_repeats(void **state)
{
    (void)state;
    struct abota_posix_clock a, b, d;
    uint32_t va[64];
    unsigned same_as_a = 0, distinct = 0;
    abota_posix_clock_init(&a);
    abota_posix_clock_init(&b);
    abota_posix_clock_init(&d);
    abota_posix_clock_seed(&a, 7);
    abota_posix_clock_seed(&b, 7);
    abota_posix_clock_seed(&d, 8);
    for (int i = 0; i < 64; i++) {
        va[i] = a.port.random(a.port.ctx);
        assert_int_equal(b.port.random(b.port.ctx), va[i]);
        same_as_a += d.port.random(d.port.ctx) == va[i];
        distinct += i > 0 && va[i] != va[i - 1];
    }
    assert_true(same_as_a < 2);
    assert_true(distinct > 60);
}

static void test_unseeded_random_varies(void **state)
{
    (void)state;
    struct abota_posix_clock c;
    uint32_t or_all = 0, and_all = 0xFFFFFFFFu, prev = 0;
    unsigned repeats = 0;
    abota_posix_clock_init(&c);
    for (int i = 0; i < 256; i++) {
        uint32_t v = c.port.random(c.port.ctx);
        or_all |= v;
        and_all &= v;
        repeats += i > 0 && v == prev;
        prev = v;
    }
    /* Every bit position is seen both set and clear. */
    assert_int_equal(or_all, 0xFFFFFFFFu);
    assert_int_equal(and_all, 0);
    assert_true(repeats < 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now_and_sleep),
        cmocka_unit_test(test_seeded_random_repeats),
        cmocka_unit_test(test_unseeded_random_varies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
