/* A flash port over the ROM's SPIRead/SPIWrite/SPIEraseSector, for the boot
 * choice. The ROM wants 4-byte aligned addresses, lengths and buffers; the
 * core's buffers (stack arrays of bytes) need not be, so every access goes
 * through a word buffer on the stack, a word-aligned piece at a time. */
#include "rom_flash.h"

#include <string.h>

#include "abota/error.h"
#include "rom.h"

#define WORDS 16u
#define BYTES (4u * WORDS)

static int rom_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    (void)ctx;
    uint32_t w[WORDS];
    uint8_t *out = buf;
    while (len > 0) {
        uint32_t lead = addr & 3u;
        size_t take = BYTES - lead;
        if (take > len)
            take = len;
        if (SPIRead(addr - lead, w, (lead + (uint32_t)take + 3u) & ~3u) != 0)
            return ABOTA_ERR_FLASH_READ;
        memcpy(out, (const uint8_t *)w + lead, take);
        out += take;
        addr += (uint32_t)take;
        len -= take;
    }
    return 0;
}

static int rom_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    (void)ctx;
    uint32_t w[WORDS];
    const uint8_t *in = buf;
    while (len > 0) { /* addr and len are multiples of 4 (write_align) */
        size_t take = len < BYTES ? len : BYTES;
        memcpy(w, in, take);
        if (SPIWrite(addr, w, (uint32_t)take) != 0)
            return ABOTA_ERR_FLASH_WRITE;
        in += take;
        addr += (uint32_t)take;
        len -= take;
    }
    return 0;
}

static int rom_erase(void *ctx, uint32_t addr)
{
    (void)ctx;
    return SPIEraseSector(addr / 0x1000u) == 0 ? 0 : ABOTA_ERR_FLASH_ERASE;
}

void abota_loader_rom_flash(struct abota_flash *f, uint32_t size)
{
    f->ctx = NULL;
    f->read = rom_read;
    f->write = rom_write;
    f->erase = rom_erase;
    f->size = size;
    f->sector_size = 0x1000u;
    f->write_align = 4u;
}
