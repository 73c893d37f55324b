/* Fuzzes abota serve's request side: framing, the head parser, Range,
 * conditional headers and the response choice, dates, and the request path
 * normalisation (tools/abota/serve_http.c, serve_resp.c, serve_files.c).
 *
 * Input: byte 0 flags, bytes 1-2 a split point, bytes 3-10 a file size
 * (little-endian); the rest is what a client sent, possibly several
 * pipelined requests. Flag bit 0 repeats the bytes until they fill the
 * server's input buffer (SERVE_IN_MAX). Properties:
 * - framing answers 0, a head length within the input ending in LF, or
 *   -400/-414/-431; the same answer whole, split in two at any point and
 *   fed one byte at a time; the head alone frames to the same length and
 *   every shorter prefix of it needs more bytes;
 * - a full buffer is always framed (a head or an error, never "more");
 * - the parser answers 0, 400 or 505 for a framed head; on success every
 *   span lies inside the head, the request line fits SERVE_LINE_MAX, the
 *   version is HTTP/1.x, header values are trimmed and free of control
 *   bytes, and a request with a body is never kept alive;
 * - any Range result lies within the file, first <= last;
 * - the response status is 200/206/304/412/416, the body slice lies in the
 *   file (206: exactly the Range result), the head fits its buffer and its
 *   only blank line ends it;
 * - a strong entity-tag match is also a weak one;
 * - a parsed date formats and parses back to the same second;
 * - a path is normalised or refused with 400, 403, 404 or 414; a
 *   normalised one is relative, has no empty, "." or ".." segment (so it
 *   cannot leave DIR) and no hidden one (starting with a dot), and
 *   normalising it again gives it back. */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "serve.h"

#define PIPELINE_MAX 8

static char in[SERVE_IN_MAX];

static bool inside(struct serve_str s, const char *buf, size_t len)
{
    if (!s.n)
        return true;
    return s.p >= buf && s.n <= len && (size_t)(s.p - buf) <= len - s.n;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void check_value(struct serve_str v, const char *head, size_t len)
{
    FUZZ_CHECK(inside(v, head, len));
    if (!v.n)
        return;
    FUZZ_CHECK(!is_ows(v.p[0]) && !is_ows(v.p[v.n - 1]));
    for (size_t i = 0; i < v.n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        FUZZ_CHECK(c == '\t' || (c >= 0x20 && c != 0x7f));
    }
}

/* Frames buf[0, len) whole, split at k, and one byte at a time. */
static long check_frame(const char *buf, size_t len, size_t k)
{
    struct serve_scan s = {0};
    long whole = serve_http_frame(buf, len, &s);
    FUZZ_CHECK(whole == 0 || whole == -400 || whole == -414 || whole == -431 ||
               (whole > 0 && (size_t)whole <= len));

    struct serve_scan t = {0};
    long split = serve_http_frame(buf, k, &t);
    if (!split)
        split = serve_http_frame(buf, len, &t);
    FUZZ_CHECK(split == whole);

    struct serve_scan u = {0};
    long bytes = 0;
    for (size_t i = 1; i <= len && !bytes; i++)
        bytes = serve_http_frame(buf, i, &u);
    FUZZ_CHECK(bytes == whole);

    if (whole > 0) {
        size_t n = (size_t)whole;
        FUZZ_CHECK(buf[n - 1] == '\n');
        struct serve_scan v = {0};
        FUZZ_CHECK(serve_http_frame(buf, n, &v) == whole);
        struct serve_scan w = {0};
        FUZZ_CHECK(serve_http_frame(buf, n - 1, &w) == 0);
    }
    return whole;
}

static void check_range(struct serve_str v, uint64_t size)
{
    uint64_t first = 7, last = 5;
    switch (serve_http_range(v, size, &first, &last)) {
    case SERVE_RANGE_OK:
        FUZZ_CHECK(first <= last && last < size);
        break;
    case SERVE_RANGE_UNSATISFIABLE:
    case SERVE_RANGE_NONE:
        FUZZ_CHECK(first == 7 && last == 5);
        break;
    default:
        FUZZ_CHECK(!"a range result out of the enum");
    }
}

static void check_date(struct serve_str v)
{
    time_t t;
    if (!serve_http_date_parse(v, &t))
        return;
    /* Years 0..9999 print in IMF-fixdate and read back to the same second. */
    if (t < (time_t)-62167219200 || t > (time_t)253402300799)
        return;
    char out[30], again[30];
    serve_http_date_fmt(t, out);
    FUZZ_CHECK(strlen(out) == 29);
    time_t back;
    FUZZ_CHECK(serve_http_date_parse((struct serve_str){out, 29}, &back));
    FUZZ_CHECK(back == t);
    serve_http_date_fmt(back, again);
    FUZZ_CHECK(memcmp(out, again, 30) == 0);
}

static void check_etag(struct serve_str list, const char *etag)
{
    if (serve_http_etag_match(list, etag, false))
        FUZZ_CHECK(serve_http_etag_match(list, etag, true));
}

static void check_path(struct serve_str target)
{
    static char rel[SERVE_PATH_MAX], again[SERVE_PATH_MAX];
    static char enc[3 * SERVE_PATH_MAX + 2];
    int st = serve_files_path(target, rel, sizeof(rel));
    FUZZ_CHECK(st == 0 || st == 400 || st == 403 || st == 404 || st == 414);
    if (st)
        return;
    size_t n = strnlen(rel, sizeof(rel));
    FUZZ_CHECK(n < sizeof(rel));
    /* Segments: none empty (so no leading, trailing or double slash),
     * none "." or "..", none hidden (a name starting with a dot is 404). */
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && rel[i] != '/')
            continue;
        size_t len = i - s;
        if (n) {
            FUZZ_CHECK(len > 0);
            FUZZ_CHECK(!(len == 1 && rel[s] == '.'));
            FUZZ_CHECK(!(len == 2 && rel[s] == '.' && rel[s + 1] == '.'));
            FUZZ_CHECK(rel[s] != '.');
        }
        s = i + 1;
    }
    /* Idempotent: the result, escaped where a target would not carry the
     * byte literally, normalises to itself. */
    size_t e = 0;
    enc[e++] = '/';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)rel[i];
        if (c == '%' || c == '?' || c == '#') {
            static const char hex[] = "0123456789ABCDEF";
            enc[e++] = '%';
            enc[e++] = hex[c >> 4];
            enc[e++] = hex[c & 15];
        } else {
            enc[e++] = (char)c;
        }
    }
    FUZZ_CHECK(serve_files_path((struct serve_str){enc, e}, again, sizeof(again)) == 0);
    FUZZ_CHECK(strcmp(rel, again) == 0);
}

static void check_resp(const struct serve_req *r, uint64_t size)
{
    static char out[SERVE_HEAD_MAX];
    struct serve_file f;
    memset(&f, 0, sizeof(f));
    f.fd = -1;
    f.size = size;
    f.mtime = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    strcpy(f.etag, "\"3e8-2b8bb1d5be1f6a00\"");
    f.ctype = "application/octet-stream";
    struct serve_resp resp;
    serve_resp_file(r, &f, 1764064800, out, &resp);
    FUZZ_CHECK(resp.status == 200 || resp.status == 206 || resp.status == 304 ||
               resp.status == 412 || resp.status == 416);
    FUZZ_CHECK(resp.out_len < SERVE_HEAD_MAX && resp.inline_body <= resp.out_len);
    FUZZ_CHECK(resp.keep_alive == r->keep_alive);
    size_t head = resp.out_len - resp.inline_body;
    FUZZ_CHECK(head >= 4 && memcmp(out + head - 4, "\r\n\r\n", 4) == 0);
    FUZZ_CHECK(memmem(out, head, "\r\n\r\n", 4) == out + head - 4);
    if (resp.file_body) {
        FUZZ_CHECK(r->meth != SERVE_HEAD);
        FUZZ_CHECK(resp.status == 200 || resp.status == 206);
        FUZZ_CHECK(resp.len >= 1 && resp.off < size && resp.len <= size - resp.off);
    }
    if (resp.status == 206) {
        uint64_t first = 0, last = 0;
        FUZZ_CHECK(r->n_range == 1);
        FUZZ_CHECK(serve_http_range(r->range, size, &first, &last) == SERVE_RANGE_OK);
        if (resp.file_body)
            FUZZ_CHECK(resp.off == first && resp.len == last - first + 1);
    } else if (resp.status == 200 && r->meth != SERVE_HEAD) {
        FUZZ_CHECK(resp.file_body == (size != 0));
        FUZZ_CHECK(!resp.file_body || (resp.off == 0 && resp.len == size));
    } else if (resp.status != 200) {
        FUZZ_CHECK(!resp.file_body);
    }
}

static void check_request(const char *head, size_t len, uint64_t size)
{
    struct serve_req r;
    int st = serve_http_parse(head, len, &r);
    FUZZ_CHECK(st == 0 || st == 400 || st == 505);
    if (st)
        return;
    FUZZ_CHECK(inside(r.method, head, len) && r.method.n > 0);
    FUZZ_CHECK(inside(r.target, head, len) && r.target.n > 0);
    FUZZ_CHECK(inside(r.version, head, len) && r.version.n == 8);
    FUZZ_CHECK(memcmp(r.version.p, "HTTP/1.", 7) == 0);
    FUZZ_CHECK(r.minor == (r.version.p[7] == '0' ? 0 : 1));
    FUZZ_CHECK(r.method.n + r.target.n + r.version.n + 2 <= SERVE_LINE_MAX);
    for (size_t i = 0; i < r.target.n; i++)
        FUZZ_CHECK((unsigned char)r.target.p[i] > 0x20 && r.target.p[i] != 0x7f);
    bool get = r.method.n == 3 && !memcmp(r.method.p, "GET", 3);
    bool hd = r.method.n == 4 && !memcmp(r.method.p, "HEAD", 4);
    FUZZ_CHECK(r.meth == (get ? SERVE_GET : hd ? SERVE_HEAD : SERVE_OTHER));
    FUZZ_CHECK(!(r.keep_alive && r.has_body));
    FUZZ_CHECK(r.minor == 0 || r.host.p != NULL);
    const struct serve_str values[] = {r.host, r.range, r.if_range, r.if_none_match,
                                       r.if_modified_since, r.if_match,
                                       r.if_unmodified_since};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        check_value(values[i], head, len);

    check_range(r.range, size);
    check_range(r.range, 0);
    check_range(r.range, UINT64_MAX);
    check_date(r.if_modified_since);
    check_date(r.if_unmodified_since);
    check_date(r.if_range);
    check_etag(r.if_none_match, "\"3e8-2b8bb1d5be1f6a00\"");
    check_etag(r.if_match, "\"3e8-2b8bb1d5be1f6a00\"");
    check_path(r.target);
    if (r.meth != SERVE_OTHER)
        check_resp(&r, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 11)
        return 0;
    uint8_t flags = data[0];
    size_t split = (size_t)data[1] | (size_t)data[2] << 8;
    uint64_t fsize = 0;
    for (int i = 7; i >= 0; i--)
        fsize = fsize << 8 | data[3 + i];
    const char *p = (const char *)data + 11;
    size_t n = size - 11;

    /* The raw bytes as a Range value, a date, a tag list and a target too. */
    struct serve_str raw = {p, n};
    check_range(raw, fsize);
    check_date(raw);
    check_etag(raw, "\"3e8-2b8bb1d5be1f6a00\"");
    if (n)
        check_path(raw);

    size_t len = n;
    if (flags & 1) {
        if (!n)
            return 0;
        for (len = 0; len < sizeof(in); len += n)
            memcpy(in + len, p, len + n <= sizeof(in) ? n : sizeof(in) - len);
        len = sizeof(in);
    } else {
        memcpy(in, p, n);
    }

    size_t off = 0;
    for (int i = 0; i < PIPELINE_MAX && off < len; i++) {
        long r = check_frame(in + off, len - off, split % (len - off + 1));
        if (len == sizeof(in) && off == 0)
            FUZZ_CHECK(r != 0); /* framing fails before the buffer fills */
        if (r <= 0)
            break;
        check_request(in + off, (size_t)r, fsize);
        off += (size_t)r;
    }
    return 0;
}
