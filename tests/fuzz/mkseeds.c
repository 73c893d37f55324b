/* Writes the seed inputs of fuzz_footer and fuzz_bootrec that need real
 * encodings (footer CRC, SHA-256, record CRC) into DIR/fuzz_footer/ and
 * DIR/fuzz_bootrec/. Run once by hand to refresh tests/fuzz/corpus:
 *   build/tests/fuzz/fuzz_mkseeds tests/fuzz/corpus */
#include <stdio.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/image.h"
#include "abota/sha256.h"

#define FLASH_SIZE 0xB00u /* fuzz_bootrec's tiny layout */
#define SLOT1 0x100u
#define SLOT2 0x500u
#define REC0 0x900u
#define REC1 0xA00u

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
    return bad;
}
