/* ECDSA P-256 test material through mbedTLS (sigtool.h). */
#include "sigtool.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/version.h>

#if MBEDTLS_VERSION_MAJOR >= 3
#define GRP(g, field) (&(g)->MBEDTLS_PRIVATE(field))
#else
#define GRP(g, field) (&(g)->field)
#endif

/* Loaded once and kept (reachable) for the program's life: mbedTLS caches
 * its table of multiples of G in the group, which a new group would
 * compute again at every call. */
static mbedtls_ecp_group *group(void)
{
    static mbedtls_ecp_group grp;
    static int loaded;
    if (!loaded) {
        mbedtls_ecp_group_init(&grp);
        if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) != 0)
            abort();
        loaded = 1;
    }
    return &grp;
}

/* v = b mod n */
static int read_mod_n(mbedtls_mpi *v, const uint8_t b[32])
{
    int ret = mbedtls_mpi_read_binary(v, b, 32);
    if (ret == 0)
        ret = mbedtls_mpi_mod_mpi(v, v, GRP(group(), N));
    return ret;
}

/* R = u1*G + u2*P, the scalars already below n */
static int mul_add(mbedtls_ecp_point *r, const mbedtls_mpi *u1, const mbedtls_mpi *u2,
                   const mbedtls_ecp_point *p)
{
    mbedtls_ecp_group *grp = group();
    return mbedtls_ecp_muladd(grp, r, u1, GRP(grp, G), u2, p);
}

int sigtool_key_of(const uint8_t d[32], int negate, uint8_t key[64])
{
    mbedtls_mpi k, zero;
    mbedtls_ecp_point q;
    uint8_t point[65];
    size_t len = 0;
    mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&zero);
    mbedtls_ecp_point_init(&q);
    int ret = read_mod_n(&k, d);
    if (ret == 0 && mbedtls_mpi_cmp_int(&k, 0) == 0)
        ret = -1;
    if (ret == 0 && negate)
        ret = mbedtls_mpi_sub_mpi(&k, GRP(group(), N), &k);
    if (ret == 0)
        ret = mul_add(&q, &k, &zero, GRP(group(), G));
    if (ret == 0)
        ret = mbedtls_ecp_point_write_binary(group(), &q, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, point,
                                             sizeof point);
    if (ret == 0 && len == sizeof point)
        memcpy(key, point + 1, 64);
    else
        ret = -1;
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&zero);
    mbedtls_mpi_free(&k);
    return ret;
}

int sigtool_steer(const uint8_t key[64], const uint8_t u1[32], const uint8_t u2[32],
                  uint8_t digest[32], uint8_t sig[64])
{
    mbedtls_ecp_group *grp = group();
    const mbedtls_mpi *n = GRP(grp, N);
    mbedtls_mpi a, b, r, s, e;
    mbedtls_ecp_point q, sum;
    uint8_t point[65] = {0x04};
    memcpy(point + 1, key, 64);
    mbedtls_mpi_init(&a);
    mbedtls_mpi_init(&b);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    mbedtls_mpi_init(&e);
    mbedtls_ecp_point_init(&q);
    mbedtls_ecp_point_init(&sum);
    int ret = mbedtls_ecp_point_read_binary(grp, &q, point, sizeof point);
    if (ret == 0)
        ret = mbedtls_ecp_check_pubkey(grp, &q);
    if (ret == 0)
        ret = read_mod_n(&a, u1);
    if (ret == 0)
        ret = read_mod_n(&b, u2);
    if (ret == 0 && mbedtls_mpi_cmp_int(&b, 0) == 0)
        ret = -1;
    if (ret == 0)
        ret = mul_add(&sum, &a, &b, &q);
    if (ret == 0 && mbedtls_ecp_is_zero(&sum))
        ret = -1;
    if (ret == 0)
        ret = mbedtls_mpi_mod_mpi(&r, GRP(&sum, X), n); /* r = R.x mod n */
    if (ret == 0 && mbedtls_mpi_cmp_int(&r, 0) == 0)
        ret = -1;
    if (ret == 0)
        ret = mbedtls_mpi_inv_mod(&s, &b, n); /* s = r / u2 */
    if (ret == 0)
        ret = mbedtls_mpi_mul_mpi(&s, &s, &r);
    if (ret == 0)
        ret = mbedtls_mpi_mod_mpi(&s, &s, n);
    if (ret == 0)
        ret = mbedtls_mpi_mul_mpi(&e, &a, &s); /* e = u1 s */
    if (ret == 0)
        ret = mbedtls_mpi_mod_mpi(&e, &e, n);
    if (ret == 0)
        ret = mbedtls_mpi_write_binary(&e, digest, 32);
    if (ret == 0)
        ret = mbedtls_mpi_write_binary(&r, sig, 32);
    if (ret == 0)
        ret = mbedtls_mpi_write_binary(&s, sig + 32, 32);
    mbedtls_ecp_point_free(&sum);
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&e);
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&b);
    mbedtls_mpi_free(&a);
    return ret == 0 ? 0 : -1;
}

void sigtool_negate_s(uint8_t sig[64])
{
    mbedtls_mpi s;
    mbedtls_mpi_init(&s);
    if (mbedtls_mpi_read_binary(&s, sig + 32, 32) != 0 ||
        mbedtls_mpi_sub_mpi(&s, GRP(group(), N), &s) != 0 ||
        mbedtls_mpi_write_binary(&s, sig + 32, 32) != 0)
        abort(); /* s < n: n - s fits */
    mbedtls_mpi_free(&s);
}

void sigtool_order(uint8_t n[32])
{
    if (mbedtls_mpi_write_binary(GRP(group(), N), n, 32) != 0)
        abort();
}
