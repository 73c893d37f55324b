/* Whole-image checks: an abota image (payload, 0xFF padding, footer) or a
 * plain Espressif user bin, verified by re-reading flash in
 * ABOTA_VERIFY_CHUNK pieces (never a whole image in RAM). */
#include <string.h>

#include "abota/config.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "../compiler.h"
#include "../storage/bufflash.h"
#include "../storage/le.h"

/* Payload CRC-32 from flash, the SHA-256 of the payload's bytes from
 * `hashed` on fed into sha and compared with the footer's (CRC-32 only
 * without ABOTA_FEATURE_SHA256, config.h: sha is then unused, and the
 * constant folds the hashing away), and the padding after it. sha is
 * finished on every path. */
static int check_payload(const struct abota_flash *f, uint32_t addr, const struct abota_footer *ft,
                         struct abota_image_info *info, struct abota_sha256 *sha,
                         uint32_t hashed)
{
    uint8_t chunk[ABOTA_VERIFY_CHUNK];
    uint8_t digest[ABOTA_SHA256_SIZE];
    uint32_t crc = 0, done = 0;
    uint32_t pad = abota_image_footer_offset(ft->payload_len) - ft->payload_len;
    int err;

    while (done < ft->payload_len) {
        uint32_t left = ft->payload_len - done;
        uint32_t k = left < sizeof chunk ? left : (uint32_t)sizeof chunk;
        err = abota_flash_read(f, addr + done, chunk, k);
        if (err < 0) {
            if (ABOTA_FEATURE_SHA256)
                abota_sha256_finish(sha, digest);
            return err;
        }
        crc = abota_crc32_update(crc, chunk, k);
        /* Only the bytes the caller has not hashed: hashed <= payload_len
         * (checked by the caller), so k - skip does not wrap. */
        if (ABOTA_FEATURE_SHA256 && done + k > hashed) {
            uint32_t skip = hashed > done ? hashed - done : 0;
            abota_sha256_update(sha, chunk + skip, k - skip);
        }
        done += k;
    }
    if (ABOTA_FEATURE_SHA256)
        abota_sha256_finish(sha, digest);
    info->crc32 = crc;

    if (pad) {
        err = abota_flash_read(f, addr + ft->payload_len, chunk, pad);
        if (err < 0)
            return err;
        for (uint32_t i = 0; i < pad; i++)
            if (chunk[i] != 0xFFu)
                return ABOTA_ERR_IMG_PADDING;
    }
    if (crc != ft->crc32)
        return ABOTA_ERR_IMG_CRC;
    if (ABOTA_FEATURE_SHA256 && memcmp(digest, ft->sha256, ABOTA_SHA256_SIZE) != 0)
        return ABOTA_ERR_IMG_SHA256;
    return 0;
}

/* The Espressif checks of the payload: required when the footer flags it,
 * recorded (has_esp) when the payload merely parses as one. */
static int check_esp_payload(const struct abota_flash *f, uint32_t addr,
                             const struct abota_footer *ft, struct abota_image_info *info)
{
    int err = abota_esp_verify_flash(f, addr, ft->payload_len, &info->esp);
    if (err == 0 && info->esp.end == ft->payload_len) {
        info->has_esp = true;
        return 0;
    }
    if (!(ft->flags & ABOTA_FLAG_ESP_USERBIN))
        return 0; /* just a firmware that is not an Espressif bin */
    info->has_esp = err == 0;
    return err < 0 ? err : ABOTA_ERR_IMG_ESP_LENGTH;
}

/* The body of both entry points: the streamed verification, sha NULL
 * meaning "hash everything from flash" (without SHA-256 always NULL, 0).
 * Each profile calls it from one place only and it is inlined there, so
 * the update's path has no wrapper frame (make size on the lx106: +16
 * bytes of stack and +22 of code when GCC keeps it apart for its frame). */
ABOTA_ALWAYS_INLINE static inline int verify_flash(const struct abota_flash *f, uint32_t addr,
                                                   uint32_t total_len,
                                                   struct abota_image_info *info,
                                                   struct abota_sha256 *sha, uint32_t hashed)
{
    int err;
    struct abota_sha256 own;
    if (ABOTA_FEATURE_SHA256 && !sha) {
        if (hashed)
            return ABOTA_ERR_ARG;
        abota_sha256_init(&own);
        sha = &own;
    }

    if (!f || !info)
        return ABOTA_ERR_ARG;
    memset(info, 0, sizeof *info);
    if (total_len > f->size || addr > f->size - total_len)
        return ABOTA_ERR_FLASH_BOUNDS;
    if (total_len < ABOTA_FOOTER_SIZE + ABOTA_FOOTER_ALIGN)
        return ABOTA_ERR_IMG_TOO_SHORT;
    if (total_len % ABOTA_FOOTER_ALIGN != 0)
        return ABOTA_ERR_IMG_LENGTH;

    {
        /* scoped so the compiler can reuse this space for the payload pass */
        uint8_t raw[ABOTA_FOOTER_SIZE];
        err = abota_flash_read(f, addr + total_len - ABOTA_FOOTER_SIZE, raw, sizeof raw);
        if (err < 0)
            return err;
        err = abota_footer_decode(raw, &info->footer);
        if (err < 0)
            return err;
    }
    info->kind = ABOTA_IMAGE_ABOTA;
    info->total_len = total_len;
    if (abota_image_total_len(info->footer.payload_len) != total_len)
        return ABOTA_ERR_IMG_LENGTH;
    if (hashed > info->footer.payload_len)
        return ABOTA_ERR_IMG_LENGTH; /* the caller hashed past the payload */

    err = check_payload(f, addr, &info->footer, info, sha, hashed);
    if (err < 0)
        return err;
    return check_esp_payload(f, addr, &info->footer, info);
}

/* The entry points, once per profile: the streamed one exists only with
 * SHA-256 (image.h), and then the plain one goes through it. */
#if ABOTA_FEATURE_SHA256
int abota_image_verify_flash_streamed(const struct abota_flash *f, uint32_t addr,
                                      uint32_t total_len, struct abota_image_info *info,
                                      struct abota_sha256 *sha, uint32_t hashed)
{
    return verify_flash(f, addr, total_len, info, sha, hashed);
}

int abota_image_verify_flash(const struct abota_flash *f, uint32_t addr, uint32_t total_len,
                             struct abota_image_info *info)
{
    return abota_image_verify_flash_streamed(f, addr, total_len, info, NULL, 0);
}
#else
int abota_image_verify_flash(const struct abota_flash *f, uint32_t addr, uint32_t total_len,
                             struct abota_image_info *info)
{
    return verify_flash(f, addr, total_len, info, NULL, 0);
}
#endif

/* Looks for a footer on every 16-byte boundary of the region, lowest first:
 * the slot writer erases only the sectors it writes, so an older, longer
 * image may leave its footer further up; the newest image ends lowest.
 * Returns 0 (found and verified), 1 (no footer that decodes in place) or
 * the verification error of the first footer that decoded in place. */
static int probe_footer(const struct abota_flash *f, uint32_t addr, uint32_t region_size,
                        struct abota_image_info *info)
{
    uint8_t chunk[ABOTA_VERIFY_CHUNK];
    uint8_t raw[ABOTA_FOOTER_SIZE];
    /* A candidate footer is decoded into info->footer, not a copy on this
     * frame: verify_flash below starts by clearing info anyway. */
    struct abota_footer *ft = &info->footer;
    int first_err = 1;

    if (region_size < ABOTA_FOOTER_SIZE + ABOTA_FOOTER_ALIGN)
        return 1;
    /* The last offset a footer can start at. */
    uint32_t last = (region_size - ABOTA_FOOTER_SIZE) & ~(ABOTA_FOOTER_ALIGN - 1u);
    for (uint32_t base = ABOTA_FOOTER_ALIGN; base <= last; base += sizeof chunk) {
        uint32_t left = last - base + 4u;
        uint32_t k = left < sizeof chunk ? left : (uint32_t)sizeof chunk;
        int err = abota_flash_read(f, addr + base, chunk, k);
        if (err < 0)
            return err;
        for (uint32_t i = 0; i + 4u <= k; i += ABOTA_FOOTER_ALIGN) {
            uint32_t off = base + i;
            if (le32_get(chunk + i) != ABOTA_FOOTER_MAGIC)
                continue; /* the cheap reject */
            err = abota_flash_read(f, addr + off, raw, sizeof raw);
            if (err < 0)
                return err;
            if (abota_footer_decode(raw, ft) < 0 ||
                abota_image_footer_offset(ft->payload_len) != off)
                continue; /* payload bytes that happen to look like a footer */
            err = abota_image_verify_flash(f, addr, off + ABOTA_FOOTER_SIZE, info);
            if (err == 0)
                return 0;
            if (first_err == 1)
                first_err = err;
        }
        if (sizeof chunk > last - base)
            break; /* base + chunk would pass last (and might wrap) */
    }
    return first_err;
}

/* The flash port's own range, -20..-39 (error.h). */
static int is_flash_error(int err)
{
    return err <= ABOTA_ERR_FLASH_READ && err > ABOTA_ERR_FLASH_READ - 20;
}

int abota_image_probe_flash(const struct abota_flash *f, uint32_t addr, uint32_t region_size,
                            struct abota_image_info *info)
{
    int err, footer_err;

    if (!f || !info)
        return ABOTA_ERR_ARG;
    if (region_size > f->size || addr > f->size - region_size)
        return ABOTA_ERR_FLASH_BOUNDS;
    footer_err = probe_footer(f, addr, region_size, info);
    if (footer_err == 0)
        return 0;
    if (is_flash_error(footer_err))
        return footer_err; /* the flash failed: do not guess further */

    /* No abota image verifies: an Espressif bin flashed as is (esptool,
     * SDK). Tried even after a footer failed, because a plain bin flashed
     * over a longer abota image leaves that image's stale footer behind. */
    memset(info, 0, sizeof *info);
    err = abota_esp_verify_flash(f, addr, region_size, &info->esp);
    if (err < 0) {
        if (footer_err < 0)
            return footer_err;
        return err == ABOTA_ERR_ESP_MAGIC ? ABOTA_ERR_IMG_UNKNOWN : err;
    }
    info->kind = ABOTA_IMAGE_ESP;
    info->has_esp = true;
    info->total_len = info->esp.end;
    return 0;
}

int abota_image_verify_buf(const uint8_t *buf, size_t len, struct abota_image_info *info)
{
    struct abota_bufflash b;
    int err;

    if (!info)
        return ABOTA_ERR_ARG;
    memset(info, 0, sizeof *info);
    err = abota_bufflash_init(&b, buf, len);
    if (err < 0)
        return err;
    /* An abota image ends with the footer; anything else must be an
     * Espressif bin on its own. */
    if (len >= ABOTA_FOOTER_SIZE && le32_get(buf + len - ABOTA_FOOTER_SIZE) == ABOTA_FOOTER_MAGIC)
        return abota_image_verify_flash(&b.port, 0, (uint32_t)len, info);
    err = abota_esp_verify_flash(&b.port, 0, (uint32_t)len, &info->esp);
    if (err < 0)
        return err == ABOTA_ERR_ESP_MAGIC ? ABOTA_ERR_IMG_UNKNOWN : err;
    info->kind = ABOTA_IMAGE_ESP;
    info->has_esp = true;
    info->total_len = info->esp.end;
    return 0;
}
