/* abota serve: choosing the status of a response and writing its head.
 *
 * Order of evaluation (RFC 9110 13.2.2): If-Match, else If-Unmodified-Since
 * (412); If-None-Match, else If-Modified-Since (304); then Range, honoured
 * only when If-Range (an entity tag, compared strongly, or a date equal to
 * Last-Modified) matches. One range gives 206; an unsatisfiable one 416 with
 * "Content-Range: bytes * /size"; several ranges, other units or a malformed
 * header are answered with the whole file (200), as RFC 9110 allows. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "abota/version.h"
#include "serve.h"

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 412: return "Precondition Failed";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

struct head {
    char *out;
    size_t len;
};

/* Appends; the buffer is sized for the longest head, so truncation would be
 * a bug here, not an input problem: it is clamped, never overrun. */
__attribute__((format(printf, 2, 3))) static void add(struct head *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(h->out + h->len, SERVE_HEAD_MAX - h->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        h->len += (size_t)n < SERVE_HEAD_MAX - h->len ? (size_t)n : SERVE_HEAD_MAX - 1 - h->len;
}

static void start(struct head *h, int status, time_t now)
{
    char date[30];
    serve_http_date_fmt(now, date);
    h->len = 0;
    add(h, "HTTP/1.1 %d %s\r\nServer: abota/%s\r\nDate: %s\r\n", status, reason(status),
        ABOTA_VERSION_STRING, date);
}

static void finish(struct head *h, const struct serve_req *r, bool keep_alive)
{
    if (!keep_alive)
        add(h, "Connection: close\r\n");
    else if (r && r->minor == 0)
        add(h, "Connection: keep-alive\r\n");
    add(h, "\r\n");
}

void serve_resp_error(int status, const struct serve_req *r, bool keep_alive, time_t now,
                      char *out, struct serve_resp *resp)
{
    struct head h = {out, 0};
    char body[64];
    int bn = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));
    memset(resp, 0, sizeof(*resp));
    start(&h, status, now);
    if (status == 405)
        add(&h, "Allow: GET, HEAD\r\n");
    add(&h, "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n", bn);
    finish(&h, r, keep_alive);
    if (!r || r->meth != SERVE_HEAD) {
        add(&h, "%s", body);
        resp->inline_body = (size_t)bn;
    }
    resp->status = status;
    resp->out_len = h.len;
    resp->keep_alive = keep_alive;
}

static bool if_range_holds(struct serve_str v, const struct serve_file *f)
{
    if (!v.n)
        return true;
    /* An entity tag (a weak one never matches), else a date ("Wed, ..."). */
    if (v.p[0] == '"' || (v.n >= 2 && v.p[0] == 'W' && v.p[1] == '/'))
        return serve_http_etag_match(v, f->etag, false) && !serve_str_eq(v, "*");
    time_t t;
    return serve_http_date_parse(v, &t) && t == f->mtime;
}

static int choose(const struct serve_req *r, const struct serve_file *f, uint64_t *first,
                  uint64_t *last)
{
    time_t t;
    if (r->if_match.n) {
        if (!serve_http_etag_match(r->if_match, f->etag, false))
            return 412;
    } else if (r->if_unmodified_since.n && serve_http_date_parse(r->if_unmodified_since, &t) &&
               f->mtime > t) {
        return 412;
    }
    if (r->if_none_match.n) {
        if (serve_http_etag_match(r->if_none_match, f->etag, true))
            return 304;
    } else if (r->if_modified_since.n && serve_http_date_parse(r->if_modified_since, &t) &&
               f->mtime <= t) {
        return 304;
    }
    if (r->n_range == 1 && if_range_holds(r->if_range, f)) {
        switch (serve_http_range(r->range, f->size, first, last)) {
        case SERVE_RANGE_OK: return 206;
        case SERVE_RANGE_UNSATISFIABLE: return 416;
        case SERVE_RANGE_NONE: break;
        }
    }
    *first = 0;
    *last = f->size ? f->size - 1 : 0;
    return 200;
}

void serve_resp_file(const struct serve_req *r, const struct serve_file *f, time_t now,
                     char *out, struct serve_resp *resp)
{
    uint64_t first = 0, last = 0;
    int status = choose(r, f, &first, &last);
    if (status == 412) {
        serve_resp_error(412, r, r->keep_alive, now, out, resp);
        return;
    }
    struct head h = {out, 0};
    char lm[30];
    serve_http_date_fmt(f->mtime, lm);
    memset(resp, 0, sizeof(*resp));
    start(&h, status, now);
    add(&h, "Last-Modified: %s\r\nETag: %s\r\n", lm, f->etag);
    if (status == 304) {
        finish(&h, r, r->keep_alive);
    } else if (status == 416) {
        static const char body[] = "416 Range Not Satisfiable\n";
        add(&h, "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                "Accept-Ranges: bytes\r\nContent-Range: bytes */%llu\r\n",
            sizeof(body) - 1, (unsigned long long)f->size);
        finish(&h, r, r->keep_alive);
        if (r->meth != SERVE_HEAD) {
            add(&h, "%s", body);
            resp->inline_body = sizeof(body) - 1;
        }
    } else {
        uint64_t len = f->size ? last - first + 1 : 0;
        add(&h, "Content-Type: %s\r\nContent-Length: %llu\r\nAccept-Ranges: bytes\r\n", f->ctype,
            (unsigned long long)len);
        if (status == 206)
            add(&h, "Content-Range: bytes %llu-%llu/%llu\r\n", (unsigned long long)first,
                (unsigned long long)last, (unsigned long long)f->size);
        finish(&h, r, r->keep_alive);
        if (r->meth != SERVE_HEAD && len) {
            resp->file_body = true;
            resp->off = first;
            resp->len = len;
        }
    }
    resp->status = status;
    resp->out_len = h.len;
    resp->keep_alive = r->keep_alive;
}
