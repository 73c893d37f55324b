/* Using a parsed manifest: its signature, the image for a slot, the
 * rollout decision (docs/MANIFEST.md). */
#include <string.h>

#include "abota/config.h"

#if ABOTA_FEATURE_MANIFEST

#include "abota/error.h"
#include "abota/layout.h"
#include "abota/manifest.h"

static bool span_inside(struct abota_manifest_span s, size_t len)
{
    return s.off <= len && s.len <= len - s.off;
}

int abota_manifest_verify(const struct abota_manifest *m, const char *doc, size_t len,
                          const uint8_t key[ABOTA_SIG_P256_KEY_SIZE])
{
    uint8_t digest[ABOTA_SHA256_SIZE];
    if (!m || !doc || !key || m->signed_span.len == 0 || !span_inside(m->signed_span, len))
        return ABOTA_ERR_ARG;
    abota_sha256(doc + m->signed_span.off, m->signed_span.len, digest);
    int err = abota_sig_p256_verify(key, digest, m->sig);
    return err == ABOTA_ERR_SIG_INVALID ? ABOTA_ERR_MAN_SIGNATURE : err;
}

int abota_manifest_pick(const struct abota_manifest *m, int slot,
                        const struct abota_manifest_image **out)
{
    const struct abota_manifest_image *any = NULL;
    if (!m || !out)
        return ABOTA_ERR_ARG;
    if (slot != ABOTA_SLOT_1 && slot != ABOTA_SLOT_2)
        return ABOTA_ERR_SLOT_INVALID;
    for (unsigned i = 0; i < m->nimages && i < ABOTA_MANIFEST_IMAGES_MAX; i++) {
        if (m->images[i].slot == slot) {
            *out = &m->images[i];
            return 0;
        }
        if (m->images[i].slot == ABOTA_SLOT_ANY)
            any = &m->images[i];
    }
    if (!any)
        return ABOTA_ERR_MAN_NO_IMAGE;
    *out = any;
    return 0;
}

bool abota_manifest_in_rollout(const struct abota_manifest *m, const uint8_t *id,
                               size_t id_len)
{
    struct abota_sha256 sha;
    uint8_t h[ABOTA_SHA256_SIZE], v[4];
    if (!m || m->rollout == 0)
        return false;
    if (m->rollout >= ABOTA_MANIFEST_ROLLOUT_ALL)
        return true;
    /* Salted with the release, so the first devices differ from release
     * to release; 16 bits of the hash resolve 1/65536, finer than the
     * rollout's 1/10000, in 32-bit arithmetic. */
    v[0] = (uint8_t)(m->version >> 24);
    v[1] = (uint8_t)(m->version >> 16);
    v[2] = (uint8_t)(m->version >> 8);
    v[3] = (uint8_t)m->version;
    abota_sha256_init(&sha);
    abota_sha256_update(&sha, v, sizeof v);
    if (id && id_len)
        abota_sha256_update(&sha, id, id_len);
    abota_sha256_finish(&sha, h);
    uint32_t bucket = (uint32_t)h[0] << 8 | h[1];
    return bucket * ABOTA_MANIFEST_ROLLOUT_ALL < (uint32_t)m->rollout * 65536u;
}

int abota_manifest_copy(const char *doc, struct abota_manifest_span span, char *buf,
                        size_t size)
{
    if (!doc || !buf)
        return ABOTA_ERR_ARG;
    if (size <= span.len) {
        if (size)
            buf[0] = '\0';
        return ABOTA_ERR_NOSPACE;
    }
    memcpy(buf, doc + span.off, span.len);
    buf[span.len] = '\0';
    return span.len;
}

#endif /* ABOTA_FEATURE_MANIFEST */
