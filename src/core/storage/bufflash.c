#include "bufflash.h"

#include <string.h>

#include "abota/error.h"

static int bufflash_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    const struct abota_bufflash *b = ctx;
    /* abota_flash_read has checked the bounds against port.size. */
    memcpy(buf, b->buf + addr, len);
    return 0;
}

int abota_bufflash_init(struct abota_bufflash *b, const uint8_t *buf, size_t len)
{
    memset(b, 0, sizeof *b);
    if (!buf && len)
        return ABOTA_ERR_ARG;
    if (len != (uint32_t)len)
        return ABOTA_ERR_ARG; /* the flash API is 32-bit */
    b->buf = buf;
    b->port.ctx = b;
    b->port.read = bufflash_read;
    b->port.size = (uint32_t)len;
    b->port.sector_size = 1;
    b->port.write_align = 1;
    return 0;
}
