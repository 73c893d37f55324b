/* Slot writer: streams an image into the inactive slot.
 *
 * begin(slot, length) / write(bytes)... / finish(). Each sector is erased
 * just before its first write (never the whole slot up front), writes are
 * buffered to the flash's write alignment, nothing is written outside the
 * target slot and the running slot is refused. A running CRC-32 covers what
 * was accepted, a running SHA-256 the part of it that is surely payload
 * (with a known length: all but the last 271 bytes); finish() re-reads the
 * slot from flash, checks the image's footer (or Espressif trailer) and the
 * CRC-32 against what is really stored, and the footer's SHA-256 against
 * the streamed one, so the payload is hashed once (slot.c, verify). */
#ifndef ABOTA_SLOT_H
#define ABOTA_SLOT_H

#include <stdint.h>

#include "abota/config.h"
#include "abota/flash.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/sha256.h"

struct abota_slot_writer {
    /* all private: set by abota_slot_begin / abota_slot_resume */
    const struct abota_flash *flash_;
    int slot_;
    uint32_t base_;      /* slot start address */
    uint32_t size_;      /* slot size */
    uint32_t declared_;  /* expected image length, 0 when not known (chunked) */
    uint32_t accepted_;  /* bytes taken by abota_slot_write */
    uint32_t written_;   /* bytes of those on flash: accepted_ - pend_len_ */
    uint32_t erased_;    /* bytes from base_ whose sectors are erased */
    uint32_t crc_;
#if ABOTA_FEATURE_SHA256
    struct abota_sha256 sha_;
#endif
    union {
        uint32_t align_; /* word-aligned: programmed from here as it is */
        uint8_t b[ABOTA_WRITE_ALIGN_MAX];
    } pend_;             /* the partial write unit */
    uint8_t pend_len_;
    uint8_t state_;
};

/* Prepares to write an image of length bytes (0: not known yet) into slot
 * (1 or 2). running_slot is the slot the device runs from, refused as target.
 * Errors: ABOTA_ERR_SLOT_INVALID, ABOTA_ERR_SLOT_RUNNING, ABOTA_ERR_SLOT_TOO_BIG. */
int abota_slot_begin(struct abota_slot_writer *w, const struct abota_flash *f,
                     const struct abota_layout *l, int slot, int running_slot, uint32_t length);

/* Takes the next len bytes. Returns 0 or an error; ABOTA_ERR_SLOT_OVERFLOW
 * when the bytes would pass the declared length or the slot's end. */
int abota_slot_write(struct abota_slot_writer *w, const void *data, size_t len);

/* Flushes the last partial write unit (padded with 0xFF), re-reads the slot
 * and verifies the image: an abota image (the bytes end in an abota footer)
 * with abota_image_verify_flash, else a plain Espressif user bin with
 * abota_esp_verify_flash, which must end exactly at the last byte; the
 * footer's target slot (or the user bin number of a v2 bin) must be this
 * slot; the CRC-32 of the slot's bytes on flash must equal the CRC-32 of the
 * bytes streamed in; an abota image's SHA-256 is the streamed payload's,
 * completed from flash (abota_image_verify_flash_streamed). info receives
 * what was found; it is required: NULL is ABOTA_ERR_ARG (after the
 * ABOTA_ERR_STATE and ABOTA_ERR_SLOT_SHORT checks).
 * With ABOTA_ERR_ARG or ABOTA_ERR_SLOT_SHORT nothing was flushed and the
 * call may be made again (after more bytes for SHORT); after any other
 * result the writer is done.
 * Errors: ABOTA_ERR_ARG, ABOTA_ERR_STATE, ABOTA_ERR_SLOT_SHORT,
 * ABOTA_ERR_SLOT_CRC, ABOTA_ERR_SLOT_TRAILING, ABOTA_ERR_IMG_*,
 * ABOTA_ERR_ESP_*, flash errors. */
int abota_slot_finish(struct abota_slot_writer *w, struct abota_image_info *info);

/* Bytes accepted so far; CRC-32 of them (0 for a NULL writer). Inline:
 * the update engine asks after every body span. */
static inline uint32_t abota_slot_written(const struct abota_slot_writer *w)
{
    return w ? w->accepted_ : 0;
}

static inline uint32_t abota_slot_crc32(const struct abota_slot_writer *w)
{
    return w ? w->crc_ : 0;
}

/* Verifies the image of length bytes at the start of slot, as it is on
 * flash: an abota image when the bytes end in an abota footer, else a plain
 * Espressif user bin ending exactly at length; length 0 (not known) probes
 * the slot (abota_image_probe_flash). The image must be built for this slot
 * (footer target slot, or a v2 bin's user bin number). info gets what was
 * found (for a plain bin, info->crc32 is the CRC-32 of the whole bin);
 * crc_all (may be NULL) the CRC-32 of all info->total_len bytes, the value
 * the boot record keeps. Used by abota_slot_finish and the boot choice. */
int abota_slot_verify(const struct abota_flash *f, const struct abota_layout *l, int slot,
                      uint32_t length, struct abota_image_info *info, uint32_t *crc_all);

/* Like abota_slot_begin, but continues an interrupted write at offset: the
 * first offset bytes are already in the slot (from an earlier writer that
 * was cut off, e.g. by a dropped connection or a reboot). They are re-read
 * from flash to rebuild the CRC-32 and the streamed SHA-256, and the next
 * write lands at offset. offset must be a multiple of the write alignment and not past the
 * declared length or the slot (ABOTA_ERR_SLOT_RESUME). The sectors up to
 * offset count as erased; the rest of offset's own sector must still read
 * as erased (else ABOTA_ERR_FLASH_NOT_ERASED: resume from that sector's
 * start instead). Bytes a previous writer held in its partial write unit
 * were never written: resume at abota_slot_written() rounded down to the
 * write alignment. Only with ABOTA_FEATURE_RESUME (config.h). */
#if ABOTA_FEATURE_RESUME
int abota_slot_resume(struct abota_slot_writer *w, const struct abota_flash *f,
                      const struct abota_layout *l, int slot, int running_slot, uint32_t length,
                      uint32_t offset);
#endif

#endif
