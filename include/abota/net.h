/* The network and clock port: what the update engine needs from the OS.
 *
 * One connection at a time per port instance. Every call takes a timeout in
 * milliseconds and returns instead of blocking past it. */
#ifndef ABOTA_NET_H
#define ABOTA_NET_H

#include <stddef.h>
#include <stdint.h>

struct abota_net {
    void *ctx;
    /* Resolves host (DNS name, IPv4 literal or IPv6 literal without
     * brackets) and connects to port. 0, or ABOTA_ERR_NET_RESOLVE,
     * _REFUSED, _CONNECT, _TIMEOUT. */
    int (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
    /* Sends up to len bytes; returns the count sent (> 0) or an error. */
    int (*send)(void *ctx, const void *buf, size_t len, uint32_t timeout_ms);
    /* Receives up to len bytes; returns the count (> 0), 0 when the peer
     * closed the connection, or ABOTA_ERR_NET_TIMEOUT / _RESET / _RECV. */
    int (*recv)(void *ctx, void *buf, size_t len, uint32_t timeout_ms);
    /* Closes the connection, if any; always safe to call. */
    void (*close)(void *ctx);
};

struct abota_clock {
    void *ctx;
    /* Milliseconds from an arbitrary start; wraps after 49 days (callers
     * subtract, so the wrap is harmless). */
    uint32_t (*now_ms)(void *ctx);
    void (*sleep_ms)(void *ctx, uint32_t ms);
    /* Any 32 random bits, for retry jitter; need not be cryptographic. */
    uint32_t (*random)(void *ctx);
};

#endif
