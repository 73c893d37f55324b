/* The POSIX transport against real loopback peers (a server thread per
 * test, on 127.0.0.1 or ::1): round trips, refusal, timeouts, orderly close,
 * reset, name resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/port_posix.h"
#include "fixture.h"

/* No server waits longer than this for its client, so a failing test
 * cannot hang the run. */
#define SERVER_WAIT_MS 10000

enum mode {
    ECHO_PLUS_ONE, /* read `expect` bytes, send each + 1, close */
    BULK,          /* send `expect` bytes of a pattern, close */
    SILENT,        /* say nothing, wait for the client to close */
    CLOSE,         /* close at once (FIN) */
    RESET          /* close with SO_LINGER 0 (RST) */
};

struct server {
    int family;
    enum mode mode;
    size_t expect;
    int lfd;
    uint16_t port;
    pthread_t th;
    int ok; /* the server did its part */
};

static uint8_t bulk[1 << 20];

static int wait_in(int fd, short ev, int ms)
{
    struct pollfd p = {.fd = fd, .events = ev, .revents = 0};
    return poll(&p, 1, ms) > 0 ? p.revents : 0;
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t s = send(fd, p, n, MSG_NOSIGNAL);
        if (s <= 0)
            return -1;
        p += s;
        n -= (size_t)s;
    }
    return 0;
}

static void *serve(void *arg)
{
    struct server *s = arg;
    static uint8_t buf[4096];
    if (!(wait_in(s->lfd, POLLIN, SERVER_WAIT_MS) & POLLIN))
        return NULL;
    int c = accept(s->lfd, NULL, NULL);
    if (c < 0)
        return NULL;
    switch (s->mode) {
    case ECHO_PLUS_ONE: {
        size_t got = 0;
        while (got < s->expect && (wait_in(c, POLLIN, SERVER_WAIT_MS) & POLLIN)) {
            ssize_t r = recv(c, buf + got, s->expect - got, 0);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        for (size_t i = 0; i < got; i++)
            buf[i]++;
        s->ok = got == s->expect && send_all(c, buf, got) == 0;
        break;
    }
    case BULK:
        s->ok = send_all(c, bulk, s->expect) == 0;
        break;
    case SILENT:
        /* Returns when the client closes (readable at EOF). */
        while (wait_in(c, POLLIN, SERVER_WAIT_MS) & POLLIN)
            if (recv(c, buf, sizeof buf, 0) <= 0)
                break;
        s->ok = 1;
        break;
    case CLOSE:
        s->ok = 1;
        break;
    case RESET: {
        /* Wait for the client's byte: it proves the client's connect has
         * completed, so the reset reaches its recv, not its connect (under
         * valgrind the client can be slow enough to see it there). */
        uint8_t go;
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        s->ok = recv(c, &go, 1, 0) == 1 &&
                setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0;
        break;
    }
    }
    close(c);
    return NULL;
}

/* Binds a listener on the loopback of family with an ephemeral port. */
static int listen_loopback(int family, int backlog, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int one = 1;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof *a;
        assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), 0);
    }
    assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
    assert_int_equal(listen(fd, backlog), 0);
    sl = sizeof ss;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static void server_start(struct server *s, int family, enum mode mode, size_t expect)
{
    memset(s, 0, sizeof *s);
    s->family = family;
    s->mode = mode;
    s->expect = expect;
    s->lfd = listen_loopback(family, 8, &s->port);
    assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

static void server_join(struct server *s)
{
    assert_int_equal(pthread_join(s->th, NULL), 0);
    close(s->lfd);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Receives until the peer closes; returns the count or a negative code. */
static long recv_to_eof(struct abota_posix_net *n, uint8_t *out, size_t cap)
{
    size_t got = 0;
    for (;;) {
        if (got == cap)
            return -1000;
        int r = n->port.recv(n->port.ctx, out + got, cap - got, 2000);
        if (r < 0)
            return r;
        if (r == 0)
            return (long)got;
        got += (size_t)r;
    }
}

static void round_trip(const char *host, int family)
{
    struct server s;
    struct abota_posix_net n;
    uint8_t msg[300], want[300], got[600];
    fill_random(msg, sizeof msg, 5);
    for (size_t i = 0; i < sizeof msg; i++)
        want[i] = (uint8_t)(msg[i] + 1);
    server_start(&s, family, ECHO_PLUS_ONE, sizeof msg);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, host, s.port, 2000), 0);
    size_t sent = 0;
    while (sent < sizeof msg) {
        int r = n.port.send(n.port.ctx, msg + sent, sizeof msg - sent, 2000);
        assert_true(r > 0);
        sent += (size_t)r;
    }
    /* All the reply, then 0 for the orderly close, and 0 again. */
    assert_int_equal(recv_to_eof(&n, got, sizeof got), sizeof msg);
    assert_memory_equal(got, want, sizeof msg);
    assert_int_equal(n.port.recv(n.port.ctx, got, sizeof got, 500), 0);
    assert_int_equal(n.bytes_sent, sizeof msg);
    assert_int_equal(n.bytes_received, sizeof msg);
    assert_int_equal(n.connects, 1);
    n.port.close(n.port.ctx);
    n.port.close(n.port.ctx); /* always safe */
    assert_int_equal(n.port.recv(n.port.ctx, got, 1, 10), ABOTA_ERR_STATE);
    server_join(&s);
    assert_true(s.ok);
}

static void test_round_trip_ipv4(void **state)
{
    (void)state;
    round_trip("127.0.0.1", AF_INET);
}

static void test_round_trip_ipv6(void **state)
{
    (void)state;
    round_trip("::1", AF_INET6);
}

/* "localhost" may resolve to ::1 first; with only an IPv4 listener the
 * port must fall through to the next address. */
static void test_connect_localhost(void **state)
{
    (void)state;
    round_trip("localhost", AF_INET);
}

static void test_bulk_receive_counts_bytes(void **state)
{
    (void)state;
    static uint8_t got[sizeof bulk + 1];
    struct server s;
    struct abota_posix_net n;
    fill_random(bulk, sizeof bulk, 9);
    server_start(&s, AF_INET, BULK, sizeof bulk);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", s.port, 2000), 0);
    assert_int_equal(recv_to_eof(&n, got, sizeof got), sizeof bulk);
    assert_memory_equal(got, bulk, sizeof bulk);
    assert_int_equal(n.bytes_received, sizeof bulk);
    n.port.close(n.port.ctx);
    server_join(&s);
    assert_true(s.ok);
}

static void test_refused(void **state)
{
    (void)state;
    struct abota_posix_net n;
    uint16_t port4, port6;
    /* Ports that were just free: bound, then closed without listening. */
    int fd = listen_loopback(AF_INET, 1, &port4);
    close(fd);
    fd = listen_loopback(AF_INET6, 1, &port6);
    close(fd);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", port4, 2000), ABOTA_ERR_NET_REFUSED);
    assert_int_equal(n.last_errno, ECONNREFUSED);
    assert_int_equal(n.port.connect(n.port.ctx, "::1", port6, 2000), ABOTA_ERR_NET_REFUSED);
    assert_int_equal(n.port.connect(n.port.ctx, "localhost", port4, 2000), ABOTA_ERR_NET_REFUSED);
    assert_int_equal(n.connects, 0);
    uint8_t b[4];
    assert_int_equal(n.port.send(n.port.ctx, b, 4, 10), ABOTA_ERR_STATE);
}

static void test_recv_timeout(void **state)
{
    (void)state;
    struct server s;
    struct abota_posix_net n;
    uint8_t b[16];
    server_start(&s, AF_INET, SILENT, 0);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", s.port, 2000), 0);
    uint64_t t0 = now_ms();
    assert_int_equal(n.port.recv(n.port.ctx, b, sizeof b, 300), ABOTA_ERR_NET_TIMEOUT);
    uint64_t dt = now_ms() - t0;
    assert_in_range(dt, 290, 2000);
    /* A zero timeout polls once and returns. */
    assert_int_equal(n.port.recv(n.port.ctx, b, sizeof b, 0), ABOTA_ERR_NET_TIMEOUT);
    n.port.close(n.port.ctx);
    server_join(&s);
    assert_true(s.ok);
}

/* A peer that never reads (a listener nobody accepts from: the kernel
 * completes the handshake and queues the data): the buffers fill, then
 * send times out. */
static void test_send_timeout(void **state)
{
    (void)state;
    struct abota_posix_net n;
    uint16_t port;
    int r = 0;
    fill_random(bulk, sizeof bulk, 3);
    int lfd = listen_loopback(AF_INET, 8, &port);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", port, 2000), 0);
    for (int i = 0; i < 1000 && r >= 0; i++)
        r = n.port.send(n.port.ctx, bulk, sizeof bulk, 200);
    assert_int_equal(r, ABOTA_ERR_NET_TIMEOUT);
    assert_true(n.bytes_sent > 0);
    n.port.close(n.port.ctx);
    close(lfd);
}

static void test_orderly_close(void **state)
{
    (void)state;
    struct server s;
    struct abota_posix_net n;
    uint8_t b[16];
    server_start(&s, AF_INET6, CLOSE, 0);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "::1", s.port, 2000), 0);
    assert_int_equal(n.port.recv(n.port.ctx, b, sizeof b, 2000), 0);
    n.port.close(n.port.ctx);
    server_join(&s);
}

static void test_reset(void **state)
{
    (void)state;
    struct server s;
    struct abota_posix_net n;
    uint8_t b[16];
    server_start(&s, AF_INET, RESET, 0);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", s.port, 2000), 0);
    assert_int_equal(n.port.send(n.port.ctx, "g", 1, 2000), 1);
    server_join(&s);
    assert_true(s.ok);
    assert_int_equal(n.port.recv(n.port.ctx, b, sizeof b, 2000), ABOTA_ERR_NET_RESET);
    assert_int_equal(n.last_errno, ECONNRESET);
    n.port.close(n.port.ctx);
}

/* Sending to a peer that has gone: RESET (EPIPE or ECONNRESET), and no
 * SIGPIPE kills the process. */
static void test_send_after_peer_gone(void **state)
{
    (void)state;
    struct server s;
    struct abota_posix_net n;
    uint8_t b[512] = {0};
    int r = 0;
    server_start(&s, AF_INET, CLOSE, 0);
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", s.port, 2000), 0);
    server_join(&s);
    for (int i = 0; i < 100 && r >= 0; i++) {
        r = n.port.send(n.port.ctx, b, sizeof b, 500);
        if (r >= 0)
            usleep(10000);
    }
    assert_int_equal(r, ABOTA_ERR_NET_RESET);
    n.port.close(n.port.ctx);
}

static void test_resolve_failure(void **state)
{
    (void)state;
    struct abota_posix_net n;
    abota_posix_net_init(&n);
    assert_int_equal(n.port.connect(n.port.ctx, "nonexistent.invalid", 80, 2000),
                     ABOTA_ERR_NET_RESOLVE);
    assert_int_not_equal(n.last_errno, 0);
    assert_int_equal(n.port.connect(n.port.ctx, "", 80, 2000), ABOTA_ERR_ARG);
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", 0, 2000), ABOTA_ERR_ARG);
}

/* A listener whose accept queue is full drops further SYNs, so a connect
 * to it can only time out. */
static void test_connect_timeout(void **state)
{
    (void)state;
    struct abota_posix_net n, filler[4];
    uint16_t port;
    int lfd = listen_loopback(AF_INET, 0, &port);
    /* Fill the queue (nobody accepts); these may succeed or time out. */
    for (int i = 0; i < 4; i++) {
        abota_posix_net_init(&filler[i]);
        (void)filler[i].port.connect(filler[i].port.ctx, "127.0.0.1", port, 200);
    }
    abota_posix_net_init(&n);
    uint64_t t0 = now_ms();
    assert_int_equal(n.port.connect(n.port.ctx, "127.0.0.1", port, 300), ABOTA_ERR_NET_TIMEOUT);
    assert_in_range(now_ms() - t0, 290, 2000);
    for (int i = 0; i < 4; i++)
        filler[i].port.close(filler[i].port.ctx);
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_ipv4),
        cmocka_unit_test(test_round_trip_ipv6),
        cmocka_unit_test(test_connect_localhost),
        cmocka_unit_test(test_bulk_receive_counts_bytes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_recv_timeout),
        cmocka_unit_test(test_send_timeout),
        cmocka_unit_test(test_orderly_close),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_send_after_peer_gone),
        cmocka_unit_test(test_resolve_failure),
        cmocka_unit_test(test_connect_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
