/* The update engine's HTTP side: one exchange is connect, send the request,
 * receive into the caller's buffer and feed the response parser, whose body
 * bytes go to the slot writer (or, for the footer probe, to the footer
 * buffer). abota_update_fetch() repeats exchanges to follow redirects.
 *
 * Every wait is bounded twice: by its own timeout (connect or idle) and by
 * what is left of the whole-update deadline. A wait the deadline cut short
 * reports ABOTA_ERR_DEADLINE, not a network timeout, so the caller can tell
 * a slow server from a dead one.
 *
 * A resumed download is one more exchange: "Range: bytes=<written>-" with
 * If-Range on the image's validator; only a 206 whose Content-Range starts
 * exactly there and has the original total continues the slot writer, a
 * 200 starts the writer over from 0, anything else is refused (never
 * spliced). The exchange is self-contained (state in u, parser
 * re-initialised each time). */
#include <stdbool.h>
#include <string.h>

#include "abota/error.h"
#include "update_priv.h"

/* On-wire helpers' verdicts besides errors. */
#define CONTINUE 1000 /* keep reading (never returned from the file) */

#define PROGRESS_STEP_UNKNOWN 4096u /* PROGRESS interval when the size is unknown */

#if ABOTA_HTTP_DATE_MAX > ABOTA_HTTP_ETAG_MAX
#error "validator_ holds a Last-Modified date too: ABOTA_HTTP_DATE_MAX must not exceed ABOTA_HTTP_ETAG_MAX"
#endif

/* The wait for a call: its own limit, shortened to the deadline. */
static int wait_for(const struct abota_update *u, uint32_t limit, uint32_t *t)
{
    uint32_t left = abota_update_time_left(u);
    if (left == 0)
        return ABOTA_ERR_DEADLINE;
    *t = left < limit ? left : limit;
    return 0;
}

/* A timeout on a wait that the deadline shortened is the deadline's. */
static int wait_err(int err, uint32_t t, uint32_t limit)
{
    return err == ABOTA_ERR_NET_TIMEOUT && t < limit ? ABOTA_ERR_DEADLINE : err;
}

static int connect_server(struct abota_update *u)
{
    uint32_t t;
    int r = wait_for(u, u->cfg.connect_timeout_ms, &t);
    if (r < 0)
        return r;
    abota_update_emit(u, ABOTA_EV_RESOLVE, 0, 0, 0, u->url_.host);
    r = u->net->connect(u->net->ctx, u->url_.host, u->url_.port, t);
    if (r < 0)
        return wait_err(r, t, u->cfg.connect_timeout_ms);
    abota_update_emit(u, ABOTA_EV_CONNECTED, 0, 0, 0, u->url_.host);
    return 0;
}

#if ABOTA_FEATURE_FOOTER_PROBE
/* Adds "Range: bytes=-256" (the image's last 256 bytes: its footer) to a
 * built request, before the blank line that ends it. The request builder
 * only knows open-ended ranges ("bytes=N-"), and the total is not known
 * yet. */
static int add_footer_range(char *req, int len, size_t size)
{
    static const char hdr[] = "Range: bytes=-256\r\n";
    const size_t hl = sizeof hdr - 1;
    size_t n = (size_t)len;
    if (n < 4 || memcmp(req + n - 4, "\r\n\r\n", 4) != 0)
        return ABOTA_ERR_STATE;
    if (size - n <= hl) /* room for the header and the NUL */
        return ABOTA_ERR_NOSPACE;
    memcpy(req + n - 2 + hl, "\r\n", 3);
    memcpy(req + n - 2, hdr, hl);
    return (int)(n + hl);
}
#endif

static int send_request(struct abota_update *u, enum upd_ask ask)
{
    struct abota_http_request rq = {.url = &u->url_, .http10 = u->cfg.http10};
#if ABOTA_FEATURE_RESUME
    if (ask == UPD_ASK_RESUME) {
        rq.has_range = true;
        rq.range_first = u->range_from_;
        rq.if_range = u->validator_kind_ != UPD_VAL_NONE ? u->validator_ : NULL;
    }
#endif
    char *req = (char *)u->buf;
    int len = abota_http_request_build(&rq, req, u->buf_size);
#if ABOTA_FEATURE_FOOTER_PROBE
    if (len >= 0 && ask == UPD_ASK_FOOTER)
        len = add_footer_range(req, len, u->buf_size);
#else
    (void)ask;
#endif
    if (len < 0)
        return len;

    for (size_t off = 0; off < (size_t)len;) {
        uint32_t t;
        int r = wait_for(u, u->cfg.idle_timeout_ms, &t);
        if (r < 0)
            return r;
        size_t left = (size_t)len - off;
        int n = u->net->send(u->net->ctx, req + off, left, t);
        if (n < 0)
            return wait_err(n, t, u->cfg.idle_timeout_ms);
        if (n == 0 || (size_t)n > left)
            return ABOTA_ERR_UP_NET_PORT;
        off += (size_t)n;
    }
    abota_update_emit(u, ABOTA_EV_REQUEST_SENT, 0, 0, 0, u->url_.path);
    return 0;
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
    if (wn != gn)
        return false;
    for (size_t i = 0; i < wn; i++)
        if (lower(want[i]) != lower(got[i]))
            return false;
    return true;
}
#endif

#if ABOTA_FEATURE_RESUME
static uint32_t slot_size(const struct abota_update *u)
{
    return abota_layout_slot(u->layout, u->target_slot)->size;
}
#endif

/* The written count at which the next PROGRESS is due: steps of
 * total / 100 + 1 bytes when the size is known (at most 100 events before
 * the final one, about one per percent), else of 4 KiB. */
static uint32_t next_progress(const struct abota_update *u, uint32_t done)
{
    uint32_t step = u->total_ ? u->total_ / 100u + 1u : PROGRESS_STEP_UNKNOWN;
    return done > UINT32_MAX - step ? UINT32_MAX : done + step;
}

static void progress(struct abota_update *u, bool final)
{
    uint32_t done = abota_slot_written(&u->writer_);
    if (done == u->last_progress_ || (!final && done < u->next_progress_))
        return;
    u->last_progress_ = done;
    u->next_progress_ = next_progress(u, done);
    abota_update_emit(u, ABOTA_EV_PROGRESS, done, u->total_, 0, NULL);
}

#if ABOTA_FEATURE_FOOTER_PROBE
/* 206 to the footer probe. When it is not exactly the image's last 256
 * bytes there is nothing to learn: stop (probe_len_ stays 0). */
static int probe_headers(struct abota_update *u, const struct abota_http_resp *resp)
{
    if (!resp->has_content_range || resp->range_total == ABOTA_HTTP_RANGE_TOTAL_UNKNOWN)
        return UPD_GOT_FOOTER;
    u->total_ = resp->range_total;
    if (u->total_ > slot_size(u))
        return ABOTA_ERR_SLOT_TOO_BIG;
    if (resp->range_first > resp->range_last || resp->range_last >= resp->range_total ||
        resp->range_last + 1u != resp->range_total ||
        resp->range_last - resp->range_first != ABOTA_FOOTER_SIZE - 1u)
        return UPD_GOT_FOOTER;
    u->sink_ = UPD_SINK_FOOTER;
    return CONTINUE;
}
#endif

static int finished(struct abota_update *u);

#if ABOTA_FEATURE_RESUME
/* Keeps what identifies this version of the image for If-Range: a strong
 * ETag (a weak one may not be used for ranges), else Last-Modified; none
 * when the server sends neither. */
static void take_validator(struct abota_update *u, const struct abota_http_resp *resp)
{
    const char *v = NULL;
    u->validator_kind_ = UPD_VAL_NONE;
    u->validator_[0] = '\0';
    if (resp->etag[0] && !(resp->etag[0] == 'W' && resp->etag[1] == '/')) {
        v = resp->etag;
        u->validator_kind_ = UPD_VAL_ETAG;
    } else if (resp->last_modified[0]) {
        v = resp->last_modified;
        u->validator_kind_ = UPD_VAL_DATE;
    }
    if (!v)
        return;
    size_t n = strlen(v);
    if (n >= sizeof u->validator_) { /* cannot happen: the fields are no longer */
        u->validator_kind_ = UPD_VAL_NONE;
        return;
    }
    memcpy(u->validator_, v, n + 1);
}

/* The response's validator, when it sent one of the kind kept, must be the
 * one the download started with. */
static bool same_validator(const struct abota_update *u, const struct abota_http_resp *resp)
{
    if (u->validator_kind_ == UPD_VAL_ETAG && resp->etag[0])
        return strcmp(resp->etag, u->validator_) == 0;
    if (u->validator_kind_ == UPD_VAL_DATE && resp->last_modified[0])
        return strcmp(resp->last_modified, u->validator_) == 0;
    return true;
}

/* 206 to a resume request: the rest of the same image, from exactly the
 * first byte the slot lacks, to the end. Anything else is not spliced. */
static int resume_headers(struct abota_update *u, const struct abota_http_resp *resp)
{
    uint32_t total = resp->range_total;
    if (!resp->has_content_range || total == ABOTA_HTTP_RANGE_TOTAL_UNKNOWN ||
        resp->range_first != u->range_from_ || resp->range_first > resp->range_last ||
        resp->range_last >= total || resp->range_last != total - 1u ||
        (u->total_ != 0 && total != u->total_) || !same_validator(u, resp))
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
    u->total_ = total;
    u->sink_ = UPD_SINK_SLOT;
    u->next_progress_ = next_progress(u, abota_slot_written(&u->writer_));
    abota_update_emit(u, ABOTA_EV_RESUMED, u->range_from_, total, 0, NULL);
    return CONTINUE;
}
#endif

/* The response headers decide: redirect, error, probe answer or image. */
static int on_headers(struct abota_update *u, enum upd_ask ask)
{
    const struct abota_http_resp *resp = &u->tmp_.http.resp;
    int st = resp->status;
    if (st == 301 || st == 302 || st == 303 || st == 307 || st == 308)
        return ABOTA_FEATURE_REDIRECT ? UPD_GOT_REDIRECT : ABOTA_ERR_UNSUPPORTED;
    if (st == 404)
        return ABOTA_ERR_HTTP_NOT_FOUND;
    if ((st >= 500 && st <= 599) || st == 429) {
#if ABOTA_FEATURE_RETRY
        /* Delta seconds only; a date or none leaves the back-off to us. */
        uint32_t ra = resp->retry_after;
        if (ra <= ABOTA_HTTP_RETRY_AFTER_MAX)
            u->retry_after_ms_ = ra > UINT32_MAX / 1000u ? UINT32_MAX - 1u : ra * 1000u;
#endif
        return st == 429 ? ABOTA_ERR_UP_RATE_LIMITED : ABOTA_ERR_HTTP_SERVER_ERROR;
    }
#if ABOTA_FEATURE_RESUME
    if (st == 416 && ask == UPD_ASK_RESUME) {
        /* Asked from the very end: the slot already holds it all (the drop
         * came after the last body byte, before the end of the message). */
        if (resp->range_total == u->range_from_ && u->range_from_ != 0 &&
            (u->total_ == 0 || u->total_ == u->range_from_)) {
            int r = abota_boot_prepare_update(u->flash, u->layout, u->running_slot);
            if (r < 0)
                return r;
            u->sink_ = UPD_SINK_SLOT;
            return finished(u);
        }
        return ABOTA_ERR_HTTP_RANGE_MISMATCH;
    }
#endif
    /* 206 answers only a Range request (probe or resume) */
    if (st != 200 && !(ABOTA_FEATURE_RESUME && st == 206 && ask != UPD_ASK_IMAGE))
        return ABOTA_ERR_HTTP_STATUS;
#if ABOTA_FEATURE_CONTENT_TYPE
    if (!content_type_ok(u->cfg.content_type, resp->content_type))
        return ABOTA_ERR_HTTP_CONTENT_TYPE;
#endif
#if ABOTA_FEATURE_RESUME
    if (st == 206) {
#if ABOTA_FEATURE_FOOTER_PROBE
        if (ask == UPD_ASK_FOOTER)
            return probe_headers(u, resp);
#endif
        return resume_headers(u, resp);
    }

    /* 200: the whole image, whatever was asked. To a resume request it
     * means the server ignores Range or the image changed (If-Range did not
     * match): the download starts over from 0. */
    if (ask == UPD_ASK_RESUME)
        abota_update_emit(u, ABOTA_EV_WARNING, abota_slot_written(&u->writer_), 0,
                          ABOTA_ERR_UP_RESTART, NULL);
#endif
    upd_set_partial(u, false);
    /* Chunked, or neither (the body ends at the close, RFC 9112 6.3): the
     * size is unknown, only the slot's end bounds it, and the image, which
     * describes itself, is judged by verification. The parser refuses a
     * Content-Length next to chunked. */
    u->total_ = resp->has_content_length ? resp->content_length : 0;
    /* An image larger than the slot is ABOTA_ERR_SLOT_TOO_BIG from
     * abota_slot_begin, before anything is erased. Before the first erase
     * the record stops vouching for the target slot. */
    int r = abota_boot_prepare_update(u->flash, u->layout, u->running_slot);
    if (r < 0)
        return r;
    r = abota_slot_begin(&u->writer_, u->flash, u->layout, u->target_slot, u->running_slot,
                             u->total_);
    if (r < 0)
        return r;
    u->sink_ = UPD_SINK_SLOT;
    u->last_progress_ = 0;
    u->next_progress_ = next_progress(u, 0);
#if ABOTA_FEATURE_RESUME
    take_validator(u, resp);
#endif
    abota_update_journal_start(u);
    abota_update_emit(u, ABOTA_EV_HEADERS, 0, u->total_, 0, NULL);
    return CONTINUE;
}

static int on_body(struct abota_update *u, const uint8_t *body, size_t len)
{
#if ABOTA_FEATURE_FOOTER_PROBE
    if (u->sink_ == UPD_SINK_FOOTER) {
        if (len > (size_t)(ABOTA_FOOTER_SIZE - u->probe_len_)) {
            u->probe_len_ = 0; /* more than the range said: not trusted */
            return UPD_GOT_FOOTER;
        }
        memcpy(upd_footer_buf(u) + u->probe_len_, body, len);
        u->probe_len_ = (uint16_t)(u->probe_len_ + len);
        return CONTINUE;
    }
#endif
    if (u->sink_ != UPD_SINK_SLOT)
        return ABOTA_ERR_STATE;
    int r = abota_slot_write(&u->writer_, body, len);
    if (r == ABOTA_ERR_SLOT_OVERFLOW && u->total_ == 0)
        r = ABOTA_ERR_SLOT_TOO_BIG; /* size unknown: only the slot's end bounds it */
    if (r < 0)
        return r;
    upd_set_partial(u, true);
    abota_update_journal_progress(u);
    progress(u, false);
    return CONTINUE;
}

static int finished(struct abota_update *u)
{
    if (u->sink_ == UPD_SINK_SLOT) {
        progress(u, true);
        return UPD_GOT_IMAGE;
    }
    if (ABOTA_FEATURE_FOOTER_PROBE && u->sink_ == UPD_SINK_FOOTER)
        return UPD_GOT_FOOTER;
    return ABOTA_ERR_STATE;
}

/* Feeds n received bytes from u->buf to the parser. */
static int feed(struct abota_update *u, enum upd_ask ask, size_t n)
{
    struct abota_http *p = &u->tmp_.http;
    unsigned idle_calls = 0;
    for (size_t off = 0; off < n;) {
        const uint8_t *body = NULL;
        size_t blen = 0;
        int c = abota_http_feed(p, u->buf + off, n - off, &body, &blen);
        if (c < 0)
            return c;
        off += (size_t)c;
        int r = CONTINUE;
        /* on_headers gives CONTINUE only after choosing a sink: a sink
         * means the headers were handled. */
        if (u->sink_ == UPD_SINK_NONE && abota_http_headers_done(p))
            r = on_headers(u, ask);
        if (r == CONTINUE && blen)
            r = on_body(u, body, blen);
        if (r != CONTINUE)
            return r;
        if (abota_http_done(p)) {
            /* Never written: the image is judged by verification alone. */
            if (off < n)
                abota_update_emit(u, ABOTA_EV_WARNING, (uint32_t)(n - off), 0,
                                  ABOTA_ERR_HTTP_EXTRA_BYTES, NULL);
            return finished(u);
        }
        /* A parser that takes nothing twice in a row would spin forever. */
        idle_calls = c == 0 ? idle_calls + 1 : 0;
        if (idle_calls > 1)
            return ABOTA_ERR_STATE;
    }
    return CONTINUE;
}

#if ABOTA_FEATURE_RESUME
/* A body that ended at the close short of a size the server gave: a resumed
 * 206 without Content-Length still names the total in its Content-Range,
 * so its close before the total is a cut, resumed like any other. A 200
 * without a length names none: verification judges what arrived. */
static bool short_of_total(const struct abota_update *u)
{
    return u->sink_ == UPD_SINK_SLOT && u->total_ != 0 &&
           abota_slot_written(&u->writer_) < u->total_;
}
#else
static bool short_of_total(const struct abota_update *u)
{
    (void)u;
    return false; /* without resume a known size is a Content-Length: the parser's */
}
#endif

static int receive(struct abota_update *u, enum upd_ask ask)
{
    abota_http_init(&u->tmp_.http, false);
    u->sink_ = UPD_SINK_NONE;
    u->probe_len_ = 0;
    for (;;) {
        /* The footer buffer at the end of u->buf is kept out of reach of
         * recv until the answer is known to be the image. */
        size_t room = u->buf_size;
#if ABOTA_FEATURE_FOOTER_PROBE
        if (u->sink_ != UPD_SINK_SLOT)
            room -= ABOTA_FOOTER_SIZE;
#endif
        uint32_t t;
        int r = wait_for(u, u->cfg.idle_timeout_ms, &t);
        if (r < 0)
            return r;
        int n = u->net->recv(u->net->ctx, u->buf, room, t);
        if (n < 0)
            return wait_err(n, t, u->cfg.idle_timeout_ms);
        if ((size_t)n > room)
            return ABOTA_ERR_UP_NET_PORT;
        if (n == 0) {
            r = abota_http_eof(&u->tmp_.http);
            if (r < 0)
                return r;
            /* Only a body delimited by the close ends here. */
            if (u->sink_ == UPD_SINK_NONE || short_of_total(u))
                return ABOTA_ERR_HTTP_TRUNCATED;
            return finished(u);
        }
        u->bytes_received += (uint32_t)n;
        r = feed(u, ask, (size_t)n);
        if (r != CONTINUE)
            return r;
    }
}

#if ABOTA_FEATURE_REDIRECT
/* Replaces u->url_ by the redirect's Location resolved against it. */
static int follow(struct abota_update *u)
{
    const char *loc = u->tmp_.http.resp.location;
    if (!loc[0])
        return ABOTA_ERR_HTTP_BAD_REDIRECT;
    return abota_url_resolve(&u->url_, loc, &u->url_);
}
#endif

static int exchange(struct abota_update *u, enum upd_ask ask)
{
#if ABOTA_FEATURE_RETRY
    u->retry_after_ms_ = UINT32_MAX;
#endif
    int r = connect_server(u);
    if (r >= 0)
        r = send_request(u, ask);
    if (r >= 0)
        r = receive(u, ask);
    u->net->close(u->net->ctx);
    return r;
}

int abota_update_fetch(struct abota_update *u, enum upd_ask ask)
{
#if !ABOTA_FEATURE_REDIRECT
    return exchange(u, ask); /* a 3xx is ABOTA_ERR_UNSUPPORTED (on_headers) */
#else
    for (unsigned hops = 0;; hops++) {
        int r = exchange(u, ask);
        if (r != UPD_GOT_REDIRECT)
            return r;
        if (hops >= ABOTA_UPDATE_MAX_REDIRECTS)
            return ABOTA_ERR_HTTP_REDIRECT_LOOP;
        r = follow(u);
        if (r < 0)
            return r;
    }
#endif
}
