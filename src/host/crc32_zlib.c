/* CRC-32 from zlib (ABOTA_CRC32_ZLIB, the host default): the same function
 * as src/core/storage/crc32.c (zlib's crc32() is CRC-32/IEEE with the same
 * pre- and post-inversion, so continuing a CRC works alike), at zlib's
 * speed: a host image is checksummed several times per update and per boot
 * in the simulator. Targets keep the core's small table; the tests compare
 * both tables with zlib (tests/host/test_crc32_zlib.c). */
#include <zlib.h>

#include "abota/crc32.h"

uint32_t abota_crc32_update(uint32_t crc, const void *data, size_t len)
{
    const Bytef *p = data;
    /* zlib takes a uInt length: large buffers in pieces. */
    while (len > 0) {
        uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = (uint32_t)crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return crc;
}
