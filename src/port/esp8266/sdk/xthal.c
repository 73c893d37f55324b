/* The two Xtensa HAL functions the SDK's libraries call (libfreertos's
 * port.o: xthal_set_intset; libmain's misc.o: xthal_get_ccount). They live
 * in the toolchain's libhal in Espressif's own toolchain; Debian's
 * xtensa-lx106-elf has no libhal, so the SDK firmware build
 * (`make esp8266-sdk`) links these. Each is the one special-register
 * access its name says, as in Cadence's HAL. Compiled without
 * -ffunction-sections so both stay in IRAM (.text): FreeRTOS calls them
 * from interrupt handlers, which also run while the flash cache is off. */
#include <stdint.h>

uint32_t xthal_get_ccount(void);
void xthal_set_intset(uint32_t mask);

uint32_t xthal_get_ccount(void)
{
    uint32_t ccount;
    __asm__ volatile("rsr %0, ccount" : "=a"(ccount));
    return ccount;
}

void xthal_set_intset(uint32_t mask)
{
    __asm__ volatile("wsr %0, intset\n\trsync" : : "a"(mask) : "memory");
}
