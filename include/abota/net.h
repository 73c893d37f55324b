/* The network and clock port: what the update engine needs from the OS.
 *
 * One connection at a time per port instance. Every call takes a timeout in
 * milliseconds and returns instead of blocking past it. The connection is
 * plain TCP (connect) or TLS (connect_tls); send, recv and close work on
 * whichever is open, so the engine above them is the same for both. */
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
    /* Optional (NULL: the port has no TLS, and an https:// URL ends the run
     * with ABOTA_ERR_NET_TLS_UNAVAILABLE). Like connect, then a TLS
     * handshake with server name host that verifies the server (a CA, a
     * pinned key: the port's configuration; never an unverified
     * connection), all within timeout_ms. 0, connect's errors, or
     * ABOTA_ERR_NET_TLS_* (docs/TLS.md). Last in the struct, so ports
     * written before it (positional initialisers) leave it NULL. */
    int (*connect_tls)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
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
