/* abota serve's pure functions: request framing and parsing, Range, HTTP
 * dates, entity tags, the choice of response status and the request path
 * normalisation (tools/abota/serve_http.c, serve_resp.c, serve_files.c). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "serve.h"

static struct serve_str S(const char *s)
{
    return (struct serve_str){s, strlen(s)};
}

static bool span_is(struct serve_str s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* Frames buf[0, len) in one call. */
static long frame_whole(const char *buf, size_t len)
{
    struct serve_scan s = {0};
    return serve_http_frame(buf, len, &s);
}

/* Frames buf[0, len) with a call at len = k first, then at len; returns the
 * first nonzero answer (or 0). */
static long frame_split(const char *buf, size_t len, size_t k)
{
    struct serve_scan s = {0};
    long r = serve_http_frame(buf, k, &s);
    if (r)
        return r;
    return serve_http_frame(buf, len, &s);
}

/* A buffer of n bytes (n < the static size) made of text repeated. */
static char big[64 * 1024];

/* --- framing --- */

static const char *const requests[] = {
    "GET /user2.bin HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n\r\n",
    "GET user2.2048.new.5.bin HTTP/1.0\r\nHost: 10.0.0.1\r\n\r\n",
    "\r\n\r\nHEAD /a HTTP/1.1\nHost: x\nRange: bytes=0-9\n\n",
    "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"1-2\", W/\"3\"\r\nConnection: close\r\n\r\n",
};

static void test_frame_every_split(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof(requests) / sizeof(requests[0]); r++) {
        const char *q = requests[r];
        size_t len = strlen(q);
        assert_int_equal(frame_whole(q, len), (long)len);
        /* With pipelined bytes after it, the head length stays the same. */
        char two[512];
        snprintf(two, sizeof(two), "%sGET /next HTTP/1.1\r\n", q);
        assert_int_equal(frame_whole(two, strlen(two)), (long)len);
        for (size_t k = 0; k <= len; k++) {
            struct serve_scan s = {0};
            /* Every proper prefix needs more bytes. */
            assert_int_equal(serve_http_frame(q, k, &s), k == len ? (long)len : 0);
            if (k < len)
                assert_int_equal(serve_http_frame(q, len, &s), (long)len);
        }
        /* One byte at a time. */
        struct serve_scan s = {0};
        for (size_t k = 1; k < len; k++)
            assert_int_equal(serve_http_frame(q, k, &s), 0);
        assert_int_equal(serve_http_frame(q, len, &s), (long)len);
    }
}

static void test_frame_pipelined(void **state)
{
    (void)state;
    static const char p[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                            "HEAD /bb HTTP/1.1\r\nHost: x\r\nRange: bytes=1-\r\n\r\n"
                            "GET /ccc HTTP/1.0\r\n\r\n"
                            "GET /d HT";
    static const size_t heads[] = {28, 47, 21};
    static const char *const targets[] = {"/a", "/bb", "/ccc"};
    size_t off = 0, len = sizeof(p) - 1;
    for (size_t i = 0; i < 3; i++) {
        struct serve_scan s = {0};
        long n = serve_http_frame(p + off, len - off, &s);
        assert_int_equal(n, (long)heads[i]);
        struct serve_req r;
        assert_int_equal(serve_http_parse(p + off, (size_t)n, &r), 0);
        assert_true(span_is(r.target, targets[i]));
        off += (size_t)n;
    }
    struct serve_scan s = {0};
    assert_int_equal(serve_http_frame(p + off, len - off, &s), 0);
    assert_int_equal(off + 9, len);
}

/* What cannot start a request line is refused at its first byte, without
 * waiting for a line end that may never come: a TLS ClientHello (0x16),
 * other control bytes, a blank, non-ASCII. Empty lines before it are still
 * skipped. */
static void test_frame_not_http_at_once(void **state)
{
    (void)state;
    static const char *const starts[] = {"\x16\x03\x01\x02", "\x01GET", " GET / HTTP/1.1",
                                         "\tGET", "\x80GET", "\r\n\x16"};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        struct serve_scan s = {0};
        assert_int_equal(serve_http_frame(starts[i], strlen(starts[i]), &s), -400);
    }
    struct serve_scan s = {0};
    assert_int_equal(serve_http_frame("\r\nGE", 4, &s), 0);
}

/* "GET /aaa... HTTP/1.1": a request line of exactly n bytes. */
static size_t request_line(char *out, size_t n)
{
    size_t fixed = strlen("GET / HTTP/1.1");
    memcpy(out, "GET /", 5);
    memset(out + 5, 'a', n - fixed);
    memcpy(out + 5 + n - fixed, " HTTP/1.1", 9);
    return n;
}

static void test_frame_414_boundary(void **state)
{
    (void)state;
    static const char tail[] = "\r\nHost: x\r\n\r\n";
    size_t n = request_line(big, SERVE_LINE_MAX);
    memcpy(big + n, tail, sizeof(tail));
    size_t len = n + sizeof(tail) - 1;
    assert_int_equal(frame_whole(big, len), (long)len);
    struct serve_req r;
    assert_int_equal(serve_http_parse(big, len, &r), 0);
    assert_int_equal(r.target.n, SERVE_LINE_MAX - 13);

    n = request_line(big, SERVE_LINE_MAX + 1);
    memcpy(big + n, tail, sizeof(tail));
    len = n + sizeof(tail) - 1;
    assert_int_equal(frame_whole(big, len), -414);
    /* SERVE_LINE_MAX + 1 bytes could still be a full line and its CR;
     * with the CR or a bare LF after them, the line is too long. */
    assert_int_equal(frame_whole(big, n), 0);
    assert_int_equal(frame_whole(big, n + 1), -414);
    big[n] = '\n';
    assert_int_equal(frame_whole(big, n + 1), -414);

    /* Without a line end: the line plus a CR may still be pending. */
    memset(big, 'x', SERVE_LINE_MAX + 2);
    assert_int_equal(frame_whole(big, SERVE_LINE_MAX + 1), 0);
    assert_int_equal(frame_whole(big, SERVE_LINE_MAX + 2), -414);
    for (size_t k = 0; k <= SERVE_LINE_MAX + 2; k += 1021)
        assert_int_equal(frame_split(big, SERVE_LINE_MAX + 2, k), -414);
}

static void test_frame_leading_empty_lines(void **state)
{
    (void)state;
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    /* SERVE_LINE_MAX bytes of empty lines are skipped; one more is a 400,
     * whether the bytes come in one call or in two. */
    memset(big, '\n', SERVE_LINE_MAX);
    memcpy(big + SERVE_LINE_MAX, req, sizeof(req));
    size_t len = SERVE_LINE_MAX + sizeof(req) - 1;
    assert_int_equal(frame_whole(big, len), (long)len);
    assert_int_equal(frame_split(big, len, SERVE_LINE_MAX), (long)len);
    struct serve_req r;
    assert_int_equal(serve_http_parse(big, len, &r), 0);
    assert_true(span_is(r.target, "/"));

    memset(big, '\n', SERVE_LINE_MAX + 1);
    memcpy(big + SERVE_LINE_MAX + 1, req, sizeof(req));
    len = SERVE_LINE_MAX + sizeof(req);
    assert_int_equal(frame_whole(big, len), -400);
    for (size_t k = 0; k <= len; k += 97)
        assert_int_equal(frame_split(big, len, k), -400);
    assert_int_equal(frame_whole(big, SERVE_LINE_MAX), 0);

    /* CRLF pairs count the same way, by bytes. */
    for (size_t i = 0; i < SERVE_LINE_MAX; i += 2)
        memcpy(big + i, "\r\n", 2);
    assert_int_equal(frame_whole(big, SERVE_LINE_MAX), 0);
    memcpy(big + SERVE_LINE_MAX, "\r\n", 2);
    assert_int_equal(frame_whole(big, SERVE_LINE_MAX + 2), -400);
}

/* A head whose header section (after the request line, up to and with the
 * final CRLF) is exactly hdr bytes, in lines of at most 100 bytes. */
static size_t head_with_headers(size_t hdr, unsigned *lines)
{
    static const char rl[] = "GET / HTTP/1.1\r\n";
    size_t n = sizeof(rl) - 1;
    memcpy(big, rl, n);
    size_t left = hdr - 2;
    *lines = 0;
    while (left) {
        size_t l = left > 100 ? 100 : left;
        if (left - l && left - l < 10)
            l -= 10; /* leave room for a last well-formed line */
        /* "X-P: vvvv\r\n" */
        memcpy(big + n, "X-P:", 4);
        memset(big + n + 4, 'v', l - 6);
        memcpy(big + n + l - 2, "\r\n", 2);
        n += l;
        left -= l;
        (*lines)++;
    }
    memcpy(big + n, "\r\n", 2);
    return n + 2;
}

static void test_frame_431_boundary(void **state)
{
    (void)state;
    unsigned lines;
    /* 100 lines are allowed: 100 x 100 bytes plus the final CRLF. */
    size_t len = head_with_headers(100 * 100 + 2, &lines);
    assert_int_equal(lines, 100);
    assert_int_equal(frame_whole(big, len), (long)len);
    len = head_with_headers(100 * 100 + 2 + 20, &lines);
    assert_int_equal(lines, 101);
    assert_int_equal(frame_whole(big, len), -431);

    /* Fewer, longer lines: exactly SERVE_HEADERS_MAX bytes is fine. */
    static const char rl[] = "GET / HTTP/1.1\r\n";
    size_t n = sizeof(rl) - 1;
    memcpy(big, rl, n);
    size_t hdr = SERVE_HEADERS_MAX - 2, line = hdr / 2;
    for (int i = 0; i < 2; i++) {
        memcpy(big + n, "X-L:", 4);
        memset(big + n + 4, 'v', line - 6);
        memcpy(big + n + line - 2, "\r\n", 2);
        n += line;
    }
    memcpy(big + n, "\r\n", 2);
    len = n + 2;
    assert_int_equal(len - (sizeof(rl) - 1), SERVE_HEADERS_MAX);
    assert_int_equal(frame_whole(big, len), (long)len);
    for (size_t k = 0; k < len; k += 331)
        assert_int_equal(frame_split(big, len, k), (long)len);
    struct serve_req r;
    assert_int_equal(serve_http_parse(big, len, &r), 400); /* no Host */

    /* One byte more: 431, in one call or split anywhere. */
    memmove(big + sizeof(rl) - 1 + 1, big + sizeof(rl) - 1, len - (sizeof(rl) - 1));
    big[sizeof(rl) - 1] = 'X';
    len++;
    assert_int_equal(frame_whole(big, len), -431);
    for (size_t k = 0; k < len; k += 331)
        assert_int_equal(frame_split(big, len, k), -431);
    /* Still incomplete at SERVE_HEADERS_MAX header bytes, 431 at one more. */
    assert_int_equal(frame_whole(big, sizeof(rl) - 1 + SERVE_HEADERS_MAX), 0);
    assert_int_equal(frame_whole(big, sizeof(rl) - 1 + SERVE_HEADERS_MAX + 1), -431);
}

/* --- request parsing --- */

static int parse(const char *text, struct serve_req *r)
{
    return serve_http_parse(text, strlen(text), r);
}

static void test_parse_request_line(void **state)
{
    (void)state;
    struct serve_req r;
    assert_int_equal(parse("GET /u.bin?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.meth, SERVE_GET);
    assert_true(span_is(r.method, "GET"));
    assert_true(span_is(r.target, "/u.bin?x=1"));
    assert_true(span_is(r.version, "HTTP/1.1"));
    assert_int_equal(r.minor, 1);
    assert_true(r.keep_alive);
    assert_false(r.has_body);
    assert_true(span_is(r.host, "h"));

    assert_int_equal(parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.meth, SERVE_HEAD);
    /* Methods are case-sensitive; others parse and are refused later. */
    assert_int_equal(parse("get / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.meth, SERVE_OTHER);
    assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.meth, SERVE_OTHER);
    assert_int_equal(parse("GETX / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.meth, SERVE_OTHER);
    assert_true(span_is(r.method, "GETX"));

    /* Versions. */
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);
    assert_int_equal(r.minor, 0);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.minor, 1);
    assert_int_equal(parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n", &r), 505);
    assert_int_equal(parse("GET / HTTP/0.9\r\n\r\n", &r), 505);
    assert_int_equal(parse("GET / HTTP/3.0\r\n\r\n", &r), 505);
    assert_int_equal(parse("GET / http/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.10\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/a.1\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET /\r\n\r\n", &r), 400); /* HTTP/0.9 style */

    /* Shape: single spaces, no empty target, token method. */
    assert_int_equal(parse("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET /  HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("\r\n", &r), 400);
    /* A TLS ClientHello on the plain port. */
    static const char tls[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n";
    assert_int_equal(serve_http_parse(tls, sizeof(tls) - 1, &r), 400);

    /* Only "\n" and "\r\n" are empty lines to skip. A line of bare CRs is
     * the request line, as framing saw it; otherwise the next line, which
     * framing held only to the header limit, could pass as a request line
     * longer than SERVE_LINE_MAX. */
    assert_int_equal(parse("\r\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("\n\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    memcpy(big, "\r\r\n", 3);
    size_t n = 3 + request_line(big + 3, SERVE_LINE_MAX + 100);
    memcpy(big + n, "\r\nHost: h\r\n\r\n", 13);
    assert_int_equal(frame_whole(big, n + 13), (long)(n + 13));
    assert_int_equal(serve_http_parse(big, n + 13, &r), 400);

    /* Empty lines before the request line, bare LF line ends. */
    assert_int_equal(parse("\r\n\nGET /x HTTP/1.1\nHost: h\n\n", &r), 0);
    assert_true(span_is(r.target, "/x"));
    assert_true(span_is(r.host, "h"));
}

static void test_parse_headers(void **state)
{
    (void)state;
    struct serve_req r;
    /* Names in any case, values trimmed of OWS. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nhOsT: \t a.b:80 \t\r\nRANGE: bytes=1-2\r\n"
                           "if-none-match: \"e\"\r\nIF-MATCH: *\r\nIf-Range: \"r\"\r\n"
                           "if-modified-since: d1\r\nIf-Unmodified-Since:d2\r\n\r\n",
                           &r),
                     0);
    assert_true(span_is(r.host, "a.b:80"));
    assert_true(span_is(r.range, "bytes=1-2"));
    assert_int_equal(r.n_range, 1);
    assert_true(span_is(r.if_none_match, "\"e\""));
    assert_true(span_is(r.if_match, "*"));
    assert_true(span_is(r.if_range, "\"r\""));
    assert_true(span_is(r.if_modified_since, "d1"));
    assert_true(span_is(r.if_unmodified_since, "d2"));
    /* What the access log shows; absent ones are empty. */
    assert_true(r.user_agent.n == 0 && r.referer.n == 0);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nuser-AGENT:  esp8266 \"x\"/1 \r\n"
                           "Referer: http://a/b\r\n\r\n",
                           &r),
                     0);
    assert_true(span_is(r.user_agent, "esp8266 \"x\"/1"));
    assert_true(span_is(r.referer, "http://a/b"));

    /* Host: exactly one on 1.1, at most one on 1.0; may be empty. */
    assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n", &r), 0);
    assert_int_equal(r.host.n, 0);

    /* Connection tokens, in any case, in lists, over several headers. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: CLOSE\r\n\r\n", &r), 0);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: te, close \r\n\r\n", &r), 0);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", &r), 0);
    assert_true(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive\r\n"
                           "Connection: Upgrade, close\r\n\r\n",
                           &r),
                     0);
    assert_false(r.keep_alive); /* close wins */
    assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: Upgrade,Keep-Alive\r\n\r\n", &r), 0);
    assert_true(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", &r), 0);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.0\r\nKeep-Alive: 5\r\n\r\n", &r), 0);
    assert_false(r.keep_alive);

    /* A body: parsed, and the connection is not reused. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 000\r\n\r\n", &r), 0);
    assert_false(r.has_body);
    assert_true(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n", &r), 0);
    assert_true(r.has_body);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", &r),
                     0);
    assert_true(r.has_body);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", &r), 400);

    /* Two Range headers are counted (and later ignored). */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=0-1\r\n"
                           "Range: bytes=2-3\r\n\r\n",
                           &r),
                     0);
    assert_int_equal(r.n_range, 2);
    assert_true(span_is(r.range, "bytes=2-3"));

    /* Malformed header lines. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost : h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\n: h\r\nHost: h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost h\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01z\r\n\r\n", &r), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x7fz\r\n\r\n", &r), 400);
    static const char nul[] = "GET / HTTP/1.1\r\nHost: h\0x\r\n\r\n";
    assert_int_equal(serve_http_parse(nul, sizeof(nul) - 1, &r), 400);
    /* A tab and bytes >= 0x80 inside a value are allowed. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\tb\xc3\xa9\r\n\r\n", &r), 0);
}

/* --- Range --- */

struct range_case {
    const char *v;
    uint64_t size;
    enum serve_range want;
    uint64_t first, last;
};

static void test_range(void **state)
{
    (void)state;
    static const struct range_case cases[] = {
        {"bytes=0-99", 1000, SERVE_RANGE_OK, 0, 99},
        {"bytes=100-199", 1000, SERVE_RANGE_OK, 100, 199},
        {"bytes=999-999", 1000, SERVE_RANGE_OK, 999, 999},
        {"bytes=500-", 1000, SERVE_RANGE_OK, 500, 999},
        {"bytes=0-", 1000, SERVE_RANGE_OK, 0, 999},
        {"bytes=-1", 1000, SERVE_RANGE_OK, 999, 999},
        {"bytes=-100", 1000, SERVE_RANGE_OK, 900, 999},
        {"bytes=-1000", 1000, SERVE_RANGE_OK, 0, 999},
        {"bytes=-5000", 1000, SERVE_RANGE_OK, 0, 999},          /* clamped */
        {"bytes=900-5000", 1000, SERVE_RANGE_OK, 900, 999},     /* clamped */
        {"bytes=0-99999999999999999999999", 1000, SERVE_RANGE_OK, 0, 999},
        {"bytes=-99999999999999999999999", 1000, SERVE_RANGE_OK, 0, 999},
        {"  BYTES=2-3  ", 1000, SERVE_RANGE_OK, 2, 3},
        {"bytes= 2-3", 1000, SERVE_RANGE_OK, 2, 3},
        {"bytes=0-0", 1, SERVE_RANGE_OK, 0, 0},
        {"bytes=1000-", 1000, SERVE_RANGE_UNSATISFIABLE, 0, 0},
        {"bytes=1000-1000", 1000, SERVE_RANGE_UNSATISFIABLE, 0, 0},
        {"bytes=5000-6000", 1000, SERVE_RANGE_UNSATISFIABLE, 0, 0},
        {"bytes=-0", 1000, SERVE_RANGE_UNSATISFIABLE, 0, 0},
        {"bytes=0-", 0, SERVE_RANGE_UNSATISFIABLE, 0, 0},
        {"bytes=-1", 0, SERVE_RANGE_UNSATISFIABLE, 0, 0},
        /* several ranges: the whole file */
        {"bytes=0-1,5-6", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=0-1, -5", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=0-1,", 1000, SERVE_RANGE_NONE, 0, 0},
        /* malformed or another unit: the whole file */
        {"", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=-", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=5", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=5-3", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=a-3", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=1-2x", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=1 -2", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=--1", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=-1-2", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=+1-2", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes = 0-1", 1000, SERVE_RANGE_NONE, 0, 0},
        {"byte=0-1", 1000, SERVE_RANGE_NONE, 0, 0},
        {"items=0-1", 1000, SERVE_RANGE_NONE, 0, 0},
        {"bytes=5-3", 0, SERVE_RANGE_NONE, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct range_case *c = &cases[i];
        uint64_t first = 12345, last = 67890;
        enum serve_range got = serve_http_range(S(c->v), c->size, &first, &last);
        if (got != c->want)
            fail_msg("\"%s\" size %lu: got %d, want %d", c->v, (unsigned long)c->size, (int)got,
                     (int)c->want);
        if (c->want == SERVE_RANGE_OK) {
            assert_int_equal(first, c->first);
            assert_int_equal(last, c->last);
        } else {
            /* Outputs are left alone when there is no range to send. */
            assert_int_equal(first, 12345);
            assert_int_equal(last, 67890);
        }
    }
    /* Near the top of the 64-bit range. */
    uint64_t first, last;
    assert_int_equal(serve_http_range(S("bytes=18446744073709551614-"), UINT64_MAX, &first,
                                      &last),
                     SERVE_RANGE_OK);
    assert_true(first == UINT64_MAX - 1 && last == UINT64_MAX - 1);
    assert_int_equal(serve_http_range(S("bytes=-18446744073709551615"), UINT64_MAX, &first,
                                      &last),
                     SERVE_RANGE_OK);
    assert_true(first == 0 && last == UINT64_MAX - 1);
}

/* --- dates --- */

static void test_date_formats(void **state)
{
    (void)state;
    static const char *const same[] = {
        "Sun, 06 Nov 1994 08:49:37 GMT",  /* IMF-fixdate */
        "Sunday, 06-Nov-94 08:49:37 GMT", /* RFC 850 */
        "Sun Nov  6 08:49:37 1994",       /* asctime */
        "  Sun, 06 Nov 1994 08:49:37 GMT\t",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        time_t t = 0;
        if (!serve_http_date_parse(S(same[i]), &t))
            fail_msg("not a date: \"%s\"", same[i]);
        assert_int_equal(t, 784111777);
    }
    char out[30];
    serve_http_date_fmt(784111777, out);
    assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
    serve_http_date_fmt(0, out);
    assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
    serve_http_date_fmt(1709164800, out);
    assert_string_equal(out, "Thu, 29 Feb 2024 00:00:00 GMT");
    serve_http_date_fmt(253402300799, out);
    assert_string_equal(out, "Fri, 31 Dec 9999 23:59:59 GMT");
    /* Years past 9999 do not fit in 29 bytes: the epoch instead. */
    serve_http_date_fmt(253402300800, out);
    assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
    serve_http_date_fmt(-1, out);
    assert_string_equal(out, "Wed, 31 Dec 1969 23:59:59 GMT");

    /* Round trip through the three formats. */
    static const time_t ts[] = {0, 1, 784111777, 951782400, 1709164800, 1764064800,
                                2147483647, 2147483648, 4102444799};
    for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        time_t back = 0;
        serve_http_date_fmt(ts[i], out);
        assert_int_equal(strlen(out), 29);
        assert_true(serve_http_date_parse(S(out), &back));
        assert_int_equal(back, ts[i]);
        /* The same instant in RFC 850 and asctime form. */
        struct tm tm;
        char alt[64];
        assert_non_null(gmtime_r(&ts[i], &tm));
        if (tm.tm_year >= 69 && tm.tm_year < 169) {
            size_t k = strftime(alt, sizeof(alt), "%A, %d-%b-", &tm);
            snprintf(alt + k, sizeof(alt) - k, "%02d", tm.tm_year % 100);
            k += 2;
            strftime(alt + k, sizeof(alt) - k, " %H:%M:%S GMT", &tm);
            assert_true(serve_http_date_parse(S(alt), &back));
            assert_int_equal(back, ts[i]);
        }
        strftime(alt, sizeof(alt), "%a %b %e %H:%M:%S %Y", &tm);
        assert_true(serve_http_date_parse(S(alt), &back));
        assert_int_equal(back, ts[i]);
    }
}

static void test_date_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "   ",
        "yesterday",
        "784111777",
        "Sun, 06 Nov 1994 08:49:37",          /* no zone */
        "Sun, 06 Nov 1994 08:49:37 UTC",      /* not GMT */
        "Sun, 06 Nov 1994 08:49:37 GMT x",    /* trailing text */
        "Sun, 06 Nov 1994 24:49:37 GMT",      /* hour */
        "Sun, 06 Nov 1994 08:60:37 GMT",      /* minute */
        "Sun, 32 Nov 1994 08:49:37 GMT",      /* day */
        "Sun, 06 Nox 1994 08:49:37 GMT",      /* month */
        "Sun, 06 Nov 1994 08:49 GMT",         /* no seconds */
        "Sunday, 06-Nov-94 08:49:37",         /* RFC 850 without zone */
        "Sun Nov  6 08:49:37",                /* asctime without year */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        time_t t = 42;
        if (serve_http_date_parse(S(bad[i]), &t))
            fail_msg("taken as a date: \"%s\"", bad[i]);
        assert_int_equal(t, 42);
    }
    /* 64 bytes or more after trimming, or a NUL inside: refused before
     * parsing. (strptime takes any run of spaces where the format has one.) */
    char longd[80];
    memset(longd, ' ', sizeof(longd));
    memcpy(longd, "Sun,", 4);
    memcpy(longd + 4 + 35, "06 Nov 1994 08:49:37 GMT", 24);
    time_t t = 42;
    assert_true(serve_http_date_parse((struct serve_str){longd, 63}, &t));
    assert_int_equal(t, 784111777);
    memmove(longd + 5, longd + 4, 59);
    t = 42;
    assert_false(serve_http_date_parse((struct serve_str){longd, 64}, &t));
    static const char nul[] = "Sun, 06 Nov 1994 08:49:37 GMT\0";
    assert_false(serve_http_date_parse((struct serve_str){nul, sizeof(nul) - 1}, &t));
    assert_int_equal(t, 42);
}

/* --- entity tags --- */

struct etag_case {
    const char *list;
    bool weak_cmp, want;
};

static void test_etag_match(void **state)
{
    (void)state;
    static const char etag[] = "\"3e8-5f1\"";
    static const struct etag_case cases[] = {
        {"\"3e8-5f1\"", false, true},
        {"\"3e8-5f1\"", true, true},
        {"W/\"3e8-5f1\"", true, true},   /* weak comparison: W/ ignored */
        {"W/\"3e8-5f1\"", false, false}, /* strong: a weak tag never matches */
        {"*", false, true},
        {"*", true, true},
        {" * ", true, true},
        {"\"x\", \"3e8-5f1\"", false, true},
        {"\"x\",\"y\" ,  W/\"3e8-5f1\"", true, true},
        {"\"x\",\"y\" ,  W/\"3e8-5f1\"", false, false},
        {",,\"3e8-5f1\",", false, true},
        {"\"3E8-5F1\"", true, false},   /* opaque: case matters */
        {"\"3e8-5f\"", true, false},
        {"\"3e8-5f10\"", true, false},
        {"3e8-5f1", true, false},       /* unquoted */
        {"\"3e8-5f1", true, false},     /* unterminated */
        {"w/\"3e8-5f1\"", true, false}, /* the W is upper case */
        {"\"a,b\", \"3e8-5f1\"", true, true},
        {"x, \"3e8-5f1\"", true, false}, /* malformed list: nothing matches */
        {"*, \"x\"", true, false},
        {"", true, false},
        {"W/", true, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct etag_case *c = &cases[i];
        if (serve_http_etag_match(S(c->list), etag, c->weak_cmp) != c->want)
            fail_msg("%s %s: want %d", c->list, c->weak_cmp ? "weak" : "strong", (int)c->want);
    }
}

/* --- response decisions --- */

#define MTIME 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */
#define NOW 1764064800

static struct serve_file file_of(uint64_t size)
{
    struct serve_file f;
    memset(&f, 0, sizeof(f));
    f.fd = -1;
    f.size = size;
    f.mtime = MTIME;
    snprintf(f.etag, sizeof(f.etag), "\"%llx-abc\"", (unsigned long long)size);
    f.ctype = "application/octet-stream";
    return f;
}

struct resp_case {
    const char *method;
    const char *headers; /* extra header lines, each with CRLF */
    uint64_t size;
    int status;
    uint64_t off, len;   /* file body; len 0: none */
    const char *has;     /* a line the head must contain, or NULL */
};

static void test_resp_table(void **state)
{
    (void)state;
    static const struct resp_case cases[] = {
        {"GET", "", 1000, 200, 0, 1000, "Content-Length: 1000\r\n"},
        {"HEAD", "", 1000, 200, 0, 0, "Content-Length: 1000\r\n"},
        {"GET", "", 0, 200, 0, 0, "Content-Length: 0\r\n"},
        /* Range */
        {"GET", "Range: bytes=0-99\r\n", 1000, 206, 0, 100, "Content-Range: bytes 0-99/1000\r\n"},
        {"GET", "Range: bytes=990-\r\n", 1000, 206, 990, 10,
         "Content-Range: bytes 990-999/1000\r\n"},
        {"GET", "Range: bytes=-10\r\n", 1000, 206, 990, 10, "Content-Length: 10\r\n"},
        {"GET", "Range: bytes=500-2000\r\n", 1000, 206, 500, 500,
         "Content-Range: bytes 500-999/1000\r\n"},
        {"HEAD", "Range: bytes=0-99\r\n", 1000, 206, 0, 0, "Content-Length: 100\r\n"},
        {"GET", "Range: bytes=1000-\r\n", 1000, 416, 0, 0, "Content-Range: bytes */1000\r\n"},
        {"GET", "Range: bytes=0-\r\n", 0, 416, 0, 0, "Content-Range: bytes */0\r\n"},
        {"GET", "Range: bytes=0-1,4-5\r\n", 1000, 200, 0, 1000, "Content-Length: 1000\r\n"},
        {"GET", "Range: bytes=9-1\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "Range: lines=1-2\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "Range: bytes=0-1\r\nRange: bytes=2-3\r\n", 1000, 200, 0, 1000, NULL},
        /* If-Range: a strong tag or the exact Last-Modified date */
        {"GET", "Range: bytes=0-9\r\nIf-Range: \"3e8-abc\"\r\n", 1000, 206, 0, 10, NULL},
        {"GET", "Range: bytes=0-9\r\nIf-Range: \"3e8-abd\"\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "Range: bytes=0-9\r\nIf-Range: W/\"3e8-abc\"\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "Range: bytes=0-9\r\nIf-Range: *\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "Range: bytes=0-9\r\nIf-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n", 1000, 206, 0,
         10, NULL},
        {"GET", "Range: bytes=0-9\r\nIf-Range: Sun, 06 Nov 1994 08:49:38 GMT\r\n", 1000, 200, 0,
         1000, NULL},
        {"GET", "Range: bytes=0-9\r\nIf-Range: garbage\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "Range: bytes=5000-\r\nIf-Range: \"3e8-abd\"\r\n", 1000, 200, 0, 1000, NULL},
        /* If-None-Match / If-Modified-Since */
        {"GET", "If-None-Match: \"3e8-abc\"\r\n", 1000, 304, 0, 0, "ETag: \"3e8-abc\"\r\n"},
        {"HEAD", "If-None-Match: W/\"3e8-abc\"\r\n", 1000, 304, 0, 0, NULL},
        {"GET", "If-None-Match: *\r\n", 1000, 304, 0, 0, NULL},
        {"GET", "If-None-Match: \"x\", \"3e8-abc\"\r\n", 1000, 304, 0, 0, NULL},
        {"GET", "If-None-Match: \"x\"\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "If-None-Match: \"3e8-abc\"\r\nRange: bytes=0-9\r\n", 1000, 304, 0, 0, NULL},
        {"GET", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n", 1000, 304, 0, 0,
         "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"},
        {"GET", "If-Modified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n", 1000, 200, 0, 1000,
         NULL},
        {"GET", "If-Modified-Since: Sunday, 06-Nov-94 08:49:40 GMT\r\n", 1000, 304, 0, 0, NULL},
        {"GET", "If-Modified-Since: not a date\r\n", 1000, 200, 0, 1000, NULL},
        /* If-None-Match present: If-Modified-Since is not looked at */
        {"GET", "If-None-Match: \"x\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
         1000, 200, 0, 1000, NULL},
        /* If-Match / If-Unmodified-Since */
        {"GET", "If-Match: \"3e8-abc\"\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "If-Match: *\r\n", 1000, 200, 0, 1000, NULL},
        {"GET", "If-Match: W/\"3e8-abc\"\r\n", 1000, 412, 0, 0, "Content-Length: 24\r\n"},
        {"GET", "If-Match: \"x\"\r\n", 1000, 412, 0, 0, NULL},
        {"GET", "If-Match: \"x\"\r\nIf-None-Match: \"3e8-abc\"\r\n", 1000, 412, 0, 0, NULL},
        {"GET", "If-Match: \"3e8-abc\"\r\nRange: bytes=1-1\r\n", 1000, 206, 1, 1, NULL},
        {"GET", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n", 1000, 412, 0, 0, NULL},
        {"GET", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n", 1000, 200, 0, 1000,
         NULL},
        {"GET", "If-Unmodified-Since: bad\r\n", 1000, 200, 0, 1000, NULL},
        /* If-Match present: If-Unmodified-Since is not looked at */
        {"GET", "If-Match: *\r\nIf-Unmodified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n", 1000,
         200, 0, 1000, NULL},
    };
    static char text[1024];
    static char out[SERVE_HEAD_MAX];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct resp_case *c = &cases[i];
        snprintf(text, sizeof(text), "%s /f.bin HTTP/1.1\r\nHost: h\r\n%s\r\n", c->method,
                 c->headers);
        struct serve_req r;
        assert_int_equal(serve_http_parse(text, strlen(text), &r), 0);
        struct serve_file f = file_of(c->size);
        struct serve_resp resp;
        memset(out, 0, sizeof(out));
        serve_resp_file(&r, &f, NOW, out, &resp);
        if (resp.status != c->status || resp.off != c->off || resp.len != c->len)
            fail_msg("case %lu (%s %s): status %d off %lu len %lu", (unsigned long)i, c->method,
                     c->headers, resp.status, (unsigned long)resp.off, (unsigned long)resp.len);
        assert_int_equal(resp.file_body, c->len != 0);
        assert_true(resp.keep_alive);
        assert_true(resp.out_len < SERVE_HEAD_MAX);
        char status_line[32];
        snprintf(status_line, sizeof(status_line), "HTTP/1.1 %d ", c->status);
        assert_memory_equal(out, status_line, strlen(status_line));
        /* The head ends with the only blank line; an inline body follows. */
        size_t head_len = resp.out_len - resp.inline_body;
        assert_true(head_len >= 4);
        assert_memory_equal(out + head_len - 4, "\r\n\r\n", 4);
        assert_true(strstr(out, "\r\n\r\n") == out + head_len - 4);
        if (c->has && !strstr(out, c->has))
            fail_msg("case %lu: no \"%s\" in\n%s", (unsigned long)i, c->has, out);
        bool is_head = c->method[0] == 'H';
        if (c->status == 412 || c->status == 416)
            assert_int_equal(resp.inline_body, is_head ? 0 : strlen(out + head_len));
        else
            assert_int_equal(resp.inline_body, 0);
        if (c->status == 416 && !is_head)
            assert_string_equal(out + head_len, "416 Range Not Satisfiable\n");
        if (c->status == 304)
            assert_null(strstr(out, "Content-Length"));
        assert_non_null(strstr(out, "Date: Tue, 25 Nov 2025 10:00:00 GMT\r\n"));
    }
}

static void test_resp_connection(void **state)
{
    (void)state;
    static char out[SERVE_HEAD_MAX];
    struct serve_req r;
    struct serve_file f = file_of(10);
    struct serve_resp resp;
    static const char r10[] = "GET /f HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    assert_int_equal(serve_http_parse(r10, sizeof(r10) - 1, &r), 0);
    serve_resp_file(&r, &f, NOW, out, &resp);
    assert_true(resp.keep_alive);
    assert_non_null(strstr(out, "\r\nConnection: keep-alive\r\n"));
    static const char r11[] = "GET /f HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    assert_int_equal(serve_http_parse(r11, sizeof(r11) - 1, &r), 0);
    serve_resp_file(&r, &f, NOW, out, &resp);
    assert_false(resp.keep_alive);
    assert_non_null(strstr(out, "\r\nConnection: close\r\n"));
    /* Errors without a parsed request. */
    serve_resp_error(400, NULL, false, NOW, out, &resp);
    assert_int_equal(resp.status, 400);
    assert_int_equal(resp.inline_body, strlen("400 Bad Request\n"));
    assert_string_equal(out + resp.out_len - resp.inline_body, "400 Bad Request\n");
    assert_memory_equal(out, "HTTP/1.1 400 Bad Request\r\n", 26);
    serve_resp_error(405, NULL, true, NOW, out, &resp);
    assert_non_null(strstr(out, "\r\nAllow: GET, HEAD\r\n"));
    assert_null(strstr(out, "Connection:"));
}

/* --- request paths --- */

struct path_case {
    const char *target;
    int status;
    const char *rel; /* when status is 0 */
};

static void test_path_normalise(void **state)
{
    (void)state;
    static const struct path_case cases[] = {
        {"/user2.bin", 0, "user2.bin"},
        {"/fw/esp/user1.1024.new.2.bin", 0, "fw/esp/user1.1024.new.2.bin"},
        {"user2.2048.new.5.bin", 0, "user2.2048.new.5.bin"}, /* ota_demo, no slash */
        {"fw/a.bin", 0, "fw/a.bin"},
        {"/", 0, ""},
        {"//a///b/./c/.", 0, "a/b/c"},
        {"./a", 0, "a"},
        {"/./", 0, ""},
        {"/a?x=../..", 0, "a"},
        {"/a#/../..", 0, "a"},
        {"/?x", 0, ""},
        {"/a../b.c", 0, "a../b.c"},  /* dots inside a name are plain bytes */
        {"/.../a", 404, NULL},      /* a name starting with a dot is hidden */
        {"/..a/b", 404, NULL},
        {"/.env", 404, NULL},
        {"/a/.git/config", 404, NULL},
        {"/%2eenv", 404, NULL},
        {"/a%20b.bin", 0, "a b.bin"},
        {"/%41%62c", 0, "Abc"},
        {"/a%2fb", 0, "a/b"},       /* a decoded slash separates */
        {"/a%2F%2Fb", 0, "a/b"},
        {"/%252e%252e/x", 0, "%2e%2e/x"}, /* decoded once only */
        {"/%25", 0, "%"},
        {"/a\\..\\b", 0, "a\\..\\b"}, /* a backslash is a plain byte */
        {"http://host:8080/x/y?q", 0, "x/y"},
        {"HTTP://host", 0, ""},
        {"http://host?q", 0, ""},
        {"https://h/a/b", 0, "a/b"},
        {"/..", 403, NULL},
        {"..", 403, NULL},
        {"/../etc/passwd", 403, NULL},
        {"/a/../b", 403, NULL},     /* refused, not resolved */
        {"/a/..", 403, NULL},
        {"/a/../", 403, NULL},
        {"/%2e%2e/x", 403, NULL},
        {"/%2E%2e/x", 403, NULL},
        {"/.%2e/x", 403, NULL},
        {"/%2e./x", 403, NULL},
        {"/..%2fx", 403, NULL},
        {"/a%2f..%2fb", 403, NULL},
        {"http://h/../x", 403, NULL},
        {"http://h/%2e%2e", 403, NULL},
        {"", 400, NULL},
        {"/a%00b", 400, NULL},
        {"/a%0", 400, NULL},
        {"/a%", 400, NULL},
        {"/a%zz", 400, NULL},
        {"/a%g0", 400, NULL},
        {"/a%-1", 400, NULL},
    };
    static char rel[SERVE_PATH_MAX];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct path_case *c = &cases[i];
        memset(rel, 'Z', sizeof(rel));
        int st = serve_files_path(S(c->target), rel, sizeof(rel));
        if (st != c->status)
            fail_msg("\"%s\": status %d, want %d", c->target, st, c->status);
        if (!st && strcmp(rel, c->rel))
            fail_msg("\"%s\": \"%s\", want \"%s\"", c->target, rel, c->rel);
    }
    /* A raw NUL inside the span. */
    static const char nul[] = "/a\0b";
    assert_int_equal(serve_files_path((struct serve_str){nul, 4}, rel, sizeof(rel)), 400);
}

static void test_path_overlong(void **state)
{
    (void)state;
    static char rel[SERVE_PATH_MAX];
    static char t[4 * SERVE_PATH_MAX];
    /* The result needs its NUL and room for a separator: a single segment
     * of SERVE_PATH_MAX - 2 bytes is the longest. */
    t[0] = '/';
    memset(t + 1, 'a', SERVE_PATH_MAX - 2);
    assert_int_equal(serve_files_path((struct serve_str){t, SERVE_PATH_MAX - 1}, rel, sizeof(rel)),
                     0);
    assert_int_equal(strlen(rel), SERVE_PATH_MAX - 2);
    t[SERVE_PATH_MAX - 1] = 'a';
    assert_int_equal(serve_files_path((struct serve_str){t, SERVE_PATH_MAX}, rel, sizeof(rel)),
                     414);
    /* Decoded length over SERVE_PATH_MAX: 414 even if slashes collapse. */
    memset(t, '/', SERVE_PATH_MAX + 1);
    t[SERVE_PATH_MAX + 1] = 'a';
    assert_int_equal(serve_files_path((struct serve_str){t, SERVE_PATH_MAX}, rel, sizeof(rel)), 0);
    assert_string_equal(rel, "");
    assert_int_equal(serve_files_path((struct serve_str){t, SERVE_PATH_MAX + 2}, rel, sizeof(rel)),
                     414);
    /* Escapes count decoded: SERVE_PATH_MAX of them fit, one more does not. */
    for (size_t i = 0; i < SERVE_PATH_MAX; i++)
        memcpy(t + 3 * i, "%2f", 3);
    assert_int_equal(serve_files_path((struct serve_str){t, 3 * SERVE_PATH_MAX}, rel, sizeof(rel)),
                     0);
    memcpy(t + 3 * SERVE_PATH_MAX, "%61", 3);
    assert_int_equal(
        serve_files_path((struct serve_str){t, 3 * SERVE_PATH_MAX + 3}, rel, sizeof(rel)), 414);
    /* A smaller output buffer: its size is the limit. */
    char small[8];
    assert_int_equal(serve_files_path(S("/abcdef"), small, sizeof(small)), 0);
    assert_string_equal(small, "abcdef");
    assert_int_equal(serve_files_path(S("/abcdefg"), small, sizeof(small)), 414);
    assert_int_equal(serve_files_path(S("/ab/cd"), small, sizeof(small)), 0);
    assert_string_equal(small, "ab/cd");
    assert_int_equal(serve_files_path(S("/ab/cdef"), small, sizeof(small)), 0);
    assert_string_equal(small, "ab/cdef");
    assert_int_equal(serve_files_path(S("/ab/cdefg"), small, sizeof(small)), 414);
    assert_int_equal(serve_files_path(S("/a"), small, 0), 414);
}

/* serve_files_open on a real directory: the path rules end to end. */
static void test_files_open(void **state)
{
    (void)state;
    char dir[] = "/tmp/abota-serve-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[256];
    snprintf(p, sizeof(p), "%s/sub", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/sub/a.txt", dir);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("hello", fp);
    fclose(fp);
    snprintf(p, sizeof(p), "%s/out", dir);
    assert_int_equal(symlink("/tmp", p), 0);
    snprintf(p, sizeof(p), "%s/in", dir);
    assert_int_equal(symlink("sub/a.txt", p), 0);
    int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(root >= 0);

    struct serve_file f;
    assert_int_equal(serve_files_open(root, S("/sub/a.txt"), &f), 0);
    assert_true(f.fd >= 0);
    assert_int_equal(f.size, 5);
    assert_string_equal(f.ctype, "text/plain; charset=utf-8");
    assert_memory_equal(f.etag, "\"5-", 3);
    assert_int_equal(f.etag[strlen(f.etag) - 1], '"');
    close(f.fd);
    assert_int_equal(serve_files_open(root, S("sub%2fa.txt"), &f), 0);
    close(f.fd);
    assert_int_equal(serve_files_open(root, S("/in"), &f), 0); /* a link inside DIR */
    close(f.fd);
    assert_int_equal(serve_files_open(root, S("/out"), &f), 403);
    assert_int_equal(f.fd, -1);
    assert_int_equal(serve_files_open(root, S("/sub"), &f), 403);
    assert_int_equal(serve_files_open(root, S("/"), &f), 403);
    assert_int_equal(serve_files_open(root, S("/sub/../sub/a.txt"), &f), 403);
    assert_int_equal(serve_files_open(root, S("/nope"), &f), 404);
    assert_int_equal(serve_files_open(root, S("/sub/a.txt/x"), &f), 404);
    assert_int_equal(serve_files_open(root, S("/a%zz"), &f), 400);

    close(root);
    snprintf(p, sizeof(p), "%s/in", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/out", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/sub/a.txt", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/sub", dir);
    rmdir(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_every_split),
        cmocka_unit_test(test_frame_pipelined),
        cmocka_unit_test(test_frame_not_http_at_once),
        cmocka_unit_test(test_frame_414_boundary),
        cmocka_unit_test(test_frame_leading_empty_lines),
        cmocka_unit_test(test_frame_431_boundary),
        cmocka_unit_test(test_parse_request_line),
        cmocka_unit_test(test_parse_headers),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_date_formats),
        cmocka_unit_test(test_date_bad),
        cmocka_unit_test(test_etag_match),
        cmocka_unit_test(test_resp_table),
        cmocka_unit_test(test_resp_connection),
        cmocka_unit_test(test_path_normalise),
        cmocka_unit_test(test_path_overlong),
        cmocka_unit_test(test_files_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
