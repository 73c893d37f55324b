/* Compile-time configuration. Every option has a default a build can override
 * with -D or by providing "abota_user_config.h" (define ABOTA_USER_CONFIG). */
#ifndef ABOTA_CONFIG_H
#define ABOTA_CONFIG_H

#ifdef ABOTA_USER_CONFIG
#include "abota_user_config.h"
#endif

/* Longest HTTP status or header line the parser buffers (bytes, without CRLF).
 * Lines of headers abota does not use are skipped, not buffered, and are only
 * bounded by ABOTA_HTTP_SKIP_LINE_MAX. */
#ifndef ABOTA_HTTP_LINE_MAX
#define ABOTA_HTTP_LINE_MAX 256
#endif

/* Longest header line of a header abota ignores. */
#ifndef ABOTA_HTTP_SKIP_LINE_MAX
#define ABOTA_HTTP_SKIP_LINE_MAX 8192
#endif

/* Most header lines in one response. */
#ifndef ABOTA_HTTP_MAX_HEADERS
#define ABOTA_HTTP_MAX_HEADERS 64
#endif

/* Stored copies of header values, NUL-terminated (sizes include the NUL). */
#ifndef ABOTA_HTTP_ETAG_MAX
#define ABOTA_HTTP_ETAG_MAX 72
#endif
#ifndef ABOTA_HTTP_DATE_MAX
#define ABOTA_HTTP_DATE_MAX 40
#endif
#ifndef ABOTA_HTTP_CTYPE_MAX
#define ABOTA_HTTP_CTYPE_MAX 64
#endif
#ifndef ABOTA_URL_MAX
#define ABOTA_URL_MAX 256
#endif
#ifndef ABOTA_URL_HOST_MAX
#define ABOTA_URL_HOST_MAX 128
#endif

/* Largest write alignment the slot writer supports (it buffers this much). */
#ifndef ABOTA_WRITE_ALIGN_MAX
#define ABOTA_WRITE_ALIGN_MAX 16
#endif

/* Scratch buffer on the stack for re-reading flash during verification. */
#ifndef ABOTA_VERIFY_CHUNK
#define ABOTA_VERIFY_CHUNK 256
#endif

#if ABOTA_HTTP_LINE_MAX < 64
#error "ABOTA_HTTP_LINE_MAX must be at least 64"
#endif
#if ABOTA_URL_HOST_MAX >= ABOTA_URL_MAX
#error "ABOTA_URL_HOST_MAX must be smaller than ABOTA_URL_MAX"
#endif
#if (ABOTA_WRITE_ALIGN_MAX & (ABOTA_WRITE_ALIGN_MAX - 1)) != 0
#error "ABOTA_WRITE_ALIGN_MAX must be a power of two"
#endif
#if ABOTA_VERIFY_CHUNK < 64 || (ABOTA_VERIFY_CHUNK % 16) != 0
#error "ABOTA_VERIFY_CHUNK must be a multiple of 16, at least 64"
#endif

#endif
