#include "http_feed.h"

#include <stdio.h>
#include <string.h>

#include "abota/error.h"

const struct http_corpus_case http_corpus[] = {
    /* file                          head   status minor body      off   chunked close  conn_close */
    {"python-get-200.http",          false, 200, 0, BODY_FW,   0,    false, false, true},
    {"python-head.http",             true,  200, 0, BODY_NONE, 0,    false, false, true},
    {"python-get-404.http",          false, 404, 0, BODY_ANY,  0,    false, false, true},
    {"python-chunked.http",          false, 200, 1, BODY_FW,   0,    true,  false, true},
    {"python-close.http",            false, 200, 0, BODY_FW,   0,    false, true,  true},
    {"nginx-get-200.http",           false, 200, 1, BODY_FW,   0,    false, false, true},
    {"nginx-get-200-http10.http",    false, 200, 1, BODY_FW,   0,    false, false, true},
    {"nginx-head.http",              true,  200, 1, BODY_NONE, 0,    false, false, true},
    {"nginx-get-404.http",           false, 404, 1, BODY_ANY,  0,    false, false, true},
    {"nginx-range-206.http",         false, 206, 1, BODY_FW,   1000, false, false, true},
    {"nginx-inm-304.http",           false, 304, 1, BODY_NONE, 0,    false, false, true},
    {"hand-chunked-ext-trailer.http", false, 200, 1, BODY_FW,  0,    true,  false, false},
};
const size_t http_corpus_count = sizeof http_corpus / sizeof http_corpus[0];

static void feed_piece(struct abota_http *p, const uint8_t *in, size_t len, size_t step,
                       struct http_feed_result *out)
{
    size_t i = 0;
    while (i < len && out->err == 0) {
        size_t n = len - i;
        if (step && n > step)
            n = step;
        const uint8_t *body = NULL;
        size_t body_len = 0;
        int r = abota_http_feed(p, in + i, n, &body, &body_len);
        if (r < 0) {
            out->err = r;
            if (body_len != 0)
                out->span_outside = 1; /* an error never comes with body */
            return;
        }
        if (r == 0 || (size_t)r > n) {
            out->stuck = 1;
            out->err = ABOTA_ERR_STATE;
            return;
        }
        if (body_len) {
            if (body < in + i || body_len > (size_t)r ||
                (size_t)(body - (in + i)) > (size_t)r - body_len)
                out->span_outside = 1;
            for (size_t k = 0; k < body_len; k++) {
                if (out->body_len < HTTP_FEED_BODY_MAX)
                    out->body[out->body_len] = body[k];
                out->body_len++;
            }
        }
        i += (size_t)r;
    }
}

void http_feed_run(const uint8_t *in, size_t len, bool head, size_t split, size_t step,
                   struct http_feed_result *out)
{
    struct abota_http p;
    memset(out, 0, sizeof *out);
    abota_http_init(&p, head);
    if (split > len)
        split = len;
    feed_piece(&p, in, split, step, out);
    feed_piece(&p, in + split, len - split, step, out);
    out->headers_done = abota_http_headers_done(&p);
    out->done = abota_http_done(&p);
    if (out->err == 0)
        out->err = abota_http_eof(&p);
    out->resp = p.resp;
    out->body_seen = abota_http_body_seen(&p);
}

#define SAME(field)                                                                  \
    do {                                                                             \
        if (a->field != b->field) {                                                  \
            fprintf(stderr, "%s split %zu step %zu: " #field " differs\n", label,    \
                    split, step);                                                    \
            return false;                                                            \
        }                                                                            \
    } while (0)
#define SAME_STR(field)                                                              \
    do {                                                                             \
        if (strcmp(a->field, b->field) != 0) {                                       \
            fprintf(stderr, "%s split %zu step %zu: " #field " differs\n", label,    \
                    split, step);                                                    \
            return false;                                                            \
        }                                                                            \
    } while (0)

bool http_feed_same(const struct http_feed_result *a, const struct http_feed_result *b,
                    const char *label, size_t split, size_t step)
{
    SAME(err);
    SAME(stuck);
    SAME(span_outside);
    SAME(headers_done);
    SAME(done);
    SAME(body_seen);
    SAME(body_len);
    SAME(resp.status);
    SAME(resp.version_minor);
    SAME(resp.has_content_length);
    SAME(resp.content_length);
    SAME(resp.chunked);
    SAME(resp.connection_close);
#if ABOTA_FEATURE_CONTENT_TYPE
    SAME_STR(resp.content_type);
#endif
#if ABOTA_FEATURE_RESUME
    SAME_STR(resp.etag);
    SAME_STR(resp.last_modified);
#endif
#if ABOTA_FEATURE_REDIRECT
    SAME_STR(resp.location);
#endif
#if ABOTA_FEATURE_RESUME
    SAME(resp.has_content_range);
    SAME(resp.range_first);
    SAME(resp.range_last);
    SAME(resp.range_total);
    SAME(resp.accept_ranges);
#endif
#if ABOTA_FEATURE_RETRY
    SAME(resp.retry_after);
#endif
    size_t n = a->body_len < HTTP_FEED_BODY_MAX ? a->body_len : HTTP_FEED_BODY_MAX;
    if (memcmp(a->body, b->body, n) != 0) {
        fprintf(stderr, "%s split %zu step %zu: body differs\n", label, split, step);
        return false;
    }
    return true;
}

bool http_feed_all_splits(const uint8_t *in, size_t len, bool head, const char *label,
                          struct http_feed_result *whole)
{
    static struct http_feed_result other;
    http_feed_run(in, len, head, len, 0, whole);
    if (whole->stuck || whole->span_outside) {
        fprintf(stderr, "%s: parser made no progress or gave a bad span\n", label);
        return false;
    }
    http_feed_run(in, len, head, 0, 1, &other);
    if (!http_feed_same(whole, &other, label, 0, 1))
        return false;
    for (size_t split = 1; split < len; split++) {
        http_feed_run(in, len, head, split, 0, &other);
        if (!http_feed_same(whole, &other, label, split, 0))
            return false;
    }
    return true;
}
