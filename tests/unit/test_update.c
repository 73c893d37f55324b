/* The update engine end to end over a RAM flash, a scripted net port and a
 * fake clock: real HTTP parser, slot writer, image verification and boot
 * record underneath. Every failing case checks that the boot record sectors
 * and the running slot are byte-identical to before. */
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
#include "abota/update.h"
#include "abota/version.h"
#include "fakeclock.h"
#include "fakenet.h"
#include "fixture.h"
#include "ramflash.h"
#include "testimg.h"

#define URL "http://fw.example:8080/ota/user%d.bin"
#define PAYLOAD_LEN 9000u /* about 2.3 sectors of the 16 KiB slot */
#define RESP_CAP (TESTIMG_SLOT_SIZE + 512u)
#define MAX_EVENTS 160
#define SNAP_HEAD 256u /* record bytes kept for a byte-wise comparison */

struct ev {
    enum abota_update_step step;
    uint32_t done, total;
    int err, slot;
    uint32_t version;
    char detail[24];
};

static struct {
    struct abota_layout layout;
    struct ramflash rf;
    struct fakenet net;
    struct fakeclock clock;
    struct abota_update up;
    struct abota_update_config cfg;
    uint32_t running_len, running_crc;
    struct ev ev[MAX_EVENTS];
    unsigned nev;
    unsigned erases_before;
    uint32_t run_crc;
    uint32_t rec_crc[2];
} t;

static uint8_t flash_mem[TESTIMG_FLASH_SIZE];
static uint8_t snap_rec[2][SNAP_HEAD];
static uint8_t img[TESTIMG_SLOT_SIZE + 128u];
static uint8_t resp[RESP_CAP];
static uint8_t resp2[1024];
static uint8_t run_img[2560];
static uint8_t rxbuf[1460];

static const uint32_t V_RUNNING = (1u << 24) | (0u << 16) | 0u; /* 1.0.0 */
static const uint32_t V_NEW = (1u << 24) | (1u << 16) | 0u;     /* 1.1.0 */

static void on_event(void *arg, const struct abota_update_event *e)
{
    (void)arg;
    if (t.nev >= MAX_EVENTS)
        fail_msg("too many events");
    struct ev *v = &t.ev[t.nev++];
    v->step = e->step;
    v->done = e->done;
    v->total = e->total;
    v->err = e->err;
    v->slot = e->slot;
    v->version = e->version;
    snprintf(v->detail, sizeof v->detail, "%s", e->detail ? e->detail : "");
}

static void snapshot(void)
{
    /* Both record sectors: the head (the 64-byte record and more) byte for
     * byte, the whole sector by CRC (RAM is short on the targets). */
    for (int i = 0; i < 2; i++) {
        memcpy(snap_rec[i], flash_mem + t.layout.bootrec[i], SNAP_HEAD);
        t.rec_crc[i] = abota_crc32_update(0, flash_mem + t.layout.bootrec[i], TESTIMG_SECTOR);
    }
    /* The running slot is locked against writes and erases too. */
    t.run_crc = abota_crc32_update(0, flash_mem + t.layout.slot[0].offset, TESTIMG_SLOT_SIZE);
    t.erases_before = t.rf.erases;
}

/* Slot 1 runs version 1.0.0, confirmed; slot 2 holds leftovers. */
static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof t);
    testimg_layout(&t.layout, 4);
    ramflash_init_layout(&t.rf, flash_mem, &t.layout);
    /* Its own buffer: tests may call setup again after filling img/resp. */
    uint32_t n = testimg_install_running(&t.rf, &t.layout, run_img, sizeof run_img, 2000,
                                         V_RUNNING);
    fill_random(flash_mem + t.layout.slot[1].offset, 3000, 5);
    t.running_len = n;
    t.running_crc = abota_crc32_update(0, run_img, n);

    /* Start near the 32-bit wrap of the ms counter: the deadline arithmetic
     * must not care. */
    fakeclock_init(&t.clock, 0xFFFFF000u, 1);
    fakenet_init(&t.net, &t.clock);
    t.cfg.url = URL;
    t.cfg.no_footer_probe = true;
    snapshot();
    return 0;
}

static int run(void)
{
    int r = abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port, &t.clock.port,
                              rxbuf, sizeof rxbuf);
    assert_int_equal(r, 0);
    abota_update_set_callback(&t.up, on_event, NULL);
    t.nev = 0;
    r = abota_update_run(&t.up, ABOTA_SLOT_1);
    assert_int_equal(t.rf.lock_violations, 0);
    assert_int_equal(t.net.misuse, 0);
    assert_int_equal(t.net.cur, -1); /* every connection closed */
    return r;
}

static void assert_untouched(void)
{
    for (int i = 0; i < 2; i++) {
        const uint8_t *sec = flash_mem + t.layout.bootrec[i];
        assert_memory_equal(sec, snap_rec[i], SNAP_HEAD);
        assert_int_equal(abota_crc32_update(0, sec, TESTIMG_SECTOR), t.rec_crc[i]);
    }
    assert_int_equal(abota_crc32_update(0, flash_mem + t.layout.slot[0].offset, TESTIMG_SLOT_SIZE),
                     t.run_crc);
}

static void assert_nothing_erased(void)
{
    assert_int_equal(t.rf.erases, t.erases_before);
}

/* --- responses --- */

static size_t put_head(uint8_t *out, size_t cap, const char *head)
{
    size_t n = strlen(head);
    assert_true(n <= cap);
    memcpy(out, head, n);
    return n;
}

/* "HTTP/1.1 <status>" + extra header lines + the body with Content-Length. */
static size_t response(uint8_t *out, size_t cap, const char *status, const char *headers,
                       const uint8_t *body, size_t len)
{
    char head[512];
    int h = snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sContent-Length: %u\r\n\r\n", status,
                     headers, (unsigned)len);
    assert_true(h > 0 && (size_t)h < sizeof head);
    size_t n = put_head(out, cap, head);
    assert_true(len <= cap - n);
    if (len)
        memcpy(out + n, body, len);
    return n + len;
}

static size_t ok_image(uint8_t *out, size_t cap, const uint8_t *body, size_t len)
{
    return response(out, cap, "200 OK", "Content-Type: application/octet-stream\r\n", body, len);
}

/* Chunked, with chunk sizes cycling through a few odd values. */
static size_t chunked(uint8_t *out, size_t cap, const uint8_t *body, size_t len)
{
    static const size_t sizes[] = {1, 700, 4096, 33, 1500};
    size_t n = put_head(out, cap,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t off = 0, i = 0; off < len; i++) {
        size_t k = sizes[i % 5];
        if (k > len - off)
            k = len - off;
        char line[16];
        int h = snprintf(line, sizeof line, "%lx\r\n", (unsigned long)k);
        assert_true(cap - n > (size_t)h + k + 2);
        memcpy(out + n, line, (size_t)h);
        n += (size_t)h;
        memcpy(out + n, body + off, k);
        n += k;
        memcpy(out + n, "\r\n", 2);
        n += 2;
        off += k;
    }
    return n + put_head(out + n, cap - n, "0\r\n\r\n");
}

static const char *expected_request(const char *path, const char *extra)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "GET %s HTTP/1.1\r\nHost: fw.example:8080\r\nAccept: application/octet-stream\r\n"
             "Accept-Encoding: identity\r\nUser-Agent: abota/" ABOTA_VERSION_STRING "\r\n"
             "Connection: close\r\n%s\r\n",
             path, extra);
    return buf;
}

static void assert_sent(unsigned conn, const char *want)
{
    assert_int_equal(t.net.sent_len[conn], strlen(want));
    assert_memory_equal(t.net.sent[conn], want, strlen(want));
}

/* --- success checks --- */

static void assert_installed(uint32_t len, uint32_t version, uint8_t attempts)
{
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.attempts_left, attempts);
    assert_int_equal(rec.slot[1].length, len);
    assert_int_equal(rec.slot[1].crc32, abota_crc32_update(0, img, len));
    assert_int_equal(rec.slot[1].version, version);
    /* The rollback target is kept. */
    assert_int_equal(rec.slot[0].length, t.running_len);
    assert_int_equal(rec.slot[0].crc32, t.running_crc);
    assert_int_equal(rec.slot[0].version, V_RUNNING);
    assert_memory_equal(flash_mem + t.layout.slot[1].offset, img, len);
    assert_int_equal(abota_crc32_update(0, flash_mem + t.layout.slot[0].offset, TESTIMG_SLOT_SIZE),
                     t.run_crc);
    assert_int_equal(t.up.target_slot, 2);
    assert_int_equal(t.up.new_version, version);
}

/* Connection events, headers, progress rising to the total, verified,
 * record, reboot: in that order, nothing else (but a tolerated WARNING). */
static void assert_event_order(uint32_t total, uint32_t image_len)
{
    unsigned i = 0;
    assert_true(t.nev >= 7);
    /* one or more exchanges: RESOLVE CONNECTED REQUEST_SENT [HEADERS] */
    unsigned headers = 0;
    while (i < t.nev && t.ev[i].step != ABOTA_EV_PROGRESS) {
        enum abota_update_step s = t.ev[i].step;
        assert_true(s == ABOTA_EV_RESOLVE || s == ABOTA_EV_CONNECTED ||
                    s == ABOTA_EV_REQUEST_SENT || s == ABOTA_EV_HEADERS);
        if (s == ABOTA_EV_RESOLVE)
            assert_string_equal(t.ev[i].detail, "fw.example");
        if (s == ABOTA_EV_CONNECTED)
            assert_int_equal(t.ev[i - 1].step, ABOTA_EV_RESOLVE);
        if (s == ABOTA_EV_REQUEST_SENT)
            assert_int_equal(t.ev[i - 1].step, ABOTA_EV_CONNECTED);
        if (s == ABOTA_EV_HEADERS) {
            headers++;
            assert_int_equal(t.ev[i].total, total);
        }
        assert_int_equal(t.ev[i].slot, 2);
        i++;
    }
    assert_int_equal(headers, 1);
    assert_int_equal(t.ev[i - 1].step, ABOTA_EV_HEADERS);
    uint32_t last = 0;
    unsigned nprog = 0;
    while (i < t.nev && (t.ev[i].step == ABOTA_EV_PROGRESS || t.ev[i].step == ABOTA_EV_WARNING)) {
        if (t.ev[i].step == ABOTA_EV_PROGRESS) {
            assert_true(t.ev[i].done > last);
            assert_int_equal(t.ev[i].total, total);
            if (total)
                assert_true(t.ev[i].done <= total);
            last = t.ev[i].done;
            nprog++;
        }
        i++;
    }
    assert_int_equal(last, image_len);
    /* Rate-limited: at most one per percent (plus the last), at least a few. */
    assert_in_range(nprog, 3, 101);
    assert_int_equal(t.nev - i, 3);
    assert_int_equal(t.ev[i].step, ABOTA_EV_VERIFIED);
    assert_int_equal(t.ev[i].version, t.up.new_version);
    assert_int_equal(t.ev[i + 1].step, ABOTA_EV_RECORD_WRITTEN);
    assert_int_equal(t.ev[i + 2].step, ABOTA_EV_REBOOT);
}

/* --- tests --- */

static void test_success_exact_request(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 1, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_event_order(n, n);
    assert_sent(0, expected_request("/ota/user2.bin", ""));
    assert_string_equal(t.net.host[0], "fw.example");
    assert_int_equal(t.net.port_no[0], 8080);
    assert_int_equal(t.net.connect_timeout[0], 10000);
    assert_int_equal(t.up.bytes_received, len);
    assert_int_equal(t.net.connects, 1);
    /* The slot was erased just as far as the image reaches, and with
     * ABOTA_FEATURE_SKIP_ERASED only where it held data (the 3000 old
     * bytes setup left there): plus the one boot record sector written. */
    uint32_t reach = (n + TESTIMG_SECTOR - 1) / TESTIMG_SECTOR;
    uint32_t held = (3000u + TESTIMG_SECTOR - 1) / TESTIMG_SECTOR;
    uint32_t want = ABOTA_FEATURE_SKIP_ERASED && held < reach ? held : reach;
    assert_true(held < reach); /* so the two profiles differ */
    assert_int_equal(t.rf.erases - t.erases_before, want + 1);
}

/* Any split of the response, down to one byte per recv, and sends the port
 * takes 5 bytes at a time, give the same result. */
static void test_success_any_split(void **state)
{
    static const size_t chunks[] = {1, 7, 256, 1000};
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 2, ABOTA_SLOT_2, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        setup(state);
        t.net.send_chunk = 5;
        t.cfg.trial_attempts = 5;
        fakenet_add(&t.net, resp, len, chunks[c]);
        assert_int_equal(run(), 0);
        assert_installed(n, V_NEW, 5);
        assert_event_order(n, n);
        assert_sent(0, expected_request("/ota/user2.bin", ""));
        assert_int_equal(t.up.bytes_received, len);
    }
}

#if ABOTA_FEATURE_CHUNKED
static void test_success_chunked(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 3, ABOTA_SLOT_ANY, V_NEW);
    size_t len = chunked(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 3);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_event_order(0, n);
    /* Size unknown: progress every 4 KiB, then the final count. */
    unsigned nprog = 0;
    for (unsigned i = 0; i < t.nev; i++)
        nprog += t.ev[i].step == ABOTA_EV_PROGRESS;
    assert_int_equal(nprog, (n + 4095) / 4096);
    assert_int_equal(t.up.bytes_received, len);
}
#else
/* Chunked compiled out (config.h): refused at the headers, nothing erased,
 * and not retried (the server will not change its mind). */
static void test_success_chunked(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 3, ABOTA_SLOT_ANY, V_NEW);
    size_t len = chunked(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 3);
    assert_int_equal(run(), ABOTA_ERR_HTTP_TE_UNSUPPORTED);
    assert_int_equal(t.net.connects, 1);
    assert_untouched();
    assert_nothing_erased();
}
#endif

#if ABOTA_FEATURE_CONTENT_TYPE
static void test_content_type_rules(void **state)
{
    uint32_t n = testimg_build(img, sizeof img, 3000, 4, ABOTA_SLOT_ANY, V_NEW);
    /* Case and parameters do not matter. */
    size_t len = response(resp, sizeof resp, "200 OK",
                          "Content-Type: Application/Octet-Stream ; charset=binary\r\n", img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);

    /* A configured type is required... */
    setup(state);
    t.cfg.content_type = "application/x-firmware";
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_HTTP_CONTENT_TYPE);
    assert_untouched();
    assert_nothing_erased();

    /* ...and "" takes anything. */
    setup(state);
    t.cfg.content_type = "";
    len = response(resp, sizeof resp, "200 OK", "Content-Type: text/plain\r\n", img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);

    /* No Content-Type at all is no wrong one (HTTP allows a server to send
     * none): taken whatever is configured, and the image verification
     * decides. */
    for (int i = 0; i < 2; i++) {
        setup(state);
        t.cfg.content_type = i ? "application/x-firmware" : NULL;
        len = response(resp, sizeof resp, "200 OK", "", img, n);
        fakenet_add(&t.net, resp, len, 0);
        assert_int_equal(run(), 0);
        assert_installed(n, V_NEW, 3);
    }
}

static void test_wrong_content_type(void **state)
{
    (void)state;
    size_t len = response(resp, sizeof resp, "200 OK", "Content-Type: text/html\r\n",
                          (const uint8_t *)"<html></html>", 13);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_HTTP_CONTENT_TYPE);
    assert_untouched();
    assert_nothing_erased();
    /* No HEADERS, no PROGRESS: what the server sent, named for the log. */
    assert_int_equal(t.nev, 4);
    assert_int_equal(t.ev[3].step, ABOTA_EV_RESPONSE_REFUSED);
    assert_int_equal(t.ev[3].done, 200);
    assert_int_equal(t.ev[3].err, ABOTA_ERR_HTTP_CONTENT_TYPE);
    assert_string_equal(t.ev[3].detail, "text/html");
}
#else
/* The check compiled out: any Content-Type (and cfg.content_type) is
 * ignored; a body that is not an image is refused by verification and
 * never reaches the boot record. */
static void test_content_type_ignored(void **state)
{
    uint32_t n = testimg_build(img, sizeof img, 3000, 4, ABOTA_SLOT_ANY, V_NEW);
    size_t len = response(resp, sizeof resp, "200 OK", "Content-Type: text/html\r\n", img, n);
    t.cfg.content_type = "application/x-firmware";
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);

    setup(state);
    static const char page[] = "<html><body>Not here</body></html>";
    len = response(resp, sizeof resp, "200 OK", "Content-Type: text/html\r\n",
                   (const uint8_t *)page, sizeof page - 1);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_NO_FOOTER);
    assert_untouched();
}
#endif

/* Transient errors are retried (test_update_resume.c); max_attempts 1
 * shows what a single attempt reports. */
static void expect_status(const char *status, int err)
{
    t.cfg.max_attempts = 1;
    size_t len = response(resp, sizeof resp, status, "Content-Type: text/plain\r\n",
                          (const uint8_t *)"nope", 4);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), err);
    assert_untouched();
    assert_nothing_erased();
}

static void test_http_status_errors(void **state)
{
    expect_status("404 Not Found", ABOTA_ERR_HTTP_NOT_FOUND);
    setup(state);
    expect_status("500 Internal Server Error", ABOTA_ERR_HTTP_SERVER_ERROR);
    setup(state);
    expect_status("503 Service Unavailable", ABOTA_ERR_HTTP_SERVER_ERROR);
    setup(state);
    expect_status("403 Forbidden", ABOTA_ERR_HTTP_STATUS);
    setup(state);
    expect_status("204 No Content", ABOTA_ERR_HTTP_STATUS);
    setup(state);
    /* A 206 nobody asked for (no probe) is not the image. */
    expect_status("206 Partial Content", ABOTA_ERR_HTTP_STATUS);
}

/* "HTTP/1.<minor> 200" with neither Content-Length nor chunked: the body
 * runs until the server closes (RFC 9112 6.3). */
static size_t close_delimited(uint8_t *out, size_t cap, int minor, const uint8_t *body,
                              size_t len)
{
    size_t n = put_head(out, cap,
                        minor ? "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                "Connection: close\r\n\r\n"
                              : "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                "Server: SimpleHTTP/0.6\r\n\r\n");
    assert_true(len <= cap - n);
    memcpy(out + n, body, len);
    return n + len;
}

/* A body that ends at the close is the image, judged by verification like
 * any other: HTTP/1.0 and 1.1, any split. */
static void test_close_delimited(void **state)
{
    static const size_t chunks[] = {0, 1, 7, 1000};
    /* 11000: progress every 4 KiB makes at least three events */
    uint32_t n = testimg_build(img, sizeof img, 11000u, 3, ABOTA_SLOT_ANY, V_NEW);
    for (int minor = 0; minor <= 1; minor++) {
        size_t len = close_delimited(resp, sizeof resp, minor, img, n);
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            setup(state);
            fakenet_add(&t.net, resp, len, chunks[c]);
            assert_int_equal(run(), 0);
            assert_installed(n, V_NEW, 3);
            assert_event_order(0, n); /* size unknown: HEADERS total 0 */
            assert_int_equal(t.up.bytes_received, len);
            assert_int_equal(t.up.attempts, 1);
        }
    }
}

/* Cut short, a close-delimited body looks complete to HTTP: verification
 * refuses the truncated image (its footer went with the tail), one retry
 * from scratch, and nothing gets a boot record. */
static void test_close_delimited_cut(void **state)
{
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 4, ABOTA_SLOT_ANY, V_NEW);
    size_t len = close_delimited(resp, sizeof resp, 0, img, n);
    const size_t cuts[] = {len - 1, len - ABOTA_FOOTER_SIZE, len - 5000};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        setup(state);
        fakenet_add(&t.net, resp, len, 0)->cut = cuts[i];
        fakenet_add(&t.net, resp, len, 0)->cut = cuts[i];
        int r = run();
        assert_true(r == ABOTA_ERR_IMG_NO_FOOTER || r == ABOTA_ERR_IMG_FOOTER_MAGIC);
        assert_int_equal(t.up.attempts, ABOTA_FEATURE_RETRY ? 2 : 1);
        assert_untouched();
        for (unsigned k = 0; k < t.nev; k++) {
            assert_int_not_equal(t.ev[k].step, ABOTA_EV_VERIFIED);
            assert_int_not_equal(t.ev[k].step, ABOTA_EV_RECORD_WRITTEN);
        }
    }
#if ABOTA_FEATURE_RETRY
    /* The retry from scratch gets the whole image. */
    setup(state);
    fakenet_add(&t.net, resp, len, 0)->cut = len - 3000;
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_int_equal(t.up.attempts, 2);
#endif
}

/* Without a size, only the slot's end bounds the body. */
static void test_close_delimited_too_big(void **state)
{
    (void)state;
    fill_random(img, TESTIMG_SLOT_SIZE + 100u, 9);
    size_t len = close_delimited(resp, sizeof resp, 1, img, TESTIMG_SLOT_SIZE + 100u);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_SLOT_TOO_BIG);
    assert_int_equal(t.up.attempts, 1); /* permanent */
    assert_untouched();
}

static void test_too_big(void **state)
{
    (void)state;
    char head[200];
    snprintf(head, sizeof head,
             "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
             "Content-Length: %u\r\n\r\n",
             (unsigned)TESTIMG_SLOT_SIZE + 1u);
    size_t len = put_head(resp, sizeof resp, head);
    memset(resp + len, 0xA5, 4096);
    fakenet_add(&t.net, resp, len + 4096, 0);
    assert_int_equal(run(), ABOTA_ERR_SLOT_TOO_BIG);
    assert_untouched();
    assert_nothing_erased();
}

#if ABOTA_FEATURE_CHUNKED
/* Chunked: the size shows only when the slot's end is passed. */
static void test_too_big_chunked(void **state)
{
    (void)state;
    fill_random(img, TESTIMG_SLOT_SIZE + 100u, 9);
    size_t len = chunked(resp, sizeof resp, img, TESTIMG_SLOT_SIZE + 100u);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_SLOT_TOO_BIG);
    assert_untouched();
}
#endif

static void test_truncated(void **state)
{
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 5, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    /* Closed in the body, in the headers, and before the first byte. */
    const size_t cut[] = {len - 1, len / 2, 30, 0};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        setup(state);
        t.cfg.max_attempts = 1; /* one attempt: retries are tested elsewhere */
        fakenet_add(&t.net, resp, cut[i], 100);
        assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
        assert_untouched();
    }
#if ABOTA_FEATURE_CHUNKED
    /* Chunked, cut before the last chunk. */
    setup(state);
    t.cfg.max_attempts = 1;
    len = chunked(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len - 5, 0);
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    assert_untouched();
#endif
    /* A reset is reported as such. */
    setup(state);
    t.cfg.max_attempts = 1;
    fakenet_add(&t.net, resp, len / 2, 0)->recv_err = ABOTA_ERR_NET_RESET;
    assert_int_equal(run(), ABOTA_ERR_NET_RESET);
    assert_untouched();
}

static void test_corrupted_byte(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 6, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    resp[len - n + 4321] ^= 0x10; /* one payload bit on the wire */
    /* One retry from scratch (a transfer may have been corrupted); the
     * same failure again is final. Without retries the first is final. */
    fakenet_add(&t.net, resp, len, 0);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_CRC);
    assert_int_equal(t.net.connects, ABOTA_FEATURE_RETRY ? 2 : 1);
    assert_int_equal(t.up.attempts, ABOTA_FEATURE_RETRY ? 2 : 1);
    assert_untouched();
    for (unsigned i = 0; i < t.nev; i++) {
        assert_int_not_equal(t.ev[i].step, ABOTA_EV_VERIFIED);
        assert_int_not_equal(t.ev[i].step, ABOTA_EV_RECORD_WRITTEN);
    }
}

/* A 200 with an empty body is no image, whatever framing said so. */
static void test_empty_body(void **state)
{
    size_t len = ok_image(resp, sizeof resp, img, 0);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_TOO_SHORT);
    assert_untouched();
#if ABOTA_FEATURE_CHUNKED
    setup(state);
    len = chunked(resp, sizeof resp, img, 0);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_TOO_SHORT);
    assert_untouched();
#else
    (void)state;
#endif
}

/* The footer's magic flipped on the wire: the download no longer ends in a
 * footer. One retry from scratch, as for any corrupted transfer. */
static void test_corrupted_footer_magic(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 6, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    uint8_t good[sizeof resp];
    memcpy(good, resp, len);
    resp[len - ABOTA_FOOTER_SIZE] ^= 0x01;
    fakenet_add(&t.net, resp, len, 0);
    fakenet_add(&t.net, good, len, 0);
#if ABOTA_FEATURE_RETRY
    assert_int_equal(run(), 0);
    assert_int_equal(t.up.attempts, 2);
#else
    /* Without retries the first verdict is final; the caller's next run
     * would fetch the good image. */
    assert_int_equal(run(), ABOTA_ERR_IMG_NO_FOOTER);
    assert_int_equal(t.up.attempts, 1);
    assert_untouched();
#endif

    setup(state);
    fakenet_add(&t.net, resp, len, 0);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_NO_FOOTER);
    assert_int_equal(t.up.attempts, ABOTA_FEATURE_RETRY ? 2 : 1);
    assert_untouched();
}

static void test_image_for_other_slot(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 7, ABOTA_SLOT_1, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_SLOT);
    assert_untouched();
}

static void test_same_version(void **state)
{
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 8, ABOTA_SLOT_ANY, V_RUNNING);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_UP_TO_DATE);
    assert_untouched();

    /* Allowed on request (reinstall). */
    setup(state);
    t.cfg.allow_same_version = true;
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_RUNNING, 3);
}

/* An older version is a downgrade: refused unless the caller allows it. */
static void test_downgrade(void **state)
{
    const uint32_t older = V_RUNNING - 1u; /* 0.255.65535 */
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 9, ABOTA_SLOT_ANY, older);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_UP_DOWNGRADE);
    assert_untouched();

    setup(state);
    t.cfg.allow_downgrade = true;
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, older, 3);
}

/* Anti-rollback: an image below the record's security floor is refused
 * before the record changes, whatever its version; one at the floor
 * installs, and the floor rises only when it confirms (test_boot.c). */
static void test_security_floor(void **state)
{
    (void)state;
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    rec.security_floor = 3;
    rec.slot[0].security = 3;
    assert_int_equal(abota_bootrec_write(&t.rf.port, &t.layout, &rec), 0);
    snapshot();

    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 10, ABOTA_SLOT_ANY, V_NEW);
    testimg_set_security(img, n, 2);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_SECURITY_VERSION);
    assert_untouched();

    testimg_set_security(img, n, 3);
    len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.slot[1].security, 3);
    assert_int_equal(rec.security_floor, 3);
}

/* A device flashed by other tools has no boot record: the engine refuses
 * before any network (a record written before the first erase could not
 * name a slot that boots); once the firmware confirmed itself, which
 * verifies the running image and writes its entry, a newer image installs
 * and the record describes both images. */
static void test_no_boot_record(void **state)
{
    (void)state;
    testimg_erase_slot(&t.rf, &t.layout, ABOTA_SLOT_2); /* not the locked slot */
    assert_int_equal(abota_flash_erase(&t.rf.port, t.layout.bootrec[0]), 0);
    assert_int_equal(abota_flash_erase(&t.rf.port, t.layout.bootrec[1]), 0);
    snapshot();
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 9, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_UP_UNCONFIRMED);
    assert_int_equal(t.net.connects, 0);
    assert_untouched();
    assert_nothing_erased();

    assert_int_equal(abota_boot_confirm(&t.rf.port, &t.layout, ABOTA_SLOT_1), 0);
    assert_int_equal(run(), 0);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.slot[1].length, n);
    assert_int_equal(rec.slot[0].length, t.running_len);
    assert_int_equal(rec.slot[0].crc32, t.running_crc);
    assert_int_equal(rec.slot[0].version, V_RUNNING);
}

/* Rewrites the running record's trial state, active slot and slot 2 entry. */
static void set_record(int active, int trial, uint8_t attempts, uint32_t slot2_len)
{
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    rec.active = (uint8_t)active;
    rec.trial = (uint8_t)trial;
    rec.attempts_left = attempts;
    rec.slot[1] = (struct abota_slot_record){slot2_len, slot2_len ? 0x1234u : 0u,
                                             slot2_len ? V_RUNNING - 1u : 0u, 0};
    assert_int_equal(abota_bootrec_write(&t.rf.port, &t.layout, &rec), 0);
    snapshot();
}

/* An image still in trial is the only known-good one while the other slot
 * is its rollback target: no update until it is confirmed, refused before
 * any network; forced, it installs and the record keeps the trial image as
 * the rollback target. */
static void test_unconfirmed_refused(void **state)
{
    (void)state;
    set_record(ABOTA_SLOT_1, ABOTA_TRIAL_TESTING, 2, 0);
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 21, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_UP_UNCONFIRMED);
    assert_int_equal(t.net.connects, 0);
    assert_untouched();
    assert_nothing_erased();

    t.cfg.allow_unconfirmed = true;
    assert_int_equal(run(), 0);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.slot[0].length, t.running_len);
    assert_int_equal(rec.slot[1].length, n);
}

/* The running slot is what the bootloader started; a record naming the
 * other one (the bootloader's record write failed) is not acted on. */
static void test_record_names_other_slot(void **state)
{
    (void)state;
    set_record(ABOTA_SLOT_2, ABOTA_TRIAL_TESTING, 0, 3000);
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 22, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), ABOTA_ERR_BOOT_NOT_ACTIVE);
    assert_int_equal(t.net.connects, 0);
    assert_untouched();
    assert_nothing_erased();
}

/* Before the first erase in the target slot the record stops vouching for
 * it: a download cut short leaves an entry of length 0, which no boot
 * choice accepts, never the old entry over half-new bytes. */
static void test_cut_download_unvouches_target(void **state)
{
    (void)state;
    set_record(ABOTA_SLOT_1, ABOTA_TRIAL_NONE, 0, 3000);
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 23, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    t.cfg.max_attempts = 1;
    fakenet_add(&t.net, resp, len / 2, 100);
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 1);
    assert_int_equal(rec.slot[0].length, t.running_len);
    assert_int_equal(rec.slot[1].length, 0);
    assert_int_equal(rec.slot[1].crc32, 0);
    assert_int_equal(rec.slot[1].version, 0);
}

static void test_stall_times_out(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 10, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    t.cfg.idle_timeout_ms = 2000;
    t.cfg.max_attempts = 1;
    fakenet_add(&t.net, resp, len / 2, 512)->stall = true;
    assert_int_equal(run(), ABOTA_ERR_NET_TIMEOUT);
    assert_int_equal(t.net.last_timeout, 2000);
    assert_untouched();
}

/* The whole-update deadline wins over a still-flowing but slow transfer
 * (every clock reading costs 50 ms here), and it shortens the last wait. */
static void test_deadline(void **state)
{
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 11, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    t.clock.step = 50;
    t.cfg.deadline_ms = 5000;
    fakenet_add(&t.net, resp, len, 64);
    assert_int_equal(run(), ABOTA_ERR_DEADLINE);
    assert_true(t.up.bytes_received > 0 && t.up.bytes_received < len);
    assert_untouched();

    /* A stall when less than the idle timeout is left: the deadline's. */
    setup(state);
    t.cfg.deadline_ms = 3000;
    t.cfg.idle_timeout_ms = 10000;
    fakenet_add(&t.net, resp, 1000, 0)->stall = true;
    assert_int_equal(run(), ABOTA_ERR_DEADLINE);
    assert_true(t.net.last_timeout <= 3000);
    assert_untouched();
}

/* A server that accepts and then never sends a byte, on every connection. */
static void silent_server(void)
{
    for (unsigned i = 0; i < FAKENET_MAX_CONNS; i++)
        fakenet_add(&t.net, resp, 0, 0)->stall = true;
}

/* Against a silent server the engine's defaults (15 s idle timeout, six
 * attempts with back-off, a 300 s deadline) run longer than a 60 s
 * watchdog: the device would be reset before the engine gives up. A
 * declared watchdog caps the deadline at three quarters of it, and the run
 * ends by itself, its cause kept. */
static void test_watchdog_caps_deadline(void **state)
{
    silent_server();
    uint32_t start = t.clock.now;
    int r = run();
    uint32_t spent = t.clock.now - start;
    assert_true(r == ABOTA_ERR_NET_TIMEOUT || r == ABOTA_ERR_DEADLINE);
    assert_true(spent > 60000u || !ABOTA_FEATURE_RETRY); /* the defect, undeclared */
    assert_untouched();

    setup(state);
    silent_server();
    t.cfg.watchdog_ms = 60000;
    start = t.clock.now;
    r = run();
    spent = t.clock.now - start;
    printf("silent server, 60 s watchdog: gave up after %lu ms\n", (unsigned long)spent);
    assert_true(spent <= 45000u + 10u); /* each clock reading costs 1 ms here */
    assert_int_equal(t.up.cfg.deadline_ms, 45000);
    assert_true(ABOTA_FEATURE_RETRY ? r == ABOTA_ERR_DEADLINE : r == ABOTA_ERR_NET_TIMEOUT);
    assert_int_equal(t.up.last_err, ABOTA_ERR_NET_TIMEOUT);
    assert_untouched();
    assert_nothing_erased();

    /* A watchdog shorter than the idle timeout: the first wait is cut. */
    setup(state);
    silent_server();
    t.cfg.watchdog_ms = 8000;
    start = t.clock.now;
    assert_int_equal(run(), ABOTA_ERR_DEADLINE);
    spent = t.clock.now - start;
    assert_true(spent <= 6000u + 10u);
    assert_true(t.net.last_timeout < 6000u);
    assert_int_equal(t.net.connects, 1);
    assert_untouched();

    /* A shorter deadline of its own stays; 0 declares no watchdog. */
    static const uint32_t cases[][3] = {
        /* watchdog, deadline, effective deadline */
        {60000, 20000, 20000},
        {0, 0, 300000},
        {400000, 0, 300000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t.cfg.watchdog_ms = cases[i][0];
        t.cfg.deadline_ms = cases[i][1];
        assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                           &t.clock.port, rxbuf, sizeof rxbuf),
                         0);
        assert_int_equal(t.up.cfg.deadline_ms, cases[i][2]);
    }
}

static void test_connect_failures(void **state)
{
    static const int errs[] = {ABOTA_ERR_NET_REFUSED, ABOTA_ERR_NET_RESOLVE,
                               ABOTA_ERR_NET_CONNECT, ABOTA_ERR_NET_TIMEOUT};
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        setup(state);
        t.cfg.max_attempts = 1;
        fakenet_add_refusal(&t.net, errs[i]);
        assert_int_equal(run(), errs[i]);
        assert_untouched();
        assert_nothing_erased();
        assert_int_equal(t.nev, 1);
        assert_int_equal(t.ev[0].step, ABOTA_EV_RESOLVE);
        assert_string_equal(t.ev[0].detail, "fw.example");
        assert_int_equal(t.up.bytes_received, 0);
    }
}

#if ABOTA_FEATURE_REDIRECT
static void test_redirect_followed(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 12, ABOTA_SLOT_ANY, V_NEW);
    size_t l1 = response(resp2, sizeof resp2, "302 Found", "Location: /v2/fw.bin\r\n",
                         (const uint8_t *)"moved", 5);
    size_t l2 = ok_image(resp, sizeof resp, img, n);
    fakenet_add(&t.net, resp2, l1, 0);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_event_order(n, n);
    assert_int_equal(t.net.connects, 2);
    assert_sent(0, expected_request("/ota/user2.bin", ""));
    assert_sent(1, expected_request("/v2/fw.bin", ""));
    assert_int_equal(t.up.bytes_received, l1 + l2);

    /* To another host and port. */
    setup(state);
    l1 = response(resp2, sizeof resp2, "301 Moved Permanently",
                  "Location: http://cdn.example/a/b.bin\r\n", NULL, 0);
    fakenet_add(&t.net, resp2, l1, 0);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), 0);
    assert_string_equal(t.net.host[1], "cdn.example");
    assert_int_equal(t.net.port_no[1], 80);
    assert_memory_equal(t.net.sent[1], "GET /a/b.bin HTTP/1.1\r\nHost: cdn.example\r\n", 42);
}

static void test_redirect_loop(void **state)
{
    (void)state;
    size_t l1 = response(resp2, sizeof resp2, "307 Temporary Redirect",
                         "Location: http://fw.example:8080/ota/user2.bin\r\n", NULL, 0);
    for (unsigned i = 0; i < FAKENET_MAX_CONNS; i++)
        fakenet_add(&t.net, resp2, l1, 0);
    assert_int_equal(run(), ABOTA_ERR_HTTP_REDIRECT_LOOP);
    assert_int_equal(t.net.connects, ABOTA_UPDATE_MAX_REDIRECTS + 1);
    assert_untouched();
    assert_nothing_erased();
}

static void test_redirect_without_location(void **state)
{
    (void)state;
    size_t l1 = response(resp2, sizeof resp2, "302 Found", "", NULL, 0);
    fakenet_add(&t.net, resp2, l1, 0);
    assert_int_equal(run(), ABOTA_ERR_HTTP_BAD_REDIRECT);
    assert_untouched();
}
#else
/* Redirects compiled out (config.h): a 3xx ends the update, unfollowed. */
static void test_redirect_unsupported(void **state)
{
    (void)state;
    static const char *const st[] = {"301 Moved Permanently", "302 Found", "303 See Other",
                                     "307 Temporary Redirect", "308 Permanent Redirect"};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        setup(state);
        size_t l1 = response(resp2, sizeof resp2, st[i], "Location: /v2/fw.bin\r\n", NULL, 0);
        fakenet_add(&t.net, resp2, l1, 0);
        fakenet_add(&t.net, resp2, l1, 0);
        assert_int_equal(run(), ABOTA_ERR_UNSUPPORTED);
        assert_int_equal(t.net.connects, 1);
        assert_untouched();
        assert_nothing_erased();
    }
}
#endif

/* --- https --- */
#if ABOTA_FEATURE_HTTPS
/* The request sent on connection conn starts with head. */
static void assert_sent_head(unsigned conn, const char *head)
{
    assert_true(t.net.sent_len[conn] >= strlen(head));
    assert_memory_equal(t.net.sent[conn], head, strlen(head));
}

/* An https URL is opened with connect_tls, to the URL's host and port (443
 * by default), and the request is the same as over plain TCP, with the
 * default port left out of Host. */
static void test_https_uses_connect_tls(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 30, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    fakenet_enable_tls(&t.net);
    t.cfg.url = "https://fw.example/ota/user%d.bin";
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_int_equal(t.net.connects, 1);
    assert_true(t.net.tls[0]);
    assert_string_equal(t.net.host[0], "fw.example");
    assert_int_equal(t.net.port_no[0], 443);
    assert_int_equal(t.net.connect_timeout[0], 10000);
    assert_sent_head(0, "GET /ota/user2.bin HTTP/1.1\r\nHost: fw.example\r\n");

    /* an explicit port, and plain http on the same port object: connect */
    setup(state);
    fakenet_enable_tls(&t.net);
    t.cfg.url = "HTTPS://fw.example:8443/ota/user%d.bin";
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_true(t.net.tls[0]);
    assert_int_equal(t.net.port_no[0], 8443);
    assert_sent_head(0, "GET /ota/user2.bin HTTP/1.1\r\nHost: fw.example:8443\r\n");
    setup(state);
    fakenet_enable_tls(&t.net);
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_false(t.net.tls[0]);
    assert_int_equal(t.net.port_no[0], 8080);
}

/* A port without connect_tls: the run ends before any connection, any
 * erase or any record write. */
static void test_https_without_tls_port(void **state)
{
    (void)state;
    t.cfg.url = "https://fw.example/ota/user%d.bin";
    fakenet_add(&t.net, resp, 0, 0);
    assert_int_equal(run(), ABOTA_ERR_NET_TLS_UNAVAILABLE);
    assert_int_equal(t.net.connects, 0);
    assert_int_equal(t.up.attempts, 1); /* permanent: not retried */
    assert_int_equal(t.nev, 0);
    assert_untouched();
    assert_nothing_erased();
}

/* The port's verdict on the server ends the run: a certificate error at
 * once, a handshake cut short after the retries. */
static void test_https_handshake_errors(void **state)
{
    static const int fatal[] = {ABOTA_ERR_NET_TLS_UNTRUSTED, ABOTA_ERR_NET_TLS_EXPIRED,
                                ABOTA_ERR_NET_TLS_HOSTNAME, ABOTA_ERR_NET_TLS_PIN,
                                ABOTA_ERR_NET_TLS_HANDSHAKE, ABOTA_ERR_NET_TLS_CONFIG};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        setup(state);
        fakenet_enable_tls(&t.net);
        t.cfg.url = "https://fw.example/ota/user%d.bin";
        fakenet_add_refusal(&t.net, fatal[i]);
        fakenet_add_refusal(&t.net, fatal[i]);
        assert_int_equal(run(), fatal[i]);
        assert_int_equal(t.net.connects, 1);
        assert_true(t.net.tls[0]);
        assert_untouched();
        assert_nothing_erased();
    }
    setup(state);
    fakenet_enable_tls(&t.net);
    t.cfg.url = "https://fw.example/ota/user%d.bin";
    t.cfg.max_attempts = 2;
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_TLS_CLOSED);
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_TLS_CLOSED);
    assert_int_equal(run(), ABOTA_ERR_NET_TLS_CLOSED);
    assert_int_equal(t.net.connects, ABOTA_FEATURE_RETRY ? 2 : 1);
    assert_untouched();
    assert_nothing_erased();
}

#if ABOTA_FEATURE_REDIRECT
/* https -> relative Location: still TLS; https -> http: refused before the
 * second connection; http -> https: an upgrade, taken. */
static void test_https_redirects(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 31, ABOTA_SLOT_ANY, V_NEW);
    size_t l2 = ok_image(resp, sizeof resp, img, n);
    size_t l1 = response(resp2, sizeof resp2, "302 Found", "Location: /v2/fw.bin\r\n", NULL, 0);
    fakenet_enable_tls(&t.net);
    t.cfg.url = "https://fw.example:8443/ota/user%d.bin";
    fakenet_add(&t.net, resp2, l1, 0);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), 0);
    assert_true(t.net.tls[0] && t.net.tls[1]);
    assert_int_equal(t.net.port_no[1], 8443);

    setup(state);
    fakenet_enable_tls(&t.net);
    t.cfg.url = "https://fw.example/ota/user%d.bin";
    l1 = response(resp2, sizeof resp2, "301 Moved Permanently",
                  "Location: http://fw.example/ota/user2.bin\r\n", NULL, 0);
    fakenet_add(&t.net, resp2, l1, 0);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), ABOTA_ERR_HTTP_REDIRECT_INSECURE);
    assert_int_equal(t.net.connects, 1);
    assert_untouched();
    assert_nothing_erased();

    setup(state);
    fakenet_enable_tls(&t.net);
    l1 = response(resp2, sizeof resp2, "308 Permanent Redirect",
                  "Location: https://cdn.example/b.bin\r\n", NULL, 0);
    fakenet_add(&t.net, resp2, l1, 0);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), 0);
    assert_false(t.net.tls[0]);
    assert_true(t.net.tls[1]);
    assert_string_equal(t.net.host[1], "cdn.example");
    assert_int_equal(t.net.port_no[1], 443);
}
#endif
#else
/* https compiled out (config.h): the URL is refused like any other scheme,
 * and connect_tls is never called even when the port has one. */
static void test_https_compiled_out(void **state)
{
    (void)state;
    fakenet_enable_tls(&t.net);
    t.cfg.url = "https://fw.example/ota/user%d.bin";
    assert_int_equal(run(), ABOTA_ERR_URL_SCHEME);
    assert_int_equal(t.net.connects, 0);
    assert_untouched();
}
#endif

/* Bytes after the declared body: a warning, never written; the image is
 * still judged by verification. */
static void test_extra_bytes_warn(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 13, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    memcpy(resp + len, "GARBAGE!", 8);
    fakenet_add(&t.net, resp, len + 8, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_event_order(n, n);
    unsigned warnings = 0;
    for (unsigned i = 0; i < t.nev; i++) {
        if (t.ev[i].step == ABOTA_EV_WARNING) {
            warnings++;
            assert_int_equal(t.ev[i].err, ABOTA_ERR_HTTP_EXTRA_BYTES);
            assert_int_equal(t.ev[i].done, 8);
        }
    }
    assert_int_equal(warnings, 1);
    /* Nothing after the image in the slot. */
    const uint8_t *after = flash_mem + t.layout.slot[1].offset + n;
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(after[i], 0xFF);
}

static void test_url_template(void **state)
{
    (void)state;
    /* "%%" is a literal '%'; the builder keeps "%20" as it is. */
    uint32_t n = testimg_build(img, sizeof img, 2000, 14, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    t.cfg.url = "http://fw.example:8080/a%%20b/%d/user%d.bin";
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_sent(0, expected_request("/a%20b/2/user2.bin", ""));

    static const char *bad[] = {"http://h/user%s.bin", "http://h/user%1d.bin", "http://h/%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setup(state);
        t.cfg.url = bad[i];
        assert_int_equal(run(), ABOTA_ERR_UP_URL_TEMPLATE);
        assert_int_equal(t.net.connects, 0);
    }

    /* Too long once expanded. */
    static char longurl[ABOTA_URL_MAX + 8];
    memset(longurl, 'a', sizeof longurl - 1);
    memcpy(longurl, "http://h/%d", 11);
    longurl[sizeof longurl - 1] = '\0';
    setup(state);
    t.cfg.url = longurl;
    assert_int_equal(run(), ABOTA_ERR_URL_TOO_LONG);
    assert_int_equal(t.net.connects, 0);

    setup(state);
    t.cfg.url = "ftp://h/x";
    assert_int_equal(run(), ABOTA_ERR_URL_SCHEME);
    assert_untouched();
}

/* --- the footer probe --- */
#if ABOTA_FEATURE_FOOTER_PROBE

static size_t partial_footer(uint8_t *out, size_t cap, uint32_t total)
{
    char hdr[160];
    snprintf(hdr, sizeof hdr,
             "Content-Type: application/octet-stream\r\nContent-Range: bytes %u-%u/%u\r\n",
             (unsigned)(total - 256u), (unsigned)(total - 1u), (unsigned)total);
    return response(out, cap, "206 Partial Content", hdr, img + total - 256u, 256);
}

static void test_probe_then_download(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 15, ABOTA_SLOT_ANY, V_NEW);
    size_t l1 = partial_footer(resp2, sizeof resp2, n);
    size_t l2 = ok_image(resp, sizeof resp, img, n);
    t.cfg.no_footer_probe = false;
    fakenet_add(&t.net, resp2, l1, 1);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_event_order(n, n);
    assert_sent(0, expected_request("/ota/user2.bin", "Range: bytes=-256\r\n"));
    assert_sent(1, expected_request("/ota/user2.bin", ""));
    assert_int_equal(t.up.bytes_received, l1 + l2);
}

/* After the first confirm of a device flashed by other tools the record
 * knows the running version: the same version on the server is up to date
 * and the poll writes nothing. */
static void test_probe_after_first_confirm_up_to_date(void **state)
{
    (void)state;
    assert_int_equal(abota_flash_erase(&t.rf.port, t.layout.bootrec[0]), 0);
    assert_int_equal(abota_flash_erase(&t.rf.port, t.layout.bootrec[1]), 0);
    assert_int_equal(abota_boot_confirm(&t.rf.port, &t.layout, ABOTA_SLOT_1), 0);
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 15, ABOTA_SLOT_ANY, V_RUNNING);
    size_t l1 = partial_footer(resp2, sizeof resp2, n);
    t.cfg.no_footer_probe = false;
    fakenet_add(&t.net, resp2, l1, 1);
    unsigned w = t.rf.writes, e = t.rf.erases;
    assert_int_equal(run(), ABOTA_ERR_UP_TO_DATE);
    assert_int_equal(t.rf.writes, w);
    assert_int_equal(t.rf.erases, e);
}

/* A server that ignores Range answers 200: that is the download. */
static void test_probe_ignored(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 16, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    t.cfg.no_footer_probe = false;
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_event_order(n, n);
    assert_int_equal(t.net.connects, 1);
    assert_sent(0, expected_request("/ota/user2.bin", "Range: bytes=-256\r\n"));
}

/* The probe refuses early, before anything is erased. */
static void test_probe_refusals(void **state)
{
    t.cfg.no_footer_probe = false;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 17, ABOTA_SLOT_ANY, V_RUNNING);
    size_t l1 = partial_footer(resp2, sizeof resp2, n);
    fakenet_add(&t.net, resp2, l1, 0);
    assert_int_equal(run(), ABOTA_ERR_UP_TO_DATE);
    assert_int_equal(t.net.connects, 1);
    assert_nothing_erased();
    assert_untouched();

    setup(state);
    t.cfg.no_footer_probe = false;
    n = testimg_build(img, sizeof img, PAYLOAD_LEN, 18, ABOTA_SLOT_1, V_NEW);
    l1 = partial_footer(resp2, sizeof resp2, n);
    fakenet_add(&t.net, resp2, l1, 0);
    assert_int_equal(run(), ABOTA_ERR_IMG_SLOT);
    assert_int_equal(t.net.connects, 1);
    assert_nothing_erased();
    assert_untouched();

    /* Too big by Content-Range's total. */
    setup(state);
    t.cfg.no_footer_probe = false;
    l1 = response(resp2, sizeof resp2, "206 Partial Content",
                  "Content-Type: application/octet-stream\r\n"
                  "Content-Range: bytes 99744-99999/100000\r\n",
                  img, 256);
    fakenet_add(&t.net, resp2, l1, 0);
    assert_int_equal(run(), ABOTA_ERR_SLOT_TOO_BIG);
    assert_nothing_erased();
    assert_untouched();
}

/* A 206 that is not an abota footer (a plain Espressif bin, say) teaches
 * nothing: the full download decides. */
static void test_probe_not_a_footer(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 19, ABOTA_SLOT_ANY, V_NEW);
    /* Not the tail of the file (and not a footer). */
    size_t l1 = response(resp2, sizeof resp2, "206 Partial Content",
                         "Content-Type: application/octet-stream\r\n"
                         "Content-Range: bytes 0-255/300\r\n",
                         img, 256);
    size_t l2 = ok_image(resp, sizeof resp, img, n);
    t.cfg.no_footer_probe = false;
    fakenet_add(&t.net, resp2, l1, 0);
    fakenet_add(&t.net, resp, l2, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
}
#else
/* The probe compiled out (config.h): no_footer_probe = false changes
 * nothing, one plain request fetches the image. */
static void test_probe_compiled_out(void **state)
{
    (void)state;
    uint32_t n = testimg_build(img, sizeof img, PAYLOAD_LEN, 16, ABOTA_SLOT_ANY, V_NEW);
    size_t len = ok_image(resp, sizeof resp, img, n);
    t.cfg.no_footer_probe = false;
    fakenet_add(&t.net, resp, len, 0);
    assert_int_equal(run(), 0);
    assert_installed(n, V_NEW, 3);
    assert_int_equal(t.net.connects, 1);
    assert_sent(0, expected_request("/ota/user2.bin", ""));
}
#endif

static void test_init_checks(void **state)
{
    (void)state;
    struct abota_update u;
    uint8_t small[ABOTA_UPDATE_BUF_MIN - 1];
    assert_int_equal(abota_update_init(&u, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, small, sizeof small),
                     ABOTA_ERR_ARG);
    struct abota_update_config c = t.cfg;
    c.url = NULL;
    assert_int_equal(abota_update_init(&u, &c, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     ABOTA_ERR_ARG);
    assert_int_equal(abota_update_init(&u, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    /* Defaults filled in. */
    assert_int_equal(u.cfg.connect_timeout_ms, 10000);
    assert_int_equal(u.cfg.idle_timeout_ms, 15000);
    assert_int_equal(u.cfg.deadline_ms, 300000);
    assert_int_equal(u.cfg.trial_attempts, 3);
#if ABOTA_FEATURE_RETRY
    assert_int_equal(u.cfg.max_attempts, 6);
    assert_int_equal(u.cfg.retry_base_ms, 1000);
    assert_int_equal(u.cfg.retry_max_ms, 30000);
#else
    assert_int_equal(u.cfg.max_attempts, 0); /* not used: one attempt */
#endif
    assert_int_equal(u.cfg.journal_every, 16384);
#if ABOTA_FEATURE_CONTENT_TYPE
    assert_string_equal(u.cfg.content_type, "application/octet-stream");
#endif
    assert_int_equal(abota_update_run(&u, 3), ABOTA_ERR_SLOT_INVALID);
    assert_int_equal(t.net.connects, 0);
    /* A release to match (cfg.expect) is taken only where it is checked. */
    static const struct abota_update_expect release = {1u, 0, 4096};
    c = t.cfg;
    c.expect = &release;
    assert_int_equal(abota_update_init(&u, &c, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     ABOTA_FEATURE_MANIFEST ? 0 : ABOTA_ERR_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_success_exact_request, setup, NULL),
        cmocka_unit_test_setup_teardown(test_success_any_split, setup, NULL),
        cmocka_unit_test_setup_teardown(test_success_chunked, setup, NULL),
#if ABOTA_FEATURE_CONTENT_TYPE
        cmocka_unit_test_setup_teardown(test_content_type_rules, setup, NULL),
        cmocka_unit_test_setup_teardown(test_wrong_content_type, setup, NULL),
#else
        cmocka_unit_test_setup_teardown(test_content_type_ignored, setup, NULL),
#endif
        cmocka_unit_test_setup_teardown(test_http_status_errors, setup, NULL),
        cmocka_unit_test_setup_teardown(test_close_delimited, setup, NULL),
        cmocka_unit_test_setup_teardown(test_close_delimited_cut, setup, NULL),
        cmocka_unit_test_setup_teardown(test_close_delimited_too_big, setup, NULL),
        cmocka_unit_test_setup_teardown(test_too_big, setup, NULL),
#if ABOTA_FEATURE_CHUNKED
        cmocka_unit_test_setup_teardown(test_too_big_chunked, setup, NULL),
#endif
        cmocka_unit_test_setup_teardown(test_truncated, setup, NULL),
        cmocka_unit_test_setup_teardown(test_corrupted_byte, setup, NULL),
        cmocka_unit_test_setup_teardown(test_corrupted_footer_magic, setup, NULL),
        cmocka_unit_test_setup_teardown(test_empty_body, setup, NULL),
        cmocka_unit_test_setup_teardown(test_image_for_other_slot, setup, NULL),
        cmocka_unit_test_setup_teardown(test_same_version, setup, NULL),
        cmocka_unit_test_setup_teardown(test_downgrade, setup, NULL),
        cmocka_unit_test_setup_teardown(test_security_floor, setup, NULL),
        cmocka_unit_test_setup_teardown(test_no_boot_record, setup, NULL),
        cmocka_unit_test_setup_teardown(test_unconfirmed_refused, setup, NULL),
        cmocka_unit_test_setup_teardown(test_record_names_other_slot, setup, NULL),
        cmocka_unit_test_setup_teardown(test_cut_download_unvouches_target, setup, NULL),
        cmocka_unit_test_setup_teardown(test_stall_times_out, setup, NULL),
        cmocka_unit_test_setup_teardown(test_deadline, setup, NULL),
        cmocka_unit_test_setup_teardown(test_watchdog_caps_deadline, setup, NULL),
        cmocka_unit_test_setup_teardown(test_connect_failures, setup, NULL),
#if ABOTA_FEATURE_HTTPS
        cmocka_unit_test_setup_teardown(test_https_uses_connect_tls, setup, NULL),
        cmocka_unit_test_setup_teardown(test_https_without_tls_port, setup, NULL),
        cmocka_unit_test_setup_teardown(test_https_handshake_errors, setup, NULL),
#if ABOTA_FEATURE_REDIRECT
        cmocka_unit_test_setup_teardown(test_https_redirects, setup, NULL),
#endif
#else
        cmocka_unit_test_setup_teardown(test_https_compiled_out, setup, NULL),
#endif
#if ABOTA_FEATURE_REDIRECT
        cmocka_unit_test_setup_teardown(test_redirect_followed, setup, NULL),
        cmocka_unit_test_setup_teardown(test_redirect_loop, setup, NULL),
        cmocka_unit_test_setup_teardown(test_redirect_without_location, setup, NULL),
#else
        cmocka_unit_test_setup_teardown(test_redirect_unsupported, setup, NULL),
#endif
        cmocka_unit_test_setup_teardown(test_extra_bytes_warn, setup, NULL),
        cmocka_unit_test_setup_teardown(test_url_template, setup, NULL),
#if ABOTA_FEATURE_FOOTER_PROBE
        cmocka_unit_test_setup_teardown(test_probe_then_download, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_after_first_confirm_up_to_date, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_ignored, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_refusals, setup, NULL),
        cmocka_unit_test_setup_teardown(test_probe_not_a_footer, setup, NULL),
#else
        cmocka_unit_test_setup_teardown(test_probe_compiled_out, setup, NULL),
#endif
        cmocka_unit_test_setup_teardown(test_init_checks, setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
