/* Firmware images: abota's footer and Espressif's own user bins.
 *
 * An abota image is the firmware bytes unchanged, zero to fifteen 0xFF pad
 * bytes so the footer starts at a multiple of 16, then a 256-byte footer
 * (layout in docs/IMAGE_FORMAT.md). Because the firmware is unchanged, an
 * ESP8266 user bin inside an abota image still boots from the ROM loader. */
#ifndef ABOTA_IMAGE_H
#define ABOTA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/config.h"
#include "abota/flash.h"
#include "abota/sha256.h"

#define ABOTA_FOOTER_SIZE 256u
#define ABOTA_FOOTER_MAGIC 0x544F4241u /* "ABOT" as little-endian bytes */
#define ABOTA_FOOTER_VERSION 1u   /* the format of images without a security version */
#define ABOTA_FOOTER_VERSION_2 2u /* format 1 plus the security version (offset 188) */
#define ABOTA_FOOTER_ALIGN 16u
#define ABOTA_SIG_MAX 128u
/* sig_type: 0 unsigned; 1 ECDSA P-256 over the SHA-256 of the signed
 * footer bytes (abota_footer_signed_digest), r || s, 64 bytes. */
#define ABOTA_SIG_TYPE_NONE 0u
#define ABOTA_SIG_TYPE_P256 1u
/* Largest payload an image may carry: the biggest ESP8266 flash (16 MiB).
 * Keeping lengths this small also keeps every offset sum far from wrapping. */
#define ABOTA_IMAGE_PAYLOAD_MAX 0x01000000u

/* footer flags */
#define ABOTA_FLAG_ESP_USERBIN 0x01u /* the payload is an Espressif user bin */

/* Firmware version MAJOR.MINOR.PATCH packed as (major << 24 | minor << 16 | patch),
 * so packed values compare like versions. */
uint32_t abota_version_pack(unsigned major, unsigned minor, unsigned patch);
/* Parses "X.Y.Z" (an optional leading 'v' is accepted; decimal, no leading
 * zeros) into a packed version. Semantic versioning's build metadata
 * ("1.2.3+build.5") is accepted and dropped: it takes no part in ordering.
 * Returns 0, or ABOTA_ERR_IMG_VERSION_PRERELEASE for a well-formed
 * pre-release ("1.2.3-rc.1", which the packed form cannot order), or
 * ABOTA_ERR_IMG_VERSION for anything else, leaving *out untouched. */
int abota_version_parse(const char *s, uint32_t *out);
/* Writes "X.Y.Z" into buf (at least 16 bytes is always enough). Returns the
 * length or ABOTA_ERR_NOSPACE. */
int abota_version_format(uint32_t v, char *buf, size_t size);

/* The decoded footer. */
struct abota_footer {
    uint32_t payload_len;   /* firmware bytes before the padding */
    uint32_t version;       /* packed firmware version */
    uint8_t target_slot;    /* ABOTA_SLOT_ANY, 1 or 2 */
    uint8_t flags;          /* ABOTA_FLAG_* */
    uint32_t crc32;         /* CRC-32 of the payload */
    uint8_t sha256[ABOTA_SHA256_SIZE]; /* SHA-256 of the payload */
    uint32_t security_version; /* anti-rollback counter; 0 in format 1 */
    uint8_t sig_type;       /* ABOTA_SIG_TYPE_* */
    uint16_t sig_len;
    uint8_t sig[ABOTA_SIG_MAX];
};

/* Offset of the footer for a payload of payload_len bytes. */
uint32_t abota_image_footer_offset(uint32_t payload_len);
/* Total image length (payload, padding, footer). */
uint32_t abota_image_total_len(uint32_t payload_len);

/* Encodes f into out[ABOTA_FOOTER_SIZE], computing the footer CRC. The
 * format is 1 when the security version is 0 (byte for byte what devices
 * without anti-rollback read), else 2. */
void abota_footer_encode(const struct abota_footer *f, uint8_t out[ABOTA_FOOTER_SIZE]);

/* The SHA-256 a signature of f signs: of the footer as encoded, its bytes
 * 0..59 (everything but the signature area and the footer CRC: magic,
 * format, lengths, versions, slot, flags, sig_type and sig_len, the
 * payload's CRC-32 and SHA-256) followed by bytes 188..251 (the security
 * version and the reserved bytes). So every field that decides what runs
 * is signed, and the signature itself is not. */
void abota_footer_signed_digest(const struct abota_footer *f, uint8_t out[ABOTA_SHA256_SIZE]);
/* Decodes and checks magic (ABOTA_ERR_IMG_FOOTER_MAGIC), version (_VERSION),
 * size (_SIZE), the footer CRC (_CRC), then the fields: target slot (_SLOT),
 * flags (_FLAGS), pad length (_PAD), signature length (_SIG), payload length
 * and reserved bytes (_FIELD). */
int abota_footer_decode(const uint8_t in[ABOTA_FOOTER_SIZE], struct abota_footer *f);

/* --- Espressif user bins (0xEA "new"/v2 and plain 0xE9 images) --- */

#define ABOTA_ESP_MAX_SEGMENTS 16

struct abota_esp_segment {
    uint32_t file_offset; /* where the segment data starts in the file */
    uint32_t load_addr;
    uint32_t len;
};

struct abota_esp_info {
    bool v2;               /* 0xEA header with irom0 block ("new" boot mode) */
    uint8_t userbin;       /* v2: byte 3, 1 or 2 */
    uint32_t entry;
    uint32_t irom_len;     /* v2: length of the irom0 block */
    uint8_t flash_mode;    /* 0 QIO, 1 QOUT, 2 DIO, 3 DOUT */
    uint8_t size_map;      /* high nibble of the inner header's byte 3 */
    uint8_t clk_div;       /* low nibble */
    uint8_t nsegments;
    struct abota_esp_segment seg[ABOTA_ESP_MAX_SEGMENTS];
    uint32_t checksum_offset;  /* file offset of the XOR checksum byte */
    uint8_t checksum_stored;
    uint8_t checksum_computed;
    bool has_crc_trailer;      /* v2 bins carry a CRC trailer after the checksum */
    uint32_t crc_stored;
    uint32_t crc_computed;     /* the trailer the bytes call for */
    uint32_t end;              /* bytes the bin occupies, trailer included */
};

/* Espressif's trailer value for a body whose standard CRC-32 is crc:
 * c < 0x80000000 ? c + 1 : ~c (fixtures README). */
uint32_t abota_esp_crc_fixup(uint32_t crc);

/* Parses and checks an Espressif image held in flash at [addr, addr+max_len):
 * header, segments, XOR checksum and (v2) CRC trailer. Fills info even when a
 * check fails, as far as it got. Returns 0, or ABOTA_ERR_ESP_*. */
int abota_esp_verify_flash(const struct abota_flash *f, uint32_t addr, uint32_t max_len,
                           struct abota_esp_info *info);

/* The same over a buffer in RAM (host tools and tests). */
int abota_esp_verify_buf(const uint8_t *buf, size_t len, struct abota_esp_info *info);

/* Whether a v2 user bin can run from flash at slot_offset. Its irom0 code
 * runs in place where the SDK's boot loader maps it: 0x1000 into a 1 MB
 * window for 1024+1024 maps (one link serves both slots), and for smaller
 * partitions (256+256, 512+512) user2 one partition further, linked there
 * alone. The size map in the inner header tells which. 0, or
 * ABOTA_ERR_ESP_FLASH_MAP; 0 also for 0xE9 images and maps without two
 * slots (1, 7, 10..15), which say nothing of a link address. */
int abota_esp_map_fits(const struct abota_esp_info *info, uint32_t slot_offset);

/* --- whole-image checks --- */

enum abota_image_kind {
    ABOTA_IMAGE_UNKNOWN = 0,
    ABOTA_IMAGE_ABOTA = 1,   /* payload + abota footer */
    ABOTA_IMAGE_ESP = 2,     /* a plain Espressif user bin */
};

struct abota_image_info {
    enum abota_image_kind kind;
    uint32_t total_len;          /* bytes the image occupies */
    struct abota_footer footer;  /* kind == ABOTA_IMAGE_ABOTA */
    bool has_esp;                /* the payload parsed as an Espressif bin */
    struct abota_esp_info esp;
    uint32_t crc32;              /* CRC-32 of the payload as read */
};

/* Verifies an abota image of total length total_len at addr (from the boot
 * record or the slot writer): footer, CRC-32 and SHA-256 of the payload
 * (re-read in ABOTA_VERIFY_CHUNK pieces), 0xFF padding, and the Espressif
 * checks when the payload is a user bin (flagged: must pass and end at
 * payload_len; merely detected: recorded in has_esp). info is filled as far
 * as the checks got. */
int abota_image_verify_flash(const struct abota_flash *f, uint32_t addr, uint32_t total_len,
                             struct abota_image_info *info);

/* Like abota_image_verify_flash, for a caller that has just streamed the
 * image into flash (the slot writer) and already hashed the payload's first
 * `hashed` bytes as they came in: sha holds that SHA-256 state, and only the
 * payload bytes from `hashed` on are hashed from flash into it before the
 * digest is compared with the footer's (ABOTA_ERR_IMG_SHA256). Everything
 * else (footer, payload CRC-32, padding, Espressif checks) is checked from
 * flash as usual. The digest then speaks for the streamed bytes, not for
 * flash: the caller must prove flash holds those same bytes, as the slot
 * writer does by comparing the CRC-32 of what it streamed with the CRC-32
 * of the image read back (docs/IMAGE_FORMAT.md, "Verification").
 * sha NULL (with hashed 0) hashes the whole payload from flash, exactly
 * abota_image_verify_flash. hashed > payload_len is ABOTA_ERR_IMG_LENGTH.
 * sha is consumed: do not use it after the call. Only with
 * ABOTA_FEATURE_SHA256. */
#if ABOTA_FEATURE_SHA256
int abota_image_verify_flash_streamed(const struct abota_flash *f, uint32_t addr,
                                      uint32_t total_len, struct abota_image_info *info,
                                      struct abota_sha256 *sha, uint32_t hashed);
#endif

/* Whether footer f was signed by the holder of key (ABOTA_SIG_P256_KEY_SIZE
 * bytes, abota/sig.h): its signature over abota_footer_signed_digest(f).
 * Since the signed bytes hold the payload's SHA-256, a valid signature
 * speaks for the payload once that digest has been checked. NULL f (an
 * image without footer, e.g. a plain Espressif bin) or sig_type 0:
 * ABOTA_ERR_SIG_NONE; another type: ABOTA_ERR_SIG_TYPE; a length other
 * than 64: ABOTA_ERR_SIG_LENGTH; else the verifier's answer. Only with
 * ABOTA_FEATURE_SIGNATURE. */
#if ABOTA_FEATURE_SIGNATURE
int abota_image_check_signature(const struct abota_footer *f, const uint8_t *key);
#endif

/* Finds and verifies whatever image a region holds when its length is not
 * known (no boot record): the lowest abota footer on a 16-byte boundary that
 * sits exactly where its own payload_len puts it and whose image verifies,
 * else a plain Espressif bin at the start (kind ABOTA_IMAGE_ESP, total_len
 * where its trailer ends). Returns 0 with info filled; else the first
 * in-place footer's verification error, the Espressif error, or
 * ABOTA_ERR_IMG_UNKNOWN (e.g. erased). */
int abota_image_probe_flash(const struct abota_flash *f, uint32_t addr, uint32_t region_size,
                            struct abota_image_info *info);

/* Verifies a file held in RAM (host tools): an abota image of exactly len
 * bytes when the last 256 bytes start with the magic, else an Espressif bin
 * at the start (bytes after its end are allowed; info->total_len says where
 * it ends). ABOTA_ERR_IMG_UNKNOWN when it is neither. */
int abota_image_verify_buf(const uint8_t *buf, size_t len, struct abota_image_info *info);

#endif
