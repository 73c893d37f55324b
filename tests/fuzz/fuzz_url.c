/* Fuzzes the URL parser, the redirect resolver, the formatter and the
 * request builder.
 *
 * Input: byte 0 holds flags for the request, byte 1 a buffer size; the rest
 * is up to four fields separated by '\n': a URL, a Location to resolve
 * against it, an If-None-Match value and an If-Range value. Properties:
 * - a parsed URL has a terminated host, a path starting with '/', a port;
 * - format then parse gives the same URL back (a round trip);
 * - resolve gives a URL with the same properties, also in place (out == base),
 *   and never an http:// one from an https:// base (no downgrade);
 * - format and the request builder never write past the size they are
 *   given, return NOSPACE exactly when the text does not fit, and a built
 *   request ends with the only blank line in it (no header injection). */
#include <stdbool.h>
#include <string.h>

#include "abota/error.h"
#include "abota/http.h"
#include "abota/url.h"
#include "fuzz.h"

#define FIELDS 4
#define TEXT_MAX 1024 /* more than any formatted URL or request can need */
#define CANARY 0xA5

static char *field_dup(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void check_url(const struct abota_url *u)
{
    FUZZ_CHECK(memchr(u->host, 0, sizeof u->host) != NULL);
    FUZZ_CHECK(memchr(u->path, 0, sizeof u->path) != NULL);
    FUZZ_CHECK(u->path[0] == '/');
    FUZZ_CHECK(u->port != 0);
    FUZZ_CHECK(u->port_explicit || u->port == abota_url_default_port(u));
    FUZZ_CHECK(ABOTA_FEATURE_HTTPS || !u->tls);
}

static bool same_url(const struct abota_url *a, const struct abota_url *b)
{
    return strcmp(a->host, b->host) == 0 && a->host_is_ipv6 == b->host_is_ipv6 &&
           a->tls == b->tls && a->port == b->port && strcmp(a->path, b->path) == 0;
}

/* Formats u into every buffer size around its length and checks the bounds;
 * then parses the text back. */
static void check_format(const struct abota_url *u)
{
    static char text[TEXT_MAX];
    char *small;
    int len = abota_url_format(u, text, sizeof text);
    struct abota_url back;
    FUZZ_CHECK(len > 0 && (size_t)len < sizeof text);
    FUZZ_CHECK(strlen(text) == (size_t)len);
    for (size_t size = 0; size <= (size_t)len + 1; size += (size < 8 || size >= (size_t)len - 2) ? 1 : 37) {
        small = malloc(size + 16);
        FUZZ_CHECK(small != NULL);
        memset(small, CANARY, size + 16);
        int r = abota_url_format(u, small, size);
        if (size > (size_t)len) {
            FUZZ_CHECK(r == len);
            FUZZ_CHECK(memcmp(small, text, (size_t)len + 1) == 0);
        } else {
            FUZZ_CHECK(r == ABOTA_ERR_NOSPACE);
        }
        for (size_t i = size; i < size + 16; i++)
            FUZZ_CHECK((uint8_t)small[i] == CANARY);
        free(small);
    }
    FUZZ_CHECK(abota_url_parse(text, &back) == 0);
    FUZZ_CHECK(same_url(u, &back));
}

static void check_request(const struct abota_url *u, uint8_t flags, size_t size,
                          const char *inm, const char *ifr)
{
    struct abota_http_request rq = {
        .url = u,
        .head = flags & 1,
        .http10 = (flags >> 1) & 1,
        .keep_alive = (flags >> 2) & 1,
        .has_range = (flags >> 3) & 1,
        .range_first = (uint32_t)flags * 0x01010101u,
        .if_none_match = (flags & 0x10) ? inm : NULL,
        .if_range = (flags & 0x20) ? ifr : NULL,
    };
    /* Room for any request these inputs make: the URL's fixed-size fields,
     * the fixed headers and both caller values, however long they are. */
    size_t room = 4 * TEXT_MAX + strlen(inm) + strlen(ifr);
    char *full = malloc(room);
    FUZZ_CHECK(full != NULL);
    int len = abota_http_request_build(&rq, full, room);
    if (len < 0) {
        FUZZ_CHECK(len == ABOTA_ERR_ARG); /* a control byte in a header value */
        free(full);
        return;
    }
    FUZZ_CHECK((size_t)len < room && strlen(full) == (size_t)len);
    FUZZ_CHECK(strncmp(full, rq.head ? "HEAD /" : "GET /", rq.head ? 6 : 5) == 0);
    FUZZ_CHECK(len >= 4 && strstr(full, "\r\n\r\n") == full + len - 4);
    for (int i = 0; i < len; i++) {
        /* CR only before LF, LF only after CR: no bare line breaks. */
        if (full[i] == '\r')
            FUZZ_CHECK(i + 1 < len && full[i + 1] == '\n');
        if (full[i] == '\n')
            FUZZ_CHECK(i > 0 && full[i - 1] == '\r');
    }

    /* A buffer of the size the input picks: NOSPACE or the same text. */
    char *buf = malloc(size + 16);
    FUZZ_CHECK(buf != NULL);
    memset(buf, CANARY, size + 16);
    int r = abota_http_request_build(&rq, buf, size);
    if (size >= (size_t)len) {
        /* Exactly len bytes fit: success, the NUL only when there is room. */
        FUZZ_CHECK(r == len && memcmp(buf, full, (size_t)len) == 0);
        FUZZ_CHECK(size == (size_t)len || buf[len] == '\0');
    } else {
        FUZZ_CHECK(r == ABOTA_ERR_NOSPACE);
        FUZZ_CHECK(size == 0 || buf[0] == '\0');
    }
    for (size_t i = size; i < size + 16; i++)
        FUZZ_CHECK((uint8_t)buf[i] == CANARY);
    free(buf);
    free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t flags = data[0];
    size_t bufsize = (size_t)data[1] * 2;
    char *field[FIELDS];
    const uint8_t *p = data + 2, *end = data + size;
    for (int i = 0; i < FIELDS; i++) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *stop = nl ? nl : end;
        field[i] = field_dup(p, (size_t)(stop - p));
        p = nl ? nl + 1 : end;
    }

    struct abota_url u, r, in_place;
    if (abota_url_parse(field[0], &u) == 0) {
        check_url(&u);
        check_format(&u);
        check_request(&u, flags, bufsize, field[2], field[3]);
        int rc = abota_url_resolve(&u, field[1], &r);
        in_place = u;
        FUZZ_CHECK(abota_url_resolve(&in_place, field[1], &in_place) == rc);
        if (rc == 0) {
            check_url(&r);
            FUZZ_CHECK(!u.tls || r.tls);
            FUZZ_CHECK(same_url(&r, &in_place));
            check_format(&r);
            check_request(&r, flags, bufsize, field[2], field[3]);
        }
    }
    for (int i = 0; i < FIELDS; i++)
        free(field[i]);
    return 0;
}
