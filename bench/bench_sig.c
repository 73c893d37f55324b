/* ECDSA P-256 verification on the host: the core's (src/crypto/sig_p256.c,
 * what the devices run), the same with 16-bit products (ABOTA_SIG_MUL16,
 * the lx106's formulation), and mbedTLS's, same process, same OpenSSL-made
 * signatures (tests/unit/sig_vectors.h). mbedTLS twice: as
 * src/crypto/sig_mbedtls.c calls it, loading the curve at each call (a
 * device verifies once per update), and with the group loaded once, which
 * keeps mbedTLS's table of multiples of G between calls. */
#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/version.h>
#include <stdio.h>

#include "abota/sig.h"
#include "bench_util.h"
#include "sig_ref.h"
#include "../tests/unit/sig_vectors.h"

#define NVEC 6 /* random_0 .. random_5: typical keys and digests */

typedef int (*verify_fn)(const uint8_t *, const uint8_t *, const uint8_t *);

struct job {
    verify_fn verify;
    int fails;
};

/* One verification of each typical vector; "bytes" are verifications. */
static uint64_t run(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < NVEC; i++)
        if (j->verify(sig_vectors[i].key, sig_vectors[i].digest, sig_vectors[i].sig) != 0)
            j->fails++;
    return NVEC;
}

static mbedtls_ecp_group kept;

/* mbedTLS with the group loaded once */
static int verify_kept_group(const uint8_t *key, const uint8_t *digest, const uint8_t *sig)
{
    mbedtls_ecp_point q;
    mbedtls_mpi r, s;
    uint8_t point[65] = {0x04};
    memcpy(point + 1, key, 64);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int ret = mbedtls_ecp_point_read_binary(&kept, &q, point, sizeof point);
    if (ret == 0)
        ret = mbedtls_ecp_check_pubkey(&kept, &q);
    if (ret == 0)
        ret = mbedtls_mpi_read_binary(&r, sig, 32);
    if (ret == 0)
        ret = mbedtls_mpi_read_binary(&s, sig + 32, 32);
    if (ret == 0)
        ret = mbedtls_ecdsa_verify(&kept, digest, 32, &q, &r, &s);
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    return ret;
}

int main(void)
{
    double min_s;
    int rounds;
    bench_budget(&min_s, &rounds);
    mbedtls_ecp_group_init(&kept);
    if (mbedtls_ecp_group_load(&kept, MBEDTLS_ECP_DP_SECP256R1) != 0)
        return 1;

    struct job ours = {abota_sig_p256_verify, 0};
    struct job mul16 = {abota_sig_p256_verify_mul16, 0};
    struct job once = {abota_sig_p256_verify_mbedtls, 0};
    struct job warm = {verify_kept_group, 0};
    double v_ours, v_once, v_ours2, v_warm, v_mul16, v_ours3;
    bench_pair(run, &ours, run, &once, min_s, rounds, &v_ours, &v_once);
    bench_pair(run, &ours, run, &warm, min_s, rounds, &v_ours2, &v_warm);
    bench_pair(run, &mul16, run, &ours, min_s, rounds, &v_mul16, &v_ours3);
    mbedtls_ecp_group_free(&kept);
    if (ours.fails || mul16.fails || once.fails || warm.fails) {
        fprintf(stderr, "bench_sig: a valid signature did not verify\n");
        return 1;
    }
    /* bench_pair's rates are in millions of "bytes" (verifications) a
     * second; each ratio is of one interleaved pair */
    printf("bench_sig: ECDSA P-256 verification, mbedTLS %s\n", MBEDTLS_VERSION_STRING);
    printf("%10.3f ms  sig_p256 (the core's)\n", 1e-3 / v_ours);
    printf("%10.3f ms  mbedTLS, curve loaded at each call (sig_mbedtls.c)\n", 1e-3 / v_once);
    printf("%10.3f ms  mbedTLS, curve loaded once (its table of G kept)\n", 1e-3 / v_warm);
    printf("%10.3f ms  sig_p256 with ABOTA_SIG_MUL16 (the lx106's products)\n", 1e-3 / v_mul16);
    printf("sig_p256 / mbedTLS time = %.2f (curve loaded at each call), %.2f (curve kept)\n",
           v_once / v_ours, v_warm / v_ours2);
    printf("sig_p256 MUL16 / sig_p256 time = %.2f\n", v_ours3 / v_mul16);
    return 0;
}
