/* The loader's boot choice with CRC-32 verification (ABOTA_LOADER_VERIFY_CRC32).
 *
 * The core's policy (abota_boot_candidates/abota_boot_settle, boot.h), as
 * abota_boot_choose() applies it, but a slot is verified only by the CRC-32 and length the boot record holds
 * for it (abota_slot_crc32() over the whole image, footer included) plus the
 * Espressif header magic, not by the footer's SHA-256 and the Espressif XOR
 * and trailer checks: that is what fits the 4 KiB sector at 0x0
 * (docs/FOOTPRINT.md has the numbers).
 *
 *   record in trial, attempts left  -> attempts - 1, TESTING, boot it
 *   record in trial, none left      -> ROLLBACK to the other slot; if that
 *                                      does not verify, NO_ROLLBACK: the
 *                                      trial image keeps booting, in trial
 *   active slot does not verify     -> FALLBACK to the other slot if it does
 *   no valid record                 -> the first slot with a valid header;
 *                                      nothing is written (the firmware's
 *                                      abota_boot_confirm writes the first
 *                                      record, with its verified image)
 * While a record exists, an entry of length 0 is never accepted: the
 * updater zeroes the target's entry before it erases anything there.
 * Unlike boot.c there is no second pass that probes a slot whose record
 * does not match (a record update lost to a power cut): the loader cannot
 * verify an image without its record's CRC, and a header alone is no proof. */
#ifndef ABOTA_LOADER_CHOOSE_H
#define ABOTA_LOADER_CHOOSE_H

#include <stdint.h>

#include "abota/boot.h"
#include "abota/flash.h"
#include "abota/layout.h"

/* Chooses, persists the record change, and gives the slot to start and its
 * flash address. Returns 0, ABOTA_ERR_BOOT_NOTHING, or a flash error from
 * writing the record (the choice is then still usable: *slot is set). */
int abota_loader_choose(const struct abota_flash *f, const struct abota_layout *l, int *slot,
                        enum abota_boot_reason *reason);

#endif
