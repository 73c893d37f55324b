#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "choose.h"
#include "ramflash.h"
#include "testimg.h"
#include "recentry.h"

static uint8_t mem[TESTIMG_FLASH_SIZE];
static uint8_t img[2][4096];
static uint32_t img_len[2], img_crc[2];
static const uint32_t img_ver[2] = {0x01000000u, 0x02000000u};

static struct ramflash rf;
static struct abota_layout lay;

enum slot_state { VALID, INVALID, EMPTY };
static const char *const state_name[] = {"valid", "invalid", "empty"};

static int setup(void **state)
{
    (void)state;
    testimg_layout(&lay, 4);
    /* Espressif payloads: the loader checks the header too. */
    img_len[0] = testimg_build_esp(img[0], sizeof img[0], 3008, 1, 1, img_ver[0]);
    img_len[1] = testimg_build_esp(img[1], sizeof img[1], 2496, 2, 2, img_ver[1]);
    for (int i = 0; i < 2; i++)
        img_crc[i] = abota_crc32_update(0, img[i], img_len[i]);
    return 0;
}

static void fresh_flash(void)
{
    ramflash_init_layout(&rf, mem, &lay);
}

static void put_slot(int slot, enum slot_state st)
{
    if (st == EMPTY) {
        testimg_erase_slot(&rf, &lay, slot);
        return;
    }
    testimg_put(&rf, &lay, slot, img[slot - 1], img_len[slot - 1]);
    if (st == INVALID) /* one payload bit flipped */
        mem[lay.slot[slot - 1].offset + 1000] ^= 0x01;
}

/* A record that knows both images as they were written. */
static struct abota_bootrec known_record(int active, int trial, int attempts)
{
    struct abota_bootrec r;
    memset(&r, 0, sizeof r);
    r.seq = 5;
    r.active = (uint8_t)active;
    r.trial = (uint8_t)trial;
    r.attempts_left = (uint8_t)attempts;
    for (int i = 0; i < 2; i++) {
        r.slot[i].length = img_len[i];
        r.slot[i].crc32 = img_crc[i];
        r.slot[i].version = img_ver[i];
    }
    return r;
}

/* ---- The reference model: the rules, stated plainly. ---- */

struct expect {
    int rc;
    int slot;
    enum abota_boot_reason reason;
    bool write;
    int active, trial, attempts, flags, failed;
};

/* valid[s]: slot s holds an image that verifies and matches the record.
 * header_ok[s]: slot s starts with an Espressif header, which is all the
 * shipped ESP8266 loader (loader true) can check without a record. */
static struct expect model(const bool valid[3], const bool header_ok[3], bool loader,
                           int rec_active, int trial, int attempts)
{
    struct expect e;
    memset(&e, 0, sizeof e);
    e.trial = trial;
    e.attempts = attempts;
    e.active = rec_active;

    if (rec_active == 0) {
        /* No record: the first slot that holds a good image; the loader
         * can only tell a header, and writes no record (it could only
         * write one that vouches for nothing). */
        const bool *ok = loader ? header_ok : valid;
        int s = ok[1] ? 1 : ok[2] ? 2 : 0;
        if (s == 0) {
            e.rc = ABOTA_ERR_BOOT_NOTHING;
            return e;
        }
        e.slot = s;
        e.reason = ABOTA_BOOT_NO_RECORD;
        e.write = !loader;
        e.active = s;
        e.trial = ABOTA_TRIAL_NONE;
        e.attempts = 0;
        return e;
    }

    int a = rec_active, o = 3 - rec_active;
    int want, alt;
    enum abota_boot_reason want_reason, alt_reason;
    if (trial == ABOTA_TRIAL_NONE) {
        /* Confirmed: boot it; if it is broken, boot the other one. */
        want = a, want_reason = ABOTA_BOOT_NORMAL;
        alt = o, alt_reason = ABOTA_BOOT_FALLBACK;
    } else if (attempts > 0) {
        /* In trial with attempts left: try it once more. */
        want = a, want_reason = ABOTA_BOOT_TRIAL;
        alt = o, alt_reason = ABOTA_BOOT_FALLBACK;
    } else {
        /* Trial used up: go back, unless there is nothing to go back to. */
        want = o, want_reason = ABOTA_BOOT_ROLLBACK;
        alt = a, alt_reason = ABOTA_BOOT_NO_ROLLBACK;
    }
    if (valid[want]) {
        e.slot = want;
        e.reason = want_reason;
    } else if (valid[alt]) {
        e.slot = alt;
        e.reason = alt_reason;
    } else {
        e.rc = ABOTA_ERR_BOOT_NOTHING;
        return e;
    }

    switch (e.reason) {
    case ABOTA_BOOT_NORMAL:
        break;
    case ABOTA_BOOT_TRIAL: /* one attempt used */
        e.trial = ABOTA_TRIAL_TESTING;
        e.attempts = attempts - 1;
        e.write = true;
        break;
    case ABOTA_BOOT_ROLLBACK:
    case ABOTA_BOOT_FALLBACK: /* the other slot becomes active, confirmed */
        e.active = e.slot;
        e.trial = ABOTA_TRIAL_NONE;
        e.attempts = 0;
        e.flags = e.reason == ABOTA_BOOT_ROLLBACK ? ABOTA_BOOTREC_ROLLED_BACK
                                                  : ABOTA_BOOTREC_FELL_BACK;
        e.failed = a;
        e.write = true;
        break;
    case ABOTA_BOOT_NO_ROLLBACK: /* stays in trial; PENDING becomes TESTING */
        e.trial = ABOTA_TRIAL_TESTING;
        e.write = trial != ABOTA_TRIAL_TESTING;
        break;
    default:
        fail_msg("model: unexpected reason");
    }
    return e;
}

/* The boot choice of the core (abota_boot_choose + abota_boot_apply) or of
 * the ESP8266 loader that ships (abota_loader_choose, choose.c), as one
 * result: the slot, why, and whether the record was written. */
struct chosen {
    int rc, slot;
    enum abota_boot_reason reason;
    bool wrote;
};

static struct chosen choose_with(bool loader)
{
    struct chosen c = {0, 0, ABOTA_BOOT_NORMAL, false};
    unsigned w0 = rf.writes, e0 = rf.erases;
    if (loader) {
        c.rc = abota_loader_choose(&rf.port, &lay, &c.slot, &c.reason);
        c.wrote = rf.writes > w0;
        return c;
    }
    struct abota_boot_decision d;
    c.rc = abota_boot_choose(&rf.port, &lay, &d);
    /* Choosing only reads. */
    assert_int_equal(rf.writes, w0);
    assert_int_equal(rf.erases, e0);
    c.slot = d.slot;
    c.reason = d.reason;
    if (c.rc < 0) {
        assert_false(d.write_record);
        return c;
    }
    assert_int_equal(d.image.total_len, img_len[c.slot - 1]);
    assert_int_equal(d.image.footer.version, img_ver[c.slot - 1]);
    /* The record knows the booted slot's image. */
    assert_int_equal(d.rec.slot[c.slot - 1].length, img_len[c.slot - 1]);
    assert_int_equal(d.rec.slot[c.slot - 1].crc32, img_crc[c.slot - 1]);
    if (d.reason == ABOTA_BOOT_FALLBACK || d.reason == ABOTA_BOOT_NO_ROLLBACK)
        assert_true(d.active_err < 0);
    bool decided = d.write_record;
    /* Apply persists exactly the decided record. */
    assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    c.wrote = rf.writes > w0;
    assert_int_equal(c.wrote, decided);
    return c;
}

static void every_combination(bool loader)
{
    unsigned cases = 0;
    for (int s1 = VALID; s1 <= EMPTY; s1++)
        for (int s2 = VALID; s2 <= EMPTY; s2++)
            for (int ra = 0; ra <= 2; ra++)
                for (int trial = 0; trial <= 2; trial++)
                    for (int att = 0; att <= 2; att++) {
                        if (ra == 0 && (trial != 0 || att != 0))
                            continue; /* no record: nothing more to vary */
                        cases++;
                        fresh_flash();
                        put_slot(1, (enum slot_state)s1);
                        put_slot(2, (enum slot_state)s2);
                        struct abota_bootrec rec = known_record(ra ? ra : 1, trial, att);
                        if (ra)
                            assert_int_equal(abota_bootrec_write(&rf.port, &lay, &rec), 0);
                        bool valid[3] = {false, s1 == VALID, s2 == VALID};
                        bool header_ok[3] = {false, s1 != EMPTY, s2 != EMPTY};
                        struct expect e = model(valid, header_ok, loader, ra, trial, att);

                        struct chosen c = choose_with(loader);
                        if (c.rc != e.rc || c.slot != e.slot ||
                            (c.rc == 0 && c.reason != e.reason))
                            fail_msg("%s: slot1 %s, slot2 %s, record %d, trial %d, attempts %d: "
                                     "got rc %d slot %d reason %d, want rc %d slot %d reason %d",
                                     loader ? "loader" : "core", state_name[s1], state_name[s2],
                                     ra, trial, att, c.rc, c.slot, (int)c.reason, e.rc, e.slot,
                                     (int)e.reason);
                        if (c.rc < 0) {
                            assert_false(c.wrote);
                            continue;
                        }
                        assert_int_equal(c.wrote, e.write);
                        struct abota_bootrec got;
                        int rrc = abota_bootrec_read(&rf.port, &lay, &got, NULL);
                        if (!ra && !e.write) {
                            assert_int_equal(rrc, ABOTA_ERR_BOOTREC_NONE);
                            continue;
                        }
                        assert_int_equal(rrc, 0);
                        assert_int_equal(got.active, e.active);
                        assert_int_equal(got.trial, e.trial);
                        assert_int_equal(got.attempts_left, e.attempts);
                        assert_int_equal(got.flags, e.flags);
                        assert_int_equal(got.failed_slot, e.failed);
                        if (ra && e.write)
                            assert_int_equal(got.seq, 6);
                    }
    assert_int_equal(cases, 9 * (1 + 2 * 9));
}

static void test_every_combination(void **state)
{
    (void)state;
    every_combination(false);
}

/* The same model through the loader that ships on the ESP8266. */
static void test_every_combination_loader(void **state)
{
    (void)state;
    every_combination(true);
}

/* Boot without ever confirming: N trial boots, then back to the old image. */
static void test_rollback_after_attempts(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    struct abota_bootrec r = known_record(1, ABOTA_TRIAL_NONE, 0);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    assert_int_equal(
        abota_bootrec_set_next(&rf.port, &lay, 2, REC_ENTRY(img_len[1], img_crc[1], img_ver[1]),
                               3),
        0);

    struct abota_boot_decision d;
    for (int boot = 0; boot < 3; boot++) {
        assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
        assert_int_equal(d.slot, 2);
        assert_int_equal(d.reason, ABOTA_BOOT_TRIAL);
        assert_int_equal(d.rec.attempts_left, 2 - boot);
        assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    }
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_ROLLBACK);
    assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);

    /* From then on: the old image, confirmed, no more writes. */
    unsigned w = rf.writes;
    for (int boot = 0; boot < 3; boot++) {
        assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
        assert_int_equal(d.slot, 1);
        assert_int_equal(d.reason, ABOTA_BOOT_NORMAL);
        assert_false(d.write_record);
        assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    }
    assert_int_equal(rf.writes, w);
    assert_int_equal(d.rec.flags, ABOTA_BOOTREC_ROLLED_BACK);
    assert_int_equal(d.rec.failed_slot, 2);

    /* confirm does not hide the rollback; the updater clears it. */
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 1), 0);
    assert_int_equal(rf.writes, w);
    assert_int_equal(abota_bootrec_clear_flags(&rf.port, &lay), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.flags, 0);
    assert_int_equal(r.active, 1);
}

static void test_confirm_ends_trial(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    struct abota_boot_decision d;
    struct abota_bootrec r = known_record(1, ABOTA_TRIAL_NONE, 0);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);

    assert_int_equal(
        abota_bootrec_set_next(&rf.port, &lay, 2, REC_ENTRY(img_len[1], img_crc[1], img_ver[1]),
                               2),
        0);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.reason, ABOTA_BOOT_TRIAL);
    assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 2), 0);

    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.trial, ABOTA_TRIAL_NONE);
    assert_int_equal(r.attempts_left, 0);
    assert_int_equal(r.active, 2);

    unsigned w = rf.writes;
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 2), 0); /* confirmed already: no write */
    assert_int_equal(rf.writes, w);
    for (int boot = 0; boot < 5; boot++) {
        assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
        assert_int_equal(d.slot, 2);
        assert_int_equal(d.reason, ABOTA_BOOT_NORMAL);
        assert_false(d.write_record);
    }

    /* Confirming before the first boot (PENDING) works too. */
    assert_int_equal(
        abota_bootrec_set_next(&rf.port, &lay, 1, REC_ENTRY(img_len[0], img_crc[0], img_ver[0]),
                               2),
        0);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 1), 0);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_NORMAL);
}

/* Anti-rollback: the floor rises only when an image confirms, a trial
 * that rolls back leaves it, and from then on neither choice boots an
 * entry or an image below it, even when it is all there is. */
static void test_security_floor(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    struct abota_bootrec r = known_record(1, ABOTA_TRIAL_NONE, 0);
    r.slot[0].security = 1;
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    struct abota_slot_record next = {img_len[1], img_crc[1], img_ver[1], 2};
    struct abota_boot_decision d;

    /* A trial of security version 2 that never confirms: rolled back, the
     * floor stays 0. */
    assert_int_equal(abota_bootrec_set_next(&rf.port, &lay, 2, &next, 1), 0);
    for (int boot = 0; boot < 2; boot++) {
        assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
        assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    }
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_ROLLBACK);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.security_floor, 0);

    /* Again, confirmed this time: the floor is 2. */
    assert_int_equal(abota_bootrec_set_next(&rf.port, &lay, 2, &next, 1), 0);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 2);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 2), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.security_floor, 2);
    assert_int_equal(r.slot[0].security, 1);

    /* An update back to security version 1 is refused before the record. */
    struct abota_slot_record old = {img_len[0], img_crc[0], img_ver[0], 1};
    assert_int_equal(abota_bootrec_set_next(&rf.port, &lay, 1, &old, 1),
                     ABOTA_ERR_SECURITY_VERSION);

    /* Slot 2 broken: slot 1 verifies but is below the floor, by its entry
     * and by its footer (security version 0): nothing boots. */
    put_slot(2, INVALID);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), ABOTA_ERR_BOOT_NOTHING);
    int slot;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &lay, &slot, &why), ABOTA_ERR_BOOT_NOTHING);

    /* The same slot 1 image with security version 2 in its footer is found
     * by the probe (its entry still says 1). */
    testimg_set_security(img[0], img_len[0], 2);
    put_slot(1, VALID);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.rec.slot[0].security, 2);
    testimg_set_security(img[0], img_len[0], 0);
}

/* A device flashed by other tools confirms an image with a security
 * version: the first record's floor is that version. */
static void test_confirm_sets_floor(void **state)
{
    (void)state;
    fresh_flash();
    testimg_set_security(img[0], img_len[0], 4);
    put_slot(1, VALID);
    put_slot(2, EMPTY);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 1), 0);
    struct abota_bootrec r;
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.security_floor, 4);
    assert_int_equal(r.slot[0].security, 4);
    testimg_set_security(img[0], img_len[0], 0);
}

/* The slot that runs is what the loader started, not the record's word:
 * when the loader could not write its choice (a rollback here), confirming
 * would make the rolled-back image the good one. */
static void test_confirm_refuses_other_slot(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    struct abota_bootrec r = known_record(2, ABOTA_TRIAL_TESTING, 0);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    unsigned w = rf.writes;
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 1), ABOTA_ERR_BOOT_NOT_ACTIVE);
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 1), ABOTA_ERR_BOOT_NOT_ACTIVE);
    assert_int_equal(rf.writes, w);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 3), ABOTA_ERR_ARG);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 0), ABOTA_ERR_ARG);
}

/* A device flashed by other tools has no record: the first confirm
 * verifies the running image and writes a record that describes it, so the
 * loader can check it by CRC from then on. A record that does not describe
 * the running image (length 0) learns it the same way. */
static void test_confirm_describes_running_image(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, EMPTY);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 1), 0);
    struct abota_bootrec r;
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.active, 1);
    assert_int_equal(r.trial, ABOTA_TRIAL_NONE);
    assert_int_equal(r.slot[0].length, img_len[0]);
    assert_int_equal(r.slot[0].crc32, img_crc[0]);
    assert_int_equal(r.slot[0].version, img_ver[0]);
    assert_int_equal(r.slot[1].length, 0);
    int slot;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &lay, &slot, &why), 0);
    assert_int_equal(slot, 1);
    assert_int_equal(why, ABOTA_BOOT_NORMAL);

    /* Length 0 for the running slot in an existing record. */
    r = known_record(2, ABOTA_TRIAL_NONE, 0);
    memset(&r.slot[1], 0, sizeof r.slot[1]);
    put_slot(2, VALID);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 2), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.slot[1].length, img_len[1]);
    assert_int_equal(r.slot[1].crc32, img_crc[1]);
    assert_int_equal(r.slot[0].length, img_len[0]); /* the other entry kept */

    /* An image that does not verify is not written into the record. */
    fresh_flash();
    put_slot(1, INVALID);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 1), ABOTA_ERR_IMG_CRC);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), ABOTA_ERR_BOOTREC_NONE);
}

/* Before the updater's first erase: the record describes the running image
 * and no longer vouches for the target slot; once that holds, nothing is
 * written again (a resumed download, a retry). */
static void test_prepare_update_zeroes_target(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    struct abota_bootrec r = known_record(1, ABOTA_TRIAL_NONE, 0);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 1), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.slot[1].length, 0);
    assert_int_equal(r.slot[1].crc32, 0);
    assert_int_equal(r.slot[1].version, 0);
    assert_int_equal(r.slot[0].length, img_len[0]);
    unsigned w = rf.writes;
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 1), 0);
    assert_int_equal(rf.writes, w);

    /* Slot 2 still holds a good image, but neither choice trusts an
     * entry the updater zeroed: a half-written slot looks just like it. */
    mem[lay.slot[0].offset + 10] ^= 0x01;
    int slot = 0;
    enum abota_boot_reason why;
    assert_int_equal(abota_loader_choose(&rf.port, &lay, &slot, &why), ABOTA_ERR_BOOT_NOTHING);
    mem[lay.slot[0].offset + 10] ^= 0x01;

    /* A trial stays a trial (the caller decided to update anyway). */
    r = known_record(1, ABOTA_TRIAL_TESTING, 2);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 1), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.trial, ABOTA_TRIAL_TESTING);
    assert_int_equal(r.attempts_left, 2);
    assert_int_equal(r.slot[1].length, 0);

    /* A record that does not describe the running image, or none at all:
     * nothing is written (a record now could not name a slot that boots);
     * the firmware confirms first. */
    r = known_record(1, ABOTA_TRIAL_NONE, 0);
    memset(&r.slot[0], 0, sizeof r.slot[0]);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    w = rf.writes;
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 1), ABOTA_ERR_UP_UNCONFIRMED);
    assert_int_equal(rf.writes, w);
    fresh_flash();
    put_slot(1, EMPTY);
    put_slot(2, VALID);
    w = rf.writes;
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 2), ABOTA_ERR_UP_UNCONFIRMED);
    assert_int_equal(rf.writes, w);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), ABOTA_ERR_BOOTREC_NONE);
    assert_int_equal(abota_boot_confirm(&rf.port, &lay, 2), 0);
    assert_int_equal(abota_boot_prepare_update(&rf.port, &lay, 2), 0);
    assert_int_equal(abota_bootrec_read(&rf.port, &lay, &r, NULL), 0);
    assert_int_equal(r.active, 2);
    assert_int_equal(r.slot[1].length, img_len[1]);
    assert_int_equal(r.slot[0].length, 0);
}

static void test_corrupted_active_falls_back(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    struct abota_bootrec r = known_record(2, ABOTA_TRIAL_NONE, 0);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    mem[lay.slot[1].offset + 77] ^= 0x40;

    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_FALLBACK);
    assert_int_equal(d.active_err, ABOTA_ERR_IMG_CRC);
    assert_int_equal(abota_boot_apply(&rf.port, &lay, &d), 0);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_NORMAL);
    assert_int_equal(d.rec.flags, ABOTA_BOOTREC_FELL_BACK);
    assert_int_equal(d.rec.failed_slot, 2);

    /* An image that verifies but is not the one the record names (wrong
     * CRC in the record) does not count as the active image. */
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, VALID);
    r = known_record(2, ABOTA_TRIAL_NONE, 0);
    r.slot[1].crc32 ^= 1;
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_FALLBACK);
    assert_int_equal(d.active_err, ABOTA_ERR_BOOT_MISMATCH);
}

/* The record lags behind flash (an image written, its record update lost):
 * when nothing matches the record, a probe still finds a bootable image. */
static void test_stale_record_probes(void **state)
{
    (void)state;
    fresh_flash();
    put_slot(1, INVALID);
    put_slot(2, VALID);
    struct abota_bootrec r = known_record(1, ABOTA_TRIAL_NONE, 0);
    r.slot[1].length = 999 * 16;
    r.slot[1].crc32 = 0x12345678u;
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);

    struct abota_boot_decision d;
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 2);
    assert_int_equal(d.reason, ABOTA_BOOT_FALLBACK);
    assert_true(d.write_record);
    assert_int_equal(d.rec.slot[1].length, img_len[1]);
    assert_int_equal(d.rec.slot[1].crc32, img_crc[1]);
    assert_int_equal(d.rec.slot[1].version, img_ver[1]);

    /* A record entry of length 0 is not trusted; when nothing else boots,
     * the probe's full verification still finds the image. */
    fresh_flash();
    put_slot(1, VALID);
    put_slot(2, EMPTY);
    r = known_record(1, ABOTA_TRIAL_NONE, 0);
    memset(&r.slot[0], 0, sizeof r.slot[0]);
    assert_int_equal(abota_bootrec_write(&rf.port, &lay, &r), 0);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), 0);
    assert_int_equal(d.slot, 1);
    assert_int_equal(d.reason, ABOTA_BOOT_NORMAL);
    assert_true(d.write_record); /* learns the image's length and CRC */
    assert_int_equal(d.rec.slot[0].length, img_len[0]);
    assert_int_equal(d.rec.slot[0].crc32, img_crc[0]);

    /* An image built for the other slot is not bootable there. */
    fresh_flash();
    testimg_put(&rf, &lay, 1, img[1], img_len[1]);
    assert_int_equal(abota_boot_choose(&rf.port, &lay, &d), ABOTA_ERR_BOOT_NOTHING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_combination),
        cmocka_unit_test(test_every_combination_loader),
        cmocka_unit_test(test_rollback_after_attempts),
        cmocka_unit_test(test_confirm_ends_trial),
        cmocka_unit_test(test_security_floor),
        cmocka_unit_test(test_confirm_sets_floor),
        cmocka_unit_test(test_confirm_refuses_other_slot),
        cmocka_unit_test(test_confirm_describes_running_image),
        cmocka_unit_test(test_prepare_update_zeroes_target),
        cmocka_unit_test(test_corrupted_active_falls_back),
        cmocka_unit_test(test_stale_record_probes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
