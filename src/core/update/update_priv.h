/* Internals of the update engine shared by update.c (the run: URL, checks,
 * boot record) and update_http.c (one HTTP exchange). Not public API. */
#ifndef ABOTA_UPDATE_PRIV_H
#define ABOTA_UPDATE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "abota/update.h"

/* Where body bytes go (u->sink_). */
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

/* What u->validator_ holds. */
enum {
    UPD_VAL_NONE = 0,
    UPD_VAL_ETAG = 1,  /* a strong ETag */
    UPD_VAL_DATE = 2,  /* Last-Modified */
};

/* How an exchange ended (>= 0), besides the negative errors. */
enum {
    UPD_GOT_IMAGE = 0,  /* the whole body is in the slot writer */
    UPD_GOT_FOOTER = 1, /* probe: probe_len_ footer bytes at footer_buf() */
    UPD_GOT_REDIRECT = 2,
};

/* Runs one request/response on u->url_, following redirects (which
 * replace u->url_). Returns UPD_GOT_IMAGE or UPD_GOT_FOOTER, or an error.
 * The connection is closed on return, whatever happened. */
int abota_update_fetch(struct abota_update *u, enum upd_ask ask);

/* The last ABOTA_FOOTER_SIZE bytes of u->buf, where the probe collects the
 * footer; the receive area is what lies before them. */
static inline uint8_t *upd_footer_buf(const struct abota_update *u)
{
    return u->buf + (u->buf_size - ABOTA_FOOTER_SIZE);
}

void abota_update_emit(struct abota_update *u, enum abota_update_step step, uint32_t done,
                       uint32_t total, int err, const char *detail);

/* Milliseconds left before the whole-update deadline; 0 when it passed. */
uint32_t abota_update_time_left(const struct abota_update *u);

/* The writer holds a prefix a Range request can continue (never without
 * ABOTA_FEATURE_RESUME). */
static inline bool upd_partial(const struct abota_update *u)
{
#if ABOTA_FEATURE_RESUME
    return u->partial_;
#else
    (void)u;
    return false;
#endif
}

static inline void upd_set_partial(struct abota_update *u, bool partial)
{
#if ABOTA_FEATURE_RESUME
    u->partial_ = partial;
#else
    (void)u;
    (void)partial;
#endif
}

/* The progress journal (update_journal.c). None of these fail the update:
 * a journal that cannot be written is switched off with a WARNING event,
 * one that does not read back valid is ignored. */

/* Before the first request: when the journal describes this download
 * (target slot, URL) and the slot's prefix still matches its last
 * checkpoint, resumes the slot writer there and sets partial_, the
 * validator and total_. */
void abota_update_journal_load(struct abota_update *u);
/* A fresh download began (a 200): erases the journal and, when the image
 * has a validator, writes its header. */
void abota_update_journal_start(struct abota_update *u);
/* After body bytes reached the slot: appends a checkpoint when one is due. */
void abota_update_journal_progress(struct abota_update *u);
/* Forgets the journal (after success, or before a retry from scratch). */
void abota_update_journal_clear(struct abota_update *u);
#if !ABOTA_FEATURE_RESUME
/* No journal without resume: nothing to load, write or clear. */
#define abota_update_journal_load(u) ((void)(u))
#define abota_update_journal_start(u) ((void)(u))
#define abota_update_journal_progress(u) ((void)(u))
#define abota_update_journal_clear(u) ((void)(u))
#endif

#endif
