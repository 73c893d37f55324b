/* Release manifests: a signed JSON document that names the current release
 * and the image for each slot (format: docs/MANIFEST.md).
 *
 *   {"signed":{"format":1,"version":"1.2.0","security_version":3,
 *              "rollout":25,"images":[{"slot":1,"url":"user1.bin",
 *              "length":301328,"sha256":"<64 hex>"}, ...]},
 *    "signature":"<128 hex: r || s>"}
 *
 * The signature (ECDSA P-256, the images' key, abota/sig.h) covers the
 * exact bytes of the "signed" object as they stand in the document, from
 * its '{' to its '}': no canonical JSON on either side.
 *
 * The reader is a pure function over the caller's buffer: no heap, no copy
 * of the document; the JSON tokens live on the stack for the call (16 bytes
 * each, ABOTA_MANIFEST_TOKENS_MAX of them). Strings are reported as spans
 * of the document. Parse, then verify, then use: nothing in a manifest that
 * did not verify may be acted on. Only with ABOTA_FEATURE_MANIFEST. */
#ifndef ABOTA_MANIFEST_H
#define ABOTA_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/config.h"
#include "abota/sha256.h"
#include "abota/sig.h"

#if ABOTA_FEATURE_MANIFEST

/* The one format this reader knows; any other "format" is refused. */
#define ABOTA_MANIFEST_FORMAT 1
/* One image per slot: 0 (either slot), 1 (user1), 2 (user2). */
#define ABOTA_MANIFEST_IMAGES_MAX 3
/* Objects and arrays nested deeper than this are refused (the top object is
 * level 1; format 1 itself uses 4). */
#define ABOTA_MANIFEST_DEPTH_MAX 8
/* "rollout" in hundredths of a percent: 10000 is everyone. */
#define ABOTA_MANIFEST_ROLLOUT_ALL 10000u

/* Bytes of the document: doc[off .. off + len). */
struct abota_manifest_span {
    uint16_t off;
    uint16_t len;
};

struct abota_manifest_image {
    uint8_t slot;                      /* ABOTA_SLOT_ANY, 1 or 2 */
    uint32_t length;                   /* bytes of the image file */
    uint8_t sha256[ABOTA_SHA256_SIZE]; /* SHA-256 of the image file */
    struct abota_manifest_span url;    /* relative to the manifest's URL, or absolute */
};

struct abota_manifest {
    struct abota_manifest_span signed_span; /* what the signature covers */
    uint8_t sig[ABOTA_SIG_P256_SIZE];       /* r || s */
    uint32_t version;                       /* packed (abota_version_pack) */
    uint32_t security_version;              /* 0 when absent */
    uint32_t min_version;                   /* packed; 0 when absent (any version) */
    uint16_t rollout;                       /* 0..10000 (hundredths of a percent) */
    uint32_t poll_interval;                 /* seconds; 0 when absent */
    struct abota_manifest_span report;      /* len 0 when absent */
    uint8_t nimages;
    struct abota_manifest_image images[ABOTA_MANIFEST_IMAGES_MAX];
};

/* Parses doc[0..len) into m (zeroed first). Checks, each with its own
 * error: len at most ABOTA_MANIFEST_MAX (ABOTA_ERR_MAN_TOO_LARGE); strict
 * JSON (_MAN_JSON; an unfinished document is _MAN_TRUNCATED); at most
 * ABOTA_MANIFEST_TOKENS_MAX tokens (_MAN_TOKENS) and
 * ABOTA_MANIFEST_DEPTH_MAX levels (_MAN_DEPTH); no key twice in any object
 * (_MAN_DUPLICATE); no escape in a key or in a string abota reads
 * (_MAN_STRING); then the fields (docs/MANIFEST.md): _MAN_MISSING, _TYPE,
 * _RANGE, _FORMAT, _VERSION, _HEX, _URL, _SLOT, _IMAGES. Unknown keys are
 * ignored wherever they are. ABOTA_ERR_ARG for NULL. */
int abota_manifest_parse(struct abota_manifest *m, const char *doc, size_t len);

/* Whether the parsed manifest m of doc[0..len) (the same bytes) was signed
 * by the holder of key: SHA-256 of the signed span, then
 * abota_sig_p256_verify. 0, ABOTA_ERR_MAN_SIGNATURE (another key, or a
 * signed byte changed), ABOTA_ERR_SIG_RANGE, ABOTA_ERR_SIG_KEY, or
 * ABOTA_ERR_ARG (NULL, or a span outside doc). */
int abota_manifest_verify(const struct abota_manifest *m, const char *doc, size_t len,
                          const uint8_t key[ABOTA_SIG_P256_KEY_SIZE]);

/* The image for a device about to write `slot` (1 or 2): that slot's entry,
 * else the slot-0 (either slot) entry. 0 with *out set;
 * ABOTA_ERR_MAN_NO_IMAGE when the manifest has neither;
 * ABOTA_ERR_SLOT_INVALID for a slot other than 1 or 2. */
int abota_manifest_pick(const struct abota_manifest *m, int slot,
                        const struct abota_manifest_image **out);

/* Whether the device with this id takes part in the rollout: true for
 * rollout 10000, false for 0, else for a stable share of ids: the first
 * two bytes of SHA-256(version as 4 big-endian bytes || id), read as a
 * big-endian number h, take part when h * 10000 < rollout * 65536. The
 * same id and release always give the same answer; raising rollout for a
 * release only adds devices; each release draws its own share. */
bool abota_manifest_in_rollout(const struct abota_manifest *m, const uint8_t *id,
                               size_t id_len);

/* Copies a span of doc into buf as a C string. Returns its length, or
 * ABOTA_ERR_NOSPACE when size is not more than the length (buf then holds
 * ""), ABOTA_ERR_ARG for NULL. */
int abota_manifest_copy(const char *doc, struct abota_manifest_span span, char *buf,
                        size_t size);

#endif /* ABOTA_FEATURE_MANIFEST */

#endif
