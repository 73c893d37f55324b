/* Fuzzes the HTTP response parser.
 *
 * Input: byte 0 holds flags (bit 0: the request was HEAD), bytes 1-2 pick a
 * split point; the rest is the response as the socket would deliver it.
 * The response is fed three ways: whole, in two pieces cut at the split
 * point, and one byte per call. Properties:
 * - every run ends with the same result (error code or eof verdict), the
 *   same headers and the same body bytes;
 * - a body span always lies inside the bytes of that call, and a call never
 *   consumes more than it was given nor stalls (0 consumed, no error);
 * - with Content-Length the body never passes the declared length, and a
 *   finished message delivered exactly that many bytes; a HEAD response, a
 *   204 and a 304 have no body;
 * - abota_http_body_seen() counts exactly the bytes delivered. */
#include <stdbool.h>
#include <string.h>

#include "abota/error.h"
#include "abota/http.h"
#include "fuzz.h"

struct run {
    int err;           /* first error from feed, else eof()'s result */
    bool headers_done, done;
    struct abota_http_resp resp;
    uint8_t *body;     /* concatenated body, at most the input's length */
    size_t body_len;
};

/* Feeds one piece, calling again while the parser stops early. Returns the
 * error or 0. */
static int feed_piece(struct abota_http *p, const uint8_t *in, size_t len, struct run *r)
{
    size_t off = 0;
    while (off < len) {
        const uint8_t *body = NULL;
        size_t body_len = 0;
        int n = abota_http_feed(p, in + off, len - off, &body, &body_len);
        if (n < 0) {
            FUZZ_CHECK(body_len == 0);
            return n;
        }
        FUZZ_CHECK(n > 0);                      /* progress or an error, never a stall */
        FUZZ_CHECK((size_t)n <= len - off);
        if (body_len > 0) {
            FUZZ_CHECK(body >= in + off);
            FUZZ_CHECK(body_len <= (size_t)n);
            FUZZ_CHECK(body + body_len <= in + off + (size_t)n);
            memcpy(r->body + r->body_len, body, body_len);
            r->body_len += body_len;
        }
        FUZZ_CHECK(abota_http_body_seen(p) == r->body_len);
        off += (size_t)n;
    }
    return 0;
}

static void finish(struct abota_http *p, bool head, int err, struct run *r)
{
    if (err == 0)
        err = abota_http_eof(p);
    r->err = err;
    r->headers_done = abota_http_headers_done(p);
    r->done = abota_http_done(p);
    r->resp = p->resp;
    /* Body bytes mean the headers were complete, so resp is filled even
     * when a later error made headers_done() false. */
    bool have_head = r->headers_done || r->body_len > 0;
    if (have_head && !r->resp.chunked && r->resp.has_content_length)
        FUZZ_CHECK(r->body_len <= r->resp.content_length);
    /* 204 and 304 have no body whatever Content-Length says (RFC 9110). */
    bool no_body = head || r->resp.status == 204 || r->resp.status == 304;
    if (no_body)
        FUZZ_CHECK(r->body_len == 0);
    if (r->headers_done && r->resp.has_content_length && !r->resp.chunked && r->done && !no_body)
        FUZZ_CHECK(r->body_len == r->resp.content_length);
    if (head)
        FUZZ_CHECK(r->body_len == 0);
}

static void same(const struct run *a, const struct run *b)
{
    FUZZ_CHECK(a->err == b->err);
    FUZZ_CHECK(a->headers_done == b->headers_done);
    FUZZ_CHECK(a->done == b->done);
    FUZZ_CHECK(a->body_len == b->body_len);
    FUZZ_CHECK(a->body_len == 0 || memcmp(a->body, b->body, a->body_len) == 0);
    if (!a->headers_done && a->body_len == 0)
        return;
    const struct abota_http_resp *x = &a->resp, *y = &b->resp;
    FUZZ_CHECK(x->status == y->status);
    FUZZ_CHECK(x->version_minor == y->version_minor);
    FUZZ_CHECK(x->has_content_length == y->has_content_length);
    FUZZ_CHECK(x->content_length == y->content_length);
    FUZZ_CHECK(x->chunked == y->chunked);
    FUZZ_CHECK(x->connection_close == y->connection_close);
    FUZZ_CHECK(strcmp(x->content_type, y->content_type) == 0);
    FUZZ_CHECK(strcmp(x->etag, y->etag) == 0);
    FUZZ_CHECK(strcmp(x->last_modified, y->last_modified) == 0);
    FUZZ_CHECK(strcmp(x->location, y->location) == 0);
    FUZZ_CHECK(x->has_content_range == y->has_content_range);
    FUZZ_CHECK(x->range_first == y->range_first);
    FUZZ_CHECK(x->range_last == y->range_last);
    FUZZ_CHECK(x->range_total == y->range_total);
    FUZZ_CHECK(x->accept_ranges == y->accept_ranges);
    FUZZ_CHECK(x->retry_after == y->retry_after);
    /* Stored strings are terminated inside their fields. */
    FUZZ_CHECK(memchr(x->content_type, 0, sizeof x->content_type) != NULL);
    FUZZ_CHECK(memchr(x->etag, 0, sizeof x->etag) != NULL);
    FUZZ_CHECK(memchr(x->last_modified, 0, sizeof x->last_modified) != NULL);
    FUZZ_CHECK(memchr(x->location, 0, sizeof x->location) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    bool head = data[0] & 1;
    const uint8_t *in = data + 3;
    size_t len = size - 3;
    size_t cut = len ? (((size_t)data[1] << 8 | data[2]) % (len + 1)) : 0;
    uint8_t *bodies = malloc(3 * (len ? len : 1));
    struct run whole = {.body = bodies}, split = {.body = bodies + len},
               bytewise = {.body = bodies + 2 * len};
    struct abota_http p;
    int err;
    FUZZ_CHECK(bodies != NULL);

    abota_http_init(&p, head);
    finish(&p, head, feed_piece(&p, in, len, &whole), &whole);

    abota_http_init(&p, head);
    err = feed_piece(&p, in, cut, &split);
    if (err == 0)
        err = feed_piece(&p, in + cut, len - cut, &split);
    finish(&p, head, err, &split);

    abota_http_init(&p, head);
    err = 0;
    for (size_t i = 0; i < len && err == 0; i++)
        err = feed_piece(&p, in + i, 1, &bytewise);
    finish(&p, head, err, &bytewise);

    same(&whole, &split);
    same(&whole, &bytewise);
    /* A failed parser stays failed. */
    if (whole.err < 0) {
        const uint8_t *b;
        size_t bl;
        FUZZ_CHECK(abota_http_feed(&p, in, len, &b, &bl) == bytewise.err);
    }
    free(bodies);
    return 0;
}
