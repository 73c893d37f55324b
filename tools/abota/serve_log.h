/* abota serve's access log: lines in the combined format, written by a
 * thread of their own so that a log nobody reads (a full pipe, a terminal
 * on hold) never stops the event loop.
 *
 * The loop puts whole lines into a bounded ring and goes on; the writer
 * thread empties the ring into the log's descriptor with plain blocking
 * writes, in batches: lines gather for a moment after the first one. A line that does not fit is dropped and counted, and once the
 * ring has room again the count goes into the log as a line of its own:
 *   abota serve: N log lines dropped
 * Memory is bounded by the ring, whatever the log's reader does. */
#ifndef ABOTA_SERVE_LOG_H
#define ABOTA_SERVE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Bytes waiting for the log, at most: some 2000 typical lines, so a log
 * writer that the scheduler leaves out for a moment loses none. */
#define SERVE_LOG_RING (256u * 1024u)
#define SERVE_LOG_LINE_MAX 1024u     /* longest line serve_log_access() makes */
#define SERVE_LOG_FIELD_MAX 256u     /* escaped request, Referer, User-Agent */
/* Room for a field escaped by serve_log_escape(): SERVE_LOG_FIELD_MAX
 * bytes shown, then "..." when cut, and the NUL. */
#define SERVE_LOG_FIELD_SIZE (SERVE_LOG_FIELD_MAX + 4u)

/* --- the ring: no locking, no I/O (the writer below adds both) --- */

/* Bytes [head, head + len) of buf (modulo cap) wait to be written. Lines
 * go in whole or not at all, so a reader of the log never sees half of
 * one unless the descriptor itself fails. */
struct serve_ring {
    char *buf;
    size_t cap;
    size_t head;      /* first byte not yet written */
    size_t len;       /* bytes waiting */
    uint64_t dropped; /* lines lost since the last notice went in */
};

void serve_ring_init(struct serve_ring *r, char *buf, size_t cap);
/* Appends line[0, n) when it fits, after the notice of earlier drops
 * (which must fit first, to keep the log in order). Otherwise counts the
 * line as dropped and returns false. */
bool serve_ring_put(struct serve_ring *r, const char *line, size_t n);
/* The waiting bytes that are contiguous in the buffer: their count, and
 * *p at the first one. 0 when the ring is empty. */
size_t serve_ring_peek(const struct serve_ring *r, const char **p);
/* Forgets the first n waiting bytes (n <= what is waiting). */
void serve_ring_consume(struct serve_ring *r, size_t n);
/* With lines dropped and room for it, appends the notice line and resets
 * the count. True when nothing is left unreported. */
bool serve_ring_note_drops(struct serve_ring *r);

/* --- lines --- */

/* src[0, n) for a quoted log field, into dst[cap] (cap >= 8): quotes,
 * backslashes, control and non-ASCII bytes as \xHH, so a line stays one
 * line whatever a client sends; cut with "..." where it would not fit.
 * Returns the length written (dst is NUL-terminated). */
size_t serve_log_escape(char *dst, size_t cap, const char *src, size_t n);

/* One request, as the access log shows it. The strings are escaped
 * already (serve_log_escape); referer and agent are "-" when absent. */
struct serve_log_entry {
    const char *addr;
    time_t when;
    const char *request; /* "METHOD TARGET VERSION", or the raw first line */
    int status;
    uint64_t bytes;      /* body bytes that went out */
    const char *referer;
    const char *agent;
};

/* The entry in the combined format (nginx's and Apache's "combined"),
 * local time with its UTC offset, ending in a newline:
 *   ADDR - - [06/Dec/2026:04:20:01 +0000] "GET /user1.bin HTTP/1.1" 200 1234 "-" "UA"
 * into out[cap] (cap >= 2). Returns the length, never more than cap - 1. */
size_t serve_log_access(char *out, size_t cap, const struct serve_log_entry *e);

/* --- the writer --- */

struct serve_log;

/* A ring and its writer thread for fd (which stays the caller's, and must
 * stay open until serve_log_close). NULL when out of memory or threads. */
struct serve_log *serve_log_open(int fd);
/* Queues line[0, n); never waits for the log. Lines after a failed write
 * (EPIPE: nobody will ever read) are discarded. */
void serve_log_put(struct serve_log *l, const char *line, size_t n);
/* Reports any drops, gives the writer up to wait_ms to empty the ring,
 * then stops it (abandoning what a log nobody reads did not take) and
 * frees everything. NULL is allowed. */
void serve_log_close(struct serve_log *l, unsigned wait_ms);

#endif
