/* HTTP response parser: captured real responses (python http.server, nginx,
 * a chunked python server) and hand-written cases, each fed whole, one byte
 * per call and split at every point, with identical results required.
 * Built in every profile: where a feature is compiled out (config.h), the
 * #else branch checks what the parser does instead (chunked refused,
 * headers of resume and redirects skipped like unknown ones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "abota/error.h"
#include "abota/http.h"
#include "fixture.h"
#include "http_feed.h"

static uint8_t fw[4096];
static size_t fw_len;
static uint8_t input[12288];
static struct http_feed_result res;

static int load_fw(void **state)
{
    (void)state;
    fw_len = testdata_load("http/fw.bin", fw, sizeof fw);
    return fw_len == 2600 ? 0 : -1;
}

/* Runs s through every split; the whole run lands in res. */
static void run_case(const char *s, size_t n, bool head, int want_err)
{
    if (!http_feed_all_splits((const uint8_t *)s, n, head, s, &res))
        fail_msg("split results differ for: %.60s", s);
    if (res.err != want_err)
        fail_msg("%.60s: got %s, want %s", s, abota_strerror_name(res.err),
                 abota_strerror_name(want_err));
}

#define CASE(lit, head, err) run_case(lit, sizeof(lit) - 1, head, err)

/* --- the captured corpus --- */

static void test_corpus(void **state)
{
    (void)state;
    for (size_t c = 0; c < http_corpus_count; c++) {
        const struct http_corpus_case *k = &http_corpus[c];
        char rel[96];
        snprintf(rel, sizeof rel, "http/%s", k->file);
        size_t n = testdata_load(rel, input, sizeof input);
        if (!http_feed_all_splits(input, n, k->head, k->file, &res))
            fail_msg("%s: split results differ", k->file);
#if !ABOTA_FEATURE_CHUNKED
        if (k->chunked) {
            assert_int_equal(res.err, ABOTA_ERR_HTTP_TE_UNSUPPORTED);
            continue;
        }
#endif
        if (res.err != 0)
            fail_msg("%s: %s", k->file, abota_strerror_name(res.err));
        assert_int_equal(res.resp.status, k->status);
        assert_int_equal(res.resp.version_minor, k->version_minor);
        assert_int_equal(res.resp.chunked, k->chunked);
        assert_int_equal(res.resp.connection_close, k->connection_close);
        if (k->status != 304) /* nginx sends no Content-Length with a 304 */
            assert_int_equal(res.resp.has_content_length, !k->chunked && !k->close_delimited);
        /* close-delimited bodies are only complete at eof */
        assert_int_equal(res.done, !k->close_delimited);
        assert_true(res.headers_done || k->close_delimited);
        switch (k->body) {
        case BODY_NONE:
            assert_int_equal(res.body_len, 0);
            break;
        case BODY_FW:
            assert_int_equal(res.body_len, fw_len - k->body_offset);
            assert_memory_equal(res.body, fw + k->body_offset, res.body_len);
            if (k->body_offset)
                assert_int_equal(res.resp.content_length, res.body_len);
            break;
        case BODY_ANY:
            assert_true(res.body_len > 0);
            assert_int_equal(res.body_len, res.resp.content_length);
            break;
        }
        assert_int_equal(res.body_seen, res.body_len);
        if (k->head || (k->body == BODY_FW && !k->chunked && !k->close_delimited &&
                        !k->body_offset))
            assert_int_equal(res.resp.content_length, fw_len);
    }
}

static void test_corpus_headers(void **state)
{
    (void)state;
    size_t n = testdata_load("http/python-get-200.http", input, sizeof input);
    http_feed_run(input, n, false, n, 0, &res);
    /* python sends "Content-type" */
#if ABOTA_FEATURE_CONTENT_TYPE
    assert_string_equal(res.resp.content_type, "application/octet-stream");
#endif
#if ABOTA_FEATURE_RESUME
    assert_int_equal(strlen(res.resp.last_modified), 29);
    assert_string_equal(res.resp.etag, "");
    assert_false(res.resp.accept_ranges);
#endif

    n = testdata_load("http/nginx-get-200.http", input, sizeof input);
    http_feed_run(input, n, false, n, 0, &res);
#if ABOTA_FEATURE_RESUME
    assert_int_equal(res.resp.etag[0], '"');
    assert_true(strlen(res.resp.etag) > 2);
    assert_true(res.resp.accept_ranges);
#endif
#if ABOTA_FEATURE_CONTENT_TYPE
    assert_string_equal(res.resp.content_type, "application/octet-stream");
#endif
#if ABOTA_FEATURE_RETRY
    assert_int_equal(res.resp.retry_after, ABOTA_HTTP_NO_RETRY_AFTER);
#endif

    n = testdata_load("http/nginx-range-206.http", input, sizeof input);
    http_feed_run(input, n, false, n, 0, &res);
#if ABOTA_FEATURE_RESUME
    assert_true(res.resp.has_content_range);
    assert_int_equal(res.resp.range_first, 1000);
    assert_int_equal(res.resp.range_last, 2599);
    assert_int_equal(res.resp.range_total, 2600);
#else
    /* Content-Range skipped; the body is just Content-Length bytes */
    assert_int_equal(res.err, 0);
    assert_int_equal(res.resp.status, 206);
    assert_int_equal(res.body_len, 1600);
    assert_memory_equal(res.body, fw + 1000, 1600);
#endif

    n = testdata_load("http/python-get-404.http", input, sizeof input);
    http_feed_run(input, n, false, n, 0, &res);
#if ABOTA_FEATURE_CONTENT_TYPE
    assert_string_equal(res.resp.content_type, "text/html"); /* ";charset=utf-8" dropped */
#endif
}

/* The first call stops right after the head, the next one returns body. */
static void test_stops_after_head(void **state)
{
    (void)state;
    static const char msg[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    struct abota_http p;
    const uint8_t *body;
    size_t blen;
    abota_http_init(&p, false);
    int r = abota_http_feed(&p, (const uint8_t *)msg, sizeof msg - 1, &body, &blen);
    assert_int_equal(r, (int)(sizeof msg - 1 - 3));
    assert_int_equal(blen, 0);
    assert_true(abota_http_headers_done(&p));
    assert_false(abota_http_done(&p));
    r = abota_http_feed(&p, (const uint8_t *)msg + r, 3, &body, &blen);
    assert_int_equal(r, 3);
    assert_int_equal(blen, 3);
    assert_memory_equal(body, "abc", 3);
    assert_true(abota_http_done(&p));
    assert_int_equal(abota_http_body_seen(&p), 3);
    assert_int_equal(abota_http_eof(&p), 0);
    /* more bytes after the end: refused, and the parser stays failed */
    r = abota_http_feed(&p, (const uint8_t *)"x", 1, &body, &blen);
    assert_int_equal(r, ABOTA_ERR_HTTP_EXTRA_BYTES);
    assert_int_equal(blen, 0);
    assert_int_equal(abota_http_feed(&p, (const uint8_t *)"", 0, &body, &blen),
                     ABOTA_ERR_HTTP_EXTRA_BYTES);
    assert_false(abota_http_done(&p));
    assert_int_equal(abota_http_eof(&p), ABOTA_ERR_HTTP_EXTRA_BYTES);
}

/* --- status line --- */

static void test_status_line(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.status, 200);
    assert_int_equal(res.resp.version_minor, 1);
    assert_false(res.resp.connection_close);
    CASE("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", false, 0); /* no reason */
    CASE("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", false, 0); /* empty reason */
    CASE("HTTP/1.0 599 Whatever it is\tok\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.status, 599);
    assert_true(res.resp.connection_close);
    CASE("HTTP/2 200 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_LINE);
    CASE("HTTP/1.2 200 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_LINE);
    CASE("HTTP/2.0 200 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_LINE);
    CASE("http/1.1 200 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_LINE);
    CASE("HTTP/1.1  200 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_CODE);
    CASE("HTTP/1.1\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_LINE);
    CASE("HTTP/1.1 20\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_CODE);
    CASE("HTTP/1.1 2000 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_CODE);
    CASE("HTTP/1.1 20x OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_CODE);
    CASE("HTTP/1.1 600 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_CODE);
    CASE("HTTP/1.1 099 OK\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_CODE);
    CASE("HTTP/1.1 200 O\001K\r\n\r\n", false, ABOTA_ERR_HTTP_STATUS_LINE);
    CASE("HTTP/1.1 200 OK\n\r\n", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\rX\n", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", false,
         ABOTA_ERR_HTTP_STATUS);
    CASE("", false, ABOTA_ERR_HTTP_TRUNCATED);
    CASE("HTTP/1.1 200 OK\r\n", false, ABOTA_ERR_HTTP_TRUNCATED);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r", false, ABOTA_ERR_HTTP_TRUNCATED);
    assert_false(res.headers_done);
}

static void test_interim(void **state)
{
    (void)state;
    CASE("HTTP/1.1 100 Continue\r\n\r\n"
         "HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\nContent-Length: 9\r\n\r\n"
         "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi",
         false, 0);
    assert_int_equal(res.resp.status, 200);
    assert_int_equal(res.resp.version_minor, 0);
    assert_int_equal(res.resp.content_length, 2);
    assert_int_equal(res.body_len, 2);
    assert_memory_equal(res.body, "hi", 2);
    /* an interim response's headers do not leak into the final one */
    CASE("HTTP/1.1 100 Continue\r\nETag: \"a\"\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false,
         0);
#if ABOTA_FEATURE_RESUME
    assert_string_equal(res.resp.etag, "");
#endif
    CASE("HTTP/1.1 100 Continue\r\nContent-Type: a/b\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
         false, 0);
#if ABOTA_FEATURE_CONTENT_TYPE
    assert_string_equal(res.resp.content_type, "");
#endif
    /* an endless stream of interim responses is refused */
    static char many[40 * (ABOTA_HTTP_MAX_HEADERS + 1) + 1];
    size_t n = 0;
    for (int i = 0; i <= ABOTA_HTTP_MAX_HEADERS; i++) {
        memcpy(many + n, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        n += 25;
    }
    run_case(many, n, false, ABOTA_ERR_HTTP_TOO_MANY_HEADERS);
}

/* --- header syntax --- */

static void test_header_syntax(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\nX-A: 1\n\r\n", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 1\n\r\n", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\nX-A\n", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\n\n", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\n\rX", false, ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", false, ABOTA_ERR_HTTP_OBS_FOLD);
    CASE("HTTP/1.1 200 OK\r\nX-A: 1\r\n\tfolded\r\n\r\n", false, ABOTA_ERR_HTTP_OBS_FOLD);
    CASE("HTTP/1.1 200 OK\r\nX-A: a\000b\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_VALUE);
    CASE("HTTP/1.1 200 OK\r\nETag: a\001b\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_VALUE);
    CASE("HTTP/1.1 200 OK\r\nX-A: a\177b\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_VALUE);
    CASE("HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_SYNTAX);
    CASE("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_SYNTAX);
    CASE("HTTP/1.1 200 OK\r\n: 1\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_SYNTAX);
    CASE("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_SYNTAX);
    CASE("HTTP/1.1 200 OK\r\nX\000: 1\r\n\r\n", false, ABOTA_ERR_HTTP_HEADER_SYNTAX);
    /* obs-text and tabs are fine in values; empty values too */
    CASE("HTTP/1.1 200 OK\r\nX-A: caf\303\251\t!\r\nX-B:\r\nContent-Length: 0\r\n\r\n", false, 0);
}

static void test_line_limits(void **state)
{
    (void)state;
    static char buf[ABOTA_HTTP_SKIP_LINE_MAX + 200];
    const char *head = "HTTP/1.1 200 OK\r\n";
    const char *tail = "\r\nContent-Length: 0\r\n\r\n";
    size_t n;

    /* a known header line of exactly ABOTA_HTTP_LINE_MAX bytes fits
     * (Location where redirects are built, else Connection: both are
     * buffered whole, 11 bytes before the 'a's) */
    for (int extra = 0; extra <= 1; extra++) {
        n = strlen(head);
        memcpy(buf, head, n);
        memcpy(buf + n, ABOTA_FEATURE_REDIRECT ? "Location: /" : "Connection:", 11);
        size_t line = ABOTA_HTTP_LINE_MAX + (size_t)extra;
        memset(buf + n + 11, 'a', line - 11);
        n += line;
        memcpy(buf + n, tail, strlen(tail));
        n += strlen(tail);
        run_case(buf, n, false, extra ? ABOTA_ERR_HTTP_LINE_TOO_LONG : 0);
#if ABOTA_FEATURE_REDIRECT
        if (!extra)
            assert_int_equal(strlen(res.resp.location), ABOTA_HTTP_LINE_MAX - 10);
#endif
    }
    /* an unknown header is skipped up to ABOTA_HTTP_SKIP_LINE_MAX */
    for (int extra = 0; extra <= 1; extra++) {
        n = strlen(head);
        memcpy(buf, head, n);
        memcpy(buf + n, "X-Long: ", 8);
        size_t line = ABOTA_HTTP_SKIP_LINE_MAX + (size_t)extra;
        memset(buf + n + 8, 'b', line - 8);
        n += line;
        memcpy(buf + n, tail, strlen(tail));
        n += strlen(tail);
        struct http_feed_result *r = &res;
        http_feed_run((const uint8_t *)buf, n, false, n, 0, r);
        assert_int_equal(r->err, extra ? ABOTA_ERR_HTTP_LINE_TOO_LONG : 0);
        http_feed_run((const uint8_t *)buf, n, false, 0, 1, r);
        assert_int_equal(r->err, extra ? ABOTA_ERR_HTTP_LINE_TOO_LONG : 0);
    }
    /* a long header name is skipped like a long value */
    n = strlen(head);
    memcpy(buf, head, n);
    memset(buf + n, 'N', 300);
    n += 300;
    memcpy(buf + n, ": v", 3);
    n += 3;
    memcpy(buf + n, tail, strlen(tail));
    n += strlen(tail);
    run_case(buf, n, false, 0);
    /* a status line over ABOTA_HTTP_LINE_MAX */
    memcpy(buf, "HTTP/1.1 200 ", 13);
    memset(buf + 13, 'r', ABOTA_HTTP_LINE_MAX);
    memcpy(buf + 13 + ABOTA_HTTP_LINE_MAX, "\r\n\r\n", 4);
    run_case(buf, 17 + ABOTA_HTTP_LINE_MAX, false, ABOTA_ERR_HTTP_LINE_TOO_LONG);
}

static void test_header_count(void **state)
{
    (void)state;
    static char buf[64 + 12 * (ABOTA_HTTP_MAX_HEADERS + 1)];
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = 0;
        memcpy(buf, "HTTP/1.1 204 No Content\r\n", 25);
        n = 25;
        for (int i = 0; i < ABOTA_HTTP_MAX_HEADERS + extra; i++) {
            memcpy(buf + n, "X-H: 1234\r\n", 11);
            n += 11;
        }
        memcpy(buf + n, "\r\n", 2);
        n += 2;
        run_case(buf, n, false, extra ? ABOTA_ERR_HTTP_TOO_MANY_HEADERS : 0);
    }
}

/* --- the headers abota uses --- */

static void test_content_length(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\ncontent-LENGTH:   5  \r\n\r\nhello", false, 0);
    assert_true(res.resp.has_content_length);
    assert_int_equal(res.resp.content_length, 5);
    assert_memory_equal(res.body, "hello", 5);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", false, 0);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 005\r\n\r\nhello", false, 0);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", false,
         ABOTA_ERR_HTTP_CL_CONFLICT);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n", false, ABOTA_ERR_HTTP_CL_NOT_NUMBER);
    CASE("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", false, ABOTA_ERR_HTTP_CL_NOT_NUMBER);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, ABOTA_ERR_HTTP_CL_NOT_NUMBER);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", false, ABOTA_ERR_HTTP_CL_NOT_NUMBER);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", false, ABOTA_ERR_HTTP_CL_NOT_NUMBER);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", false, ABOTA_ERR_HTTP_CL_NOT_NUMBER);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n", false,
         ABOTA_ERR_HTTP_CL_TOO_BIG);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", false,
         ABOTA_ERR_HTTP_CL_TOO_BIG);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 4294967295\r\n\r\nabc", false,
         ABOTA_ERR_HTTP_TRUNCATED);
    assert_int_equal(res.resp.content_length, 4294967295u);
    assert_true(res.headers_done);
    assert_int_equal(res.body_seen, 3);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_true(res.done);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", false, ABOTA_ERR_HTTP_TRUNCATED);
    assert_int_equal(res.body_len, 3);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello!", false,
         ABOTA_ERR_HTTP_EXTRA_BYTES);
    assert_int_equal(res.body_len, 5); /* the extra byte is never body */
    assert_memory_equal(res.body, "hello", 5);
}

static void test_transfer_encoding(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_UNSUPPORTED);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_UNSUPPORTED);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_UNSUPPORTED);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
         false, ABOTA_ERR_HTTP_TE_UNSUPPORTED);
#if !ABOTA_FEATURE_CHUNKED
    /* chunked compiled out: refused like any other coding */
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_UNSUPPORTED);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_UNSUPPORTED);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true,
         ABOTA_ERR_HTTP_TE_UNSUPPORTED);
}
#else
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_AND_CL);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", false,
         ABOTA_ERR_HTTP_TE_AND_CL);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", false, 0);
    assert_true(res.resp.chunked);
    assert_int_equal(res.body_len, 0);
}
#endif

#if ABOTA_FEATURE_CHUNKED
static void test_chunked(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n1;a=b;c\r\n \r\na ; x=\"q;r\"\r\n0123456789\r\n"
         "00000000001\r\n!\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\n",
         false, 0);
    assert_int_equal(res.body_len, 17);
    assert_memory_equal(res.body, "hello 0123456789!", 17);
    assert_true(res.done);
    /* trailers are skipped, not parsed */
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "2\r\nab\r\n0\r\nContent-Length: 99\r\n\r\n",
         false, 0);
    assert_false(res.resp.has_content_length);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\nab", false,
         ABOTA_ERR_HTTP_TRUNCATED);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_TOO_BIG);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_SIZE);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_SIZE);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_SIZE);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_SIZE);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;\001\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_SIZE);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello", false,
         ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_CRLF);
    assert_int_equal(res.body_len, 5);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX", false,
         ABOTA_ERR_HTTP_CHUNK_CRLF);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", false,
         ABOTA_ERR_HTTP_CHUNK_CRLF);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n", false,
         ABOTA_ERR_HTTP_NO_CRLF);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n y\r\n\r\n", false,
         ABOTA_ERR_HTTP_OBS_FOLD);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX", false,
         ABOTA_ERR_HTTP_EXTRA_BYTES);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", false,
         ABOTA_ERR_HTTP_TRUNCATED);
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", false,
         ABOTA_ERR_HTTP_TRUNCATED);
    /* HEAD: chunked or not, no body follows */
    CASE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, 0);
    assert_true(res.done);
}
#endif

static void test_no_body(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 2600\r\n\r\n", true, 0);
    assert_true(res.done);
    assert_int_equal(res.resp.content_length, 2600);
    CASE("HTTP/1.1 200 OK\r\nContent-Length: 2600\r\n\r\nX", true, ABOTA_ERR_HTTP_EXTRA_BYTES);
    CASE("HTTP/1.1 204 No Content\r\n\r\n", false, 0);
    assert_true(res.done);
    CASE("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false, 0);
    assert_true(res.done);
    CASE("HTTP/1.1 304 Not Modified\r\n\r\nX", false, ABOTA_ERR_HTTP_EXTRA_BYTES);
    assert_int_equal(res.body_len, 0);
}

static void test_close_delimited(void **state)
{
    (void)state;
    CASE("HTTP/1.1 200 OK\r\n\r\nanything\r\n0\r\n\r\n", false, 0);
    assert_true(res.resp.connection_close);
    assert_false(res.done);
    assert_true(res.headers_done);
    assert_int_equal(res.body_len, 15);
    assert_memory_equal(res.body, "anything\r\n0\r\n\r\n", 15);
    CASE("HTTP/1.0 200 OK\r\n\r\n", false, 0);
    assert_int_equal(res.body_len, 0);
}

static void test_content_type(void **state)
{
    (void)state;
#if !ABOTA_FEATURE_CONTENT_TYPE
    /* Compiled out: skipped like any unknown header, however long. */
    char big[300];
    int k = snprintf(big, sizeof big, "HTTP/1.1 204 X\r\nContent-Type: %0200d\r\n\r\n", 7);
    run_case(big, (size_t)k, false, 0);
    assert_int_equal(res.resp.status, 204);
    return;
#else
    CASE("HTTP/1.1 204 X\r\nContent-type:application/octet-stream\r\n\r\n", false, 0);
    assert_string_equal(res.resp.content_type, "application/octet-stream");
    CASE("HTTP/1.1 204 X\r\nCONTENT-TYPE: \t text/html ; charset=utf-8 \r\n\r\n", false, 0);
    assert_string_equal(res.resp.content_type, "text/html");
    char buf[200];
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 204 X\r\nContent-Type: %.*s\r\n\r\n",
                     ABOTA_HTTP_CTYPE_MAX - 1,
                     "application/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                     "xxxxxxxxxxxxxxxx");
    run_case(buf, (size_t)n, false, 0);
    assert_int_equal(strlen(res.resp.content_type), ABOTA_HTTP_CTYPE_MAX - 1);
    n = snprintf(buf, sizeof buf, "HTTP/1.1 204 X\r\nContent-Type: %.*s\r\n\r\n",
                 ABOTA_HTTP_CTYPE_MAX,
                 "application/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                 "xxxxxxxxxxxxxxxx");
    run_case(buf, (size_t)n, false, ABOTA_ERR_HTTP_VALUE_TOO_LONG);
#endif
}

#if ABOTA_FEATURE_RESUME
static void test_validators(void **state)
{
    (void)state;
    CASE("HTTP/1.1 204 X\r\nEtag:  W/\"abc\" \r\nlast-modified: Tue, 15 Nov 1994 08:12:31 GMT"
         "\r\n\r\n",
         false, 0);
    assert_string_equal(res.resp.etag, "W/\"abc\"");
    assert_string_equal(res.resp.last_modified, "Tue, 15 Nov 1994 08:12:31 GMT");
    /* an ETag too long to keep is dropped (only costs the conditional request) */
    char buf[300];
    char tag[ABOTA_HTTP_ETAG_MAX + 1];
    memset(tag, 'e', sizeof tag - 1);
    tag[sizeof tag - 1] = '\0';
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 204 X\r\nETag: %s\r\n\r\n", tag);
    run_case(buf, (size_t)n, false, 0);
    assert_string_equal(res.resp.etag, "");
    tag[ABOTA_HTTP_ETAG_MAX - 1] = '\0';
    n = snprintf(buf, sizeof buf, "HTTP/1.1 204 X\r\nETag: %s\r\n\r\n", tag);
    run_case(buf, (size_t)n, false, 0);
    assert_string_equal(res.resp.etag, tag);
    /* a Last-Modified longer than its field is an error, not a truncation */
    n = snprintf(buf, sizeof buf, "HTTP/1.1 204 X\r\nLast-Modified: %s\r\n\r\n", tag);
    run_case(buf, (size_t)n, false, ABOTA_ERR_HTTP_VALUE_TOO_LONG);
}
#else
/* Resume compiled out: validators and ranges are skipped like unknown
 * headers, so not even a malformed one is an error. */
static void test_resume_headers_skipped(void **state)
{
    (void)state;
    static char buf[3 * ABOTA_HTTP_LINE_MAX + 200];
    char tag[ABOTA_HTTP_LINE_MAX + 1];
    memset(tag, 'e', sizeof tag - 1);
    tag[sizeof tag - 1] = '\0';
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 206 P\r\nETag: %s\r\nLast-Modified: %s\r\n"
                     "Content-Range: bytes 9-0/1\r\nAccept-Ranges: bytes\r\n"
                     "Content-Length: 2\r\n\r\nab",
                     tag, tag);
    run_case(buf, (size_t)n, false, 0);
    assert_int_equal(res.resp.status, 206);
    assert_int_equal(res.body_len, 2);
}
#endif

#if ABOTA_FEATURE_REDIRECT
static void test_location(void **state)
{
    (void)state;
    CASE("HTTP/1.1 302 Found\r\nLOCATION: http://example.com/fw.bin?x=1\r\n"
         "Content-Length: 0\r\n\r\n",
         false, 0);
    assert_int_equal(res.resp.status, 302);
    assert_string_equal(res.resp.location, "http://example.com/fw.bin?x=1");
}
#else
/* Redirects compiled out: Location is skipped, even one longer than a
 * buffered line may be. */
static void test_location_skipped(void **state)
{
    (void)state;
    static char buf[ABOTA_HTTP_LINE_MAX + 200];
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 302 Found\r\nLocation: /%0*d\r\nContent-Length: 0\r\n\r\n",
                     ABOTA_HTTP_LINE_MAX + 10, 7);
    run_case(buf, (size_t)n, false, 0);
    assert_int_equal(res.resp.status, 302);
}
#endif

#if ABOTA_FEATURE_RESUME
static void test_content_range(void **state)
{
    (void)state;
    CASE("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/100\r\nContent-Length: 10\r\n\r\n"
         "0123456789",
         false, 0);
    assert_true(res.resp.has_content_range);
    assert_int_equal(res.resp.range_first, 0);
    assert_int_equal(res.resp.range_last, 9);
    assert_int_equal(res.resp.range_total, 100);
    CASE("HTTP/1.1 206 P\r\nContent-Range: Bytes 5-5/*\r\nContent-Length: 1\r\n\r\nx", false,
         0);
    assert_int_equal(res.resp.range_first, 5);
    assert_int_equal(res.resp.range_total, ABOTA_HTTP_RANGE_TOTAL_UNKNOWN);
    CASE("HTTP/1.1 416 R\r\nContent-Range: bytes */2600\r\nContent-Length: 0\r\n\r\n", false,
         0);
    assert_false(res.resp.has_content_range);
    assert_int_equal(res.resp.range_total, 2600);
    CASE("HTTP/1.1 206 P\r\nContent-Range: bytes 4294967293-4294967293/4294967294\r\n\r\n",
         true, 0);
    assert_int_equal(res.resp.range_last, 4294967293u);
#define BAD_CR(v) \
    CASE("HTTP/1.1 206 P\r\nContent-Range: " v "\r\n\r\n", true, ABOTA_ERR_HTTP_CONTENT_RANGE)
    BAD_CR("bytes 9-0/100");
    BAD_CR("bytes 0-100/100");
    BAD_CR("items 0-1/2");
    BAD_CR("bytes 0-1/x");
    BAD_CR("bytes 0-1");
    BAD_CR("bytes -1/2");
    BAD_CR("bytes 0-/2");
    BAD_CR("bytes 0-1/");
    BAD_CR("bytes=0-1/2");
    BAD_CR("bytes */*");
    BAD_CR("bytes 0-1/4294967296");
    BAD_CR("bytes 0-1/4294967295");
    BAD_CR("bytes");
    BAD_CR("");
#undef BAD_CR
}
#endif

static void test_accept_ranges_retry_after(void **state)
{
    (void)state;
#if ABOTA_FEATURE_RESUME
    CASE("HTTP/1.1 204 X\r\naccept-ranges: BYTES\r\n\r\n", false, 0);
    assert_true(res.resp.accept_ranges);
    CASE("HTTP/1.1 204 X\r\nAccept-Ranges: none\r\n\r\n", false, 0);
    assert_false(res.resp.accept_ranges);
#endif
#if ABOTA_FEATURE_RETRY
    CASE("HTTP/1.1 503 X\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.retry_after, 120);
    CASE("HTTP/1.1 503 X\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.retry_after, 0);
    CASE("HTTP/1.1 503 X\r\nRetry-After: 99999999999\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.retry_after, ABOTA_HTTP_RETRY_AFTER_MAX);
    CASE("HTTP/1.1 503 X\r\nRetry-After: Fri, 31 Dec 1999 23:59:59 GMT\r\n"
         "Content-Length: 0\r\n\r\n",
         false, 0);
    assert_int_equal(res.resp.retry_after, ABOTA_HTTP_RETRY_AFTER_DATE);
    CASE("HTTP/1.1 503 X\r\nRetry-After: -5\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.retry_after, ABOTA_HTTP_NO_RETRY_AFTER);
#else
    /* Skipped like any unknown header, whatever its value. */
    CASE("HTTP/1.1 503 X\r\nRetry-After: -5\r\nContent-Length: 0\r\n\r\n", false, 0);
    assert_int_equal(res.resp.status, 503);
#endif
}

static void test_connection(void **state)
{
    (void)state;
    CASE("HTTP/1.1 204 X\r\nConnection: close\r\n\r\n", false, 0);
    assert_true(res.resp.connection_close);
    CASE("HTTP/1.1 204 X\r\nConnection: Keep-Alive, Upgrade\r\n\r\n", false, 0);
    assert_false(res.resp.connection_close);
    CASE("HTTP/1.0 204 X\r\n\r\n", false, 0);
    assert_true(res.resp.connection_close);
    CASE("HTTP/1.0 204 X\r\nConnection: keep-alive\r\n\r\n", false, 0);
    assert_false(res.resp.connection_close);
    CASE("HTTP/1.0 204 X\r\nConnection: keep-alive\r\nConnection: CLOSE\r\n\r\n", false, 0);
    assert_true(res.resp.connection_close);
    CASE("HTTP/1.1 204 X\r\nConnection: upgrade,close\r\n\r\n", false, 0);
    assert_true(res.resp.connection_close);
}

/* Failure is sticky and init clears everything for the next response. */
static void test_sticky_and_reinit(void **state)
{
    (void)state;
    struct abota_http p;
    const uint8_t *body;
    size_t blen;
    abota_http_init(&p, false);
    assert_int_equal(abota_http_feed(&p, (const uint8_t *)"HTTP/3", 6, &body, &blen),
                     ABOTA_ERR_HTTP_STATUS_LINE);
    assert_int_equal(abota_http_feed(&p, (const uint8_t *)"HTTP/1.1 ", 9, &body, &blen),
                     ABOTA_ERR_HTTP_STATUS_LINE);
    assert_int_equal(abota_http_eof(&p), ABOTA_ERR_HTTP_STATUS_LINE);
    assert_false(abota_http_headers_done(&p));
    abota_http_init(&p, false);
    static const char ok[] = "HTTP/1.1 204 X\r\n\r\n";
    assert_int_equal(abota_http_feed(&p, (const uint8_t *)ok, sizeof ok - 1, &body, &blen),
                     (int)sizeof ok - 1);
    assert_true(abota_http_done(&p));
    assert_int_equal(abota_http_feed(&p, NULL, 0, &body, &blen), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_corpus_headers),
        cmocka_unit_test(test_stops_after_head),
        cmocka_unit_test(test_status_line),
        cmocka_unit_test(test_interim),
        cmocka_unit_test(test_header_syntax),
        cmocka_unit_test(test_line_limits),
        cmocka_unit_test(test_header_count),
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_transfer_encoding),
#if ABOTA_FEATURE_CHUNKED
        cmocka_unit_test(test_chunked),
#endif
        cmocka_unit_test(test_no_body),
        cmocka_unit_test(test_close_delimited),
        cmocka_unit_test(test_content_type),
#if ABOTA_FEATURE_RESUME
        cmocka_unit_test(test_validators),
        cmocka_unit_test(test_content_range),
#else
        cmocka_unit_test(test_resume_headers_skipped),
#endif
#if ABOTA_FEATURE_REDIRECT
        cmocka_unit_test(test_location),
#else
        cmocka_unit_test(test_location_skipped),
#endif
        cmocka_unit_test(test_accept_ranges_retry_after),
        cmocka_unit_test(test_connection),
        cmocka_unit_test(test_sticky_and_reinit),
    };
    return cmocka_run_group_tests(tests, load_fw, NULL);
}
