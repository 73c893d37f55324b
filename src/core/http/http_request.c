/* HTTP/1.x request builder: the bytes abota sends for a download.
 *
 * Example (url http://[fe80::1]:8080/fw/a b.bin, range from 4096):
 *   GET /fw/a%20b.bin HTTP/1.1\r\n
 *   Host: [fe80::1]:8080\r\n
 *   Accept: application/octet-stream\r\n
 *   Accept-Encoding: identity\r\n
 *   User-Agent: abota/0.1.0\r\n
 *   Range: bytes=4096-\r\n
 *   Connection: close\r\n
 *   \r\n */
#include "abota/http.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abota/error.h"
#include "abota/version.h"

/* Appends to buf while it fits; remembers an overflow instead of writing
 * past the end, so the caller checks once at the end. */
struct out {
    char *buf;
    size_t size;
    size_t len;
    bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || n > o->size - o->len) {
        o->full = true;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_u32(struct out *o, uint32_t v)
{
    char tmp[10];
    size_t t = sizeof tmp;
    do {
        tmp[--t] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    put(o, tmp + t, sizeof tmp - t);
}

static bool is_hex(uint8_t c)
{
    /* c | 0x20 folds 'A'..'F' onto 'a'..'f' and nothing else onto them */
    return (uint8_t)(c - '0') < 10u || (uint8_t)((c | 0x20u) - 'a') < 6u;
}

/* RFC 3986 unreserved and reserved characters, kept as they are: ALPHA,
 * DIGIT and -._~:/?[]@!$&'()*+,;= (one bit per ASCII code, bit c & 7 of
 * byte c >> 3). '#' is reserved but cannot appear in a request target, so
 * it is escaped. */
static bool keep_byte(uint8_t c)
{
    static const uint8_t keep[16] = {
        0x00, 0x00, 0x00, 0x00, 0xD2, 0xFF, 0xFF, 0xAF,
        0xFF, 0xFF, 0xFF, 0xAF, 0xFE, 0xFF, 0xFF, 0x47,
    };
    return c < 128 && ((keep[c >> 3] >> (c & 7u)) & 1u) != 0;
}

/* The path escaped: valid %XX kept, everything else outside keep_byte
 * (space, controls, '"', '<', '>', '\\', '^', '`', '{', '|', '}', '#',
 * non-ASCII bytes, a '%' not followed by two hex digits) as %XX. */
static void put_path(struct out *o, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    const uint8_t *p = (const uint8_t *)path;
    if (p[0] != '/')
        put(o, "/", 1);
    for (size_t i = 0; p[i]; i++) {
        uint8_t c = p[i];
        if (keep_byte(c) || (c == '%' && is_hex(p[i + 1]) && is_hex(p[i + 2]))) {
            put(o, (const char *)&p[i], 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15u]};
            put(o, e, 3);
        }
    }
}

/* A caller's header value must not smuggle in a line break or control. */
static bool safe_value(const char *v)
{
    for (const uint8_t *p = (const uint8_t *)v; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
            return false;
    return true;
}

int abota_http_request_build(const struct abota_http_request *rq, char *buf, size_t size)
{
    if (!rq || !rq->url || (!buf && size))
        return ABOTA_ERR_ARG;
    /* Conditional and range requests are compiled out (config.h). */
    if (!ABOTA_FEATURE_RESUME && (rq->has_range || rq->if_range || rq->if_none_match))
        return ABOTA_ERR_UNSUPPORTED;
    if ((rq->if_none_match && !safe_value(rq->if_none_match)) ||
        (rq->if_range && !safe_value(rq->if_range)))
        return ABOTA_ERR_ARG;
    const struct abota_url *u = rq->url;
    if (u->host[0] == '\0' || !safe_value(u->host))
        return ABOTA_ERR_ARG;

    struct out o = {buf, size, 0, false};
    puts_(&o, rq->head ? "HEAD " : "GET ");
    put_path(&o, u->path);
    puts_(&o, rq->http10 ? " HTTP/1.0\r\nHost: " : " HTTP/1.1\r\nHost: ");
    /* Brackets only with IPv6 literals compiled in (config.h). */
    if (ABOTA_FEATURE_IPV6 && u->host_is_ipv6)
        puts_(&o, "[");
    puts_(&o, u->host);
    if (ABOTA_FEATURE_IPV6 && u->host_is_ipv6)
        puts_(&o, "]");
    if (u->port != abota_url_default_port(u)) {
        puts_(&o, ":");
        put_u32(&o, u->port);
    }
    puts_(&o, "\r\nAccept: application/octet-stream\r\n"
              "Accept-Encoding: identity\r\n"
              "User-Agent: abota/" ABOTA_VERSION_STRING "\r\n");
    if (ABOTA_FEATURE_RESUME && rq->has_range) {
        puts_(&o, "Range: bytes=");
        put_u32(&o, rq->range_first);
        puts_(&o, "-\r\n");
        if (rq->if_range) {
            puts_(&o, "If-Range: ");
            puts_(&o, rq->if_range);
            puts_(&o, "\r\n");
        }
    }
    if (ABOTA_FEATURE_RESUME && rq->if_none_match) {
        puts_(&o, "If-None-Match: ");
        puts_(&o, rq->if_none_match);
        puts_(&o, "\r\n");
    }
    if (!rq->http10 && !rq->keep_alive)
        puts_(&o, "Connection: close\r\n");
    else if (rq->http10 && rq->keep_alive)
        puts_(&o, "Connection: keep-alive\r\n");
    puts_(&o, "\r\n");

    if (o.full) {
        if (size > 0)
            buf[0] = '\0';
        return ABOTA_ERR_NOSPACE;
    }
    if (o.len < size)
        buf[o.len] = '\0';
    return (int)o.len;
}
