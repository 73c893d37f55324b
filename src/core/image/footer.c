/* The abota image footer: 256 bytes after the payload and its 0xFF padding.
 *
 * On flash (little-endian, fixed width, every offset a constant):
 *
 *   offset size field
 *   ------ ---- -----------------------------------------------------------
 *        0    4 magic        "ABOT" (0x41 0x42 0x4F 0x54)
 *        4    2 version      footer format version: 1, or 2 with a security
 *                            version
 *        6    2 size         footer size in bytes, 256
 *        8    4 payload_len  firmware bytes, 1 .. ABOTA_IMAGE_PAYLOAD_MAX
 *       12    4 fw_version   packed firmware version (major<<24|minor<<16|patch)
 *       16    1 target_slot  0 any, 1 user1, 2 user2
 *       17    1 flags        bit 0: payload is an Espressif user bin; others 0
 *       18    1 pad_len      0xFF bytes between payload and footer, 0..15,
 *                            always (16 - payload_len % 16) % 16
 *       19    1 sig_type     0 none, 1 ECDSA P-256 (r || s, sig_len 64)
 *       20    2 sig_len      bytes used in sig[], 0..128; 0 when sig_type is 0
 *       22    2 reserved     0
 *       24    4 crc32        CRC-32/IEEE of the payload
 *       28   32 sha256       SHA-256 of the payload
 *       60  128 sig          signature, sig_len bytes, the rest 0
 *      188    4 security_version  format 2: anti-rollback counter; format 1: 0
 *      192   60 reserved     0
 *      252    4 footer_crc   CRC-32/IEEE of bytes 0..251
 *
 * The footer sits at the end so that the payload stays byte-identical to the
 * firmware (an Espressif user bin boots unchanged) and so that a reader that
 * knows only the total length can find it. Padding the payload to 16 bytes
 * lets a reader without the length find the footer by scanning 16-byte
 * boundaries (abota_image_probe_flash). */
#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "../storage/le.h"

#define OFF_MAGIC 0
#define OFF_VERSION 4
#define OFF_SIZE 6
#define OFF_PAYLOAD_LEN 8
#define OFF_FW_VERSION 12
#define OFF_SLOT 16
#define OFF_FLAGS 17
#define OFF_PAD_LEN 18
#define OFF_SIG_TYPE 19
#define OFF_SIG_LEN 20
#define OFF_RESERVED1 22
#define OFF_CRC32 24
#define OFF_SHA256 28
#define OFF_SIG 60
#define OFF_SECURITY 188
#define OFF_RESERVED2 192
#define OFF_FOOTER_CRC 252

#define FLAGS_KNOWN ABOTA_FLAG_ESP_USERBIN

_Static_assert(OFF_SHA256 + ABOTA_SHA256_SIZE == OFF_SIG, "footer layout");
_Static_assert(OFF_SIG + ABOTA_SIG_MAX == OFF_SECURITY, "footer layout");
_Static_assert(OFF_FOOTER_CRC + 4 == ABOTA_FOOTER_SIZE, "footer layout");

uint32_t abota_image_footer_offset(uint32_t payload_len)
{
    /* Callers keep payload_len <= ABOTA_IMAGE_PAYLOAD_MAX; for larger values
     * the result saturates instead of wrapping to a small offset. */
    if (payload_len > ABOTA_IMAGE_PAYLOAD_MAX)
        return UINT32_MAX;
    return (payload_len + (ABOTA_FOOTER_ALIGN - 1u)) & ~(ABOTA_FOOTER_ALIGN - 1u);
}

uint32_t abota_image_total_len(uint32_t payload_len)
{
    if (payload_len > ABOTA_IMAGE_PAYLOAD_MAX)
        return UINT32_MAX;
    return abota_image_footer_offset(payload_len) + ABOTA_FOOTER_SIZE;
}

static uint8_t pad_len_for(uint32_t payload_len)
{
    return (uint8_t)((ABOTA_FOOTER_ALIGN - payload_len % ABOTA_FOOTER_ALIGN) % ABOTA_FOOTER_ALIGN);
}

void abota_footer_encode(const struct abota_footer *f, uint8_t out[ABOTA_FOOTER_SIZE])
{
    uint16_t sig_len = f->sig_len <= ABOTA_SIG_MAX ? f->sig_len : (uint16_t)ABOTA_SIG_MAX;
    memset(out, 0, ABOTA_FOOTER_SIZE);
    abota_le32_put(out + OFF_MAGIC, ABOTA_FOOTER_MAGIC);
    le16_put(out + OFF_VERSION,
             (uint16_t)(f->security_version ? ABOTA_FOOTER_VERSION_2 : ABOTA_FOOTER_VERSION));
    le16_put(out + OFF_SIZE, (uint16_t)ABOTA_FOOTER_SIZE);
    abota_le32_put(out + OFF_PAYLOAD_LEN, f->payload_len);
    abota_le32_put(out + OFF_FW_VERSION, f->version);
    out[OFF_SLOT] = f->target_slot;
    out[OFF_FLAGS] = f->flags;
    out[OFF_PAD_LEN] = pad_len_for(f->payload_len);
    out[OFF_SIG_TYPE] = f->sig_type;
    le16_put(out + OFF_SIG_LEN, sig_len);
    abota_le32_put(out + OFF_CRC32, f->crc32);
    memcpy(out + OFF_SHA256, f->sha256, ABOTA_SHA256_SIZE);
    memcpy(out + OFF_SIG, f->sig, sig_len);
    abota_le32_put(out + OFF_SECURITY, f->security_version);
    abota_le32_put(out + OFF_FOOTER_CRC, abota_crc32_update(0, out, OFF_FOOTER_CRC));
}

void abota_footer_signed_digest(const struct abota_footer *f, uint8_t out[ABOTA_SHA256_SIZE])
{
    uint8_t raw[ABOTA_FOOTER_SIZE];
    struct abota_sha256 sha;
    abota_footer_encode(f, raw);
    abota_sha256_init(&sha);
    abota_sha256_update(&sha, raw, OFF_SIG);
    abota_sha256_update(&sha, raw + OFF_SECURITY, OFF_FOOTER_CRC - OFF_SECURITY);
    abota_sha256_finish(&sha, out);
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    while (n--)
        acc |= *p++;
    return acc == 0;
}

/* Order of checks: magic and format first (they say whether the rest can be
 * read at all), then the CRC (are the bytes intact?), then the ranges (did
 * the writer put sensible values in intact bytes?). So a random corruption
 * reports as a CRC error and a semantic mistake by its own field's code. */
int abota_footer_decode(const uint8_t in[ABOTA_FOOTER_SIZE], struct abota_footer *f)
{
    if (!in || !f)
        return ABOTA_ERR_ARG;
    memset(f, 0, sizeof *f);
    if (abota_le32_get(in + OFF_MAGIC) != ABOTA_FOOTER_MAGIC)
        return ABOTA_ERR_IMG_FOOTER_MAGIC;
    uint16_t format = le16_get(in + OFF_VERSION);
    if (format != ABOTA_FOOTER_VERSION && format != ABOTA_FOOTER_VERSION_2)
        return ABOTA_ERR_IMG_FOOTER_VERSION;
    if (le16_get(in + OFF_SIZE) != ABOTA_FOOTER_SIZE)
        return ABOTA_ERR_IMG_FOOTER_SIZE;
    if (abota_le32_get(in + OFF_FOOTER_CRC) != abota_crc32_update(0, in, OFF_FOOTER_CRC))
        return ABOTA_ERR_IMG_FOOTER_CRC;

    f->payload_len = abota_le32_get(in + OFF_PAYLOAD_LEN);
    f->version = abota_le32_get(in + OFF_FW_VERSION);
    f->target_slot = in[OFF_SLOT];
    f->flags = in[OFF_FLAGS];
    f->sig_type = in[OFF_SIG_TYPE];
    f->sig_len = le16_get(in + OFF_SIG_LEN);
    f->crc32 = abota_le32_get(in + OFF_CRC32);
    memcpy(f->sha256, in + OFF_SHA256, ABOTA_SHA256_SIZE);
    memcpy(f->sig, in + OFF_SIG, ABOTA_SIG_MAX);
    f->security_version = abota_le32_get(in + OFF_SECURITY);

    if (f->payload_len == 0 || f->payload_len > ABOTA_IMAGE_PAYLOAD_MAX)
        return ABOTA_ERR_IMG_FOOTER_FIELD;
    if (f->target_slot > ABOTA_SLOT_2)
        return ABOTA_ERR_IMG_FOOTER_SLOT;
    if (f->flags & (uint8_t)~FLAGS_KNOWN)
        return ABOTA_ERR_IMG_FOOTER_FLAGS;
    if (in[OFF_PAD_LEN] != pad_len_for(f->payload_len))
        return ABOTA_ERR_IMG_FOOTER_PAD;
    if (f->sig_len > ABOTA_SIG_MAX || (f->sig_type == 0 && f->sig_len != 0))
        return ABOTA_ERR_IMG_FOOTER_SIG;
    /* Unused signature bytes and reserved fields must be 0, so a later
     * format can give them meaning without old images being misread. */
    if (!all_zero(in + OFF_SIG + f->sig_len, ABOTA_SIG_MAX - f->sig_len) ||
        !all_zero(in + OFF_RESERVED1, 2) ||
        !all_zero(in + OFF_RESERVED2, OFF_FOOTER_CRC - OFF_RESERVED2))
        return ABOTA_ERR_IMG_FOOTER_FIELD;
    /* Format 1 has no security version (its bytes are reserved), and
     * format 2 is only written for one: each image has one encoding. */
    if ((format == ABOTA_FOOTER_VERSION) != (f->security_version == 0))
        return ABOTA_ERR_IMG_FOOTER_FIELD;
    return 0;
}
