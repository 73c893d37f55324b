/* Espressif ESP8266 images: parse and check through the flash port.
 *
 * Two shapes (facts: ../shared/fixtures/esp8266/README.md):
 *
 *   plain (boot_v1.x.bin, esptool v1)        "new" v2 user bin (gen_appbin BOOT=new)
 *   +--------------------------+             +----------------------------------+
 *   | E9 n mode map|div entry  | 8           | EA 04 00 user entry 0 L          | 16
 *   | n x (addr, len, data)    |             | .irom0.text, L bytes             | L
 *   | 0 pad to end_of_seg | 0xF|             | E9 n mode map|div entry          | 8
 *   | XOR checksum byte        | 1           | n x (addr, len, data)            |
 *   +--------------------------+             | 0 pad to end_of_seg | 0xF        |
 *                                            | XOR checksum byte                | 1
 *                                            | CRC trailer (u32)                | 4
 *                                            +----------------------------------+
 *
 * The XOR checksum (seed 0xEF) covers the segment data and the padding of
 * the 0xE9 part, not the segment headers and not irom0. The v2 trailer is
 * abota_esp_crc_fixup(CRC-32 of every byte before it).
 *
 * One sequential pass reads the image in ABOTA_VERIFY_CHUNK pieces; every
 * byte read is fed to the running CRC, so the trailer check needs no second
 * pass. Every length from the image is checked by subtraction against what
 * remains of max_len before it is used. */
#include <string.h>

#include "abota/config.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "../storage/bufflash.h"
#include "../storage/le.h"

#define ESP_MAGIC_PLAIN 0xE9u
#define ESP_MAGIC_V2 0xEAu
#define ESP_V2_SECOND 0x04u
#define ESP_V2_HDR_LEN 16u
#define ESP_HDR_LEN 8u
#define ESP_SEG_HDR_LEN 8u
#define ESP_CHECKSUM_SEED 0xEFu

uint32_t abota_esp_crc_fixup(uint32_t crc)
{
    return crc < 0x80000000u ? crc + 1u : ~crc;
}

/* The size of one OTA partition in a size map (fixtures README, "Flash
 * layout per size map"); 0 for maps without two. */
static uint32_t esp_partition_size(uint8_t size_map)
{
    switch (size_map) {
    case 0: return 0x40000u;                                  /* 256+256 */
    case 2: case 3: case 4: return 0x80000u;                  /* 512+512 */
    case 5: case 6: case 8: case 9: return 0x100000u;         /* 1024+1024 */
    default: return 0;
    }
}

int abota_esp_map_fits(const struct abota_esp_info *info, uint32_t slot_offset)
{
    uint32_t part = info->v2 ? esp_partition_size(info->size_map) : 0;
    if (part == 0)
        return 0;
    uint32_t want = 0x1000u + (part < 0x100000u && info->userbin == 2 ? part : 0);
    return slot_offset % 0x100000u == want ? 0 : ABOTA_ERR_ESP_FLASH_MAP;
}

/* A forward-only reader over [base, base+len) of a flash. */
struct esp_reader {
    const struct abota_flash *f;
    uint32_t base;
    uint32_t len;
    uint32_t pos; /* bytes consumed, always <= len */
    uint32_t crc; /* CRC-32 of bytes [0, pos) */
};

static uint32_t rd_left(const struct esp_reader *r)
{
    return r->len - r->pos;
}

/* Reads n (<= ABOTA_VERIFY_CHUNK) bytes into out. The caller has checked
 * n <= rd_left(). */
static int rd_read(struct esp_reader *r, uint8_t *out, uint32_t n)
{
    int err = abota_flash_read(r->f, r->base + r->pos, out, n);
    if (err < 0)
        return err;
    r->crc = abota_crc32_update(r->crc, out, n);
    r->pos += n;
    return 0;
}

/* Consumes n bytes (n <= rd_left()) in stack-sized chunks, XORing them into
 * *xor when xor is not NULL. */
static int rd_stream(struct esp_reader *r, uint32_t n, uint8_t *xor)
{
    uint8_t chunk[ABOTA_VERIFY_CHUNK];
    while (n) {
        uint32_t k = n < sizeof chunk ? n : (uint32_t)sizeof chunk;
        int err = rd_read(r, chunk, k);
        if (err < 0)
            return err;
        if (xor) {
            uint8_t x = *xor;
            for (uint32_t i = 0; i < k; i++)
                x ^= chunk[i];
            *xor = x;
        }
        n -= k;
    }
    return 0;
}

/* The v2 outer header; leaves the reader at the inner 0xE9 header. */
static int parse_v2_header(struct esp_reader *r, struct abota_esp_info *info)
{
    uint8_t h[ESP_V2_HDR_LEN];
    if (rd_left(r) < ESP_V2_HDR_LEN)
        return ABOTA_ERR_IMG_TOO_SHORT;
    int err = rd_read(r, h, ESP_V2_HDR_LEN);
    if (err < 0)
        return err;
    if (h[1] != ESP_V2_SECOND)
        return ABOTA_ERR_ESP_HEADER;
    info->v2 = true;
    /* The SDK puts the user bin number here; esptool puts flash size and
     * frequency. Only 1 and 2 mean a slot. */
    info->userbin = (h[3] == 1 || h[3] == 2) ? h[3] : 0;
    info->entry = le32_get(h + 4);
    info->irom_len = le32_get(h + 12);
    /* irom_len is attacker-controlled: compare against what remains. */
    if (info->irom_len > rd_left(r))
        return ABOTA_ERR_ESP_SEGMENT;
    return rd_stream(r, info->irom_len, NULL);
}

static int parse_inner(struct esp_reader *r, struct abota_esp_info *info, uint8_t *xor)
{
    uint8_t h[ESP_HDR_LEN];
    int err;
    if (rd_left(r) < ESP_HDR_LEN)
        return ABOTA_ERR_IMG_TOO_SHORT;
    err = rd_read(r, h, ESP_HDR_LEN);
    if (err < 0)
        return err;
    if (h[0] != ESP_MAGIC_PLAIN)
        return ABOTA_ERR_ESP_HEADER;
    if (info->v2 && le32_get(h + 4) != info->entry)
        return ABOTA_ERR_ESP_HEADER; /* the two headers disagree on the entry */
    info->flash_mode = h[2];
    info->size_map = (uint8_t)(h[3] >> 4);
    info->clk_div = (uint8_t)(h[3] & 0x0Fu);
    info->entry = le32_get(h + 4);
    if (h[1] == 0 || h[1] > ABOTA_ESP_MAX_SEGMENTS)
        return ABOTA_ERR_ESP_SEGMENTS;

    for (uint8_t i = 0; i < h[1]; i++) {
        uint8_t sh[ESP_SEG_HDR_LEN];
        struct abota_esp_segment *s = &info->seg[i];
        if (rd_left(r) < ESP_SEG_HDR_LEN)
            return ABOTA_ERR_ESP_SEGMENT;
        err = rd_read(r, sh, ESP_SEG_HDR_LEN);
        if (err < 0)
            return err;
        s->file_offset = r->pos;
        s->load_addr = le32_get(sh);
        s->len = le32_get(sh + 4);
        info->nsegments = (uint8_t)(i + 1u);
        if (s->len > rd_left(r))
            return ABOTA_ERR_ESP_SEGMENT;
        err = rd_stream(r, s->len, xor);
        if (err < 0)
            return err;
    }
    return 0;
}

int abota_esp_verify_flash(const struct abota_flash *f, uint32_t addr, uint32_t max_len,
                           struct abota_esp_info *info)
{
    struct esp_reader r;
    uint8_t xor = ESP_CHECKSUM_SEED;
    uint8_t b[4];
    int err;

    if (!f || !info)
        return ABOTA_ERR_ARG;
    memset(info, 0, sizeof *info);
    /* With the range inside the device, base + pos never wraps. */
    if (max_len > f->size || addr > f->size - max_len)
        return ABOTA_ERR_FLASH_BOUNDS;
    r.f = f;
    r.base = addr;
    r.len = max_len;
    r.pos = 0;
    r.crc = 0;

    /* Peek at the first byte without consuming it. */
    if (max_len < 1)
        return ABOTA_ERR_IMG_TOO_SHORT;
    err = abota_flash_read(f, addr, b, 1);
    if (err < 0)
        return err;
    if (b[0] == ESP_MAGIC_V2) {
        err = parse_v2_header(&r, info);
        if (err < 0)
            return err;
    } else if (b[0] != ESP_MAGIC_PLAIN) {
        return ABOTA_ERR_ESP_MAGIC;
    }
    err = parse_inner(&r, info, &xor);
    if (err < 0)
        return err;

    /* The checksum byte ends a 16-byte line counted from the file start;
     * the zero padding before it belongs to the checksum. pos < max_len <=
     * UINT32_MAX here, so pos | 0xF cannot wrap but may pass max_len. */
    info->checksum_offset = r.pos | 0x0Fu;
    if (info->checksum_offset >= max_len)
        return ABOTA_ERR_ESP_TRUNCATED;
    err = rd_stream(&r, info->checksum_offset - r.pos, &xor);
    if (err < 0)
        return err;
    err = rd_read(&r, b, 1);
    if (err < 0)
        return err;
    info->checksum_stored = b[0];
    info->checksum_computed = xor;
    info->end = r.pos;

    if (info->v2) {
        info->has_crc_trailer = true;
        info->crc_computed = abota_esp_crc_fixup(r.crc);
        if (rd_left(&r) < 4)
            return ABOTA_ERR_ESP_TRUNCATED;
        err = abota_flash_read(f, addr + r.pos, b, 4);
        if (err < 0)
            return err;
        info->crc_stored = le32_get(b);
        info->end = r.pos + 4u;
    }
    if (info->checksum_stored != info->checksum_computed)
        return ABOTA_ERR_ESP_CHECKSUM;
    if (info->has_crc_trailer && info->crc_stored != info->crc_computed)
        return ABOTA_ERR_ESP_CRC;
    return 0;
}

int abota_esp_verify_buf(const uint8_t *buf, size_t len, struct abota_esp_info *info)
{
    struct abota_bufflash b;
    int err = abota_bufflash_init(&b, buf, len);
    if (err < 0)
        return err;
    return abota_esp_verify_flash(&b.port, 0, (uint32_t)len, info);
}
