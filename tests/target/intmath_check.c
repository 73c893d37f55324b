/*
 * Checks C's integer '/', '%' and '*' on the target, which on the lx106
 * go through lx106/intmath.c (and libgcc's 64-bit division built on it).
 * Each result is compared with a shift-and-add reference (no '/', '%' or
 * wide '*') over fixed edge cases and 200000 pseudo-random operand pairs
 * of assorted widths. Prints "intmath: ok" and exits 0, else names the
 * first wrong result and exits 1.
 */
#include <stdint.h>
#include <stdio.h>

/* volatile keeps GCC from folding the operations at compile time */
static volatile uint64_t va, vb;

static uint64_t ref_divmod(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        int top = (int)(r >> 63);
        r = (r << 1) | ((n >> i) & 1u);
        if (top || r >= d) {
            r -= d;
            q |= (uint64_t)1 << i;
        }
    }
    *rem = r;
    return q;
}

static uint64_t ref_mul(uint64_t a, uint64_t b)
{
    uint64_t p = 0;
    for (; b != 0; b >>= 1, a <<= 1)
        if (b & 1u)
            p += a;
    return p;
}

static int failures;

static void report(const char *what, uint64_t a, uint64_t b, uint64_t got, uint64_t want)
{
    if (got == want || failures++ > 5)
        return;
    printf("intmath: %s of 0x%llx and 0x%llx gave 0x%llx, want 0x%llx\n", what,
           (unsigned long long)a, (unsigned long long)b, (unsigned long long)got,
           (unsigned long long)want);
}

static uint64_t neg_if(uint64_t v, int neg)
{
    return neg ? 0u - v : v;
}

static void check_pair(uint64_t a, uint64_t b)
{
    va = a;
    vb = b;
    uint32_t a32 = (uint32_t)va, b32 = (uint32_t)vb;
    uint64_t r;

    report("u64 mul", a, b, va * vb, ref_mul(a, b));
    report("u32 mul", a32, b32, (uint32_t)(a32 * b32), (uint32_t)ref_mul(a32, b32));
    report("u32xu32->u64 mul", a32, b32, (uint64_t)a32 * b32, ref_mul(a32, b32));
    if (b == 0)
        return;
    uint64_t q = ref_divmod(a, b, &r);
    report("u64 div", a, b, va / vb, q);
    report("u64 mod", a, b, va % vb, r);

    /* signed 64: truncation toward zero, remainder takes the dividend's sign */
    int64_t sa = (int64_t)va, sb = (int64_t)vb;
    if (!(sa == INT64_MIN && sb == -1)) {
        uint64_t ua = sa < 0 ? 0u - a : a, ub = sb < 0 ? 0u - b : b;
        uint64_t sq = ref_divmod(ua, ub, &r);
        report("s64 div", a, b, (uint64_t)(sa / sb), neg_if(sq, (sa < 0) != (sb < 0)));
        report("s64 mod", a, b, (uint64_t)(sa % sb), neg_if(r, sa < 0));
    }
    if (b32 == 0)
        return;
    q = ref_divmod(a32, b32, &r);
    report("u32 div", a32, b32, a32 / b32, q);
    report("u32 mod", a32, b32, a32 % b32, r);
    int32_t s32a = (int32_t)a32, s32b = (int32_t)b32;
    if (!(s32a == INT32_MIN && s32b == -1)) {
        uint32_t ua = s32a < 0 ? 0u - a32 : a32, ub = s32b < 0 ? 0u - b32 : b32;
        uint64_t sq = ref_divmod(ua, ub, &r);
        report("s32 div", a32, b32, (uint32_t)(s32a / s32b),
               (uint32_t)neg_if(sq, (s32a < 0) != (s32b < 0)));
        report("s32 mod", a32, b32, (uint32_t)(s32a % s32b), (uint32_t)neg_if(r, s32a < 0));
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A value of random width (1..64 bits), so small and large operands mix. */
static uint64_t operand(void)
{
    unsigned bits = (unsigned)(next() & 63u) + 1;
    uint64_t v = next();
    return bits == 64 ? v : v & (((uint64_t)1 << bits) - 1);
}

int main(void)
{
    static const uint64_t edges[] = {
        0, 1, 2, 3, 7, 10, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu,
        0x100000000u, 0x7FFFFFFFFFFFFFFFu, 0x8000000000000000u, 0xFFFFFFFFFFFFFFFFu,
    };
    const unsigned n = sizeof edges / sizeof edges[0];

    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++)
            check_pair(edges[i], edges[j]);
    /* known answers, independent of the reference */
    va = 0xFFFFFFFFFFFFFFFFu;
    vb = 10;
    report("u64 div", va, vb, va / vb, 1844674407370955161u);
    report("u64 mod", va, vb, va % vb, 5);
    va = 0xFFFFFFFFu;
    report("u32xu32->u64 mul", va, va, (uint64_t)(uint32_t)va * (uint32_t)va,
           0xFFFFFFFE00000001u);

    for (long k = 0; k < 200000; k++)
        check_pair(operand(), operand());
    if (failures) {
        printf("intmath: %d wrong result(s)\n", failures);
        return 1;
    }
    printf("intmath: ok\n");
    return 0;
}
