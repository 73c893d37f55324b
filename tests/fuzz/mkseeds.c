/* Writes the seed inputs that need real encodings (footer CRC, SHA-256,
 * record CRC, journal CRCs, OpenSSL-made signatures) into DIR/fuzz_footer/,
 * DIR/fuzz_bootrec/, DIR/fuzz_loader/, DIR/fuzz_journal/ and DIR/fuzz_sig/.
 * Run once by hand to refresh
 * tests/fuzz/corpus:
 *   build/tests/fuzz/fuzz_mkseeds tests/fuzz/corpus */
#include <stdio.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "tiny_flash.h"
#include "../unit/sig_vectors.h"

#define FLASH_SIZE TINY_FLASH_SIZE /* fuzz_bootrec's tiny layout */
#define SLOT1 TINY_SLOT1
#define SLOT2 TINY_SLOT2
#define REC0 TINY_REC0
#define REC1 TINY_REC1

static int save(const char *dir, const char *name, const void *p, size_t n)
{
    char path[1024];
    FILE *fp;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return 1;
    fp = fopen(path, "wb");
    if (!fp || fwrite(p, 1, n, fp) != n) {
        fprintf(stderr, "mkseeds: cannot write %s\n", path);
        if (fp)
            fclose(fp);
        return 1;
    }
    return fclose(fp) != 0;
}

/* payload_len pseudo-random bytes, 0xFF padding, footer. Returns the length. */
static uint32_t image(uint8_t *buf, uint32_t payload_len, uint8_t seed, int slot, uint8_t flags)
{
    struct abota_footer f;
    uint32_t off = abota_image_footer_offset(payload_len);
    for (uint32_t i = 0; i < payload_len; i++)
        buf[i] = (uint8_t)(seed + i * 7u + (i >> 3));
    memset(buf + payload_len, 0xFF, off - payload_len);
    memset(&f, 0, sizeof f);
    f.payload_len = payload_len;
    f.version = abota_version_pack(1, 2, seed);
    f.target_slot = (uint8_t)slot;
    f.flags = flags;
    f.crc32 = abota_crc32_update(0, buf, payload_len);
    abota_sha256(buf, payload_len, f.sha256);
    abota_footer_encode(&f, buf + off);
    return off + ABOTA_FOOTER_SIZE;
}

static struct abota_bootrec record(uint32_t seq, int active, int trial, uint8_t attempts,
                                   uint32_t len1, uint32_t crc1, uint32_t len2, uint32_t crc2)
{
    struct abota_bootrec r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.active = (uint8_t)active;
    r.trial = (uint8_t)trial;
    r.attempts_left = attempts;
    r.slot[0].length = len1;
    r.slot[0].crc32 = crc1;
    r.slot[1].length = len2;
    r.slot[1].crc32 = crc2;
    return r;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* fuzz_loader's input: flags, record copies 0 and 1, slot 1, slot 2
 * (0x400 bytes each). Slots hold Espressif-looking bytes (0xEA 0x04). */
#define L_SLOT TINY_SLOT_SIZE
#define L_SIZE (1u + 2u * ABOTA_BOOTREC_SIZE + 2u * L_SLOT)

static uint32_t loader_slot(uint8_t *in, int slot, uint32_t len, uint8_t seed)
{
    uint8_t *p = in + 1 + 2 * ABOTA_BOOTREC_SIZE + (uint32_t)(slot - 1) * L_SLOT;
    for (uint32_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 13u);
    p[0] = 0xEA;
    p[1] = 4;
    return abota_crc32_update(0, p, len);
}

static int loader_seeds(const char *dir)
{
    static uint8_t in[L_SIZE];
    int bad = 0;
    memset(in, 0xFF, sizeof in);
    in[0] = 0;
    uint32_t c1 = loader_slot(in, 1, 700, 1), c2 = loader_slot(in, 2, 900, 2);
    bad |= save(dir, "no-record", in, sizeof in);
    struct abota_bootrec r = record(7, 2, 1, 3, 700, c1, 900, c2);
    abota_bootrec_encode(&r, in + 1);
    bad |= save(dir, "trial-pending", in, sizeof in);
    r = record(8, 2, 2, 0, 700, c1, 900, c2);
    abota_bootrec_encode(&r, in + 1 + ABOTA_BOOTREC_SIZE);
    bad |= save(dir, "trial-used-up", in, sizeof in);
    r = record(9, 1, 0, 0, 700, c1 ^ 1u, 0, 0);
    abota_bootrec_encode(&r, in + 1);
    bad |= save(dir, "bad-crc-fallback-length0", in, sizeof in);
    in[0] = 0x3F; /* the harness repairs headers, entries and both CRCs */
    bad |= save(dir, "repair-all", in, sizeof in);
    return bad;
}

/* fuzz_journal's input: flags, checkpoint mask (2 bytes), the 256-byte
 * journal sector, the target slot (0x800 bytes). Flags 0x02: running slot
 * 1, target 2, the engine's URL CRC taken from the header. */
#define J_SECTOR 0x100u
#define J_SLOT 0x800u
#define J_SIZE (3u + J_SECTOR + J_SLOT)

static void journal_entry(uint8_t *j, unsigned i, uint32_t off, const uint8_t *slot)
{
    uint8_t *e = j + 112 + 16 * i, h[4];
    put32(e, off);
    put32(e + 4, abota_crc32_update(0, slot, off));
    memcpy(h, j + 108, 4);
    put32(e + 8, abota_crc32_update(abota_crc32_update(0, h, 4), e, 8));
}

static int journal_seeds(const char *dir)
{
    static uint8_t in[J_SIZE];
    uint8_t *j = in + 3, *slot = in + 3 + J_SECTOR;
    static const char etag[] = "\"v2-abc\"";
    int bad = 0;
    memset(in, 0xFF, sizeof in);
    in[0] = 0x02;
    in[1] = in[2] = 0;
    for (uint32_t i = 0; i < 0x380; i++)
        slot[i] = (uint8_t)(i * 7u + 3u);
    put32(j, 0x4E4A4241u);
    j[4] = 1;
    j[5] = 2;
    j[6] = 1;
    j[7] = (uint8_t)strlen(etag);
    put32(j + 8, 0x700);
    put32(j + 12, 0x12345678u);
    memset(j + 16, 0, 80);
    memcpy(j + 16, etag, strlen(etag));
    put32(j + 108, abota_crc32_update(0, j, 108));
    journal_entry(j, 0, 0x100, slot);
    journal_entry(j, 1, 0x200, slot);
    journal_entry(j, 2, 0x300, slot);
    bad |= save(dir, "three-checkpoints", in, sizeof in);
    j[112 + 2 * 16 + 9] ^= 0x40; /* torn: its entry CRC fails */
    bad |= save(dir, "last-torn", in, sizeof in);
    journal_entry(j, 2, 0x300, slot);
    slot[0x250] ^= 1; /* the slot changed since the checkpoint */
    bad |= save(dir, "prefix-changed", in, sizeof in);
    slot[0x250] ^= 1;
    for (unsigned i = 3; i < 9; i++)
        journal_entry(j, i, 0x300, slot);
    bad |= save(dir, "full-repeated", in, sizeof in);
    j[6] = 2; /* Last-Modified, and the header CRC left stale */
    bad |= save(dir, "stale-header-crc", in, sizeof in);
    in[0] = 0x1E; /* the harness repairs everything in the mask */
    in[1] = 0xFF;
    in[2] = 0x01;
    bad |= save(dir, "repair-all", in, sizeof in);
    return bad;
}

/* fuzz_sig's input (fuzz_sig.c): flags, key, digest, signature, a bit to
 * flip. The test vectors as they are, and keys d*G or -d*G of small d with
 * u1, u2 (steered) whose top bits make the ladder double or reach infinity
 * in its first steps (scripts/gen_sig_vectors.py tells how). */
static int sig_seeds(const char *dir)
{
    uint8_t in[163];
    char name[64];
    int bad = 0;
    for (size_t i = 0; i < sizeof sig_vectors / sizeof sig_vectors[0]; i++) {
        const struct sig_vector *v = &sig_vectors[i];
        memset(in, 0, sizeof in);
        memcpy(in + 1, v->key, 64);
        memcpy(in + 65, v->digest, 32);
        memcpy(in + 97, v->sig, 64);
        snprintf(name, sizeof name, "vector-%s", v->name);
        bad |= save(dir, name, in, sizeof in);
    }
    static const struct {
        const char *name;
        uint8_t flags, d, u1_top, u2_top;
    } steer[] = {
        {"g-double", 0x05, 1, 0xC0, 0x40},           /* 2G + (G + Q = 2G) */
        {"2g-double", 0x05, 2, 0x80, 0x40},          /* 2G + Q, Q = 2G */
        {"minus-2g-infinity", 0x07, 2, 0x80, 0x40},  /* 2G + Q, Q = -2G */
        {"minus-g-table-infinity", 0x07, 1, 0xC0, 0xC0}, /* G + Q = infinity */
        {"g-high-s-plus-n", 0x1D, 1, 0xA5, 0x5A},
        {"g-flip", 0x25, 1, 0xC0, 0x40},
    };
    for (size_t i = 0; i < sizeof steer / sizeof steer[0]; i++) {
        memset(in, 0, sizeof in);
        in[0] = steer[i].flags;
        in[32] = steer[i].d; /* k, big-endian in bytes 1..32 */
        for (int j = 0; j < 32; j++) { /* u1, u2: the top byte, then a pattern */
            in[97 + j] = (uint8_t)(j ? 0x5A + 13 * j : steer[i].u1_top);
            in[129 + j] = (uint8_t)(j ? 0xA5 + 7 * j : steer[i].u2_top);
        }
        in[162] = 77;
        snprintf(name, sizeof name, "steer-%s", steer[i].name);
        bad |= save(dir, name, in, sizeof in);
    }
    return bad;
}

int main(int argc, char **argv)
{
    static uint8_t buf[4096], flash[FLASH_SIZE];
    char dir[1024];
    int bad = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }

    snprintf(dir, sizeof dir, "%s/fuzz_footer", argv[1]);
    uint32_t n = image(buf, 100, 1, 1, 0);
    bad |= save(dir, "image-100", buf, n);
    bad |= save(dir, "footer-only", buf + n - ABOTA_FOOTER_SIZE, ABOTA_FOOTER_SIZE);
    n = image(buf, 32, 2, 0, ABOTA_FLAG_ESP_USERBIN);
    bad |= save(dir, "image-32-any-esp", buf, n);

    snprintf(dir, sizeof dir, "%s/fuzz_bootrec", argv[1]);
    /* Compact form: flags byte, then the two copies. */
    uint8_t two[1 + 2 * ABOTA_BOOTREC_SIZE];
    struct abota_bootrec a = record(5, 1, 0, 0, 0, 0, 0, 0);
    struct abota_bootrec b = record(6, 2, 1, 3, 0, 0, 0, 0);
    two[0] = 0;
    abota_bootrec_encode(&a, two + 1);
    abota_bootrec_encode(&b, two + 1 + ABOTA_BOOTREC_SIZE);
    bad |= save(dir, "two-copies", two, sizeof two);
    b.seq = 0;
    a.seq = 0xFFFFFFFFu;
    abota_bootrec_encode(&a, two + 1);
    abota_bootrec_encode(&b, two + 1 + ABOTA_BOOTREC_SIZE);
    bad |= save(dir, "two-copies-wrap", two, sizeof two);
    two[0] = 0x03; /* the harness repairs both CRCs */
    two[1 + 5] = 3;
    bad |= save(dir, "bad-active-repaired-crc", two, sizeof two);

    /* Whole flash: images in both slots and a record. */
    memset(flash, 0xFF, sizeof flash);
    flash[0] = 0x80;
    uint32_t l1 = image(flash + SLOT1, 200, 3, 1, 0);
    uint32_t l2 = image(flash + SLOT2, 500, 4, 2, 0);
    uint32_t c1 = abota_crc32_update(0, flash + SLOT1, l1);
    uint32_t c2 = abota_crc32_update(0, flash + SLOT2, l2);
    struct abota_bootrec r = record(9, 2, 1, 2, l1, c1, l2, c2);
    abota_bootrec_encode(&r, flash + REC0);
    bad |= save(dir, "flash-trial-pending", flash, sizeof flash);
    r = record(10, 2, 2, 0, l1, c1, l2, c2);
    abota_bootrec_encode(&r, flash + REC1);
    bad |= save(dir, "flash-trial-used-up", flash, sizeof flash);
    r = record(11, 1, 0, 0, l1, c1, 0, 0);
    abota_bootrec_encode(&r, flash + REC0);
    bad |= save(dir, "flash-normal-probe-other", flash, sizeof flash);
    memset(flash + REC0, 0xFF, 0x200);
    bad |= save(dir, "flash-no-record", flash, sizeof flash);

    snprintf(dir, sizeof dir, "%s/fuzz_loader", argv[1]);
    bad |= loader_seeds(dir);
    snprintf(dir, sizeof dir, "%s/fuzz_journal", argv[1]);
    bad |= journal_seeds(dir);
    snprintf(dir, sizeof dir, "%s/fuzz_sig", argv[1]);
    bad |= sig_seeds(dir);
    return bad;
}
