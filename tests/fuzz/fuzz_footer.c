/* Fuzzes the abota footer decoder and the image verifier over a buffer.
 *
 * The first 256 bytes are decoded as they are, and again after the harness
 * repaired magic, format version, size and footer CRC, so the fuzzer reaches
 * the field checks behind the CRC. Properties:
 * - when decode succeeds, encode(decode(x)) == x byte for byte;
 * - decode(encode(f)) == f for every decoded f;
 * - abota_image_verify_buf over the whole input never reads outside it and,
 *   when it accepts an abota image, that image's footer decodes the same way
 *   and its length fits the input. */
#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "fuzz.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void round_trip(const uint8_t in[ABOTA_FOOTER_SIZE])
{
    struct abota_footer f, g;
    uint8_t out[ABOTA_FOOTER_SIZE];
    if (abota_footer_decode(in, &f) != 0)
        return;
    FUZZ_CHECK(f.sig_len <= ABOTA_SIG_MAX);
    FUZZ_CHECK(f.target_slot <= 2);
    abota_footer_encode(&f, out);
    FUZZ_CHECK(memcmp(in, out, ABOTA_FOOTER_SIZE) == 0);
    FUZZ_CHECK(abota_footer_decode(out, &g) == 0);
    FUZZ_CHECK(memcmp(&f, &g, sizeof f) == 0);
    FUZZ_CHECK(abota_image_footer_offset(f.payload_len) % ABOTA_FOOTER_ALIGN == 0);
    FUZZ_CHECK(abota_image_footer_offset(f.payload_len) >= f.payload_len);
    FUZZ_CHECK(abota_image_total_len(f.payload_len) ==
               abota_image_footer_offset(f.payload_len) + ABOTA_FOOTER_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t raw[ABOTA_FOOTER_SIZE];
    if (size >= ABOTA_FOOTER_SIZE) {
        memcpy(raw, data, ABOTA_FOOTER_SIZE);
        round_trip(raw);
        put32(raw, ABOTA_FOOTER_MAGIC);
        raw[4] = ABOTA_FOOTER_VERSION;
        raw[5] = 0;
        raw[6] = (uint8_t)ABOTA_FOOTER_SIZE;
        raw[7] = (uint8_t)(ABOTA_FOOTER_SIZE >> 8);
        put32(raw + 252, abota_crc32_update(0, raw, 252));
        round_trip(raw);
    }

    /* The whole input as an image in RAM. */
    uint8_t *copy = malloc(size ? size : 1);
    struct abota_image_info info;
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, data, size);
    int rc = abota_image_verify_buf(copy, size, &info);
    if (rc == 0) {
        FUZZ_CHECK(info.total_len <= size);
        if (info.kind == ABOTA_IMAGE_ABOTA) {
            struct abota_footer f;
            uint32_t off = abota_image_footer_offset(info.footer.payload_len);
            FUZZ_CHECK(off + ABOTA_FOOTER_SIZE <= size);
            FUZZ_CHECK(abota_footer_decode(copy + off, &f) == 0);
            FUZZ_CHECK(memcmp(&f, &info.footer, sizeof f) == 0);
            FUZZ_CHECK(abota_crc32_update(0, copy, f.payload_len) == f.crc32);
        }
    }
    free(copy);
    return 0;
}
