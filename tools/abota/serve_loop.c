/* abota serve: the event loop.
 *
 * One thread, one level-triggered epoll set: the listening socket, a
 * signalfd for SIGINT/SIGTERM and every client. A client is in one of four
 * states:
 *   HANDSHAKE  with --tls, until the TLS handshake is done; EPOLLIN or
 *           EPOLLOUT as mbedTLS asks, so a slow client never stalls the others
 *   READ    waiting for (the rest of) a request head; EPOLLIN
 *   WRITE   sending a response head, then file bytes with sendfile; EPOLLOUT
 *           while the socket is full. Nothing is read meanwhile, so
 *           pipelined requests wait in the buffer and are answered in order.
 *   LINGER  after a response that ends the connection: our side is shut
 *           down and what the client still sends is read and dropped for a
 *           moment, so that closing does not turn into a reset that could
 *           destroy the response before the client read it.
 * Every client has a deadline from its last progress; a sweep once a second
 * closes the late ones. Idle keep-alive clients own no input buffer.
 *
 * With --tls the bytes go through mbedTLS (serve_tls.c): file bodies are
 * read into a buffer and written as records instead of sendfile, and
 * requests mbedTLS decrypted ahead (which epoll cannot see) are read before
 * the client is left waiting.
 *
 * The access log goes through serve_log.c, whose own thread writes it:
 * nothing here ever waits for the log's reader. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve.h"
#include "serve_log.h"

#define IN_START 2048u
#define SENDFILE_CHUNK (1u << 20) /* per turn, so one big download cannot starve others */
#define LINGER_MS 2000
#define LINGER_BYTES (1u << 20)
#define ACCEPTS_PER_TURN 256
#define TLS_FILE_BUF 16384u /* file bytes per TLS write: one full record */

enum cstate { C_HANDSHAKE, C_READ, C_WRITE, C_LINGER };

struct conn {
    int fd;
    enum cstate st;
    uint32_t events;           /* current epoll interest */
    struct conn *prev, *next;  /* all clients */
    int64_t active_ms;         /* last progress */
    int64_t head_ms;           /* first byte of the request being read */
    char addr[INET6_ADDRSTRLEN];
    char *in;
    size_t in_len, in_cap;
    struct serve_scan scan;
    bool peer_eof;
    size_t linger_bytes;
    /* the response in progress */
    size_t consumed;           /* request bytes to drop once answered */
    struct serve_resp resp;
    size_t out_off;
    int file_fd;
    off_t file_pos;
    uint64_t file_left;
    uint64_t body_sent;
    /* the request as the log shows it, escaped when it was parsed (the
     * input buffer moves on before the response ends) */
    char req_log[SERVE_LOG_FIELD_SIZE];
    char ref_log[SERVE_LOG_FIELD_SIZE];
    char ua_log[SERVE_LOG_FIELD_SIZE];
    /* --tls: the session, and file bytes read for it but not yet written */
    struct serve_tls_conn *tls;
    char *tls_out;
    size_t tls_out_len, tls_out_off;
    char out[SERVE_HEAD_MAX];
};

struct loop {
    int ep, lfd, sigfd;
    const struct serve_opts *o;
    struct conn *conns;
    size_t nconns;
    bool accept_paused;
    int64_t now_ms, last_sweep_ms;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_events(struct loop *l, struct conn *c, uint32_t ev)
{
    if (c->events == ev)
        return;
    struct epoll_event e = {.events = ev, .data.ptr = c};
    if (epoll_ctl(l->ep, EPOLL_CTL_MOD, c->fd, &e) == 0)
        c->events = ev;
}

/* One line per request, written when it ends or is cut short: the log
 * shows how many body bytes actually went out. */
static void log_request(struct loop *l, struct conn *c)
{
    if (!l->o->log)
        return;
    struct serve_log_entry e = {c->addr, time(NULL), c->req_log, c->resp.status,
                                c->body_sent, c->ref_log, c->ua_log};
    char line[SERVE_LOG_LINE_MAX];
    size_t n = serve_log_access(line, sizeof(line), &e);
    serve_log_put(l->o->log, line, n);
}

static void pause_accept(struct loop *l, bool pause);

static void conn_close(struct loop *l, struct conn *c)
{
    if (c->st == C_WRITE)
        log_request(l, c); /* cut short */
    if (c->file_fd >= 0)
        close(c->file_fd);
    serve_tls_conn_free(c->tls);
    free(c->tls_out);
    close(c->fd);
    free(c->in);
    if (c->prev)
        c->prev->next = c->next;
    else
        l->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    l->nconns--;
    free(c);
    if (l->accept_paused && l->nconns < l->o->max_clients)
        pause_accept(l, false);
}

/* Returns false when the connection was closed (c is freed). */
static bool begin_linger(struct loop *l, struct conn *c)
{
    c->st = C_LINGER;
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = 0;
    if (c->tls && !c->peer_eof)
        serve_tls_close_notify(c->tls);
    if (c->peer_eof || shutdown(c->fd, SHUT_WR)) {
        conn_close(l, c);
        return false;
    }
    c->active_ms = l->now_ms;
    set_events(l, c, EPOLLIN);
    return true;
}

/* A header for the log: escaped, "-" when absent. */
static void log_field(char *dst, struct serve_str v)
{
    if (v.n)
        serve_log_escape(dst, SERVE_LOG_FIELD_SIZE, v.p, v.n);
    else
        strcpy(dst, "-");
}

/* The request as the log shows it: parsed parts, or the raw first line. */
static void set_req_log(struct conn *c, const struct serve_req *r, size_t head_len)
{
    char tmp[SERVE_LOG_FIELD_MAX] = ""; /* gcc cannot tell only n bytes are read */
    size_t n = 0;
    if (r && r->version.n) {
        const struct serve_str *parts[3] = {&r->method, &r->target, &r->version};
        for (int k = 0; k < 3 && n < sizeof(tmp); k++) {
            size_t m = parts[k]->n < sizeof(tmp) - n ? parts[k]->n : sizeof(tmp) - n;
            memcpy(tmp + n, parts[k]->p, m);
            n += m;
            if (k < 2 && n < sizeof(tmp))
                tmp[n++] = ' ';
        }
    } else {
        size_t i = 0;
        while (i < head_len && (c->in[i] == '\r' || c->in[i] == '\n'))
            i++;
        while (i < head_len && c->in[i] != '\r' && c->in[i] != '\n' && n < sizeof(tmp))
            tmp[n++] = c->in[i++];
    }
    serve_log_escape(c->req_log, sizeof(c->req_log), tmp, n);
    log_field(c->ref_log, r ? r->referer : (struct serve_str){NULL, 0});
    log_field(c->ua_log, r ? r->user_agent : (struct serve_str){NULL, 0});
}

static void start_response(struct conn *c, size_t consumed)
{
    c->st = C_WRITE;
    c->consumed = consumed;
    c->out_off = 0;
    c->body_sent = 0;
}

static void answer_error(struct conn *c, int status, size_t head_len)
{
    set_req_log(c, NULL, head_len);
    serve_resp_error(status, NULL, false, time(NULL), c->out, &c->resp);
    start_response(c, c->in_len);
}

static void answer(struct loop *l, struct conn *c, size_t head_len)
{
    struct serve_req r;
    int st = serve_http_parse(c->in, head_len, &r);
    set_req_log(c, &r, head_len);
    time_t now = time(NULL);
    if (st) {
        serve_resp_error(st, NULL, false, now, c->out, &c->resp);
    } else if (r.meth == SERVE_OTHER) {
        serve_resp_error(405, &r, r.keep_alive, now, c->out, &c->resp);
    } else {
        struct serve_file f;
        st = serve_files_open(l->o->root_fd, r.target, &f);
        if (st) {
            serve_resp_error(st, &r, r.keep_alive, now, c->out, &c->resp);
        } else {
            serve_resp_file(&r, &f, now, c->out, &c->resp);
            if (c->resp.file_body) {
                c->file_fd = f.fd;
                c->file_pos = (off_t)c->resp.off;
                c->file_left = c->resp.len;
            } else {
                close(f.fd);
            }
        }
    }
    start_response(c, head_len);
}

/* recv(2) and send(2) for plain and TLS clients alike: a count, 0 at the
 * end (recv), or -1 with errno (EAGAIN: wait for the socket). */
static ssize_t conn_recv(struct conn *c, void *buf, size_t len)
{
    if (!c->tls)
        return recv(c->fd, buf, len, 0);
    long r = serve_tls_read(c->tls, buf, len);
    if (r >= 0)
        return r;
    errno = r == SERVE_TLS_FAILED ? ECONNRESET : EAGAIN;
    return -1;
}

static ssize_t conn_send(struct conn *c, const void *buf, size_t len, bool more)
{
    if (!c->tls)
        return send(c->fd, buf, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    long r = serve_tls_write(c->tls, buf, len);
    if (r > 0)
        return r;
    errno = r == SERVE_TLS_FAILED ? EPIPE : EAGAIN;
    return -1;
}

/* sendfile for a TLS client: file bytes through a buffer, at most chunk
 * of them; a write that must wait is repeated with the same bytes. Like
 * sendfile: a count, 0 when the file ended early, -1 with errno. */
static ssize_t tls_sendfile(struct conn *c, size_t chunk)
{
    if (c->tls_out_off == c->tls_out_len) {
        if (!c->tls_out && !(c->tls_out = malloc(TLS_FILE_BUF)))
            return -1;
        ssize_t n = pread(c->file_fd, c->tls_out, chunk < TLS_FILE_BUF ? chunk : TLS_FILE_BUF,
                          c->file_pos);
        if (n <= 0)
            return n;
        c->tls_out_len = (size_t)n;
        c->tls_out_off = 0;
    }
    ssize_t w = conn_send(c, c->tls_out + c->tls_out_off, c->tls_out_len - c->tls_out_off, true);
    if (w > 0) {
        c->tls_out_off += (size_t)w;
        c->file_pos += w;
    }
    return w;
}

/* Sends what the socket takes. Returns 1 when the response is complete,
 * 0 when waiting for EPOLLOUT, -1 when the client is gone (closed). */
static int write_some(struct loop *l, struct conn *c)
{
    while (c->out_off < c->resp.out_len) {
        ssize_t n = conn_send(c, c->out + c->out_off, c->resp.out_len - c->out_off,
                              c->file_left != 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_events(l, c, EPOLLOUT);
                return 0;
            }
            conn_close(l, c);
            return -1;
        }
        size_t head = c->resp.out_len - c->resp.inline_body;
        size_t before = c->out_off;
        c->out_off += (size_t)n;
        if (c->out_off > head)
            c->body_sent += c->out_off - (before > head ? before : head);
        c->active_ms = l->now_ms;
    }
    if (c->file_left) {
        size_t chunk = c->file_left < SENDFILE_CHUNK ? (size_t)c->file_left : SENDFILE_CHUNK;
        ssize_t n = c->tls ? tls_sendfile(c, chunk) : sendfile(c->fd, c->file_fd, &c->file_pos, chunk);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            set_events(l, c, EPOLLOUT);
            return 0;
        }
        if (n <= 0) { /* error, or the file shrank under us: the length promised is a lie */
            conn_close(l, c);
            return -1;
        }
        c->file_left -= (uint64_t)n;
        c->body_sent += (uint64_t)n;
        c->active_ms = l->now_ms;
        if (c->file_left) {
            set_events(l, c, EPOLLOUT); /* the next turn continues */
            return 0;
        }
    }
    return 1;
}

/* Returns false when the connection was closed (c is freed): the caller
 * must not touch c again. */
static bool finish_response(struct loop *l, struct conn *c)
{
    log_request(l, c);
    if (c->file_fd >= 0) {
        close(c->file_fd);
        c->file_fd = -1;
    }
    if (!c->resp.keep_alive)
        return begin_linger(l, c);
    c->st = C_READ;
    c->in_len -= c->consumed;
    memmove(c->in, c->in + c->consumed, c->in_len);
    memset(&c->scan, 0, sizeof(c->scan));
    c->head_ms = l->now_ms; /* a pipelined request starts now */
    if (!c->in_len) {
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
    return true;
}

/* Answers every complete request in the buffer, in order, as far as the
 * socket takes them. */
static void on_readable(struct loop *l, struct conn *c);

static void process(struct loop *l, struct conn *c)
{
    while (c->st == C_READ) {
        long r = c->in_len ? serve_http_frame(c->in, c->in_len, &c->scan) : 0;
        if (r == 0) {
            if (c->tls && !c->peer_eof && serve_tls_pending(c->tls)) {
                on_readable(l, c); /* bytes epoll will not announce */
                return;
            }
            if (c->peer_eof) {
                conn_close(l, c);
                return;
            }
            set_events(l, c, EPOLLIN);
            return;
        }
        if (r < 0)
            answer_error(c, (int)-r, c->in_len);
        else
            answer(l, c, (size_t)r);
        int w = write_some(l, c);
        if (w < 0)
            return;
        if (w == 0)
            return;
        if (!finish_response(l, c))
            return;
    }
}

static void on_readable(struct loop *l, struct conn *c)
{
    if (c->st == C_LINGER) {
        char junk[4096];
        ssize_t n = recv(c->fd, junk, sizeof(junk), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        c->linger_bytes += n > 0 ? (size_t)n : 0;
        if (n <= 0 || c->linger_bytes > LINGER_BYTES)
            conn_close(l, c);
        return;
    }
    if (c->st != C_READ)
        return;
    if (c->in_len == c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap * 2 : IN_START;
        if (cap > SERVE_IN_MAX)
            cap = SERVE_IN_MAX;
        if (cap == c->in_cap) { /* cannot happen: framing fails before the buffer fills */
            conn_close(l, c);
            return;
        }
        char *p = realloc(c->in, cap);
        if (!p) {
            conn_close(l, c);
            return;
        }
        c->in = p;
        c->in_cap = cap;
    }
    ssize_t n = conn_recv(c, c->in + c->in_len, c->in_cap - c->in_len);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        conn_close(l, c);
        return;
    }
    if (n == 0)
        c->peer_eof = true;
    if (c->in_len == 0)
        c->head_ms = l->now_ms;
    c->in_len += (size_t)n;
    c->active_ms = l->now_ms;
    process(l, c);
}

/* The next step of a TLS handshake; once done the client is read like any
 * other (mbedTLS may hold its request already). */
static void on_handshake(struct loop *l, struct conn *c)
{
    long r = serve_tls_handshake(c->tls);
    if (r == SERVE_TLS_WANT_READ || r == SERVE_TLS_WANT_WRITE) {
        set_events(l, c, r == SERVE_TLS_WANT_READ ? EPOLLIN : EPOLLOUT);
        return;
    }
    if (r < 0) {
        if (l->o->log) {
            char line[INET6_ADDRSTRLEN + 32];
            int n = snprintf(line, sizeof(line), "%s TLS handshake failed\n", c->addr);
            if (n > 0 && (size_t)n < sizeof(line))
                serve_log_put(l->o->log, line, (size_t)n);
        }
        conn_close(l, c);
        return;
    }
    c->st = C_READ;
    c->active_ms = l->now_ms;
    set_events(l, c, EPOLLIN);
    on_readable(l, c);
}

static void on_writable(struct loop *l, struct conn *c)
{
    if (c->st != C_WRITE)
        return;
    int w = write_some(l, c);
    if (w <= 0)
        return;
    if (finish_response(l, c))
        process(l, c);
}

static void pause_accept(struct loop *l, bool pause)
{
    struct epoll_event e = {.events = pause ? 0 : EPOLLIN, .data.ptr = &l->lfd};
    if (epoll_ctl(l->ep, EPOLL_CTL_MOD, l->lfd, &e) == 0)
        l->accept_paused = pause;
}

static void on_accept(struct loop *l)
{
    for (int k = 0; k < ACCEPTS_PER_TURN; k++) {
        if (l->nconns >= l->o->max_clients) {
            /* At the cap: the rest wait in the listen queue (conn_close
             * resumes), instead of each costing memory and descriptors. */
            pause_accept(l, true);
            return;
        }
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(l->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors: stop accepting until the next sweep
                 * rather than spin on a socket that stays readable. */
                pause_accept(l, true);
            }
            return;
        }
        struct conn *c = calloc(1, sizeof(*c));
        if (!c) {
            close(fd);
            pause_accept(l, true);
            return;
        }
        c->fd = fd;
        c->file_fd = -1;
        c->active_ms = l->now_ms;
        c->st = C_READ;
        if (l->o->tls) {
            c->st = C_HANDSHAKE;
            if (!(c->tls = serve_tls_accept(l->o->tls, fd))) {
                close(fd);
                free(c);
                pause_accept(l, true);
                return;
            }
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)&ss;
            inet_ntop(AF_INET6, &a6->sin6_addr, c->addr, sizeof(c->addr));
        } else if (ss.ss_family == AF_INET) {
            const struct sockaddr_in *a4 = (const struct sockaddr_in *)(const void *)&ss;
            inet_ntop(AF_INET, &a4->sin_addr, c->addr, sizeof(c->addr));
        } else {
            snprintf(c->addr, sizeof(c->addr), "-");
        }
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &e)) {
            serve_tls_conn_free(c->tls);
            close(fd);
            free(c);
            continue;
        }
        c->events = EPOLLIN;
        c->next = l->conns;
        if (l->conns)
            l->conns->prev = c;
        l->conns = c;
        l->nconns++;
    }
}

static void sweep(struct loop *l)
{
    int64_t idle_ms = (int64_t)l->o->idle_s * 1000;
    struct conn *c = l->conns;
    while (c) {
        struct conn *next = c->next;
        int64_t limit = c->st == C_LINGER ? LINGER_MS : idle_ms;
        /* A request head must be complete within the idle limit of its
         * first byte: a client dripping one byte at a time (slowloris)
         * never looks idle, but cannot hold a connection forever. */
        bool slow_head = c->st == C_READ && c->in_len > 0 && l->now_ms - c->head_ms >= idle_ms;
        if (l->now_ms - c->active_ms >= limit || slow_head)
            conn_close(l, c);
        c = next;
    }
    if (l->accept_paused && l->nconns < l->o->max_clients)
        pause_accept(l, false);
    l->last_sweep_ms = l->now_ms;
}

int serve_loop_run(int listen_fd, const struct serve_opts *o)
{
    struct loop l;
    memset(&l, 0, sizeof(l));
    l.o = o;
    l.lfd = listen_fd;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    if (sigprocmask(SIG_BLOCK, &set, NULL) ||
        (l.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        (l.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        perror("abota serve: setting up the event loop");
        return 1;
    }
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = &l.lfd};
    struct epoll_event es = {.events = EPOLLIN, .data.ptr = &l.sigfd};
    if (epoll_ctl(l.ep, EPOLL_CTL_ADD, l.lfd, &e) || epoll_ctl(l.ep, EPOLL_CTL_ADD, l.sigfd, &es)) {
        perror("abota serve: epoll_ctl");
        return 1;
    }
    l.now_ms = l.last_sweep_ms = mono_ms();
    bool running = true;
    struct epoll_event evs[256];
    while (running) {
        int n = epoll_wait(l.ep, evs, 256, 1000);
        if (n < 0 && errno != EINTR) {
            perror("abota serve: epoll_wait");
            break;
        }
        l.now_ms = mono_ms();
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &l.lfd) {
                on_accept(&l);
            } else if (p == &l.sigfd) {
                struct signalfd_siginfo si;
                if (read(l.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                    running = false;
            } else {
                struct conn *c = p;
                /* A client closed earlier in this batch cannot appear again:
                 * each fd is reported once per epoll_wait. */
                uint32_t ev = evs[i].events;
                if (c->st == C_HANDSHAKE)
                    on_handshake(&l, c);
                else if (ev & EPOLLOUT)
                    on_writable(&l, c);
                else if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    on_readable(&l, c);
            }
        }
        if (l.now_ms - l.last_sweep_ms >= 1000)
            sweep(&l);
    }
    while (l.conns)
        conn_close(&l, l.conns);
    close(l.ep);
    close(l.sigfd);
    return 0;
}
