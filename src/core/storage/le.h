/* Little-endian loads and stores built from bytes: the lx106 traps on
 * unaligned word access, and on-flash fields have no alignment promise. */
#ifndef ABOTA_CORE_LE_H
#define ABOTA_CORE_LE_H

#include <stdint.h>

/* The same, out of line (le.c), for codecs that make many accesses: inlined,
 * each 32-bit access is about 30 bytes of code on the lx106 (no unaligned or
 * byte-reversing load), a call about 6. The inline forms stay better where
 * a call would force live registers to be spilled (loops over headers). */
uint32_t abota_le32_get(const uint8_t *p);
void abota_le32_put(uint8_t *p, uint32_t v);

static inline uint16_t le16_get(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline void le16_put(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
