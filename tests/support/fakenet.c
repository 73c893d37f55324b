#include "fakenet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abota/error.h"

static void die(const char *what)
{
    fprintf(stderr, "fakenet: %s\n", what);
    exit(1);
}

static int fn_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct fakenet *n = ctx;
    if (n->cur >= 0) {
        n->misuse++;
        return ABOTA_ERR_STATE;
    }
    unsigned i = n->connects++;
    if (i >= FAKENET_MAX_CONNS)
        return ABOTA_ERR_NET_REFUSED;
    snprintf(n->host[i], sizeof n->host[i], "%s", host);
    n->port_no[i] = port;
    n->connect_timeout[i] = timeout_ms;
    n->last_timeout = timeout_ms;
    if (i >= n->nconns)
        return ABOTA_ERR_NET_REFUSED; /* nothing scripted: nobody listens */
    if (n->conn[i].connect_err) {
        if (n->conn[i].connect_err == ABOTA_ERR_NET_TIMEOUT && n->clock)
            fakeclock_advance(n->clock, timeout_ms);
        return n->conn[i].connect_err;
    }
    n->cur = (int)i;
    n->pos = 0;
    return 0;
}

static int fn_connect_tls(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct fakenet *n = ctx;
    unsigned i = n->connects;
    if (i < FAKENET_MAX_CONNS)
        n->tls[i] = true;
    return fn_connect(ctx, host, port, timeout_ms);
}

static int fn_send(void *ctx, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct fakenet *n = ctx;
    n->last_timeout = timeout_ms;
    if (n->cur < 0 || len == 0) {
        n->misuse++;
        return ABOTA_ERR_NET_SEND;
    }
    if (n->send_chunk && len > n->send_chunk)
        len = n->send_chunk;
    size_t *have = &n->sent_len[n->cur];
    if (len > FAKENET_SENT_MAX - *have)
        die("request longer than FAKENET_SENT_MAX");
    memcpy(n->sent[n->cur] + *have, buf, len);
    *have += len;
    return (int)len;
}

static int fn_recv(void *ctx, void *buf, size_t len, uint32_t timeout_ms)
{
    struct fakenet *n = ctx;
    n->last_timeout = timeout_ms;
    if (n->cur < 0 || len == 0) {
        n->misuse++;
        return ABOTA_ERR_NET_RECV;
    }
    if (len > n->max_recv_len)
        n->max_recv_len = len;
    const struct fakenet_conn *c = &n->conn[n->cur];
    size_t all = c->resp_len + c->body_len;
    if (c->cut && c->cut < all)
        all = c->cut;
    size_t left = all - n->pos;
    if (left == 0) {
        if (c->stall) {
            if (n->clock)
                fakeclock_advance(n->clock, timeout_ms);
            return ABOTA_ERR_NET_TIMEOUT;
        }
        return c->recv_err ? c->recv_err : 0;
    }
    size_t k = len < left ? len : left;
    if (c->chunk && k > c->chunk)
        k = c->chunk;
    uint8_t *out = buf;
    for (size_t done = 0; done < k;) {
        size_t at = n->pos + done, m;
        if (at < c->resp_len) {
            m = c->resp_len - at < k - done ? c->resp_len - at : k - done;
            memcpy(out + done, c->resp + at, m);
        } else {
            size_t boff = at - c->resp_len;
            m = k - done;
            if (c->body)
                memcpy(out + done, c->body + c->body_off + boff, m);
            else if (c->gen)
                c->gen(c->gen_arg, c->body_off + boff, out + done, m);
            else
                die("body without a source");
        }
        done += m;
    }
    n->pos += k;
    return (int)k;
}

static void fn_close(void *ctx)
{
    struct fakenet *n = ctx;
    n->closes++;
    n->cur = -1;
}

void fakenet_init(struct fakenet *n, struct fakeclock *clock)
{
    memset(n, 0, sizeof *n);
    n->cur = -1;
    n->clock = clock;
    n->port.ctx = n;
    n->port.connect = fn_connect;
    n->port.send = fn_send;
    n->port.recv = fn_recv;
    n->port.close = fn_close;
}

void fakenet_enable_tls(struct fakenet *n)
{
    n->port.connect_tls = fn_connect_tls;
}

struct fakenet_conn *fakenet_add(struct fakenet *n, const uint8_t *resp, size_t len, size_t chunk)
{
    if (n->nconns >= FAKENET_MAX_CONNS)
        die("too many scripted connections");
    struct fakenet_conn *c = &n->conn[n->nconns++];
    memset(c, 0, sizeof *c);
    c->resp = resp;
    c->resp_len = len;
    c->chunk = chunk;
    return c;
}

void fakenet_add_refusal(struct fakenet *n, int err)
{
    fakenet_add(n, NULL, 0, 0)->connect_err = err;
}
