/* A 256-entry byte-table CRC-32 with the core's name, linked ahead of
 * abota_core into bench_update_crc256 so it replaces the core's nibble-table
 * one: what a byte-table build option would change end to end. Bench-only;
 * same results as the core's (bench_crc32 checks the algorithm against
 * zlib). */
#include "abota/crc32.h"

static uint32_t table[256];
static int ready;

uint32_t abota_crc32_update(uint32_t crc, const void *data, size_t len)
{
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1u ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    const uint8_t *p = data;
    crc = ~crc;
    while (len--)
        crc = (crc >> 8) ^ table[(crc ^ *p++) & 0xFFu];
    return ~crc;
}
