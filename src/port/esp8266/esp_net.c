/* ESP8266 transport over lwIP's BSD sockets (ESP8266_RTOS_SDK).
 *
 * Connect timeout: the socket is made non-blocking and connect() is called
 * again every 10 ms until lwIP reports it connected (0 or EISCONN), refused,
 * or the timeout passes. This avoids select(), whose fd_set size depends on
 * the SDK's lwipopts.h (MEMP_NUM_NETCONN) and so cannot be declared
 * independently of the SDK. Send and receive timeouts are lwIP's
 * SO_SNDTIMEO / SO_RCVTIMEO, set before each call; lwIP 1.4 (the RTOS SDK's)
 * takes them as an int in milliseconds, lwIP 2.x as a struct timeval unless
 * LWIP_SO_SNDRCVTIMEO_NONSTANDARD: build with ABOTA_ESP8266_LWIP_TIMEVAL=1
 * for the latter.
 *
 * Name resolution: IPv4 literals are parsed here; anything else goes to
 * lwIP's gethostbyname(), which blocks for lwIP's own DNS timeout (DNS_MAX_
 * RETRIES x DNS_TMR_INTERVAL, seconds), not connect's timeout_ms. The SDK's
 * lwIP has no IPv6, so IPv6 literals fail with ABOTA_ERR_NET_RESOLVE. */
#include <stddef.h>
#include <string.h>

#include "abota/error.h"
#include "abota/port_esp8266.h"
#include "sdk/esp8266_sdk.h"

#ifndef ABOTA_ESP8266_LWIP_TIMEVAL
#define ABOTA_ESP8266_LWIP_TIMEVAL 0
#endif

#define CONNECT_POLL_MS 10u

int abota_esp8266_parse_ipv4(const char *s, uint32_t *addr_be)
{
    uint8_t b[4];
    if (!s || !addr_be)
        return -1;
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10u + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255u)
                return -1;
        }
        if (digits == 0 || *s != (i < 3 ? '.' : '\0'))
            return -1;
        if (i < 3)
            s++;
        b[i] = (uint8_t)v;
    }
    /* Network byte order in memory: the first number is the first byte. */
    memcpy(addr_be, b, 4);
    return 0;
}

static void close_fd(struct abota_esp8266_net *n)
{
    if (n->_fd >= 0) {
        closesocket(n->_fd);
        n->_fd = -1;
    }
}

static int set_timeout(int fd, int opt, uint32_t ms)
{
#if ABOTA_ESP8266_LWIP_TIMEVAL
    struct timeval tv = {.tv_sec = (long)(ms / 1000u), .tv_usec = (long)(ms % 1000u) * 1000};
    return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv);
#else
    /* lwIP 1.4: an int in milliseconds; 0 would mean "no timeout". */
    int v = ms == 0 ? 1 : (ms > 0x7FFFFFFFu ? 0x7FFFFFFF : (int)ms);
    return setsockopt(fd, SOL_SOCKET, opt, &v, sizeof v);
#endif
}

static int resolve(const char *host, uint32_t *addr_be)
{
    if (abota_esp8266_parse_ipv4(host, addr_be) == 0)
        return 0;
    if (strchr(host, ':')) /* an IPv6 literal: no IPv6 in the SDK's lwIP */
        return ABOTA_ERR_NET_RESOLVE;
    struct hostent *he = gethostbyname(host);
    if (!he || he->h_addrtype != AF_INET || he->h_length != 4 || !he->h_addr_list ||
        !he->h_addr_list[0])
        return ABOTA_ERR_NET_RESOLVE;
    memcpy(addr_be, he->h_addr_list[0], 4);
    return 0;
}

static int esp_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct abota_esp8266_net *n = ctx;
    close_fd(n);
    if (!host || port == 0)
        return ABOTA_ERR_ARG;
    uint32_t addr_be;
    int r = resolve(host, &addr_be);
    if (r < 0)
        return r;

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        n->last_errno = errno;
        return ABOTA_ERR_NET_CONNECT;
    }
    n->_fd = fd;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_len = (u8_t)sizeof sa;
    sa.sin_family = AF_INET;
    sa.sin_port = (u16_t)(((port & 0xFFu) << 8) | (port >> 8)); /* htons on little-endian */
    sa.sin_addr.s_addr = addr_be;

    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        n->last_errno = errno;
        close_fd(n);
        return ABOTA_ERR_NET_CONNECT;
    }
    /* Poll by calling connect() again: lwIP answers EINPROGRESS / EALREADY
     * while the handshake runs, 0 or EISCONN once connected. */
    uint32_t waited = 0;
    for (;;) {
        if (connect(fd, (const struct sockaddr *)(const void *)&sa, sizeof sa) == 0)
            break;
        int e = errno;
        if (e == ABOTA_LWIP_EISCONN)
            break;
        if (e != ABOTA_LWIP_EINPROGRESS && e != ABOTA_LWIP_EALREADY &&
            e != ABOTA_LWIP_EAGAIN) {
            n->last_errno = e;
            close_fd(n);
            return e == ABOTA_LWIP_ECONNREFUSED ? ABOTA_ERR_NET_REFUSED
                   : e == ABOTA_LWIP_ETIMEDOUT  ? ABOTA_ERR_NET_TIMEOUT
                                                : ABOTA_ERR_NET_CONNECT;
        }
        if (waited >= timeout_ms) {
            n->last_errno = ABOTA_LWIP_ETIMEDOUT;
            close_fd(n);
            return ABOTA_ERR_NET_TIMEOUT;
        }
        vTaskDelay((CONNECT_POLL_MS + portTICK_RATE_MS - 1) / portTICK_RATE_MS);
        waited += CONNECT_POLL_MS;
    }
    /* Back to blocking; send/recv use the socket timeouts. */
    if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        n->last_errno = errno;
        close_fd(n);
        return ABOTA_ERR_NET_CONNECT;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

static int io_error(struct abota_esp8266_net *n, int e, int fallback)
{
    n->last_errno = e;
    if (e == ABOTA_LWIP_EAGAIN || e == ABOTA_LWIP_ETIMEDOUT)
        return ABOTA_ERR_NET_TIMEOUT;
    if (e == ABOTA_LWIP_ECONNRESET)
        return ABOTA_ERR_NET_RESET;
    return fallback;
}

/* What send and recv check and set before the call: a connection, a
 * nonzero length (capped to what the int result can count), and the
 * socket timeout opt. Returns 0 or an error. */
static int io_prepare(struct abota_esp8266_net *n, size_t *len, int opt, uint32_t timeout_ms,
                      int fallback)
{
    if (n->_fd < 0)
        return ABOTA_ERR_STATE;
    if (*len == 0)
        return ABOTA_ERR_ARG;
    if (*len > 0x7FFFFFFFu)
        *len = 0x7FFFFFFFu;
    if (set_timeout(n->_fd, opt, timeout_ms) < 0)
        return io_error(n, errno, fallback);
    return 0;
}

static int esp_send(void *ctx, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct abota_esp8266_net *n = ctx;
    int rc = io_prepare(n, &len, SO_SNDTIMEO, timeout_ms, ABOTA_ERR_NET_SEND);
    if (rc < 0)
        return rc;
    int r = send(n->_fd, buf, len, 0);
    if (r > 0)
        return r;
    return io_error(n, errno, ABOTA_ERR_NET_SEND);
}

static int esp_recv(void *ctx, void *buf, size_t len, uint32_t timeout_ms)
{
    struct abota_esp8266_net *n = ctx;
    int rc = io_prepare(n, &len, SO_RCVTIMEO, timeout_ms, ABOTA_ERR_NET_RECV);
    if (rc < 0)
        return rc;
    int r = recv(n->_fd, buf, len, 0);
    if (r >= 0)
        return r; /* 0: the peer closed */
    return io_error(n, errno, ABOTA_ERR_NET_RECV);
}

static void esp_close(void *ctx)
{
    close_fd(ctx);
}

void abota_esp8266_net_init(struct abota_esp8266_net *n)
{
    memset(n, 0, sizeof *n);
    n->_fd = -1;
    n->port.ctx = n;
    n->port.connect = esp_connect;
    n->port.send = esp_send;
    n->port.recv = esp_recv;
    n->port.close = esp_close;
}
