/* Signed updates through the whole engine: with a built-in key only an
 * image its holder signed is installed; everything else (another key, no
 * signature, a payload or footer changed after signing with every hash and
 * CRC made to agree, a plain Espressif bin) ends the run with the
 * signature's error before the boot record is written, and with the footer
 * probe before anything is erased. The images were signed by openssl with
 * the test-only keys (sig_image_vectors.h). Skipped (77) in a build
 * without ABOTA_FEATURE_SIGNATURE, where a key is refused at init. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "abota/update.h"
#include "fakeclock.h"
#include "fakenet.h"
#include "ramflash.h"
#include "sig_image_vectors.h"
#include "testimg.h"

#define URL "http://fw.example/ota/user%d.bin"
#define V_RUNNING ((1u << 24) | (0u << 16)) /* 1.0.0; the vectors carry 1.1.0 */
#define IMG_MAX 1024u

#if ABOTA_FEATURE_SIGNATURE

static struct {
    struct abota_layout layout;
    struct ramflash rf;
    struct fakenet net;
    struct fakeclock clock;
    struct abota_update up;
    struct abota_update_config cfg;
    uint32_t record_crc;
    unsigned erases_before;
} t;

static uint8_t flash_mem[TESTIMG_FLASH_SIZE];
static uint8_t run_img[2560];
static uint8_t rxbuf[1460];
static uint8_t img[IMG_MAX];
static uint32_t img_len;
static uint8_t resp[2][IMG_MAX + 256u];

static uint32_t records_crc(void)
{
    uint32_t c = abota_crc32_update(0, flash_mem + t.layout.bootrec[0], TESTIMG_SECTOR);
    return abota_crc32_update(c, flash_mem + t.layout.bootrec[1], TESTIMG_SECTOR);
}

/* Slot 1 runs 1.0.0, confirmed; the device holds key A. */
static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof t);
    testimg_layout(&t.layout, 4);
    ramflash_init_layout(&t.rf, flash_mem, &t.layout);
    testimg_install_running(&t.rf, &t.layout, run_img, sizeof run_img, 2000, V_RUNNING);
    fakeclock_init(&t.clock, 1000, 1);
    fakenet_init(&t.net, &t.clock);
    t.cfg.url = URL;
    t.cfg.no_footer_probe = true;
    t.cfg.sign_key = sig_key_a;
    t.record_crc = records_crc();
    t.erases_before = t.rf.erases;
    return 0;
}

static void use(const uint8_t *src, size_t len)
{
    assert_true(len <= sizeof img);
    memcpy(img, src, len);
    img_len = (uint32_t)len;
}

static size_t response(uint8_t *out, const char *status, const char *extra, const uint8_t *body,
                       size_t len)
{
    int h = snprintf((char *)out, 256,
                     "HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\n%s"
                     "Content-Length: %u\r\n\r\n",
                     status, extra, (unsigned)len);
    assert_true(h > 0 && h < 256);
    memcpy(out + h, body, len);
    return (size_t)h + len;
}

/* The server: the whole image, after the footer probe's 206 when asked. */
static int run(bool probe)
{
    t.cfg.no_footer_probe = !probe;
    if (probe) {
        char range[96];
        snprintf(range, sizeof range, "Content-Range: bytes %u-%u/%u\r\n",
                 (unsigned)(img_len - 256u), (unsigned)(img_len - 1u), (unsigned)img_len);
        fakenet_add(&t.net, resp[0],
                    response(resp[0], "206 Partial Content", range, img + img_len - 256u, 256),
                    0);
    }
    fakenet_add(&t.net, resp[1], response(resp[1], "200 OK", "", img, img_len), 0);
    int r = abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port, &t.clock.port,
                              rxbuf, sizeof rxbuf);
    assert_int_equal(r, 0);
    r = abota_update_run(&t.up, ABOTA_SLOT_1);
    assert_int_equal(t.rf.lock_violations, 0);
    return r;
}

static void assert_installed(void)
{
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.slot[1].length, img_len);
    assert_int_equal(rec.slot[1].crc32, abota_crc32_update(0, img, img_len));
    assert_memory_equal(flash_mem + t.layout.slot[1].offset, img, img_len);
}

/* Refused after the download: slot 1 still boots, the record at most
 * stopped vouching for slot 2 (abota_boot_prepare_update). */
static void assert_refused_after_download(int rc, int want)
{
    assert_int_equal(rc, want);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 1);
    assert_int_equal(rec.trial, ABOTA_TRIAL_NONE);
    assert_int_equal(rec.slot[1].length, 0);
}

/* Refused by the probe: not a byte erased, the records as they were, one
 * request only. */
static void assert_refused_by_probe(int rc, int want)
{
    assert_int_equal(rc, want);
    assert_int_equal(t.rf.erases, t.erases_before);
    assert_int_equal(records_crc(), t.record_crc);
    assert_int_equal(t.net.connects, 1);
}

/* Rewrites the footer (its CRC made to agree) after f was edited. */
static void refoot(const struct abota_footer *f)
{
    abota_footer_encode(f, img + img_len - ABOTA_FOOTER_SIZE);
}

static void decode(struct abota_footer *f)
{
    assert_int_equal(abota_footer_decode(img + img_len - ABOTA_FOOTER_SIZE, f), 0);
}

static void test_signed_by_key_installs(void **state)
{
    (void)state;
    use(sig_img_a, sizeof sig_img_a);
    assert_int_equal(run(false), 0);
    assert_installed();
    assert_int_equal(t.up.new_version, (1u << 24) | (1u << 16));
}

static void test_signed_by_key_installs_after_probe(void **state)
{
    (void)state;
    use(sig_img_a, sizeof sig_img_a);
    assert_int_equal(run(true), 0);
    assert_installed();
    assert_int_equal(t.net.connects, 2);
}

/* Nothing about the key but its holder's signature counts. */
static void test_other_key_refused(void **state)
{
    (void)state;
    use(sig_img_b, sizeof sig_img_b);
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_INVALID);
}

static void test_other_key_refused_by_probe(void **state)
{
    (void)state;
    use(sig_img_b, sizeof sig_img_b);
    assert_refused_by_probe(run(true), ABOTA_ERR_SIG_INVALID);
}

static void test_unsigned_refused(void **state)
{
    (void)state;
    use(sig_img_unsigned, sizeof sig_img_unsigned);
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_NONE);
}

static void test_unsigned_refused_by_probe(void **state)
{
    (void)state;
    use(sig_img_unsigned, sizeof sig_img_unsigned);
    assert_refused_by_probe(run(true), ABOTA_ERR_SIG_NONE);
}

/* A crafted image: the payload changed and the footer's CRC-32, SHA-256
 * and own CRC recomputed, the signature kept. Integrity checks all pass;
 * only the signature can tell. */
static void test_changed_payload_refused(void **state)
{
    (void)state;
    use(sig_img_a, sizeof sig_img_a);
    struct abota_footer f;
    decode(&f);
    img[10] ^= 0x5A;
    f.crc32 = abota_crc32_update(0, img, f.payload_len);
    abota_sha256(img, f.payload_len, f.sha256);
    refoot(&f);
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_INVALID);
}

/* Each signed field that decides what runs, changed after signing. */
static void test_changed_footer_fields_refused(void **state)
{
    for (int field = 0; field < 3; field++) {
        setup(state);
        use(sig_img_a, sizeof sig_img_a);
        struct abota_footer f;
        decode(&f);
        if (field == 0)
            f.version += 1u;        /* a newer version than signed */
        else if (field == 1)
            f.target_slot = 2;      /* bound to a slot it was not signed for */
        else
            f.security_version = 5; /* a security version it was not given */
        refoot(&f);
        assert_refused_after_download(run(false), ABOTA_ERR_SIG_INVALID);
    }
}

static void test_signature_bytes_checked(void **state)
{
    static const struct {
        unsigned at;
        int want;
    } cases[] = {
        {0, ABOTA_ERR_SIG_INVALID},  /* a bit of r */
        {40, ABOTA_ERR_SIG_INVALID}, /* a bit of s */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup(state);
        use(sig_img_a, sizeof sig_img_a);
        struct abota_footer f;
        decode(&f);
        f.sig[cases[i].at] ^= 0x01;
        refoot(&f);
        assert_refused_after_download(run(false), cases[i].want);
    }
    /* r = 0: out of range whatever the rest. */
    setup(state);
    use(sig_img_a, sizeof sig_img_a);
    struct abota_footer f;
    decode(&f);
    memset(f.sig, 0, 32);
    refoot(&f);
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_RANGE);
}

/* An unknown signature type or a length that is not P-256's is no
 * signature this device checks: refused, named. */
static void test_unknown_type_and_length_refused(void **state)
{
    (void)state;
    use(sig_img_a, sizeof sig_img_a);
    struct abota_footer f;
    decode(&f);
    f.sig_type = 7;
    refoot(&f);
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_TYPE);

    setup(state);
    use(sig_img_a, sizeof sig_img_a);
    decode(&f);
    f.sig_len = 63;
    f.sig[63] = 0; /* the footer wants unused signature bytes zero */
    refoot(&f);
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_LENGTH);
}

/* The security version is signed too, and a signed one installs. */
static void test_signed_security_version_installs(void **state)
{
    (void)state;
    use(sig_img_a_sec1, sizeof sig_img_a_sec1);
    assert_int_equal(run(true), 0);
    assert_installed();
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.slot[1].security, 1);
}

/* A plain Espressif bin has no footer, so no signature. */
static void test_plain_esp_bin_refused(void **state)
{
    (void)state;
    img_len = testimg_build_esp(img, sizeof img, 512, 3, 2, 0);
    /* Only the Espressif bin: its length is where its checksum ends. */
    struct abota_footer f;
    decode(&f);
    img_len = f.payload_len;
    assert_refused_after_download(run(false), ABOTA_ERR_SIG_NONE);
}

/* Without a key the same unsigned image installs (integrity only). */
static void test_no_key_installs_unsigned(void **state)
{
    (void)state;
    t.cfg.sign_key = NULL;
    use(sig_img_unsigned, sizeof sig_img_unsigned);
    assert_int_equal(run(true), 0);
    assert_installed();
}

/* A poll that finds the running version is answered before any
 * signature is checked, and refuses all the same. */
static void test_up_to_date_needs_no_signature(void **state)
{
    (void)state;
    use(sig_img_b, sizeof sig_img_b);
    struct abota_footer f;
    decode(&f);
    f.version = V_RUNNING;
    refoot(&f);
    assert_refused_by_probe(run(true), ABOTA_ERR_UP_TO_DATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signed_by_key_installs, setup, NULL),
        cmocka_unit_test_setup_teardown(test_other_key_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_unsigned_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_changed_payload_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_changed_footer_fields_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_signature_bytes_checked, setup, NULL),
        cmocka_unit_test_setup_teardown(test_unknown_type_and_length_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_plain_esp_bin_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_no_key_installs_unsigned, setup, NULL),
#if ABOTA_FEATURE_FOOTER_PROBE
        cmocka_unit_test_setup_teardown(test_signed_by_key_installs_after_probe, setup, NULL),
        cmocka_unit_test_setup_teardown(test_other_key_refused_by_probe, setup, NULL),
        cmocka_unit_test_setup_teardown(test_unsigned_refused_by_probe, setup, NULL),
        cmocka_unit_test_setup_teardown(test_signed_security_version_installs, setup, NULL),
        cmocka_unit_test_setup_teardown(test_up_to_date_needs_no_signature, setup, NULL),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
    /* A key is refused where nothing could check it. */
    static uint8_t flash_mem[TESTIMG_FLASH_SIZE];
    static uint8_t rxbuf[1460];
    static struct abota_update u;
    struct abota_layout l;
    struct ramflash rf;
    struct fakeclock clock;
    struct fakenet net;
    testimg_layout(&l, 4);
    ramflash_init_layout(&rf, flash_mem, &l);
    fakeclock_init(&clock, 0, 1);
    fakenet_init(&net, &clock);
    struct abota_update_config cfg = {.url = URL, .sign_key = sig_key_a};
    int r = abota_update_init(&u, &cfg, &rf.port, &l, &net.port, &clock.port, rxbuf, sizeof rxbuf);
    if (r != ABOTA_ERR_UNSUPPORTED) {
        printf("abota_update_init took a key it cannot check: %d\n", r);
        return 1;
    }
    printf("signature: not built (ABOTA_FEATURE_SIGNATURE=0); a key is refused\n");
    return 77;
}

#endif
