#include "ramflash.h"

#include <string.h>

#include "abota/error.h"

static int rf_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct ramflash *rf = ctx;
    if (addr > rf->size || len > rf->size - addr)
        return ABOTA_ERR_FLASH_BOUNDS;
    memcpy(buf, rf->mem + addr, len);
    rf->reads++;
    return 0;
}

static int touches_lock(const struct ramflash *rf, uint32_t addr, size_t len)
{
    return rf->lock_hi > rf->lock_lo && addr < rf->lock_hi && addr + len > rf->lock_lo;
}

static int rf_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct ramflash *rf = ctx;
    const uint8_t *src = buf;
    if (addr > rf->size || len > rf->size - addr)
        return ABOTA_ERR_FLASH_BOUNDS;
    if (addr % rf->port.write_align || len % rf->port.write_align)
        return ABOTA_ERR_FLASH_ALIGN;
    if (touches_lock(rf, addr, len)) {
        rf->lock_violations++;
        return ABOTA_ERR_FLASH_WRITE;
    }
    for (size_t i = 0; i < len; i++)
        if ((src[i] & ~rf->mem[addr + i]) != 0)
            return ABOTA_ERR_FLASH_NOT_ERASED;
    for (size_t i = 0; i < len; i++)
        rf->mem[addr + i] &= src[i];
    rf->writes++;
    rf->last_write_addr = addr;
    rf->last_write_len = (uint32_t)len;
    return 0;
}

static int rf_erase(void *ctx, uint32_t addr)
{
    struct ramflash *rf = ctx;
    uint32_t ss = rf->port.sector_size;
    if (addr % ss)
        return ABOTA_ERR_FLASH_ALIGN;
    if (addr > rf->size || ss > rf->size - addr)
        return ABOTA_ERR_FLASH_BOUNDS;
    if (touches_lock(rf, addr, ss)) {
        rf->lock_violations++;
        return ABOTA_ERR_FLASH_ERASE;
    }
    memset(rf->mem + addr, 0xFF, ss);
    rf->erases++;
    return 0;
}

void ramflash_init(struct ramflash *rf, uint8_t *mem, uint32_t size, uint32_t sector_size,
                   uint32_t write_align)
{
    memset(rf, 0, sizeof *rf);
    memset(mem, 0xFF, size);
    rf->mem = mem;
    rf->size = size;
    rf->port.ctx = rf;
    rf->port.read = rf_read;
    rf->port.write = rf_write;
    rf->port.erase = rf_erase;
    rf->port.size = size;
    rf->port.sector_size = sector_size;
    rf->port.write_align = write_align;
}

void ramflash_init_layout(struct ramflash *rf, uint8_t *mem, const struct abota_layout *l)
{
    ramflash_init(rf, mem, l->flash_size, l->sector_size, l->write_align);
}
