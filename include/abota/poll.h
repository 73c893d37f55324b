/* Active updates: poll a signed release manifest (abota/manifest.h,
 * docs/MANIFEST.md) and update only when it says so.
 *
 *   GET manifest (If-None-Match: last ETag) -> 304: unchanged, nothing else
 *     -> 200: parse, verify the signature -> newer? min_version? rollout?
 *        security version? -> the image for the other slot, its URL
 *        resolved against the manifest's -> ABOTA_POLL_UPDATE
 *
 * then abota_update_run with cfg.url = the image URL and cfg.expect = the
 * release (abota_poll_expect), which binds the image to the manifest.
 *
 * The poll travels on an initialised struct abota_update: its net port,
 * clock, receive buffer, timeouts and deadline, and its event callback;
 * between runs, so a poll never disturbs a download. It never touches the
 * flash. No heap: the caller allocates the struct and the document buffer
 * (ABOTA_MANIFEST_MAX bytes), statically if it likes. Only with
 * ABOTA_FEATURE_POLL (config.h). docs/UPDATE.md, "Active updates". */
#ifndef ABOTA_POLL_H
#define ABOTA_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "abota/config.h"

#if ABOTA_FEATURE_POLL

#include "abota/http.h"
#include "abota/manifest.h"
#include "abota/update.h"

/* What a manifest version must be to be taken. */
enum abota_poll_policy {
    ABOTA_POLL_NEWER = 0,  /* above the running version (default) */
    ABOTA_POLL_DIFFERENT,  /* any other version; an older one also needs the
                            * engine's cfg.allow_downgrade, and never goes
                            * below the running security version */
};

/* What abota_poll_check found (> 0), besides the negative errors. */
enum abota_poll_result {
    ABOTA_POLL_UPDATE = 1,      /* download the image: image_url, abota_poll_expect */
    ABOTA_POLL_NOTHING_NEW,     /* the manifest names no release to take (policy) */
    ABOTA_POLL_UNCHANGED,       /* 304: the manifest is the one already judged */
    ABOTA_POLL_NOT_IN_ROLLOUT,  /* a release this device is not among the takers of */
};

struct abota_poll_config {
    const char *url;                /* the manifest's http(s) URL */
    /* The vendor's public key (ABOTA_SIG_P256_KEY_SIZE bytes, X || Y):
     * required, no manifest is taken unsigned. */
    const uint8_t *sign_key;
    const uint8_t *device_id;       /* the rollout's id (MAC, chip id); may be NULL */
    size_t device_id_len;
    enum abota_poll_policy policy;
};

struct abota_poll {
    /* set with abota_poll_init */
    struct abota_poll_config cfg;
    struct abota_update *u;         /* the transport */
    char *doc;                      /* the caller's document buffer */
    size_t doc_size;
    /* results of the last check that read a manifest which verified */
    size_t doc_len;
    struct abota_manifest manifest; /* spans into doc */
    struct abota_update_expect expect;
    uint32_t interval_s;            /* poll_interval, or ABOTA_POLL_INTERVAL_DEFAULT */
    /* private: the ETag of a manifest judged "nothing to do", and for what */
    uint32_t etag_version_;
    int etag_slot_;
    char etag_[ABOTA_HTTP_ETAG_MAX];
};

/* Prepares p. u must be initialised (abota_update_init) and outlive p;
 * cfg's strings and bytes too. doc holds doc_size bytes (1 .. 65535;
 * ABOTA_MANIFEST_MAX is what the reader takes). ABOTA_ERR_ARG for NULLs,
 * no sign key, an unknown policy. */
int abota_poll_init(struct abota_poll *p, const struct abota_poll_config *cfg,
                    struct abota_update *u, char *doc, size_t doc_size);

/* Polls once for a device running running_version (packed) with security
 * version running_security from running_slot. Returns:
 * - ABOTA_POLL_UPDATE: image_url (url_cap bytes) holds the image's URL for
 *   the other slot, ready as cfg.url of the engine ('%' written "%%"), and
 *   abota_poll_expect(p) the release it must be;
 * - ABOTA_POLL_UNCHANGED: the server answered 304 to If-None-Match with the
 *   ETag of a manifest an earlier check found nothing to do in (for the
 *   same running version and slot): nothing was parsed or verified;
 * - ABOTA_POLL_NOTHING_NEW, ABOTA_POLL_NOT_IN_ROLLOUT;
 * - an error: the exchange's (network, HTTP status, ABOTA_ERR_MAN_TOO_LARGE
 *   for a body over doc_size), the reader's (abota_manifest_parse), the
 *   signature's (ABOTA_ERR_MAN_SIGNATURE), ABOTA_ERR_MAN_MIN_VERSION,
 *   ABOTA_ERR_MAN_SECURITY, ABOTA_ERR_MAN_NO_IMAGE, a URL's, or
 *   ABOTA_ERR_NOSPACE (url_cap).
 * Checks in this order: signature, version (policy), min_version, rollout,
 * security version, the image for the slot. Only "nothing to do" answers
 * keep the ETag: an update or a refusal is judged again at the next poll. */
int abota_poll_check(struct abota_poll *p, int running_slot, uint32_t running_version,
                     uint32_t running_security, char *image_url, size_t url_cap);

/* The release the image must be after ABOTA_POLL_UPDATE: for cfg.expect. */
static inline const struct abota_update_expect *abota_poll_expect(const struct abota_poll *p)
{
    return &p->expect;
}

/* Milliseconds until the next poll: the manifest's poll_interval (or
 * ABOTA_POLL_INTERVAL_DEFAULT) plus or minus 10 %, drawn with random (the
 * caller's randomness), so a fleet does not ask all at once. At most
 * UINT32_MAX. */
uint32_t abota_poll_next_delay_ms(const struct abota_poll *p, uint32_t random);

#endif /* ABOTA_FEATURE_POLL */

#endif
