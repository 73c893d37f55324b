/* abota serve: request heads, byte ranges, entity tags and HTTP dates.
 * Pure functions over buffers; nothing here touches the OS except the C
 * library's time conversions. Every byte of a request is untrusted. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "serve.h"

bool serve_str_eq(struct serve_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static struct serve_str trim(struct serve_str s)
{
    while (s.n && is_ows(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_ows(s.p[s.n - 1]))
        s.n--;
    return s;
}

long serve_http_frame(const char *buf, size_t len, struct serve_scan *s)
{
    for (; s->pos < len; s->pos++) {
        unsigned char b = (unsigned char)buf[s->pos];
        /* A request line starts with a method, a visible token. Anything
         * else at once is not HTTP (a TLS ClientHello starts with 0x16):
         * refused now rather than after the idle timeout. */
        if (!s->hdr_start && s->pos == s->line_start && b != '\r' && b != '\n' &&
            (b < 0x21 || b > 0x7E))
            return -400;
        if (b != '\n')
            continue;
        size_t end = s->pos;
        if (end > s->line_start && buf[end - 1] == '\r')
            end--;
        size_t line_len = end - s->line_start;
        if (!s->hdr_start) {
            if (line_len > SERVE_LINE_MAX)
                return -414;
            /* Empty lines before the request line are skipped (RFC 9112 2.2),
             * at most SERVE_LINE_MAX bytes of them. Checked here, at each
             * line, so the answer does not depend on how the bytes were split
             * across calls. */
            if (line_len)
                s->hdr_start = s->pos + 1;
            else if (s->pos + 1 > SERVE_LINE_MAX)
                return -400;
        } else {
            if (s->pos + 1 - s->hdr_start > SERVE_HEADERS_MAX)
                return -431;
            if (!line_len) {
                s->pos++;
                return (long)s->pos;
            }
            if (++s->lines > SERVE_HEADER_LINES_MAX)
                return -431;
        }
        s->line_start = s->pos + 1;
    }
    if (!s->hdr_start) {
        if (len - s->line_start > SERVE_LINE_MAX + 1)
            return -414;
    } else if (len - s->hdr_start > SERVE_HEADERS_MAX) {
        return -431;
    }
    return 0;
}

/* Splits off the next line of buf[*i, len): returns it without CR LF. */
static struct serve_str next_line(const char *buf, size_t len, size_t *i)
{
    struct serve_str l = {buf + *i, 0};
    const char *nl = memchr(buf + *i, '\n', len - *i);
    size_t end = nl ? (size_t)(nl - buf) : len;
    l.n = end - *i;
    if (l.n && l.p[l.n - 1] == '\r')
        l.n--;
    *i = nl ? end + 1 : len;
    return l;
}

static size_t token_len(struct serve_str s)
{
    size_t n = 0;
    while (n < s.n && is_tchar((unsigned char)s.p[n]))
        n++;
    return n;
}

/* Connection: a comma-separated list of tokens. */
static void parse_connection(struct serve_str v, bool *close, bool *keep)
{
    size_t i = 0;
    while (i < v.n) {
        size_t j = i;
        while (j < v.n && v.p[j] != ',')
            j++;
        struct serve_str t = trim((struct serve_str){v.p + i, j - i});
        if (serve_str_eq(t, "close"))
            *close = true;
        else if (serve_str_eq(t, "keep-alive"))
            *keep = true;
        i = j + 1;
    }
}

static int parse_request_line(struct serve_str l, struct serve_req *r)
{
    size_t n = token_len(l);
    r->method = (struct serve_str){l.p, n};
    if (!n || n >= l.n || l.p[n] != ' ')
        return 400;
    size_t t = n + 1, te = t;
    while (te < l.n && (unsigned char)l.p[te] > 0x20 && l.p[te] != 0x7f)
        te++;
    r->target = (struct serve_str){l.p + t, te - t};
    if (te == t || te >= l.n || l.p[te] != ' ')
        return 400;
    r->version = (struct serve_str){l.p + te + 1, l.n - te - 1};
    const char *v = r->version.p;
    if (r->version.n != 8 || memcmp(v, "HTTP/", 5) || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
        v[7] < '0' || v[7] > '9')
        return 400;
    if (v[5] != '1')
        return 505;
    r->minor = v[7] == '0' ? 0 : 1;
    if (serve_str_eq(r->method, "GET") && !memcmp(r->method.p, "GET", 3))
        r->meth = SERVE_GET;
    else if (serve_str_eq(r->method, "HEAD") && !memcmp(r->method.p, "HEAD", 4))
        r->meth = SERVE_HEAD;
    else
        r->meth = SERVE_OTHER;
    return 0;
}

int serve_http_parse(const char *buf, size_t len, struct serve_req *r)
{
    memset(r, 0, sizeof(*r));
    /* Skip the empty lines ("\n" or "\r\n") framing skipped, and only
     * those: a line of bare CRs was the request line there, and was held
     * to SERVE_LINE_MAX as one; the next line was held only to the header
     * limit. */
    size_t i = 0;
    while (i < len && (buf[i] == '\n' || (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')))
        i += buf[i] == '\r' ? 2 : 1;
    int st = parse_request_line(next_line(buf, len, &i), r);
    if (st)
        return st;

    bool close = false, keep = false;
    unsigned hosts = 0;
    while (i < len) {
        struct serve_str l = next_line(buf, len, &i);
        if (!l.n)
            break;
        if (is_ows(l.p[0])) /* obsolete line folding */
            return 400;
        size_t n = token_len(l);
        if (!n || n >= l.n || l.p[n] != ':')
            return 400;
        struct serve_str name = {l.p, n};
        struct serve_str v = trim((struct serve_str){l.p + n + 1, l.n - n - 1});
        for (size_t k = 0; k < v.n; k++) {
            unsigned char c = (unsigned char)v.p[k];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return 400;
        }
        if (serve_str_eq(name, "host")) {
            r->host = v;
            hosts++;
        } else if (serve_str_eq(name, "connection")) {
            parse_connection(v, &close, &keep);
        } else if (serve_str_eq(name, "content-length")) {
            if (!v.n)
                return 400;
            for (size_t k = 0; k < v.n; k++) {
                if (v.p[k] < '0' || v.p[k] > '9')
                    return 400;
                if (v.p[k] != '0')
                    r->has_body = true;
            }
        } else if (serve_str_eq(name, "transfer-encoding")) {
            r->has_body = true;
        } else if (serve_str_eq(name, "range")) {
            r->range = v;
            r->n_range++;
        } else if (serve_str_eq(name, "if-range")) {
            r->if_range = v;
        } else if (serve_str_eq(name, "if-none-match")) {
            r->if_none_match = v;
        } else if (serve_str_eq(name, "if-modified-since")) {
            r->if_modified_since = v;
        } else if (serve_str_eq(name, "if-match")) {
            r->if_match = v;
        } else if (serve_str_eq(name, "if-unmodified-since")) {
            r->if_unmodified_since = v;
        } else if (serve_str_eq(name, "user-agent")) {
            r->user_agent = v;
        } else if (serve_str_eq(name, "referer")) {
            r->referer = v;
        }
    }
    /* RFC 9112 3.2: a 1.1 request without exactly one Host is a 400. */
    if (hosts > 1 || (r->minor == 1 && hosts == 0))
        return 400;
    r->keep_alive = !close && (r->minor == 1 || keep) && !r->has_body;
    return 0;
}

/* Decimal digits in s[*i..], saturating at UINT64_MAX. False when none. */
static bool parse_u64(struct serve_str s, size_t *i, uint64_t *out)
{
    uint64_t v = 0;
    size_t start = *i;
    for (; *i < s.n && s.p[*i] >= '0' && s.p[*i] <= '9'; (*i)++) {
        unsigned d = (unsigned)(s.p[*i] - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return *i > start;
}

enum serve_range serve_http_range(struct serve_str v, uint64_t size, uint64_t *first,
                                  uint64_t *last)
{
    v = trim(v);
    if (v.n < 6 || strncasecmp(v.p, "bytes=", 6))
        return SERVE_RANGE_NONE; /* other units are ignored */
    struct serve_str set = trim((struct serve_str){v.p + 6, v.n - 6});
    if (memchr(set.p, ',', set.n))
        return SERVE_RANGE_NONE; /* several ranges: answered with the whole file */
    size_t i = 0;
    uint64_t a, b;
    if (set.n && set.p[0] == '-') {
        i = 1;
        if (!parse_u64(set, &i, &b) || i != set.n)
            return SERVE_RANGE_NONE;
        if (b == 0 || size == 0)
            return SERVE_RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return SERVE_RANGE_OK;
    }
    if (!parse_u64(set, &i, &a) || i >= set.n || set.p[i] != '-')
        return SERVE_RANGE_NONE;
    i++;
    bool has_b = parse_u64(set, &i, &b);
    if (i != set.n || (has_b && b < a))
        return SERVE_RANGE_NONE; /* invalid: ignored, like nginx */
    if (a >= size)
        return SERVE_RANGE_UNSATISFIABLE;
    *first = a;
    *last = !has_b || b >= size ? size - 1 : b;
    return SERVE_RANGE_OK;
}

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void serve_http_date_fmt(time_t t, char out[30])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
        memcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT", 30);
        return;
    }
    /* gmtime_r range-checks every field, so the text is exactly 29 bytes;
     * the modulos only let the compiler see that too. */
    snprintf(out, 30, "%s, %02u %s %04u %02u:%02u:%02u GMT", wdays[tm.tm_wday % 7],
             (unsigned)tm.tm_mday % 100u, months[tm.tm_mon % 12],
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)tm.tm_hour % 100u,
             (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

bool serve_http_date_parse(struct serve_str v, time_t *out)
{
    static const char *const formats[] = {
        "%a, %d %b %Y %H:%M:%S GMT", /* IMF-fixdate */
        "%A, %d-%b-%y %H:%M:%S GMT", /* RFC 850 */
        "%a %b %e %H:%M:%S %Y",      /* asctime */
    };
    char s[64];
    v = trim(v);
    if (!v.n || v.n >= sizeof(s) || memchr(v.p, '\0', v.n))
        return false;
    memcpy(s, v.p, v.n);
    s[v.n] = '\0';
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        const char *end = strptime(s, formats[k], &tm);
        if (end && *end == '\0') {
            *out = timegm(&tm);
            return true;
        }
    }
    return false;
}

bool serve_http_etag_match(struct serve_str list, const char *etag, bool weak)
{
    size_t i = 0, elen = strlen(etag);
    list = trim(list);
    if (serve_str_eq(list, "*"))
        return true;
    while (i < list.n) {
        while (i < list.n && (is_ows(list.p[i]) || list.p[i] == ','))
            i++;
        if (i >= list.n)
            break;
        bool is_weak = false;
        if (list.n - i >= 2 && list.p[i] == 'W' && list.p[i + 1] == '/') {
            is_weak = true;
            i += 2;
        }
        if (i >= list.n || list.p[i] != '"')
            return false; /* malformed list: nothing matches */
        const char *q = memchr(list.p + i + 1, '"', list.n - i - 1);
        if (!q)
            return false;
        size_t tlen = (size_t)(q - (list.p + i)) + 1;
        if ((weak || !is_weak) && tlen == elen && !memcmp(list.p + i, etag, elen))
            return true;
        i += tlen;
    }
    return false;
}
