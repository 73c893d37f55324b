/* The manifest poll (abota/poll.h) over a scripted net port, a RAM flash
 * and a fake clock: openssl-signed manifests (poll_vectors.h), the real
 * exchange, parser, reader and verifier underneath; then the engine's run
 * bound to the manifest's release (cfg.expect). A poll never touches the
 * flash: every poll is checked to make no flash operation at all.
 * Portable: runs on the target CPUs too. Skipped (77) without
 * ABOTA_FEATURE_POLL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "abota/config.h"
#include "abota/error.h"

#if ABOTA_FEATURE_POLL

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/image.h"
#include "abota/poll.h"
#include "abota/update.h"
#include "fakeclock.h"
#include "fakenet.h"
#include "fixture.h"
#include "poll_vectors.h"
#include "ramflash.h"
#include "sig_image_vectors.h"
#include "testimg.h"

#define MANIFEST_URL "http://fw.example:8080/ota/manifest.json"
#define RESP_CAP (TESTIMG_SLOT_SIZE + 512u)

static const uint32_t V_RUNNING = (1u << 24) | (0u << 16) | 0u; /* 1.0.0 */
static const uint32_t V_NEW = (1u << 24) | (1u << 16) | 0u;     /* 1.1.0 */
static const uint8_t DEVICE_ID[6] = {0x5c, 0xcf, 0x7f, 0x01, 0x02, 0x03};

static struct {
    struct abota_layout layout;
    struct ramflash rf;
    struct fakenet net;
    struct fakeclock clock;
    struct abota_update up;
    struct abota_update_config cfg;
    struct abota_poll poll;
    unsigned reads, writes, erases;
    uint32_t run_crc;
} t;

static uint8_t flash_mem[TESTIMG_FLASH_SIZE];
static uint8_t run_img[2560];
static uint8_t img[TESTIMG_SLOT_SIZE];
static uint8_t resp[8][RESP_CAP / 2];
static uint8_t big[RESP_CAP];
static uint8_t rxbuf[1460];
static char doc[ABOTA_MANIFEST_MAX];
static char image_url[ABOTA_URL_MAX];

/* Slot 1 runs 1.0.0, confirmed; the engine and the poll are set up. */
static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof t);
    testimg_layout(&t.layout, 4);
    ramflash_init_layout(&t.rf, flash_mem, &t.layout);
    testimg_install_running(&t.rf, &t.layout, run_img, sizeof run_img, 2000, V_RUNNING);
    t.run_crc = abota_crc32_update(0, flash_mem + t.layout.slot[0].offset, TESTIMG_SLOT_SIZE);
    fakeclock_init(&t.clock, 1000, 1);
    fakenet_init(&t.net, &t.clock);
    t.cfg.url = image_url;
    t.cfg.expect = abota_poll_expect(&t.poll);
    t.cfg.no_footer_probe = true;
    t.cfg.max_attempts = 1;
    assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    struct abota_poll_config pc = {
        .url = MANIFEST_URL,
        .sign_key = sig_key_a,
        .device_id = DEVICE_ID,
        .device_id_len = sizeof DEVICE_ID,
    };
    assert_int_equal(abota_poll_init(&t.poll, &pc, &t.up, doc, sizeof doc), 0);
    t.reads = t.rf.reads;
    t.writes = t.rf.writes;
    t.erases = t.rf.erases;
    return 0;
}

/* A response: status, extra header lines, the body with Content-Length. */
static size_t response(uint8_t *out, size_t cap, const char *status, const char *headers,
                       const void *body, size_t len)
{
    int h = snprintf((char *)out, cap, "HTTP/1.1 %s\r\n%sContent-Length: %u\r\n\r\n", status,
                     headers, (unsigned)len);
    assert_true(h > 0 && (size_t)h + len <= cap);
    if (len)
        memcpy(out + h, body, len);
    return (size_t)h + len;
}

static unsigned next_resp;

/* Scripts the next connection with a response, received 7 bytes a call
 * (every split of the head and body is exercised somewhere). */
static void serve(const char *status, const char *headers, const void *body, size_t len)
{
    assert_true(next_resp < 8);
    uint8_t *out = resp[next_resp++];
    fakenet_add(&t.net, out, response(out, RESP_CAP / 2, status, headers, body, len), 7);
}

static void serve_manifest(const char *m, const char *etag)
{
    char h[64];
    snprintf(h, sizeof h, "Content-Type: application/json\r\n%s%s%s", etag ? "ETag: " : "",
             etag ? etag : "", etag ? "\r\n" : "");
    serve("200 OK", h, m, strlen(m));
}

static int poll_as(uint32_t running, uint32_t security)
{
    int r = abota_poll_check(&t.poll, ABOTA_SLOT_1, running, security, image_url,
                             sizeof image_url);
    assert_int_equal(t.net.misuse, 0);
    assert_int_equal(t.net.cur, -1); /* every connection closed */
    return r;
}

static int poll(void)
{
    return poll_as(V_RUNNING, 0);
}

/* Not one flash operation since setup, and the device as it was. */
static void assert_no_flash_op(void)
{
    assert_int_equal(t.rf.reads, t.reads);
    assert_int_equal(t.rf.writes, t.writes);
    assert_int_equal(t.rf.erases, t.erases);
}

static void assert_sent_has(unsigned conn, const char *want, bool has)
{
    assert_true(conn < t.net.connects);
    const char *s = (const char *)t.net.sent[conn];
    size_t n = t.net.sent_len[conn], w = strlen(want);
    bool found = false;
    for (size_t i = 0; i + w <= n && !found; i++)
        found = memcmp(s + i, want, w) == 0;
    if (found != has)
        fail_msg("request %u %s \"%s\": %.*s", conn, has ? "lacks" : "has", want, (int)n, s);
}

/* The image the manifests name: 1.1.0 for slot 2, security 1. */
static uint32_t build_image(uint32_t version, uint32_t security)
{
    uint32_t n = testimg_build(img, sizeof img, POLL_PAYLOAD, 9, ABOTA_SLOT_2, version);
    testimg_set_security(img, n, security);
    return n;
}

/* --- what the manifest says --- */

static void test_newer_relative_then_installed(void **state)
{
    (void)state;
    serve_manifest(poll_newer, "\"m1\"");
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_string_equal(image_url, "http://fw.example:8080/ota/user2.bin");
    assert_int_equal(abota_poll_expect(&t.poll)->version, V_NEW);
    assert_int_equal(abota_poll_expect(&t.poll)->security, 1);
    assert_int_equal(abota_poll_expect(&t.poll)->length, POLL_LENGTH);
    assert_int_equal(t.poll.interval_s, 600);
    assert_sent_has(0, "GET /ota/manifest.json HTTP/1.1\r\n", true);
    assert_sent_has(0, "If-None-Match", false);
    assert_no_flash_op();

    /* The image it names installs. */
    uint32_t n = build_image(V_NEW, 1);
    assert_int_equal(n, POLL_LENGTH);
    static uint8_t body[RESP_CAP];
    fakenet_add(&t.net, body,
                response(body, sizeof body, "200 OK",
                         "Content-Type: application/octet-stream\r\n", img, n),
                0);
    assert_int_equal(abota_update_run(&t.up, ABOTA_SLOT_1), 0);
    assert_sent_has(1, "GET /ota/user2.bin HTTP/1.1\r\n", true);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.slot[1].version, V_NEW);
    assert_int_equal(rec.slot[1].security, 1);
    assert_int_equal(rec.slot[1].length, n);

    /* An update answer keeps no ETag: the next poll judges afresh. */
    serve_manifest(poll_newer, "\"m1\"");
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_sent_has(2, "If-None-Match", false);
}

static void test_absolute_url(void **state)
{
    (void)state;
    serve_manifest(poll_absolute, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    /* '%' doubled: the engine's URL is a template ("%%" is one '%'). */
    assert_string_equal(image_url, "http://cdn.example/fw/any%%20x.bin");
    assert_no_flash_op();
}

static void test_relative_up(void **state)
{
    (void)state;
    serve_manifest(poll_up, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_string_equal(image_url, "http://fw.example:8080/fw/user2.bin");
}

/* A manifest fetched over https names an http:// image: refused, as an
 * https -> http redirect is. */
static void test_https_manifest_http_image(void **state)
{
    (void)state;
    fakenet_enable_tls(&t.net);
    t.poll.cfg.url = "https://fw.example/ota/manifest.json";
    serve_manifest(poll_absolute, NULL);
    assert_int_equal(poll(), ABOTA_ERR_HTTP_REDIRECT_INSECURE);
    assert_true(t.net.tls[0]);
    assert_string_equal(image_url, ""); /* nothing for cfg.url */
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_string_equal(image_url, "https://fw.example/ota/user2.bin");
}

static void test_not_newer(void **state)
{
    (void)state;
    serve_manifest(poll_equal, NULL);
    assert_int_equal(poll(), ABOTA_POLL_NOTHING_NEW);
    assert_string_equal(image_url, "");
    serve_manifest(poll_older, NULL);
    assert_int_equal(poll(), ABOTA_POLL_NOTHING_NEW);
    /* A device already past the release. */
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll_as((1u << 24) | (2u << 16), 0), ABOTA_POLL_NOTHING_NEW);
    assert_no_flash_op();
}

static void test_policy_different(void **state)
{
    (void)state;
    t.poll.cfg.policy = ABOTA_POLL_DIFFERENT;
    serve_manifest(poll_older, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    serve_manifest(poll_equal, NULL);
    assert_int_equal(poll(), ABOTA_POLL_NOTHING_NEW);
}

/* 304 to the kept ETag: nothing new, nothing parsed, no flash at all. */
static void test_not_modified(void **state)
{
    (void)state;
    serve_manifest(poll_equal, "\"e1\"");
    assert_int_equal(poll(), ABOTA_POLL_NOTHING_NEW);
    assert_sent_has(0, "If-None-Match", false);
    serve("304 Not Modified", "ETag: \"e1\"\r\n", NULL, 0);
    memset(doc, 'x', sizeof doc); /* a 304 must not need the document */
    assert_int_equal(poll(), ABOTA_POLL_UNCHANGED);
    assert_sent_has(1, "If-None-Match: \"e1\"\r\n", true);
    serve("304 Not Modified", "", NULL, 0);
    assert_int_equal(poll(), ABOTA_POLL_UNCHANGED);
    assert_sent_has(2, "If-None-Match: \"e1\"\r\n", true);
    assert_no_flash_op();

    /* Another running version: the ETag is not sent, a 304 is refused. */
    serve("304 Not Modified", "", NULL, 0);
    assert_int_equal(poll_as(V_RUNNING + 1u, 0), ABOTA_ERR_MAN_NOT_MODIFIED);
    assert_sent_has(3, "If-None-Match", false);
    /* A changed manifest (200) replaces what was judged. */
    serve_manifest(poll_newer, "\"e2\"");
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_sent_has(4, "If-None-Match: \"e1\"\r\n", true);
    assert_no_flash_op();
}

static void test_refused_documents(void **state)
{
    (void)state;
    static char bad[ABOTA_MANIFEST_MAX];
    size_t n = strlen(poll_newer);
    memcpy(bad, poll_newer, n);
    bad[n - 1] = ','; /* the top object no longer closes */
    serve_manifest(bad, "\"b\"");
    int r = poll();
    assert_true(r == ABOTA_ERR_MAN_JSON || r == ABOTA_ERR_MAN_TRUNCATED);
    serve_manifest(poll_unsigned, NULL);
    assert_int_equal(poll(), ABOTA_ERR_MAN_MISSING);
    serve_manifest(poll_key_b, NULL);
    assert_int_equal(poll(), ABOTA_ERR_MAN_SIGNATURE);
    /* One signed byte changed: 1.1.0 -> 1.1.1. */
    memcpy(bad, poll_newer, n + 1);
    char *v = strstr(bad, "\"1.1.0\"");
    assert_non_null(v);
    v[5] = '1';
    serve_manifest(bad, NULL);
    assert_int_equal(poll(), ABOTA_ERR_MAN_SIGNATURE);
    /* Nothing unverified is left for the caller, and no ETag kept. */
    assert_int_equal(t.poll.manifest.version, 0);
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_sent_has(4, "If-None-Match", false);
    assert_no_flash_op();
}

static void test_too_large(void **state)
{
    (void)state;
    memset(big, ' ', ABOTA_MANIFEST_MAX + 1u);
    serve("200 OK", "", big, ABOTA_MANIFEST_MAX + 1u);
    assert_int_equal(poll(), ABOTA_ERR_MAN_TOO_LARGE);
    /* Without a length: bounded by the buffer as it arrives. */
    int h = snprintf((char *)big, sizeof big, "HTTP/1.0 200 OK\r\n\r\n");
    memset(big + h, ' ', ABOTA_MANIFEST_MAX + 10u);
    fakenet_add(&t.net, big, (size_t)h + ABOTA_MANIFEST_MAX + 10u, 100);
    assert_int_equal(poll(), ABOTA_ERR_MAN_TOO_LARGE);
    assert_no_flash_op();
}

static void test_min_version(void **state)
{
    (void)state;
    serve_manifest(poll_min, NULL);
    assert_int_equal(poll(), ABOTA_ERR_MAN_MIN_VERSION);
    serve_manifest(poll_min, NULL);
    assert_int_equal(poll_as(V_RUNNING + 1u, 0), ABOTA_POLL_UPDATE); /* 1.0.1 */
}

static void test_not_in_rollout(void **state)
{
    (void)state;
    serve_manifest(poll_rollout0, "\"r0\"");
    assert_int_equal(poll(), ABOTA_POLL_NOT_IN_ROLLOUT);
    assert_string_equal(image_url, "");
    /* Kept: the same manifest is not judged again. */
    serve("304 Not Modified", "", NULL, 0);
    assert_int_equal(poll(), ABOTA_POLL_UNCHANGED);
    assert_sent_has(1, "If-None-Match: \"r0\"\r\n", true);
    assert_no_flash_op();
}

static void test_security_below_running(void **state)
{
    (void)state;
    serve_manifest(poll_newer, NULL); /* security 1 */
    assert_int_equal(poll_as(V_RUNNING, 2), ABOTA_ERR_MAN_SECURITY);
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll_as(V_RUNNING, 1), ABOTA_POLL_UPDATE);
}

static void test_no_image_for_slot(void **state)
{
    (void)state;
    serve_manifest(poll_slot1_only, NULL);
    assert_int_equal(poll(), ABOTA_ERR_MAN_NO_IMAGE);
}

/* 302 -> 301 -> the manifest: the image URL is resolved against the URL the
 * manifest came from. */
static void test_redirect_chain(void **state)
{
    (void)state;
    serve("302 Found", "Location: /moved/manifest.json\r\n", NULL, 0);
    serve("301 Moved Permanently", "Location: http://mirror.example/rel/manifest.json\r\n",
          NULL, 0);
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_string_equal(image_url, "http://mirror.example/rel/user2.bin");
    assert_sent_has(1, "GET /moved/manifest.json ", true);
    assert_sent_has(2, "GET /rel/manifest.json ", true);
    assert_string_equal(t.net.host[2], "mirror.example");

    /* Endless redirects end. */
    for (int i = 0; i < ABOTA_UPDATE_MAX_REDIRECTS + 1; i++)
        serve("307 Temporary Redirect", "Location: /again\r\n", NULL, 0);
    assert_int_equal(poll(), ABOTA_ERR_HTTP_REDIRECT_LOOP);
    assert_no_flash_op();
}

static void test_http_errors(void **state)
{
    (void)state;
    serve("404 Not Found", "", NULL, 0);
    assert_int_equal(poll(), ABOTA_ERR_HTTP_NOT_FOUND);
    serve("503 Service Unavailable", "", NULL, 0);
    assert_int_equal(poll(), ABOTA_ERR_HTTP_SERVER_ERROR);
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_REFUSED);
    assert_int_equal(poll(), ABOTA_ERR_NET_REFUSED);
    assert_no_flash_op();
}

/* --- the image bound to the manifest --- */

/* The device keeps booting the running image, the other slot unerased. */
static void assert_refused_before_erase(int err)
{
    assert_int_equal(abota_update_run(&t.up, ABOTA_SLOT_1), err);
    assert_int_equal(t.rf.erases, t.erases);
    assert_int_equal(t.rf.writes, t.writes);
    assert_int_equal(abota_crc32_update(0, flash_mem + t.layout.slot[0].offset, TESTIMG_SLOT_SIZE),
                     t.run_crc);
}

static void test_image_missing(void **state)
{
    (void)state;
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    serve("404 Not Found", "", NULL, 0);
    assert_refused_before_erase(ABOTA_ERR_HTTP_NOT_FOUND);
}

/* The probe's 206 carries the footer of another version: refused with
 * nothing erased. */
static void probe_refuses(uint32_t version, uint32_t security, int err)
{
    setup(NULL);
    t.cfg.no_footer_probe = false;
    assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    next_resp = 0;
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    uint32_t n = build_image(version, security);
    char h[128];
    snprintf(h, sizeof h, "Content-Range: bytes %u-%u/%u\r\n", (unsigned)(n - ABOTA_FOOTER_SIZE),
             (unsigned)(n - 1u), (unsigned)n);
    serve("206 Partial Content", h, img + n - ABOTA_FOOTER_SIZE, ABOTA_FOOTER_SIZE);
    assert_refused_before_erase(err);
    assert_int_equal(t.up.attempts, 1); /* the probe alone */
    assert_sent_has(1, "Range: bytes=-256\r\n", true);
}

static void test_image_footer_differs(void **state)
{
    (void)state;
    probe_refuses((1u << 24) | (2u << 16), 1, ABOTA_ERR_MAN_IMG_VERSION);
    probe_refuses(V_NEW, 0, ABOTA_ERR_MAN_IMG_SECURITY);
}

/* Without the probe: a Content-Length other than the manifest's is refused
 * at the headers, before any erase; a wrong version after the download, at
 * the verification, before the record. */
static void test_image_length_and_final_check(void **state)
{
    (void)state;
    serve_manifest(poll_newer, NULL);
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    uint32_t n = build_image(V_NEW, 1);
    serve("200 OK", "Content-Type: application/octet-stream\r\n", img, n - 16u);
    assert_refused_before_erase(ABOTA_ERR_MAN_IMG_LENGTH);

    n = build_image((1u << 24) | (2u << 16), 1);
    static uint8_t body[RESP_CAP];
    fakenet_add(&t.net, body,
                response(body, sizeof body, "200 OK",
                         "Content-Type: application/octet-stream\r\n", img, n),
                0);
    assert_int_equal(abota_update_run(&t.up, ABOTA_SLOT_1), ABOTA_ERR_MAN_IMG_VERSION);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 1);
    assert_int_equal(rec.slot[1].length, 0); /* nothing vouches for slot 2 */
}

/* --- the poll interval --- */

static void test_next_delay(void **state)
{
    (void)state;
    assert_int_equal(t.poll.interval_s, ABOTA_POLL_INTERVAL_DEFAULT);
    serve_manifest(poll_newer, NULL); /* poll_interval 600 */
    assert_int_equal(poll(), ABOTA_POLL_UPDATE);
    assert_int_equal(abota_poll_next_delay_ms(&t.poll, 0), 540000u);
    assert_int_equal(abota_poll_next_delay_ms(&t.poll, 120000u), 660000u);
    assert_int_equal(abota_poll_next_delay_ms(&t.poll, 120001u), 540000u);
    for (uint32_t r = 1; r < 2000000u; r += 7919u) {
        uint32_t d = abota_poll_next_delay_ms(&t.poll, r * 2654435761u);
        assert_true(d >= 540000u && d <= 660000u);
    }
    t.poll.interval_s = 0xFFFFFFFFu; /* saturates, never wraps */
    assert_int_equal(abota_poll_next_delay_ms(&t.poll, 0xFFFFFFFFu), 0xFFFFFFFFu);
    assert_true(abota_poll_next_delay_ms(&t.poll, 0) >= 0xFFFFFFFFu - 0xFFFFFFFFu / 10u);
}

static void test_init_refusals(void **state)
{
    (void)state;
    struct abota_poll p;
    struct abota_poll_config pc = {.url = MANIFEST_URL, .sign_key = NULL};
    assert_int_equal(abota_poll_init(&p, &pc, &t.up, doc, sizeof doc), ABOTA_ERR_ARG);
    pc.sign_key = sig_key_a;
    assert_int_equal(abota_poll_init(&p, &pc, &t.up, doc, 0), ABOTA_ERR_ARG);
    pc.policy = (enum abota_poll_policy)7;
    assert_int_equal(abota_poll_init(&p, &pc, &t.up, doc, sizeof doc), ABOTA_ERR_ARG);
    pc.policy = ABOTA_POLL_NEWER;
    assert_int_equal(abota_poll_init(&p, &pc, &t.up, doc, sizeof doc), 0);
    assert_int_equal(abota_poll_check(&p, 3, V_RUNNING, 0, image_url, sizeof image_url),
                     ABOTA_ERR_SLOT_INVALID);
}

static int reset(void **state)
{
    next_resp = 0;
    return setup(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_newer_relative_then_installed, reset, NULL),
        cmocka_unit_test_setup_teardown(test_absolute_url, reset, NULL),
        cmocka_unit_test_setup_teardown(test_relative_up, reset, NULL),
        cmocka_unit_test_setup_teardown(test_https_manifest_http_image, reset, NULL),
        cmocka_unit_test_setup_teardown(test_not_newer, reset, NULL),
        cmocka_unit_test_setup_teardown(test_policy_different, reset, NULL),
        cmocka_unit_test_setup_teardown(test_not_modified, reset, NULL),
        cmocka_unit_test_setup_teardown(test_refused_documents, reset, NULL),
        cmocka_unit_test_setup_teardown(test_too_large, reset, NULL),
        cmocka_unit_test_setup_teardown(test_min_version, reset, NULL),
        cmocka_unit_test_setup_teardown(test_not_in_rollout, reset, NULL),
        cmocka_unit_test_setup_teardown(test_security_below_running, reset, NULL),
        cmocka_unit_test_setup_teardown(test_no_image_for_slot, reset, NULL),
        cmocka_unit_test_setup_teardown(test_redirect_chain, reset, NULL),
        cmocka_unit_test_setup_teardown(test_http_errors, reset, NULL),
        cmocka_unit_test_setup_teardown(test_image_missing, reset, NULL),
        cmocka_unit_test_setup_teardown(test_image_footer_differs, reset, NULL),
        cmocka_unit_test_setup_teardown(test_image_length_and_final_check, reset, NULL),
        cmocka_unit_test_setup_teardown(test_next_delay, reset, NULL),
        cmocka_unit_test_setup_teardown(test_init_refusals, reset, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
    printf("poll: not built (ABOTA_FEATURE_POLL=0)\n");
    return 77;
}

#endif
