/* The simulated bootloader: the core's boot choice (or the ESP8266 loader's,
 * sim_loader.c) on the flash file, then the chosen slot's firmware copied
 * into an anonymous executable file.
 *
 * Copying from flash (not from the file that was packed) means the process
 * that runs is byte for byte what the boot choice just verified. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/flash.h"
#include "abota/image.h"
#include "sim.h"

const char *sim_boot_reason(enum abota_boot_reason r)
{
    switch (r) {
    case ABOTA_BOOT_NORMAL: return "normal";
    case ABOTA_BOOT_TRIAL: return "trial";
    case ABOTA_BOOT_ROLLBACK: return "rollback";
    case ABOTA_BOOT_FALLBACK: return "fallback";
    case ABOTA_BOOT_NO_RECORD: return "no boot record";
    case ABOTA_BOOT_NO_ROLLBACK: return "trial, no rollback possible";
    }
    return "?";
}

/* Copies len bytes of flash from addr into fd. */
static int copy_out(const struct abota_flash *f, uint32_t addr, uint32_t len, int fd)
{
    uint8_t buf[4096];
    uint32_t done = 0;
    while (done < len) {
        uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
        int rc = abota_flash_read(f, addr + done, buf, n);
        if (rc < 0)
            return rc;
        for (uint32_t w = 0; w < n;) {
            ssize_t k = write(fd, buf + w, n - w);
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                return ABOTA_ERR_IO;
            }
            w += (uint32_t)k;
        }
        done += n;
    }
    return 0;
}

/* Where the firmware to run lies in the chosen slot: the one segment of a
 * 0xE9 image at the slot's start (what stage 2 loads on the chip), else the
 * payload of an abota image. */
static int firmware_span(const struct abota_flash *f, const struct abota_region *r,
                         const struct abota_image_info *img, uint32_t *addr, uint32_t *len)
{
    bool abota = img->kind == ABOTA_IMAGE_ABOTA;
    if (abota && img->footer.payload_len > r->size)
        return ABOTA_ERR_SLOT_INVALID;
    uint8_t magic;
    int rc = abota_flash_read(f, r->offset, &magic, 1);
    if (rc < 0)
        return rc;
    if (magic == 0xE9) {
        struct abota_esp_info esp;
        rc = abota_esp_verify_flash(f, r->offset, abota ? img->footer.payload_len : r->size,
                                    &esp);
        if (rc < 0)
            return rc;
        if (esp.nsegments != 1)
            return ABOTA_ERR_UNSUPPORTED;
        *addr = r->offset + esp.seg[0].file_offset;
        *len = esp.seg[0].len;
        return 0;
    }
    /* A bare Espressif bin is for the chip, not for this simulator. */
    if (!abota)
        return ABOTA_ERR_UNSUPPORTED;
    *addr = r->offset;
    *len = img->footer.payload_len;
    return 0;
}

/* The core's choice (with key: secure boot) and the record write it
 * implies. */
static int choose_full(const struct abota_flash *f, const struct abota_layout *l,
                       const uint8_t *key, struct abota_boot_decision *d)
{
    int rc = key ? abota_boot_choose_signed(f, l, key, d) : abota_boot_choose(f, l, d);
    if (rc < 0)
        return rc;
    /* A record that cannot be written does not stop this boot: the same
     * choice is made again at the next one. */
    rc = abota_boot_apply(f, l, d);
    if (rc < 0)
        fprintf(stderr, "bootloader: cannot write the boot record: %s\n", abota_strerror(rc));
    return 0;
}

int sim_boot(const struct abota_flash *f, const struct abota_layout *l, enum sim_loader loader,
             const uint8_t *key, struct abota_boot_decision *d, int *exe_fd)
{
    *exe_fd = -1;
    int rc = loader == SIM_LOADER_CRC32
                 ? sim_loader_crc32(f, l, d)
                 : choose_full(f, l, loader == SIM_LOADER_SIGNED ? key : NULL, d);
    if (rc < 0)
        return rc;
    const struct abota_region *r = abota_layout_slot(l, d->slot);
    if (!r)
        return ABOTA_ERR_SLOT_INVALID;
    uint32_t addr, len;
    rc = firmware_span(f, r, &d->image, &addr, &len);
    if (rc < 0)
        return rc;

    char name[16];
    snprintf(name, sizeof name, "user%d", d->slot);
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return ABOTA_ERR_IO;
    rc = copy_out(f, addr, len, fd);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    *exe_fd = fd;
    return 0;
}
