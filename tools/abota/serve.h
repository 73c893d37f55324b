/* abota serve: a small HTTP/1.x file server for firmware images.
 *
 * cmd_serve.c   options, listening socket, startup line
 * serve_loop.c  the epoll loop: connections, reads, writes, timeouts, signals
 * serve_http.c  request head parsing, Range and conditional headers, dates
 * serve_files.c request path decoding and checking, opening files under DIR
 * serve_tls.c   --tls: mbedTLS on the loop's non-blocking sockets
 * serve_log.c   the access log, written by its own thread (serve_log.h)
 *
 * Everything here is private to the CLI. */
#ifndef ABOTA_SERVE_H
#define ABOTA_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Limits on what a client may send (answers: 414, 431). */
#define SERVE_LINE_MAX 8192u     /* request line, without CRLF */
#define SERVE_HEADERS_MAX 16384u /* all header lines with their CRLFs */
#define SERVE_HEADER_LINES_MAX 100u
/* Room for one request head plus some pipelined bytes. */
/* Leading empty lines (<= SERVE_LINE_MAX bytes) + request line + headers,
 * so framing always fails before the buffer is full. */
#define SERVE_IN_MAX (2 * SERVE_LINE_MAX + SERVE_HEADERS_MAX + 8192u)

struct serve_tls;
struct serve_log;

struct serve_opts {
    const char *bind;     /* address or host name to listen on */
    unsigned port;        /* 0: the kernel picks one */
    unsigned idle_s;      /* close clients idle this long */
    int root_fd;          /* O_PATH|O_DIRECTORY descriptor of DIR */
    const char *root;     /* DIR's real path, for the log */
    struct serve_tls *tls; /* --tls: every client speaks TLS; NULL: plain HTTP */
    unsigned max_clients;  /* connections served at once; more wait in the backlog */
    struct serve_log *log; /* the access log; NULL: --quiet */
};

/* A span inside the request buffer (not NUL-terminated). */
struct serve_str {
    const char *p;
    size_t n;
};

enum serve_method { SERVE_GET, SERVE_HEAD, SERVE_OTHER };

/* One parsed request head; spans point into the caller's buffer. */
struct serve_req {
    struct serve_str method, target, version;
    enum serve_method meth;
    int minor;              /* 0 or 1: HTTP/1.minor */
    bool keep_alive;        /* after Connection and the version default */
    bool has_body;          /* Content-Length > 0 or Transfer-Encoding: do not reuse */
    struct serve_str host;
    struct serve_str range, if_range, if_none_match, if_modified_since;
    struct serve_str if_match, if_unmodified_since;
    struct serve_str referer, user_agent; /* for the access log */
    unsigned n_range;       /* how many Range headers were sent */
};

/* --- serve_http.c --- */

/* Incremental framing of a request head in buf[0, len): *scan keeps the
 * position across calls (start at 0 for each request). Returns the head's
 * length when complete, 0 when more bytes are needed, or a negative HTTP
 * status (-400, -414, -431) when a limit is exceeded. */
struct serve_scan {
    size_t pos;          /* next byte to look at */
    size_t line_start;   /* start of the current line */
    size_t hdr_start;    /* 0 until the request line ended, then where headers start */
    unsigned lines;      /* header lines seen */
};
long serve_http_frame(const char *buf, size_t len, struct serve_scan *s);

/* Parses a complete head (as framed above). Returns 0 or an HTTP status to
 * answer with (400, 505). On error req->method etc. may still be set for the
 * log. */
int serve_http_parse(const char *buf, size_t len, struct serve_req *req);

/* Single byte range against a file of size bytes. */
enum serve_range { SERVE_RANGE_NONE, SERVE_RANGE_OK, SERVE_RANGE_UNSATISFIABLE };
enum serve_range serve_http_range(struct serve_str v, uint64_t size, uint64_t *first,
                                  uint64_t *last);

/* HTTP-date (IMF-fixdate, RFC 850, asctime) to seconds since the epoch.
 * Returns false when v is not a date. */
bool serve_http_date_parse(struct serve_str v, time_t *out);
/* IMF-fixdate into out[30]. */
void serve_http_date_fmt(time_t t, char out[30]);

/* Entity-tag list matching (If-None-Match weak, If-Match strong). etag is
 * the quoted tag. "*" matches any. */
bool serve_http_etag_match(struct serve_str list, const char *etag, bool weak);

/* Case-insensitive equality of a span and a C string. */
bool serve_str_eq(struct serve_str s, const char *lit);

/* --- serve_files.c --- */

struct serve_file {
    int fd;
    uint64_t size;
    time_t mtime;            /* seconds, for Last-Modified */
    char etag[48];           /* "size-mtime_ns" in hex, quoted */
    const char *ctype;
};

/* Longest decoded request path, and room for the normalised one. */
#define SERVE_PATH_MAX 4096u

/* The path of a request target (origin-form, absolute-form, or relative as
 * Espressif's ota_demo sends it; query and fragment dropped), percent-decoded
 * once and normalised into rel[cap]: relative, NUL-terminated, segments
 * joined by one '/', no empty or "." segment, "" for DIR itself. Returns 0,
 * or an HTTP status: 400 (empty target, bad escape, NUL), 403 (a ".."
 * segment), 414 (decoded longer than SERVE_PATH_MAX, or the result and a
 * separator do not fit in cap). On error rel's content is unspecified. */
int serve_files_path(struct serve_str target, char *rel, size_t cap);

/* Maps a request target to an open regular file under the root.
 * Returns 0, or an HTTP status (400 bad encoding, 403 refused, 404). */
int serve_files_open(int root_fd, struct serve_str target, struct serve_file *f);

/* --- serve_resp.c --- */

/* One response: a head (and for errors a short text body) in a buffer,
 * then optionally file bytes [off, off + len) sent with sendfile. */
struct serve_resp {
    int status;
    size_t out_len;      /* bytes in the buffer */
    size_t inline_body;  /* of which the last ones are body */
    bool file_body;
    uint64_t off, len;
    bool keep_alive;
};

#define SERVE_HEAD_MAX 1536u

/* Answer to r for the open file f (Range, conditionals, HEAD). */
void serve_resp_file(const struct serve_req *r, const struct serve_file *f, time_t now,
                     char *out, struct serve_resp *resp);
/* An error answer; r may be NULL when the request could not be parsed. */
void serve_resp_error(int status, const struct serve_req *r, bool keep_alive, time_t now,
                      char *out, struct serve_resp *resp);

/* --- serve_tls.c --- */

/* What a TLS call returns besides a count (> 0) and 0 (the client closed). */
#define SERVE_TLS_WANT_READ (-1L)  /* call again once the socket is readable */
#define SERVE_TLS_WANT_WRITE (-2L) /* call again once it is writable */
#define SERVE_TLS_FAILED (-3L)     /* the connection is lost */

struct serve_tls_conn;

/* The server's certificate (PEM, the chain after it) and key. 0, or -1
 * with the reason on stderr. */
int serve_tls_init(struct serve_tls **out, const char *cert, const char *key);
void serve_tls_free(struct serve_tls *t);

/* A TLS session on the accepted non-blocking socket fd (which stays the
 * caller's); NULL when out of memory. */
struct serve_tls_conn *serve_tls_accept(struct serve_tls *t, int fd);
void serve_tls_conn_free(struct serve_tls_conn *c);

/* The handshake's next step: > 0 done, or a SERVE_TLS_* value. */
long serve_tls_handshake(struct serve_tls_conn *c);
/* Like recv and send; a write that wants to wait must be repeated with the
 * same buffer and length. */
long serve_tls_read(struct serve_tls_conn *c, void *buf, size_t len);
long serve_tls_write(struct serve_tls_conn *c, const void *buf, size_t len);
/* Decrypted bytes mbedTLS holds that no read took yet (epoll cannot see
 * them). */
size_t serve_tls_pending(const struct serve_tls_conn *c);
/* Sends close_notify if the socket takes it now. */
void serve_tls_close_notify(struct serve_tls_conn *c);

/* --- serve_loop.c --- */

/* Runs until SIGINT/SIGTERM. listen_fd is a non-blocking listening socket.
 * Returns the process exit status. */
int serve_loop_run(int listen_fd, const struct serve_opts *o);

#endif
