#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* Through the umbrella header, so every public header is compiled on
 * every target (hosts, lx106, Cortex-M3) in both profiles. */
#include "abota/abota.h"

static void test_builtin_layouts_are_valid(void **state)
{
    (void)state;
    unsigned n = 0;
    for (const struct abota_layout *l; (l = abota_layout_at(n)) != NULL; n++)
        assert_int_equal(abota_layout_check(l), 0);
    assert_int_equal(n, 2);
}

static void test_esp8266_addresses(void **state)
{
    (void)state;
    const struct abota_layout *l = abota_layout_find("esp8266-2m");
    assert_non_null(l);
    assert_ptr_equal(l, abota_layout_find("esp8266-1024+1024"));
    assert_int_equal(l->slot[0].offset, 0x1000);
    assert_int_equal(l->slot[1].offset, 0x101000);
    assert_int_equal(l->slot[1].size, 250 * 4096);
    /* user2 must end where the SDK's RF calibration sector starts. */
    assert_int_equal(l->slot[1].offset + l->slot[1].size, 0x1FB000);

    l = abota_layout_find("esp8266-512+512");
    assert_non_null(l);
    assert_int_equal(l->slot[0].offset, 0x1000);
    assert_int_equal(l->slot[1].offset, 0x81000);
    assert_int_equal(l->slot[1].size, 122 * 4096);
    assert_int_equal(l->slot[1].offset + l->slot[1].size, 0xFB000);
    /* The journal takes the sector after the boot records, before user2. */
    assert_int_equal(l->journal, 0x7D000);
    assert_int_equal(abota_layout_find("esp8266-1024+1024")->journal, 0xFD000);
    assert_null(abota_layout_find("esp8266-3m"));
    assert_null(abota_layout_find(NULL));
}

static struct abota_layout good(void)
{
    struct abota_layout l = {
        .name = "t", .flash_size = 0x40000, .sector_size = 0x1000, .write_align = 4,
        .slot = {{0x1000, 0x10000}, {0x11000, 0x10000}}, .bootrec = {0x21000, 0x22000},
    };
    return l;
}

static void test_check_rejects_each_problem(void **state)
{
    (void)state;
    struct abota_layout l = good();
    assert_int_equal(abota_layout_check(&l), 0);

    l = good(); l.sector_size = 3000;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_GEOMETRY);
    l = good(); l.write_align = 3;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_GEOMETRY);
    l = good(); l.slot[1].offset = 0x11800;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_ALIGN);
    l = good(); l.slot[1].size = 0;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_ALIGN);
    l = good(); l.slot[1].size = 0x40000;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_BOUNDS);
    l = good(); l.bootrec[1] = 0x40000;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_BOUNDS);
    l = good(); l.slot[1].offset = 0x10000;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_OVERLAP);
    l = good(); l.bootrec[0] = l.bootrec[1];
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_OVERLAP);
    l = good(); l.slot[0].offset = 0;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_OVERLAP); /* bootloader sector */
    assert_int_equal(abota_layout_check(NULL), ABOTA_ERR_ARG);

    /* The optional journal sector: checked like the others when set. */
    l = good(); l.journal = 0x23000;
    assert_int_equal(abota_layout_check(&l), 0);
    l = good(); l.journal = 0x23800;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_ALIGN);
    l = good(); l.journal = 0x40000;
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_BOUNDS);
    l = good(); l.journal = 0x10000; /* inside slot 1 */
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_OVERLAP);
    l = good(); l.journal = l.bootrec[1];
    assert_int_equal(abota_layout_check(&l), ABOTA_ERR_LAYOUT_OVERLAP);
}

static void test_slot_helpers(void **state)
{
    (void)state;
    struct abota_layout l = good();
    assert_ptr_equal(abota_layout_slot(&l, 1), &l.slot[0]);
    assert_ptr_equal(abota_layout_slot(&l, 2), &l.slot[1]);
    assert_null(abota_layout_slot(&l, 0));
    assert_null(abota_layout_slot(&l, 3));
    assert_int_equal(abota_slot_other(1), 2);
    assert_int_equal(abota_slot_other(2), 1);
    assert_int_equal(abota_slot_other(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_layouts_are_valid),
        cmocka_unit_test(test_esp8266_addresses),
        cmocka_unit_test(test_check_rejects_each_problem),
        cmocka_unit_test(test_slot_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
