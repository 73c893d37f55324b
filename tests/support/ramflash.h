/* A NOR flash in RAM for the core's unit tests (portable: runs on the
 * target CPUs too). Erased bytes are 0xFF, writes only clear bits (a write
 * that would set a bit fails), erases work on whole sectors, misaligned
 * requests fail, and every operation is counted. */
#ifndef ABOTA_TEST_RAMFLASH_H
#define ABOTA_TEST_RAMFLASH_H

#include <stddef.h>
#include <stdint.h>

#include "abota/flash.h"
#include "abota/layout.h"

struct ramflash {
    uint8_t *mem;
    uint32_t size;
    unsigned reads, writes, erases;
    uint32_t last_write_addr, last_write_len;
    /* Optional guard: any write or erase touching [lock_lo, lock_hi) fails
     * the test run (used to prove the running slot is never touched). */
    uint32_t lock_lo, lock_hi;
    unsigned lock_violations;
    struct abota_flash port;
};

/* mem must hold size bytes; it is set to 0xFF. */
void ramflash_init(struct ramflash *rf, uint8_t *mem, uint32_t size, uint32_t sector_size,
                   uint32_t write_align);

/* Same geometry as a layout. */
void ramflash_init_layout(struct ramflash *rf, uint8_t *mem, const struct abota_layout *l);

#endif
