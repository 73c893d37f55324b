/* HTTP/1.x for firmware downloads: a streaming response parser and a
 * request builder. No heap, no OS; everything lives in caller-owned structs.
 *
 * The parser is fed whatever the socket returned, split anywhere, down to one
 * byte per call, and gives identical results for every split. Header names
 * are matched case-insensitively; values abota uses are copied into bounded
 * fields of struct abota_http_resp, other headers are skipped unbuffered. */
#ifndef ABOTA_HTTP_H
#define ABOTA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/config.h"
#include "abota/url.h"

#define ABOTA_HTTP_NO_RETRY_AFTER 0xFFFFFFFFu
/* Retry-After given as an HTTP date: present, but the core has no clock to
 * turn it into a delay; the caller picks its own back-off. */
#define ABOTA_HTTP_RETRY_AFTER_DATE 0xFFFFFFFEu
/* Largest delta stored; bigger Retry-After values saturate to it. */
#define ABOTA_HTTP_RETRY_AFTER_MAX 0xFFFFFFFDu
#define ABOTA_HTTP_RANGE_TOTAL_UNKNOWN 0xFFFFFFFFu /* "bytes 0-9/ *" */

/* What the parser accepts (RFC 9112 with a firmware client's strictness):
 * - lines end in CRLF; a bare LF anywhere in the head or the chunk framing is
 *   ABOTA_ERR_HTTP_NO_CRLF; obs-fold is ABOTA_ERR_HTTP_OBS_FOLD; NUL, other
 *   control bytes and DEL in a header are errors.
 * - interim 1xx responses (100 Continue, 103 Early Hints) are skipped and the
 *   final response parsed; 101 Switching Protocols is ABOTA_ERR_HTTP_STATUS.
 *   Each interim response counts as one header line against
 *   ABOTA_HTTP_MAX_HEADERS, so an endless stream of them is refused.
 * - a stored value too long for its field is ABOTA_ERR_HTTP_VALUE_TOO_LONG,
 *   except ETag: an ETag longer than ABOTA_HTTP_ETAG_MAX - 1 is dropped (etag
 *   stays ""), which only costs the conditional request.
 * - Content-Type keeps the media type only (parameters after ';' dropped).
 * - Content-Range "bytes *\/total" (a 416 answer) sets range_total only;
 *   has_content_range stays false.
 * - Retry-After: delta seconds (saturating at ABOTA_HTTP_RETRY_AFTER_MAX), an
 *   HTTP date gives ABOTA_HTTP_RETRY_AFTER_DATE, anything else is ignored.
 * - a body neither chunked nor with Content-Length runs until the close;
 *   connection_close is then set too.
 * Features compiled out (config.h): without ABOTA_FEATURE_CHUNKED a
 * "Transfer-Encoding: chunked" is ABOTA_ERR_HTTP_TE_UNSUPPORTED; without
 * ABOTA_FEATURE_RESUME, Content-Range, ETag, Last-Modified and
 * Accept-Ranges are skipped like unknown headers (the fields do not exist);
 * without ABOTA_FEATURE_REDIRECT, Location is skipped (no field); without
 * ABOTA_FEATURE_RETRY, Retry-After is skipped (no field); without
 * ABOTA_FEATURE_CONTENT_TYPE, Content-Type is skipped (no field). */

struct abota_http_resp {
    int status;                 /* 100..599 */
    uint8_t version_minor;      /* HTTP/1.0 or HTTP/1.1 */
    bool has_content_length;
    uint32_t content_length;
    bool chunked;               /* Transfer-Encoding: chunked */
    bool connection_close;      /* Connection: close, or HTTP/1.0 without keep-alive */
#if ABOTA_FEATURE_CONTENT_TYPE
    char content_type[ABOTA_HTTP_CTYPE_MAX]; /* media type as sent, "" when none */
#endif
#if ABOTA_FEATURE_RESUME
    char etag[ABOTA_HTTP_ETAG_MAX];          /* with quotes and W/ as sent */
    char last_modified[ABOTA_HTTP_DATE_MAX];
#endif
#if ABOTA_FEATURE_REDIRECT
    char location[ABOTA_URL_MAX];
#endif
#if ABOTA_FEATURE_RESUME
    bool has_content_range;     /* Content-Range: bytes first-last/total */
    bool accept_ranges;         /* Accept-Ranges: bytes */
    uint32_t range_first, range_last, range_total;
#endif
#if ABOTA_FEATURE_RETRY
    uint32_t retry_after;       /* seconds (delta form), or ABOTA_HTTP_NO_RETRY_AFTER */
#endif
};

struct abota_http {
    struct abota_http_resp resp; /* valid once abota_http_headers_done() */
    /* private */
    uint8_t state_;
    uint8_t flags_;              /* Connection tokens seen (F_* in http_parse.c) */
    int16_t err_;                /* sticky error, 0 while healthy */
    bool head_;                  /* response to HEAD: no body */
    uint16_t nheaders_;
    uint16_t line_len_;
    uint32_t skip_len_;          /* length of a header line being skipped */
    uint8_t hdr_;                /* which known header the current line is */
    uint32_t body_left_;         /* Content-Length or chunk bytes still to come */
    uint32_t body_seen_;         /* body bytes delivered so far */
    uint8_t chunk_digits_;
    char line_[ABOTA_HTTP_LINE_MAX + 1];
};

/* Prepares p for one response. head: the request was HEAD (no body follows
 * whatever Content-Length says). */
void abota_http_init(struct abota_http *p, bool head);

/* Feeds len bytes. Returns the count consumed (>= 0) or a negative
 * ABOTA_ERR_HTTP_* code; after an error the parser stays failed.
 * When body bytes were among the consumed ones, *body and *body_len point at
 * them (a span inside in; chunk framing is never part of it); otherwise
 * *body_len is 0. A call consumes less than len when it stops at the end of
 * the headers, at a chunk boundary or at the end of the message: call again
 * with the rest. Bytes after the end of the message are refused with
 * ABOTA_ERR_HTTP_EXTRA_BYTES and never reported as body. */
int abota_http_feed(struct abota_http *p, const uint8_t *in, size_t len,
                    const uint8_t **body, size_t *body_len);

/* The connection closed. 0 when the message is complete (or its body was
 * delimited by the close), else ABOTA_ERR_HTTP_TRUNCATED. */
int abota_http_eof(struct abota_http *p);

bool abota_http_headers_done(const struct abota_http *p);
bool abota_http_done(const struct abota_http *p);
/* Body bytes delivered so far. */
uint32_t abota_http_body_seen(const struct abota_http *p);

/* --- requests --- */

struct abota_http_request {
    const struct abota_url *url;
    bool head;                 /* HEAD instead of GET */
    bool http10;               /* HTTP/1.0 instead of 1.1 */
    bool keep_alive;           /* 1.1: omit "Connection: close" */
    bool has_range;            /* Range: bytes=range_first- */
    uint32_t range_first;
    const char *if_none_match; /* ETag, or NULL */
    const char *if_range;      /* ETag or HTTP date, or NULL (with has_range) */
};

/* Writes the request into buf: request line with the path escaped and always
 * starting with '/', Host (with the port when it is not 80; IPv6 in
 * brackets), Accept: application/octet-stream, Accept-Encoding: identity,
 * User-Agent: abota/<version>, the optional headers (Range, If-Range only
 * with has_range, If-None-Match), "Connection: close" for HTTP/1.1 without
 * keep_alive ("Connection: keep-alive" for HTTP/1.0 with it), and the blank
 * line.
 * Path escaping: RFC 3986 unreserved and reserved characters and valid %XX
 * are kept; spaces, controls, non-ASCII bytes, '"<>\^`{|}#' and a '%' not
 * followed by two hex digits become %XX.
 * Returns the length (no NUL counted; one is written when it fits) or
 * ABOTA_ERR_NOSPACE, leaving nothing half-usable (buf[0] = NUL).
 * ABOTA_ERR_ARG: no URL, empty host, or a control byte (CR, LF...) in the
 * host, If-Range or If-None-Match. ABOTA_ERR_UNSUPPORTED: has_range,
 * if_range or if_none_match set while ABOTA_FEATURE_RESUME is 0. */
int abota_http_request_build(const struct abota_http_request *rq, char *buf, size_t size);

#endif
