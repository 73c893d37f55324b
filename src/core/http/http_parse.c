/* Streaming HTTP/1.x response parser.
 *
 * A byte-driven state machine whose whole state lives in struct abota_http,
 * so it can stop after any byte and resume with the next call: feeding one
 * byte per call gives the same result as feeding everything at once. The
 * status line and the lines of headers abota uses are collected in line_
 * (bounded by ABOTA_HTTP_LINE_MAX); other headers are only counted while
 * they are skipped (bounded by ABOTA_HTTP_SKIP_LINE_MAX).
 *
 * A call returns after the end of the head, after each body span and at the
 * end of the message, so a span is always one contiguous run of body bytes
 * and never carries framing. */
#include "abota/http.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abota/error.h"

enum {
    S_STATUS,          /* status line bytes */
    S_LINE_LF,         /* CR seen at the end of a status or header line */
    S_HDR_START,       /* first byte of a header line, or CR of the blank line */
    S_NAME,            /* header name, up to ':' */
    S_VALUE,           /* value of a header abota uses: stored in line_ */
    S_SKIP,            /* value of another header: counted only */
    S_HEAD_END_LF,     /* CR of the blank line seen */
    S_BODY_CL,         /* Content-Length body, body_left_ bytes to come */
    S_BODY_CLOSE,      /* body until the connection closes */
    S_CHUNK_DATA,      /* chunk data, body_left_ bytes to come (next to the other
                        * body states: feed takes the three as one range) */
    S_CHUNK_SIZE,      /* hex digits of a chunk size */
    S_CHUNK_WS,        /* blanks after the size, before ';' or CR */
    S_CHUNK_EXT,       /* chunk extensions, skipped up to CR */
    S_CHUNK_SIZE_LF,   /* CR after the size line seen */
    S_CHUNK_DATA_CR,   /* CR after the chunk data */
    S_CHUNK_DATA_LF,   /* LF after the chunk data */
    S_TRAILER_START,   /* first byte of a trailer line, or CR of the blank line */
    S_TRAILER_LINE,    /* trailer line, skipped up to CR */
    S_TRAILER_LF,      /* CR at the end of a trailer line seen */
    S_TRAILER_END_LF,  /* CR of the final blank line seen */
    S_DONE,
};

/* Known headers (hdr_). H_NONE: on the status line. */
enum {
    H_NONE,
    H_OTHER,
    H_CONTENT_LENGTH,
    H_TRANSFER_ENCODING,
    H_CONTENT_TYPE,
    H_CONTENT_RANGE,
    H_ETAG,
    H_LAST_MODIFIED,
    H_LOCATION,
    H_ACCEPT_RANGES,
    H_RETRY_AFTER,
    H_CONNECTION,
};

/* Headers of features compiled out (config.h) are not in the table: they
 * are skipped like any unknown header. */
static const struct {
    char name[18]; /* in place: no pointer (and relocation) per name */
    uint8_t id;
} known[] = {
    {"content-length", H_CONTENT_LENGTH},
    {"transfer-encoding", H_TRANSFER_ENCODING},
#if ABOTA_FEATURE_CONTENT_TYPE
    {"content-type", H_CONTENT_TYPE},
#endif
#if ABOTA_FEATURE_RESUME
    {"content-range", H_CONTENT_RANGE},
    {"etag", H_ETAG},
    {"last-modified", H_LAST_MODIFIED},
    {"accept-ranges", H_ACCEPT_RANGES},
#endif
#if ABOTA_FEATURE_REDIRECT
    {"location", H_LOCATION},
#endif
#if ABOTA_FEATURE_RETRY
    {"retry-after", H_RETRY_AFTER},
#endif
    {"connection", H_CONNECTION},
};

/* Longer names than this cannot be known ones; the name is then only
 * checked, not stored. */
#define NAME_STORE_MAX 20

/* flags_ */
#define F_CONN_CLOSE 0x01u
#define F_CONN_KEEP_ALIVE 0x02u

/* Significant hex digits in a chunk size: 8 fill a uint32_t. */
#define CHUNK_DIGITS_MAX 8

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(uint8_t c)
{
    if (is_digit(c))
        return c - '0';
    int l = lower(c);
    if (l >= 'a' && l <= 'f')
        return l - 'a' + 10;
    return -1;
}

static bool is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110 tchar: ALPHA, DIGIT and !#$%&'*+-.^_`|~, one bit per ASCII
 * code (bit c & 7 of byte c >> 3). */
static bool is_tchar(uint8_t c)
{
    static const uint8_t tchar[16] = {
        0x00, 0x00, 0x00, 0x00, 0xFA, 0x6C, 0xFF, 0x03,
        0xFE, 0xFF, 0xFF, 0xC7, 0xFF, 0xFF, 0xFF, 0x57,
    };
    return c < 128 && ((tchar[c >> 3] >> (c & 7u)) & 1u) != 0;
}

/* Bytes allowed inside a field value or reason phrase (CR and LF are
 * handled by the caller): HT, visible ASCII, SP and obs-text. */
static bool is_value_byte(uint8_t c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7F);
}

/* Case-insensitive compare of s[0..n) with the lower-case NUL-terminated z. */
static bool equal_nocase(const char *s, size_t n, const char *z)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (z[i] == '\0' || lower((unsigned char)s[i]) != z[i])
            return false;
    return z[i] == '\0';
}

/* Parses s[0..n) as a decimal number that fits in uint32_t. Returns 0,
 * ABOTA_ERR_ARG for a non-digit or empty input, ABOTA_ERR_NOSPACE for a
 * value over UINT32_MAX. */
static int parse_u32(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    if (n == 0)
        return ABOTA_ERR_ARG;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((uint8_t)s[i]))
            return ABOTA_ERR_ARG;
        uint32_t d = (uint32_t)(s[i] - '0');
        /* v * 10 + d <= UINT32_MAX, with constant bounds (no division) */
        if (v > UINT32_MAX / 10u || (v == UINT32_MAX / 10u && d > UINT32_MAX % 10u))
            return ABOTA_ERR_NOSPACE;
        v = v * 10u + d;
    }
    *out = v;
    return 0;
}

#if ABOTA_FEATURE_CONTENT_TYPE || ABOTA_FEATURE_RESUME || ABOTA_FEATURE_REDIRECT
/* Copies s[0..n) with a NUL into dst of size cap, or fails. */
static int copy_value(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return ABOTA_ERR_HTTP_VALUE_TOO_LONG;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}
#endif

/* Retry-After, kept only with ABOTA_FEATURE_RETRY (else skipped like an
 * unknown header: no field). */
#if ABOTA_FEATURE_RETRY
static void no_retry_after(struct abota_http_resp *r)
{
    r->retry_after = ABOTA_HTTP_NO_RETRY_AFTER;
}

static void retry_after(struct abota_http_resp *r, const char *v, size_t n)
{
    if (n > 0 && is_digit((uint8_t)v[0])) {
        uint32_t s = 0;
        int rc = parse_u32(v, n, &s);
        if (rc == ABOTA_ERR_NOSPACE || (rc == 0 && s > ABOTA_HTTP_RETRY_AFTER_MAX))
            r->retry_after = ABOTA_HTTP_RETRY_AFTER_MAX;
        else if (rc == 0)
            r->retry_after = s;
    } else if (n > 0 && lower((unsigned char)v[0]) >= 'a' && lower((unsigned char)v[0]) <= 'z') {
        /* "Fri, 31 Dec 1999 23:59:59 GMT" and the obsolete forms */
        r->retry_after = ABOTA_HTTP_RETRY_AFTER_DATE;
    }
}
#else
static void no_retry_after(struct abota_http_resp *r)
{
    (void)r;
}

static void retry_after(struct abota_http_resp *r, const char *v, size_t n)
{
    (void)r;
    (void)v;
    (void)n;
}
#endif

void abota_http_init(struct abota_http *p, bool head)
{
    memset(p, 0, sizeof *p);
    no_retry_after(&p->resp);
    p->head_ = head;
    p->state_ = S_STATUS;
    p->hdr_ = H_NONE;
}

static int fail(struct abota_http *p, int err)
{
    p->err_ = (int16_t)err;
    return err;
}

/* The end of the status line: status_byte checked and took every byte
 * as it arrived; only a line cut short is left to refuse. */
static int status_line(struct abota_http *p)
{
    if (p->line_len_ < 9)
        return ABOTA_ERR_HTTP_STATUS_LINE;
    if (p->line_len_ < 12)
        return ABOTA_ERR_HTTP_STATUS_CODE;
    return p->resp.status == 101 ? ABOTA_ERR_HTTP_STATUS : 0;
}

/* Checks one status line byte as it arrives, so a peer that does not speak
 * HTTP/1.x is refused at once, not after a line's worth of bytes, and
 * takes the version and the status code from it (the line is not kept):
 * "HTTP/1." minor SP digit(1..5) digit digit [SP reason]. */
static int status_byte(struct abota_http *p, uint8_t c)
{
    static const char prefix[] = "HTTP/1.";
    size_t i = p->line_len_;
    if (i < sizeof prefix - 1)
        return c == (uint8_t)prefix[i] ? 0 : ABOTA_ERR_HTTP_STATUS_LINE;
    if (i == 7) {
        p->resp.version_minor = (uint8_t)(c - '0');
        return (c == '0' || c == '1') ? 0 : ABOTA_ERR_HTTP_STATUS_LINE;
    }
    if (i == 8)
        return c == ' ' ? 0 : ABOTA_ERR_HTTP_STATUS_LINE;
    if (i <= 11) {
        if (!is_digit(c) || (i == 9 && (c == '0' || c > '5')))
            return ABOTA_ERR_HTTP_STATUS_CODE;
        p->resp.status = p->resp.status * 10 + (c - '0');
        return 0;
    }
    if (i == 12 && c != ' ')
        return ABOTA_ERR_HTTP_STATUS_CODE;
    return is_value_byte(c) ? 0 : ABOTA_ERR_HTTP_STATUS_LINE;
}

/* The values of optional headers (config.h), each once per profile: a
 * feature compiled out has no field to fill, and its header is not in
 * known[], so its twin below is never reached and folds into the default
 * case. */
#if ABOTA_FEATURE_RESUME
/* "bytes first-last/total", "bytes first-last/ *" or "bytes * /total". */
static int content_range(struct abota_http_resp *r, const char *v, size_t n)
{
    size_t i = 0, j;
    if (n < 6 || !equal_nocase(v, 5, "bytes") || v[5] != ' ')
        return ABOTA_ERR_HTTP_CONTENT_RANGE;
    i = 6;
    while (i < n && v[i] == ' ')
        i++;
    uint32_t first = 0, last = 0, total = ABOTA_HTTP_RANGE_TOTAL_UNKNOWN;
    bool unsatisfied = false;
    if (i < n && v[i] == '*') {
        unsatisfied = true;
        i++;
    } else {
        for (j = i; j < n && v[j] != '-'; j++)
            ;
        if (j == n || parse_u32(v + i, j - i, &first) != 0)
            return ABOTA_ERR_HTTP_CONTENT_RANGE;
        i = j + 1;
        for (j = i; j < n && v[j] != '/'; j++)
            ;
        if (parse_u32(v + i, j - i, &last) != 0)
            return ABOTA_ERR_HTTP_CONTENT_RANGE;
        i = j;
    }
    if (i >= n || v[i] != '/')
        return ABOTA_ERR_HTTP_CONTENT_RANGE;
    i++;
    if (n - i == 1 && v[i] == '*') {
        if (unsatisfied)
            return ABOTA_ERR_HTTP_CONTENT_RANGE;
    } else if (parse_u32(v + i, n - i, &total) != 0 ||
               total == ABOTA_HTTP_RANGE_TOTAL_UNKNOWN) {
        return ABOTA_ERR_HTTP_CONTENT_RANGE;
    }
    if (unsatisfied) {
        r->range_total = total;
        return 0;
    }
    if (first > last || (total != ABOTA_HTTP_RANGE_TOTAL_UNKNOWN && last >= total))
        return ABOTA_ERR_HTTP_CONTENT_RANGE;
    r->has_content_range = true;
    r->range_first = first;
    r->range_last = last;
    r->range_total = total;
    return 0;
}

/* Content-Range and the validators a resume's If-Range needs (ETag,
 * Last-Modified), Accept-Ranges. */
static int resume_value(struct abota_http_resp *r, uint8_t hdr, const char *v, size_t n)
{
    switch (hdr) {
    case H_CONTENT_RANGE:
        return content_range(r, v, n);
    case H_ETAG:
        if (copy_value(r->etag, sizeof r->etag, v, n) != 0)
            r->etag[0] = '\0';
        return 0;
    case H_LAST_MODIFIED:
        return copy_value(r->last_modified, sizeof r->last_modified, v, n);
    default:
        r->accept_ranges = equal_nocase(v, n, "bytes");
        return 0;
    }
}
#else
static int resume_value(struct abota_http_resp *r, uint8_t hdr, const char *v, size_t n)
{
    (void)r;
    (void)hdr;
    (void)v;
    (void)n;
    return 0;
}
#endif

#if ABOTA_FEATURE_CONTENT_TYPE
/* The media type, without parameters. */
static int content_type(struct abota_http_resp *r, const char *v, size_t n)
{
    size_t m = 0;
    while (m < n && v[m] != ';')
        m++;
    while (m > 0 && is_blank((uint8_t)v[m - 1]))
        m--;
    return copy_value(r->content_type, sizeof r->content_type, v, m);
}
#else
static int content_type(struct abota_http_resp *r, const char *v, size_t n)
{
    (void)r;
    (void)v;
    (void)n;
    return 0;
}
#endif

#if ABOTA_FEATURE_REDIRECT
static int location(struct abota_http_resp *r, const char *v, size_t n)
{
    return copy_value(r->location, sizeof r->location, v, n);
}
#else
static int location(struct abota_http_resp *r, const char *v, size_t n)
{
    (void)r;
    (void)v;
    (void)n;
    return 0;
}
#endif

/* Comma-separated tokens of Connection: a token ends at a comma, a blank
 * or the end (empty ones match nothing). */
static void connection(struct abota_http *p, const char *v, size_t n)
{
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ',' && !is_blank((uint8_t)v[i]))
            continue;
        if (equal_nocase(v + s, i - s, "close"))
            p->flags_ |= F_CONN_CLOSE;
        else if (equal_nocase(v + s, i - s, "keep-alive"))
            p->flags_ |= F_CONN_KEEP_ALIVE;
        s = i + 1;
    }
}

/* A known header's value is in line_[0..line_len_), leading blanks already
 * dropped. */
static int header_value(struct abota_http *p)
{
    struct abota_http_resp *r = &p->resp;
    const char *v = p->line_;
    size_t n = p->line_len_;
    while (n > 0 && is_blank((uint8_t)v[n - 1]))
        n--;
    switch (p->hdr_) {
    case H_CONTENT_LENGTH: {
        uint32_t cl = 0;
        int rc = parse_u32(v, n, &cl);
        if (rc == ABOTA_ERR_NOSPACE)
            return ABOTA_ERR_HTTP_CL_TOO_BIG;
        if (rc != 0)
            return ABOTA_ERR_HTTP_CL_NOT_NUMBER;
        if (r->has_content_length && r->content_length != cl)
            return ABOTA_ERR_HTTP_CL_CONFLICT;
        if (ABOTA_FEATURE_CHUNKED && r->chunked) /* never set without the feature */
            return ABOTA_ERR_HTTP_TE_AND_CL;
        r->has_content_length = true;
        r->content_length = cl;
        return 0;
    }
    case H_TRANSFER_ENCODING:
        /* Only a single "chunked": gzip and friends would need a decoder,
         * "chunked, chunked" is invalid. */
        if (!ABOTA_FEATURE_CHUNKED || r->chunked || !equal_nocase(v, n, "chunked"))
            return ABOTA_ERR_HTTP_TE_UNSUPPORTED;
        if (r->has_content_length)
            return ABOTA_ERR_HTTP_TE_AND_CL;
        r->chunked = true;
        return 0;
    case H_CONTENT_TYPE:
        return content_type(r, v, n);
    case H_CONTENT_RANGE:
    case H_ETAG:
    case H_LAST_MODIFIED:
    case H_ACCEPT_RANGES:
        return resume_value(r, p->hdr_, v, n);
    case H_LOCATION:
        return location(r, v, n);
    case H_RETRY_AFTER:
        retry_after(r, v, n);
        return 0;
    case H_CONNECTION:
        connection(p, v, n);
        return 0;
    default:
        return 0;
    }
}

/* The blank line ending a head. Returns 0, or an error. */
static int head_end(struct abota_http *p)
{
    struct abota_http_resp *r = &p->resp;
    if (r->status < 200) {
        /* interim response: forget it, parse the next head. It counts as a
         * header line so an endless stream of them is refused. */
        if (p->nheaders_ >= ABOTA_HTTP_MAX_HEADERS)
            return ABOTA_ERR_HTTP_TOO_MANY_HEADERS;
        uint16_t nheaders = (uint16_t)(p->nheaders_ + 1u);
        abota_http_init(p, p->head_);
        p->nheaders_ = nheaders;
        return 0;
    }
    /* "close" closes; HTTP/1.0 closes too unless it asked for keep-alive. */
    r->connection_close = (p->flags_ & F_CONN_CLOSE) != 0 ||
                          (r->version_minor == 0 && !(p->flags_ & F_CONN_KEEP_ALIVE));
    if (p->head_ || r->status == 204 || r->status == 304) {
        p->state_ = S_DONE;
    } else if (ABOTA_FEATURE_CHUNKED && r->chunked) { /* never set without the feature */
        p->state_ = S_CHUNK_SIZE;
        p->body_left_ = 0;
        p->chunk_digits_ = 0;
        p->skip_len_ = 0;
    } else if (r->has_content_length) {
        p->body_left_ = r->content_length;
        p->state_ = r->content_length ? S_BODY_CL : S_DONE;
    } else {
        r->connection_close = true;
        p->state_ = S_BODY_CLOSE;
    }
    return 0;
}

/* End of a status or header line (after its LF). */
static int line_end(struct abota_http *p)
{
    int rc;
    if (p->hdr_ == H_NONE) {
        rc = status_line(p);
    } else {
        rc = header_value(p);
    }
    if (rc < 0)
        return rc;
    if (p->hdr_ != H_NONE) {
        if (p->nheaders_ >= ABOTA_HTTP_MAX_HEADERS)
            return ABOTA_ERR_HTTP_TOO_MANY_HEADERS;
        p->nheaders_++;
    }
    p->line_len_ = 0;
    p->skip_len_ = 0;
    p->state_ = S_HDR_START;
    return 0;
}

static int name_end(struct abota_http *p)
{
    if (p->skip_len_ == 0)
        return ABOTA_ERR_HTTP_HEADER_SYNTAX;
    p->hdr_ = H_OTHER;
    if (p->skip_len_ <= NAME_STORE_MAX)
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            if (equal_nocase(p->line_, p->line_len_, known[k].name))
                p->hdr_ = known[k].id;
    p->line_len_ = 0;
    p->skip_len_++; /* the colon */
    p->state_ = p->hdr_ == H_OTHER ? S_SKIP : S_VALUE;
    return 0;
}

/* One byte of the head (status line and headers). Returns 0, 1 when the
 * head ended with this byte, or an error. */
static int head_byte(struct abota_http *p, uint8_t c)
{
    int rc;
    uint8_t st = p->state_;
    /* Line ends first: after a CR only an LF may come, and a bare LF is
     * never a line end. A CR ends the status line, a value or a skipped
     * line, or (at the start of a header line) the head. */
    if (st == S_LINE_LF || st == S_HEAD_END_LF) {
        if (c != '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        if (st == S_LINE_LF)
            return line_end(p);
        if ((rc = head_end(p)) < 0)
            return rc;
        return p->state_ == S_STATUS ? 0 : 1;
    }
    if (c == '\n')
        return ABOTA_ERR_HTTP_NO_CRLF;
    if (c == '\r' && st != S_NAME) {
        p->state_ = st == S_HDR_START ? S_HEAD_END_LF : S_LINE_LF;
        return 0;
    }
    switch (st) {
    case S_STATUS:
        if ((rc = status_byte(p, c)) < 0)
            return rc;
        if (p->line_len_ >= ABOTA_HTTP_LINE_MAX)
            return ABOTA_ERR_HTTP_LINE_TOO_LONG;
        p->line_len_++; /* counted, not kept: status_byte took what matters */
        return 0;
    case S_HDR_START:
        if (is_blank(c))
            return ABOTA_ERR_HTTP_OBS_FOLD;
        p->state_ = S_NAME;
        p->line_len_ = 0;
        p->skip_len_ = 0;
        /* fall through */
    case S_NAME:
        if (c == ':')
            return name_end(p);
        if (!is_tchar(c))
            return ABOTA_ERR_HTTP_HEADER_SYNTAX;
        if (p->skip_len_ < NAME_STORE_MAX)
            p->line_[p->line_len_++] = (char)c;
        break;
    case S_VALUE:
    case S_SKIP:
        if (!is_value_byte(c))
            return ABOTA_ERR_HTTP_HEADER_VALUE;
        if (st == S_SKIP)
            break;
        if (p->skip_len_ >= ABOTA_HTTP_LINE_MAX)
            return ABOTA_ERR_HTTP_LINE_TOO_LONG;
        /* Leading OWS is dropped; line_len_ <= skip_len_ < ABOTA_HTTP_LINE_MAX,
         * so the byte fits in line_. */
        if (p->line_len_ > 0 || !is_blank(c))
            p->line_[p->line_len_++] = (char)c;
        break;
    default:
        return ABOTA_ERR_STATE;
    }
    /* Names and values: the whole line is bounded, kept or skipped. */
    if (p->skip_len_ >= ABOTA_HTTP_SKIP_LINE_MAX)
        return ABOTA_ERR_HTTP_LINE_TOO_LONG;
    p->skip_len_++;
    return 0;
}

/* One byte of chunk framing or trailer. Returns 0, or an error. */
static int chunk_byte(struct abota_http *p, uint8_t c)
{
    switch (p->state_) {
    case S_CHUNK_SIZE: {
        int h = hex_value(c);
        if (h >= 0) {
            if (p->body_left_ != 0 || h != 0)
                p->chunk_digits_++;
            if (p->chunk_digits_ > CHUNK_DIGITS_MAX)
                return ABOTA_ERR_HTTP_CHUNK_TOO_BIG;
            p->body_left_ = (p->body_left_ << 4) | (uint32_t)h;
            break;
        }
        if (p->skip_len_ == 0)
            return c == '\n' ? ABOTA_ERR_HTTP_NO_CRLF : ABOTA_ERR_HTTP_CHUNK_SIZE;
        if (c == ';') {
            p->state_ = S_CHUNK_EXT;
        } else if (is_blank(c)) {
            p->state_ = S_CHUNK_WS;
        } else if (c == '\r') {
            p->state_ = S_CHUNK_SIZE_LF;
        } else if (c == '\n') {
            return ABOTA_ERR_HTTP_NO_CRLF;
        } else {
            return ABOTA_ERR_HTTP_CHUNK_SIZE;
        }
        break;
    }
    case S_CHUNK_WS:
        if (c == ';')
            p->state_ = S_CHUNK_EXT;
        else if (c == '\r')
            p->state_ = S_CHUNK_SIZE_LF;
        else if (c == '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        else if (!is_blank(c))
            return ABOTA_ERR_HTTP_CHUNK_SIZE;
        break;
    case S_CHUNK_EXT:
        if (c == '\r')
            p->state_ = S_CHUNK_SIZE_LF;
        else if (c == '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        else if (!is_value_byte(c))
            return ABOTA_ERR_HTTP_CHUNK_SIZE;
        break;
    case S_CHUNK_SIZE_LF:
        if (c != '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        p->skip_len_ = 0;
        p->state_ = p->body_left_ ? S_CHUNK_DATA : S_TRAILER_START;
        return 0;
    case S_CHUNK_DATA_CR:
        if (c != '\r')
            return ABOTA_ERR_HTTP_CHUNK_CRLF;
        p->state_ = S_CHUNK_DATA_LF;
        return 0;
    case S_CHUNK_DATA_LF:
        if (c != '\n')
            return ABOTA_ERR_HTTP_CHUNK_CRLF;
        p->state_ = S_CHUNK_SIZE;
        p->body_left_ = 0;
        p->chunk_digits_ = 0;
        p->skip_len_ = 0;
        return 0;
    case S_TRAILER_START:
        if (c == '\r') {
            p->state_ = S_TRAILER_END_LF;
            return 0;
        }
        if (c == '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        if (is_blank(c))
            return ABOTA_ERR_HTTP_OBS_FOLD;
        if (p->nheaders_ >= ABOTA_HTTP_MAX_HEADERS)
            return ABOTA_ERR_HTTP_TOO_MANY_HEADERS;
        p->nheaders_++;
        p->state_ = S_TRAILER_LINE;
        /* fall through */
    case S_TRAILER_LINE:
        if (c == '\r') {
            p->state_ = S_TRAILER_LF;
            return 0;
        }
        if (c == '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        if (!is_value_byte(c))
            return ABOTA_ERR_HTTP_HEADER_VALUE;
        break;
    case S_TRAILER_LF:
        if (c != '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        p->skip_len_ = 0;
        p->state_ = S_TRAILER_START;
        return 0;
    case S_TRAILER_END_LF:
        if (c != '\n')
            return ABOTA_ERR_HTTP_NO_CRLF;
        p->state_ = S_DONE;
        return 0;
    default:
        return ABOTA_ERR_STATE;
    }
    /* size lines and trailer lines: bounded like skipped header lines */
    if (p->skip_len_ >= ABOTA_HTTP_SKIP_LINE_MAX)
        return ABOTA_ERR_HTTP_LINE_TOO_LONG;
    p->skip_len_++;
    return 0;
}

/* Accounts n body bytes, refusing a total that does not fit in 32 bits. */
static int body_account(struct abota_http *p, size_t n)
{
    if (n > UINT32_MAX - p->body_seen_)
        return ABOTA_ERR_HTTP_BODY_TOO_BIG;
    p->body_seen_ += (uint32_t)n;
    return 0;
}

/* abota_http_feed without the sticky error: the count consumed or an
 * error, which the caller records. */
static int feed(struct abota_http *p, const uint8_t *in, size_t len, const uint8_t **body,
                size_t *body_len)
{
    size_t i = 0;
    int rc;
    if (len > 0 && in == NULL)
        return ABOTA_ERR_ARG;
    /* The count consumed is returned as an int. */
    if (len > (size_t)INT_MAX)
        len = (size_t)INT_MAX;
    while (i < len) {
        uint8_t st = p->state_;
        switch (st) {
        case S_DONE:
            return ABOTA_ERR_HTTP_EXTRA_BYTES;
        case S_BODY_CL:
        case S_CHUNK_DATA: /* only reached with ABOTA_FEATURE_CHUNKED */
        case S_BODY_CLOSE: {
            size_t n = len - i;
            if (st != S_BODY_CLOSE && n > p->body_left_)
                n = p->body_left_;
            if ((rc = body_account(p, n)) < 0)
                return rc;
            if (st != S_BODY_CLOSE) {
                p->body_left_ -= (uint32_t)n;
                if (p->body_left_ == 0)
                    p->state_ = !ABOTA_FEATURE_CHUNKED || st == S_BODY_CL ? S_DONE
                                                                         : S_CHUNK_DATA_CR;
            }
            *body = in + i;
            *body_len = n;
            return (int)(i + n);
        }
        case S_STATUS:
        case S_LINE_LF:
        case S_HDR_START:
        case S_NAME:
        case S_VALUE:
        case S_SKIP:
        case S_HEAD_END_LF:
            rc = head_byte(p, in[i++]);
            if (rc < 0)
                return rc;
            if (rc == 1)
                return (int)i;
            break;
        default:
            /* chunk framing: chunk_byte folds away without the feature */
            if (!ABOTA_FEATURE_CHUNKED)
                return ABOTA_ERR_STATE;
            rc = chunk_byte(p, in[i++]);
            if (rc < 0)
                return rc;
            if (p->state_ == S_DONE)
                return (int)i;
            break;
        }
    }
    return (int)i;
}

int abota_http_feed(struct abota_http *p, const uint8_t *in, size_t len,
                    const uint8_t **body, size_t *body_len)
{
    *body = NULL;
    *body_len = 0;
    if (p->err_)
        return p->err_;
    int rc = feed(p, in, len, body, body_len);
    if (rc < 0)
        p->err_ = (int16_t)rc;
    return rc;
}

int abota_http_eof(struct abota_http *p)
{
    if (p->err_)
        return p->err_;
    if (p->state_ == S_BODY_CLOSE)
        p->state_ = S_DONE;
    if (p->state_ == S_DONE)
        return 0;
    return fail(p, ABOTA_ERR_HTTP_TRUNCATED);
}

bool abota_http_headers_done(const struct abota_http *p)
{
    return p->err_ == 0 && p->state_ >= S_BODY_CL;
}

bool abota_http_done(const struct abota_http *p)
{
    return p->err_ == 0 && p->state_ == S_DONE;
}

uint32_t abota_http_body_seen(const struct abota_http *p)
{
    return p->body_seen_;
}
