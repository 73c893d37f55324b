#include "abota/flash.h"

#include "abota/error.h"

/* True when [addr, addr+len) lies inside the device; written by subtraction
 * so that a huge len cannot wrap around. */
static int in_bounds(const struct abota_flash *f, uint32_t addr, size_t len)
{
    return addr <= f->size && len <= (size_t)(f->size - addr);
}

/* Sizes are powers of two (flash.h): alignment is then a mask test. */
static int pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1u)) == 0;
}

int abota_flash_read(const struct abota_flash *f, uint32_t addr, void *buf, size_t len)
{
    if (!f || !f->read || (!buf && len))
        return ABOTA_ERR_ARG;
    if (!in_bounds(f, addr, len))
        return ABOTA_ERR_FLASH_BOUNDS;
    if (len == 0)
        return 0;
    return f->read(f->ctx, addr, buf, len);
}

int abota_flash_write(const struct abota_flash *f, uint32_t addr, const void *buf, size_t len)
{
    if (!f || !f->write || (!buf && len) || !pow2(f->write_align))
        return ABOTA_ERR_ARG;
    if (!in_bounds(f, addr, len))
        return ABOTA_ERR_FLASH_BOUNDS;
    if (((addr | len) & (f->write_align - 1u)) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    if (len == 0)
        return 0;
    return f->write(f->ctx, addr, buf, len);
}

int abota_flash_erase(const struct abota_flash *f, uint32_t addr)
{
    if (!f || !f->erase || !pow2(f->sector_size))
        return ABOTA_ERR_ARG;
    if (!in_bounds(f, addr, f->sector_size))
        return ABOTA_ERR_FLASH_BOUNDS;
    if ((addr & (f->sector_size - 1u)) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    return f->erase(f->ctx, addr);
}
