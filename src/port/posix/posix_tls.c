/* TLS for the POSIX port: mbedTLS 2.28 over any struct abota_net (the TCP
 * port underneath does the waiting; every call here turns the caller's
 * timeout into a deadline that the record layer's reads and writes share).
 *
 * The server is always verified (a CA file, a pinned key, or both); there
 * is no switch for an unverified connection. Verification runs with
 * mbedTLS's "optional" mode and a callback, and its verdict is read after
 * the handshake, so that each reason gets its own error (untrusted,
 * expired, wrong host name, wrong pin) rather than one "verify failed".
 * Nothing is sent over a connection whose verdict is not clean.
 *
 * RAM: the configuration (CA chain, random generator) lives as long as the
 * object; the SSL context and its two record buffers only while a
 * connection is open (docs/TLS.md has the figures). */
#include "abota/port_posix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/asn1.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "abota/error.h"

struct tls_state {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_ssl_context ssl;
    bool has_ca, has_pin;
    bool open;       /* a TLS session runs on the plain connection */
    bool pin_failed; /* the last handshake's leaf key was not the pinned one */
    uint8_t pin[32];
    /* The host is an IP literal: its address, which mbedTLS 2.28 cannot
     * match (it reads only DNS names in subjectAltName); on_verify does. */
    uint8_t ip[16];
    size_t ip_len; /* 4, 16, or 0 for a DNS name */
    uint64_t deadline; /* of the mbedTLS call in progress, monotonic ms */
    int io_err;        /* what the plain port said when the record layer failed */
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* What is left of the deadline, for one call of the plain port. */
static uint32_t left_ms(const struct tls_state *s)
{
    uint64_t now = now_ms();
    uint64_t left = s->deadline > now ? s->deadline - now : 0;
    return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

/* The record layer's transport: the plain port, within the deadline. A
 * failure keeps the port's own error, which the caller reports instead of
 * mbedTLS's. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct abota_posix_tls *t = ctx;
    struct tls_state *s = t->_s;
    uint32_t left = left_ms(s);
    int r = left ? t->plain->send(t->plain->ctx, buf, len, left) : ABOTA_ERR_NET_TIMEOUT;
    if (r > 0)
        return r;
    s->io_err = r < 0 ? r : ABOTA_ERR_NET_SEND;
    return r == ABOTA_ERR_NET_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct abota_posix_tls *t = ctx;
    struct tls_state *s = t->_s;
    uint32_t left = left_ms(s);
    int r = left ? t->plain->recv(t->plain->ctx, buf, len, left) : ABOTA_ERR_NET_TIMEOUT;
    if (r >= 0)
        return r; /* 0: the peer closed */
    s->io_err = r;
    return r == ABOTA_ERR_NET_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* The leaf names the address ip[0, n) in an iPAddress entry of its
 * subjectAltName (RFC 5280 4.2.1.6), read from the raw extensions. */
static bool san_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t n)
{
    unsigned char *p = crt->v3_ext.p, *end = p + crt->v3_ext.len;
    size_t len;
    static const char san_oid[] = MBEDTLS_OID_SUBJECT_ALT_NAME;
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    if (!p || mbedtls_asn1_get_tag(&p, end, &len, seq) != 0)
        return false;
    while (p < end) { /* Extension ::= SEQUENCE { OID, critical BOOLEAN OPTIONAL, OCTET STRING } */
        if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0)
            return false;
        unsigned char *ext_end = p + len;
        int critical;
        size_t oid_len;
        if (mbedtls_asn1_get_tag(&p, ext_end, &oid_len, MBEDTLS_ASN1_OID) != 0)
            return false;
        bool is_san = oid_len == sizeof san_oid - 1 && memcmp(p, san_oid, oid_len) == 0;
        p += oid_len;
        (void)mbedtls_asn1_get_bool(&p, ext_end, &critical);
        if (!is_san || mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) != 0 ||
            mbedtls_asn1_get_tag(&p, ext_end, &len, seq) != 0) {
            p = ext_end;
            continue;
        }
        while (p < ext_end) { /* GeneralName: iPAddress is [7] IMPLICIT OCTET STRING */
            unsigned char tag = *p++;
            if (mbedtls_asn1_get_len(&p, ext_end, &len) != 0)
                return false;
            if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && len == n && memcmp(p, ip, n) == 0)
                return true;
            p += len;
        }
    }
    return false;
}

/* Called by the chain verification for each certificate, the leaf (depth
 * 0) last. The pin binds the leaf's key; without a CA it is the trust
 * anchor, so "not trusted" is lifted from the chain (and the pin decides). */
static int on_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct tls_state *s = ctx;
    if (depth == 0 && s->ip_len && !san_has_ip(crt, s->ip, s->ip_len))
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    if (!s->has_pin)
        return 0;
    if (!s->has_ca)
        *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    if (depth == 0) {
        uint8_t h[32];
        if (mbedtls_sha256_ret(crt->pk_raw.p, crt->pk_raw.len, h, 0) != 0 ||
            memcmp(h, s->pin, sizeof h) != 0) {
            s->pin_failed = true;
            *flags |= MBEDTLS_X509_BADCERT_OTHER;
        }
    }
    return 0;
}

/* The error for a verification verdict (flags nonzero). */
static int verify_error(const struct tls_state *s, uint32_t flags)
{
    if (s->pin_failed)
        return ABOTA_ERR_NET_TLS_PIN;
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
        return ABOTA_ERR_NET_TLS_UNTRUSTED;
    if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
        return ABOTA_ERR_NET_TLS_EXPIRED;
    if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
        return ABOTA_ERR_NET_TLS_HOSTNAME;
    return ABOTA_ERR_NET_TLS_UNTRUSTED; /* revoked, missing, a weak key or hash... */
}

/* The error for a handshake that mbedTLS ended with ret. */
static int handshake_error(struct abota_posix_tls *t, int ret)
{
    struct tls_state *s = t->_s;
    t->last_mbedtls = ret;
    if (s->io_err == ABOTA_ERR_NET_TIMEOUT)
        return ABOTA_ERR_NET_TIMEOUT;
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF || s->io_err == ABOTA_ERR_NET_RESET)
        return ABOTA_ERR_NET_TLS_CLOSED;
    if (s->io_err)
        return s->io_err;
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
        return verify_error(s, t->verify_flags);
    return ABOTA_ERR_NET_TLS_HANDSHAKE;
}

static void end_session(struct tls_state *s)
{
    mbedtls_ssl_free(&s->ssl);
    s->open = false;
}

static void tls_close(void *ctx)
{
    struct abota_posix_tls *t = ctx;
    struct tls_state *s = t->_s;
    if (s && s->open) {
        /* A courtesy, so the server does not log a truncation; never
         * waited on for long. */
        s->deadline = now_ms() + 100u;
        (void)mbedtls_ssl_close_notify(&s->ssl);
        end_session(s);
    }
    t->plain->close(t->plain->ctx);
}

static int tls_connect_plain(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct abota_posix_tls *t = ctx;
    tls_close(t);
    return t->plain->connect(t->plain->ctx, host, port, timeout_ms);
}

/* Connect and handshake, both inside timeout_ms; the session's record
 * buffers are allocated here and freed at the close. */
static int tls_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct abota_posix_tls *t = ctx;
    struct tls_state *s = t->_s;
    tls_close(t);
    if (!s->has_ca && !s->has_pin)
        return ABOTA_ERR_NET_TLS_CONFIG;
    s->deadline = now_ms() + timeout_ms;
    int r = t->plain->connect(t->plain->ctx, host, port, timeout_ms);
    if (r < 0)
        return r;
    s->io_err = 0;
    s->pin_failed = false;
    t->verify_flags = 0;
    mbedtls_ssl_init(&s->ssl);
    s->open = true;
    /* A host name is the SNI and the name the certificate must carry; an
     * address is neither an SNI (RFC 6066 3) nor a DNS name: on_verify
     * looks for it among the certificate's iPAddress names. */
    s->ip_len = inet_pton(AF_INET, host, s->ip) == 1    ? 4
                : inet_pton(AF_INET6, host, s->ip) == 1 ? 16
                                                         : 0;
    int ret = mbedtls_ssl_setup(&s->ssl, &s->conf);
    if (ret == 0)
        ret = mbedtls_ssl_set_hostname(&s->ssl, s->ip_len ? NULL : host);
    if (ret == 0) {
        mbedtls_ssl_set_bio(&s->ssl, t, bio_send, bio_recv, NULL);
        do
            ret = mbedtls_ssl_handshake(&s->ssl);
        while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    }
    if (ret == 0 || ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
        t->verify_flags = mbedtls_ssl_get_verify_result(&s->ssl);
    if (ret == 0 && t->verify_flags != 0)
        ret = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED; /* "optional" mode: the verdict is ours */
    if (ret != 0) {
        r = handshake_error(t, ret);
        end_session(s); /* no close_notify to a server not trusted */
        t->plain->close(t->plain->ctx);
        return r;
    }
    t->handshakes++;
    t->record_max = (uint32_t)mbedtls_ssl_get_input_max_frag_len(&s->ssl);
    return 0;
}

/* An mbedTLS read or write error as the port's contract says it. */
static int io_error(struct abota_posix_tls *t, int ret, int fallback)
{
    struct tls_state *s = t->_s;
    t->last_mbedtls = ret;
    if (s->io_err)
        return s->io_err;
    /* The TCP stream ended without close_notify: maybe a truncation. The
     * HTTP framing decides, but a body that ends at the close must not end
     * here, so it is an error, not an end. */
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return ABOTA_ERR_NET_CLOSED;
    return fallback;
}

static int tls_send(void *ctx, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct abota_posix_tls *t = ctx;
    struct tls_state *s = t->_s;
    if (!s->open)
        return t->plain->send(t->plain->ctx, buf, len, timeout_ms);
    s->deadline = now_ms() + timeout_ms;
    s->io_err = 0;
    int ret;
    do
        ret = mbedtls_ssl_write(&s->ssl, buf, len);
    while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    return ret > 0 ? ret : io_error(t, ret, ABOTA_ERR_NET_SEND);
}

static int tls_recv(void *ctx, void *buf, size_t len, uint32_t timeout_ms)
{
    struct abota_posix_tls *t = ctx;
    struct tls_state *s = t->_s;
    if (!s->open)
        return t->plain->recv(t->plain->ctx, buf, len, timeout_ms);
    s->deadline = now_ms() + timeout_ms;
    s->io_err = 0;
    int ret;
    do
        ret = mbedtls_ssl_read(&s->ssl, buf, len);
    while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret >= 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return ret > 0 ? ret : 0; /* a clean close */
    return io_error(t, ret, ABOTA_ERR_NET_RECV);
}

static int mfl_code(unsigned max_fragment, unsigned char *code)
{
    static const unsigned sizes[] = {512, 1024, 2048, 4096};
    static const unsigned char codes[] = {MBEDTLS_SSL_MAX_FRAG_LEN_512,
                                          MBEDTLS_SSL_MAX_FRAG_LEN_1024,
                                          MBEDTLS_SSL_MAX_FRAG_LEN_2048,
                                          MBEDTLS_SSL_MAX_FRAG_LEN_4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (sizes[i] == max_fragment) {
            *code = codes[i];
            return 0;
        }
    return ABOTA_ERR_ARG;
}

static int configure(struct abota_posix_tls *t, const struct abota_posix_tls_config *cfg,
                     unsigned char mfl)
{
    struct tls_state *s = t->_s;
    static const char pers[] = "abota";
    int ret = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy,
                                    (const unsigned char *)pers, sizeof pers - 1);
    if (ret != 0) {
        t->last_mbedtls = ret;
        return ABOTA_ERR_NET_TLS_HANDSHAKE;
    }
    if (cfg->ca_file) {
        ret = mbedtls_x509_crt_parse_file(&s->ca, cfg->ca_file);
        /* > 0: some certificates in the file did not parse; one that did is enough */
        if (ret < 0 || s->ca.version == 0) {
            t->last_mbedtls = ret;
            return ABOTA_ERR_IO;
        }
        s->has_ca = true;
    }
    s->has_pin = cfg->has_pin;
    memcpy(s->pin, cfg->pin, sizeof s->pin);
    ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        t->last_mbedtls = ret;
        return ABOTA_ERR_NET_TLS_HANDSHAKE;
    }
    mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3); /* TLS 1.2 */
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
    /* "Optional": the handshake goes on past a bad certificate and the
     * verdict is read after it (tls_connect), to tell why. */
    mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
    mbedtls_ssl_conf_verify(&s->conf, on_verify, s);
    if (s->has_ca)
        mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
    if (mfl != MBEDTLS_SSL_MAX_FRAG_LEN_NONE)
        mbedtls_ssl_conf_max_frag_len(&s->conf, mfl);
    return 0;
}

int abota_posix_tls_init(struct abota_posix_tls *t, const struct abota_net *plain,
                         const struct abota_posix_tls_config *cfg)
{
    unsigned char mfl = MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
    if (!t)
        return ABOTA_ERR_ARG;
    memset(t, 0, sizeof *t);
    if (!plain || !cfg || (cfg->max_fragment && mfl_code(cfg->max_fragment, &mfl) < 0))
        return ABOTA_ERR_ARG;
    struct tls_state *s = calloc(1, sizeof *s);
    if (!s) {
        errno = ENOMEM;
        return ABOTA_ERR_IO;
    }
    t->_s = s;
    t->plain = plain;
    mbedtls_entropy_init(&s->entropy);
    mbedtls_ctr_drbg_init(&s->drbg);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_x509_crt_init(&s->ca);
    mbedtls_ssl_init(&s->ssl);
    t->port.ctx = t;
    t->port.connect = tls_connect_plain;
    t->port.connect_tls = tls_connect;
    t->port.send = tls_send;
    t->port.recv = tls_recv;
    t->port.close = tls_close;
    int r = configure(t, cfg, mfl);
    if (r < 0)
        abota_posix_tls_free(t);
    return r;
}

void abota_posix_tls_free(struct abota_posix_tls *t)
{
    struct tls_state *s = t ? t->_s : NULL;
    if (!s)
        return;
    tls_close(t);
    mbedtls_ssl_free(&s->ssl);
    mbedtls_x509_crt_free(&s->ca);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_ctr_drbg_free(&s->drbg);
    mbedtls_entropy_free(&s->entropy);
    free(s);
    t->_s = NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int abota_posix_tls_parse_pin(const char *hex, uint8_t pin[32])
{
    if (!hex || !pin)
        return ABOTA_ERR_ARG;
    size_t n = 0;
    for (const char *p = hex; *p; p++) {
        if (*p == ':' && n > 0 && n < 32 && p[1] != ':' && p[-1] != ':')
            continue;
        int hi = hex_value(p[0]), lo = hi < 0 ? -1 : hex_value(p[1]);
        if (lo < 0 || n == 32)
            return ABOTA_ERR_ARG;
        pin[n++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    return n == 32 ? 0 : ABOTA_ERR_ARG;
}
