/* ESP8266 flash port over the SDK's spi_flash_* calls.
 *
 * The SDK takes a flash byte address, a uint32 * RAM buffer and a byte count,
 * and in practice needs all three 4-byte aligned, with the buffer in RAM
 * (docs/PORTING.md). Aligned requests from RAM go straight through; anything
 * else goes through the word-aligned bounce buffer in the struct:
 *   read:  read the aligned words covering the range, copy out the part asked;
 *   write: the core only writes aligned ranges (write_align 4), so only the
 *          buffer can be unaligned or in flash: copy it in, write from there. */
#include <string.h>

#include "abota/error.h"
#include "abota/port_esp8266.h"
#include "sdk/esp8266_sdk.h"

#define BOUNCE_BYTES (4u * ABOTA_ESP8266_BOUNCE_WORDS)

/* The flash-mapped irom0 window (constant data placed in flash) only allows
 * aligned 32-bit loads, which the SDK's copy from a caller's buffer would
 * not honour: such buffers go through the bounce buffer too. */
#define FLASH_MAP_START 0x40200000u
#define FLASH_MAP_END 0x40300000u

static int direct_ok(const void *buf, uint32_t addr, size_t len)
{
    uintptr_t b = (uintptr_t)buf;
    return ((b | addr | len) & 3u) == 0 && (b < FLASH_MAP_START || b >= FLASH_MAP_END);
}

static int sdk_result(struct abota_esp8266_flash *f, SpiFlashOpResult r, int err)
{
    if (r == SPI_FLASH_RESULT_OK)
        return 0;
    f->last_sdk_result = (int)r;
    return err;
}

static int esp_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct abota_esp8266_flash *f = ctx;
    if (direct_ok(buf, addr, len))
        return sdk_result(f, spi_flash_read(addr, (uint32 *)buf, (uint32)len),
                          ABOTA_ERR_FLASH_READ);
    f->bounce_uses++;
    uint8_t *out = buf;
    while (len > 0) {
        uint32_t lead = addr & 3u;            /* bytes before addr in its word */
        uint32_t base = addr - lead;
        size_t take = BOUNCE_BYTES - lead;    /* what one bounce read can deliver */
        if (take > len)
            take = len;
        uint32_t span = (lead + (uint32_t)take + 3u) & ~3u; /* whole words */
        int r = sdk_result(f, spi_flash_read(base, (uint32 *)(void *)f->_bounce, span),
                           ABOTA_ERR_FLASH_READ);
        if (r < 0)
            return r;
        memcpy(out, (const uint8_t *)f->_bounce + lead, take);
        out += take;
        addr += (uint32_t)take;
        len -= take;
    }
    return 0;
}

static int esp_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct abota_esp8266_flash *f = ctx;
    /* abota_flash_write() has checked addr and len against write_align (4). */
    if ((addr | len) & 3u)
        return ABOTA_ERR_FLASH_ALIGN;
    if (direct_ok(buf, addr, len))
        return sdk_result(f, spi_flash_write(addr, (uint32 *)(uintptr_t)buf, (uint32)len),
                          ABOTA_ERR_FLASH_WRITE);
    f->bounce_uses++;
    const uint8_t *in = buf;
    while (len > 0) {
        size_t take = len < BOUNCE_BYTES ? len : BOUNCE_BYTES;
        memcpy(f->_bounce, in, take);
        int r = sdk_result(f, spi_flash_write(addr, (uint32 *)(void *)f->_bounce, (uint32)take),
                           ABOTA_ERR_FLASH_WRITE);
        if (r < 0)
            return r;
        in += take;
        addr += (uint32_t)take;
        len -= take;
    }
    return 0;
}

static int esp_erase(void *ctx, uint32_t addr)
{
    struct abota_esp8266_flash *f = ctx;
    if (addr % SPI_FLASH_SEC_SIZE)
        return ABOTA_ERR_FLASH_ALIGN;
    uint32_t sector = addr / SPI_FLASH_SEC_SIZE;
    if (sector > 0xFFFFu) /* the SDK takes a uint16 sector index */
        return ABOTA_ERR_FLASH_BOUNDS;
    return sdk_result(f, spi_flash_erase_sector((uint16)sector), ABOTA_ERR_FLASH_ERASE);
}

int abota_esp8266_flash_init(struct abota_esp8266_flash *f, uint32_t flash_size)
{
    if (!f || flash_size == 0 || flash_size % SPI_FLASH_SEC_SIZE)
        return ABOTA_ERR_ARG;
    memset(f, 0, sizeof *f);
    f->port.ctx = f;
    f->port.read = esp_read;
    f->port.write = esp_write;
    f->port.erase = esp_erase;
    f->port.size = flash_size;
    f->port.sector_size = SPI_FLASH_SEC_SIZE;
    f->port.write_align = 4;
    return 0;
}
