/* The streaming HTTP parser (abota_http_feed) over the captured responses in
 * tests/data/http and two large synthetic ones (a 1 MiB chunked body and a
 * 1 MiB Content-Length body), fed whole, in 1460-byte segments (one TCP
 * segment) and byte by byte. The reference is memcpy of the same bytes in the
 * same segments: what it costs just to move them once.
 *
 *   bench_http_parse                   the table
 *   bench_http_parse --once INPUT SEG  parse INPUT (corpus|chunked|length) once
 *                                      in SEG-byte segments (0: whole) and
 *                                      print the byte count, for callgrind */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>

#include "abota/error.h"
#include "abota/http.h"
#include "bench_util.h"

#define MAX_MSGS 64
#define BIG_BODY (1024u * 1024u)

struct msg {
    uint8_t *data;
    size_t len;
    bool head; /* the answer to a HEAD request */
};

struct input {
    const char *name;
    struct msg msgs[MAX_MSGS];
    int n;
    size_t bytes;
};

struct job {
    const struct input *in;
    size_t seg;         /* 0: each message in one call */
    uint8_t *dst;       /* memcpy reference target */
    uint64_t body;      /* body bytes the parser delivered */
    int err;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_http_parse: out of memory\n");
        exit(1);
    }
    return p;
}

static void add_msg(struct input *in, uint8_t *data, size_t len, bool head)
{
    if (in->n == MAX_MSGS) {
        fprintf(stderr, "bench_http_parse: more than %d messages in %s\n", MAX_MSGS, in->name);
        exit(1);
    }
    in->msgs[in->n].data = data;
    in->msgs[in->n].len = len;
    in->msgs[in->n].head = head;
    in->n++;
    in->bytes += len;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.http file of the captured corpus, in name order. */
static void load_corpus(struct input *in)
{
    DIR *d = opendir(BENCH_HTTP_DATA_DIR);
    if (!d) {
        fprintf(stderr, "bench_http_parse: cannot open %s\n", BENCH_HTTP_DATA_DIR);
        exit(1);
    }
    char *names[MAX_MSGS];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".http") == 0 && n < MAX_MSGS)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    in->name = "corpus";
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", BENCH_HTTP_DATA_DIR, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END) != 0) {
            fprintf(stderr, "bench_http_parse: cannot read %s\n", path);
            exit(1);
        }
        long len = ftell(f);
        rewind(f);
        uint8_t *data = xmalloc((size_t)len);
        if (len < 0 || fread(data, 1, (size_t)len, f) != (size_t)len) {
            fprintf(stderr, "bench_http_parse: cannot read %s\n", path);
            exit(1);
        }
        fclose(f);
        add_msg(in, data, (size_t)len, strstr(names[i], "head") != NULL);
        free(names[i]);
    }
    if (in->n == 0) {
        fprintf(stderr, "bench_http_parse: no .http files in %s\n", BENCH_HTTP_DATA_DIR);
        exit(1);
    }
}

static void fill_body(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        p[i] = (uint8_t)seed;
    }
}

/* 1 MiB in chunks of varied sizes (4096, 1460, 100, 8000 repeating), with
 * an extension on some, then the last chunk and an empty trailer. */
static void make_chunked(struct input *in)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nServer: bench\r\n"
                               "Content-Type: application/octet-stream\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n";
    static const size_t sizes[] = {4096, 1460, 100, 8000};
    size_t cap = BIG_BODY + BIG_BODY / 50 + 256;
    uint8_t *p = xmalloc(cap);
    size_t len = 0, body = 0;
    memcpy(p, head, sizeof head - 1);
    len = sizeof head - 1;
    for (unsigned i = 0; body < BIG_BODY; i++) {
        size_t n = sizes[i % 4];
        if (n > BIG_BODY - body)
            n = BIG_BODY - body;
        len += (size_t)snprintf((char *)p + len, cap - len, i % 7 ? "%lx\r\n" : "%lX;x=y\r\n",
                                (unsigned long)n);
        fill_body(p + len, n, 0x9e3779b9u + i);
        len += n;
        memcpy(p + len, "\r\n", 2);
        len += 2;
        body += n;
    }
    memcpy(p + len, "0\r\n\r\n", 5);
    len += 5;
    in->name = "chunked";
    add_msg(in, p, len, false);
}

static void make_length(struct input *in)
{
    char head[256];
    int h = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: application/octet-stream\r\n"
                     "Content-Length: %lu\r\nETag: \"100000-5f1e\"\r\nAccept-Ranges: bytes\r\n\r\n",
                     (unsigned long)BIG_BODY);
    uint8_t *p = xmalloc((size_t)h + BIG_BODY);
    memcpy(p, head, (size_t)h);
    fill_body(p + h, BIG_BODY, 0xabcdef01u);
    in->name = "length";
    add_msg(in, p, (size_t)h + BIG_BODY, false);
}

/* Parses one message in seg-byte pieces; returns the body bytes or an error. */
static int64_t parse(const struct msg *m, size_t seg)
{
    struct abota_http p;
    abota_http_init(&p, m->head);
    if (seg == 0)
        seg = m->len;
    int64_t body = 0;
    for (size_t off = 0; off < m->len;) {
        size_t n = m->len - off < seg ? m->len - off : seg;
        int stalls = 0;
        for (size_t done = 0; done < n;) {
            const uint8_t *b;
            size_t bl;
            int r = abota_http_feed(&p, m->data + off + done, n - done, &b, &bl);
            if (r < 0)
                return r;
            /* Taking nothing twice in a row means it is stuck. */
            stalls = r == 0 ? stalls + 1 : 0;
            if (stalls > 1)
                return ABOTA_ERR_STATE;
            done += (size_t)r;
            body += (int64_t)bl;
        }
        off += n;
    }
    if (!abota_http_done(&p)) {
        int r = abota_http_eof(&p);
        if (r < 0)
            return r;
    }
    return body;
}

static uint64_t run_parse(void *arg)
{
    struct job *j = arg;
    j->body = 0;
    for (int i = 0; i < j->in->n; i++) {
        int64_t r = parse(&j->in->msgs[i], j->seg);
        if (r < 0) {
            j->err = (int)r;
            return j->in->bytes;
        }
        j->body += (uint64_t)r;
    }
    return j->in->bytes;
}

/* Through a volatile pointer so the compiler cannot merge or drop the copies. */
static void *(*volatile copy_fn)(void *, const void *, size_t) = memcpy;

static uint64_t run_memcpy(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < j->in->n; i++) {
        const struct msg *m = &j->in->msgs[i];
        size_t seg = j->seg ? j->seg : m->len;
        for (size_t off = 0; off < m->len; off += seg)
            copy_fn(j->dst + off, m->data + off, m->len - off < seg ? m->len - off : seg);
    }
    return j->in->bytes;
}

static size_t largest(const struct input *in)
{
    size_t l = 0;
    for (int i = 0; i < in->n; i++)
        if (in->msgs[i].len > l)
            l = in->msgs[i].len;
    return l;
}

static const char *seg_name(size_t seg)
{
    return seg == 0 ? "whole" : seg == 1 ? "1 byte" : "1460 B";
}

int main(int argc, char **argv)
{
    static struct input inputs[3];
    load_corpus(&inputs[0]);
    make_chunked(&inputs[1]);
    make_length(&inputs[2]);

    if (argc == 4 && strcmp(argv[1], "--once") == 0) {
        for (int i = 0; i < 3; i++) {
            if (strcmp(argv[2], inputs[i].name) != 0)
                continue;
            struct job j = {&inputs[i], (size_t)strtoul(argv[3], NULL, 10), NULL, 0, 0};
            run_parse(&j);
            if (j.err) {
                fprintf(stderr, "bench_http_parse: %s: %s\n", inputs[i].name,
                        abota_strerror(j.err));
                return 1;
            }
            printf("%lu\n", (unsigned long)inputs[i].bytes);
            return 0;
        }
        fprintf(stderr, "bench_http_parse: unknown input '%s'\n", argv[2]);
        return 2;
    }
    if (argc != 1) {
        fprintf(stderr,
                "usage: bench_http_parse [--once corpus|chunked|length SEG]\n");
        return 2;
    }

    double min_s;
    int rounds;
    bench_budget(&min_s, &rounds);
    static const size_t segs[] = {0, 1460, 1};
    printf("bench_http_parse: abota_http_feed vs memcpy of the same bytes in the same segments\n");
    printf("%-8s %9s %8s %12s %12s %13s\n", "input", "bytes", "fed", "parse MB/s",
           "memcpy MB/s", "parse/memcpy");
    int fails = 0;
    for (int i = 0; i < 3; i++) {
        uint8_t *dst = xmalloc(largest(&inputs[i]));
        uint64_t body_whole = 0;
        for (size_t s = 0; s < sizeof segs / sizeof segs[0]; s++) {
            struct job p = {&inputs[i], segs[s], dst, 0, 0}, c = {&inputs[i], segs[s], dst, 0, 0};
            run_parse(&p);
            if (s == 0)
                body_whole = p.body;
            /* Every split must give the same body: the parser's contract. */
            if (p.err || p.body != body_whole) {
                fprintf(stderr, "bench_http_parse: %s fed %s: %s\n", inputs[i].name,
                        seg_name(segs[s]),
                        p.err ? abota_strerror(p.err) : "body differs from the whole feed");
                fails++;
                continue;
            }
            double mp, mc;
            bench_pair(run_parse, &p, run_memcpy, &c, min_s, rounds, &mp, &mc);
            printf("%-8s %9lu %8s %12.1f %12.1f %13.4f\n", inputs[i].name,
                   (unsigned long)inputs[i].bytes, seg_name(segs[s]), mp, mc, mp / mc);
        }
        free(dst);
    }
    return fails ? 1 : 0;
}
