/* SHA-256 through mbedTLS (hosts, and devices whose SDK ships mbedTLS). */
#include "abota/sha256.h"

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

/* mbedTLS 2.x names the int-returning calls *_ret; 3.x dropped the suffix. */
#if MBEDTLS_VERSION_MAJOR < 3
#define sha256_starts mbedtls_sha256_starts_ret
#define sha256_update mbedtls_sha256_update_ret
#define sha256_finish mbedtls_sha256_finish_ret
#else
#define sha256_starts mbedtls_sha256_starts
#define sha256_update mbedtls_sha256_update
#define sha256_finish mbedtls_sha256_finish
#endif

_Static_assert(sizeof(mbedtls_sha256_context) <= ABOTA_SHA256_CTX_SIZE,
               "ABOTA_SHA256_CTX_SIZE too small for mbedtls_sha256_context");

static mbedtls_sha256_context *ctx_of(struct abota_sha256 *c)
{
    return (mbedtls_sha256_context *)(void *)c->impl.bytes;
}

void abota_sha256_init(struct abota_sha256 *c)
{
    mbedtls_sha256_init(ctx_of(c));
    /* Cannot fail for SHA-256 (is224 = 0) with the software implementation. */
    (void)sha256_starts(ctx_of(c), 0);
}

void abota_sha256_update(struct abota_sha256 *c, const void *data, size_t len)
{
    (void)sha256_update(ctx_of(c), data, len);
}

void abota_sha256_finish(struct abota_sha256 *c, uint8_t out[ABOTA_SHA256_SIZE])
{
    (void)sha256_finish(ctx_of(c), out);
    mbedtls_sha256_free(ctx_of(c));
}

void abota_sha256(const void *data, size_t len, uint8_t out[ABOTA_SHA256_SIZE])
{
    struct abota_sha256 c;
    abota_sha256_init(&c);
    abota_sha256_update(&c, data, len);
    abota_sha256_finish(&c, out);
}
