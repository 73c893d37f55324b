/* Instructions per ECDSA P-256 verification on the target CPU, under QEMU
 * with -icount (scripts/sig_cost.sh, make sig-cost). With icount, QEMU's
 * virtual clock advances a fixed time per instruction executed, and so do
 * the lx106's cycle counter (CCOUNT) and the Cortex-M3's SysTick; a loop of
 * known length (two instructions a turn) gives the ticks per instruction.
 * Emulated instructions, not cycles: real chips add wait states (the
 * ESP8266's flash cache) and multi-cycle instructions. Without -icount
 * (ctest) the counts mean nothing, but every verification is still checked.
 * The vectors are OpenSSL's (tests/unit/sig_vectors.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "abota/sig.h"
#include "../../tests/unit/sig_vectors.h"

#define CALIBRATION_TURNS 1000000u

#if defined(__XTENSA__)
static void ticks_start(void)
{
}

static uint32_t ticks(void)
{
    uint32_t c;
    __asm__ volatile("rsr.ccount %0" : "=a"(c));
    return c;
}

static void spin(uint32_t n)
{
    __asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+a"(n));
}
#elif defined(__ARM_ARCH)
/* SysTick (ARMv7-M): 24 bits, counting down at the CPU clock; with
 * -icount shift=0 it wraps after some 670 million instructions. */
#define SYST ((volatile uint32_t *)0xE000E010u)

static void ticks_start(void)
{
    SYST[1] = 0xFFFFFFu; /* reload */
    SYST[2] = 0;         /* current value */
    SYST[0] = 5;         /* enable, CPU clock */
}

static uint32_t ticks(void)
{
    return (0u - SYST[2]) & 0xFFFFFFu;
}

static void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
}
#else
#error "sig_count: lx106 or Cortex-M only"
#endif

static uint32_t elapsed(uint32_t from)
{
    uint32_t d = ticks() - from;
#if defined(__ARM_ARCH)
    d &= 0xFFFFFFu;
#endif
    return d;
}

int main(void)
{
    ticks_start();
    uint32_t t0 = ticks();
    spin(CALIBRATION_TURNS);
    uint32_t cal = elapsed(t0);
    if (cal == 0) {
        printf("sig_count: the counter does not move (QEMU without -icount?)\n");
        cal = 1;
    }
    /* instructions = ticks * per_tick, kept as a ratio: 2 * turns / cal */
    uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
    int fails = 0, counted = 0;
    for (size_t i = 0; i < sizeof sig_vectors / sizeof sig_vectors[0]; i++) {
        const struct sig_vector *v = &sig_vectors[i];
        t0 = ticks();
        int ret = abota_sig_p256_verify(v->key, v->digest, v->sig);
        uint64_t insns = (uint64_t)elapsed(t0) * 2u * CALIBRATION_TURNS / cal;
        if ((ret == 0) != (v->valid != 0)) {
            printf("sig_count: %s: verify returned %d\n", v->name, ret);
            fails++;
        }
        printf("%12llu  instructions  %s\n", (unsigned long long)insns, v->name);
        /* the typical case: random keys and digests (the others are
         * chosen edge cases, some much shorter) */
        if (strncmp(v->name, "random_", 7) == 0) {
            sum += insns;
            lo = insns < lo ? insns : lo;
            hi = insns > hi ? insns : hi;
            counted++;
        }
    }
    if (counted)
        printf("%12llu  instructions per verification (mean of %d random; min %llu, max %llu)\n",
               (unsigned long long)(sum / (uint64_t)counted), counted, (unsigned long long)lo,
               (unsigned long long)hi);
    printf("sig_count: %s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}
