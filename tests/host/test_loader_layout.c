/* The ESP8266 loader boots the layout the updater writes: the loader's
 * build-time layout (src/loader/esp8266/loader_config.h, both size maps)
 * equals the core's built-in one (abota_layout_find) field by field, and the
 * comparison itself catches a change in any one field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abota/layout.h"

/* loader_config.h picks its layout by ABOTA_LOADER_MAP once per build;
 * this file takes both: it includes it once per map. */
#define ABOTA_LOADER_MAP 5
#include "loader_config.h"
static const struct abota_layout loader_map5 = ABOTA_LOADER_LAYOUT_INIT;
#undef ABOTA_LOADER_LAYOUT_INIT
#undef ABOTA_LOADER_CONFIG_H
#undef ABOTA_LOADER_MAP
#define ABOTA_LOADER_MAP 2
#include "loader_config.h"
static const struct abota_layout loader_map2 = ABOTA_LOADER_LAYOUT_INIT;

/* The name of the first field where a and b differ; NULL when they agree. */
static const char *layout_diff(const struct abota_layout *a, const struct abota_layout *b)
{
    if (strcmp(a->name, b->name) != 0)
        return "name";
    if (a->flash_size != b->flash_size)
        return "flash_size";
    if (a->sector_size != b->sector_size)
        return "sector_size";
    if (a->write_align != b->write_align)
        return "write_align";
    if (a->slot[0].offset != b->slot[0].offset)
        return "slot[0].offset";
    if (a->slot[0].size != b->slot[0].size)
        return "slot[0].size";
    if (a->slot[1].offset != b->slot[1].offset)
        return "slot[1].offset";
    if (a->slot[1].size != b->slot[1].size)
        return "slot[1].size";
    if (a->bootrec[0] != b->bootrec[0])
        return "bootrec[0]";
    if (a->bootrec[1] != b->bootrec[1])
        return "bootrec[1]";
    if (a->journal != b->journal)
        return "journal";
    return NULL;
}

static void assert_same(const struct abota_layout *loader, const char *core_name)
{
    const struct abota_layout *core = abota_layout_find(core_name);
    assert_non_null(core);
    const char *diff = layout_diff(loader, core);
    if (diff)
        fail_msg("loader layout differs from %s in %s", core_name, diff);
    assert_int_equal(abota_layout_check(loader), 0);
}

static void test_map5_is_core_1024(void **state)
{
    (void)state;
    assert_same(&loader_map5, "esp8266-1024+1024");
}

static void test_map2_is_core_512(void **state)
{
    (void)state;
    assert_same(&loader_map2, "esp8266-512+512");
}

/* The comparison names each field that differs: a copy of the core's layout
 * changed in one field at a time. */
static void test_diff_catches_each_field(void **state)
{
    (void)state;
    const struct abota_layout *core = abota_layout_find("esp8266-1024+1024");
    assert_non_null(core);
    assert_null(layout_diff(core, core));
    static const char *const fields[] = {
        "name",          "flash_size",     "sector_size", "write_align",
        "slot[0].offset", "slot[0].size",  "slot[1].offset", "slot[1].size",
        "bootrec[0]",    "bootrec[1]",     "journal",
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        struct abota_layout m = *core;
        switch (i) {
        case 0: m.name = "esp8266-1024+1025"; break;
        case 1: m.flash_size += 0x1000u; break;
        case 2: m.sector_size *= 2u; break;
        case 3: m.write_align = 1u; break;
        case 4: m.slot[0].offset += 0x1000u; break;
        case 5: m.slot[0].size -= 0x1000u; break;
        case 6: m.slot[1].offset += 0x1000u; break;
        case 7: m.slot[1].size -= 0x1000u; break;
        case 8: m.bootrec[0] += 0x1000u; break;
        case 9: m.bootrec[1] += 0x1000u; break;
        case 10: m.journal = 0u; break;
        }
        const char *got = layout_diff(&m, core);
        assert_non_null(got);
        assert_string_equal(got, fields[i]);
    }
    /* ... and the two maps are told apart. */
    assert_non_null(layout_diff(&loader_map5, &loader_map2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map5_is_core_1024),
        cmocka_unit_test(test_map2_is_core_512),
        cmocka_unit_test(test_diff_catches_each_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
