/* The manifest's fields (docs/MANIFEST.md), read from the checked JSON
 * tokens (json.c) into struct abota_manifest: numbers and hex decoded,
 * strings left in the document as spans. */
#include <string.h>

#include "abota/config.h"

#if ABOTA_FEATURE_MANIFEST

#include "abota/error.h"
#include "abota/image.h"
#include "abota/manifest.h"
#include "json_priv.h"

/* The largest value of "length": the largest abota image. */
#define IMAGE_LENGTH_MAX (ABOTA_IMAGE_PAYLOAD_MAX + ABOTA_FOOTER_ALIGN + ABOTA_FOOTER_SIZE)
/* "X.Y.Z" at its longest: "v255.255.65535". */
#define VERSION_TEXT_MAX 14

static int tlen(const struct mjson *j, int i)
{
    return j->tok[i].end - j->tok[i].start;
}

static const char *text(const struct mjson *j, int i)
{
    return j->doc + j->tok[i].start;
}

/* A string value abota reads: no escape, so its bytes are its value. */
static int string_value(const struct mjson *j, int i)
{
    if (j->tok[i].type != JSMN_STRING)
        return ABOTA_ERR_MAN_TYPE;
    return mjson_has_escape(j, i) ? ABOTA_ERR_MAN_STRING : 0;
}

/* A whole number 0..max written as plain decimal digits (JSON allows no
 * leading zero; the walk checked that). A fraction or an exponent is the
 * wrong type, a sign or a value over max out of range. */
static int uint_value(const struct mjson *j, int i, uint32_t max, uint32_t *out)
{
    const char *p = text(j, i);
    int n = tlen(j, i);
    uint32_t v = 0;
    if (j->tok[i].type != JSMN_PRIMITIVE || !(p[0] == '-' || (p[0] >= '0' && p[0] <= '9')))
        return ABOTA_ERR_MAN_TYPE;
    for (int k = 0; k < n; k++)
        if (p[k] == '.' || p[k] == 'e' || p[k] == 'E')
            return ABOTA_ERR_MAN_TYPE;
    if (p[0] == '-')
        return ABOTA_ERR_MAN_RANGE;
    for (int k = 0; k < n; k++) {
        uint32_t d = (uint32_t)(p[k] - '0');
        if (v > (max - d) / 10u)
            return ABOTA_ERR_MAN_RANGE;
        v = v * 10u + d;
    }
    *out = v;
    return 0;
}

/* "rollout": a percentage 0..100 with at most two decimals ("12.5"),
 * kept in hundredths of a percent. */
static int rollout_value(const struct mjson *j, int i, uint16_t *out)
{
    const char *p = text(j, i);
    int n = tlen(j, i), k = 0;
    uint32_t v = 0;
    if (j->tok[i].type != JSMN_PRIMITIVE || !(p[0] == '-' || (p[0] >= '0' && p[0] <= '9')))
        return ABOTA_ERR_MAN_TYPE;
    for (int e = 0; e < n; e++)
        if (p[e] == 'e' || p[e] == 'E')
            return ABOTA_ERR_MAN_TYPE;
    if (p[0] == '-')
        return ABOTA_ERR_MAN_RANGE;
    for (; k < n && p[k] != '.'; k++) {
        v = v * 10u + (uint32_t)(p[k] - '0');
        if (v > 100u)
            return ABOTA_ERR_MAN_RANGE;
    }
    v *= 100u;
    if (k < n) {
        int decimals = n - k - 1; /* at least one: the walk checked the number */
        if (decimals > 2)
            return ABOTA_ERR_MAN_RANGE;
        v += (uint32_t)(p[k + 1] - '0') * 10u;
        if (decimals == 2)
            v += (uint32_t)(p[k + 2] - '0');
    }
    if (v > ABOTA_MANIFEST_ROLLOUT_ALL)
        return ABOTA_ERR_MAN_RANGE;
    *out = (uint16_t)v;
    return 0;
}

static int version_value(const struct mjson *j, int i, uint32_t *out)
{
    char buf[VERSION_TEXT_MAX + 1];
    int err = string_value(j, i);
    if (err < 0)
        return err;
    if (tlen(j, i) > VERSION_TEXT_MAX)
        return ABOTA_ERR_MAN_VERSION;
    memcpy(buf, text(j, i), (size_t)tlen(j, i));
    buf[tlen(j, i)] = '\0';
    return abota_version_parse(buf, out) < 0 ? ABOTA_ERR_MAN_VERSION : 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exactly 2 * n hex digits (either case) into out[n]. */
static int hex_value(const struct mjson *j, int i, uint8_t *out, size_t n)
{
    const char *p = text(j, i);
    int err = string_value(j, i);
    if (err < 0)
        return err;
    if ((size_t)tlen(j, i) != 2 * n)
        return ABOTA_ERR_MAN_HEX;
    for (size_t k = 0; k < n; k++) {
        int hi = hex_digit(p[2 * k]), lo = hex_digit(p[2 * k + 1]);
        if (hi < 0 || lo < 0)
            return ABOTA_ERR_MAN_HEX;
        out[k] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* A URL as written: non-empty and short enough for abota_url_parse and
 * abota_url_resolve (their buffers are ABOTA_URL_MAX with the NUL). Its
 * syntax is checked when it is used, against the manifest's own URL. */
static int url_value(const struct mjson *j, int i, struct abota_manifest_span *out)
{
    int err = string_value(j, i);
    if (err < 0)
        return err;
    if (tlen(j, i) == 0 || tlen(j, i) >= ABOTA_URL_MAX)
        return ABOTA_ERR_MAN_URL;
    out->off = (uint16_t)j->tok[i].start;
    out->len = (uint16_t)tlen(j, i);
    return 0;
}

/* Calls each key k of object o with its value k + 1, in order. */
#define FOR_EACH_MEMBER(j, o, k)                                                     \
    for (int k = (o) + 1, left_ = (j)->tok[o].size; left_ > 0;                       \
         left_--, k = mjson_skip((j), k + 1))

enum {
    SEEN_SLOT = 1u << 0,
    SEEN_URL = 1u << 1,
    SEEN_LENGTH = 1u << 2,
    SEEN_SHA256 = 1u << 3,
};

static int image(const struct mjson *j, int o, struct abota_manifest_image *img)
{
    unsigned seen = 0;
    uint32_t v;
    int err = 0;
    if (j->tok[o].type != JSMN_OBJECT)
        return ABOTA_ERR_MAN_TYPE;
    FOR_EACH_MEMBER(j, o, k) {
        if (mjson_is(j, k, "slot")) {
            if ((err = uint_value(j, k + 1, 0xFFFFFFFFu, &v)) == 0) {
                if (v > 2)
                    err = ABOTA_ERR_MAN_SLOT;
                img->slot = (uint8_t)v;
            }
            seen |= SEEN_SLOT;
        } else if (mjson_is(j, k, "url")) {
            err = url_value(j, k + 1, &img->url);
            seen |= SEEN_URL;
        } else if (mjson_is(j, k, "length")) {
            if ((err = uint_value(j, k + 1, IMAGE_LENGTH_MAX, &img->length)) == 0 &&
                img->length == 0)
                err = ABOTA_ERR_MAN_RANGE;
            seen |= SEEN_LENGTH;
        } else if (mjson_is(j, k, "sha256")) {
            err = hex_value(j, k + 1, img->sha256, sizeof img->sha256);
            seen |= SEEN_SHA256;
        }
        if (err < 0)
            return err;
    }
    return seen == (SEEN_SLOT | SEEN_URL | SEEN_LENGTH | SEEN_SHA256) ? 0 : ABOTA_ERR_MAN_MISSING;
}

static int images(const struct mjson *j, int a, struct abota_manifest *m)
{
    if (j->tok[a].type != JSMN_ARRAY)
        return ABOTA_ERR_MAN_TYPE;
    if (j->tok[a].size < 1 || j->tok[a].size > ABOTA_MANIFEST_IMAGES_MAX)
        return ABOTA_ERR_MAN_IMAGES;
    for (int e = a + 1, n = 0; n < j->tok[a].size; n++, e = mjson_skip(j, e)) {
        struct abota_manifest_image *img = &m->images[n];
        int err = image(j, e, img);
        if (err < 0)
            return err;
        for (int p = 0; p < n; p++)
            if (m->images[p].slot == img->slot)
                return ABOTA_ERR_MAN_SLOT;
        m->nimages = (uint8_t)(n + 1);
    }
    return 0;
}

enum {
    SEEN_FORMAT = 1u << 0,
    SEEN_VERSION = 1u << 1,
    SEEN_IMAGES = 1u << 2,
};

/* The "signed" object. "format" is read first wherever it stands, so a
 * document of a later format is refused as such, not for a field whose
 * meaning changed. */
static int signed_fields(const struct mjson *j, int o, struct abota_manifest *m)
{
    unsigned seen = 0;
    uint32_t v;
    int err = 0;
    if (j->tok[o].type != JSMN_OBJECT)
        return ABOTA_ERR_MAN_TYPE;
    FOR_EACH_MEMBER(j, o, k) {
        if (mjson_is(j, k, "format")) {
            if ((err = uint_value(j, k + 1, 0xFFFFFFFFu, &v)) == 0 && v != ABOTA_MANIFEST_FORMAT)
                err = ABOTA_ERR_MAN_FORMAT;
            if (err < 0)
                return err;
            seen |= SEEN_FORMAT;
        }
    }
    if (!(seen & SEEN_FORMAT))
        return ABOTA_ERR_MAN_MISSING;
    m->rollout = ABOTA_MANIFEST_ROLLOUT_ALL;
    FOR_EACH_MEMBER(j, o, k) {
        int val = k + 1;
        if (mjson_is(j, k, "version")) {
            err = version_value(j, val, &m->version);
            seen |= SEEN_VERSION;
        } else if (mjson_is(j, k, "security_version")) {
            err = uint_value(j, val, 0xFFFFFFFFu, &m->security_version);
        } else if (mjson_is(j, k, "min_version")) {
            err = version_value(j, val, &m->min_version);
        } else if (mjson_is(j, k, "rollout")) {
            err = rollout_value(j, val, &m->rollout);
        } else if (mjson_is(j, k, "poll_interval")) {
            if ((err = uint_value(j, val, 0xFFFFFFFFu, &m->poll_interval)) == 0 &&
                m->poll_interval == 0)
                err = ABOTA_ERR_MAN_RANGE;
        } else if (mjson_is(j, k, "report")) {
            err = url_value(j, val, &m->report);
        } else if (mjson_is(j, k, "images")) {
            err = images(j, val, m);
            seen |= SEEN_IMAGES;
        }
        if (err < 0)
            return err;
    }
    return (seen & (SEEN_VERSION | SEEN_IMAGES)) == (SEEN_VERSION | SEEN_IMAGES)
               ? 0
               : ABOTA_ERR_MAN_MISSING;
}

/* The top object: "signed" and "signature"; anything else is ignored. */
static int top(const struct mjson *j, struct abota_manifest *m)
{
    int signed_tok = -1, sig_tok = -1, err;
    if (j->tok[0].type != JSMN_OBJECT)
        return ABOTA_ERR_MAN_TYPE;
    FOR_EACH_MEMBER(j, 0, k) {
        if (mjson_is(j, k, "signed"))
            signed_tok = k + 1;
        else if (mjson_is(j, k, "signature"))
            sig_tok = k + 1;
    }
    if (signed_tok < 0 || sig_tok < 0)
        return ABOTA_ERR_MAN_MISSING;
    if ((err = signed_fields(j, signed_tok, m)) < 0)
        return err;
    if ((err = hex_value(j, sig_tok, m->sig, sizeof m->sig)) < 0)
        return err;
    m->signed_span.off = (uint16_t)j->tok[signed_tok].start;
    m->signed_span.len = (uint16_t)(j->tok[signed_tok].end - j->tok[signed_tok].start);
    return 0;
}

int abota_manifest_parse(struct abota_manifest *m, const char *doc, size_t len)
{
    jsmntok_t tok[ABOTA_MANIFEST_TOKENS_MAX];
    struct mjson j;
    if (!m || !doc)
        return ABOTA_ERR_ARG;
    memset(m, 0, sizeof *m);
    if (len > ABOTA_MANIFEST_MAX)
        return ABOTA_ERR_MAN_TOO_LARGE;
    int err = mjson_parse(&j, doc, len, tok, ABOTA_MANIFEST_TOKENS_MAX);
    if (err == 0)
        err = top(&j, m);
    if (err < 0)
        memset(m, 0, sizeof *m);
    return err;
}

#endif /* ABOTA_FEATURE_MANIFEST */
