/* One document (a release manifest) into the caller's buffer: the poll's
 * fetch, beside fetch.c's image fetch and on the same exchange, so a
 * manifest travels like an image (TLS, timeouts, the deadline, redirects).
 * What differs is what an answer means: 304 ends the fetch (the document
 * the ETag names is still current), and the body goes into a bounded
 * buffer, never to the flash. */
#include <string.h>

#include "abota/error.h"
#include "update_priv.h"

#if ABOTA_FEATURE_POLL

#define DOC_REDIRECTED 1002

/* The status decides: the document, 304, a redirect, or why not. */
static int doc_status(struct abota_update *u)
{
    const struct upd_state *s = upd_cstate(u);
    const struct abota_http_resp *resp = &s->http.resp;
    int st = resp->status;
    int err;
    if (st == 200) {
        if (resp->has_content_length && resp->content_length > s->doc_size)
            return ABOTA_ERR_MAN_TOO_LARGE; /* before a byte of it is read */
        return UPD_GO_ON;
    }
    if (st == 304)
        return UPD_NOT_MODIFIED;
    if (st == 301 || st == 302 || st == 303 || st == 307 || st == 308)
        return DOC_REDIRECTED;
    if (st == 404)
        err = ABOTA_ERR_HTTP_NOT_FOUND;
    else if (st == 429)
        err = ABOTA_ERR_UP_RATE_LIMITED;
    else if (st >= 500 && st <= 599)
        err = ABOTA_ERR_HTTP_SERVER_ERROR;
    else
        err = ABOTA_ERR_HTTP_STATUS;
    upd_emit(u, ABOTA_EV_RESPONSE_REFUSED, (uint32_t)st, 0, err, NULL);
    return err;
}

/* The exchange's sink: the status at the headers, then the body into the
 * document buffer, bounded. */
static int doc_sink(struct abota_update *u, const uint8_t *body, size_t len, size_t *room)
{
    (void)room;
    if (!body)
        return doc_status(u);
    struct upd_state *s = upd_state(u);
    if (len > (size_t)(s->doc_size - s->doc_len))
        return ABOTA_ERR_MAN_TOO_LARGE;
    memcpy(s->doc + s->doc_len, body, len);
    s->doc_len = (uint16_t)(s->doc_len + len);
    return UPD_GO_ON;
}

static int fetch_doc_once(struct abota_update *u, const char *if_none_match)
{
    struct upd_state *s = upd_state(u);
    struct abota_http_request rq = {
        .url = &s->url,
        .http10 = u->cfg.http10,
        .if_none_match = if_none_match,
    };
    s->doc_len = 0;
    int r = upd_exchange(u, &rq, false, doc_sink, u->buf_size);
    if (r == UPD_BODY_END || r == UPD_BODY_CLOSED)
        return UPD_GOT_DOC;
    return r;
}

int upd_fetch_doc(struct abota_update *u, const char *if_none_match, uint8_t *doc, size_t size,
                  size_t *len)
{
    struct upd_state *s = upd_state(u);
    if (size > UINT16_MAX)
        return ABOTA_ERR_ARG;
    s->doc = doc;
    s->doc_size = (uint16_t)size;
    for (unsigned hops = 0;; hops++) {
        int r = fetch_doc_once(u, if_none_match);
        if (r == UPD_GOT_DOC)
            *len = s->doc_len;
        if (r != DOC_REDIRECTED)
            return r;
        r = upd_follow(u, hops);
        if (r < 0)
            return r;
    }
}

#endif /* ABOTA_FEATURE_POLL */
