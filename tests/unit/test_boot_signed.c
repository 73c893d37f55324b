/* Secure boot (abota_boot_choose_signed): the same choice as
 * abota_boot_choose, but a slot boots only when its image is signed by the
 * built-in key. The images were signed by openssl with the test-only keys
 * (sig_image_vectors.h); the plain choice on the same flash is the
 * reference. Skipped (77) without ABOTA_FEATURE_SIGNATURE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "ramflash.h"
#include "sig_image_vectors.h"
#include "testimg.h"

#if ABOTA_FEATURE_SIGNATURE

static struct abota_layout lay;
static struct ramflash rf;
static uint8_t mem[TESTIMG_FLASH_SIZE];

static int setup(void **state)
{
    (void)state;
    testimg_layout(&lay, 4);
    ramflash_init_layout(&rf, mem, &lay);
    return 0;
}

/* Puts img into slot and gives it a matching record entry in rec. */
static void put(struct abota_bootrec *rec, int slot, const uint8_t *img, uint32_t len)
{
    testimg_put(&rf, &lay, slot, img, len);
    rec->slot[slot - 1].length = len;
    rec->slot[slot - 1].crc32 = abota_crc32_update(0, img, len);
    rec->slot[slot - 1].version = (1u << 24) | (1u << 16);
}

static void write_record(struct abota_bootrec *rec, int active)
{
    rec->seq = 1;
    rec->active = (uint8_t)active;
    rec->trial = ABOTA_TRIAL_NONE;
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, rec), 0);
}

/* Slot 1 and slot 2 hold a and b (each img, len); with active 1 or 2 a
 * confirmed record names that slot, with 0 there is no record. */
#define IMG(x) x, sizeof x
static void flash_slots(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen,
                        int active)
{
    struct abota_bootrec rec;
    memset(&rec, 0, sizeof rec);
    put(&rec, 1, a, alen);
    put(&rec, 2, b, blen);
    if (active)
        write_record(&rec, active);
}

static void expect(int rc, int slot, enum abota_boot_reason reason, const uint8_t *key)
{
    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose_signed(&rf.port, &lay, key, &d), rc);
    assert_int_equal(d.slot, slot);
    if (rc == 0)
        assert_int_equal(d.reason, reason);
}

static int plain_choice(void)
{
    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    return d.slot;
}

static void test_signed_active_boots(void **state)
{
    (void)state;
    flash_slots(IMG(sig_img_a), IMG(sig_img_unsigned), 1);
    expect(0, 1, ABOTA_BOOT_NORMAL, sig_key_a);
}

/* The record's active slot holds an unsigned image: the plain choice
 * boots it, secure boot falls back to the signed one. */
static void test_unsigned_active_falls_back(void **state)
{
    (void)state;
    flash_slots(IMG(sig_img_unsigned), IMG(sig_img_a), 1);
    assert_int_equal(plain_choice(), 1);
    expect(0, 2, ABOTA_BOOT_FALLBACK, sig_key_a);
}

/* Signed by another key counts as not signed. */
static void test_other_key_falls_back(void **state)
{
    (void)state;
    flash_slots(IMG(sig_img_b), IMG(sig_img_a), 1);
    expect(0, 2, ABOTA_BOOT_FALLBACK, sig_key_a);
    expect(0, 1, ABOTA_BOOT_NORMAL, sig_key_b);
}

/* Nothing signed: nothing boots, where the plain choice would. */
static void test_nothing_signed_boots_nothing(void **state)
{
    (void)state;
    flash_slots(IMG(sig_img_unsigned), IMG(sig_img_b), 1);
    assert_int_equal(plain_choice(), 1);
    expect(ABOTA_ERR_BOOT_NOTHING, 0, ABOTA_BOOT_NORMAL, sig_key_a);
}

/* Without a record the probe applies the same rule. */
static void test_probe_without_record(void **state)
{
    (void)state;
    flash_slots(IMG(sig_img_unsigned), IMG(sig_img_a), 0);
    assert_int_equal(plain_choice(), 1);
    expect(0, 2, ABOTA_BOOT_NO_RECORD, sig_key_a);
}

static void test_key_required(void **state)
{
    (void)state;
    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose_signed(&rf.port, &lay, NULL, &d), ABOTA_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signed_active_boots, setup, NULL),
        cmocka_unit_test_setup_teardown(test_unsigned_active_falls_back, setup, NULL),
        cmocka_unit_test_setup_teardown(test_other_key_falls_back, setup, NULL),
        cmocka_unit_test_setup_teardown(test_nothing_signed_boots_nothing, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_without_record, setup, NULL),
        cmocka_unit_test_setup_teardown(test_key_required, setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
    printf("secure boot: not built (ABOTA_FEATURE_SIGNATURE=0)\n");
    return 77;
}

#endif
