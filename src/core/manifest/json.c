/* Strict JSON for the manifest reader: jsmn finds the tokens, then every
 * byte between them is checked against RFC 8259's grammar (json_priv.h). */
#include <string.h>

#include "abota/config.h"

#if ABOTA_FEATURE_MANIFEST

/* jsmn, compiled into this file only: static functions, strict primitives
 * (numbers, true, false, null; never a key). */
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "abota/error.h"
#include "abota/manifest.h"
#include "json_priv.h"

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const struct mjson *j, size_t pos)
{
    while (pos < j->len && is_ws(j->doc[pos]))
        pos++;
    return pos;
}

static bool at(const struct mjson *j, size_t pos, char c)
{
    return pos < j->len && j->doc[pos] == c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* p[0..n) is true, false, null or a JSON number:
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool literal_ok(const char *p, size_t n)
{
    size_t i = 0;
    if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) ||
        (n == 4 && !memcmp(p, "null", 4)))
        return true;
    if (i < n && p[i] == '-')
        i++;
    if (i < n && p[i] == '0')
        i++;
    else if (i < n && is_digit(p[i]))
        while (i < n && is_digit(p[i]))
            i++;
    else
        return false;
    if (i < n && p[i] == '.') {
        if (++i >= n || !is_digit(p[i]))
            return false;
        while (i < n && is_digit(p[i]))
            i++;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        if (++i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        if (i >= n || !is_digit(p[i]))
            return false;
        while (i < n && is_digit(p[i]))
            i++;
    }
    return i == n;
}

/* A string token that starts at pos (its quote): no raw control byte
 * (RFC 8259 wants them escaped; jsmn lets them through). */
static int check_string(const struct mjson *j, const jsmntok_t *t, size_t pos)
{
    if (!at(j, pos, '"') || (size_t)t->start != pos + 1 || t->end < t->start)
        return ABOTA_ERR_MAN_JSON;
    for (int k = t->start; k < t->end; k++)
        if ((unsigned char)j->doc[k] < 0x20)
            return ABOTA_ERR_MAN_JSON;
    return 0;
}

bool mjson_has_escape(const struct mjson *j, int i)
{
    const jsmntok_t *t = &j->tok[i];
    return memchr(j->doc + t->start, '\\', (size_t)(t->end - t->start)) != NULL;
}

bool mjson_is(const struct mjson *j, int i, const char *name)
{
    const jsmntok_t *t = &j->tok[i];
    size_t n = strlen(name);
    return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
           !memcmp(j->doc + t->start, name, n);
}

int mjson_skip(const struct mjson *j, int i)
{
    int m = i + 1;
    while (m < j->ntok && j->tok[m].start < j->tok[i].end)
        m++;
    return m;
}

/* Key token k of object o, at pos: a string with one value, no escape
 * (so that two spellings of one key cannot pass as two keys, and the
 * bytes are the key), not a key the object already has. */
static int check_key(const struct mjson *j, int o, int k, size_t pos)
{
    const jsmntok_t *t = &j->tok[k];
    if (t->type != JSMN_STRING || t->size != 1)
        return ABOTA_ERR_MAN_JSON;
    int err = check_string(j, t, pos);
    if (err < 0)
        return err;
    if (mjson_has_escape(j, k))
        return ABOTA_ERR_MAN_STRING;
    size_t n = (size_t)(t->end - t->start);
    for (int e = o + 1; e < k; e = mjson_skip(j, e + 1)) {
        const jsmntok_t *u = &j->tok[e];
        if ((size_t)(u->end - u->start) == n && !memcmp(j->doc + u->start, j->doc + t->start, n))
            return ABOTA_ERR_MAN_DUPLICATE;
    }
    return 0;
}

/* A scalar value (token i at pos) or the opening of a container, pushed
 * on stack. Returns the position after it, or an error. */
struct level {
    int tok;  /* the object or array */
    int left; /* members still to come */
};

static int value(const struct mjson *j, int i, size_t *pos, struct level *stack, int *depth)
{
    const jsmntok_t *t = &j->tok[i];
    int err;
    switch (t->type) {
    case JSMN_STRING:
        if (t->size != 0)
            return ABOTA_ERR_MAN_JSON;
        if ((err = check_string(j, t, *pos)) < 0)
            return err;
        *pos = (size_t)t->end + 1;
        return 0;
    case JSMN_PRIMITIVE:
        if ((size_t)t->start != *pos || t->size != 0 || t->end <= t->start ||
            !literal_ok(j->doc + t->start, (size_t)(t->end - t->start)))
            return ABOTA_ERR_MAN_JSON;
        *pos = (size_t)t->end;
        return 0;
    case JSMN_OBJECT:
    case JSMN_ARRAY:
        if ((size_t)t->start != *pos || t->size < 0)
            return ABOTA_ERR_MAN_JSON;
        if (*depth == ABOTA_MANIFEST_DEPTH_MAX)
            return ABOTA_ERR_MAN_DEPTH;
        stack[*depth].tok = i;
        stack[*depth].left = t->size;
        (*depth)++;
        *pos += 1;
        return 0;
    default:
        return ABOTA_ERR_MAN_JSON;
    }
}

/* Walks the tokens in document order against the bytes: each value where
 * the grammar puts it, commas and colons between, only whitespace
 * elsewhere, nothing after the top value. */
static int walk(const struct mjson *j)
{
    struct level stack[ABOTA_MANIFEST_DEPTH_MAX];
    int depth = 0, i = 0, err;
    size_t pos = skip_ws(j, 0);
    for (;;) {
        if (i >= j->ntok)
            return ABOTA_ERR_MAN_JSON;
        if ((err = value(j, i++, &pos, stack, &depth)) < 0)
            return err;
        /* Close finished containers; then a separator and the next member. */
        for (;;) {
            if (depth == 0)
                goto done;
            struct level *l = &stack[depth - 1];
            const jsmntok_t *c = &j->tok[l->tok];
            bool obj = c->type == JSMN_OBJECT;
            pos = skip_ws(j, pos);
            if (l->left == 0) {
                if (!at(j, pos, obj ? '}' : ']') || (size_t)c->end != pos + 1)
                    return ABOTA_ERR_MAN_JSON;
                pos++;
                depth--;
                continue;
            }
            if (l->left != c->size) {
                if (!at(j, pos, ','))
                    return ABOTA_ERR_MAN_JSON;
                pos = skip_ws(j, pos + 1);
            }
            l->left--;
            if (obj) {
                if (i >= j->ntok)
                    return ABOTA_ERR_MAN_JSON;
                if ((err = check_key(j, l->tok, i, pos)) < 0)
                    return err;
                pos = skip_ws(j, (size_t)j->tok[i].end + 1);
                if (!at(j, pos, ':'))
                    return ABOTA_ERR_MAN_JSON;
                pos = skip_ws(j, pos + 1);
                i++;
            }
            break;
        }
    }
done:
    if (skip_ws(j, pos) != j->len || i != j->ntok)
        return ABOTA_ERR_MAN_JSON;
    return 0;
}

int mjson_parse(struct mjson *j, const char *doc, size_t len, jsmntok_t *tok, unsigned max)
{
    jsmn_parser p;
    j->doc = doc;
    j->len = len;
    j->tok = tok;
    j->ntok = 0;
    /* jsmn stops at a NUL as at the end: it would hide the rest. */
    if (memchr(doc, '\0', len))
        return ABOTA_ERR_MAN_JSON;
    if (skip_ws(j, 0) == len)
        return ABOTA_ERR_MAN_TRUNCATED;
    jsmn_init(&p);
    int n = jsmn_parse(&p, doc, len, tok, max);
    if (n == JSMN_ERROR_NOMEM)
        return ABOTA_ERR_MAN_TOKENS;
    if (n == JSMN_ERROR_PART)
        return ABOTA_ERR_MAN_TRUNCATED;
    if (n <= 0)
        return ABOTA_ERR_MAN_JSON;
    j->ntok = n;
    return walk(j);
}

#endif /* ABOTA_FEATURE_MANIFEST */
