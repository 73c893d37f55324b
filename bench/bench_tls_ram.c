/* What one HTTPS connection of the POSIX TLS port (posix_tls.c, mbedTLS
 * 2.28) costs in heap: every malloc/calloc/realloc/free of the process,
 * mbedTLS's included (Debian builds it without MBEDTLS_PLATFORM_MEMORY, so
 * it calls the C library's allocator, which this program replaces with a
 * counting one on top of glibc's), counted as bytes in use and their peak.
 *
 *   bench_tls_ram --url https://HOST:PORT/FILE (--ca CA.pem | --pin HEX)
 *                 [--max-fragment N] [--runs N]
 *
 * Each run: connect_tls (TCP, handshake, verification), one GET with
 * Connection: close, the whole body read through a 1460-byte buffer (as
 * the device does), close. Prints one line of key=value pairs:
 *   config     bytes held between connections (CA chain, random generator,
 *              mbedTLS configuration): paid once per device
 *   peak       the highest heap in use during the connection, above config:
 *              the per-connection cost (handshake: certificate chain,
 *              key exchange; record buffers)
 *   session    heap in use above config once the handshake is done, while
 *              the body streams (what a connection holds when it is idle)
 *   iobuf      of which mbedTLS's two record buffers (compile-time sizes:
 *              16 KiB of content each in Debian's build, whatever the
 *              max_fragment_length), and ovh the bytes each buffer holds
 *              beyond its content (header, IV, MAC, padding)
 *   record     the longest record the server may send (max_fragment_length
 *              when it accepted one)
 *   received, ms  bytes received (head and body) and the median time of
 *              a run */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ssl_internal.h>

#include "abota/error.h"
#include "abota/http.h"
#include "abota/port_posix.h"
#include "abota/url.h"
#include "bench_util.h"

/* --- a counting allocator: glibc's, with the bytes in use tracked --- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static size_t in_use, peak;

static void *counted(void *p)
{
    if (p) {
        in_use += malloc_usable_size(p);
        if (in_use > peak)
            peak = in_use;
    }
    return p;
}

void *malloc(size_t n)
{
    return counted(__libc_malloc(n));
}

void *calloc(size_t n, size_t m)
{
    return counted(__libc_calloc(n, m));
}

void free(void *p)
{
    if (p)
        in_use -= malloc_usable_size(p);
    __libc_free(p);
}

void *realloc(void *p, size_t n)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);
    if (q || n == 0)
        in_use -= old;
    return counted(q);
}

#define MAX_RUNS 50

struct run {
    size_t peak, session;
    uint32_t record;
    uint64_t body;
    double ms;
};

/* One connection: handshake, GET, the body to the end, close. */
static int one_run(struct abota_posix_tls *t, const struct abota_url *u, size_t base,
                   struct run *r)
{
    static uint8_t buf[1460];
    static char req[512];
    struct abota_http_request rq = {.url = u};
    int len = abota_http_request_build(&rq, req, sizeof req);
    if (len < 0)
        return len;
    peak = in_use;
    double t0 = bench_now();
    int rc = t->port.connect_tls(t->port.ctx, u->host, u->port, 10000);
    if (rc < 0)
        return rc;
    r->session = in_use - base;
    r->record = t->record_max;
    for (int off = 0; off < len;) {
        int n = t->port.send(t->port.ctx, req + off, (size_t)(len - off), 10000);
        if (n <= 0) {
            t->port.close(t->port.ctx);
            return n < 0 ? n : ABOTA_ERR_NET_SEND;
        }
        off += n;
    }
    uint64_t total = 0;
    for (;;) {
        int n = t->port.recv(t->port.ctx, buf, sizeof buf, 10000);
        if (n < 0) {
            t->port.close(t->port.ctx);
            return n;
        }
        if (n == 0)
            break;
        total += (uint64_t)n;
    }
    t->port.close(t->port.ctx);
    r->ms = (bench_now() - t0) * 1000.0;
    r->peak = peak - base;
    r->body = total; /* with the head: a few hundred bytes more than the file */
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *url = NULL;
    struct abota_posix_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--url"))
            url = argv[i + 1];
        else if (!strcmp(argv[i], "--ca"))
            cfg.ca_file = argv[i + 1];
        else if (!strcmp(argv[i], "--pin") && abota_posix_tls_parse_pin(argv[i + 1], cfg.pin) == 0)
            cfg.has_pin = true;
        else if (!strcmp(argv[i], "--max-fragment"))
            cfg.max_fragment = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "bench_tls_ram: bad argument '%s'\n", argv[i]);
            return 2;
        }
    }
    struct abota_url u;
    if (!url || abota_url_parse(url, &u) < 0 || !u.tls || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: bench_tls_ram --url https://HOST:PORT/FILE (--ca CA.pem | "
                        "--pin HEX) [--max-fragment N] [--runs 1..%d]\n", MAX_RUNS);
        return 2;
    }
    static struct abota_posix_net net;
    static struct abota_posix_tls tls;
    size_t before = in_use;
    abota_posix_net_init(&net);
    int rc = abota_posix_tls_init(&tls, &net.port, &cfg);
    if (rc < 0) {
        fprintf(stderr, "bench_tls_ram: TLS setup: %s\n", abota_strerror(rc));
        return 1;
    }
    size_t config = in_use - before;
    struct run r[MAX_RUNS];
    double ms[MAX_RUNS];
    size_t worst = 0, session = 0;
    for (int i = 0; i < runs; i++) {
        rc = one_run(&tls, &u, in_use, &r[i]);
        if (rc < 0) {
            fprintf(stderr, "bench_tls_ram: run %d: %s (mbedTLS -0x%04x)\n", i + 1,
                    abota_strerror(rc), (unsigned)-tls.last_mbedtls);
            abota_posix_tls_free(&tls);
            return 1;
        }
        ms[i] = r[i].ms;
        worst = r[i].peak > worst ? r[i].peak : worst;
        session = r[i].session > session ? r[i].session : session;
    }
    qsort(ms, (size_t)runs, sizeof ms[0], cmp_double);
    printf("max_fragment=%u record=%u config=%zu peak=%zu session=%zu iobuf=%u ovh=%u "
           "received=%llu ms=%.2f\n",
           cfg.max_fragment, (unsigned)r[0].record, config, worst, session,
           (unsigned)(MBEDTLS_SSL_IN_BUFFER_LEN + MBEDTLS_SSL_OUT_BUFFER_LEN),
           (unsigned)(MBEDTLS_SSL_IN_BUFFER_LEN - MBEDTLS_SSL_IN_CONTENT_LEN),
           (unsigned long long)r[0].body, ms[runs / 2]);
    abota_posix_tls_free(&tls);
    return 0;
}
