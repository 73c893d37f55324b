/* A manifest poll (abota/poll.h): fetch the manifest (fetch_doc.c, on the
 * engine's exchange), then judge what it says for the running image. The
 * decision uses only what the signature covers, and nothing here writes
 * the flash: the download is abota_update_run's, bound to the release by
 * cfg.expect. */
#include "abota/config.h"

#if ABOTA_FEATURE_POLL

#include <string.h>

#include "abota/error.h"
#include "abota/poll.h"
#include "update_priv.h"

int abota_poll_init(struct abota_poll *p, const struct abota_poll_config *cfg,
                    struct abota_update *u, char *doc, size_t doc_size)
{
    if (!p || !cfg || !cfg->url || !cfg->sign_key || !u || !u->buf || !doc || doc_size == 0 ||
        doc_size > UINT16_MAX || (cfg->device_id_len && !cfg->device_id) ||
        (cfg->policy != ABOTA_POLL_NEWER && cfg->policy != ABOTA_POLL_DIFFERENT))
        return ABOTA_ERR_ARG;
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->u = u;
    p->doc = doc;
    p->doc_size = doc_size;
    p->interval_s = ABOTA_POLL_INTERVAL_DEFAULT;
    return 0;
}

/* What the verified manifest m says for the running image (order: docs/
 * MANIFEST.md, "What a polling device checks"). */
static int judge(const struct abota_poll *p, const struct abota_manifest *m, uint32_t running,
                 uint32_t security)
{
    bool take = p->cfg.policy == ABOTA_POLL_DIFFERENT ? m->version != running
                                                      : m->version > running;
    if (!take)
        return ABOTA_POLL_NOTHING_NEW;
    if (running < m->min_version)
        return ABOTA_ERR_MAN_MIN_VERSION;
    if (!abota_manifest_in_rollout(m, p->cfg.device_id, p->cfg.device_id_len))
        return ABOTA_POLL_NOT_IN_ROLLOUT;
    if (m->security_version < security)
        return ABOTA_ERR_MAN_SECURITY;
    return ABOTA_POLL_UPDATE;
}

/* Doubles every '%' of the NUL-terminated s in place (the engine's URL is
 * a template where "%%" is one '%'), within size bytes. */
static int escape_template(char *s, size_t size)
{
    size_t n = strlen(s), extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += s[i] == '%';
    if (n + extra >= size)
        return ABOTA_ERR_NOSPACE;
    s[n + extra] = '\0';
    for (size_t i = n; i-- > 0;) {
        s[i + extra] = s[i];
        if (s[i] == '%')
            s[i + --extra] = '%';
    }
    return 0;
}

/* The image for the target slot: its URL resolved against the manifest's
 * (after redirects: the URL the manifest came from), and its release. */
static int take_image(struct abota_poll *p, int target, char *image_url, size_t url_cap)
{
    const struct abota_manifest *m = &p->manifest;
    const struct abota_manifest_image *img;
    int r = abota_manifest_pick(m, target, &img);
    if (r < 0)
        return r;
    r = abota_manifest_copy(p->doc, img->url, image_url, url_cap);
    if (r < 0)
        return r;
    /* The state's URL is the document's; the engine's run replaces it. */
    struct abota_url *url = &upd_state(p->u)->url;
    r = abota_url_resolve(url, image_url, url);
    if (r >= 0)
        r = abota_url_format(url, image_url, url_cap);
    if (r >= 0)
        r = escape_template(image_url, url_cap);
    if (r < 0) {
        image_url[0] = '\0'; /* nothing half-made for cfg.url */
        return r;
    }
    p->expect = (struct abota_update_expect){
        .version = m->version,
        .security = m->security_version,
        .length = img->length,
    };
    return ABOTA_POLL_UPDATE;
}

/* Keeps the ETag of a manifest found to hold nothing to do for this running
 * image, so the next poll asks If-None-Match (the http parser drops an ETag
 * too long for the field: then nothing is kept). */
static void keep_etag(struct abota_poll *p, int slot, uint32_t running)
{
    const char *etag = upd_cstate(p->u)->http.resp.etag;
    memcpy(p->etag_, etag, sizeof p->etag_);
    p->etag_slot_ = slot;
    p->etag_version_ = running;
}

/* The ETag to send: only for the same running image. */
static const char *etag_for(const struct abota_poll *p, int slot, uint32_t running)
{
    return p->etag_[0] && p->etag_slot_ == slot && p->etag_version_ == running ? p->etag_
                                                                                : NULL;
}

/* Reads the manifest fetched into the buffer: parse, verify. */
static int read_manifest(struct abota_poll *p)
{
    struct abota_manifest *m = &p->manifest;
    int r = abota_manifest_parse(m, p->doc, p->doc_len);
    if (r >= 0)
        r = abota_manifest_verify(m, p->doc, p->doc_len, p->cfg.sign_key);
    if (r < 0) {
        memset(m, 0, sizeof *m); /* nothing unverified stays for the caller */
        return r;
    }
    p->interval_s = m->poll_interval ? m->poll_interval : ABOTA_POLL_INTERVAL_DEFAULT;
    return 0;
}

int abota_poll_check(struct abota_poll *p, int running_slot, uint32_t running_version,
                     uint32_t running_security, char *image_url, size_t url_cap)
{
    if (!p || !p->u || !image_url || url_cap == 0)
        return ABOTA_ERR_ARG;
    int target = abota_slot_other(running_slot);
    if (target == 0)
        return ABOTA_ERR_SLOT_INVALID;
    image_url[0] = '\0';
    struct abota_update *u = p->u;
    struct upd_state *s = upd_state(u);
    s->start_ms = u->clock->now_ms(u->clock->ctx); /* the deadline bounds the poll */
    int r = abota_url_parse(p->cfg.url, &s->url);
    if (r < 0)
        return r;
    const char *etag = etag_for(p, running_slot, running_version);
    r = upd_fetch_doc(u, etag, (uint8_t *)p->doc, p->doc_size, &p->doc_len);
    /* 304: the kept ETag still names the manifest judged before. Only an
     * answer to If-None-Match may be 304. */
    if (r == UPD_NOT_MODIFIED)
        return etag ? ABOTA_POLL_UNCHANGED : ABOTA_ERR_MAN_NOT_MODIFIED;
    p->etag_[0] = '\0';
    if (r < 0)
        return r;
    if (r != UPD_GOT_DOC)
        return ABOTA_ERR_STATE;
    r = read_manifest(p);
    if (r < 0)
        return r;
    r = judge(p, &p->manifest, running_version, running_security);
    if (r == ABOTA_POLL_NOTHING_NEW || r == ABOTA_POLL_NOT_IN_ROLLOUT)
        keep_etag(p, running_slot, running_version);
    if (r != ABOTA_POLL_UPDATE)
        return r;
    return take_image(p, target, image_url, url_cap);
}

uint32_t abota_poll_next_delay_ms(const struct abota_poll *p, uint32_t random)
{
    uint32_t s = p && p->interval_s ? p->interval_s : ABOTA_POLL_INTERVAL_DEFAULT;
    uint32_t ms = s > UINT32_MAX / 1000u ? UINT32_MAX : s * 1000u;
    uint32_t lo = ms - ms / 10u, span = ms / 5u; /* -10 % .. +10 % */
    uint32_t d = lo + (span < UINT32_MAX ? random % (span + 1u) : random);
    return d < lo ? UINT32_MAX : d; /* 32-bit: no 64-bit division on small CPUs */
}

#endif /* ABOTA_FEATURE_POLL */
