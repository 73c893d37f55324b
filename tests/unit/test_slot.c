#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "abota/slot.h"
#include "fixture.h"
#include "ramflash.h"
#include "testimg.h"

static uint8_t mem[TESTIMG_FLASH_SIZE];
/* Test images stay under 8 KiB (two sectors) to keep RAM use low. */
static uint8_t img[0x2000];
static uint8_t img2[0x1000];

/* A port in front of the RAM flash that fails (and counts) any write or
 * erase outside [lo, hi), and counts erases, so a test can prove the writer
 * stays inside its slot and erases just in time. */
struct guard {
    struct abota_flash port;
    struct ramflash *rf;
    uint32_t lo, hi;
    unsigned violations, erases;
};

static int g_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct guard *g = ctx;
    return g->rf->port.read(g->rf->port.ctx, addr, buf, len);
}

static int g_inside(const struct guard *g, uint32_t addr, size_t len)
{
    return addr >= g->lo && addr <= g->hi && len <= g->hi - addr;
}

static int g_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct guard *g = ctx;
    if (!g_inside(g, addr, len)) {
        g->violations++;
        return ABOTA_ERR_FLASH_WRITE;
    }
    return g->rf->port.write(g->rf->port.ctx, addr, buf, len);
}

static int g_erase(void *ctx, uint32_t addr)
{
    struct guard *g = ctx;
    if (!g_inside(g, addr, g->port.sector_size)) {
        g->violations++;
        return ABOTA_ERR_FLASH_ERASE;
    }
    g->erases++;
    return g->rf->port.erase(g->rf->port.ctx, addr);
}

struct rig {
    struct ramflash rf;
    struct abota_layout l;
    struct guard g;
};

/* A fresh flash where every byte is 0x00 (programmed), so any byte the
 * writer did not erase and write stays visibly 0x00; the guard allows only
 * slot `slot`. */
static void rig_init(struct rig *r, uint32_t align, int slot)
{
    testimg_layout(&r->l, align);
    ramflash_init_layout(&r->rf, mem, &r->l);
    memset(mem, 0x00, sizeof mem);
    r->g.port = r->rf.port;
    r->g.port.ctx = &r->g;
    r->g.port.read = g_read;
    r->g.port.write = g_write;
    r->g.port.erase = g_erase;
    r->g.rf = &r->rf;
    r->g.lo = r->l.slot[slot - 1].offset;
    r->g.hi = r->g.lo + r->l.slot[slot - 1].size;
    r->g.violations = 0;
    r->g.erases = 0;
}

static int stream(struct abota_slot_writer *w, const uint8_t *p, uint32_t len, uint32_t chunk)
{
    for (uint32_t off = 0; off < len;) {
        uint32_t k = len - off < chunk ? len - off : chunk;
        int rc = abota_slot_write(w, p + off, k);
        if (rc < 0)
            return rc;
        off += k;
    }
    return 0;
}

static void test_erases_just_in_time(void **state)
{
    (void)state;
    static const uint32_t aligns[] = {1, 4, 16};
    for (size_t ai = 0; ai < 3; ai++) {
        struct rig r;
        rig_init(&r, aligns[ai], 2);
        uint32_t total = testimg_build(img, sizeof img, 5001, 7, 2, 0x01020003u);
        struct abota_slot_writer w;
        assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
        assert_int_equal(r.g.erases, 0);
        for (uint32_t off = 0; off < total; off += 97) {
            uint32_t k = total - off < 97 ? total - off : 97;
            assert_int_equal(abota_slot_write(&w, img + off, k), 0);
            /* Bytes on flash: the accepted ones minus the partial unit. */
            uint32_t on_flash = (off + k) / aligns[ai] * aligns[ai];
            unsigned want = (on_flash + TESTIMG_SECTOR - 1) / TESTIMG_SECTOR;
            assert_int_equal(r.g.erases, want);
        }
        struct abota_image_info info;
        assert_int_equal(abota_slot_finish(&w, &info), 0);
        assert_int_equal(info.kind, ABOTA_IMAGE_ABOTA);
        assert_int_equal(info.total_len, total);
        assert_int_equal(info.footer.version, 0x01020003u);
        assert_int_equal(r.g.violations, 0);
        /* 5001 + pad + footer = 5264 bytes: two sectors erased, the
         * third never touched (still 0x00), nothing outside the slot. */
        assert_int_equal(total, 5264);
        assert_int_equal(r.g.erases, 2);
        uint32_t s2 = r.l.slot[1].offset;
        assert_memory_equal(mem + s2, img, total);
        for (uint32_t i = total; i < 2 * TESTIMG_SECTOR; i++)
            assert_int_equal(mem[s2 + i], 0xFF);
        for (uint32_t i = 2 * TESTIMG_SECTOR; i < TESTIMG_SLOT_SIZE; i++)
            assert_int_equal(mem[s2 + i], 0x00);
        for (uint32_t i = 0; i < s2; i++)
            assert_int_equal(mem[i], 0x00);
        for (uint32_t i = s2 + TESTIMG_SLOT_SIZE; i < TESTIMG_FLASH_SIZE; i++)
            assert_int_equal(mem[i], 0x00);
    }
}

/* A sector that reads all 0xFF is not erased again
 * (ABOTA_FEATURE_SKIP_ERASED); one with a single other byte, at its very
 * end, is. The image lands intact either way. */
static void test_blank_sectors_not_erased(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r, 4, 2);
    uint32_t total = testimg_build(img, sizeof img, 5001, 8, 2, 0x01020004u);
    uint32_t s2 = r.l.slot[1].offset;
    memset(mem + s2, 0xFF, 2 * TESTIMG_SECTOR);
    mem[s2 + 2 * TESTIMG_SECTOR - 1] = 0xFE;
    struct abota_slot_writer w;
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
    assert_int_equal(abota_slot_write(&w, img, total), 0);
    struct abota_image_info info;
    assert_int_equal(abota_slot_finish(&w, &info), 0);
    assert_int_equal(r.g.erases, ABOTA_FEATURE_SKIP_ERASED ? 1 : 2);
    assert_memory_equal(mem + s2, img, total);
    for (uint32_t i = total; i < 2 * TESTIMG_SECTOR; i++)
        assert_int_equal(mem[s2 + i], 0xFF);
    assert_int_equal(r.g.violations, 0);
}

/* Every chunk size gives the same flash content and the same CRC-32 of
 * what came in, and the image verifies (its SHA-256 from the stream). */
static void test_every_chunking_same_result(void **state)
{
    (void)state;
    struct abota_image_info info;
    static const uint32_t aligns[] = {1, 4, 16};
    static const uint32_t extra[] = {31, 255, 256, 257, 1000, 4095, 4096, 4097, 0x2000};
    uint32_t total = testimg_build(img, sizeof img, 5001, 11, 1, 5);
    uint32_t want_crc = abota_crc32_update(0, img, total);
    for (size_t ai = 0; ai < 3; ai++) {
        for (uint32_t n = 1; n < 18 + sizeof extra / sizeof extra[0]; n++) {
            uint32_t chunk = n < 18 ? n : extra[n - 18];
            struct rig r;
            rig_init(&r, aligns[ai], 1);
            struct abota_slot_writer w;
            /* Known length, then unknown length (chunked transfer). */
            uint32_t declared = (chunk & 1) ? total : 0;
            assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 1, 2, declared), 0);
            assert_int_equal(stream(&w, img, total, chunk), 0);
            assert_int_equal(abota_slot_written(&w), total);
            assert_int_equal(abota_slot_crc32(&w), want_crc);
            assert_int_equal(abota_slot_finish(&w, &info), 0);
            assert_memory_equal(mem + r.l.slot[0].offset, img, total);
            assert_int_equal(r.g.violations, 0);
            assert_int_equal(r.g.erases, (total + TESTIMG_SECTOR - 1) / TESTIMG_SECTOR);
        }
    }
}

/* Bytes that are no image: finish still flushes them (the last unit padded
 * with 0xFF) before verification refuses them. */
static void test_last_unit_padded(void **state)
{
    (void)state;
    struct abota_image_info info;
    static const uint32_t aligns[] = {1, 4, 16};
    for (size_t ai = 0; ai < 3; ai++) {
        for (uint32_t len = 1; len <= 40; len++) {
            struct rig r;
            rig_init(&r, aligns[ai], 2);
            fill_random(img, len, len);
            img[0] = 0x42; /* neither 0xE9 nor 0xEA */
            struct abota_slot_writer w;
            assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, len), 0);
            assert_int_equal(stream(&w, img, len, 3), 0);
            assert_true(abota_slot_finish(&w, &info) < 0);
            uint32_t s2 = r.l.slot[1].offset;
            assert_memory_equal(mem + s2, img, len);
            uint32_t padded = (len + aligns[ai] - 1) / aligns[ai] * aligns[ai];
            for (uint32_t i = len; i < padded; i++)
                assert_int_equal(mem[s2 + i], 0xFF);
            /* The writer is done after a failed verification. */
            assert_int_equal(abota_slot_write(&w, img, 1), ABOTA_ERR_STATE);
            assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_STATE);
        }
    }
}

static void test_refusals(void **state)
{
    (void)state;
    struct abota_image_info info;
    struct rig r;
    rig_init(&r, 4, 2);
    struct abota_slot_writer w;
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 2, 100), ABOTA_ERR_SLOT_RUNNING);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 0, 1, 100), ABOTA_ERR_SLOT_INVALID);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 3, 1, 100), ABOTA_ERR_SLOT_INVALID);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, TESTIMG_SLOT_SIZE + 1),
                     ABOTA_ERR_SLOT_TOO_BIG);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, 0xFFFFFFFFu),
                     ABOTA_ERR_SLOT_TOO_BIG);
    /* Not begun: no writing. */
    memset(&w, 0, sizeof w);
    assert_int_equal(abota_slot_write(&w, img, 1), ABOTA_ERR_STATE);

    /* Overflow past the declared length, whatever the split. */
    fill_random(img, 200, 3);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, 100), 0);
    assert_int_equal(abota_slot_write(&w, img, 101), ABOTA_ERR_SLOT_OVERFLOW);
    assert_int_equal(abota_slot_written(&w), 0);
    assert_int_equal(abota_slot_write(&w, img, 99), 0);
    assert_int_equal(abota_slot_write(&w, img, 2), ABOTA_ERR_SLOT_OVERFLOW);
    assert_int_equal(abota_slot_write(&w, img, (size_t)-1), ABOTA_ERR_SLOT_OVERFLOW);
    /* Short, then completed. */
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_SLOT_SHORT);
    assert_int_equal(abota_slot_write(&w, img + 99, 1), 0);
    assert_int_equal(abota_slot_write(&w, img, 1), ABOTA_ERR_SLOT_OVERFLOW);
    assert_int_equal(abota_slot_written(&w), 100);
    /* No info: refused before anything is flushed, the writer still open. */
    assert_int_equal(abota_slot_finish(&w, NULL), ABOTA_ERR_ARG);
    assert_int_equal(abota_slot_finish(NULL, &info), ABOTA_ERR_ARG);
    assert_int_equal(abota_slot_write(&w, img, 1), ABOTA_ERR_SLOT_OVERFLOW);

    /* Unknown length: bounded by the slot. */
    static uint8_t zero[1024];
    memset(zero, 0, sizeof zero);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, 0), 0);
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_SLOT_SHORT);
    for (uint32_t i = 0; i < TESTIMG_SLOT_SIZE / sizeof zero; i++)
        assert_int_equal(abota_slot_write(&w, zero, sizeof zero), 0);
    assert_int_equal(abota_slot_write(&w, zero, 1), ABOTA_ERR_SLOT_OVERFLOW);
    assert_int_equal(r.g.violations, 0);
    /* The whole slot, exactly, is accepted when declared. */
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, TESTIMG_SLOT_SIZE), 0);
}

static void test_finish_checks_flash(void **state)
{
    (void)state;
    struct abota_image_info info;
    struct rig r;
    struct abota_slot_writer w;
    uint32_t total = testimg_build(img, sizeof img, 3000, 21, 2, 9);
    uint32_t s2;

    /* One bit dropped in flash between write and finish. */
    rig_init(&r, 4, 2);
    s2 = r.l.slot[1].offset;
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
    assert_int_equal(stream(&w, img, total, 512), 0);
    mem[s2 + 1234] ^= 0x08;
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_IMG_CRC);

    /* The flash holds another valid image of the same length: the image
     * verifies from flash, but it is not what was streamed. Its footer's
     * SHA-256 is not the streamed payload's; without SHA-256 the CRC-32 of
     * the stream tells. */
    uint32_t total2 = testimg_build(img2, sizeof img2, 3000, 22, 2, 9);
    assert_int_equal(total2, total);
    rig_init(&r, 4, 2);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
    assert_int_equal(stream(&w, img, total, 512), 0);
    memcpy(mem + s2, img2, total);
#if ABOTA_FEATURE_SHA256
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_IMG_SHA256);
#else
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_SLOT_CRC);
#endif

    /* A footer byte changed. */
    rig_init(&r, 4, 2);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
    assert_int_equal(stream(&w, img, total, 512), 0);
    mem[s2 + total - 100] ^= 0x01;
    assert_true(abota_slot_finish(&w, &info) < 0);

    /* Built for slot 1, written to slot 2. */
    total = testimg_build(img, sizeof img, 3000, 21, 1, 9);
    rig_init(&r, 4, 2);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
    assert_int_equal(stream(&w, img, total, 512), 0);
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_IMG_SLOT);

    /* Built for any slot. */
    total = testimg_build(img, sizeof img, 3000, 21, ABOTA_SLOT_ANY, 9);
    rig_init(&r, 4, 2);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, 0), 0);
    assert_int_equal(stream(&w, img, total, 512), 0);
    assert_int_equal(abota_slot_finish(&w, &info), 0);

    /* Image cut short but declared unknown: the footer is missing. */
    rig_init(&r, 4, 2);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, 0), 0);
    assert_int_equal(stream(&w, img, total - 16, 512), 0);
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_IMG_NO_FOOTER);
}

/* Re-encodes the footer of the image in buf (total bytes) after edit()
 * changed its fields. */
static void refooter(uint8_t *buf, uint32_t total, void (*edit)(struct abota_footer *, void *),
                     void *arg)
{
    struct abota_footer ft;
    uint8_t *raw = buf + total - ABOTA_FOOTER_SIZE;
    assert_int_equal(abota_footer_decode(raw, &ft), 0);
    edit(&ft, arg);
    abota_footer_encode(&ft, raw);
}

static void set_crc(struct abota_footer *ft, void *arg)
{
    ft->crc32 = *(const uint32_t *)arg;
}

static void set_sha(struct abota_footer *ft, void *arg)
{
    memcpy(ft->sha256, arg, ABOTA_SHA256_SIZE);
}

/* finish hashes the payload once, from the stream, and relies on the CRC-32
 * of the stream against flash for what flash holds: a bit flipped in flash
 * after streaming is caught by that CRC-32 even when the footer on flash is
 * made to agree with the corrupted payload's CRC-32 (the footer's SHA-256
 * still matches the stream, so only the CRC comparison can tell). Flips at
 * the start and in the middle (hashed while streaming) and in the last
 * payload byte (which the verification hashes from flash), for every pad
 * length, with the length known or not. */
static void test_flash_flip_after_stream(void **state)
{
    (void)state;
    struct abota_image_info info;
    for (uint32_t plen = 3000; plen < 3016; plen++) {
        const uint32_t at[] = {0, plen / 2, plen - 1};
        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            for (int known = 0; known < 2; known++) {
                struct rig r;
                struct abota_slot_writer w;
                uint32_t total = testimg_build(img, sizeof img, plen, plen, 2, 9);
                rig_init(&r, 4, 2);
                uint32_t s2 = r.l.slot[1].offset;
                assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, known ? total : 0),
                                 0);
                assert_int_equal(stream(&w, img, total, 333), 0);
                /* Plain flip: the payload no longer has the footer's CRC. */
                mem[s2 + at[i]] ^= 0x10;
                memcpy(img2, mem + s2, total);
                uint32_t crc = abota_crc32_update(0, img2, plen);
                refooter(img2, total, set_crc, &crc);
                /* And the footer on flash rewritten to match it. */
                memcpy(mem + s2 + total - ABOTA_FOOTER_SIZE, img2 + total - ABOTA_FOOTER_SIZE,
                       ABOTA_FOOTER_SIZE);
                /* Where the verification hashes from flash (the last
                 * bytes; all with the length not known) the SHA-256 sees
                 * the flip too; in the streamed part only the CRC-32 can. */
                int streamed = known && at[i] < total - ABOTA_FOOTER_SIZE - 15u;
                int want = ABOTA_FEATURE_SHA256 && !streamed ? ABOTA_ERR_IMG_SHA256
                                                             : ABOTA_ERR_SLOT_CRC;
                assert_int_equal(abota_slot_finish(&w, &info), want);
            }
        }
    }

    /* Without the footer rewritten the payload CRC-32 tells first. */
    struct rig r;
    struct abota_slot_writer w;
    uint32_t total = testimg_build(img, sizeof img, 3007, 5, 2, 9);
    rig_init(&r, 1, 2);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 2, 1, total), 0);
    assert_int_equal(stream(&w, img, total, 4096), 0);
    mem[r.l.slot[1].offset + 3006] ^= 0x01;
    assert_int_equal(abota_slot_finish(&w, &info), ABOTA_ERR_IMG_CRC);
}

/* The footer's SHA-256 must be the streamed payload's: a footer whose
 * SHA-256 differs in any way (a payload byte changed at the start, in the
 * middle or at the very end, where the verification hashes from flash) is
 * ABOTA_ERR_IMG_SHA256, with the length known or not, for every pad length;
 * the right one passes. Without SHA-256 (a security trade, config.h) only
 * the CRC-32 is checked and these images pass. */
static void test_footer_sha_vs_stream(void **state)
{
    (void)state;
    for (uint32_t plen = 3000; plen < 3016; plen++) {
        const uint32_t at[] = {0, plen / 2, plen - 1, plen};
        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            for (int known = 0; known < 2; known++) {
                struct rig r;
                struct abota_slot_writer w;
                uint32_t total = testimg_build(img, sizeof img, plen, plen + 100, 1, 9);
                if (at[i] < plen) {
                    /* The SHA-256 of the payload with one byte changed. */
                    uint8_t sha[ABOTA_SHA256_SIZE];
                    memcpy(img2, img, plen);
                    img2[at[i]] ^= 0x80;
                    abota_sha256(img2, plen, sha);
                    refooter(img, total, set_sha, sha);
                }
                rig_init(&r, 16, 1);
                assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 1, 2, known ? total : 0),
                                 0);
                assert_int_equal(stream(&w, img, total, 100), 0);
                struct abota_image_info info;
                int want = at[i] < plen && ABOTA_FEATURE_SHA256 ? ABOTA_ERR_IMG_SHA256 : 0;
                assert_int_equal(abota_slot_finish(&w, &info), want);
                assert_int_equal(info.crc32, abota_crc32_update(0, img, plen));
            }
        }
    }
}

#if ABOTA_FEATURE_SHA256
/* The streamed entry point on its own: the caller's state continues from
 * `hashed`, which must not pass the payload. */
static void test_verify_streamed(void **state)
{
    (void)state;
    struct rig r;
    struct abota_image_info info;
    struct abota_sha256 sha;
    uint32_t plen = 2999;
    uint32_t total = testimg_build(img, sizeof img, plen, 77, 1, 9);
    rig_init(&r, 4, 1);
    testimg_put(&r.rf, &r.l, 1, img, total);
    uint32_t base = r.l.slot[0].offset;
    static const uint32_t hashed[] = {0, 1, 255, 256, 257, 1000, 2998, 2999};
    for (size_t i = 0; i < sizeof hashed / sizeof hashed[0]; i++) {
        abota_sha256_init(&sha);
        abota_sha256_update(&sha, img, hashed[i]);
        assert_int_equal(
            abota_image_verify_flash_streamed(&r.rf.port, base, total, &info, &sha, hashed[i]), 0);
        /* A state that is not of the payload's first bytes. */
        abota_sha256_init(&sha);
        abota_sha256_update(&sha, img + 1, hashed[i]);
        assert_int_equal(
            abota_image_verify_flash_streamed(&r.rf.port, base, total, &info, &sha, hashed[i]),
            hashed[i] ? ABOTA_ERR_IMG_SHA256 : 0);
    }
    abota_sha256_init(&sha);
    abota_sha256_update(&sha, img, plen + 1);
    assert_int_equal(
        abota_image_verify_flash_streamed(&r.rf.port, base, total, &info, &sha, plen + 1),
        ABOTA_ERR_IMG_LENGTH);
    /* No state: everything from flash, like abota_image_verify_flash. */
    assert_int_equal(abota_image_verify_flash_streamed(&r.rf.port, base, total, &info, NULL, 0), 0);
    assert_int_equal(abota_image_verify_flash_streamed(&r.rf.port, base, total, &info, NULL, 1),
                     ABOTA_ERR_ARG);
}
#endif

#if ABOTA_FEATURE_RESUME /* abota_slot_resume is not built without it */
/* Writes img[0, total) interrupted at cut, resumed at resume_at. */
static void resume_case(uint32_t align, uint32_t total, uint32_t cut, uint32_t resume_at,
                        uint32_t declared)
{
    struct rig r;
    struct abota_slot_writer w;
    struct abota_image_info info;
    rig_init(&r, align, 1);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 1, 2, declared), 0);
    assert_int_equal(stream(&w, img, cut, 100), 0);
    memset(&w, 0xA5, sizeof w); /* the old writer is gone */
    assert_int_equal(abota_slot_resume(&w, &r.g.port, &r.l, 1, 2, declared, resume_at), 0);
    assert_int_equal(abota_slot_written(&w), resume_at);
    assert_int_equal(abota_slot_crc32(&w), abota_crc32_update(0, img, resume_at));
    assert_int_equal(stream(&w, img + resume_at, total - resume_at, 77), 0);
    assert_int_equal(abota_slot_crc32(&w), abota_crc32_update(0, img, total));
    assert_int_equal(abota_slot_finish(&w, &info), 0);
    assert_memory_equal(mem + r.l.slot[0].offset, img, total);
    assert_int_equal(r.g.violations, 0);
}

static void test_resume(void **state)
{
    (void)state;
    uint32_t total = testimg_build(img, sizeof img, 7000, 31, 1, 1);
    static const uint32_t aligns[] = {1, 4, 16};
    for (size_t ai = 0; ai < 3; ai++) {
        uint32_t a = aligns[ai];
        /* At what reached flash, mid-sector. */
        resume_case(a, total, 3001, 3001 / a * a, total);
        resume_case(a, total, 3001, 3001 / a * a, 0);
        /* At a sector boundary, the old writer having gone further. */
        resume_case(a, total, 5000, 4096, total);
        /* From the start, and at the very end. */
        resume_case(a, total, 100, 0, total);
        resume_case(a, total, total, total, total);
    }

    struct rig r;
    struct abota_slot_writer w;
    rig_init(&r, 16, 1);
    assert_int_equal(abota_slot_begin(&w, &r.g.port, &r.l, 1, 2, total), 0);
    assert_int_equal(stream(&w, img, 5000, 100), 0);
    assert_int_equal(abota_slot_resume(&w, &r.g.port, &r.l, 1, 2, total, 4104),
                     ABOTA_ERR_SLOT_RESUME);
    assert_int_equal(abota_slot_resume(&w, &r.g.port, &r.l, 1, 2, total, total + 16),
                     ABOTA_ERR_SLOT_RESUME);
    assert_int_equal(abota_slot_resume(&w, &r.g.port, &r.l, 1, 2, 0, TESTIMG_SLOT_SIZE + 16),
                     ABOTA_ERR_SLOT_RESUME);
    /* Behind what is on flash in the same sector: would program over data. */
    assert_int_equal(abota_slot_resume(&w, &r.g.port, &r.l, 1, 2, total, 4112),
                     ABOTA_ERR_FLASH_NOT_ERASED);
    assert_int_equal(abota_slot_resume(&w, &r.g.port, &r.l, 1, 1, total, 0),
                     ABOTA_ERR_SLOT_RUNNING);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erases_just_in_time),
        cmocka_unit_test(test_blank_sectors_not_erased),
        cmocka_unit_test(test_every_chunking_same_result),
        cmocka_unit_test(test_last_unit_padded),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_finish_checks_flash),
        cmocka_unit_test(test_flash_flip_after_stream),
        cmocka_unit_test(test_footer_sha_vs_stream),
#if ABOTA_FEATURE_SHA256
        cmocka_unit_test(test_verify_streamed),
#endif
#if ABOTA_FEATURE_RESUME
        cmocka_unit_test(test_resume),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
