/* The update engine's retries, resume after a dropped connection and the
 * progress journal (resume after a reboot), over a RAM flash with a journal
 * sector, a scripted net port and a fake clock. Every run ends with the
 * image verified from flash and the same slot content as an uninterrupted
 * run, or with the boot record untouched. */
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
#include "fakeclock.h"
#include "fakenet.h"
#include "fixture.h"
#include "ramflash.h"
#include "testimg.h"

#define URL "http://fw.example/user%d.bin"
#define FLASH_SIZE (TESTIMG_FLASH_SIZE + TESTIMG_SECTOR) /* + the journal sector */
#define JOURNAL TESTIMG_FLASH_SIZE
#define PAYLOAD 11000u
#define MAX_EVENTS 200
#define HEAD_MAX 200
#define ETAG "\"5f3a-2af8\""

struct ev {
    enum abota_update_step step;
    uint32_t done, total;
    int err;
};

static struct {
    struct abota_layout layout;
    struct ramflash rf;
    struct fakenet net;
    struct fakeclock clock;
    struct abota_update up;
    struct abota_update_config cfg;
    struct ev ev[MAX_EVENTS];
    unsigned nev;
    uint32_t rec_crc[2];
} t;

static uint8_t flash_mem[FLASH_SIZE];
static uint8_t img[TESTIMG_SLOT_SIZE];
static uint8_t big[TESTIMG_SLOT_SIZE + 1024u]; /* a chunked response, or a second image */
static char heads[FAKENET_MAX_CONNS][HEAD_MAX];
static uint8_t rxbuf[1460];
static uint32_t img_len;

static const uint32_t V_RUNNING = 1u << 24;             /* 1.0.0 */
static const uint32_t V_NEW = (1u << 24) | (1u << 16);  /* 1.1.0 */

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
}

static uint32_t sector_crc(uint32_t addr)
{
    return abota_crc32_update(0, flash_mem + addr, TESTIMG_SECTOR);
}

/* Slot 1 runs 1.0.0 (recorded); slot 2 holds leftovers; the journal is
 * blank. */
static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof t);
    testimg_layout(&t.layout, 4);
    t.layout.flash_size = FLASH_SIZE;
    t.layout.journal = JOURNAL;
    ramflash_init_layout(&t.rf, flash_mem, &t.layout);
    static uint8_t run_img[2048];
    testimg_install_running(&t.rf, &t.layout, run_img, sizeof run_img, 1500, V_RUNNING);
    fill_random(flash_mem + t.layout.slot[1].offset, 5000, 5);
    t.rec_crc[0] = sector_crc(t.layout.bootrec[0]);
    t.rec_crc[1] = sector_crc(t.layout.bootrec[1]);
    fakeclock_init(&t.clock, 1000, 1);
    fakenet_init(&t.net, &t.clock);
    t.cfg.url = URL;
    t.cfg.no_footer_probe = true;
    t.cfg.journal_every = TESTIMG_SECTOR;
    img_len = testimg_build(img, sizeof img, PAYLOAD, 1, ABOTA_SLOT_ANY, V_NEW);
    return 0;
}

/* A new engine over the same flash and net (a reboot between calls). */
static int run(void)
{
    assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    abota_update_set_callback(&t.up, on_event, NULL);
    t.nev = 0;
    int r = abota_update_run(&t.up, ABOTA_SLOT_1);
    assert_int_equal(t.rf.lock_violations, 0);
    assert_int_equal(t.net.misuse, 0);
    assert_int_equal(t.net.cur, -1);
    return r;
}

static void assert_installed(const uint8_t *image, uint32_t len)
{
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.slot[1].length, len);
    assert_int_equal(rec.slot[1].crc32, abota_crc32_update(0, image, len));
    /* Byte for byte what an uninterrupted run leaves: the image, then the
     * erased rest of its last sector. */
    const uint8_t *slot = flash_mem + t.layout.slot[1].offset;
    assert_memory_equal(slot, image, len);
    for (uint32_t i = len; i % TESTIMG_SECTOR; i++)
        assert_int_equal(slot[i], 0xFF);
    /* The journal is forgotten after success. */
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(flash_mem[JOURNAL + i], 0xFF);
}

static void assert_untouched(void)
{
    assert_int_equal(sector_crc(t.layout.bootrec[0]), t.rec_crc[0]);
    assert_int_equal(sector_crc(t.layout.bootrec[1]), t.rec_crc[1]);
}

static unsigned count(enum abota_update_step step)
{
    unsigned n = 0;
    for (unsigned i = 0; i < t.nev; i++)
        n += t.ev[i].step == step;
    return n;
}

static const struct ev *nth(enum abota_update_step step, unsigned k)
{
    for (unsigned i = 0; i < t.nev; i++)
        if (t.ev[i].step == step && k-- == 0)
            return &t.ev[i];
    fail_msg("event %d #%u missing", (int)step, k);
    return NULL;
}

/* --- scripted server --- */

__attribute__((format(printf, 2, 3))) static size_t head(unsigned i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(heads[i], HEAD_MAX, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && n < HEAD_MAX);
    return (size_t)n;
}

/* 200 with the whole image (etag NULL: no validator at all). */
static struct fakenet_conn *ok200(const uint8_t *body, uint32_t len, const char *etag)
{
    unsigned i = t.net.nconns;
    char tag[96] = "";
    if (etag)
        snprintf(tag, sizeof tag, "ETag: %s\r\n", etag);
    size_t h = head(i,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n%s"
                    "Content-Length: %u\r\n\r\n",
                    tag, (unsigned)len);
    struct fakenet_conn *c = fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
    c->body = body;
    c->body_len = len;
    return c;
}

#if ABOTA_FEATURE_RESUME
/* 206 with bytes first.. of the image; without a length (HTTP/1.0) the
 * body ends at the close and only Content-Range gives the total. */
static struct fakenet_conn *range206(const uint8_t *body, uint32_t first, uint32_t len,
                                     const char *etag, bool with_length)
{
    unsigned i = t.net.nconns;
    char cl[40] = "";
    if (with_length)
        snprintf(cl, sizeof cl, "Content-Length: %u\r\n", (unsigned)(len - first));
    size_t h = head(i,
                    "HTTP/1.%d 206 Partial Content\r\nContent-Type: application/octet-stream\r\n"
                    "ETag: %s\r\nContent-Range: bytes %u-%u/%u\r\n%s\r\n",
                    with_length ? 1 : 0, etag, (unsigned)first, (unsigned)(len - 1u),
                    (unsigned)len, cl);
    struct fakenet_conn *c = fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
    c->body = body;
    c->body_off = first;
    c->body_len = len - first;
    return c;
}

static struct fakenet_conn *part206(const uint8_t *body, uint32_t first, uint32_t len,
                                    const char *etag)
{
    return range206(body, first, len, etag, true);
}
#endif

static void plain(const char *status_and_headers)
{
    unsigned i = t.net.nconns;
    size_t h = head(i, "HTTP/1.1 %s\r\nContent-Length: 0\r\n\r\n", status_and_headers);
    fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
}

/* The request of connection i asked for a range from first (with this
 * If-Range), or for the whole image (first < 0). */
static void assert_asked(unsigned i, long first, const char *if_range)
{
    assert_true(t.net.sent_len[i] < FAKENET_SENT_MAX);
    t.net.sent[i][t.net.sent_len[i]] = 0;
    const char *req = (const char *)t.net.sent[i];
    const char *rg = strstr(req, "\r\nRange: bytes=");
    if (first < 0) {
        assert_null(rg);
        assert_null(strstr(req, "If-Range"));
        return;
    }
    assert_non_null(rg);
    char want[48];
    snprintf(want, sizeof want, "\r\nRange: bytes=%ld-\r\n", first);
    assert_non_null(strstr(req, want));
    if (if_range) {
        char ir[96];
        snprintf(ir, sizeof ir, "\r\nIf-Range: %s\r\n", if_range);
        assert_non_null(strstr(req, ir));
    } else {
        assert_null(strstr(req, "If-Range"));
    }
}

/* --- retries --- */

#if ABOTA_FEATURE_RETRY
static void test_retry_then_success(void **state)
{
    (void)state;
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_REFUSED);
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_RESOLVE);
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_TIMEOUT);
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.up.attempts, 4);
    assert_int_equal(count(ABOTA_EV_RETRY), 3);
    /* Waits 1 s, 2 s, 4 s from the defaults, each jittered into [d/2, d]. */
    uint32_t sum = 0;
    for (unsigned k = 0; k < 3; k++) {
        const struct ev *e = nth(ABOTA_EV_RETRY, k);
        uint32_t d = 1000u << k;
        assert_in_range(e->total, d / 2, d);
        assert_int_equal(e->done, k + 2); /* the attempt about to start */
        sum += e->total;
    }
    assert_int_equal(nth(ABOTA_EV_RETRY, 0)->err, ABOTA_ERR_NET_REFUSED);
    assert_int_equal(nth(ABOTA_EV_RETRY, 1)->err, ABOTA_ERR_NET_RESOLVE);
    assert_int_equal(nth(ABOTA_EV_RETRY, 2)->err, ABOTA_ERR_NET_TIMEOUT);
    assert_int_equal(t.clock.slept, sum);
}

/* The waits double up to the cap, are jittered, and max_attempts bounds
 * them; giving up reports the cause. */
static void test_backoff_bounded(void **state)
{
    (void)state;
    t.cfg.max_attempts = 9;
    t.cfg.retry_base_ms = 100;
    t.cfg.retry_max_ms = 1000;
    assert_int_equal(run(), ABOTA_ERR_NET_REFUSED); /* nothing scripted: nobody listens */
    assert_int_equal(t.up.attempts, 9);
    assert_int_equal(t.up.last_err, ABOTA_ERR_NET_REFUSED);
    assert_int_equal(count(ABOTA_EV_RETRY), 8);
    unsigned exact = 0;
    for (unsigned k = 0; k < 8; k++) {
        uint32_t d = 100u << k;
        if (d > 1000)
            d = 1000;
        uint32_t got = nth(ABOTA_EV_RETRY, k)->total;
        assert_in_range(got, d / 2, d);
        exact += got == d;
    }
    assert_true(exact < 8); /* jitter moved some */
    assert_untouched();

    /* Without a random source: the plain doubling. */
    setup(state);
    t.cfg.max_attempts = 6;
    t.cfg.retry_base_ms = 300;
    t.cfg.retry_max_ms = 2000;
    t.clock.port.random = NULL;
    assert_int_equal(run(), ABOTA_ERR_NET_REFUSED);
    static const uint32_t want[] = {300, 600, 1200, 2000, 2000};
    for (unsigned k = 0; k < 5; k++)
        assert_int_equal(nth(ABOTA_EV_RETRY, k)->total, want[k]);
    assert_int_equal(t.clock.slept, 6100);

    /* max_attempts 1: no retry at all. */
    setup(state);
    t.cfg.max_attempts = 1;
    assert_int_equal(run(), ABOTA_ERR_NET_REFUSED);
    assert_int_equal(t.net.connects, 1);
    assert_int_equal(count(ABOTA_EV_RETRY), 0);
}

static void test_retry_after(void **state)
{
    (void)state;
    plain("503 Service Unavailable\r\nRetry-After: 3");
    plain("429 Too Many Requests\r\nRetry-After: 7200"); /* above the cap */
    plain("500 Internal Server Error");                  /* no Retry-After: back-off */
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(count(ABOTA_EV_RETRY), 3);
    assert_int_equal(nth(ABOTA_EV_RETRY, 0)->total, 3000);
    assert_int_equal(nth(ABOTA_EV_RETRY, 0)->err, ABOTA_ERR_HTTP_SERVER_ERROR);
    assert_int_equal(nth(ABOTA_EV_RETRY, 1)->total, 30000);
    assert_int_equal(nth(ABOTA_EV_RETRY, 1)->err, ABOTA_ERR_UP_RATE_LIMITED);
    assert_in_range(nth(ABOTA_EV_RETRY, 2)->total, 2000, 4000);
}

#endif

/* Permanent errors end the run at once, with or without retries. */
static void test_permanent_not_retried(void **state)
{
    static const struct {
        const char *status;
        int err;
    } cases[] = {
        {"404 Not Found", ABOTA_ERR_HTTP_NOT_FOUND},
        {"403 Forbidden", ABOTA_ERR_HTTP_STATUS},
#if ABOTA_FEATURE_CONTENT_TYPE
        {"200 OK\r\nContent-Type: text/html", ABOTA_ERR_HTTP_CONTENT_TYPE},
#endif
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup(state);
        plain(cases[i].status);
        plain(cases[i].status);
        assert_int_equal(run(), cases[i].err);
        assert_int_equal(t.net.connects, 1);
        assert_int_equal(count(ABOTA_EV_RETRY), 0);
        assert_int_equal(t.up.last_err, cases[i].err);
        assert_untouched();
    }
    /* A complete, intact image for the other slot. */
    setup(state);
    img_len = testimg_build(img, sizeof img, PAYLOAD, 2, ABOTA_SLOT_1, V_NEW);
    ok200(img, img_len, ETAG);
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), ABOTA_ERR_IMG_SLOT);
    assert_int_equal(t.net.connects, 1);
    assert_untouched();
}

#if ABOTA_FEATURE_RETRY
/* A corrupted transfer gets one retry from scratch. */
static void test_corrupt_retried_once(void **state)
{
    (void)state;
    memcpy(big, img, img_len);
    big[5000] ^= 0x01;
    ok200(big, img_len, ETAG);
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.net.connects, 2);
    assert_asked(1, -1, NULL); /* from scratch, not a resume */
    assert_int_equal(nth(ABOTA_EV_RETRY, 0)->err, ABOTA_ERR_IMG_CRC);
}

/* The deadline wins over the retries and is reported as such; the cause
 * stays in last_err. */
static void test_deadline_wins(void **state)
{
    (void)state;
    t.cfg.deadline_ms = 5000;
    t.cfg.max_attempts = 50;
    assert_int_equal(run(), ABOTA_ERR_DEADLINE);
    assert_int_equal(t.up.last_err, ABOTA_ERR_NET_REFUSED);
    assert_true(t.clock.slept < 5000);
    assert_true(count(ABOTA_EV_RETRY) >= 2);
    assert_untouched();
}

#else
/* Retries compiled out (config.h): one attempt per run, its error is the
 * run's, nothing is slept; the caller's next run starts afresh. */
static void test_one_attempt(void **state)
{
    (void)state;
    fakenet_add_refusal(&t.net, ABOTA_ERR_NET_REFUSED);
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), ABOTA_ERR_NET_REFUSED);
    assert_int_equal(t.up.attempts, 1);
    assert_int_equal(t.up.last_err, ABOTA_ERR_NET_REFUSED);
    assert_int_equal(t.net.connects, 1);
    assert_int_equal(count(ABOTA_EV_RETRY), 0);
    assert_int_equal(t.clock.slept, 0);
    assert_untouched();
    /* The caller's next run. */
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.up.attempts, 1);
    assert_int_equal(nth(ABOTA_EV_HEADERS, 0)->total, img_len);
}

/* 5xx and 429 end the run at once, whatever Retry-After says. */
static void test_server_busy_one_attempt(void **state)
{
    plain("503 Service Unavailable\r\nRetry-After: 3");
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), ABOTA_ERR_HTTP_SERVER_ERROR);
    assert_int_equal(t.net.connects, 1);
    assert_int_equal(t.clock.slept, 0);
    assert_untouched();

    setup(state);
    plain("429 Too Many Requests\r\nRetry-After: 7200");
    assert_int_equal(run(), ABOTA_ERR_UP_RATE_LIMITED);
    assert_int_equal(t.net.connects, 1);
    assert_int_equal(count(ABOTA_EV_RETRY), 0);
    assert_untouched();
}

/* A corrupted transfer is not fetched again within the run: the
 * verification's error ends it and the boot record stays as it was. */
static void test_corrupt_one_attempt(void **state)
{
    (void)state;
    memcpy(big, img, img_len);
    big[5000] ^= 0x01;
    ok200(big, img_len, ETAG);
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), ABOTA_ERR_IMG_CRC);
    assert_int_equal(t.net.connects, 1);
    assert_int_equal(t.up.last_err, ABOTA_ERR_IMG_CRC);
    assert_untouched();
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
}
#endif

/* --- resume after a drop --- */

/* Drops anywhere in the headers or the body of the first answer: the next
 * request continues from exactly what the slot got. */
#if ABOTA_FEATURE_RESUME
static void test_drop_anywhere(void **state)
{
    size_t h0 = 0;
    for (uint32_t cut = 1; cut < img_len + 120u; cut += cut < 130 ? 9 : 997) {
        setup(state);
        struct fakenet_conn *c = ok200(img, img_len, ETAG);
        h0 = c->resp_len;
        c->cut = cut;
        c->chunk = 300;
        uint32_t got = cut > h0 ? (uint32_t)(cut - h0) : 0;
        if (got >= img_len)
            break;
        if (got == 0)
            ok200(img, img_len, ETAG);
        else
            part206(img, got, img_len, ETAG);
        assert_int_equal(run(), 0);
        assert_installed(img, img_len);
        assert_int_equal(t.net.connects, 2);
        assert_asked(1, got ? (long)got : -1, got ? ETAG : NULL);
        /* Nothing crossed the wire twice but the answer's head. */
        assert_int_equal(t.up.bytes_received,
                         cut + t.net.conn[1].resp_len + t.net.conn[1].body_len);
        if (got) {
            assert_int_equal(count(ABOTA_EV_RESUMED), 1);
            assert_int_equal(nth(ABOTA_EV_RESUMED, 0)->done, got);
        }
        /* A drop is a transient failure: RETRY names it. */
        assert_int_equal(nth(ABOTA_EV_RETRY, 0)->err, ABOTA_ERR_HTTP_TRUNCATED);
    }
}

/* Chunked answers: the body bytes are counted through the framing, the
 * resume asks a Range and takes the size from Content-Range. */
static size_t chunked(uint8_t *out, size_t cap, const uint8_t *body, size_t len,
                      size_t *data_end)
{
    static const size_t sizes[] = {1, 700, 4096, 33, 1500};
    static const char hd[] = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             "ETag: " ETAG "\r\nTransfer-Encoding: chunked\r\n\r\n";
    size_t n = sizeof hd - 1;
    memcpy(out, hd, n);
    for (size_t off = 0, i = 0; off < len; i++) {
        size_t k = sizes[i % 5] < len - off ? sizes[i % 5] : len - off;
        int h = snprintf((char *)out + n, cap - n, "%lx\r\n", (unsigned long)k);
        n += (size_t)h;
        assert_true(cap - n > k + 8);
        memcpy(out + n, body + off, k);
        n += k;
        memcpy(out + n, "\r\n", 2);
        n += 2;
        off += k;
    }
    *data_end = n;
    memcpy(out + n, "0\r\n\r\n", 5);
    return n + 5;
}

/* Body bytes among the first cut bytes of a chunked answer built above. */
static uint32_t chunked_data_before(const uint8_t *r, size_t len, size_t cut)
{
    const char *end = strstr((const char *)r, "\r\n\r\n");
    size_t p = (size_t)(end - (const char *)r) + 4;
    uint32_t data = 0;
    while (p < len && p < cut) {
        unsigned long k = 0;
        while (r[p] != '\r') {
            int c = r[p++];
            k = k * 16u + (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        p += 2;
        if (k == 0)
            break;
        size_t take = cut > p ? cut - p : 0;
        data += (uint32_t)(take < k ? take : k);
        p += k + 2;
    }
    return data;
}

static void test_drop_chunked(void **state)
{
    size_t data_end;
    size_t len = chunked(big, sizeof big, img, img_len, &data_end);
    /* Inside a chunk-size line, right after one, inside chunk data, at a
     * chunk boundary, in the CRLF after data, after the last data byte. */
    static const size_t cuts[] = {100, 103, 104, 105, 106, 800, 811, 812, 813, 4920, 9000};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0] + 2; i++) {
        size_t cut = i < sizeof cuts / sizeof cuts[0] ? cuts[i] : data_end + (i & 1) * 3;
        setup(state);
        fakenet_add(&t.net, big, len, 0)->cut = cut;
        uint32_t got = chunked_data_before(big, len, cut);
        if (got == img_len) {
            /* Everything arrived, only the last chunk is missing: the
             * server says the range is past the end. */
            plain("416 Range Not Satisfiable\r\nContent-Range: bytes */11264");
            assert_int_equal(img_len, 11264);
        } else if (got) {
            part206(img, got, img_len, ETAG);
        } else {
            ok200(img, img_len, ETAG);
        }
        assert_int_equal(run(), 0);
        assert_installed(img, img_len);
        assert_asked(1, got ? (long)got : -1, got ? ETAG : NULL);
    }
}

/* The server ignores Range (200): a clean restart from 0. */
static void test_server_ignores_range(void **state)
{
    (void)state;
    ok200(img, img_len, ETAG)->cut = 6000;
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_asked(1, 6000 - (long)t.net.conn[0].resp_len, ETAG);
    unsigned restarts = 0;
    for (unsigned i = 0; i < t.nev; i++)
        restarts += t.ev[i].step == ABOTA_EV_WARNING && t.ev[i].err == ABOTA_ERR_UP_RESTART;
    assert_int_equal(restarts, 1);
}

/* The image changed between attempts: If-Range fails, the server sends the
 * new one whole (200), which is installed from scratch. */
static void test_image_changed(void **state)
{
    (void)state;
    uint32_t n2 = testimg_build(big, sizeof big, 7000, 3, ABOTA_SLOT_ANY, V_NEW + 1u);
    ok200(img, img_len, ETAG)->cut = 9000;
    ok200(big, n2, "\"new-one\"");
    assert_int_equal(run(), 0);
    assert_asked(1, 9000 - (long)t.net.conn[0].resp_len, ETAG);
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.slot[1].version, V_NEW + 1u);
    assert_int_equal(rec.slot[1].length, n2);
    assert_memory_equal(flash_mem + t.layout.slot[1].offset, big, n2);
}

/* A 206 that does not continue exactly where the slot stopped, or is of a
 * different image, is never spliced: start over. */
static void test_range_mismatch(void **state)
{
    for (int k = 0; k < 4; k++) {
        setup(state);
        struct fakenet_conn *c = ok200(img, img_len, ETAG);
        c->cut = 5000;
        uint32_t got = (uint32_t)(5000 - c->resp_len);
        unsigned i = t.net.nconns;
        size_t h;
        if (k == 0) /* starts too early */
            part206(img, got - 16, img_len, ETAG);
        else if (k == 1) /* another total */
            h = head(i, "HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\n"
                        "Content-Range: bytes %u-%u/%u\r\nContent-Length: %u\r\n\r\n",
                     (unsigned)got, (unsigned)img_len, (unsigned)img_len + 1u,
                     (unsigned)(img_len + 1u - got)),
            fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0)->body = img;
        else if (k == 2) /* another ETag */
            part206(img, got, img_len, "\"other\"");
        else /* no Content-Range */
            h = head(i, "HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\n"
                        "Content-Length: 10\r\n\r\n"),
            fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
        ok200(img, img_len, ETAG);
        assert_int_equal(run(), 0);
        assert_installed(img, img_len);
        assert_int_equal(t.net.connects, 3);
        assert_asked(2, -1, NULL);
        assert_int_equal(nth(ABOTA_EV_RETRY, 1)->err, ABOTA_ERR_HTTP_RANGE_MISMATCH);
    }
}

/* No validator: the resume asks a Range without If-Range; verification
 * still decides. Last-Modified serves as the validator when there is no
 * strong ETag. */
static void test_validators(void **state)
{
    ok200(img, img_len, NULL)->cut = 3000;
    part206(img, (uint32_t)(3000 - t.net.conn[0].resp_len), img_len, "\"x\"");
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_asked(1, 3000 - (long)t.net.conn[0].resp_len, NULL);

    setup(state);
    unsigned i = t.net.nconns;
    size_t h = head(i, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                       "ETag: W/\"weak\"\r\nLast-Modified: Tue, 24 Nov 2026 10:00:00 GMT\r\n"
                       "Content-Length: %u\r\n\r\n",
                    (unsigned)img_len);
    struct fakenet_conn *c = fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
    c->body = img;
    c->body_len = img_len;
    c->cut = 4000;
    i = t.net.nconns;
    uint32_t got = (uint32_t)(4000 - h);
    h = head(i, "HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\n"
                "Content-Range: bytes %u-%u/%u\r\nContent-Length: %u\r\n\r\n",
             (unsigned)got, (unsigned)img_len - 1u, (unsigned)img_len, (unsigned)(img_len - got));
    c = fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
    c->body = img;
    c->body_off = got;
    c->body_len = img_len - got;
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_asked(1, got, "Tue, 24 Nov 2026 10:00:00 GMT");
}

/* Drops that keep bringing bytes never exhaust max_attempts: only attempts
 * without progress count. */
static void test_progress_resets_attempts(void **state)
{
    (void)state;
    t.cfg.max_attempts = 2;
    uint32_t at = 0;
    for (unsigned k = 0; k < 6; k++) {
        uint32_t next = k == 5 ? img_len : at + 1800u;
        struct fakenet_conn *c = k ? part206(img, at, img_len, ETAG) : ok200(img, img_len, ETAG);
        if (k < 5)
            c->cut = c->resp_len + (next - at);
        at = next;
    }
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.up.attempts, 6);
    /* Each wait starts again from the base. */
    for (unsigned k = 0; k < 5; k++)
        assert_in_range(nth(ABOTA_EV_RETRY, k)->total, 500, 1000);
}

/* --- the journal: resume after a reboot --- */

/* The run after a reboot: the journal's checkpoint at `at` is resumed with
 * a 206 and the image installs. */
static void resume_after_reboot(uint32_t at)
{
    t.cfg.max_attempts = 0;
    part206(img, at, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.up.resumed_at, at);
    assert_asked(1, at, ETAG);
}

/* A download cut off, then the device reboots (a new engine over the same
 * flash): it continues from the last checkpoint. */
static void test_journal_reboot(void **state)
{
    (void)state;
    t.cfg.max_attempts = 1;
    struct fakenet_conn *c = ok200(img, img_len, ETAG);
    c->cut = c->resp_len + 9000; /* checkpoints at 4096 and 8192 */
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    assert_untouched();
    uint32_t wire = t.up.bytes_received;

    t.cfg.no_footer_probe = false; /* a resume skips the probe */
    resume_after_reboot(8192);
    assert_int_equal(t.net.connects, 2);
    wire += t.up.bytes_received;
    /* One image, the 808 bytes after the checkpoint again, two heads. */
    assert_int_equal(wire, img_len + (9000 - 8192) + t.net.conn[0].resp_len +
                               t.net.conn[1].resp_len);
    printf("journal resume after a reboot: %lu wire bytes for a %lu-byte image (%lu.%03lu)\n",
           (unsigned long)wire, (unsigned long)img_len, (unsigned long)(wire / img_len),
           (unsigned long)(wire % img_len * 1000u / img_len));
}

/* Power cut in the middle of the slot's next sector: bytes past the
 * checkpoint are on flash; the resume re-erases from the checkpoint. */
static void test_journal_power_cut(void **state)
{
    (void)state;
    t.cfg.max_attempts = 1;
    struct fakenet_conn *c = ok200(img, img_len, ETAG);
    c->cut = c->resp_len + 4096 + 2001;
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    part206(img, 4096, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.up.resumed_at, 4096);
}

/* A server that says the image changed (200 to the If-Range) or a journal
 * of another download: a fresh start. */
static void test_journal_other_identity(void **state)
{
    t.cfg.max_attempts = 1;
    struct fakenet_conn *c = ok200(img, img_len, ETAG);
    c->cut = c->resp_len + 9000;
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    /* Another URL: the journal is not for it. */
    t.cfg.url = "http://fw.example/other%d.bin";
    ok200(img, img_len, ETAG);
    assert_int_equal(run(), 0);
    assert_int_equal(t.up.resumed_at, 0);
    assert_asked(1, -1, NULL);
    assert_installed(img, img_len);

    /* Same URL, the image changed: the If-Range answer is a 200. */
    setup(state);
    t.cfg.max_attempts = 1;
    c = ok200(img, img_len, ETAG);
    c->cut = c->resp_len + 9000;
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    uint32_t n2 = testimg_build(big, sizeof big, 9000, 4, ABOTA_SLOT_ANY, V_NEW + 2u);
    ok200(big, n2, "\"v2\"");
    assert_int_equal(run(), 0);
    assert_asked(1, 8192, ETAG);
    assert_installed(big, n2);
}

/* A journal that does not read back valid is ignored, never trusted. */
static void test_journal_corrupted(void **state)
{
    for (int k = 0; k < 4; k++) {
        setup(state);
        t.cfg.max_attempts = 1;
        struct fakenet_conn *c = ok200(img, img_len, ETAG);
        c->cut = c->resp_len + 9000;
        assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
        long want = -1;
        if (k == 0) {
            flash_mem[JOURNAL + 20] ^= 0x04; /* header (in the ETag) */
        } else if (k == 1) {
            flash_mem[JOURNAL + 112 + 16 + 1] ^= 0x20; /* last checkpoint: the older counts */
            want = 4096;
        } else if (k == 2) {
            flash_mem[t.layout.slot[1].offset + 100] &= 0xFE; /* slot prefix changed */
        } else {
            memset(flash_mem + JOURNAL, 0x00, 16); /* garbage */
        }
        if (want < 0)
            ok200(img, img_len, ETAG);
        else
            part206(img, (uint32_t)want, img_len, ETAG);
        assert_int_equal(run(), 0);
        assert_asked(1, want, want < 0 ? NULL : ETAG);
        assert_installed(img, img_len);
    }
}

/* Without a validator nothing identifies the image after a reboot: no
 * journal header is written. */
static void test_journal_needs_validator(void **state)
{
    (void)state;
    t.cfg.max_attempts = 1;
    ok200(img, img_len, NULL)->cut = 9500;
    assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
    for (unsigned i = 0; i < TESTIMG_SECTOR; i++)
        assert_int_equal(flash_mem[JOURNAL + i], 0xFF);
}

/* --- bodies that end at the close (no Content-Length, not chunked) --- */

/* HTTP/1.0 200 without a length: the body runs until the close. */
static struct fakenet_conn *nolen200(const uint8_t *body, uint32_t len, const char *etag)
{
    unsigned i = t.net.nconns;
    size_t h = head(i, "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                       "ETag: %s\r\n\r\n", etag);
    struct fakenet_conn *c = fakenet_add(&t.net, (const uint8_t *)heads[i], h, 0);
    c->body = body;
    c->body_len = len;
    return c;
}

/* A reset inside a close-delimited body is a drop like any other: the
 * resume asks for the rest, and a 206 that ends at the close before the
 * total its Content-Range names was cut too (resumed again, not taken as
 * the end). */
static void test_close_delimited_resume(void **state)
{
    (void)state;
    struct fakenet_conn *c = nolen200(img, img_len, ETAG);
    c->cut = c->resp_len + 5000;
    c->recv_err = ABOTA_ERR_NET_RESET;
    c = range206(img, 5000, img_len, ETAG, false);
    c->cut = c->resp_len + 3000; /* a clean close at 8000 */
    range206(img, 8000, img_len, ETAG, false);
    assert_int_equal(run(), 0);
    assert_installed(img, img_len);
    assert_int_equal(t.net.connects, 3);
    assert_asked(1, 5000, ETAG);
    assert_asked(2, 8000, ETAG);
    assert_int_equal(nth(ABOTA_EV_RETRY, 0)->err, ABOTA_ERR_NET_RESET);
    assert_int_equal(nth(ABOTA_EV_RETRY, 1)->err, ABOTA_ERR_HTTP_TRUNCATED);
    assert_int_equal(nth(ABOTA_EV_RESUMED, 1)->total, img_len);
}

/* The journal of a close-delimited download resumes after a reboot. */
static void test_close_delimited_journal(void **state)
{
    (void)state;
    t.cfg.max_attempts = 1;
    struct fakenet_conn *c = nolen200(img, img_len, ETAG);
    c->cut = c->resp_len + 9000; /* checkpoints at 4096 and 8192 */
    c->recv_err = ABOTA_ERR_NET_RESET;
    assert_int_equal(run(), ABOTA_ERR_NET_RESET);
    assert_untouched();

    resume_after_reboot(8192);
}

#elif ABOTA_FEATURE_RETRY
/* Resume compiled out (config.h): a drop anywhere costs a retry of the
 * whole image, asked without Range, and the journal sector stays erased. */
static void test_drop_restarts(void **state)
{
    for (uint32_t cut = 1; cut < img_len; cut += cut < 130 ? 9 : 1997) {
        setup(state);
        struct fakenet_conn *c = ok200(img, img_len, ETAG);
        c->cut = cut;
        c->chunk = 300;
        ok200(img, img_len, ETAG);
        assert_int_equal(run(), 0);
        assert_installed(img, img_len);
        assert_int_equal(t.net.connects, 2);
        assert_asked(0, -1, NULL);
        assert_asked(1, -1, NULL);
        assert_int_equal(t.up.bytes_received,
                         cut + t.net.conn[1].resp_len + t.net.conn[1].body_len);
        assert_int_equal(count(ABOTA_EV_RESUMED), 0);
        assert_int_equal(nth(ABOTA_EV_RETRY, 0)->err, ABOTA_ERR_HTTP_TRUNCATED);
        for (uint32_t i = 0; i < TESTIMG_SECTOR; i++)
            assert_int_equal(flash_mem[JOURNAL + i], 0xFF);
    }
}
#else
/* Neither resume nor retries: a drop ends the run with
 * ABOTA_ERR_HTTP_TRUNCATED and the record untouched; the next run fetches
 * the whole image again, without Range. */
static void test_drop_ends_run(void **state)
{
    for (uint32_t cut = 1; cut < img_len; cut += cut < 130 ? 9 : 1997) {
        setup(state);
        struct fakenet_conn *c = ok200(img, img_len, ETAG);
        c->cut = cut;
        c->chunk = 300;
        ok200(img, img_len, ETAG);
        assert_int_equal(run(), ABOTA_ERR_HTTP_TRUNCATED);
        assert_int_equal(t.net.connects, 1);
        assert_untouched();
        assert_int_equal(run(), 0);
        assert_installed(img, img_len);
        assert_int_equal(t.net.connects, 2);
        assert_asked(0, -1, NULL);
        assert_asked(1, -1, NULL);
        assert_int_equal(t.up.bytes_received, t.net.conn[1].resp_len + t.net.conn[1].body_len);
        for (uint32_t i = 0; i < TESTIMG_SECTOR; i++)
            assert_int_equal(flash_mem[JOURNAL + i], 0xFF);
    }
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#if ABOTA_FEATURE_RETRY
        cmocka_unit_test_setup_teardown(test_retry_then_success, setup, NULL),
        cmocka_unit_test_setup_teardown(test_backoff_bounded, setup, NULL),
        cmocka_unit_test_setup_teardown(test_retry_after, setup, NULL),
        cmocka_unit_test_setup_teardown(test_corrupt_retried_once, setup, NULL),
        cmocka_unit_test_setup_teardown(test_deadline_wins, setup, NULL),
#else
        cmocka_unit_test_setup_teardown(test_one_attempt, setup, NULL),
        cmocka_unit_test_setup_teardown(test_server_busy_one_attempt, setup, NULL),
        cmocka_unit_test_setup_teardown(test_corrupt_one_attempt, setup, NULL),
#endif
        cmocka_unit_test_setup_teardown(test_permanent_not_retried, setup, NULL),
#if ABOTA_FEATURE_RESUME
        cmocka_unit_test_setup_teardown(test_drop_anywhere, setup, NULL),
        cmocka_unit_test_setup_teardown(test_drop_chunked, setup, NULL),
        cmocka_unit_test_setup_teardown(test_server_ignores_range, setup, NULL),
        cmocka_unit_test_setup_teardown(test_image_changed, setup, NULL),
        cmocka_unit_test_setup_teardown(test_range_mismatch, setup, NULL),
        cmocka_unit_test_setup_teardown(test_validators, setup, NULL),
        cmocka_unit_test_setup_teardown(test_progress_resets_attempts, setup, NULL),
        cmocka_unit_test_setup_teardown(test_journal_reboot, setup, NULL),
        cmocka_unit_test_setup_teardown(test_journal_power_cut, setup, NULL),
        cmocka_unit_test_setup_teardown(test_journal_other_identity, setup, NULL),
        cmocka_unit_test_setup_teardown(test_journal_corrupted, setup, NULL),
        cmocka_unit_test_setup_teardown(test_journal_needs_validator, setup, NULL),
        cmocka_unit_test_setup_teardown(test_close_delimited_resume, setup, NULL),
        cmocka_unit_test_setup_teardown(test_close_delimited_journal, setup, NULL),
#elif ABOTA_FEATURE_RETRY
        cmocka_unit_test_setup_teardown(test_drop_restarts, setup, NULL),
#else
        cmocka_unit_test_setup_teardown(test_drop_ends_run, setup, NULL),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
