/* The flash port: the only way the core touches flash.
 *
 * Addresses are absolute byte addresses on the chip. The port may require
 * that addresses and lengths of writes are multiples of write_align, and
 * that erase addresses are multiples of sector_size; the core always honours
 * both. Erased bytes read as 0xFF; a write can only turn 1 bits into 0. */
#ifndef ABOTA_FLASH_H
#define ABOTA_FLASH_H

#include <stddef.h>
#include <stdint.h>

struct abota_flash {
    void *ctx; /* the port's own state, passed back to each call */
    /* Each returns 0 or a negative ABOTA_ERR_FLASH_* code. */
    int (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    int (*write)(void *ctx, uint32_t addr, const void *buf, size_t len);
    int (*erase)(void *ctx, uint32_t addr); /* the one sector at addr */
    uint32_t size;        /* bytes */
    uint32_t sector_size; /* erase unit, a power of two */
    uint32_t write_align; /* write unit, a power of two, <= ABOTA_WRITE_ALIGN_MAX */
};

/* Thin checked wrappers: they refuse out-of-range or misaligned requests
 * before calling the port, so a core bug cannot reach the hardware. */
int abota_flash_read(const struct abota_flash *f, uint32_t addr, void *buf, size_t len);
int abota_flash_write(const struct abota_flash *f, uint32_t addr, const void *buf, size_t len);
int abota_flash_erase(const struct abota_flash *f, uint32_t addr);

#endif
