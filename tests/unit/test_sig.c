/* ECDSA P-256 verification (abota/sig.h) against OpenSSL's verdicts
 * (sig_vectors.h, scripts/gen_sig_vectors.py) and the edge cases of the
 * encoding: r and s out of range, keys off the curve or with a coordinate
 * >= p, one bit changed anywhere. Portable: runs on the target CPUs too.
 * tests/host/test_sig_mbedtls.c compares it with mbedTLS on random input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/error.h"
#include "abota/sig.h"
#include "sig_vectors.h"

#define NVEC (sizeof sig_vectors / sizeof sig_vectors[0])

/* The group order n and the field prime p, big-endian (SEC 2, secp256r1). */
static const uint8_t order_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
static const uint8_t prime_p[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* r = a + b, or a - b with sub, mod 2^256, big-endian */
static void be_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32], int sub)
{
    int carry = sub;
    for (int i = 31; i >= 0; i--) {
        int v = a[i] + (sub ? 255 - b[i] : b[i]) + carry;
        r[i] = (uint8_t)v;
        carry = v >> 8;
    }
}

static void be_small(uint8_t r[32], uint8_t v)
{
    memset(r, 0, 32);
    r[31] = v;
}

/* 0 < v < n, the range of r and s */
static int in_range(const uint8_t v[32])
{
    static const uint8_t zero[32];
    return memcmp(v, zero, 32) != 0 && memcmp(v, order_n, 32) < 0;
}

struct triple {
    uint8_t key[64], digest[32], sig[64];
};

static struct triple triple_of(const struct sig_vector *v)
{
    struct triple t;
    memcpy(t.key, v->key, sizeof t.key);
    memcpy(t.digest, v->digest, sizeof t.digest);
    memcpy(t.sig, v->sig, sizeof t.sig);
    return t;
}

static void expect(const struct triple *t, int want, const char *what, const char *name)
{
    int got = abota_sig_p256_verify(t->key, t->digest, t->sig);
    if (got != want)
        fail_msg("%s, %s: %s, want %s", name, what, abota_strerror_name(got),
                 abota_strerror_name(want));
}

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVEC; i++) {
        struct triple t = triple_of(&sig_vectors[i]);
        expect(&t, sig_vectors[i].valid ? 0 : ABOTA_ERR_SIG_INVALID, "as generated",
               sig_vectors[i].name);
    }
}

/* ECDSA accepts (r, n - s) as well as (r, s), low-s or high-s. */
static void test_high_and_low_s(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVEC; i++) {
        if (!sig_vectors[i].valid)
            continue;
        struct triple t = triple_of(&sig_vectors[i]);
        be_add(t.sig + 32, order_n, t.sig + 32, 1);
        expect(&t, 0, "s replaced by n - s", sig_vectors[i].name);
    }
}

/* One bit changed in r, s, the digest, X or Y of every valid vector, at a
 * position that moves with the vector: r or s is refused as out of range
 * when the change takes it to 0 or past n, else the signature does not
 * verify; a changed key is off the curve. */
static void test_one_bit_changed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVEC; i++) {
        const struct sig_vector *v = &sig_vectors[i];
        if (!v->valid)
            continue;
        size_t byte = (i * 7) % 32;
        uint8_t bit = (uint8_t)(1u << (i % 8));
        struct triple t = triple_of(v);
        t.sig[byte] ^= bit;
        expect(&t, in_range(t.sig) ? ABOTA_ERR_SIG_INVALID : ABOTA_ERR_SIG_RANGE, "r changed",
               v->name);
        t = triple_of(v);
        t.sig[32 + byte] ^= bit;
        expect(&t, in_range(t.sig + 32) ? ABOTA_ERR_SIG_INVALID : ABOTA_ERR_SIG_RANGE,
               "s changed", v->name);
        t = triple_of(v);
        t.digest[byte] ^= bit;
        expect(&t, ABOTA_ERR_SIG_INVALID, "digest changed", v->name);
        t = triple_of(v);
        t.key[byte] ^= bit;
        expect(&t, ABOTA_ERR_SIG_KEY, "X changed", v->name);
        t = triple_of(v);
        t.key[32 + byte] ^= bit;
        expect(&t, ABOTA_ERR_SIG_KEY, "Y changed", v->name);
    }
}

/* The top bit of r and s: the change most likely to leave the range. */
static void test_top_bit_changed(void **state)
{
    (void)state;
    struct triple t = triple_of(&sig_vectors[0]);
    for (int half = 0; half < 2; half++) {
        uint8_t *v = t.sig + 32 * half;
        v[0] ^= 0x80;
        expect(&t, in_range(v) ? ABOTA_ERR_SIG_INVALID : ABOTA_ERR_SIG_RANGE, "top bit",
               half ? "s" : "r");
        v[0] ^= 0x80;
    }
}

/* r, s = 0, 1, n - 1, n, n + 1, 2^256 - 1: the range is 1..n-1. */
static void test_range(void **state)
{
    (void)state;
    static const uint8_t ones[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t zero[32], one[32], n_minus_1[32], n_plus_1[32];
    be_small(zero, 0);
    be_small(one, 1);
    be_add(n_minus_1, order_n, one, 1);
    be_add(n_plus_1, order_n, one, 0);
    const struct {
        const uint8_t *value;
        int want;
        const char *name;
    } cases[] = {
        {zero, ABOTA_ERR_SIG_RANGE, "0"},
        {order_n, ABOTA_ERR_SIG_RANGE, "n"},
        {n_plus_1, ABOTA_ERR_SIG_RANGE, "n + 1"},
        {ones, ABOTA_ERR_SIG_RANGE, "2^256 - 1"},
        {prime_p, ABOTA_ERR_SIG_RANGE, "p"},
        {one, ABOTA_ERR_SIG_INVALID, "1"},
        {n_minus_1, ABOTA_ERR_SIG_INVALID, "n - 1"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int half = 0; half < 2; half++) {
            struct triple t = triple_of(&sig_vectors[0]);
            memcpy(t.sig + 32 * half, cases[c].value, 32);
            expect(&t, cases[c].want, half ? "s" : "r", cases[c].name);
        }
    }
}

static const struct sig_vector *vector(const char *name)
{
    for (size_t i = 0; i < NVEC; i++)
        if (strcmp(sig_vectors[i].name, name) == 0)
            return &sig_vectors[i];
    fail_msg("no vector %s", name);
    return NULL;
}

/* Keys: off the curve, a coordinate >= p (even when it is a point mod p),
 * (0,0). A point of the curve with a signature it did not make is a key,
 * and the signature is invalid. */
static void test_keys(void **state)
{
    (void)state;
    struct triple t = triple_of(vector("key_small_x"));
    expect(&t, 0, "as generated", "key_small_x");
    be_add(t.key, t.key, prime_p, 0); /* x + p < 2^256: same point mod p */
    expect(&t, ABOTA_ERR_SIG_KEY, "x + p", "key_small_x");

    t = triple_of(&sig_vectors[0]);
    memcpy(t.key, sig_key_x0, sizeof t.key);
    expect(&t, ABOTA_ERR_SIG_INVALID, "(0, y0) is a key", "sig_key_x0");
    memcpy(t.key, prime_p, 32); /* (p, y0) */
    expect(&t, ABOTA_ERR_SIG_KEY, "(p, y0)", "sig_key_x0");
    memcpy(t.key + 32, prime_p, 32); /* (p, p) */
    expect(&t, ABOTA_ERR_SIG_KEY, "(p, p)", "sig_key_x0");

    memset(t.key, 0, sizeof t.key);
    expect(&t, ABOTA_ERR_SIG_KEY, "(0, 0)", "key");
    memset(t.key, 0xff, sizeof t.key);
    expect(&t, ABOTA_ERR_SIG_KEY, "all ones", "key");

    /* -Q = (x, p - y) is on the curve; Q's signature is not its own */
    t = triple_of(&sig_vectors[0]);
    be_add(t.key + 32, prime_p, t.key + 32, 1);
    expect(&t, ABOTA_ERR_SIG_INVALID, "-Q", sig_vectors[0].name);
    uint8_t one[32];
    be_small(one, 1);
    be_add(t.key + 32, t.key + 32, one, 0);
    expect(&t, ABOTA_ERR_SIG_KEY, "(x, p - y + 1)", sig_vectors[0].name);
}

/* A bad key is reported before a bad r or s, and r or s before anything
 * else (abota/sig.h). */
static void test_precedence(void **state)
{
    (void)state;
    struct triple t = triple_of(&sig_vectors[0]);
    memset(t.sig, 0, 32);
    expect(&t, ABOTA_ERR_SIG_RANGE, "r = 0", "precedence");
    t.key[5] ^= 1;
    expect(&t, ABOTA_ERR_SIG_KEY, "key changed, r = 0", "precedence");
}

/* The digest is a number taken mod n: e and e + n verify alike, and a
 * digest above n (all ones) or equal to it (0 mod n) is not refused. */
static void test_digest_mod_n(void **state)
{
    (void)state;
    struct triple t = triple_of(vector("digest_plus_n"));
    expect(&t, 0, "e + n", "digest_plus_n");
    be_add(t.digest, t.digest, order_n, 1);
    expect(&t, 0, "e", "digest_plus_n");
    t = triple_of(vector("digest_n"));
    memset(t.digest, 0, sizeof t.digest);
    expect(&t, 0, "0 for n", "digest_n");
    t = triple_of(vector("digest_zero"));
    memcpy(t.digest, order_n, sizeof t.digest);
    expect(&t, 0, "n for 0", "digest_zero");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),         cmocka_unit_test(test_high_and_low_s),
        cmocka_unit_test(test_one_bit_changed), cmocka_unit_test(test_top_bit_changed),
        cmocka_unit_test(test_range),           cmocka_unit_test(test_keys),
        cmocka_unit_test(test_precedence),      cmocka_unit_test(test_digest_mod_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
