/*
 * One 32-bit load from an address that is not a multiple of 4, the bug
 * that `*(uint32_t *)(buf + off)` header parsing brings. The ESP8266 kills
 * the program (LoadStoreAlignment); the lx106 run must do the same, which
 * is what keeps the core's "build values from bytes" rule honest.
 *
 * The offset comes from a volatile: with a constant one, GCC sees the
 * misalignment and emits byte loads, which would not trap.
 */
#include <stdint.h>
#include <stdio.h>

static volatile unsigned hidden_offset = 1;

int main(void)
{
    static uint8_t bytes[8] __attribute__((aligned(4))) = {1, 2, 3, 4, 5, 6, 7, 8};
    const volatile uint32_t *p = (const volatile uint32_t *)(void *)(bytes + hidden_offset);

    printf("unaligned_load: 32-bit load at %p\n", (const void *)p);
    uint32_t v = *p;
    /* little-endian: bytes 2,3,4,5 */
    printf("unaligned_load: read 0x%08lx\n", (unsigned long)v);
    return 0;
}
