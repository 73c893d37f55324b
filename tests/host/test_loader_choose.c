/* The ESP8266 loader's boot choice (src/loader/esp8266/choose.c) over a RAM
 * flash: no record, trial countdown, rollback, fallback on a bad CRC, and no
 * write when nothing changes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "choose.h"
#include "ramflash.h"
#include "recentry.h"

/* A small layout with the ESP8266's geometry: 4 KiB sectors, 4-byte writes. */
static const struct abota_layout small = {
    .name = "test-small",
    .flash_size = 0x10000u,
    .sector_size = 0x1000u,
    .write_align = 4u,
    .slot = {{0x1000u, 0x6000u}, {0x7000u, 0x6000u}},
    .bootrec = {0xD000u, 0xE000u},
};

static uint8_t mem[0x10000];
static struct ramflash rf;

#define IMG_LEN 5000u

static int setup(void **state)
{
    (void)state;
    ramflash_init_layout(&rf, mem, &small);
    return 0;
}

/* Puts an "Espressif" image (0xEA 04 header, seeded bytes) in slot; returns
 * its CRC-32 over IMG_LEN bytes. */
static uint32_t put_image(int slot, uint8_t seed)
{
    uint8_t *p = mem + small.slot[slot - 1].offset;
    for (uint32_t i = 0; i < IMG_LEN; i++)
        p[i] = (uint8_t)(i * 31u + seed);
    p[0] = 0xEA;
    p[1] = 4;
    return abota_crc32_update(0, p, IMG_LEN);
}

static void read_rec(struct abota_bootrec *r)
{
    assert_int_equal(abota_bootrec_read(&rf.port, &small, r, NULL), 0);
}

static void test_no_record_first_slot_with_header(void **state)
{
    (void)state;
    put_image(2, 7);
    int slot = 0;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 2);
    assert_int_equal(why, ABOTA_BOOT_NO_RECORD);
    /* Nothing written: a record from the loader could only vouch for the
     * header (length 0), which no later boot accepts. */
    struct abota_bootrec r;
    assert_int_equal(abota_bootrec_read(&rf.port, &small, &r, NULL), ABOTA_ERR_BOOTREC_NONE);
    assert_int_equal(rf.writes, 0);

    /* Both slots valid and no record: slot 1 first. */
    setup(NULL);
    put_image(1, 1);
    put_image(2, 2);
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 1);
}

static void test_nothing_bootable(void **state)
{
    (void)state;
    int slot = 0;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), ABOTA_ERR_BOOT_NOTHING);
    assert_int_equal(slot, 0);
    assert_int_equal(rf.erases, 0);
}

static void test_trial_counts_down_then_rolls_back(void **state)
{
    (void)state;
    uint32_t c1 = put_image(1, 1);
    uint32_t c2 = put_image(2, 2);
    assert_int_equal(
        abota_bootrec_set_next(&rf.port, &small, 1, REC_ENTRY(IMG_LEN, c1, 0x010000u), 1), 0);
    int slot = 0;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0); /* confirm 1 */
    struct abota_bootrec r;
    read_rec(&r);
    r.trial = ABOTA_TRIAL_NONE;
    assert_int_equal(abota_bootrec_write(&rf.port, &small, &r), 0);

    /* The updater installs slot 2 with two attempts. */
    assert_int_equal(
        abota_bootrec_set_next(&rf.port, &small, 2, REC_ENTRY(IMG_LEN, c2, 0x020000u), 2), 0);
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 2);
    assert_int_equal(why, ABOTA_BOOT_TRIAL);
    read_rec(&r);
    assert_int_equal(r.trial, ABOTA_TRIAL_TESTING);
    assert_int_equal(r.attempts_left, 1);

    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 2);
    read_rec(&r);
    assert_int_equal(r.attempts_left, 0);

    /* Never confirmed: the third boot goes back to slot 1. */
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 1);
    assert_int_equal(why, ABOTA_BOOT_ROLLBACK);
    read_rec(&r);
    assert_int_equal(r.active, 1);
    assert_int_equal(r.trial, ABOTA_TRIAL_NONE);
    assert_int_equal(r.flags & ABOTA_BOOTREC_ROLLED_BACK, ABOTA_BOOTREC_ROLLED_BACK);
    assert_int_equal(r.failed_slot, 2);
}

static void test_rollback_target_gone_keeps_trial_image(void **state)
{
    (void)state;
    uint32_t c1 = put_image(1, 1);
    uint32_t c2 = put_image(2, 2);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &small, 1, REC_ENTRY(IMG_LEN, c1, 1), 1), 0);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &small, 2, REC_ENTRY(IMG_LEN, c2, 2), 1), 0);
    int slot = 0;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(why, ABOTA_BOOT_TRIAL);
    memset(mem + small.slot[0].offset, 0xFF, 0x1000); /* the old image is gone */
    unsigned erases = rf.erases;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
        assert_int_equal(slot, 2);
        assert_int_equal(why, ABOTA_BOOT_NO_ROLLBACK);
    }
    assert_int_equal(rf.erases, erases); /* TESTING already: nothing to write */
    struct abota_bootrec r;
    read_rec(&r);
    assert_int_equal(r.active, 2);
    assert_int_equal(r.trial, ABOTA_TRIAL_TESTING);
    assert_int_equal(r.flags, 0);
}

static void test_bad_crc_falls_back(void **state)
{
    (void)state;
    uint32_t c1 = put_image(1, 1);
    uint32_t c2 = put_image(2, 2);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &small, 1, REC_ENTRY(IMG_LEN, c1, 1), 1), 0);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &small, 2, REC_ENTRY(IMG_LEN, c2, 2), 3), 0);
    mem[small.slot[1].offset + IMG_LEN - 1] ^= 0x01; /* one bit of slot 2's last byte */
    int slot = 0;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 1);
    assert_int_equal(why, ABOTA_BOOT_FALLBACK);
    struct abota_bootrec r;
    read_rec(&r);
    assert_int_equal(r.active, 1);
    assert_int_equal(r.failed_slot, 2);
    assert_int_equal(r.flags & ABOTA_BOOTREC_FELL_BACK, ABOTA_BOOTREC_FELL_BACK);

    /* A byte past the recorded length does not matter. */
    mem[small.slot[0].offset + IMG_LEN] ^= 0xFF;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
    assert_int_equal(slot, 1);
    assert_int_equal(why, ABOTA_BOOT_NORMAL);

    /* Both bad: nothing to boot. */
    mem[small.slot[0].offset + 100] ^= 0x80;
    assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), ABOTA_ERR_BOOT_NOTHING);
}

static void test_normal_boot_writes_nothing(void **state)
{
    (void)state;
    uint32_t c1 = put_image(1, 1);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &small, 1, REC_ENTRY(IMG_LEN, c1, 1), 1), 0);
    struct abota_bootrec r;
    read_rec(&r);
    r.trial = ABOTA_TRIAL_NONE;
    assert_int_equal(abota_bootrec_write(&rf.port, &small, &r), 0);
    unsigned erases = rf.erases, writes = rf.writes;
    int slot = 0;
    enum abota_boot_reason why;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(abota_loader_choose(&rf.port, &small, &slot, &why), 0);
        assert_int_equal(slot, 1);
        assert_int_equal(why, ABOTA_BOOT_NORMAL);
    }
    assert_int_equal(rf.erases, erases);
    assert_int_equal(rf.writes, writes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_record_first_slot_with_header, setup, NULL),
        cmocka_unit_test_setup_teardown(test_nothing_bootable, setup, NULL),
        cmocka_unit_test_setup_teardown(test_trial_counts_down_then_rolls_back, setup, NULL),
        cmocka_unit_test_setup_teardown(test_rollback_target_gone_keeps_trial_image, setup, NULL),
        cmocka_unit_test_setup_teardown(test_bad_crc_falls_back, setup, NULL),
        cmocka_unit_test_setup_teardown(test_normal_boot_writes_nothing, setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
