/* A small portable SHA-256 (FIPS 180-4) for targets without mbedTLS. No
 * unaligned loads: message words are assembled from bytes, so it is safe on
 * the lx106. */
#include "abota/sha256.h"

#include <string.h>

struct sha256_state {
    uint32_t h[8];
    uint64_t total;    /* bytes hashed */
    uint8_t block[64];
    uint32_t used;     /* bytes in block */
};

_Static_assert(sizeof(struct sha256_state) <= ABOTA_SHA256_CTX_SIZE,
               "ABOTA_SHA256_CTX_SIZE too small for the built-in SHA-256");

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

static struct sha256_state *st_of(struct abota_sha256 *c)
{
    return (struct sha256_state *)(void *)c->impl.bytes;
}

static uint32_t ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(struct sha256_state *s, const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
    uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

void abota_sha256_init(struct abota_sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    struct sha256_state *s = st_of(c);
    memcpy(s->h, iv, sizeof iv);
    s->total = 0;
    s->used = 0;
}

void abota_sha256_update(struct abota_sha256 *c, const void *data, size_t len)
{
    struct sha256_state *s = st_of(c);
    const uint8_t *p = data;
    s->total += len;
    while (len) {
        size_t n = 64 - s->used;
        if (n > len)
            n = len;
        memcpy(s->block + s->used, p, n);
        s->used += (uint32_t)n;
        p += n;
        len -= n;
        if (s->used == 64) {
            compress(s, s->block);
            s->used = 0;
        }
    }
}

void abota_sha256_finish(struct abota_sha256 *c, uint8_t out[ABOTA_SHA256_SIZE])
{
    struct sha256_state *s = st_of(c);
    /* The length in bits, big-endian, from two 32-bit halves: a variable
     * 64-bit shift would call libgcc (__lshrdi3), which the ESP8266 loader
     * does not link. */
    uint32_t bits_hi = (uint32_t)(s->total >> 29), bits_lo = (uint32_t)s->total << 3;
    uint8_t pad = 0x80;
    abota_sha256_update(c, &pad, 1);
    pad = 0;
    while (s->used != 56)
        abota_sha256_update(c, &pad, 1);
    uint8_t len_be[8];
    for (int i = 0; i < 4; i++) {
        len_be[i] = (uint8_t)(bits_hi >> (24 - 8 * i));
        len_be[4 + i] = (uint8_t)(bits_lo >> (24 - 8 * i));
    }
    abota_sha256_update(c, len_be, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

void abota_sha256(const void *data, size_t len, uint8_t out[ABOTA_SHA256_SIZE])
{
    struct abota_sha256 c;
    abota_sha256_init(&c);
    abota_sha256_update(&c, data, len);
    abota_sha256_finish(&c, out);
}
