/*
 * Integer helpers GCC calls for '/', '%' and 64-bit '*' on the lx106.
 *
 * On an ESP8266 they sit in the mask ROM and the SDK's linker script gives
 * their addresses, so Debian's lx106 libgcc.a leaves them out. QEMU has no
 * such ROM, so the test runtime supplies them. Only the 32-bit primitives
 * are written here; the 64-bit divisions reuse libgcc's own __udivmoddi4
 * and __divmoddi4, which are present and are built on these primitives.
 * No soft-float routine is supplied: the core must not use floating point.
 *
 * Nothing here may use '/', '%' or a 64-bit multiply, or GCC would call
 * the function being defined.
 */
#include <stddef.h>
#include <stdint.h>

uint32_t __udivsi3(uint32_t n, uint32_t d);
uint32_t __umodsi3(uint32_t n, uint32_t d);
int32_t __divsi3(int32_t n, int32_t d);
uint64_t __umulsidi3(uint32_t a, uint32_t b);
uint64_t __muldi3(uint64_t a, uint64_t b);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);

/* provided by libgcc.a */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem);

/* Division by zero executes `ill`, as the ROM routines do: the run ends
   with IllegalInstruction (exit status 100, see fatal.c). */
static void divide_by_zero(void)
{
    __asm__ volatile("ill");
    __builtin_unreachable();
}

/* Restoring division: line the divisor up under the dividend's top bit,
   then subtract it back down one bit at a time. */
static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem)
{
    uint32_t q = 0;
    unsigned steps = 0;

    if (d == 0)
        divide_by_zero();
    if (d > n) {
        *rem = n;
        return 0;
    }
    while ((d & 0x80000000u) == 0 && (d << 1) <= n) {
        d <<= 1;
        steps++;
    }
    for (;;) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1u;
        }
        if (steps-- == 0)
            break;
        d >>= 1;
    }
    *rem = n;
    return q;
}

uint32_t __udivsi3(uint32_t n, uint32_t d)
{
    uint32_t r;
    return udivmod32(n, d, &r);
}

uint32_t __umodsi3(uint32_t n, uint32_t d)
{
    uint32_t r;
    (void)udivmod32(n, d, &r);
    return r;
}

/* Truncates toward zero, like C: the quotient is negative when exactly
   one operand is. INT32_MIN / -1 wraps to INT32_MIN, as the ROM's does. */
int32_t __divsi3(int32_t n, int32_t d)
{
    uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
    uint32_t ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
    uint32_t r;
    uint32_t q = udivmod32(un, ud, &r);
    return (int32_t)((n < 0) != (d < 0) ? 0u - q : q);
}

/* 32 x 32 -> 64 from 16-bit halves: the lx106 multiplies 32 x 32 -> 32
   (MULL) but has no instruction for the high word. */
uint64_t __umulsidi3(uint32_t a, uint32_t b)
{
    uint32_t a0 = a & 0xFFFFu, a1 = a >> 16;
    uint32_t b0 = b & 0xFFFFu, b1 = b >> 16;
    uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    /* middle column: at most 3 * 0xFFFF, cannot overflow */
    uint32_t mid = (p00 >> 16) + (p01 & 0xFFFFu) + (p10 & 0xFFFFu);
    uint32_t lo = (p00 & 0xFFFFu) | (mid << 16);
    uint32_t hi = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16);
    return ((uint64_t)hi << 32) | lo;
}

/* Low 64 bits of a 64 x 64 product; the high halves only feed the upper
   word, where 32 x 32 -> 32 is enough. */
uint64_t __muldi3(uint64_t a, uint64_t b)
{
    uint32_t alo = (uint32_t)a, ahi = (uint32_t)(a >> 32);
    uint32_t blo = (uint32_t)b, bhi = (uint32_t)(b >> 32);
    uint64_t cross = (uint64_t)(ahi * blo + alo * bhi) << 32;
    return __umulsidi3(alo, blo) + cross;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, NULL);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    (void)__udivmoddi4(n, d, &r);
    return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    int64_t r;
    return __divmoddi4(n, d, &r);
}
