/* libFuzzer harness for the HTTP response parser.
 *
 * Byte 0 picks the options and the split point: bit 0 is HEAD, the rest
 * choose where the remaining input is cut in two. The input is parsed whole
 * and split (and one byte per call for short inputs); every observable
 * result must be identical, body spans must lie inside the bytes given, and
 * a call must always make progress. Any difference aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abota/http.h"

struct run {
    int err;
    bool headers_done, done;
    uint32_t body_seen;
    size_t body_len;
    uint32_t body_sum; /* Adler-like checksum of the body bytes, in order */
    struct abota_http_resp resp;
};

static void feed(struct abota_http *p, const uint8_t *in, size_t len, size_t step, struct run *r)
{
    size_t i = 0;
    while (i < len && r->err == 0) {
        size_t n = len - i;
        if (step && n > step)
            n = step;
        const uint8_t *body;
        size_t blen;
        int c = abota_http_feed(p, in + i, n, &body, &blen);
        if (c < 0) {
            if (blen != 0)
                abort();
            r->err = c;
            return;
        }
        if (c == 0 || (size_t)c > n || blen > (size_t)c)
            abort();
        if (blen && (body < in + i || (size_t)(body - (in + i)) > (size_t)c - blen))
            abort();
        for (size_t k = 0; k < blen; k++)
            r->body_sum = r->body_sum * 31u + body[k] + 1u;
        r->body_len += blen;
        i += (size_t)c;
    }
}

static void run(const uint8_t *in, size_t len, bool head, size_t split, size_t step,
                struct run *r)
{
    struct abota_http p;
    memset(r, 0, sizeof *r);
    abota_http_init(&p, head);
    feed(&p, in, split, step, r);
    feed(&p, in + split, len - split, step, r);
    r->headers_done = abota_http_headers_done(&p);
    r->done = abota_http_done(&p);
    if (r->err == 0)
        r->err = abota_http_eof(&p);
    r->resp = p.resp;
    r->body_seen = abota_http_body_seen(&p);
    if (r->err == 0 && r->body_seen != r->body_len)
        abort();
}

static void same(const struct run *a, const struct run *b)
{
    const struct abota_http_resp *x = &a->resp, *y = &b->resp;
    if (a->err != b->err || a->headers_done != b->headers_done || a->done != b->done ||
        a->body_seen != b->body_seen || a->body_len != b->body_len ||
        a->body_sum != b->body_sum || x->status != y->status ||
        x->version_minor != y->version_minor ||
        x->has_content_length != y->has_content_length ||
        x->content_length != y->content_length || x->chunked != y->chunked ||
        x->connection_close != y->connection_close ||
        strcmp(x->content_type, y->content_type) != 0 || strcmp(x->etag, y->etag) != 0 ||
        strcmp(x->last_modified, y->last_modified) != 0 ||
        strcmp(x->location, y->location) != 0 ||
        x->has_content_range != y->has_content_range || x->range_first != y->range_first ||
        x->range_last != y->range_last || x->range_total != y->range_total ||
        x->accept_ranges != y->accept_ranges || x->retry_after != y->retry_after)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool head = data[0] & 1u;
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    size_t split = len ? ((size_t)(data[0] >> 1) * len) / 127u : 0;
    if (split > len)
        split = len;
    struct run whole, other;
    run(in, len, head, len, 0, &whole);
    run(in, len, head, split, 0, &other);
    same(&whole, &other);
    if (len <= 4096) {
        run(in, len, head, 0, 1, &other);
        same(&whole, &other);
    }
    return 0;
}
