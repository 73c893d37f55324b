/* One request of the update engine and what its answer means: follows
 * redirects, reads the status and headers, and chooses where the body
 * goes: the slot writer (the image, from the start or resumed), or the
 * footer buffer (the probe's 206). The exchange itself (network, parser)
 * is exchange.c's; the progress journal is kept here, next to the writer
 * it describes.
 *
 * A resumed download is one more request: "Range: bytes=<written>-" with
 * If-Range on the image's validator; only a 206 whose Content-Range starts
 * exactly there and has the original total continues the slot writer, a
 * 200 starts the writer over from 0, anything else is refused (never
 * spliced). */
#include <stdbool.h>
#include <string.h>

#include "abota/error.h"
#include "update_priv.h"

#define GO_ON UPD_GO_ON /* the sink goes on: receive (more of) the body */
#define REDIRECTED 1001

#define PROGRESS_STEP_UNKNOWN 4096u /* PROGRESS interval when the size is unknown */

#if ABOTA_HTTP_DATE_MAX > ABOTA_HTTP_ETAG_MAX
#error "the validator holds a Last-Modified date too: ABOTA_HTTP_DATE_MAX must not exceed ABOTA_HTTP_ETAG_MAX"
#endif

/* The written count at which the next PROGRESS is due: steps of
 * total / 100 + 1 bytes when the size is known (at most 100 events before
 * the final one, about one per percent), else of 4 KiB. */
static uint32_t next_progress(const struct upd_state *s, uint32_t done)
{
    uint32_t step = s->total ? s->total / 100u + 1u : PROGRESS_STEP_UNKNOWN;
    return done > UINT32_MAX - step ? UINT32_MAX : done + step;
}

static void progress(struct abota_update *u, bool final)
{
    struct upd_state *s = upd_state(u);
    uint32_t done = abota_slot_written(&s->writer);
    if (done == s->last_progress || (!final && done < s->next_progress))
        return;
    s->last_progress = done;
    s->next_progress = next_progress(s, done);
    upd_emit(u, ABOTA_EV_PROGRESS, done, s->total, 0, NULL);
}

#if ABOTA_FEATURE_CONTENT_TYPE
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The media type of a Content-Type value: without parameters and the
 * blanks around it. */
static const char *media_type(const char *s, size_t *len)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = 0;
    while (s[n] && s[n] != ';')
        n++;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

static bool content_type_ok(const char *want, const char *got)
{
    size_t wn, gn;
    want = media_type(want, &wn);
    if (wn == 0)
        return true; /* configured "": any type */
    got = media_type(got, &gn);
    if (gn == 0)
        return true; /* none sent: HTTP allows it, verification decides */
    if (wn != gn)
        return false;
    for (size_t i = 0; i < wn; i++)
        if (lower(want[i]) != lower(got[i]))
            return false;
    return true;
}

/* The response's Content-Type is the one configured, or there is none. */
static bool content_type_accepted(const struct abota_update *u, const struct abota_http_resp *resp)
{
    return content_type_ok(u->cfg.content_type, resp->content_type);
}

static const char *content_type_of(const struct abota_http_resp *resp)
{
    return resp->content_type[0] ? resp->content_type : NULL;
}
#else
static bool content_type_accepted(const struct abota_update *u, const struct abota_http_resp *resp)
{
    (void)u;
    (void)resp;
    return true; /* any type (config.h) */
}

static const char *content_type_of(const struct abota_http_resp *resp)
{
    (void)resp;
    return NULL; /* not kept (config.h) */
}
#endif

#if ABOTA_FEATURE_MANIFEST
/* A length announced before any erase (0: none) fits the release a
 * manifest named (cfg.expect), if any. */
static bool length_expected(const struct abota_update *u, uint32_t total)
{
    return !u->cfg.expect || !total || total == u->cfg.expect->length;
}
#else
static bool length_expected(const struct abota_update *u, uint32_t total)
{
    (void)u;
    (void)total;
    return true; /* no release to match (abota_update_init refuses one) */
}
#endif

/* The whole body is in: the slot's image, or the probe's footer. */
static int finished(struct abota_update *u)
{
    struct upd_state *s = upd_state(u);
    if (s->sink == UPD_SINK_SLOT) {
        progress(u, true);
        return UPD_GOT_IMAGE;
    }
    if (ABOTA_FEATURE_FOOTER_PROBE && s->sink == UPD_SINK_FOOTER)
        return UPD_GOT_FOOTER;
    return ABOTA_ERR_STATE;
}

#if ABOTA_FEATURE_RESUME
static uint32_t slot_size(const struct abota_update *u)
{
    return abota_layout_slot(u->layout, u->target_slot)->size;
}

/* 206 to the footer probe. When it is not exactly the image's last 256
 * bytes there is nothing to learn: stop (probe_len stays 0). */
static int probe_headers(struct abota_update *u, const struct abota_http_resp *resp)
{
    struct upd_state *s = upd_state(u);
    if (!resp->has_content_range || resp->range_total == ABOTA_HTTP_RANGE_TOTAL_UNKNOWN)
        return UPD_GOT_FOOTER;
    s->total = resp->range_total;
    if (s->total > slot_size(u))
        return ABOTA_ERR_SLOT_TOO_BIG;
    if (resp->range_first > resp->range_last || resp->range_last >= resp->range_total ||
        resp->range_last + 1u != resp->range_total ||
        resp->range_last - resp->range_first != ABOTA_FOOTER_SIZE - 1u)
        return UPD_GOT_FOOTER;
    s->sink = UPD_SINK_FOOTER;
    return GO_ON;
}

/* Keeps what identifies this version of the image for If-Range: a strong
 * ETag (a weak one may not be used for ranges), else Last-Modified; none
 * when the server sends neither. */
static void take_validator(struct abota_update *u, const struct abota_http_resp *resp)
{
    struct upd_state *s = upd_state(u);
    const char *v = NULL;
    s->validator_kind = ABOTA_JOURNAL_VAL_NONE;
    s->validator[0] = '\0';
    if (resp->etag[0] && !(resp->etag[0] == 'W' && resp->etag[1] == '/')) {
        v = resp->etag;
        s->validator_kind = ABOTA_JOURNAL_VAL_ETAG;
    } else if (resp->last_modified[0]) {
        v = resp->last_modified;
        s->validator_kind = ABOTA_JOURNAL_VAL_DATE;
    }
    if (!v)
        return;
    size_t n = strlen(v);
    if (n >= sizeof s->validator) { /* cannot happen: the fields are no longer */
        s->validator_kind = ABOTA_JOURNAL_VAL_NONE;
        return;
    }
    memcpy(s->validator, v, n + 1);
}

/* A fresh download began: its journal starts (the validator names it). */
static void journal_start(struct abota_update *u, const struct abota_http_resp *resp)
{
    struct upd_state *s = upd_state(u);
    take_validator(u, resp);
    struct abota_journal_download d = {
        .slot = (uint8_t)u->target_slot,
        .validator_kind = s->validator_kind,
        .total = s->total,
        .url_crc = s->url_crc,
        .validator = s->validator,
        .validator_size = sizeof s->validator,
    };
    upd_journal_warn(u, abota_journal_start(&s->journal, u->flash, u->layout, &d));
}

/* The response's validator, when it sent one of the kind kept, must be the
 * one the download started with. */
static bool same_validator(const struct upd_state *s, const struct abota_http_resp *resp)
{
    if (s->validator_kind == ABOTA_JOURNAL_VAL_ETAG && resp->etag[0])
        return strcmp(resp->etag, s->validator) == 0;
    if (s->validator_kind == ABOTA_JOURNAL_VAL_DATE && resp->last_modified[0])
        return strcmp(resp->last_modified, s->validator) == 0;
    return true;
}

/* 206 to a resume request: the rest of the same image, from exactly the
 * first byte the slot lacks, to the end. Anything else is not spliced. */
static int resume_headers(struct abota_update *u, const struct abota_http_resp *resp)
{
    struct upd_state *s = upd_state(u);
    uint32_t total = resp->range_total;
    if (!resp->has_content_range || total == ABOTA_HTTP_RANGE_TOTAL_UNKNOWN ||
        resp->range_first != s->range_from || resp->range_first > resp->range_last ||
        resp->range_last >= total || resp->range_last != total - 1u ||
        (s->total != 0 && total != s->total) || !same_validator(s, resp))
        return ABOTA_ERR_HTTP_RANGE_MISMATCH;
    if (total > slot_size(u))
        return ABOTA_ERR_SLOT_TOO_BIG;
    /* Before anything more is erased (a resume from the journal is the
     * first write of this run): no write when the record is right. */
    int r = abota_boot_prepare_update(u->flash, u->layout, u->running_slot);
    if (r < 0)
        return r;
    /* A download that began without a size (chunked, or until the close)
     * learns it here. */
    s->total = total;
    s->sink = UPD_SINK_SLOT;
    s->next_progress = next_progress(s, abota_slot_written(&s->writer));
    upd_emit(u, ABOTA_EV_RESUMED, s->range_from, total, 0, NULL);
    return GO_ON;
}

/* 416 to a resume request asked from the very end: the slot already holds
 * it all (the drop came after the last body byte, before the end of the
 * message). */
static int resume_complete(struct abota_update *u, const struct abota_http_resp *resp)
{
    struct upd_state *s = upd_state(u);
    if (resp->range_total != s->range_from || s->range_from == 0 ||
        (s->total != 0 && s->total != s->range_from))
        return ABOTA_ERR_HTTP_RANGE_MISMATCH;
    int r = abota_boot_prepare_update(u->flash, u->layout, u->running_slot);
    if (r < 0)
        return r;
    s->sink = UPD_SINK_SLOT;
    return finished(u);
}

/* The resume request: the rest from where the slot stopped, if the image
 * is still the one the validator names. */
static void ask_rest(const struct abota_update *u, struct abota_http_request *rq)
{
    const struct upd_state *s = upd_cstate(u);
    rq->has_range = true;
    rq->range_first = s->range_from;
    rq->if_range = s->validator_kind != ABOTA_JOURNAL_VAL_NONE ? s->validator : NULL;
}

/* 206: the footer probe's answer, or a resume's. */
static int partial_content(struct abota_update *u, enum upd_ask ask,
                           const struct abota_http_resp *resp)
{
    if (ABOTA_FEATURE_FOOTER_PROBE && ask == UPD_ASK_FOOTER)
        return probe_headers(u, resp);
    return resume_headers(u, resp);
}
#else
static void ask_rest(const struct abota_update *u, struct abota_http_request *rq)
{
    (void)u;
    (void)rq; /* never asked: no resume */
}

static void journal_start(struct abota_update *u, const struct abota_http_resp *resp)
{
    (void)u;
    (void)resp;
}

static int resume_complete(struct abota_update *u, const struct abota_http_resp *resp)
{
    (void)u;
    (void)resp;
    return ABOTA_ERR_HTTP_STATUS; /* never asked for a range */
}

static int partial_content(struct abota_update *u, enum upd_ask ask,
                           const struct abota_http_resp *resp)
{
    (void)u;
    (void)ask;
    (void)resp;
    return ABOTA_ERR_HTTP_STATUS; /* never asked for a range */
}
#endif

/* 200: the whole image, whatever was asked. To a resume request it means
 * the server ignores Range or the image changed (If-Range did not match):
 * the download starts over from 0. */
static int whole_image(struct abota_update *u, enum upd_ask ask,
                       const struct abota_http_resp *resp)
{
    struct upd_state *s = upd_state(u);
    if (ABOTA_FEATURE_RESUME && ask == UPD_ASK_RESUME)
        upd_emit(u, ABOTA_EV_WARNING, abota_slot_written(&s->writer), 0, ABOTA_ERR_UP_RESTART,
                 NULL);
    upd_set_partial(u, false);
    /* Chunked, or neither (the body ends at the close, RFC 9112 6.3): the
     * size is unknown, only the slot's end bounds it, and the image, which
     * describes itself, is judged by verification. The parser refuses a
     * Content-Length next to chunked. */
    s->total = resp->has_content_length ? resp->content_length : 0;
    /* An image of another length than a manifest named: before any erase. */
    if (!length_expected(u, s->total))
        return ABOTA_ERR_MAN_IMG_LENGTH;
    /* An image larger than the slot is ABOTA_ERR_SLOT_TOO_BIG from
     * abota_slot_begin, before anything is erased. Before the first erase
     * the record stops vouching for the target slot. */
    int r = abota_boot_prepare_update(u->flash, u->layout, u->running_slot);
    if (r < 0)
        return r;
    r = abota_slot_begin(&s->writer, u->flash, u->layout, u->target_slot, u->running_slot,
                         s->total);
    if (r < 0)
        return r;
    s->sink = UPD_SINK_SLOT;
    s->last_progress = 0;
    s->next_progress = next_progress(s, 0);
    journal_start(u, resp);
    upd_emit(u, ABOTA_EV_HEADERS, 0, s->total, 0, NULL);
    return GO_ON;
}

/* Keeps Retry-After (delta seconds only; a date or none leaves the
 * back-off to the engine). */
#if ABOTA_FEATURE_RETRY
static void reset_retry_after(struct abota_update *u)
{
    upd_state(u)->retry_after_ms = UINT32_MAX;
}

static void take_retry_after(struct abota_update *u, const struct abota_http_resp *resp)
{
    uint32_t ra = resp->retry_after;
    if (ra <= ABOTA_HTTP_RETRY_AFTER_MAX)
        upd_state(u)->retry_after_ms = ra > UINT32_MAX / 1000u ? UINT32_MAX - 1u : ra * 1000u;
}
#else
static void reset_retry_after(struct abota_update *u)
{
    (void)u;
}

static void take_retry_after(struct abota_update *u, const struct abota_http_resp *resp)
{
    (void)u;
    (void)resp;
}
#endif

/* What the status and media type say of the response: 0 when it is taken
 * (an image, a probe's answer, a redirect, the end of a resumed download),
 * else why not. */
static int response_refusal(struct abota_update *u, enum upd_ask ask,
                            const struct abota_http_resp *resp)
{
    int st = resp->status;
    if (st == 301 || st == 302 || st == 303 || st == 307 || st == 308)
        return ABOTA_FEATURE_REDIRECT ? 0 : ABOTA_ERR_UNSUPPORTED;
    if (st == 404)
        return ABOTA_ERR_HTTP_NOT_FOUND;
    if ((st >= 500 && st <= 599) || st == 429) {
        take_retry_after(u, resp);
        return st == 429 ? ABOTA_ERR_UP_RATE_LIMITED : ABOTA_ERR_HTTP_SERVER_ERROR;
    }
    if (ABOTA_FEATURE_RESUME && st == 416 && ask == UPD_ASK_RESUME)
        return 0;
    /* 206 answers only a Range request (probe or resume) */
    if (st != 200 && !(ABOTA_FEATURE_RESUME && st == 206 && ask != UPD_ASK_IMAGE))
        return ABOTA_ERR_HTTP_STATUS;
    if (!content_type_accepted(u, resp))
        return ABOTA_ERR_HTTP_CONTENT_TYPE;
    return 0;
}

/* The response headers decide: redirect, error, probe answer or image. A
 * refusal is told with what the server sent (status, media type), which the
 * error alone cannot say. */
static int on_headers(struct abota_update *u, enum upd_ask ask)
{
    const struct abota_http_resp *resp = &upd_state(u)->http.resp;
    int err = response_refusal(u, ask, resp);
    if (err) {
        upd_emit(u, ABOTA_EV_RESPONSE_REFUSED, (uint32_t)resp->status, 0, err,
                 content_type_of(resp));
        return err;
    }
    int st = resp->status;
    if (st >= 300 && st <= 399)
        return REDIRECTED;
    if (st == 416)
        return resume_complete(u, resp);
    if (st == 206)
        return partial_content(u, ask, resp);
    return whole_image(u, ask, resp);
}

/* Body bytes of the probe's 206: into the footer buffer. */
static int footer_sink(struct abota_update *u, const uint8_t *body, size_t len)
{
    struct upd_state *s = upd_state(u);
    if (len > (size_t)(ABOTA_FOOTER_SIZE - s->probe_len)) {
        s->probe_len = 0; /* more than the range said: not trusted */
        return UPD_BODY_STOPPED;
    }
    memcpy(upd_footer_buf(u) + s->probe_len, body, len);
    s->probe_len = (uint16_t)(s->probe_len + len);
    return GO_ON;
}

/* Body bytes of the image: into the slot writer, then a checkpoint and a
 * progress event when due. */
static int slot_sink(struct abota_update *u, const uint8_t *body, size_t len)
{
    struct upd_state *s = upd_state(u);
    int r = abota_slot_write(&s->writer, body, len);
    if (r == ABOTA_ERR_SLOT_OVERFLOW && s->total == 0)
        r = ABOTA_ERR_SLOT_TOO_BIG; /* size unknown: only the slot's end bounds it */
    if (r < 0)
        return r;
    upd_set_partial(u, true);
    upd_journal_warn(u, abota_journal_progress(upd_journal(u), u->flash, u->layout,
                                               abota_slot_written(&s->writer)));
    progress(u, false);
    return GO_ON;
}

/* A body that ended at the close short of a size the server gave: a resumed
 * 206 without Content-Length still names the total in its Content-Range,
 * so its close before the total is a cut, resumed like any other. A 200
 * without a length names none: verification judges what arrived (without
 * resume a known size is a Content-Length, which the parser enforces). */
static bool short_of_total(const struct upd_state *s)
{
    return ABOTA_FEATURE_RESUME && s->sink == UPD_SINK_SLOT && s->total != 0 &&
           abota_slot_written(&s->writer) < s->total;
}

/* Where received bytes may go: the footer buffer at the end of u->buf is
 * kept out of reach until the answer is known to be the image. */
static size_t room(const struct abota_update *u)
{
    if (ABOTA_FEATURE_FOOTER_PROBE && upd_cstate(u)->sink != UPD_SINK_SLOT)
        return u->buf_size - ABOTA_FOOTER_SIZE;
    return u->buf_size;
}

/* The exchange's sink: the headers (body NULL) decide what the answer to
 * the request (state->ask) means and where its body goes; the body goes
 * there. */
static int sink(struct abota_update *u, const uint8_t *body, size_t len, size_t *rx)
{
    if (!body) {
        int r = on_headers(u, (enum upd_ask)upd_cstate(u)->ask);
        *rx = room(u);
        return r;
    }
    if (ABOTA_FEATURE_FOOTER_PROBE && upd_cstate(u)->sink == UPD_SINK_FOOTER)
        return footer_sink(u, body, len);
    return slot_sink(u, body, len);
}

/* The request for ask. */
static void request_for(struct abota_update *u, enum upd_ask ask, struct abota_http_request *rq)
{
    *rq = (struct abota_http_request){.url = &upd_state(u)->url, .http10 = u->cfg.http10};
    if (ask == UPD_ASK_RESUME)
        ask_rest(u, rq);
}

/* One request and its answer, on one connection. */
static int fetch_once(struct abota_update *u, enum upd_ask ask)
{
    struct upd_state *s = upd_state(u);
    struct abota_http_request rq;
    request_for(u, ask, &rq);
    reset_retry_after(u);
    s->ask = (uint8_t)ask;
    s->sink = UPD_SINK_NONE;
    s->probe_len = 0;
    int r = upd_exchange(u, &rq, ask == UPD_ASK_FOOTER, sink, room(u));
    if (r == UPD_BODY_CLOSED && short_of_total(s))
        return ABOTA_ERR_HTTP_TRUNCATED;
    if (ABOTA_FEATURE_FOOTER_PROBE && r == UPD_BODY_STOPPED)
        return UPD_GOT_FOOTER; /* the probe's answer was more than a footer */
    if (r == UPD_BODY_END || r == UPD_BODY_CLOSED)
        return finished(u);
    return r;
}

int upd_fetch(struct abota_update *u, enum upd_ask ask)
{
    for (unsigned hops = 0;; hops++) {
        int r = fetch_once(u, ask);
        if (!ABOTA_FEATURE_REDIRECT || r != REDIRECTED)
            return r;
        r = upd_follow(u, hops);
        if (r < 0)
            return r;
    }
}
