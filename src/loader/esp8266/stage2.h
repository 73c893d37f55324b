/* Stage 2 of the loader: runs from 0x4010F000 (IRAM the cache would use,
 * free while the cache is off), so it can load the application's segments
 * over the loader's own .text. */
#ifndef ABOTA_LOADER_STAGE2_H
#define ABOTA_LOADER_STAGE2_H

#include <stdint.h>

/* Where the linker put stage 2's bytes (LMA) and where it runs (VMA). */
extern uint32_t _stage2_lma[], _stage2_vma[], _stage2_vma_end[];

/* Loads the Espressif image at flash address image (0xEA "new" user bin or
 * plain 0xE9), maps the 1 MB flash window holding it at 0x40200000, and
 * starts its entry. Returns only when the image is malformed. */
void abota_loader_stage2(uint32_t image);

#endif
