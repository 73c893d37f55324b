/* Slot writer: streams an image into the inactive slot.
 *
 * begin(slot, length) / write(bytes)... / finish(). Each sector is erased
 * just before its first write (never the whole slot up front), writes are
 * buffered to the flash's write alignment, nothing is written outside the
 * target slot and the running slot is refused. A running CRC-32 and SHA-256
 * cover what was accepted; finish() re-reads the slot from flash and checks
 * those and the image's footer (or Espressif trailer) against what is really
 * stored. */
#ifndef ABOTA_SLOT_H
#define ABOTA_SLOT_H

#include <stdint.h>

#include "abota/config.h"
#include "abota/flash.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/sha256.h"

struct abota_slot_writer {
    /* all private: set by abota_slot_begin */
    const struct abota_flash *flash_;
    int slot_;
    uint32_t base_;      /* slot start address */
    uint32_t size_;      /* slot size */
    uint32_t declared_;  /* expected image length, 0 when not known (chunked) */
    uint32_t accepted_;  /* bytes taken by abota_slot_write */
    uint32_t erased_;    /* bytes from base_ whose sectors are erased */
    uint32_t crc_;
    struct abota_sha256 sha_;
    uint8_t pend_[ABOTA_WRITE_ALIGN_MAX];
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
 * and verifies the image. info (may be NULL) receives what was found.
 * Errors: ABOTA_ERR_SLOT_SHORT, ABOTA_ERR_IMG_*, ABOTA_ERR_ESP_*, flash errors. */
int abota_slot_finish(struct abota_slot_writer *w, struct abota_image_info *info);

/* Bytes accepted so far; CRC-32 of them. */
uint32_t abota_slot_written(const struct abota_slot_writer *w);
uint32_t abota_slot_crc32(const struct abota_slot_writer *w);

#endif
