/* The HTTP parser never reads past the bytes it is given: each input is
 * placed so that it ends exactly where a PROT_NONE page begins, then fed
 * whole and one byte per call (each byte alone, right before the guard).
 * A one-byte over-read is a SIGSEGV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "abota/error.h"
#include "abota/http.h"
#include "fixture.h"
#include "http_feed.h"

#define AREA (16u * 1024u)

static uint8_t *area;   /* AREA readable bytes, then the guard page */
static size_t page;

static int setup(void **state)
{
    (void)state;
    page = (size_t)sysconf(_SC_PAGESIZE);
    size_t rw = (AREA + page - 1) / page * page;
    uint8_t *m = mmap(NULL, rw + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    if (mprotect(m + rw, page, PROT_NONE) != 0)
        return -1;
    area = m + rw; /* the guard page starts here; data goes just below */
    return 0;
}

/* Copies in[0..n) to end at the guard page. */
static const uint8_t *at_guard(const uint8_t *in, size_t n)
{
    assert_true(n <= AREA);
    memcpy(area - n, in, n);
    return area - n;
}

static void feed_guarded(const uint8_t *in, size_t n, bool head, const char *label)
{
    struct http_feed_result whole;
    static uint8_t copy[AREA];
    memcpy(copy, in, n);

    /* whole, ending at the guard */
    http_feed_run(at_guard(copy, n), n, head, n, 0, &whole);
    assert_false(whole.stuck);
    assert_false(whole.span_outside);

    /* one byte per call, each byte alone in front of the guard */
    struct abota_http p;
    abota_http_init(&p, head);
    int err = 0;
    size_t body_len = 0;
    for (size_t i = 0; i < n && err == 0; i++) {
        const uint8_t *b = at_guard(copy + i, 1);
        const uint8_t *body;
        size_t blen;
        int r = abota_http_feed(&p, b, 1, &body, &blen);
        if (r < 0) {
            err = r;
            break;
        }
        assert_int_equal(r, 1);
        if (blen) {
            assert_ptr_equal(body, b);
            assert_int_equal(blen, 1);
            body_len++;
        }
    }
    if (err == 0)
        err = abota_http_eof(&p);
    if (err != whole.err)
        fail_msg("%s: byte by byte gives %s, whole %s", label, abota_strerror_name(err),
                 abota_strerror_name(whole.err));
    assert_int_equal(body_len, whole.body_len);
}

static void test_corpus_at_guard(void **state)
{
    (void)state;
    static uint8_t buf[AREA];
    for (size_t c = 0; c < http_corpus_count; c++) {
        char rel[96];
        snprintf(rel, sizeof rel, "http/%s", http_corpus[c].file);
        size_t n = testdata_load(rel, buf, sizeof buf);
        feed_guarded(buf, n, http_corpus[c].head, http_corpus[c].file);
        /* every prefix too: the parser stops wherever the data stops */
        for (size_t k = 0; k < n; k += 97)
            feed_guarded(buf, k, http_corpus[c].head, http_corpus[c].file);
    }
}

/* Inputs that end in the middle of every kind of token. */
static void test_partial_tokens_at_guard(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 12",
        "HTTP/1.1 200 OK\r\nContent-Range: bytes 0-1/",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA;ext=\"q",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTrailer: x",
        "HTTP/1.1 200 OK\r\nX-Unknown: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2",
        "HTTP/1.1 200 OK\r\nETag: \"abc",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i]);
        for (size_t k = 0; k <= n; k++)
            feed_guarded((const uint8_t *)cases[i], k, false, cases[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_at_guard),
        cmocka_unit_test(test_partial_tokens_at_guard),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
