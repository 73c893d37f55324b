/* Little-endian 32-bit field access, out of line (le.h says when). Written
 * as loops: the smallest form on the lx106, where these are called, not
 * inlined. */
#include "le.h"

uint32_t abota_le32_get(const uint8_t *p)
{
    uint32_t v = 0;
    for (unsigned i = 4; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

void abota_le32_put(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++, v >>= 8)
        p[i] = (uint8_t)v;
}
