/* http:// and https:// URLs: parse, resolve a redirect's Location, format. */
#include "abota/url.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abota/error.h"

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return lower((unsigned char)c) >= 'a' && lower((unsigned char)c) <= 'z';
}

static bool is_hex(char c)
{
    return is_digit(c) || (lower((unsigned char)c) >= 'a' && lower((unsigned char)c) <= 'f');
}

/* The length of "http://" or, with ABOTA_FEATURE_HTTPS, "https://" at the
 * start of s (the scheme in any case), 0 for anything else; *tls says
 * which. A mismatch stops at s's NUL at the latest. */
#if ABOTA_FEATURE_HTTPS
static size_t scheme_len(const char *s, bool *tls)
{
    static const char https[] = "https://";
    size_t i = 0;
    for (; i < 4; i++)
        if (lower((unsigned char)s[i]) != https[i])
            return 0;
    *tls = lower((unsigned char)s[i]) == 's';
    if (*tls)
        i++;
    for (size_t k = 5; k < 8; k++, i++)
        if (s[i] != https[k])
            return 0;
    return i;
}
#else
static size_t scheme_len(const char *s, bool *tls)
{
    static const char http[] = "http://";
    *tls = false;
    for (size_t i = 0; i < 7; i++)
        if (lower((unsigned char)s[i]) != http[i])
            return 0;
    return 7;
}
#endif

/* Dotted quad, four parts 0..255, no leading zeros (which some resolvers
 * read as octal). One pass: a part ends at a '.' or at the end. */
static bool valid_ipv4(const char *h, size_t n)
{
    unsigned parts = 0, v = 0, digits = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || h[i] == '.') {
            if (digits == 0)
                return false;
            parts++;
            v = 0;
            digits = 0;
        } else if (!is_digit(h[i]) || (digits > 0 && v == 0) ||
                   (v = v * 10u + (unsigned)(h[i] - '0')) > 255) {
            return false; /* not a digit, a digit after a leading 0, or > 255 */
        } else {
            digits++;
        }
    }
    return parts == 4;
}

/* RFC 4291 text form: up to eight groups of 1..4 hex digits, one "::" at
 * most, optionally ending in a dotted quad worth two groups. */
static bool valid_ipv6(const char *h, size_t n)
{
    size_t i = 0;
    int groups = 0;
    bool elided = false;
    if (n >= 2 && h[0] == ':' && h[1] == ':') {
        elided = true;
        i = 2;
    } else if (n >= 1 && h[0] == ':') {
        return false;
    }
    while (i < n) {
        size_t s = i;
        while (i < n && is_hex(h[i]) && i - s < 5)
            i++;
        if (i < n && h[i] == '.') {
            /* trailing IPv4 part */
            if (!valid_ipv4(h + s, n - s))
                return false;
            groups += 2;
            i = n;
            break;
        }
        if (i == s || i - s > 4)
            return false;
        groups++;
        if (i == n)
            break;
        if (h[i] != ':')
            return false;
        i++;
        if (i < n && h[i] == ':') {
            if (elided)
                return false;
            elided = true;
            i++;
        } else if (i == n) {
            return false; /* ends in a single ':' */
        }
    }
    return elided ? groups < 8 : groups == 8;
}

/* Labels of [A-Za-z0-9-], 1..63 bytes, no '-' at either end. A name whose
 * last label is all digits must be an IPv4 literal. */
static bool valid_hostname(const char *h, size_t n)
{
    size_t i = 0, label = 0;
    bool last_numeric = true;
    if (n == 0 || n > 253)
        return false;
    while (i <= n) {
        if (i == n || h[i] == '.') {
            if (label == 0 || label > 63 || h[i - 1] == '-')
                return false;
            if (i == n)
                break;
            label = 0;
            last_numeric = true;
            i++;
            continue;
        }
        char c = h[i];
        if (!is_alpha(c) && !is_digit(c) && c != '-')
            return false;
        if (c == '-' && label == 0)
            return false;
        if (!is_digit(c))
            last_numeric = false;
        label++;
        i++;
    }
    return last_numeric ? valid_ipv4(h, n) : true;
}

/* Stores the path (with query) s[0..n), dropping nothing: the caller cut
 * the fragment. An empty path becomes "/", a bare query gets one. */
static int set_path(struct abota_url *u, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return ABOTA_ERR_URL_SYNTAX;
    if (n == 0 || s[0] != '/')
        u->path[o++] = '/';
    if (n > sizeof u->path - 1 - o)
        return ABOTA_ERR_URL_TOO_LONG;
    memcpy(u->path + o, s, n);
    u->path[o + n] = '\0';
    return 0;
}

/* Parses "host[:port][/path][?query][#fragment]" (what follows "http://"
 * or "https://", as tls says) into out, which the caller zeroed. */
static int parse_authority_path(const char *s, bool tls, struct abota_url *out)
{
    if (ABOTA_FEATURE_HTTPS)
        out->tls = tls;
    size_t a = 0; /* the authority is s[0..a) */
    for (; s[a] && s[a] != '/' && s[a] != '?' && s[a] != '#'; a++)
        if (s[a] == '@')
            return ABOTA_ERR_URL_USERINFO;

    const char *h;
    size_t hn, i;
    if (a > 0 && s[0] == '[') {
        if (!ABOTA_FEATURE_IPV6)
            return ABOTA_ERR_URL_HOST; /* IPv6 literals are compiled out */
        for (i = 1; i < a && s[i] != ']'; i++)
            ;
        if (i == a)
            return ABOTA_ERR_URL_HOST;
        h = s + 1;
        hn = i - 1;
        if (!valid_ipv6(h, hn))
            return hn >= sizeof out->host ? ABOTA_ERR_URL_TOO_LONG : ABOTA_ERR_URL_HOST;
        out->host_is_ipv6 = true;
        i++;
    } else {
        for (i = 0; i < a && s[i] != ':'; i++)
            ;
        h = s;
        hn = i;
        if (hn >= sizeof out->host)
            return ABOTA_ERR_URL_TOO_LONG;
        if (!valid_hostname(h, hn))
            return ABOTA_ERR_URL_HOST;
    }
    if (hn >= sizeof out->host)
        return ABOTA_ERR_URL_TOO_LONG;
    for (size_t k = 0; k < hn; k++)
        out->host[k] = (char)lower((unsigned char)h[k]);
    out->host[hn] = '\0';

    out->port = abota_url_default_port(out);
    if (i < a) {
        /* i is at ':' (a bracketed host may be followed by junk) */
        if (s[i] != ':')
            return ABOTA_ERR_URL_HOST;
        i++;
        uint32_t port = 0;
        size_t digits = a - i;
        if (digits == 0 || digits > 5)
            return ABOTA_ERR_URL_PORT;
        for (; i < a; i++) {
            if (!is_digit(s[i]))
                return ABOTA_ERR_URL_PORT;
            port = port * 10u + (uint32_t)(s[i] - '0');
        }
        if (port == 0 || port > 65535u)
            return ABOTA_ERR_URL_PORT;
        out->port = (uint16_t)port;
        out->port_explicit = true;
    }

    const char *p = s + a;
    size_t pn = 0;
    while (p[pn] && p[pn] != '#')
        pn++;
    return set_path(out, p, pn);
}

int abota_url_parse(const char *url, struct abota_url *out)
{
    struct abota_url u;
    bool tls;
    if (!url || !out)
        return ABOTA_ERR_ARG;
    size_t n = scheme_len(url, &tls);
    if (!n)
        return ABOTA_ERR_URL_SCHEME;
    memset(&u, 0, sizeof u);
    int rc = parse_authority_path(url + n, tls, &u);
    if (rc < 0)
        return rc;
    *out = u;
    return 0;
}

#if ABOTA_FEATURE_REDIRECT
/* RFC 3986 5.2.4 on path[0..len) in place (the path starts with '/').
 * Returns the new length; output never grows, so no bound is needed. */
static size_t remove_dots(char *path, size_t len)
{
    size_t in = 0, out = 0;
    while (in < len) {
        /* path[in] == '/' here: look at the segment after it */
        size_t s = in + 1, e = s;
        while (e < len && path[e] != '/')
            e++;
        size_t seg = e - s;
        if (seg == 1 && path[s] == '.') {
            if (e == len)
                path[out++] = '/';
        } else if (seg == 2 && path[s] == '.' && path[s + 1] == '.') {
            while (out > 0 && path[out - 1] != '/')
                out--;
            if (out > 0)
                out--; /* and the '/' in front of it */
            if (e == len)
                path[out++] = '/';
        } else {
            memmove(path + out, path + in, e - in);
            out += e - in;
        }
        in = e;
    }
    if (out == 0)
        path[out++] = '/';
    return out;
}

/* Path length without its query. */
static size_t path_part(const char *p)
{
    size_t n = 0;
    while (p[n] && p[n] != '?')
        n++;
    return n;
}

static int normalize(struct abota_url *u)
{
    size_t n = path_part(u->path);
    size_t rest = strlen(u->path + n);
    size_t m = remove_dots(u->path, n);
    memmove(u->path + m, u->path + n, rest + 1);
    return 0;
}

int abota_url_resolve(const struct abota_url *base, const char *location, struct abota_url *out)
{
    struct abota_url u;
    int rc;
    if (!base || !location || !out)
        return ABOTA_ERR_ARG;

    /* a scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    size_t k = 0;
    if (is_alpha(location[0])) {
        while (is_alpha(location[k]) || is_digit(location[k]) || location[k] == '+' ||
               location[k] == '-' || location[k] == '.')
            k++;
        if (location[k] == ':') {
            bool tls;
            size_t n = scheme_len(location, &tls);
            if (!n)
                return ABOTA_ERR_URL_SCHEME;
            /* https -> http would hand the download to anyone on the path */
            if (ABOTA_FEATURE_HTTPS && base->tls && !tls)
                return ABOTA_ERR_HTTP_REDIRECT_INSECURE;
            memset(&u, 0, sizeof u);
            if ((rc = parse_authority_path(location + n, tls, &u)) < 0)
                return rc;
            normalize(&u);
            *out = u;
            return 0;
        }
    }
    if (location[0] == '/' && location[1] == '/') {
        memset(&u, 0, sizeof u);
        if ((rc = parse_authority_path(location + 2, base->tls, &u)) < 0)
            return rc;
        normalize(&u);
        *out = u;
        return 0;
    }

    u = *base;
    size_t ln = 0;
    while (location[ln] && location[ln] != '#')
        ln++;
    for (size_t i = 0; i < ln; i++)
        if ((unsigned char)location[i] < 0x20 || location[i] == 0x7F)
            return ABOTA_ERR_URL_SYNTAX;
    if (ln == 0) {
        /* same document */
        *out = u;
        return 0;
    }
    size_t keep; /* bytes of base's path kept in front of location */
    if (location[0] == '/') {
        keep = 0;
    } else if (location[0] == '?') {
        keep = path_part(u.path);
    } else {
        keep = path_part(u.path);
        while (keep > 0 && u.path[keep - 1] != '/')
            keep--;
    }
    if (ln > sizeof u.path - 1 - keep)
        return ABOTA_ERR_URL_TOO_LONG;
    memcpy(u.path + keep, location, ln);
    u.path[keep + ln] = '\0';
    if (u.path[0] != '/')
        return ABOTA_ERR_URL_SYNTAX; /* base path is always "/..." */
    normalize(&u);
    *out = u;
    return 0;
}
#endif

int abota_url_format(const struct abota_url *u, char *buf, size_t size)
{
    size_t n = 0, hn, pn;
    char port[6];
    size_t portn = 0;
    if (!u || (!buf && size))
        return ABOTA_ERR_ARG;
    bool tls = ABOTA_FEATURE_HTTPS && u->tls;
    size_t sn = tls ? 8u : 7u;
    hn = strlen(u->host);
    pn = strlen(u->path);
    if (u->port != abota_url_default_port(u)) {
        char tmp[5];
        unsigned v = u->port;
        size_t t = 0;
        do {
            tmp[t++] = (char)('0' + v % 10u);
            v /= 10u;
        } while (v);
        port[portn++] = ':';
        while (t)
            port[portn++] = tmp[--t];
    }
    size_t need = sn + hn + (u->host_is_ipv6 ? 2u : 0u) + portn + pn;
    if (need >= size)
        return ABOTA_ERR_NOSPACE;
    memcpy(buf, tls ? "https://" : "http://", sn);
    n = sn;
    if (u->host_is_ipv6)
        buf[n++] = '[';
    memcpy(buf + n, u->host, hn);
    n += hn;
    if (u->host_is_ipv6)
        buf[n++] = ']';
    memcpy(buf + n, port, portn);
    n += portn;
    memcpy(buf + n, u->path, pn);
    n += pn;
    buf[n] = '\0';
    return (int)n;
}
