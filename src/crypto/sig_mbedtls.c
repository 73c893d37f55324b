/* ECDSA P-256 verification through mbedTLS (hosts; ABOTA_SIG_MBEDTLS), with
 * the error codes of abota/sig.h. Also built under another name into
 * abota_sig_ref, the reference the tests and fuzzers hold sig_p256.c to.
 * Written for mbedTLS 2.28 (Debian 12); 3.x made the group's fields private. */
#include "abota/sig.h"

#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/version.h>

#include "abota/error.h"

#if MBEDTLS_VERSION_MAJOR >= 3
#define GRP_N(g) (&(g)->MBEDTLS_PRIVATE(N))
#else
#define GRP_N(g) (&(g)->N)
#endif

/* 0 < v < n */
static int in_range(const mbedtls_ecp_group *grp, const mbedtls_mpi *v)
{
    return mbedtls_mpi_cmp_int(v, 0) > 0 && mbedtls_mpi_cmp_mpi(v, GRP_N(grp)) < 0;
}

int abota_sig_p256_verify(const uint8_t key[ABOTA_SIG_P256_KEY_SIZE], const uint8_t digest[32],
                          const uint8_t sig[ABOTA_SIG_P256_SIZE])
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi r, s;
    uint8_t point[1 + ABOTA_SIG_P256_KEY_SIZE];
    int ret;

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    point[0] = 0x04; /* SEC 1 uncompressed */
    memcpy(point + 1, key, ABOTA_SIG_P256_KEY_SIZE);

    /* The same order of checks as sig_p256.c: the key, then r and s, then
     * the signature. Any other failure (the group, memory) refuses. */
    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) != 0)
        ret = ABOTA_ERR_SIG_INVALID;
    else if (mbedtls_ecp_point_read_binary(&grp, &q, point, sizeof point) != 0 ||
             mbedtls_ecp_check_pubkey(&grp, &q) != 0)
        ret = ABOTA_ERR_SIG_KEY;
    else if (mbedtls_mpi_read_binary(&r, sig, 32) != 0 ||
             mbedtls_mpi_read_binary(&s, sig + 32, 32) != 0)
        ret = ABOTA_ERR_SIG_INVALID;
    else if (!in_range(&grp, &r) || !in_range(&grp, &s))
        ret = ABOTA_ERR_SIG_RANGE;
    else if (mbedtls_ecdsa_verify(&grp, digest, 32, &q, &r, &s) != 0)
        ret = ABOTA_ERR_SIG_INVALID;
    else
        ret = 0;

    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return ret;
}
