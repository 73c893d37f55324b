#include "dropnet.h"

#include <string.h>

#include "abota/error.h"

static int dn_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct dropnet *d = ctx;
    d->conns++;
    d->got = 0;
    return d->in.port.connect(d->in.port.ctx, host, port, timeout_ms);
}

static int dn_send(void *ctx, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct dropnet *d = ctx;
    return d->in.port.send(d->in.port.ctx, buf, len, timeout_ms);
}

static int dn_recv(void *ctx, void *buf, size_t len, uint32_t timeout_ms)
{
    struct dropnet *d = ctx;
    unsigned i = d->conns - 1u;
    uint32_t cut = i < DROPNET_MAX_CONNS ? d->cut[i] : 0;
    if (cut) {
        if (d->got >= cut) {
            d->drops++;
            d->in.port.close(d->in.port.ctx);
            return d->reset[i] ? ABOTA_ERR_NET_RESET : 0;
        }
        if (len > cut - d->got)
            len = cut - d->got;
    }
    int r = d->in.port.recv(d->in.port.ctx, buf, len, timeout_ms);
    if (r > 0)
        d->got += (uint32_t)r;
    return r;
}

static void dn_close(void *ctx)
{
    struct dropnet *d = ctx;
    d->in.port.close(d->in.port.ctx);
}

void dropnet_init(struct dropnet *d)
{
    memset(d, 0, sizeof *d);
    abota_posix_net_init(&d->in);
    d->port.ctx = d;
    d->port.connect = dn_connect;
    d->port.send = dn_send;
    d->port.recv = dn_recv;
    d->port.close = dn_close;
}
