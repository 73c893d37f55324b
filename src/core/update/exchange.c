/* One HTTP exchange of the update engine: connect, send the request,
 * receive into the caller's buffer and feed the response parser; the body
 * bytes go to the sink the caller gives. What an answer means (status,
 * ranges, where the body goes) is for fetch.c to say; this file knows the
 * network, the parser and the clock only. TLS is the net port's: an
 * https URL opens with its connect_tls, the rest is the same.
 *
 * Every wait is bounded twice: by its own timeout (connect or idle) and by
 * what is left of the whole-update deadline. A wait the deadline cut short
 * reports ABOTA_ERR_DEADLINE, not a network timeout, so the caller can tell
 * a slow server from a dead one. */
#include <stdbool.h>
#include <string.h>

#include "abota/error.h"
#include "update_priv.h"


/* The three network calls of an exchange. */
enum net_op { NET_CONNECT, NET_SEND, NET_RECV };

/* One network call, its wait bounded by its own limit (connect or idle)
 * and by what is left of the deadline. One function for the three calls:
 * the bounds are kept in one place. */
static int net_call(struct abota_update *u, enum net_op op, void *buf, size_t len)
{
    const struct abota_net *net = u->net;
    uint32_t limit = op == NET_CONNECT ? u->cfg.connect_timeout_ms : u->cfg.idle_timeout_ms;
    uint32_t left = upd_time_left(u);
    if (left == 0)
        return ABOTA_ERR_DEADLINE;
    uint32_t t = left < limit ? left : limit;
    int r;
    if (op == NET_CONNECT) {
        const struct abota_url *url = &upd_state(u)->url;
        /* https: the port's TLS (connect_server checked there is one) */
        r = (ABOTA_FEATURE_HTTPS && url->tls ? net->connect_tls : net->connect)(
            net->ctx, url->host, url->port, t);
    } else if (op == NET_SEND)
        r = net->send(net->ctx, buf, len, t);
    else
        r = net->recv(net->ctx, buf, len, t);
    /* A timeout on a wait that the deadline shortened is the deadline's. */
    return r == ABOTA_ERR_NET_TIMEOUT && t < limit ? ABOTA_ERR_DEADLINE : r;
}

static int connect_server(struct abota_update *u)
{
    const char *host = upd_state(u)->url.host;
    /* Before anything is asked or erased: an https URL is never fetched
     * in the clear. */
    if (ABOTA_FEATURE_HTTPS && upd_state(u)->url.tls && !u->net->connect_tls)
        return ABOTA_ERR_NET_TLS_UNAVAILABLE;
    upd_emit(u, ABOTA_EV_RESOLVE, 0, 0, 0, host);
    int r = net_call(u, NET_CONNECT, NULL, 0);
    if (r < 0)
        return r;
    upd_emit(u, ABOTA_EV_CONNECTED, 0, 0, 0, host);
    return 0;
}

/* Adds "Range: bytes=-256" (the image's last 256 bytes: its footer) to a
 * built request, before the blank line that ends it. The request builder
 * only knows open-ended ranges ("bytes=N-"), and the total is not known
 * yet. */
static int add_footer_range(char *req, int len, size_t size)
{
    static const char hdr[] = "Range: bytes=-256\r\n";
    const size_t hl = sizeof hdr - 1;
    size_t n = (size_t)len;
    if (n < 4 || memcmp(req + n - 4, "\r\n\r\n", 4) != 0)
        return ABOTA_ERR_STATE;
    if (size - n <= hl) /* room for the header and the NUL */
        return ABOTA_ERR_NOSPACE;
    memcpy(req + n - 2 + hl, "\r\n", 3);
    memcpy(req + n - 2, hdr, hl);
    return (int)(n + hl);
}

static int send_request(struct abota_update *u, const struct abota_http_request *rq,
                        bool footer_range)
{
    char *req = (char *)u->buf;
    int len = abota_http_request_build(rq, req, u->buf_size);
    if (ABOTA_FEATURE_FOOTER_PROBE && footer_range && len >= 0)
        len = add_footer_range(req, len, u->buf_size);
    if (len < 0)
        return len;

    for (size_t off = 0; off < (size_t)len;) {
        size_t left = (size_t)len - off;
        int n = net_call(u, NET_SEND, req + off, left);
        if (n < 0)
            return n;
        if (n == 0 || (size_t)n > left)
            return ABOTA_ERR_UP_NET_PORT;
        off += (size_t)n;
    }
    upd_emit(u, ABOTA_EV_REQUEST_SENT, 0, 0, 0, rq->url->path);
    return 0;
}

/* Receives into u->buf[0, room): > 0 bytes, 0 at the close, or an error. */
static int receive(struct abota_update *u, size_t room)
{
    int n = net_call(u, NET_RECV, u->buf, room);
    if (n < 0)
        return n;
    if ((size_t)n > room)
        return ABOTA_ERR_UP_NET_PORT;
    u->bytes_received += (uint32_t)n;
    return n;
}

/* Receives and parses until the message ends: the end of the headers
 * (the parser stops there), then the body, to the sink. */
static int pump(struct abota_update *u, upd_sink sink, size_t room)
{
    struct abota_http *p = &upd_state(u)->http;
    bool head_told = false;
    size_t off = 0, n = 0;
    unsigned idle_calls = 0;
    for (;;) {
        if (off == n) {
            int r = receive(u, room);
            if (r < 0)
                return r;
            if (r == 0) {
                r = abota_http_eof(p);
                if (r < 0)
                    return r;
                /* Only a body delimited by the close ends here. */
                return head_told ? UPD_BODY_CLOSED : ABOTA_ERR_HTTP_TRUNCATED;
            }
            off = 0;
            n = (size_t)r;
        }
        const uint8_t *body = NULL;
        size_t blen = 0;
        int c = abota_http_feed(p, u->buf + off, n - off, &body, &blen);
        if (c < 0)
            return c;
        off += (size_t)c;
        if (!head_told && abota_http_headers_done(p)) {
            head_told = true;
            int r = sink(u, NULL, 0, &room);
            if (r != UPD_GO_ON)
                return r;
        }
        if (blen) {
            int r = sink(u, body, blen, &room);
            if (r != UPD_GO_ON)
                return r;
        }
        if (abota_http_done(p)) {
            /* Never written: the image is judged by verification alone. */
            if (off < n)
                upd_emit(u, ABOTA_EV_WARNING, (uint32_t)(n - off), 0,
                         ABOTA_ERR_HTTP_EXTRA_BYTES, NULL);
            return UPD_BODY_END;
        }
        /* A parser that takes nothing twice in a row would spin forever. */
        idle_calls = c == 0 ? idle_calls + 1 : 0;
        if (idle_calls > 1)
            return ABOTA_ERR_STATE;
    }
}

int upd_exchange(struct abota_update *u, const struct abota_http_request *rq, bool footer_range,
                 upd_sink sink, size_t room)
{
    abota_http_init(&upd_state(u)->http, rq->head);
    int r = connect_server(u);
    if (r >= 0)
        r = send_request(u, rq, footer_range);
    if (r >= 0)
        r = pump(u, sink, room);
    u->net->close(u->net->ctx);
    return r;
}

#if ABOTA_FEATURE_REDIRECT
/* Replaces the URL by the redirect's Location resolved against it, unless
 * hops redirects were followed already: here, below both kinds of fetch
 * (image and document), which follow alike. */
int upd_follow(struct abota_update *u, unsigned hops)
{
    if (hops >= ABOTA_UPDATE_MAX_REDIRECTS)
        return ABOTA_ERR_HTTP_REDIRECT_LOOP;
    struct upd_state *s = upd_state(u);
    const char *loc = s->http.resp.location;
    if (!loc[0])
        return ABOTA_ERR_HTTP_BAD_REDIRECT;
    return abota_url_resolve(&s->url, loc, &s->url);
}
#else
int upd_follow(struct abota_update *u, unsigned hops)
{
    (void)u;
    (void)hops;
    return ABOTA_ERR_UNSUPPORTED; /* never reached: a 3xx is refused (on_headers) */
}
#endif
