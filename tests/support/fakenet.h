/* A scripted net port for tests: each connect takes the next scripted
 * connection, which serves a canned response byte string in chunks of a
 * chosen size (down to 1 byte per recv), then closes (recv returns 0) or
 * stalls (recv returns ABOTA_ERR_NET_TIMEOUT, advancing a fake clock by the
 * timeout when one is attached). Connect can fail with any code (refused,
 * resolve failure...). Everything the client sends is recorded per
 * connection. A net with TLS (fakenet_enable_tls) also has connect_tls,
 * which scripts the same way and records that TLS was asked for (no TLS is
 * done: the bytes are the same). Portable (runs on the target CPUs too). */
#ifndef ABOTA_TEST_FAKENET_H
#define ABOTA_TEST_FAKENET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/net.h"
#include "fakeclock.h"

#define FAKENET_MAX_CONNS 8
#define FAKENET_SENT_MAX 512
#define FAKENET_HOST_MAX 64

/* Produces len bytes of a body starting at off into out (a body too big to
 * keep in RAM on the targets). */
typedef void (*fakenet_gen)(void *arg, size_t off, uint8_t *out, size_t len);

struct fakenet_conn {
    int connect_err;        /* 0: connect succeeds; else what connect returns */
    const uint8_t *resp;    /* what the server sends (e.g. the head)... */
    size_t resp_len;
    /* ...then body_len bytes of a body from body_off on: from body, or
     * from gen when body is NULL */
    const uint8_t *body;
    fakenet_gen gen;
    void *gen_arg;
    size_t body_off, body_len;
    size_t cut;             /* nonzero: the connection drops after this many bytes */
    size_t chunk;           /* most bytes per recv; 0: as much as fits */
    bool stall;             /* at the end: recv times out instead of closing */
    int recv_err;           /* at the end: recv returns this (e.g. _RESET); 0: none */
};

struct fakenet {
    struct fakenet_conn conn[FAKENET_MAX_CONNS];
    unsigned nconns;        /* scripted connections */
    unsigned connects;      /* connect calls so far (each uses one script entry) */
    unsigned closes;        /* close calls */
    unsigned misuse;        /* send/recv without a connection, connect while open */
    int cur;                /* index of the open connection, -1 when none */
    size_t pos;             /* bytes of conn[cur].resp served */
    size_t send_chunk;      /* most bytes accepted per send; 0: all */
    size_t max_recv_len;    /* largest len a recv asked for */
    uint32_t last_timeout;  /* timeout of the last call */
    /* per connection attempt */
    char host[FAKENET_MAX_CONNS][FAKENET_HOST_MAX];
    uint16_t port_no[FAKENET_MAX_CONNS];
    uint32_t connect_timeout[FAKENET_MAX_CONNS];
    bool tls[FAKENET_MAX_CONNS]; /* opened with connect_tls */
    uint8_t sent[FAKENET_MAX_CONNS][FAKENET_SENT_MAX];
    size_t sent_len[FAKENET_MAX_CONNS];
    struct fakeclock *clock; /* optional */
    struct abota_net port;
};

void fakenet_init(struct fakenet *n, struct fakeclock *clock);

/* Gives the port a connect_tls (fakenet_init leaves it NULL: no TLS). */
void fakenet_enable_tls(struct fakenet *n);

/* Scripts the next connection; returns it for further settings. */
struct fakenet_conn *fakenet_add(struct fakenet *n, const uint8_t *resp, size_t len, size_t chunk);

/* Scripts a connection whose connect fails with err. */
void fakenet_add_refusal(struct fakenet *n, int err);

#endif
