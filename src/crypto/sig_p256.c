/* ECDSA P-256 verification (SEC 1 v2 section 4.1.4, FIPS 186-4) for small
 * devices: no heap, no recursion, no tables, a bounded stack (docs/FOOTPRINT.md).
 *
 * Numbers are 8 limbs of 32 bits, least significant first. Arithmetic mod p
 * (the field) and mod n (the group order) is Montgomery multiplication, one
 * routine for both moduli; p's special form only spares the multiplies of
 * its reduction step. Products are 32 x 32 -> 64 bits, or with
 * ABOTA_SIG_MUL16 (abota/config.h, the lx106's default) made of 16-bit
 * ones. Points are Jacobian (X/Z^2, Y/Z^3), Z = 0 being the point at
 * infinity; u1*G + u2*Q is one double-and-add ladder over both scalars
 * (Shamir's trick) that adds G, Q or G+Q, those three held in affine form
 * ((0,0), which is not on the curve, for an infinite G+Q). Inverses (1/s
 * mod n, 1/Z mod p twice) are by the binary extended Euclid algorithm.
 *
 * Verification handles public data only, so nothing here tries to run in
 * constant time. */
#include "abota/sig.h"

#include <string.h>

#include "abota/config.h"
#include "abota/error.h"

#define W 8 /* limbs in a 256-bit number */

struct modulus {
    uint32_t m[W];
    uint32_t inv; /* -m^-1 mod 2^32, for Montgomery reduction */
};

/* p = 2^256 - 2^224 + 2^192 + 2^96 - 1 */
static const struct modulus mod_p = {
    {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF},
    0x00000001};
/* n, the order of G */
static const struct modulus mod_n = {
    {0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF},
    0xEE00BC4F};
/* the curve is y^2 = x^3 - 3x + b */
static const uint32_t curve_b[W] = {0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0,
                                    0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8};
/* the base point G, affine */
static const uint32_t base_x[W] = {0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81,
                                   0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2};
static const uint32_t base_y[W] = {0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357,
                                   0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2};

struct affine {
    uint32_t x[W], y[W];
};

struct jacobian {
    uint32_t x[W], y[W], z[W];
};

/* ---- 256-bit integers ---- */

/* 32 big-endian bytes */
static void load(uint32_t r[W], const uint8_t *b)
{
    for (int i = 0; i < W; i++) {
        const uint8_t *q = b + 4 * (W - 1 - i);
        r[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    }
}

static int is_zero(const uint32_t *a, int limbs)
{
    uint32_t acc = 0;
    for (int i = 0; i < limbs; i++)
        acc |= a[i];
    return acc == 0;
}

/* r = a + b, or a - b when sub is 1 (a plus the complement of b plus one).
 * Returns the carry out, or for a subtraction the borrow. r may be a or b. */
static uint32_t add_sub(uint32_t r[W], const uint32_t a[W], const uint32_t b[W], uint32_t sub)
{
    uint32_t flip = 0u - sub;
    uint64_t c = sub;
    for (int i = 0; i < W; i++) {
        c += (uint64_t)a[i] + (b[i] ^ flip);
        r[i] = (uint32_t)c;
        c >>= 32;
    }
    return (uint32_t)c ^ sub;
}

/* a >= m: whether a, with `carry` as a 257th bit, is not below m */
static int not_below(const uint32_t a[W], uint32_t carry, const uint32_t m[W])
{
    uint32_t t[W];
    return carry || !add_sub(t, a, m, 1);
}

/* r = r - m if r (with a 257th bit `carry`) >= m: brings r from [0, 2m) to
 * [0, m). */
static void reduce_once(uint32_t r[W], uint32_t carry, const uint32_t m[W])
{
    if (not_below(r, carry, m))
        (void)add_sub(r, r, m, 1);
}

/* ---- arithmetic mod m (every input and output in [0, m)) ---- */

static void mod_add(uint32_t r[W], const uint32_t a[W], const uint32_t b[W], const uint32_t m[W])
{
    reduce_once(r, add_sub(r, a, b, 0), m);
}

static void mod_sub(uint32_t r[W], const uint32_t a[W], const uint32_t b[W], const uint32_t m[W])
{
    if (add_sub(r, a, b, 1))
        (void)add_sub(r, r, m, 0);
}

/* t[0..W+1] += x * v */
#if ABOTA_SIG_MUL16
/* From 16 x 16 -> 32 products and 32-bit additions: on a CPU without a
 * 32 x 32 -> 64 multiply (the lx106) the compiler turns a 64-bit product
 * into a call to a 64 x 64 multiply routine, and 64-bit sums into carry
 * tests; this keeps one 64-bit number as hi:lo by hand. */
static void mul_add(uint32_t t[W + 2], uint32_t x, const uint32_t v[W])
{
    uint32_t x0 = x & 0xFFFFu, x1 = x >> 16, c = 0;
    for (int j = 0; j < W; j++) {
        uint32_t v0 = v[j] & 0xFFFFu, v1 = v[j] >> 16;
        uint32_t lo = x0 * v0, hi = x1 * v1, m1 = x0 * v1, mid = m1 + x1 * v0;
        hi += (mid >> 16) + ((uint32_t)(mid < m1) << 16); /* mid's own carry is 2^48 */
        lo += mid << 16;
        hi += lo < (mid << 16);
        lo += t[j];
        hi += lo < t[j];
        lo += c;
        hi += lo < c; /* x * v[j] + t[j] + c < 2^64: hi does not overflow */
        t[j] = lo;
        c = hi;
    }
    t[W] += c;
    t[W + 1] += t[W] < c;
}
#else
static void mul_add(uint32_t t[W + 2], uint32_t x, const uint32_t v[W])
{
    uint64_t c = 0;
    for (int j = 0; j < W; j++) {
        c += (uint64_t)x * v[j] + t[j]; /* at most 2^64 - 1 */
        t[j] = (uint32_t)c;
        c >>= 32;
    }
    c += t[W];
    t[W] = (uint32_t)c;
    t[W + 1] += (uint32_t)(c >> 32);
}
#endif

/* t[0..W+1] += t[0] * p, which clears t[0] (-p^-1 = 1 mod 2^32), without
 * multiplying: p's form makes t0 * p = t0 * 2^96 + t0 * 2^192 +
 * t0 * (2^32 - 1) * 2^224 - t0, and the last term takes t0 away. */
static void add_p_multiple(uint32_t t[W + 2])
{
    uint32_t m = t[0];
    uint64_t c = 0;
    t[0] = 0;
    for (int j = 3; j < W + 2; j++) {
        c += t[j];
        if (j == 3 || j == 6)
            c += m;
        else if (j == 7) /* below 2^64: c < 2^33 here */
            c += ((uint64_t)m << 32) - m;
        t[j] = (uint32_t)c;
        c >>= 32;
    }
}

/* r = a * b / 2^256 mod m (Montgomery multiplication, word by word: add
 * a[i] * b, then the multiple of m that clears word i; after W rows the
 * words from W up hold the result). With a < 2^256 and b < m it is below
 * 2m, so one subtraction finishes it; a need not be reduced. r may be a or
 * b. t is a sliding window rather than shifted down at each row: no
 * memmove, which is a byte loop in a small C library. */
static void mont_mul(uint32_t r[W], const uint32_t a[W], const uint32_t b[W], const struct modulus *M)
{
    uint32_t t[2 * W + 1]; /* row W - 1 reaches t[2W] */
    for (int j = 0; j < 2 * W + 1; j++)
        t[j] = 0;
    for (int i = 0; i < W; i++) {
        uint32_t *row = t + i;
        mul_add(row, a[i], b);
        if (M == &mod_p)
            add_p_multiple(row);
        else
            mul_add(row, row[0] * M->inv, M->m);
    }
    for (int j = 0; j < W; j++)
        r[j] = t[W + j];
    reduce_once(r, t[2 * W], M->m);
}

/* r = 2^256 mod m, Montgomery's 1: 2^256 - m, as m > 2^255 */
static void mont_one(uint32_t r[W], const uint32_t m[W])
{
    static const uint32_t zero[W];
    (void)add_sub(r, zero, m, 1);
}

/* r = a * 2^256 mod m (into Montgomery form), a < m: 256 doublings, cheap
 * next to the multiplications and free of a 2^512 mod m constant. */
static void to_mont(uint32_t r[W], const uint32_t a[W], const uint32_t m[W])
{
    if (r != a)
        memcpy(r, a, sizeof(uint32_t) * W);
    for (int i = 0; i < 256; i++)
        mod_add(r, r, r, m);
}

/* x = x / 2 mod m (x < m, m odd): x, or x + m when x is odd, shifted right
 * with the carry of the addition as the top bit */
static void halve(uint32_t x[W], const uint32_t m[W])
{
    uint32_t top = (x[0] & 1) ? add_sub(x, x, m, 0) : 0;
    for (int i = 0; i < W; i++)
        x[i] = x[i] >> 1 | (i + 1 < W ? x[i + 1] : top) << 31;
}

/* r = a^-1 mod m (m an odd prime, a < m; a = 0 gives 0), by the binary
 * extended Euclid algorithm: far fewer operations than a^(m-2) (some 400
 * multiplications). With u = x1 * a and v = x2 * a (mod m), from u = a,
 * v = m: halve u while even, then take the smaller of u, v from the larger
 * (swapping them to keep the larger in u), until u = 0; v, odd all along,
 * is then gcd(a, m) = 1, so x2 = 1/a. */
static void mod_inv(uint32_t r[W], const uint32_t a[W], const uint32_t m[W])
{
    uint32_t buf[4][W];
    uint32_t *u = buf[0], *v = buf[1], *x1 = buf[2], *x2 = buf[3], *swap;
    memcpy(u, a, sizeof buf[0]);
    memcpy(v, m, sizeof buf[0]);
    memset(buf + 2, 0, 2 * sizeof buf[0]); /* x1, x2 */
    x1[0] = 1;
    while (!is_zero(u, W)) {
        while (!(u[0] & 1)) {
            halve(u, m); /* even: a plain shift */
            halve(x1, m);
        }
        if (!not_below(u, 0, v)) {
            swap = u, u = v, v = swap;
            swap = x1, x1 = x2, x2 = swap;
        }
        (void)add_sub(u, u, v, 1); /* both odd: u becomes even, or 0 */
        mod_sub(x1, x1, x2, m);
    }
    memcpy(r, x2, sizeof buf[0]);
}

/* r = a^-1 in Montgomery form, from a in Montgomery form (r must not be
 * a): the inverse of aR is 1/(aR), twice into Montgomery form 1/a * R. */
static void mont_inv(uint32_t r[W], const uint32_t a[W], const uint32_t m[W])
{
    mod_inv(r, a, m);
    to_mont(r, r, m);
    to_mont(r, r, m);
}

/* ---- the field, mod p, Montgomery form ---- */

static void fmul(uint32_t r[W], const uint32_t a[W], const uint32_t b[W])
{
    mont_mul(r, a, b, &mod_p);
}

static void fadd(uint32_t r[W], const uint32_t a[W], const uint32_t b[W])
{
    mod_add(r, a, b, mod_p.m);
}

static void fsub(uint32_t r[W], const uint32_t a[W], const uint32_t b[W])
{
    mod_sub(r, a, b, mod_p.m);
}

/* ---- points ---- */

/* p = 2p. With a = -3: delta = Z^2, gamma = Y^2, beta = X*gamma,
 * alpha = 3(X - delta)(X + delta); X' = alpha^2 - 8 beta,
 * Y' = alpha(4 beta - X') - 8 gamma^2, Z' = 2YZ. Infinity (Z = 0) stays
 * infinity; no point of P-256 has Y = 0. */
static void jac_double(struct jacobian *p)
{
    uint32_t delta[W], gamma[W], beta[W], alpha[W];
    fmul(delta, p->z, p->z);
    fmul(gamma, p->y, p->y);
    fmul(p->z, p->y, p->z);
    fadd(p->z, p->z, p->z);
    fmul(beta, p->x, gamma);
    fsub(alpha, p->x, delta);
    fadd(delta, p->x, delta);
    fmul(alpha, alpha, delta);
    fadd(delta, alpha, alpha);
    fadd(alpha, alpha, delta);
    fadd(beta, beta, beta);
    fadd(beta, beta, beta); /* 4 beta */
    fmul(p->x, alpha, alpha);
    fsub(p->x, p->x, beta);
    fsub(p->x, p->x, beta);
    fsub(p->y, beta, p->x);
    fmul(p->y, p->y, alpha);
    fmul(gamma, gamma, gamma);
    fadd(gamma, gamma, gamma);
    fadd(gamma, gamma, gamma);
    fadd(gamma, gamma, gamma); /* 8 gamma^2 */
    fsub(p->y, p->y, gamma);
}

/* p = p + q, q affine ((0,0): infinity). Every case: either is infinity,
 * q == -p (infinity), else U2 = qx Z^2, S2 = qy Z^3, H = U2 - X, R = S2 - Y;
 * X' = R^2 - H^3 - 2 X H^2, Y' = R (X H^2 - X') - Y H^3, Z' = Z H. But
 * q == p, where these give H = R = 0: returns 1, p unchanged, and the caller
 * doubles p (so this frame and jac_double's are never on the stack
 * together). Else returns 0. */
static int jac_add_affine(struct jacobian *p, const struct affine *q)
{
    uint32_t t[W], u[W], h[W], r[W];
    if (is_zero(q->x, W) && is_zero(q->y, W))
        return 0;
    if (is_zero(p->z, W)) {
        memcpy(p->x, q->x, sizeof q->x);
        memcpy(p->y, q->y, sizeof q->y);
        mont_one(p->z, mod_p.m);
        return 0;
    }
    fmul(t, p->z, p->z);
    fmul(u, q->x, t);
    fmul(t, t, p->z);
    fmul(t, q->y, t);
    fsub(h, u, p->x);
    fsub(r, t, p->y);
    if (is_zero(h, W)) { /* same x: q == p or q == -p */
        if (is_zero(r, W))
            return 1;
        memset(p->z, 0, sizeof p->z);
        return 0;
    }
    fmul(p->z, p->z, h);
    fmul(t, h, h);
    fmul(u, t, h);    /* H^3 */
    fmul(t, p->x, t); /* X H^2 */
    fmul(p->x, r, r);
    fsub(p->x, p->x, u);
    fsub(p->x, p->x, t);
    fsub(p->x, p->x, t);
    fsub(t, t, p->x);
    fmul(t, t, r);
    fmul(u, u, p->y);
    fsub(p->y, t, u);
    return 0;
}

/* affine from Jacobian; infinity gives (0,0) */
static void to_affine(struct affine *a, const struct jacobian *p)
{
    uint32_t zi[W], z2[W];
    mont_inv(zi, p->z, mod_p.m); /* 0 for infinity, so x and y are 0 too */
    fmul(z2, zi, zi);
    fmul(a->x, p->x, z2);
    fmul(z2, z2, zi);
    fmul(a->y, p->y, z2);
}

/* u1*G + u2*Q, the table holding G, Q, G+Q: one doubling a bit, then the
 * entry the two bits select. */
static void ladder(struct jacobian *acc, const struct affine tab[3], const uint32_t u1[W],
                   const uint32_t u2[W])
{
    memset(acc, 0, sizeof *acc);
    for (int i = 255; i >= 0; i--) {
        unsigned sel = (u1[i / 32] >> (i % 32) & 1) | (u2[i / 32] >> (i % 32) & 1) << 1;
        jac_double(acc);
        if (sel && jac_add_affine(acc, &tab[sel - 1]))
            jac_double(acc);
    }
}

/* ---- verification ---- */

/* The key into Montgomery form, checking that it is a point of the curve:
 * coordinates below p and y^2 = x^3 - 3x + b. (0,0), the usual encoding of
 * infinity, is not on it. */
static int load_key(struct affine *q, const uint8_t key[ABOTA_SIG_P256_KEY_SIZE])
{
    uint32_t lhs[W], rhs[W];
    load(q->x, key);
    load(q->y, key + 32);
    if (not_below(q->x, 0, mod_p.m) || not_below(q->y, 0, mod_p.m))
        return 0;
    to_mont(q->x, q->x, mod_p.m);
    to_mont(q->y, q->y, mod_p.m);
    fmul(lhs, q->y, q->y);
    fmul(rhs, q->x, q->x);
    fmul(rhs, rhs, q->x);
    fsub(rhs, rhs, q->x);
    fsub(rhs, rhs, q->x);
    fsub(rhs, rhs, q->x);
    to_mont(lhs, curve_b, mod_p.m);
    fadd(rhs, rhs, lhs);
    fmul(lhs, q->y, q->y);
    return memcmp(lhs, rhs, sizeof lhs) == 0;
}

/* 0 < v < n */
static int in_range(const uint32_t v[W])
{
    return !is_zero(v, W) && !not_below(v, 0, mod_n.m);
}

int abota_sig_p256_verify(const uint8_t key[ABOTA_SIG_P256_KEY_SIZE], const uint8_t digest[32],
                          const uint8_t sig[ABOTA_SIG_P256_SIZE])
{
    static const uint32_t one[W] = {1};
    struct affine tab[3]; /* G, Q, G + Q */
    struct jacobian acc;
    uint32_t r[W], u1[W], u2[W], w[W];

    if (!load_key(&tab[1], key))
        return ABOTA_ERR_SIG_KEY;
    load(r, sig);
    load(u2, sig + 32); /* s */
    if (!in_range(r) || !in_range(u2))
        return ABOTA_ERR_SIG_RANGE;

    /* w = 1/s in Montgomery form; a plain number times it (Montgomery
     * product) is plain: u1 = e w, u2 = r w mod n. e, the digest as a
     * number, may be above n: mont_mul reduces it. */
    mod_inv(w, u2, mod_n.m);
    to_mont(w, w, mod_n.m);
    load(u1, digest);
    mont_mul(u1, u1, w, &mod_n);
    mont_mul(u2, r, w, &mod_n);

    to_mont(tab[0].x, base_x, mod_p.m);
    to_mont(tab[0].y, base_y, mod_p.m);
    memset(&acc, 0, sizeof acc);
    (void)jac_add_affine(&acc, &tab[0]); /* from infinity: never 1 */
    if (jac_add_affine(&acc, &tab[1]))    /* Q == G; Q == -G gives infinity */
        jac_double(&acc);
    to_affine(&tab[2], &acc);

    ladder(&acc, tab, u1, u2);
    if (is_zero(acc.z, W))
        return ABOTA_ERR_SIG_INVALID;
    to_affine(&tab[0], &acc);
    /* x out of Montgomery form (times 1), then mod n: x < p < 2n */
    mont_mul(u1, tab[0].x, one, &mod_p);
    reduce_once(u1, 0, mod_n.m);
    return memcmp(u1, r, sizeof r) == 0 ? 0 : ABOTA_ERR_SIG_INVALID;
}
