#include "abota/flash.h"

#include "abota/error.h"

/* True when [addr, addr+len) lies inside the device; written by subtraction
 * so that a huge len cannot wrap around. */
static int in_bounds(const struct abota_flash *f, uint32_t addr, size_t len)
{
    return addr <= f->size && len <= (size_t)(f->size - addr);
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
    if (!f || !f->write || (!buf && len) || f->write_align == 0)
        return ABOTA_ERR_ARG;
    if (!in_bounds(f, addr, len))
        return ABOTA_ERR_FLASH_BOUNDS;
    if ((addr % f->write_align) != 0 || (len % f->write_align) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    if (len == 0)
        return 0;
    return f->write(f->ctx, addr, buf, len);
}

int abota_flash_erase(const struct abota_flash *f, uint32_t addr)
{
    if (!f || !f->erase || f->sector_size == 0)
        return ABOTA_ERR_ARG;
    if (!in_bounds(f, addr, f->sector_size))
        return ABOTA_ERR_FLASH_BOUNDS;
    if ((addr % f->sector_size) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    return f->erase(f->ctx, addr);
}
