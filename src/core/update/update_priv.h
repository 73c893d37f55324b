/* The update engine's private state and the calls between its files, in
 * one direction only:
 *
 *   update.c (the run: attempts, checks, record)
 *     -> fetch.c (one request: redirects, what the answer means, where its
 *                 body goes: slot writer, footer buffer; the journal)
 *       -> exchange.c (connect, send, receive, parse; body bytes to the
 *                      sink it is given; a redirect's new URL)
 *
 *   poll.c (a manifest poll: what the manifest says, abota/poll.h)
 *     -> fetch_doc.c (one document into the caller's buffer: redirects,
 *                     304, the size bound)
 *       -> exchange.c
 *
 * and all of them -> event.c (the event callback). No file calls into one
 * above it; the deadline is an inline helper here. Not public API. */
#ifndef ABOTA_UPDATE_PRIV_H
#define ABOTA_UPDATE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "abota/journal.h"
#include "abota/update.h"

/* Small fields first: they sit at short offsets from the struct abota_update
 * (load/store immediates reach them directly on small CPUs), the large
 * parser and writer last. */
struct upd_state {
    uint32_t start_ms;         /* clock at the start, for the deadline */
    uint32_t running_version;
    uint32_t new_security;     /* the verified image's security version */
    uint32_t total;            /* image size from the headers, 0 when unknown */
    uint32_t next_progress;    /* bytes written at which the next PROGRESS is due */
    uint32_t last_progress;    /* bytes written at the last PROGRESS */
#if ABOTA_FEATURE_RETRY
    uint32_t retry_after_ms;   /* from the last 5xx/429, UINT32_MAX when none */
#endif
    uint16_t probe_len;        /* footer bytes collected by the probe */
    uint8_t sink;              /* where body bytes go (UPD_SINK_*) */
    uint8_t ask;               /* what the current request asks for (enum upd_ask) */
#if ABOTA_FEATURE_RESUME
    /* resume: the image's identity and what the slot holds of it */
    bool partial;              /* the writer holds a prefix a Range request can continue */
    uint8_t validator_kind;    /* enum abota_journal_validator */
    uint32_t range_from;       /* offset asked for by the resume request */
    uint32_t url_crc;          /* CRC-32 of the expanded URL: the journal's binding */
    struct abota_journal journal;
    char validator[ABOTA_HTTP_ETAG_MAX]; /* strong ETag or Last-Modified, for If-Range */
#endif
#if ABOTA_FEATURE_POLL
    /* a document fetch: the caller's buffer and what it holds */
    uint8_t *doc;
    uint16_t doc_size;
    uint16_t doc_len;
#endif
    struct abota_url url;      /* the URL being fetched (after redirects) */
    struct abota_slot_writer writer;
    struct abota_http http;    /* the response parser of the current exchange */
};

_Static_assert(sizeof(struct upd_state) <= sizeof(union abota_update_state),
               "ABOTA_UPDATE_STATE_REST (update.h) is too small for struct upd_state");
_Static_assert(_Alignof(struct upd_state) <= _Alignof(union abota_update_state),
               "union abota_update_state is not aligned for struct upd_state");

static inline struct upd_state *upd_state(struct abota_update *u)
{
    return (struct upd_state *)(void *)u->state_.bytes;
}

static inline const struct upd_state *upd_cstate(const struct abota_update *u)
{
    return (const struct upd_state *)(const void *)u->state_.bytes;
}

/* Where body bytes go (state->sink). */
enum {
    UPD_SINK_NONE = 0,   /* headers not checked yet */
    UPD_SINK_FOOTER = 1, /* probe answered 206: collect the footer */
    UPD_SINK_SLOT = 2,   /* the image: into the slot writer */
};

/* What to ask for. */
enum upd_ask {
    UPD_ASK_FOOTER, /* "Range: bytes=-256"; a 200 answer becomes the download */
    UPD_ASK_IMAGE,  /* the whole image */
    UPD_ASK_RESUME, /* "Range: bytes=<written>-" + If-Range; a 200 starts over */
};

/* How a fetch ended (>= 0), besides the negative errors. */
enum {
    UPD_GOT_IMAGE = 1,  /* the whole body is in the slot writer */
    UPD_GOT_FOOTER = 2, /* probe: probe_len footer bytes at upd_footer_buf() */
};

/* Runs one request/response for ask on the state's URL, following
 * redirects (which replace the URL). Returns UPD_GOT_IMAGE or
 * UPD_GOT_FOOTER, or an error. The connection is closed on return. */
int upd_fetch(struct abota_update *u, enum upd_ask ask);

/* How a document fetch ended (>= 0), besides the negative errors. */
enum {
    UPD_GOT_DOC = 3,       /* the body is in the document buffer */
    UPD_NOT_MODIFIED = 4,  /* 304: the document is the one the ETag names */
};

/* Fetches the state's URL into doc[0, size) (size at most 65535), GET with
 * If-None-Match: if_none_match (NULL: none), following redirects like an
 * image. UPD_GOT_DOC with *len set, UPD_NOT_MODIFIED, or an error (a body
 * larger than size: ABOTA_ERR_MAN_TOO_LARGE). Never touches the flash. */
int upd_fetch_doc(struct abota_update *u, const char *if_none_match, uint8_t *doc, size_t size,
                  size_t *len);

/* How an exchange ended (> 0), besides the negative errors and what the
 * sink returns to stop it (the UPD_GOT_* results and fetch.c's own, all
 * apart from these). */
enum {
    UPD_BODY_END = 100,     /* the message ended as framed */
    UPD_BODY_CLOSED = 101,  /* the server closed: a body framed by the close ends */
    UPD_BODY_STOPPED = 102, /* the sink asked to stop */
    UPD_GO_ON = 0,          /* sink: go on receiving */
};

/* The body's sink: called once with body NULL when the response headers
 * are in the state's parser (it decides what the answer means, and may
 * change *room, the receive room), then with each run of body bytes.
 * Returns UPD_GO_ON to go on, or what ends the exchange (UPD_BODY_STOPPED,
 * another result >= 0, or an error). */
typedef int (*upd_sink)(struct abota_update *u, const uint8_t *body, size_t n, size_t *room);

/* One exchange (exchange.c): connects to the state's URL, sends rq (plus
 * "Range: bytes=-256" when footer_range), receives into u->buf[0, room) and
 * feeds the parser; the end of the headers and then the body go to the
 * sink. Returns UPD_BODY_END, UPD_BODY_CLOSED, what the sink stopped with,
 * or an error. The connection is closed on return. */
int upd_exchange(struct abota_update *u, const struct abota_http_request *rq, bool footer_range,
                 upd_sink sink, size_t room);

/* After a 3xx: replaces the state's URL by its Location resolved against
 * it (exchange.c); ABOTA_ERR_HTTP_REDIRECT_LOOP when hops redirects of
 * this request were followed already (ABOTA_UPDATE_MAX_REDIRECTS). */
int upd_follow(struct abota_update *u, unsigned hops);

/* The last ABOTA_FOOTER_SIZE bytes of u->buf, where the probe collects the
 * footer; the receive area is what lies before them. */
static inline uint8_t *upd_footer_buf(const struct abota_update *u)
{
    return u->buf + (u->buf_size - ABOTA_FOOTER_SIZE);
}

/* Tells the caller's callback, when there is one (event.c: one copy for
 * every file of the engine, the lowest of them). */
void upd_emit(struct abota_update *u, enum abota_update_step step, uint32_t done, uint32_t total,
              int err, const char *detail);

/* Milliseconds left before the whole-update deadline; 0 when it passed. */
static inline uint32_t upd_time_left(const struct abota_update *u)
{
    /* Unsigned subtraction: correct across the 49-day wrap of now_ms. */
    uint32_t spent = u->clock->now_ms(u->clock->ctx) - upd_cstate(u)->start_ms;
    return spent >= u->cfg.deadline_ms ? 0 : u->cfg.deadline_ms - spent;
}

/* The writer holds a prefix a Range request can continue (never without
 * ABOTA_FEATURE_RESUME). */
#if ABOTA_FEATURE_RESUME
static inline bool upd_partial(const struct abota_update *u)
{
    return upd_cstate(u)->partial;
}

static inline void upd_set_partial(struct abota_update *u, bool partial)
{
    upd_state(u)->partial = partial;
}

static inline struct abota_journal *upd_journal(struct abota_update *u)
{
    return &upd_state(u)->journal;
}
#else
static inline bool upd_partial(const struct abota_update *u)
{
    (void)u;
    return false;
}

static inline void upd_set_partial(struct abota_update *u, bool partial)
{
    (void)u;
    (void)partial;
}

static inline struct abota_journal *upd_journal(struct abota_update *u)
{
    (void)u;
    return NULL; /* the journal calls do nothing (abota/journal.h) */
}
#endif

/* A journal call that failed switched the journal off: say so, go on. */
static inline void upd_journal_warn(struct abota_update *u, int err)
{
    if (err < 0)
        upd_emit(u, ABOTA_EV_WARNING, 0, 0, err, NULL);
}

#endif
