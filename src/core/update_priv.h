/* Internals of the update engine shared by update.c (the run: URL, checks,
 * boot record) and update_http.c (one HTTP exchange). Not public API. */
#ifndef ABOTA_UPDATE_PRIV_H
#define ABOTA_UPDATE_PRIV_H

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

#endif
