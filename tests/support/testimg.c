#include "testimg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/config.h"
#include "abota/crc32.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "fixture.h"

static void die(const char *what)
{
    fprintf(stderr, "testimg: %s\n", what);
    exit(1);
}

void testimg_layout(struct abota_layout *l, uint32_t write_align)
{
    memset(l, 0, sizeof *l);
    l->name = "test-36k";
    l->flash_size = TESTIMG_FLASH_SIZE;
    l->sector_size = TESTIMG_SECTOR;
    l->write_align = write_align;
    l->slot[0].offset = 0x1000u;
    l->slot[0].size = TESTIMG_SLOT_SIZE;
    l->slot[1].offset = 0x4000u;
    l->slot[1].size = TESTIMG_SLOT_SIZE;
    l->bootrec[0] = 0x7000u;
    l->bootrec[1] = 0x8000u;
}

/* Wraps the payload_len bytes at buf into an abota image. */
static uint32_t wrap(uint8_t *buf, uint32_t payload_len, int target_slot, uint32_t version)
{
    uint32_t foot = abota_image_footer_offset(payload_len);
    memset(buf + payload_len, 0xFF, foot - payload_len);

    struct abota_footer f;
    memset(&f, 0, sizeof f);
    f.payload_len = payload_len;
    f.version = version;
    f.target_slot = (uint8_t)target_slot;
    f.crc32 = abota_crc32_update(0, buf, payload_len);
    abota_sha256(buf, payload_len, f.sha256);
    abota_footer_encode(&f, buf + foot);
    return abota_image_total_len(payload_len);
}

uint32_t testimg_build(uint8_t *buf, size_t cap, uint32_t payload_len, uint32_t seed,
                       int target_slot, uint32_t version)
{
    if (abota_image_total_len(payload_len) > cap)
        die("image buffer too small");
    fill_random(buf, payload_len, seed);
    return wrap(buf, payload_len, target_slot, version);
}

void testimg_set_security(uint8_t *img, uint32_t len, uint32_t security)
{
    struct abota_footer f;
    uint8_t *raw = img + len - ABOTA_FOOTER_SIZE;
    if (len < ABOTA_FOOTER_SIZE || abota_footer_decode(raw, &f) < 0)
        die("not an abota image");
    f.security_version = security;
    abota_footer_encode(&f, raw);
}

uint32_t testimg_build_esp(uint8_t *buf, size_t cap, uint32_t payload_len, uint32_t seed,
                           int target_slot, uint32_t version)
{
    if (payload_len % 16u != 0 || payload_len < 32u)
        die("Espressif payload length must be a multiple of 16, at least 32");
    if (abota_image_total_len(payload_len) > cap)
        die("image buffer too small");
    /* E9, 1 segment, mode, size/freq, entry; the segment (load address,
     * length) fills the rest but the checksum byte, which then sits at
     * the 16-byte boundary's last byte with no zero padding before it. */
    const uint32_t seg_len = payload_len - 8u - 8u - 1u;
    static const uint8_t hdr[16] = {0xE9, 1, 0, 0x20, 0x04, 0x00, 0x10, 0x40,
                                    0x00, 0x00, 0x10, 0x40, 0, 0, 0, 0};
    memcpy(buf, hdr, sizeof hdr);
    buf[12] = (uint8_t)seg_len;
    buf[13] = (uint8_t)(seg_len >> 8);
    buf[14] = (uint8_t)(seg_len >> 16);
    buf[15] = (uint8_t)(seg_len >> 24);
    fill_random(buf + 16, seg_len, seed);
    uint8_t x = 0xEF;
    for (uint32_t i = 0; i < seg_len; i++)
        x ^= buf[16 + i];
    buf[payload_len - 1u] = x;
    return wrap(buf, payload_len, target_slot, version);
}

void testimg_erase_slot(struct ramflash *rf, const struct abota_layout *l, int slot)
{
    const struct abota_region *r = abota_layout_slot(l, slot);
    if (!r)
        die("bad slot");
    for (uint32_t a = 0; a < r->size; a += l->sector_size)
        if (abota_flash_erase(&rf->port, r->offset + a) != 0)
            die("erase failed");
}

void testimg_put(struct ramflash *rf, const struct abota_layout *l, int slot, const uint8_t *img,
                 uint32_t len)
{
    const struct abota_region *r = abota_layout_slot(l, slot);
    if (!r || len > r->size)
        die("image does not fit the slot");
    testimg_erase_slot(rf, l, slot);
    uint32_t a = rf->port.write_align;
    uint32_t whole = len / a * a;
    if (whole && abota_flash_write(&rf->port, r->offset, img, whole) != 0)
        die("write failed");
    if (whole < len) {
        uint8_t unit[ABOTA_WRITE_ALIGN_MAX];
        memset(unit, 0xFF, sizeof unit);
        memcpy(unit, img + whole, len - whole);
        if (abota_flash_write(&rf->port, r->offset + whole, unit, a) != 0)
            die("write failed");
    }
}

uint32_t testimg_install_running(struct ramflash *rf, const struct abota_layout *l, uint8_t *buf,
                                 size_t cap, uint32_t payload_len, uint32_t version)
{
    uint32_t n = testimg_build(buf, cap, payload_len, 77, ABOTA_SLOT_1, version);
    testimg_put(rf, l, ABOTA_SLOT_1, buf, n);
    struct abota_bootrec rec;
    memset(&rec, 0, sizeof rec);
    rec.active = ABOTA_SLOT_1;
    rec.trial = ABOTA_TRIAL_NONE;
    rec.slot[0].length = n;
    rec.slot[0].crc32 = abota_crc32_update(0, buf, n);
    rec.slot[0].version = version;
    if (abota_bootrec_write(&rf->port, l, &rec) < 0)
        die("boot record write failed");
    rf->lock_lo = l->slot[0].offset;
    rf->lock_hi = l->slot[0].offset + l->slot[0].size;
    return n;
}
