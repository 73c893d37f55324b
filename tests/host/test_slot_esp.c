/* The slot writer and the boot choice on Espressif-format user bins
 * (tests/support/espbins.h), in the esp8266-512+512 layout (a 1 MiB RAM
 * flash: host only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "abota/boot.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "abota/slot.h"
#include "espbins.h"
#include "fixture.h"
#include "ramflash.h"
#include "recentry.h"

static const struct espbins *bins;
#define USER1 (&bins->user[ESPBINS_512_USER1])
#define USER2 (&bins->user[ESPBINS_512_USER2])
#define BIN_LEN (USER1->size)

static uint8_t *mem;
static struct ramflash rf;
static const struct abota_layout *lay;

static int setup(void **state)
{
    (void)state;
    lay = abota_layout_find("esp8266-512+512");
    /* Room for the 2 MiB layout too (test_other_flash_map). */
    mem = malloc(abota_layout_find("esp8266-1024+1024")->flash_size);
    return mem ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(mem);
    return 0;
}

struct feed {
    struct abota_slot_writer *w;
    uint32_t limit; /* stop after this many bytes */
    uint32_t fed;
    int rc;
    uint32_t crc;
    struct abota_sha256 sha;
};

static void to_writer(void *arg, const uint8_t *p, size_t n)
{
    struct feed *f = arg;
    if (f->rc < 0 || f->fed >= f->limit)
        return;
    if (n > f->limit - f->fed)
        n = f->limit - f->fed;
    /* Uneven pieces, as a network would deliver them. */
    while (n > 0 && f->rc == 0) {
        size_t k = n < 333 ? n : 333;
        f->rc = abota_slot_write(f->w, p, k);
        p += k;
        n -= k;
        f->fed += (uint32_t)k;
    }
}

static void to_hash(void *arg, const uint8_t *p, size_t n)
{
    struct feed *f = arg;
    f->crc = abota_crc32_update(f->crc, p, n);
    abota_sha256_update(&f->sha, p, n);
}

/* Streams u's file through fn; returns its length. */
static size_t stream(const struct espbins_userbin *u,
                     void (*fn)(void *arg, const uint8_t *p, size_t n), void *arg)
{
    return fixture_stream(espbins_path(bins, u->name), fn, arg);
}

static int write_bin(const struct espbins_userbin *u, int slot, uint32_t declared, uint32_t limit,
                     struct abota_image_info *info)
{
    struct abota_slot_writer w;
    int rc = abota_slot_begin(&w, &rf.port, lay, slot, abota_slot_other(slot), declared);
    if (rc < 0)
        return rc;
    struct feed f = {.w = &w, .limit = limit};
    assert_int_equal(stream(u, to_writer, &f), u->size);
    if (f.rc < 0)
        return f.rc;
    return abota_slot_finish(&w, info);
}

static void test_plain_userbin(void **state)
{
    (void)state;
    struct abota_image_info info;
    ramflash_init_layout(&rf, mem, lay);

    assert_int_equal(write_bin(USER1, 1, BIN_LEN, BIN_LEN, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ESP);
    assert_true(info.has_esp);
    assert_true(info.esp.v2);
    assert_int_equal(info.esp.userbin, 1);
    assert_int_equal(info.total_len, BIN_LEN);
    assert_int_equal(info.esp.crc_stored, USER1->trailer);

    /* Unknown length (chunked) works the same. */
    assert_int_equal(write_bin(USER2, 2, 0, BIN_LEN, &info), 0);
    assert_int_equal(info.esp.userbin, 2);

    /* No record: the boot choice finds user1 in slot 1. */
    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose(&rf.port, lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_NO_RECORD);
    assert_int_equal(d.rec.slot[0].length, BIN_LEN);
    assert_int_equal(abota_boot_apply(&rf.port, lay, &d), 0);

    /* The updater hands slot 2 over; it boots on trial, verified against
     * the record's length and CRC. */
    uint32_t crc = abota_crc32_update(0, mem + lay->slot[1].offset, BIN_LEN);
    assert_int_equal(abota_bootrec_set_next(&rf.port, lay, 2, REC_ENTRY(BIN_LEN, crc, 0), 1), 0);
    assert_int_equal(abota_boot_choose(&rf.port, lay, &d), 0);
    assert_int_equal(d.slot, 2);
    assert_int_equal(d.reason, ABOTA_BOOT_TRIAL);
    assert_int_equal(d.image.kind, ABOTA_IMAGE_ESP);
}

static void test_userbin_refusals(void **state)
{
    (void)state;
    struct abota_image_info info;
    ramflash_init_layout(&rf, mem, lay);

    /* user2 is linked for slot 2 (512+512). */
    assert_int_equal(write_bin(USER2, 1, BIN_LEN, BIN_LEN, &info), ABOTA_ERR_IMG_SLOT);
    /* Cut short, length unknown: the bin ends before its trailer. */
    assert_true(write_bin(USER1, 1, 0, BIN_LEN - 100, &info) < 0);
    /* Declared but not all sent. */
    assert_int_equal(write_bin(USER1, 1, BIN_LEN, BIN_LEN - 1, &info), ABOTA_ERR_SLOT_SHORT);
    /* A byte of .irom0.text (not covered by the XOR sum) damaged in flash
     * between write and finish: the CRC trailer catches it. */
    struct abota_slot_writer w;
    assert_int_equal(abota_slot_begin(&w, &rf.port, lay, 1, 2, BIN_LEN), 0);
    struct feed f = {.w = &w, .limit = BIN_LEN};
    stream(USER1, to_writer, &f);
    assert_int_equal(f.rc, 0);
    mem[lay->slot[0].offset + 0x1000] ^= 0x20;
    assert_true(abota_slot_finish(&w, &info) < 0);
}

/* A bin linked for another flash map is refused where its code could not
 * run, and taken where it could (the size map tells the link address). */
static void test_other_flash_map(void **state)
{
    (void)state;
    struct abota_image_info info;
    const struct espbins_userbin *u1_1024 = &bins->user[ESPBINS_1024_USER1];
    const struct espbins_userbin *u2_1024 = &bins->user[ESPBINS_1024_USER2];

    /* 512+512 device: a 1024+1024 user2 expects 0x1000 into its 1 MB
     * window, not 0x81000; its user1 runs where a 512+512 user1 does. */
    ramflash_init_layout(&rf, mem, lay);
    assert_int_equal(write_bin(u2_1024, 2, u2_1024->size, u2_1024->size, &info),
                     ABOTA_ERR_ESP_FLASH_MAP);
    assert_int_equal(info.esp.size_map, 5);
    assert_int_equal(write_bin(u1_1024, 1, u1_1024->size, u1_1024->size, &info), 0);

    /* 1024+1024 device: the 512+512 user2 is linked for 0x81000. */
    const struct abota_layout *saved = lay;
    lay = abota_layout_find("esp8266-1024+1024");
    ramflash_init_layout(&rf, mem, lay);
    assert_int_equal(write_bin(USER2, 2, BIN_LEN, BIN_LEN, &info), ABOTA_ERR_ESP_FLASH_MAP);
    assert_int_equal(write_bin(u2_1024, 2, u2_1024->size, u2_1024->size, &info), 0);
    /* Written by other means, it does not verify either (what the boot
     * choice runs on a slot). */
    struct abota_slot_writer w;
    assert_int_equal(abota_slot_begin(&w, &rf.port, lay, 2, 1, BIN_LEN), 0);
    struct feed f = {.w = &w, .limit = BIN_LEN};
    stream(USER2, to_writer, &f);
    assert_int_equal(f.rc, 0);
    assert_int_equal(abota_slot_verify(&rf.port, lay, 2, BIN_LEN, &info, NULL),
                     ABOTA_ERR_ESP_FLASH_MAP);
    lay = saved;

    /* The rule itself, map by map. */
    struct abota_esp_info e = {.v2 = true, .userbin = 2};
    e.size_map = 0; /* 256+256 */
    assert_int_equal(abota_esp_map_fits(&e, 0x41000), 0);
    assert_int_equal(abota_esp_map_fits(&e, 0x81000), ABOTA_ERR_ESP_FLASH_MAP);
    e.size_map = 4; /* 512+512 on 4 MB */
    assert_int_equal(abota_esp_map_fits(&e, 0x81000), 0);
    e.size_map = 9; /* 1024+1024 on 16 MB */
    assert_int_equal(abota_esp_map_fits(&e, 0x101000), 0);
    assert_int_equal(abota_esp_map_fits(&e, 0x81000), ABOTA_ERR_ESP_FLASH_MAP);
    e.size_map = 7; /* no such map: nothing to say */
    assert_int_equal(abota_esp_map_fits(&e, 0x81000), 0);
    e.v2 = false; /* a 0xE9 image loads into RAM */
    e.size_map = 5;
    assert_int_equal(abota_esp_map_fits(&e, 0x81000), 0);
}

/* user1 wrapped as an abota image (payload, pad, footer). */
static void test_abota_wrapped_userbin(void **state)
{
    (void)state;
    ramflash_init_layout(&rf, mem, lay);
    struct feed h = {0};
    abota_sha256_init(&h.sha);
    stream(USER1, to_hash, &h);

    struct abota_footer ft;
    memset(&ft, 0, sizeof ft);
    ft.payload_len = BIN_LEN;
    ft.version = abota_version_pack(1, 7, 6);
    ft.target_slot = 1;
    ft.flags = ABOTA_FLAG_ESP_USERBIN;
    ft.crc32 = h.crc;
    abota_sha256_finish(&h.sha, ft.sha256);
    uint8_t tail[ABOTA_FOOTER_ALIGN + ABOTA_FOOTER_SIZE];
    uint32_t pad = abota_image_footer_offset(BIN_LEN) - BIN_LEN;
    memset(tail, 0xFF, pad);
    abota_footer_encode(&ft, tail + pad);
    uint32_t total = abota_image_total_len(BIN_LEN);
    assert_int_equal(total, BIN_LEN + pad + ABOTA_FOOTER_SIZE);

    struct abota_slot_writer w;
    assert_int_equal(abota_slot_begin(&w, &rf.port, lay, 1, 2, total), 0);
    struct feed f = {.w = &w, .limit = BIN_LEN};
    stream(USER1, to_writer, &f);
    assert_int_equal(f.rc, 0);
    assert_int_equal(abota_slot_write(&w, tail, pad + ABOTA_FOOTER_SIZE), 0);
    struct abota_image_info info;
    assert_int_equal(abota_slot_finish(&w, &info), 0);
    assert_int_equal(info.kind, ABOTA_IMAGE_ABOTA);
    assert_true(info.has_esp);
    assert_int_equal(info.footer.version, ft.version);

    /* And it boots, the record learning its length and CRC. */
    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose(&rf.port, lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.rec.slot[0].length, total);
    assert_int_equal(d.rec.slot[0].crc32, abota_slot_crc32(&w));
    assert_int_equal(d.rec.slot[0].version, ft.version);
}

int main(void)
{
    bins = espbins_tested(); /* exits 77 (Skipped) when the set is missing */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_userbin),
        cmocka_unit_test(test_userbin_refusals),
        cmocka_unit_test(test_other_flash_map),
        cmocka_unit_test(test_abota_wrapped_userbin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
