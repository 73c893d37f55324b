#include "abota/crc32.h"

#include "abota/config.h"

#if ABOTA_CRC32_TABLE256

/* A 256-entry (1 KiB) byte table: one lookup per byte, about twice the speed
 * of the nibble table (docs/BENCHMARKS.md). Built by the compiler from the
 * polynomial, so there is no runtime set-up and nothing mutable.
 *
 * The register is linear in its input, so the entry of a byte is the XOR of
 * what its high nibble and its low nibble do alone. With N(i) the register
 * after 4 steps from nibble i (the nibble table's entry i):
 *   high nibble h alone: its 4 low bits are 0 for the first 4 steps, which
 *     only shift it down to h, then 4 steps give N(h);
 *   low nibble l alone: 4 steps give N(l), 4 more give
 *     (N(l) >> 4) ^ N(N(l) & 15).
 * N itself is the XOR of its bits' entries, N1..N8, one bit step each
 * apart from N8, which is the polynomial (8 -> 4 -> 2 -> 1 -> POLY). */
#define POLY 0xEDB88320u
#define STEP(c) (((c) >> 1) ^ (((c) & 1u) ? POLY : 0u))
#define N8 POLY
#define N4 STEP(N8)
#define N2 STEP(N4)
#define N1 STEP(N2)
#define N(i) \
    ((((i) & 1u) ? N1 : 0u) ^ (((i) & 2u) ? N2 : 0u) ^ (((i) & 4u) ? N4 : 0u) ^ \
     (((i) & 8u) ? N8 : 0u))
#define LOW(l) ((N(l) >> 4) ^ N(N(l) & 15u))
#define E(h, l) (N(h) ^ LOW(l))
#define ROW(h) \
    E(h, 0u), E(h, 1u), E(h, 2u), E(h, 3u), E(h, 4u), E(h, 5u), E(h, 6u), E(h, 7u), E(h, 8u), \
        E(h, 9u), E(h, 10u), E(h, 11u), E(h, 12u), E(h, 13u), E(h, 14u), E(h, 15u)

static const uint32_t crc_table[256] = {
    ROW(0u),  ROW(1u),  ROW(2u),  ROW(3u),  ROW(4u),  ROW(5u),  ROW(6u),  ROW(7u),
    ROW(8u),  ROW(9u),  ROW(10u), ROW(11u), ROW(12u), ROW(13u), ROW(14u), ROW(15u),
};

uint32_t abota_crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--)
        crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xFFu];
    return ~crc;
}

#else

/* A 16-entry (64-byte) nibble table: two lookups per byte. The budget
 * allows 1 KiB, but on the ESP8266 the table must live in DRAM (flash reads
 * must be 32-bit aligned), where 64 bytes matter more than the speed of a
 * byte table; flash reads dominate verification time anyway. A build with
 * the byte table: ABOTA_CRC32_TABLE256 (config.h). */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t abota_crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0Fu];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0Fu];
    }
    return ~crc;
}

#endif
