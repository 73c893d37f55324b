/* TCP transport over BSD sockets with a deadline on every call.
 *
 * The socket stays non-blocking for its whole life; every wait is a poll()
 * bounded by what is left of the caller's timeout, restarted on EINTR. */
#include "abota/port_posix.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "abota/error.h"

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits for events on fd until deadline (ms, monotonic). Returns the
 * revents (> 0), 0 on timeout, or -1 with errno set. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = mono_ms();
        uint64_t left = deadline > now ? deadline - now : 0;
        struct pollfd p = {.fd = fd, .events = events, .revents = 0};
        int r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r > 0)
            return p.revents;
        if (r == 0 && mono_ms() >= deadline)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static int fail(struct abota_posix_net *n, int err, int code)
{
    n->last_errno = err;
    return code;
}

/* The error for a failed connect() to one address. */
static int connect_error(int err)
{
    switch (err) {
    case ECONNREFUSED:
        return ABOTA_ERR_NET_REFUSED;
    case ETIMEDOUT:
        return ABOTA_ERR_NET_TIMEOUT;
    default:
        return ABOTA_ERR_NET_CONNECT;
    }
}

/* Connects one address before deadline; the fd, or a negative code with
 * *err set. */
static int connect_one(const struct addrinfo *ai, uint64_t deadline, int *err)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        *err = errno;
        return ABOTA_ERR_NET_CONNECT;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        int code;
        if (errno != EINPROGRESS) {
            *err = errno;
            close(fd);
            return connect_error(*err);
        }
        int r = wait_fd(fd, POLLOUT, deadline);
        if (r <= 0) {
            *err = r == 0 ? ETIMEDOUT : errno;
            code = r == 0 ? ABOTA_ERR_NET_TIMEOUT : ABOTA_ERR_NET_CONNECT;
            close(fd);
            return code;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            soerr = errno;
        if (soerr != 0) {
            *err = soerr;
            close(fd);
            return connect_error(soerr);
        }
    }
    /* Requests go out in one or two sends; do not let Nagle hold them. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Which failure to report when every address failed: a timeout ends the
 * whole attempt, so it wins; then a refusal (the host is there, the port is
 * closed); then any other reason. */
static int worse(int a, int b)
{
    static const int rank[] = {ABOTA_ERR_NET_TIMEOUT, ABOTA_ERR_NET_REFUSED,
                               ABOTA_ERR_NET_CONNECT};
    for (size_t i = 0; i < sizeof rank / sizeof rank[0]; i++)
        if (a == rank[i] || b == rank[i])
            return rank[i];
    return a;
}

static int net_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct abota_posix_net *n = ctx;
    struct addrinfo hints, *res = NULL;
    char service[8];
    uint64_t deadline = mono_ms() + timeout_ms;
    int code = ABOTA_ERR_NET_CONNECT, err = 0;

    if (!host || !*host || port == 0)
        return ABOTA_ERR_ARG;
    if (n->_fd >= 0) {
        close(n->_fd);
        n->_fd = -1;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    /* No AI_ADDRCONFIG: it hides ::1 on hosts without a global IPv6
     * address, and loopback servers are exactly what tests use. */
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0)
        return fail(n, g == EAI_SYSTEM ? errno : g, ABOTA_ERR_NET_RESOLVE);

    int first = 1;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = connect_one(ai, deadline, &err);
        if (fd >= 0) {
            freeaddrinfo(res);
            n->_fd = fd;
            n->connects++;
            return 0;
        }
        code = first ? fd : worse(code, fd);
        first = 0;
        if (fd == ABOTA_ERR_NET_TIMEOUT || mono_ms() >= deadline) {
            code = ABOTA_ERR_NET_TIMEOUT;
            break;
        }
    }
    freeaddrinfo(res);
    return fail(n, err, code);
}

static int net_send(void *ctx, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct abota_posix_net *n = ctx;
    uint64_t deadline = mono_ms() + timeout_ms;

    if (n->_fd < 0)
        return ABOTA_ERR_STATE;
    if (len == 0)
        return 0;
    if (!buf)
        return ABOTA_ERR_ARG;
    if (len > INT_MAX)
        len = INT_MAX;
    for (;;) {
        ssize_t s = send(n->_fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (s > 0) {
            n->bytes_sent += (uint64_t)s;
            return (int)s;
        }
        if (s < 0 && errno == EINTR)
            continue;
        if (s < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            int e = errno;
            return fail(n, e, (e == EPIPE || e == ECONNRESET) ? ABOTA_ERR_NET_RESET
                              : e == ETIMEDOUT                ? ABOTA_ERR_NET_TIMEOUT
                                                              : ABOTA_ERR_NET_SEND);
        }
        int r = wait_fd(n->_fd, POLLOUT, deadline);
        if (r == 0)
            return fail(n, ETIMEDOUT, ABOTA_ERR_NET_TIMEOUT);
        if (r < 0)
            return fail(n, errno, ABOTA_ERR_NET_SEND);
        /* Writable or in error: the next send() reports which. */
    }
}

static int net_recv(void *ctx, void *buf, size_t len, uint32_t timeout_ms)
{
    struct abota_posix_net *n = ctx;
    uint64_t deadline = mono_ms() + timeout_ms;

    if (n->_fd < 0)
        return ABOTA_ERR_STATE;
    if (len == 0 || !buf)
        return ABOTA_ERR_ARG; /* 0 would read as "peer closed" */
    if (len > INT_MAX)
        len = INT_MAX;
    for (;;) {
        ssize_t r = recv(n->_fd, buf, len, MSG_DONTWAIT);
        if (r >= 0) {
            n->bytes_received += (uint64_t)r;
            return (int)r;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            int e = errno;
            return fail(n, e, e == ECONNRESET  ? ABOTA_ERR_NET_RESET
                              : e == ETIMEDOUT ? ABOTA_ERR_NET_TIMEOUT
                                               : ABOTA_ERR_NET_RECV);
        }
        int w = wait_fd(n->_fd, POLLIN, deadline);
        if (w == 0)
            return fail(n, ETIMEDOUT, ABOTA_ERR_NET_TIMEOUT);
        if (w < 0)
            return fail(n, errno, ABOTA_ERR_NET_RECV);
    }
}

static void net_close(void *ctx)
{
    struct abota_posix_net *n = ctx;
    if (n->_fd >= 0)
        close(n->_fd);
    n->_fd = -1;
}

void abota_posix_net_init(struct abota_posix_net *n)
{
    memset(n, 0, sizeof *n);
    n->_fd = -1;
    n->port.ctx = n;
    n->port.connect = net_connect;
    n->port.send = net_send;
    n->port.recv = net_recv;
    n->port.close = net_close;
}
