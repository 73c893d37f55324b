/* Strict JSON over jsmn's tokens, for the manifest reader (json.c).
 *
 * jsmn (Debian libjsmn-dev, header-only, no heap) finds the tokens; it is
 * lenient about what lies between them (missing or extra commas, a key
 * without a value, "tru" as a literal). json.c walks every byte of the
 * document against the tokens so that only RFC 8259 JSON passes: what
 * this reader accepts, every other JSON reader reads the same way. */
#ifndef ABOTA_MANIFEST_JSON_PRIV_H
#define ABOTA_MANIFEST_JSON_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* Only the token type: jsmn's functions are compiled into json.c alone. */
#ifndef JSMN_H
#define JSMN_HEADER
#include <jsmn.h>
#endif

struct mjson {
    const char *doc;
    size_t len;
    const jsmntok_t *tok;
    int ntok;
};

/* Tokenizes doc[0..len) into tok[max] and checks it: strict JSON with an
 * object at the top, at most ABOTA_MANIFEST_DEPTH_MAX levels, no NUL, no
 * control byte in a string, no escape in a key, no key twice in an object.
 * Fills j. Returns 0 or ABOTA_ERR_MAN_JSON, _TRUNCATED, _TOKENS, _DEPTH,
 * _STRING, _DUPLICATE. */
int mjson_parse(struct mjson *j, const char *doc, size_t len, jsmntok_t *tok, unsigned max);

/* The index of the token after token i and everything inside it. */
int mjson_skip(const struct mjson *j, int i);

/* Whether string token i is exactly name. */
bool mjson_is(const struct mjson *j, int i, const char *name);

/* Whether string token i holds a backslash (an escape). */
bool mjson_has_escape(const struct mjson *j, int i);

#endif
