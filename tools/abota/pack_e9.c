/* abota pack --wrap-e9: a Linux executable for the simulated device inside a
 * one-segment 0xE9 image, so that a slot holding it starts with the header
 * the ESP8266 loader checks (abota sim --loader crc32). The segment is the
 * executable unchanged; the simulator runs it. Load address and entry are 0:
 * nothing on a chip would run this image. */
#include <stdlib.h>
#include <string.h>

#include "abota/image.h"
#include "cli.h"

#define E9_HDR_LEN 8u
#define E9_SEG_HDR_LEN 8u
#define E9_CHECKSUM_SEED 0xEFu

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int cli_wrap_e9(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
    const size_t head = E9_HDR_LEN + E9_SEG_HDR_LEN;
    if (len > ABOTA_IMAGE_PAYLOAD_MAX - head - 16u)
        return -1;
    /* The checksum byte ends the 16-byte line the segment data ends in;
     * zeros pad up to it. */
    size_t total = ((head + len) | 0x0Fu) + 1u;
    uint8_t *b = calloc(total, 1);
    if (!b)
        return -1;
    b[0] = 0xE9;
    b[1] = 1;                            /* one segment */
    put_le32(b + E9_HDR_LEN + 4, (uint32_t)len);
    memcpy(b + head, in, len);
    uint8_t x = E9_CHECKSUM_SEED;
    for (size_t i = 0; i < len; i++)
        x ^= in[i];
    b[total - 1] = x;
    *out = b;
    *out_len = total;
    return 0;
}
