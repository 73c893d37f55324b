/* Drives the HTTP response parser over a whole input in different splits
 * and records everything observable, so tests can check that every split
 * gives the same result. Also the list of captured responses in
 * tests/data/http with what each must parse to. Portable C only. */
#ifndef ABOTA_TEST_HTTP_FEED_H
#define ABOTA_TEST_HTTP_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/http.h"

#define HTTP_FEED_BODY_MAX 4096

struct http_feed_result {
    int err;                  /* first error from feed, else abota_http_eof() */
    int stuck;                /* a feed call consumed nothing: a parser bug */
    int span_outside;         /* a body span outside the bytes given: a bug */
    struct abota_http_resp resp;
    bool headers_done, done;  /* after the last feed, before eof */
    uint32_t body_seen;
    size_t body_len;          /* may exceed HTTP_FEED_BODY_MAX; only the start is kept */
    uint8_t body[HTTP_FEED_BODY_MAX];
};

/* Feeds in[0..split) then in[split..len), each piece in steps of at most
 * step bytes (0: the whole piece at once), then calls abota_http_eof()
 * unless an error came first. */
void http_feed_run(const uint8_t *in, size_t len, bool head, size_t split, size_t step,
                   struct http_feed_result *out);

/* true when a and b are equal in every recorded field; on a difference,
 * prints which field to stderr and names the case with label and split. */
bool http_feed_same(const struct http_feed_result *a, const struct http_feed_result *b,
                    const char *label, size_t split, size_t step);

/* Runs whole, one byte per call and every two-way split and compares them
 * all with the whole run, which it leaves in *whole. false (with a message
 * on stderr) on any difference, a stalled feed or a span outside the input. */
bool http_feed_all_splits(const uint8_t *in, size_t len, bool head, const char *label,
                          struct http_feed_result *whole);

/* The captured corpus. */
enum http_corpus_body {
    BODY_NONE,       /* no body bytes */
    BODY_FW,         /* fw.bin from body_offset to its end */
    BODY_ANY,        /* server-made page: only its length is checked */
};

struct http_corpus_case {
    const char *file;         /* under tests/data/http/ */
    bool head;
    int status;
    uint8_t version_minor;
    enum http_corpus_body body;
    uint32_t body_offset;
    bool chunked;
    bool close_delimited;     /* neither Content-Length nor chunked */
    bool connection_close;
};

extern const struct http_corpus_case http_corpus[];
extern const size_t http_corpus_count;

#endif
