/* A read-only struct abota_flash over a RAM buffer, so that the *_buf
 * verifiers share one implementation with the *_flash ones. Internal. */
#ifndef ABOTA_CORE_BUFFLASH_H
#define ABOTA_CORE_BUFFLASH_H

#include <stddef.h>
#include <stdint.h>

#include "abota/flash.h"

struct abota_bufflash {
    const uint8_t *buf;
    struct abota_flash port; /* read only: write and erase are NULL */
};

/* Returns 0, or ABOTA_ERR_ARG when len does not fit the 32-bit flash size. */
int abota_bufflash_init(struct abota_bufflash *b, const uint8_t *buf, size_t len);

#endif
