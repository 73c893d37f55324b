/* The parts of a first ESP8266 flash that are not user1 (abota flash
 * --boot, --init-data): what esptool writes beside the user bin.
 *
 * The boot image goes to 0x0 (abota's loader or Espressif's boot_v1.x); like
 * `esptool write_flash --flash_size`, the size map of the layout goes into
 * the high nibble of its header's byte 3 (the SDK reads the map there,
 * system_get_flash_size_map). The byte is outside the XOR checksum. The PHY
 * init data goes 0x4000 below the end of the chip; the RF calibration sector
 * before it and the SDK's three parameter sectors after it stay erased, as
 * `blank.bin` leaves them (fixtures README, "Flash layout per size map"). */
#include <string.h>

#include "abota/error.h"
#include "abota/image.h"
#include "flash_esp8266.h"

#define SECTOR 0x1000u
#define INIT_DATA_FROM_END 0x4000u

int flash_esp8266_size_map(const struct abota_layout *l)
{
    /* The SDK's maps with two OTA slots that abota's layouts use. */
    if (l->flash_size == 0x200000u && l->slot[1].offset == 0x101000u)
        return 5; /* 2 MB, 1024+1024 */
    if (l->flash_size == 0x100000u && l->slot[1].offset == 0x81000u)
        return 2; /* 1 MB, 512+512 */
    return ABOTA_ERR_LAYOUT_UNKNOWN;
}

uint32_t flash_esp8266_init_data_addr(const struct abota_layout *l)
{
    return l->flash_size - INIT_DATA_FROM_END;
}

/* Writes len bytes at addr of an erased flash, the last unit padded with
 * 0xFF (the erased value) to the write alignment. */
static int write_padded(const struct abota_flash *f, uint32_t addr, const uint8_t *buf,
                        size_t len)
{
    size_t whole = len - len % f->write_align;
    int rc = whole ? abota_flash_write(f, addr, buf, whole) : 0;
    if (rc < 0 || whole == len)
        return rc;
    uint8_t last[ABOTA_WRITE_ALIGN_MAX];
    memset(last, 0xFF, sizeof last);
    memcpy(last, buf + whole, len - whole);
    return abota_flash_write(f, addr + (uint32_t)whole, last, f->write_align);
}

int flash_esp8266_boot(const struct abota_flash *f, const struct abota_layout *l,
                       const uint8_t *img, size_t len, struct abota_esp_info *info)
{
    int map = flash_esp8266_size_map(l);
    if (map < 0)
        return map;
    /* A plain 0xE9 image that fits sector 0, below user1. */
    if (len > SECTOR || len > l->slot[0].offset || len < 8 || img[0] != 0xE9)
        return ABOTA_ERR_IMG_UNKNOWN;
    int rc = abota_esp_verify_buf(img, len, info);
    if (rc < 0)
        return rc;
    uint8_t head[8];
    memcpy(head, img, sizeof head);
    head[3] = (uint8_t)((unsigned)map << 4 | (head[3] & 0x0Fu));
    rc = abota_flash_write(f, 0, head, sizeof head);
    if (rc < 0)
        return rc;
    return write_padded(f, sizeof head, img + sizeof head, len - sizeof head);
}

int flash_esp8266_init_data(const struct abota_flash *f, const struct abota_layout *l,
                            const uint8_t *data, size_t len)
{
    if (flash_esp8266_size_map(l) < 0)
        return ABOTA_ERR_LAYOUT_UNKNOWN;
    if (len == 0 || len > SECTOR)
        return ABOTA_ERR_ARG;
    return write_padded(f, flash_esp8266_init_data_addr(l), data, len);
}
