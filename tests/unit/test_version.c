#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "abota/error.h"
#include "abota/image.h"

static void test_pack_orders_like_versions(void **state)
{
    (void)state;
    assert_int_equal(abota_version_pack(1, 2, 3), 0x01020003u);
    assert_int_equal(abota_version_pack(255, 255, 65535), 0xFFFFFFFFu);
    assert_true(abota_version_pack(1, 2, 10) > abota_version_pack(1, 2, 9));
    assert_true(abota_version_pack(1, 10, 0) > abota_version_pack(1, 9, 65535));
    assert_true(abota_version_pack(2, 0, 0) > abota_version_pack(1, 255, 65535));
    /* an oversized part never spills into its neighbour */
    assert_int_equal(abota_version_pack(1, 256, 0), 0x01000000u);
}

static void test_parse_good(void **state)
{
    (void)state;
    uint32_t v = 0;
    assert_int_equal(abota_version_parse("1.2.3", &v), 0);
    assert_int_equal(v, 0x01020003u);
    assert_int_equal(abota_version_parse("v1.2.3", &v), 0);
    assert_int_equal(v, 0x01020003u);
    assert_int_equal(abota_version_parse("0.0.0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(abota_version_parse("255.255.65535", &v), 0);
    assert_int_equal(v, 0xFFFFFFFFu);
    assert_int_equal(abota_version_parse("10.20.300", &v), 0);
    assert_int_equal(v, abota_version_pack(10, 20, 300));
}

static void test_parse_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "v", "1", "1.2", "1.2.", ".1.2", "1..2", "1.2.3.", "1.2.3.4", "1.2.3 ", " 1.2.3",
        "1.2.3a", "V1.2.3", "vv1.2.3", "256.0.0", "0.256.0", "0.0.65536", "1.2.-3", "+1.2.3",
        "1.02.3", "01.2.3", "1.2.03", "99999999999999999999.0.0", "1.2.3\n", "1,2,3", "x.y.z",
        /* malformed build metadata and pre-releases are malformed versions */
        "1.2.3+", "1.2.3+.", "1.2.3+a..b", "1.2.3+a.", "1.2.3+a_b", "1.2.3+a+b", "1.2.3-",
        "1.2.3-.rc", "1.2.3-rc..1", "1.2.3-rc_1", "1.2.3-rc+", "1.2.3-rc.1 ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t v = 0x12345678u;
        int err = abota_version_parse(bad[i], &v);
        if (err != ABOTA_ERR_IMG_VERSION)
            fail_msg("\"%s\" gave %d", bad[i], err);
        assert_int_equal(v, 0x12345678u); /* untouched on error */
    }
    uint32_t v;
    assert_int_equal(abota_version_parse(NULL, &v), ABOTA_ERR_ARG);
}

/* Build metadata takes no part in ordering (semantic versioning, item 10):
 * accepted and dropped. A pre-release orders below its release, which the
 * packed form cannot say: refused with its own error. */
static void test_parse_semver_suffixes(void **state)
{
    (void)state;
    static const char *const build[] = {"1.2.3+build", "1.2.3+build.5", "v1.2.3+exp.sha.5114f85",
                                        "1.2.3+20130313144700", "1.2.3+-.a-b"};
    for (size_t i = 0; i < sizeof build / sizeof build[0]; i++) {
        uint32_t v = 0;
        assert_int_equal(abota_version_parse(build[i], &v), 0);
        assert_int_equal(v, 0x01020003u);
    }
    static const char *const pre[] = {"1.2.3-rc.1", "1.2.3-alpha", "1.2.3-0.3.7",
                                      "1.2.3-x.7.z.92", "1.2.3-rc.1+build.5", "1.2.3--"};
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
        uint32_t v = 0x12345678u;
        assert_int_equal(abota_version_parse(pre[i], &v), ABOTA_ERR_IMG_VERSION_PRERELEASE);
        assert_int_equal(v, 0x12345678u);
    }
}

static void test_format(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(abota_version_format(0x01020003u, buf, sizeof buf), 5);
    assert_string_equal(buf, "1.2.3");
    assert_int_equal(abota_version_format(0xFFFFFFFFu, buf, sizeof buf), 13);
    assert_string_equal(buf, "255.255.65535");
    assert_int_equal(abota_version_format(0, buf, sizeof buf), 5);
    assert_string_equal(buf, "0.0.0");
    /* exactly enough room, and one byte less */
    assert_int_equal(abota_version_format(0xFFFFFFFFu, buf, 14), 13);
    for (size_t n = 0; n < 14; n++)
        assert_int_equal(abota_version_format(0xFFFFFFFFu, buf, n), ABOTA_ERR_NOSPACE);
    assert_int_equal(abota_version_format(0x01020003u, buf, 6), 5);
    assert_int_equal(abota_version_format(0x01020003u, buf, 5), ABOTA_ERR_NOSPACE);
}

static void test_round_trip(void **state)
{
    (void)state;
    static const unsigned parts[][3] = {
        {0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {9, 99, 999}, {100, 200, 60000}, {255, 0, 65535},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char buf[16];
        uint32_t v = abota_version_pack(parts[i][0], parts[i][1], parts[i][2]), back = 0;
        assert_true(abota_version_format(v, buf, sizeof buf) > 0);
        assert_int_equal(abota_version_parse(buf, &back), 0);
        assert_int_equal(back, v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_orders_like_versions),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_parse_semver_suffixes),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
