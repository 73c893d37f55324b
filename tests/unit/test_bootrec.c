#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "ramflash.h"
#include "recentry.h"

/* Only the boot-record sectors matter here: a 16 KiB flash, records in
 * sectors 2 and 3. */
#define FLASH_SIZE 0x4000u
#define SECTOR 0x1000u
#define REC0 0x2000u
#define REC1 0x3000u

static uint8_t mem[FLASH_SIZE];

static struct abota_layout layout(uint32_t align)
{
    struct abota_layout l;
    memset(&l, 0, sizeof l);
    l.name = "bootrec-test";
    l.flash_size = FLASH_SIZE;
    l.sector_size = SECTOR;
    l.write_align = align;
    l.slot[0].offset = 0x1000u;
    l.slot[0].size = 0x1000u;
    l.slot[1].offset = 0x1000u; /* not used by these tests */
    l.slot[1].size = 0x1000u;
    l.bootrec[0] = REC0;
    l.bootrec[1] = REC1;
    return l;
}

static struct abota_bootrec sample(void)
{
    struct abota_bootrec r;
    memset(&r, 0, sizeof r);
    r.seq = 0x01020304u;
    r.active = 2;
    r.trial = ABOTA_TRIAL_TESTING;
    r.attempts_left = 3;
    r.flags = ABOTA_BOOTREC_ROLLED_BACK;
    r.failed_slot = 1;
    r.slot[0].length = 0x11223344u;
    r.slot[0].crc32 = 0x55667788u;
    r.slot[0].version = 0x01020003u;
    r.slot[1].length = 0x99AABBCCu;
    r.slot[1].crc32 = 0xDDEEFF00u;
    r.slot[1].version = 0x02000001u;
    return r;
}

static void assert_rec_equal(const struct abota_bootrec *a, const struct abota_bootrec *b)
{
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->active, b->active);
    assert_int_equal(a->trial, b->trial);
    assert_int_equal(a->attempts_left, b->attempts_left);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->failed_slot, b->failed_slot);
    assert_int_equal(a->security_floor, b->security_floor);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(a->slot[i].length, b->slot[i].length);
        assert_int_equal(a->slot[i].crc32, b->slot[i].crc32);
        assert_int_equal(a->slot[i].version, b->slot[i].version);
        assert_int_equal(a->slot[i].security, b->slot[i].security);
    }
}

/* Re-seals a hand-edited record so that only the edited field is wrong. */
static void reseal(uint8_t b[ABOTA_BOOTREC_SIZE])
{
    uint32_t c = abota_crc32_update(0, b, 60);
    b[60] = (uint8_t)c;
    b[61] = (uint8_t)(c >> 8);
    b[62] = (uint8_t)(c >> 16);
    b[63] = (uint8_t)(c >> 24);
}

static void test_round_trip_and_layout(void **state)
{
    (void)state;
    struct abota_bootrec r = sample(), d;
    uint8_t b[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(&r, b);
    /* Fixed offsets, little-endian, as drawn in bootrec.c. */
    const uint8_t head[16] = {'A', 'B', 'R', 'C', 1, 2, 2, 3, 0x04, 0x03, 0x02, 0x01, 1, 1, 0, 0};
    assert_memory_equal(b, head, sizeof head);
    const uint8_t slot1[12] = {0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55,
                               0x03, 0x00, 0x02, 0x01};
    assert_memory_equal(b + 16, slot1, sizeof slot1);
    for (int i = 40; i < 60; i++)
        assert_int_equal(b[i], 0);
    assert_int_equal(abota_bootrec_decode(b, &d), 0);
    assert_rec_equal(&r, &d);

    /* Every combination of the small enums round-trips. */
    for (int a = 1; a <= 2; a++)
        for (int t = 0; t <= 2; t++)
            for (int fs = 0; fs <= 2; fs++)
                for (unsigned fl = 0; fl <= 3; fl++) {
                    r.active = (uint8_t)a;
                    r.trial = (uint8_t)t;
                    r.failed_slot = (uint8_t)fs;
                    r.flags = (uint8_t)fl;
                    abota_bootrec_encode(&r, b);
                    assert_int_equal(abota_bootrec_decode(b, &d), 0);
                    assert_rec_equal(&r, &d);
                }
}

static void test_every_bit_flip_rejected(void **state)
{
    (void)state;
    struct abota_bootrec r = sample(), d;
    uint8_t good[ABOTA_BOOTREC_SIZE], b[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(&r, good);
    for (unsigned bit = 0; bit < ABOTA_BOOTREC_SIZE * 8u; bit++) {
        memcpy(b, good, sizeof b);
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = abota_bootrec_decode(b, &d);
        if (rc >= 0)
            fail_msg("bit %u flipped, record still accepted", bit);
        /* A flip in the magic is reported as such, anywhere else the CRC. */
        assert_int_equal(rc, bit < 32 ? ABOTA_ERR_BOOTREC_MAGIC : ABOTA_ERR_BOOTREC_CRC);
    }
}

static void test_each_field_range_checked(void **state)
{
    (void)state;
    struct abota_bootrec r = sample(), d;
    uint8_t good[ABOTA_BOOTREC_SIZE], b[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(&r, good);

    static const struct {
        unsigned off;
        uint8_t val;
        int err;
    } cases[] = {
        {4, 0, ABOTA_ERR_BOOTREC_VERSION},  {4, 3, ABOTA_ERR_BOOTREC_VERSION},
        /* format 2 without security fields, format 1 with them */
        {4, 2, ABOTA_ERR_BOOTREC_FIELD},    {40, 1, ABOTA_ERR_BOOTREC_FIELD},
        {47, 1, ABOTA_ERR_BOOTREC_FIELD},   {48, 1, ABOTA_ERR_BOOTREC_FIELD},
        {5, 0, ABOTA_ERR_BOOTREC_FIELD},    {5, 3, ABOTA_ERR_BOOTREC_FIELD},
        {5, 0xFF, ABOTA_ERR_BOOTREC_FIELD}, {6, 3, ABOTA_ERR_BOOTREC_FIELD},
        {6, 0xFF, ABOTA_ERR_BOOTREC_FIELD}, {12, 0x04, ABOTA_ERR_BOOTREC_FIELD},
        {12, 0x80, ABOTA_ERR_BOOTREC_FIELD}, {13, 3, ABOTA_ERR_BOOTREC_FIELD},
        {14, 1, ABOTA_ERR_BOOTREC_FIELD},   {15, 0xFF, ABOTA_ERR_BOOTREC_FIELD},
        {52, 1, ABOTA_ERR_BOOTREC_FIELD},   {59, 0xFF, ABOTA_ERR_BOOTREC_FIELD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, good, sizeof b);
        b[cases[i].off] = cases[i].val;
        reseal(b);
        assert_int_equal(abota_bootrec_decode(b, &d), cases[i].err);
    }
    /* Attempts, seq and slot info take any value. */
    memcpy(b, good, sizeof b);
    b[7] = 0xFF;
    reseal(b);
    assert_int_equal(abota_bootrec_decode(b, &d), 0);
    assert_int_equal(d.attempts_left, 0xFF);

    /* Erased flash is not a record. */
    memset(b, 0xFF, sizeof b);
    assert_int_equal(abota_bootrec_decode(b, &d), ABOTA_ERR_BOOTREC_MAGIC);
    memset(b, 0, sizeof b);
    assert_int_equal(abota_bootrec_decode(b, &d), ABOTA_ERR_BOOTREC_MAGIC);
}

/* The security floor and the entries' security versions make the record
 * format 2 and travel at 40..51; without them the bytes are format 1's. */
static void test_security_fields(void **state)
{
    (void)state;
    struct abota_bootrec r = sample(), d;
    uint8_t b[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(&r, b);
    assert_int_equal(b[4], ABOTA_BOOTREC_FORMAT);

    r.security_floor = 3;
    r.slot[0].security = 3;
    r.slot[1].security = 0x01020304u;
    abota_bootrec_encode(&r, b);
    assert_int_equal(b[4], ABOTA_BOOTREC_FORMAT_2);
    assert_int_equal(b[40], 3);
    assert_int_equal(b[44], 3);
    assert_int_equal(b[48], 0x04);
    assert_int_equal(b[51], 0x01);
    assert_int_equal(abota_bootrec_decode(b, &d), 0);
    assert_int_equal(d.security_floor, 3);
    assert_int_equal(d.slot[0].security, 3);
    assert_int_equal(d.slot[1].security, 0x01020304u);
}

/* set_next keeps the floor and refuses an entry below it. */
static void test_set_next_security_floor(void **state)
{
    (void)state;
    struct ramflash rf;
    struct abota_layout l = layout(4);
    ramflash_init_layout(&rf, mem, &l);
    struct abota_bootrec r = sample();
    r.security_floor = 5;
    r.slot[r.active - 1].security = 5;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), 0);
    int other = r.active == 1 ? 2 : 1;
    struct abota_slot_record low = {1000, 0xABCD, 7, 4}, ok = {1000, 0xABCD, 7, 5};
    assert_int_equal(abota_bootrec_set_next(&rf.port, &l, other, &low, 3),
                     ABOTA_ERR_SECURITY_VERSION);
    struct abota_bootrec got;
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, NULL), 0);
    assert_int_equal(got.seq, r.seq); /* nothing written */
    assert_int_equal(abota_bootrec_set_next(&rf.port, &l, other, &ok, 3), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, NULL), 0);
    assert_int_equal(got.active, other);
    assert_int_equal(got.security_floor, 5);
    assert_int_equal(got.slot[other - 1].security, 5);
}

static void test_seq_newer(void **state)
{
    (void)state;
    assert_true(abota_bootrec_seq_newer(1, 0));
    assert_false(abota_bootrec_seq_newer(0, 1));
    assert_false(abota_bootrec_seq_newer(5, 5));
    assert_true(abota_bootrec_seq_newer(0, 0xFFFFFFFFu));
    assert_false(abota_bootrec_seq_newer(0xFFFFFFFFu, 0));
    assert_true(abota_bootrec_seq_newer(0x7FFFFFFFu, 0));
    assert_false(abota_bootrec_seq_newer(0x80000000u, 0));
    assert_false(abota_bootrec_seq_newer(0, 0x80000000u));
    assert_true(abota_bootrec_seq_newer(3, 0xFFFFFFF0u));
}

static void put_copy(struct ramflash *rf, uint32_t addr, const struct abota_bootrec *r)
{
    uint8_t b[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(r, b);
    assert_int_equal(abota_flash_erase(&rf->port, addr), 0);
    assert_int_equal(abota_flash_write(&rf->port, addr, b, sizeof b), 0);
}

static void test_read_picks_newest(void **state)
{
    (void)state;
    struct ramflash rf;
    struct abota_layout l = layout(4);
    ramflash_init_layout(&rf, mem, &l);
    struct abota_bootrec a = sample(), b = sample(), got;
    int copy = -1;

    /* Erased: nothing. */
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), ABOTA_ERR_BOOTREC_NONE);

    static const struct {
        uint32_t s0, s1;
        int want;
    } cases[] = {
        {7, 8, 1}, {8, 7, 0}, {0xFFFFFFFFu, 0, 1}, {0, 0xFFFFFFFFu, 0},
        {0xFFFFFFFEu, 0xFFFFFFFFu, 1}, {100, 100, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        a.seq = cases[i].s0;
        a.active = 1;
        b.seq = cases[i].s1;
        b.active = 2;
        put_copy(&rf, REC0, &a);
        put_copy(&rf, REC1, &b);
        assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
        assert_int_equal(copy, cases[i].want);
        assert_int_equal(got.active, cases[i].want + 1);
    }

    /* The newer copy corrupted: the older one is read. */
    a.seq = 1;
    b.seq = 2;
    put_copy(&rf, REC0, &a);
    put_copy(&rf, REC1, &b);
    mem[REC1 + 20] ^= 0x10;
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
    assert_int_equal(copy, 0);
    assert_int_equal(got.seq, 1);

    /* Both corrupted. */
    mem[REC0 + 33] ^= 0x01;
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), ABOTA_ERR_BOOTREC_NONE);

    /* One erased, the other valid. */
    assert_int_equal(abota_flash_erase(&rf.port, REC0), 0);
    put_copy(&rf, REC1, &b);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, NULL), 0);
    assert_int_equal(got.seq, 2);
}

static void write_sequence(uint32_t align)
{
    struct ramflash rf;
    struct abota_layout l = layout(align);
    ramflash_init_layout(&rf, mem, &l);
    struct abota_bootrec r = sample(), got;
    int copy;

    /* No valid copy: the first write goes to bootrec[0] with the seq given. */
    r.seq = 0xFFFFFFFEu;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), 0);
    assert_int_equal(r.seq, 0xFFFFFFFEu);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
    assert_int_equal(copy, 0);
    assert_rec_equal(&r, &got);
    /* The whole sector past the record stays erased. */
    for (uint32_t i = ABOTA_BOOTREC_SIZE; i < SECTOR; i++)
        assert_int_equal(mem[REC0 + i], 0xFF);

    /* Then alternate sectors, seq + 1 each time, through the wrap. */
    static const uint32_t want_seq[] = {0xFFFFFFFFu, 0, 1, 2};
    for (int i = 0; i < 4; i++) {
        unsigned erases = rf.erases;
        r.attempts_left = (uint8_t)i;
        r.seq = 12345; /* ignored: the write takes newest + 1 */
        assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), 0);
        assert_int_equal(r.seq, want_seq[i]);
        assert_int_equal(rf.erases, erases + 1);
        assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
        assert_int_equal(copy, (i + 1) % 2);
        assert_rec_equal(&r, &got);
        assert_int_equal(rf.last_write_addr, copy ? REC1 : REC0);
    }
}

static void test_write_alternates(void **state)
{
    (void)state;
    write_sequence(1);
    write_sequence(4);
    write_sequence(16);
}

static void test_write_refuses_bad_fields(void **state)
{
    (void)state;
    struct ramflash rf;
    struct abota_layout l = layout(4);
    ramflash_init_layout(&rf, mem, &l);
    struct abota_bootrec r = sample();
    r.active = 3;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), ABOTA_ERR_BOOTREC_FIELD);
    r = sample();
    r.trial = 7;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), ABOTA_ERR_BOOTREC_FIELD);
    assert_int_equal(rf.erases, 0);
    assert_int_equal(rf.writes, 0);
}

/* A power cut right after the erase (before the write), or a torn write of
 * the new copy, leaves the old record readable. */
static void test_cut_after_erase_keeps_old(void **state)
{
    (void)state;
    struct ramflash rf;
    struct abota_layout l = layout(4);
    ramflash_init_layout(&rf, mem, &l);
    struct abota_bootrec r = sample(), got;
    int copy;
    r.active = 1;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), 0);
    r.active = 2;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &r), 0); /* seq+1 in REC1 */
    uint32_t old_seq = r.seq;

    /* The next write targets REC0. Simulate the cut: erase only. */
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
    assert_int_equal(copy, 1);
    assert_int_equal(abota_flash_erase(&rf.port, REC0), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
    assert_int_equal(copy, 1);
    assert_int_equal(got.seq, old_seq);
    assert_int_equal(got.active, 2);

    /* A torn write: every prefix of the new copy in 4-byte units. */
    struct abota_bootrec n = got;
    n.seq = old_seq + 1;
    n.active = 1;
    uint8_t b[ABOTA_BOOTREC_SIZE];
    abota_bootrec_encode(&n, b);
    for (uint32_t cut = 0; cut < ABOTA_BOOTREC_SIZE; cut += 4) {
        assert_int_equal(abota_flash_erase(&rf.port, REC0), 0);
        assert_int_equal(abota_flash_write(&rf.port, REC0, b, cut), 0);
        assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
        assert_int_equal(copy, 1);
        assert_int_equal(got.seq, old_seq);
    }
    /* The complete write makes the new one current. */
    assert_int_equal(abota_flash_write(&rf.port, REC0 + 60, b + 60, 4), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
    assert_int_equal(copy, 0);
    assert_int_equal(got.seq, old_seq + 1);

    /* After a cut, the next write still goes to the sector not holding the
     * newest copy (here REC1) and does not destroy REC0. */
    assert_int_equal(abota_flash_erase(&rf.port, REC1), 0);
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &n), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, &copy), 0);
    assert_int_equal(copy, 1);
    assert_int_equal(got.seq, old_seq + 2);
}

static void test_set_next_and_clear_flags(void **state)
{
    (void)state;
    struct ramflash rf;
    struct abota_layout l = layout(4);
    ramflash_init_layout(&rf, mem, &l);
    struct abota_bootrec got;

    /* From nothing: a fresh record. */
    assert_int_equal(
        abota_bootrec_set_next(&rf.port, &l, 2, REC_ENTRY(1000, 0xABCD, 0x01000000u), 3), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, NULL), 0);
    assert_int_equal(got.seq, 0);
    assert_int_equal(got.active, 2);
    assert_int_equal(got.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(got.attempts_left, 3);
    assert_int_equal(got.slot[1].length, 1000);
    assert_int_equal(got.slot[1].crc32, 0xABCD);
    assert_int_equal(got.slot[1].version, 0x01000000u);
    assert_int_equal(got.slot[0].length, 0);

    /* From a rolled-back record: flags cleared, other slot's info kept. */
    got.active = 2;
    got.trial = ABOTA_TRIAL_NONE;
    got.flags = ABOTA_BOOTREC_ROLLED_BACK;
    got.failed_slot = 1;
    got.slot[0].length = 500;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &got), 0);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &l, 1, REC_ENTRY(2000, 0x1234, 7), 2), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, NULL), 0);
    assert_int_equal(got.seq, 2);
    assert_int_equal(got.active, 1);
    assert_int_equal(got.flags, 0);
    assert_int_equal(got.failed_slot, 0);
    assert_int_equal(got.slot[0].length, 2000);
    assert_int_equal(got.slot[1].length, 1000);

    assert_int_equal(abota_bootrec_set_next(&rf.port, &l, 3, REC_ENTRY(1, 1, 1), 1), ABOTA_ERR_ARG);
    assert_int_equal(abota_bootrec_set_next(&rf.port, &l, 1, REC_ENTRY(1, 1, 1), 0), ABOTA_ERR_ARG);

    /* clear_flags: no write when clear, a write when set. */
    unsigned w = rf.writes;
    assert_int_equal(abota_bootrec_clear_flags(&rf.port, &l), 0);
    assert_int_equal(rf.writes, w);
    got.flags = ABOTA_BOOTREC_FELL_BACK;
    got.failed_slot = 2;
    assert_int_equal(abota_bootrec_write(&rf.port, &l, &got), 0);
    assert_int_equal(abota_bootrec_clear_flags(&rf.port, &l), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &l, &got, NULL), 0);
    assert_int_equal(got.flags, 0);
    assert_int_equal(got.failed_slot, 0);
    assert_int_equal(got.active, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_layout),
        cmocka_unit_test(test_every_bit_flip_rejected),
        cmocka_unit_test(test_each_field_range_checked),
        cmocka_unit_test(test_security_fields),
        cmocka_unit_test(test_set_next_security_floor),
        cmocka_unit_test(test_seq_newer),
        cmocka_unit_test(test_read_picks_newest),
        cmocka_unit_test(test_write_alternates),
        cmocka_unit_test(test_write_refuses_bad_fields),
        cmocka_unit_test(test_cut_after_erase_keeps_old),
        cmocka_unit_test(test_set_next_and_clear_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
