/* The core's ECDSA P-256 verifier (src/crypto/sig_p256.c, also as built
 * with ABOTA_SIG_MUL16=1) against mbedTLS's (abota_sig_p256_verify_mbedtls,
 * abota_sig_ref, src/crypto/sig_ref.h) on keys and
 * signatures mbedTLS makes from a deterministically seeded generator:
 * every valid signature is accepted by both, and on every corruption of
 * one (a bit, a field replaced, r or s past n, another key's signature)
 * both return the same code. Signatures steered to chosen u1, u2 with
 * keys of small private keys (sigtool.h) reach the ladder's special cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/version.h>

#include "abota/error.h"
#include "abota/sig.h"
#include "sig_ref.h"
#include "sigtool.h"

#if MBEDTLS_VERSION_MAJOR >= 3
#define F(ctx, field) (&(ctx)->MBEDTLS_PRIVATE(field))
#else
#define F(ctx, field) (&(ctx)->field)
#endif

/* Keys (each signs a few digests); ABOTA_SIG_ROUNDS overrides (valgrind
 * runs are slower by far). */
#define DEFAULT_ROUNDS 1000

static unsigned rounds(void)
{
    const char *s = getenv("ABOTA_SIG_ROUNDS");
    return s && atoi(s) > 0 ? (unsigned)atoi(s) : DEFAULT_ROUNDS;
}

/* The same numbers every run: the generator's entropy is a counter. */
static int fixed_entropy(void *arg, unsigned char *out, size_t len)
{
    uint32_t *state = arg;
    for (size_t i = 0; i < len; i++) {
        *state = *state * 1664525u + 1013904223u;
        out[i] = (unsigned char)(*state >> 24);
    }
    return 0;
}

static mbedtls_ctr_drbg_context drbg;
static uint32_t entropy_state = 1;

static int setup(void **state)
{
    (void)state;
    mbedtls_ctr_drbg_init(&drbg);
    return mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, &entropy_state, NULL, 0);
}

static int teardown(void **state)
{
    (void)state;
    mbedtls_ctr_drbg_free(&drbg);
    return 0;
}

static void random_bytes(void *out, size_t len)
{
    assert_int_equal(mbedtls_ctr_drbg_random(&drbg, out, len), 0);
}

static unsigned random_below(unsigned n)
{
    uint32_t v;
    random_bytes(&v, sizeof v);
    return v % n;
}

struct triple {
    uint8_t key[64], digest[32], sig[64];
};

/* Results seen, by code: a comparison that only ever saw one code would
 * prove little. */
struct tally {
    unsigned valid, invalid, range, key;
};

/* The verifiers on t: the core's, the same with 16-bit products (the
 * lx106's) and mbedTLS's give the same result, which is returned. */
static int both(const struct triple *t, struct tally *seen)
{
    int ours = abota_sig_p256_verify(t->key, t->digest, t->sig);
    int mul16 = abota_sig_p256_verify_mul16(t->key, t->digest, t->sig);
    int ref = abota_sig_p256_verify_mbedtls(t->key, t->digest, t->sig);
    if (ours != ref || mul16 != ref)
        fail_msg("sig_p256 says %s, with ABOTA_SIG_MUL16 %s, mbedTLS %s",
                 abota_strerror_name(ours), abota_strerror_name(mul16), abota_strerror_name(ref));
    switch (ours) {
    case 0: seen->valid++; break;
    case ABOTA_ERR_SIG_INVALID: seen->invalid++; break;
    case ABOTA_ERR_SIG_RANGE: seen->range++; break;
    case ABOTA_ERR_SIG_KEY: seen->key++; break;
    default: fail_msg("unexpected result %s", abota_strerror_name(ours));
    }
    return ours;
}

/* A digest: mostly random, sometimes at the edges (0, all ones, n). */
static void make_digest(uint8_t digest[32], const mbedtls_ecp_group *grp)
{
    switch (random_below(8)) {
    case 0: memset(digest, 0, 32); break;
    case 1: memset(digest, 0xff, 32); break;
    case 2: assert_int_equal(mbedtls_mpi_write_binary(F(grp, N), digest, 32), 0); break;
    default: random_bytes(digest, 32);
    }
}

/* A fresh key pair and a signature of a fresh digest by it. */
static void make_signed(struct triple *t, mbedtls_ecdsa_context *k)
{
    mbedtls_mpi r, s;
    uint8_t point[65];
    size_t len;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    assert_int_equal(mbedtls_ecdsa_genkey(k, MBEDTLS_ECP_DP_SECP256R1, mbedtls_ctr_drbg_random,
                                          &drbg),
                     0);
    assert_int_equal(mbedtls_ecp_point_write_binary(F(k, grp), F(k, Q),
                                                    MBEDTLS_ECP_PF_UNCOMPRESSED, &len, point,
                                                    sizeof point),
                     0);
    assert_int_equal(len, sizeof point);
    memcpy(t->key, point + 1, 64);
    make_digest(t->digest, F(k, grp));
    assert_int_equal(mbedtls_ecdsa_sign(F(k, grp), &r, &s, F(k, d), t->digest, 32,
                                        mbedtls_ctr_drbg_random, &drbg),
                     0);
    assert_int_equal(mbedtls_mpi_write_binary(&r, t->sig, 32), 0);
    assert_int_equal(mbedtls_mpi_write_binary(&s, t->sig + 32, 32), 0);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
}

/* One corruption of a valid triple, chosen at random. */
static void corrupt(struct triple *t, const struct triple *other)
{
    uint8_t *all[3] = {t->key, t->digest, t->sig};
    static const size_t sizes[3] = {64, 32, 64};
    unsigned part = random_below(3);
    switch (random_below(6)) {
    case 0: /* one bit anywhere */
    case 1: {
        unsigned bit = random_below(8 * 160);
        uint8_t *p = bit < 512 ? t->key : bit < 768 ? t->digest : t->sig;
        unsigned off = bit < 512 ? bit : bit < 768 ? bit - 512 : bit - 768;
        p[off / 8] ^= (uint8_t)(1u << (off % 8));
        break;
    }
    case 2: /* a whole field replaced */
        random_bytes(all[part], sizes[part]);
        break;
    case 3: /* r or s near or past n: its top bytes all ones */
        memset(t->sig + 32 * random_below(2), 0xff, 1 + random_below(12));
        break;
    case 4: /* r and s swapped */
        for (int i = 0; i < 32; i++) {
            uint8_t v = t->sig[i];
            t->sig[i] = t->sig[32 + i];
            t->sig[32 + i] = v;
        }
        break;
    default: /* a field of another key's triple */
        if (other != NULL)
            memcpy(all[part], part == 0 ? other->key : part == 1 ? other->digest : other->sig,
                   sizes[part]);
    }
}

static void test_random_signatures(void **state)
{
    (void)state;
    struct tally seen = {0};
    struct triple prev;
    unsigned n = rounds();
    for (unsigned i = 0; i < n; i++) {
        mbedtls_ecdsa_context k;
        struct triple t, c;
        mbedtls_ecdsa_init(&k);
        make_signed(&t, &k);
        mbedtls_ecdsa_free(&k);
        assert_int_equal(both(&t, &seen), 0);
        c = t;
        sigtool_negate_s(c.sig);
        assert_int_equal(both(&c, &seen), 0); /* high s and low s alike */
        for (int j = 0; j < 3; j++) {
            c = t;
            corrupt(&c, i ? &prev : NULL);
            (void)both(&c, &seen);
        }
        prev = t;
    }
    printf("random: %u valid, %u invalid, %u range, %u key\n", seen.valid, seen.invalid,
           seen.range, seen.key);
    assert_true(seen.valid >= 2 * n);
    assert_true(seen.invalid > n / 4 && seen.range > n / 20 && seen.key > n / 20);
}

/* Keys d*G with small d and -d, signatures steered to random u1, u2 whose
 * top bits are often equal or adjacent, so the ladder's sum meets the
 * table's G, Q, G + Q or their negatives: the doubling and infinity cases. */
static void test_steered_small_keys(void **state)
{
    (void)state;
    static const uint8_t small[] = {1, 2, 3, 4};
    struct tally seen = {0};
    unsigned made = 0;
    unsigned n = rounds() / 2;
    for (unsigned i = 0; i < n; i++) {
        uint8_t d[32] = {0}, u1[32], u2[32];
        struct triple t;
        d[31] = small[i % sizeof small];
        assert_int_equal(sigtool_key_of(d, i & 4, t.key), 0); /* dG or -dG */
        random_bytes(u1, 32);
        random_bytes(u2, 32);
        /* few leading bits, so the ladder's first additions meet */
        unsigned shift = random_below(3);
        u1[0] = (uint8_t)(u1[0] >> (shift + random_below(2)));
        u2[0] = (uint8_t)(u2[0] >> shift);
        if (random_below(4) == 0)
            memset(u1, 0, 32); /* u1 = 0 */
        if (sigtool_steer(t.key, u1, u2, t.digest, t.sig) != 0)
            continue;
        made++;
        assert_int_equal(both(&t, &seen), 0);
        t.digest[random_below(32)] ^= (uint8_t)(1u << random_below(8));
        assert_int_equal(both(&t, &seen), ABOTA_ERR_SIG_INVALID);
    }
    printf("steered: %u made of %u\n", made, n);
    assert_true(made > n * 9 / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_signatures),
        cmocka_unit_test(test_steered_small_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
