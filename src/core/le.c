/* Little-endian 32-bit field access, out of line (le.h says when). */
#include "le.h"

uint32_t abota_le32_get(const uint8_t *p)
{
    return le32_get(p);
}

void abota_le32_put(uint8_t *p, uint32_t v)
{
    le32_put(p, v);
}
