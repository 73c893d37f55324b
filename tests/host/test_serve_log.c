/* abota serve's access log (tools/abota/serve_log.c): the ring and its
 * drop accounting, field escaping, the combined line format, and the
 * writer thread against a pipe nobody reads. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "serve_log.h"

/* Everything waiting in the ring, in order, consumed: into out (NUL-ended). */
static size_t drain(struct serve_ring *r, char *out, size_t cap)
{
    size_t o = 0;
    const char *p;
    size_t n;
    while ((n = serve_ring_peek(r, &p)) > 0) {
        assert_true(o + n < cap);
        memcpy(out + o, p, n);
        o += n;
        serve_ring_consume(r, n);
    }
    out[o] = '\0';
    return o;
}

static bool put(struct serve_ring *r, const char *line)
{
    return serve_ring_put(r, line, strlen(line));
}

static void test_ring_order_and_wrap(void **state)
{
    (void)state;
    char buf[16], out[64];
    struct serve_ring r;
    serve_ring_init(&r, buf, sizeof(buf));
    const char *p;
    assert_int_equal(serve_ring_peek(&r, &p), 0);
    assert_true(put(&r, "abcde\n"));
    assert_true(put(&r, "fghij\n"));
    /* Part of the first line written: the rest stays first. */
    assert_int_equal(serve_ring_peek(&r, &p), 12);
    serve_ring_consume(&r, 8);
    /* 4 waiting at [8, 12): a 10-byte line wraps past the end. */
    assert_true(put(&r, "0123456789"));
    assert_int_equal(r.len, 14);
    assert_int_equal(serve_ring_peek(&r, &p), 8); /* up to the end of buf */
    assert_memory_equal(p, "hij\n0123", 8);
    drain(&r, out, sizeof(out));
    assert_string_equal(out, "hij\n0123456789");
    /* Emptied: the next line starts at the front again, in one piece. */
    assert_true(put(&r, "0123456789abcdef"));
    assert_int_equal(serve_ring_peek(&r, &p), 16);
    assert_false(put(&r, "x")); /* full */
    assert_int_equal(r.dropped, 1);
    assert_int_equal(r.len, 16);
}

static void test_ring_drops(void **state)
{
    (void)state;
    char buf[64], out[256];
    struct serve_ring r;
    serve_ring_init(&r, buf, sizeof(buf));
    assert_true(serve_ring_note_drops(&r)); /* nothing to report */
    assert_int_equal(r.len, 0);
    for (int i = 0; i < 5; i++)
        assert_true(put(&r, "line 67890\n"));
    /* 66 > 64: a sixth line does not fit. */
    assert_false(put(&r, "line 67890\n"));
    assert_int_equal(r.len, 55);
    assert_int_equal(r.dropped, 1);
    assert_false(put(&r, "more\n"));
    assert_false(put(&r, "a line far too long for what is left in the ring\n"));
    assert_int_equal(r.dropped, 3);
    assert_false(serve_ring_note_drops(&r)); /* no room for the notice */
    assert_int_equal(r.dropped, 3);

    /* Room for the line but not for the notice before it: still dropped,
     * so the log stays in order. */
    serve_ring_consume(&r, 22);
    assert_false(put(&r, "short\n"));
    assert_int_equal(r.dropped, 4);
    /* Room for both: the notice, then the line. */
    serve_ring_consume(&r, 22);
    assert_true(put(&r, "short\n"));
    assert_int_equal(r.dropped, 0);
    drain(&r, out, sizeof(out));
    assert_string_equal(out, "line 67890\nabota serve: 4 log lines dropped\nshort\n");

    /* One line: singular; the writer reports it once the ring has room. */
    for (int i = 0; i < 5; i++)
        put(&r, "line 67890\n");
    assert_false(put(&r, "0123456789"));
    assert_int_equal(r.dropped, 1);
    serve_ring_consume(&r, 55);
    assert_true(serve_ring_note_drops(&r));
    assert_int_equal(r.dropped, 0);
    drain(&r, out, sizeof(out));
    assert_string_equal(out, "abota serve: 1 log line dropped\n");
    /* A line longer than the whole ring never fits. */
    char huge[100];
    memset(huge, 'h', sizeof(huge));
    assert_false(serve_ring_put(&r, huge, sizeof(huge)));
    assert_int_equal(r.dropped, 1);
}

/* Whatever the input and room, the result is one line of printable bytes
 * without a bare quote or backslash, never longer than cap - 1, and what
 * it shows unescapes to a prefix of the input. */
static void check_escaped(const char *src, size_t n, size_t cap)
{
    char dst[600];
    assert_true(cap <= sizeof(dst));
    size_t o = serve_log_escape(dst, cap, src, n);
    assert_int_equal(strlen(dst), o);
    assert_true(o < cap);
    size_t k = 0, i = 0;
    while (i < o) {
        unsigned char ch = (unsigned char)dst[i];
        assert_true(ch >= 0x20 && ch < 0x7f && ch != '"');
        if (ch == '\\') {
            assert_true(i + 4 <= o && dst[i + 1] == 'x');
            unsigned v;
            assert_int_equal(sscanf(dst + i + 2, "%2x", &v), 1);
            assert_true(k < n && (unsigned char)src[k] == v);
            i += 4;
        } else if (i + 3 == o && !memcmp(dst + i, "...", 3) && k < n) {
            break; /* cut here */
        } else {
            assert_true(k < n && src[k] == dst[i]);
            i++;
        }
        k++;
    }
    if (k < n) /* cut: and said so */
        assert_true(o >= 3 && !memcmp(dst + o - 3, "...", 3));
}

static void test_escape(void **state)
{
    (void)state;
    char dst[SERVE_LOG_FIELD_SIZE];
    static const char raw[] = "a\"b\\c\r\n\x01\x7f\xff d";
    serve_log_escape(dst, sizeof(dst), raw, sizeof(raw) - 1);
    assert_string_equal(dst, "a\\x22b\\x5cc\\x0d\\x0a\\x01\\x7f\\xff d");
    serve_log_escape(dst, sizeof(dst), "", 0);
    assert_string_equal(dst, "");
    /* Exactly SERVE_LOG_FIELD_MAX plain bytes fit; one more is cut. */
    char in[SERVE_LOG_FIELD_MAX + 1];
    memset(in, 'a', sizeof(in));
    assert_int_equal(serve_log_escape(dst, sizeof(dst), in, SERVE_LOG_FIELD_MAX),
                     SERVE_LOG_FIELD_MAX);
    assert_int_equal(serve_log_escape(dst, sizeof(dst), in, sizeof(in)), SERVE_LOG_FIELD_MAX + 3);
    assert_memory_equal(dst + SERVE_LOG_FIELD_MAX, "...", 4);
    /* An escape is never split by the cut. */
    memset(in, '"', sizeof(in));
    size_t o = serve_log_escape(dst, sizeof(dst), in, sizeof(in));
    assert_int_equal((o - 3) % 4, 0);

    srand(7);
    char src[400];
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)rand() % sizeof(src);
        for (size_t i = 0; i < n; i++)
            src[i] = (char)(rand() % 4 ? 'a' + rand() % 26 : rand() % 256);
        check_escaped(src, n, 8 + (size_t)rand() % 500);
    }
}

static void test_access_line(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    char line[SERVE_LOG_LINE_MAX];
    struct serve_log_entry e = {"127.0.0.1", 1796530801, "GET /user1.bin HTTP/1.1", 200, 1234,
                                "-", "x-test-agent/1"};
    size_t n = serve_log_access(line, sizeof(line), &e);
    assert_string_equal(line, "127.0.0.1 - - [06/Dec/2026:04:20:01 +0000] \"GET /user1.bin "
                              "HTTP/1.1\" 200 1234 \"-\" \"x-test-agent/1\"\n");
    assert_int_equal(n, strlen(line));
    /* Local time with its offset, as nginx writes $time_local. */
    setenv("TZ", "CET-1", 1);
    tzset();
    serve_log_access(line, sizeof(line), &e);
    assert_non_null(strstr(line, "[06/Dec/2026:05:20:01 +0100]"));
    setenv("TZ", "UTC", 1);
    tzset();

    /* The longest fields fit in SERVE_LOG_LINE_MAX, whole. */
    char field[SERVE_LOG_FIELD_SIZE], quotes[SERVE_LOG_FIELD_MAX * 2];
    memset(quotes, '"', sizeof(quotes));
    serve_log_escape(field, sizeof(field), quotes, sizeof(quotes));
    struct serve_log_entry big = {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", INT32_MAX,
                                  field, -2147483647 - 1, UINT64_MAX, field, field};
    n = serve_log_access(line, sizeof(line), &big);
    assert_true(n < sizeof(line) - 1);
    assert_int_equal(line[n - 1], '\n');
    assert_non_null(strstr(line, "\" -2147483648 18446744073709551615 \""));
    /* A buffer too small still gets one line. */
    n = serve_log_access(line, 20, &e);
    assert_int_equal(n, 19);
    assert_int_equal(strlen(line), 19);
    assert_int_equal(line[18], '\n');
}

/* --- the writer thread --- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads what the pipe holds until it stays empty for quiet_ms. */
static size_t read_all(int fd, char *out, size_t cap, int quiet_ms)
{
    size_t o = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, quiet_ms) == 1) {
        ssize_t n = read(fd, out + o, cap - 1 - o);
        if (n <= 0)
            break;
        o += (size_t)n;
    }
    out[o] = '\0';
    return o;
}

#define LINES 20000
#define LINE_FMT "%06d a line of the access log, some 64 bytes long.........\n"

/* A log writing into a new pipe p, and LINES numbered lines put while
 * nobody reads it: 1.3 MB into 64 KiB of pipe and the ring, and still no
 * put waits for a reader. */
static struct serve_log *open_flooded(int p[2])
{
    assert_int_equal(pipe(p), 0);
    struct serve_log *l = serve_log_open(p[1]);
    assert_non_null(l);
    double t0 = now_s();
    char line[80];
    for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof(line), LINE_FMT, i);
        serve_log_put(l, line, (size_t)n);
    }
    assert_true(now_s() - t0 < 2.0);
    return l;
}

/* The log nobody reads: the lines that found no room are counted, and the
 * count arrives once the pipe is read. */
static void test_writer_full_pipe(void **state)
{
    (void)state;
    int p[2];
    struct serve_log *l = open_flooded(p);
    static char got[LINES * 80];
    size_t n = read_all(p[0], got, sizeof(got), 500);
    assert_true(n > SERVE_LOG_RING);
    unsigned long lines = 0, dropped = 0;
    int last = -1;
    for (char *s = got; *s;) {
        char *nl = strchr(s, '\n');
        assert_non_null(nl); /* whole lines only */
        unsigned long k;
        int seq;
        if (sscanf(s, "abota serve: %lu log line", &k) == 1) {
            dropped += k;
        } else {
            assert_int_equal(sscanf(s, "%06d a line", &seq), 1);
            assert_true(seq > last); /* in order */
            last = seq;
            lines++;
        }
        s = nl + 1;
    }
    assert_true(dropped > 0);
    assert_int_equal(lines + dropped, LINES);
    /* Written again: the log recovered. */
    serve_log_put(l, "after\n", 6);
    n = read_all(p[0], got, sizeof(got), 300);
    assert_string_equal(got, "after\n");
    double t0 = now_s();
    serve_log_close(l, 1000);
    assert_true(now_s() - t0 < 0.5); /* nothing left to wait for */
    close(p[0]);
    close(p[1]);
}

/* Lines put just before the close reach the log: the close does not
 * leave them to a batch that never comes. */
static void test_writer_close_flushes(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct serve_log *l = serve_log_open(p[1]);
    assert_non_null(l);
    serve_log_put(l, "one\n", 4);
    serve_log_put(l, "two\n", 4);
    serve_log_close(l, 1000);
    char got[64];
    read_all(p[0], got, sizeof(got), 100);
    assert_string_equal(got, "one\ntwo\n");
    close(p[0]);
    close(p[1]);
}

/* Closing gives up on a log nobody reads after wait_ms. */
static void test_writer_close_unread(void **state)
{
    (void)state;
    int p[2];
    struct serve_log *l = open_flooded(p);
    double t0 = now_s();
    serve_log_close(l, 200);
    double took = now_s() - t0;
    assert_true(took >= 0.15 && took < 1.5);
    close(p[0]);
    close(p[1]);
}

/* A log whose reader is gone takes nothing more, and closing is quick. */
static void test_writer_broken_pipe(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    struct serve_log *l = serve_log_open(p[1]);
    assert_non_null(l);
    for (int i = 0; i < 1000; i++)
        serve_log_put(l, "lost\n", 5);
    double t0 = now_s();
    serve_log_close(l, 1000);
    assert_true(now_s() - t0 < 0.5);
    close(p[1]);
    serve_log_close(NULL, 1000); /* allowed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_order_and_wrap),
        cmocka_unit_test(test_ring_drops),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_access_line),
        cmocka_unit_test(test_writer_full_pipe),
        cmocka_unit_test(test_writer_close_flushes),
        cmocka_unit_test(test_writer_close_unread),
        cmocka_unit_test(test_writer_broken_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
