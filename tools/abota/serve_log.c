/* abota serve's access log: the ring, the line format and the writer
 * thread (serve_log.h says why there is one). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve_log.h"

/* --- the ring --- */

void serve_ring_init(struct serve_ring *r, char *buf, size_t cap)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->cap = cap;
}

/* Copies in at the tail, wrapping; the caller checked the room. */
static void ring_append(struct serve_ring *r, const char *p, size_t n)
{
    size_t tail = (r->head + r->len) % r->cap;
    size_t first = n < r->cap - tail ? n : r->cap - tail;
    memcpy(r->buf + tail, p, first);
    memcpy(r->buf, p + first, n - first);
    r->len += n;
}

/* The notice of the lines dropped so far into note[64]: its length, 0
 * when none were. */
static size_t drops_note(const struct serve_ring *r, char note[64])
{
    if (!r->dropped)
        return 0;
    int n = snprintf(note, 64, "abota serve: %llu log line%s dropped\n",
                     (unsigned long long)r->dropped, r->dropped == 1 ? "" : "s");
    return n > 0 && n < 64 ? (size_t)n : 0;
}

bool serve_ring_note_drops(struct serve_ring *r)
{
    char note[64];
    size_t k = drops_note(r, note);
    if (k > r->cap - r->len)
        return false;
    ring_append(r, note, k);
    r->dropped = 0;
    return true;
}

bool serve_ring_put(struct serve_ring *r, const char *line, size_t n)
{
    /* The notice goes first, to keep the log in order, and only with the
     * line: a notice for every line that then does not fit says little. */
    char note[64];
    size_t k = drops_note(r, note);
    if (n > r->cap - r->len || k > r->cap - r->len - n) {
        r->dropped++;
        return false;
    }
    ring_append(r, note, k);
    r->dropped = 0;
    ring_append(r, line, n);
    return true;
}

size_t serve_ring_peek(const struct serve_ring *r, const char **p)
{
    *p = r->buf + r->head;
    return r->len < r->cap - r->head ? r->len : r->cap - r->head;
}

void serve_ring_consume(struct serve_ring *r, size_t n)
{
    if (n > r->len)
        n = r->len;
    r->head = (r->head + n) % r->cap;
    r->len -= n;
    if (!r->len)
        r->head = 0; /* keeps the next lines contiguous: one write each */
}

/* --- lines --- */

size_t serve_log_escape(char *dst, size_t cap, const char *src, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)src[i];
        bool esc = ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\';
        if (o + (esc ? 4 : 1) > cap - 4) { /* keep room for "..." and the NUL */
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (esc) {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[ch >> 4];
            dst[o++] = hex[ch & 15];
        } else {
            dst[o++] = (char)ch;
        }
    }
    dst[o] = '\0';
    return o;
}

size_t serve_log_access(char *out, size_t cap, const struct serve_log_entry *e)
{
    /* %b is the English month name: the CLI never calls setlocale. */
    char when[40] = "-";
    struct tm tm;
    if (localtime_r(&e->when, &tm) && !strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm))
        strcpy(when, "-");
    int n = snprintf(out, cap, "%s - - [%s] \"%s\" %d %llu \"%s\" \"%s\"\n", e->addr, when,
                     e->request, e->status, (unsigned long long)e->bytes, e->referer, e->agent);
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    if ((size_t)n >= cap) { /* cannot happen with the bounded fields: still one line */
        out[cap - 2] = '\n';
        return cap - 1;
    }
    return (size_t)n;
}

/* --- the writer --- */

/* How long the writer lets lines gather after the first one, so a busy
 * server costs one write and one wake-up per batch, not per request. */
#define GATHER_MS 50

struct serve_log {
    int fd;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stopping;   /* empty the ring, then end */
    bool failed;     /* a write failed: nothing more is logged */
    struct serve_ring ring;
    char buf[SERVE_LOG_RING];
};

/* write(2), the one place the writer thread may be cancelled: a log
 * nobody reads blocks there, and never while the lock is held. */
static ssize_t write_cancellable(int fd, const void *p, size_t n, int *err)
{
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    ssize_t w = write(fd, p, n);
    *err = errno;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    return w;
}

/* The ring is half full: write it out now rather than at the end of the
 * gathering time, so a burst is not dropped for want of room. */
static bool ring_pressed(const struct serve_ring *r)
{
    return r->len >= r->cap / 2;
}

/* now + ms on the wake condition's clock (CLOCK_MONOTONIC). */
static struct timespec deadline_in(unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static void *writer(void *arg)
{
    struct serve_log *l = arg;
    bool gathered = false; /* the waiting lines had their time to gather */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    pthread_mutex_lock(&l->mu);
    for (;;) {
        const char *p;
        size_t n = serve_ring_peek(&l->ring, &p);
        if (!n) {
            if (l->stopping)
                break;
            gathered = false;
            pthread_cond_wait(&l->wake, &l->mu);
            continue;
        }
        if (!gathered && !l->stopping && !ring_pressed(&l->ring)) {
            /* Woken early by pressure or the stop; a spurious wake-up
             * only makes this batch smaller. */
            struct timespec until = deadline_in(GATHER_MS);
            pthread_cond_timedwait(&l->wake, &l->mu, &until);
            gathered = true;
            continue;
        }
        /* The loop only appends past these bytes, so they stay put. */
        pthread_mutex_unlock(&l->mu);
        int err;
        ssize_t w = write_cancellable(l->fd, p, n, &err);
        pthread_mutex_lock(&l->mu);
        if (w > 0) {
            serve_ring_consume(&l->ring, (size_t)w);
            serve_ring_note_drops(&l->ring); /* room again: say what was lost */
        } else if (!(w < 0 && err == EINTR)) {
            /* EPIPE (the reader is gone), a full disk...: stop logging
             * rather than retry a log that takes nothing. */
            l->failed = true;
            serve_ring_consume(&l->ring, l->ring.len);
            pthread_mutex_unlock(&l->mu);
            char msg[128];
            int m = snprintf(msg, sizeof(msg), "abota serve: writing the log: %s; no more log lines\n",
                             w < 0 ? strerror(err) : "nothing written");
            if (m > 0 && (size_t)m < sizeof(msg))
                write_cancellable(2, msg, (size_t)m, &err);
            pthread_mutex_lock(&l->mu);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

/* The wake condition, timed on CLOCK_MONOTONIC like deadline_in(): a
 * clock set back must not stretch a wait. */
static bool wake_init(pthread_cond_t *c)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca))
        return false;
    bool ok = !pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) && !pthread_cond_init(c, &ca);
    pthread_condattr_destroy(&ca);
    return ok;
}

struct serve_log *serve_log_open(int fd)
{
    struct serve_log *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    l->fd = fd;
    serve_ring_init(&l->ring, l->buf, sizeof(l->buf));
    if (pthread_mutex_init(&l->mu, NULL)) {
        free(l);
        return NULL;
    }
    if (!wake_init(&l->wake)) {
        pthread_mutex_destroy(&l->mu);
        free(l);
        return NULL;
    }
    /* Signals stay with the loop's signalfd: the writer blocks them all. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&l->thread, NULL, writer, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        pthread_cond_destroy(&l->wake);
        pthread_mutex_destroy(&l->mu);
        free(l);
        return NULL;
    }
    return l;
}

void serve_log_put(struct serve_log *l, const char *line, size_t n)
{
    pthread_mutex_lock(&l->mu);
    /* The writer needs waking only for a first line (it waits on an empty
     * ring) and under pressure (it may be gathering); otherwise it comes
     * back for these bytes by itself, and a wake-up is a wasted syscall. */
    bool idle = l->ring.len == 0, pressed = ring_pressed(&l->ring);
    if (!l->failed && serve_ring_put(&l->ring, line, n) &&
        (idle || (!pressed && ring_pressed(&l->ring))))
        pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->mu);
}

void serve_log_close(struct serve_log *l, unsigned wait_ms)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    if (!l->failed)
        serve_ring_note_drops(&l->ring);
    l->stopping = true;
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->mu);

    struct timespec until = deadline_in(wait_ms);
    if (pthread_clockjoin_np(l->thread, NULL, CLOCK_MONOTONIC, &until)) {
        /* Still blocked on a log nobody reads: what it holds is lost. */
        pthread_cancel(l->thread);
        pthread_join(l->thread, NULL);
    }
    pthread_cond_destroy(&l->wake);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
