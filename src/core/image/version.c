/* Firmware versions: "X.Y.Z" <-> (major << 24 | minor << 16 | patch). */
#include <stdbool.h>

#include "abota/error.h"
#include "abota/image.h"

#define VERSION_MAJOR_MAX 255u
#define VERSION_MINOR_MAX 255u
#define VERSION_PATCH_MAX 65535u

uint32_t abota_version_pack(unsigned major, unsigned minor, unsigned patch)
{
    /* Out-of-range parts are cut to their field so one part can never spill
     * into its neighbour; abota_version_parse refuses them before this. */
    return ((uint32_t)(major & 0xFFu) << 24) | ((uint32_t)(minor & 0xFFu) << 16) |
           (uint32_t)(patch & 0xFFFFu);
}

/* Reads one decimal part at *s into *out, at most max. Digits only, no sign,
 * no leading zero (so "1.02.3" is refused, as semantic versioning does).
 * Stops as soon as the value passes max, so a long digit string cannot
 * overflow. Returns the position after the digits, or NULL. */
static const char *parse_part(const char *s, unsigned max, unsigned *out)
{
    unsigned v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return NULL;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return NULL;
    while (*p >= '0' && *p <= '9') {
        v = v * 10u + (unsigned)(*p - '0');
        if (v > max)
            return NULL;
        p++;
    }
    *out = v;
    return p;
}

/* Semantic versioning's dot-separated identifiers in [s, end): each
 * non-empty, of [0-9A-Za-z-]. */
static bool identifiers(const char *s, const char *end)
{
    bool empty = true;
    for (; s < end; s++) {
        char c = *s;
        if (c == '.') {
            if (empty)
                return false;
            empty = true;
        } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   c == '-') {
            empty = false;
        } else {
            return false;
        }
    }
    return !empty;
}

/* What may follow X.Y.Z: nothing, or build metadata ("+build.5"), which
 * semantic versioning leaves out of every comparison, so it is accepted and
 * not kept. A pre-release ("-rc.1", maybe with build metadata after it)
 * orders below X.Y.Z, which the packed version has no room for: refused
 * with its own error. */
static int suffix(const char *s)
{
    const char *end = s;
    while (*end)
        end++;
    const char *plus = s;
    while (plus < end && *plus != '+')
        plus++;
    bool build_ok = plus == end || identifiers(plus + 1, end);
    if (plus == s && build_ok)
        return 0;
    if (*s == '-' && identifiers(s + 1, plus) && build_ok)
        return ABOTA_ERR_IMG_VERSION_PRERELEASE;
    return ABOTA_ERR_IMG_VERSION;
}

int abota_version_parse(const char *s, uint32_t *out)
{
    unsigned major, minor, patch;
    if (!s || !out)
        return ABOTA_ERR_ARG;
    if (*s == 'v')
        s++;
    s = parse_part(s, VERSION_MAJOR_MAX, &major);
    if (!s || *s++ != '.')
        return ABOTA_ERR_IMG_VERSION;
    s = parse_part(s, VERSION_MINOR_MAX, &minor);
    if (!s || *s++ != '.')
        return ABOTA_ERR_IMG_VERSION;
    s = parse_part(s, VERSION_PATCH_MAX, &patch);
    if (!s)
        return ABOTA_ERR_IMG_VERSION;
    int rc = suffix(s);
    if (rc < 0)
        return rc;
    *out = abota_version_pack(major, minor, patch);
    return 0;
}

/* Writes v in decimal at buf[pos..]; returns the new position or 0 when the
 * digits (and the NUL that must follow) do not fit. */
static size_t put_dec(char *buf, size_t size, size_t pos, unsigned v)
{
    char tmp[5];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && n < sizeof tmp);
    if (pos >= size || n >= size - pos)
        return 0;
    while (n)
        buf[pos++] = tmp[--n];
    return pos;
}

int abota_version_format(uint32_t v, char *buf, size_t size)
{
    size_t pos;
    if (!buf)
        return ABOTA_ERR_ARG;
    pos = put_dec(buf, size, 0, (unsigned)(v >> 24));
    if (pos == 0 || size - pos < 2)
        return ABOTA_ERR_NOSPACE;
    buf[pos++] = '.';
    pos = put_dec(buf, size, pos, (unsigned)((v >> 16) & 0xFFu));
    if (pos == 0 || size - pos < 2)
        return ABOTA_ERR_NOSPACE;
    buf[pos++] = '.';
    pos = put_dec(buf, size, pos, (unsigned)(v & 0xFFFFu));
    if (pos == 0)
        return ABOTA_ERR_NOSPACE;
    buf[pos] = '\0';
    return (int)pos;
}
