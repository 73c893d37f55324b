/* abota serve --tls: the TLS side of the server, mbedTLS 2.28 on the
 * loop's non-blocking sockets. Every call returns at once: what mbedTLS
 * would wait for comes back as SERVE_TLS_WANT_READ / _WANT_WRITE, which the
 * loop turns into the epoll interest it waits on (serve_loop.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "serve.h"

struct serve_tls {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
};

struct serve_tls_conn {
    mbedtls_ssl_context ssl;
    mbedtls_net_context net; /* the loop's socket; the loop closes it */
};

static int fail(const char *what, const char *path, int ret)
{
    char msg[128];
    mbedtls_strerror(ret, msg, sizeof msg);
    fprintf(stderr, "abota serve: %s%s%s: %s\n", what, path ? " " : "", path ? path : "", msg);
    return -1;
}

int serve_tls_init(struct serve_tls **out, const char *cert, const char *key)
{
    struct serve_tls *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t) {
        fprintf(stderr, "abota serve: out of memory\n");
        return -1;
    }
    mbedtls_entropy_init(&t->entropy);
    mbedtls_ctr_drbg_init(&t->drbg);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_x509_crt_init(&t->cert);
    mbedtls_pk_init(&t->key);
    static const char pers[] = "abota serve";
    int ret, rc = 0;
    if ((ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
                                     (const unsigned char *)pers, sizeof pers - 1)))
        rc = fail("seeding the random generator", NULL, ret);
    else if ((ret = mbedtls_x509_crt_parse_file(&t->cert, cert)) != 0)
        rc = fail("certificate", cert, ret > 0 ? MBEDTLS_ERR_X509_INVALID_FORMAT : ret);
    else if ((ret = mbedtls_pk_parse_keyfile(&t->key, key, NULL)))
        rc = fail("private key", key, ret);
    else if ((ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER,
                                                MBEDTLS_SSL_TRANSPORT_STREAM,
                                                MBEDTLS_SSL_PRESET_DEFAULT)))
        rc = fail("TLS configuration", NULL, ret);
    else if ((ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key)))
        rc = fail("certificate and key", cert, ret);
    if (rc < 0) {
        serve_tls_free(t);
        return -1;
    }
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
    mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    *out = t;
    return 0;
}

void serve_tls_free(struct serve_tls *t)
{
    if (!t)
        return;
    mbedtls_pk_free(&t->key);
    mbedtls_x509_crt_free(&t->cert);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_ctr_drbg_free(&t->drbg);
    mbedtls_entropy_free(&t->entropy);
    free(t);
}

struct serve_tls_conn *serve_tls_accept(struct serve_tls *t, int fd)
{
    struct serve_tls_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    mbedtls_ssl_init(&c->ssl);
    c->net.fd = fd;
    if (mbedtls_ssl_setup(&c->ssl, &t->conf) != 0) {
        mbedtls_ssl_free(&c->ssl);
        free(c);
        return NULL;
    }
    /* mbedtls_net_send/recv map EAGAIN to WANT_WRITE/WANT_READ */
    mbedtls_ssl_set_bio(&c->ssl, &c->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    return c;
}

/* mbedTLS's result as the loop's: a count, 0 at the end, or a wish. */
static long result(int ret)
{
    if (ret >= 0)
        return ret;
    if (ret == MBEDTLS_ERR_SSL_WANT_READ)
        return SERVE_TLS_WANT_READ;
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
        return SERVE_TLS_WANT_WRITE;
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return 0;
    return SERVE_TLS_FAILED;
}

long serve_tls_handshake(struct serve_tls_conn *c)
{
    int ret = mbedtls_ssl_handshake(&c->ssl);
    if (ret == 0)
        return 1;
    long r = result(ret);
    return r == 0 ? SERVE_TLS_FAILED : r; /* a close in the handshake is a failure */
}

long serve_tls_read(struct serve_tls_conn *c, void *buf, size_t len)
{
    return result(mbedtls_ssl_read(&c->ssl, buf, len));
}

long serve_tls_write(struct serve_tls_conn *c, const void *buf, size_t len)
{
    long r = result(mbedtls_ssl_write(&c->ssl, buf, len));
    return r == 0 ? SERVE_TLS_FAILED : r; /* a write of len > 0 never "ends" */
}

size_t serve_tls_pending(const struct serve_tls_conn *c)
{
    return mbedtls_ssl_get_bytes_avail(&c->ssl);
}

void serve_tls_close_notify(struct serve_tls_conn *c)
{
    (void)mbedtls_ssl_close_notify(&c->ssl); /* best effort: never waited for */
}

void serve_tls_conn_free(struct serve_tls_conn *c)
{
    if (!c)
        return;
    mbedtls_ssl_free(&c->ssl);
    free(c);
}
