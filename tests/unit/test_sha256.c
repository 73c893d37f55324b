#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/sha256.h"
#include "espbins.h"
#include "fixture.h"

static void hex(const uint8_t *d, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < ABOTA_SHA256_SIZE; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[64] = 0;
}

static void check(const void *data, size_t len, const char *want)
{
    uint8_t d[ABOTA_SHA256_SIZE];
    char h[65];
    abota_sha256(data, len, d);
    hex(d, h);
    assert_string_equal(h, want);
}

static void test_nist_vectors(void **state)
{
    (void)state;
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_incremental_any_split(void **state)
{
    (void)state;
    static uint8_t buf[300];
    uint8_t whole[ABOTA_SHA256_SIZE], part[ABOTA_SHA256_SIZE];
    fill_random(buf, sizeof buf, 99);
    abota_sha256(buf, sizeof buf, whole);
    for (size_t split = 0; split <= sizeof buf; split += 7) {
        struct abota_sha256 c;
        abota_sha256_init(&c);
        abota_sha256_update(&c, buf, split);
        abota_sha256_update(&c, buf + split, sizeof buf - split);
        abota_sha256_finish(&c, part);
        assert_memory_equal(whole, part, ABOTA_SHA256_SIZE);
    }
}

static void sha_chunk(void *arg, const uint8_t *p, size_t n)
{
    abota_sha256_update(arg, p, n);
}

static void test_espressif_fixture_sha(void **state)
{
    (void)state;
    /* Each user bin's sha256, as its fact sheet lists it (espbins.h). */
    const struct espbins *bins = espbins_tested();
    for (int i = 0; i < ESPBINS_USERBINS; i++) {
        const struct espbins_userbin *u = &bins->user[i];
        struct abota_sha256 c;
        uint8_t d[ABOTA_SHA256_SIZE];
        char h[65];
        abota_sha256_init(&c);
        assert_int_equal(fixture_stream(espbins_path(bins, u->name), sha_chunk, &c), u->size);
        abota_sha256_finish(&c, d);
        hex(d, h);
        assert_string_equal(h, u->sha256);
    }
}

int main(void)
{
    espbins_tested(); /* exits 77 (Skipped) when the set is missing */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nist_vectors),
        cmocka_unit_test(test_incremental_any_split),
        cmocka_unit_test(test_espressif_fixture_sha),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
