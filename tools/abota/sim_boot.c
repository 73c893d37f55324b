/* The simulated bootloader: the core's boot choice on the flash file, then
 * the chosen slot's payload copied into an anonymous executable file.
 *
 * Copying from flash (not from the file that was packed) means the process
 * that runs is byte for byte what the boot choice just verified. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/flash.h"
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

int sim_boot(const struct abota_flash *f, const struct abota_layout *l,
             struct abota_boot_decision *d, int *exe_fd)
{
    *exe_fd = -1;
    int rc = abota_boot_choose(f, l, d);
    if (rc < 0)
        return rc;
    /* A record that cannot be written does not stop this boot: the same
     * choice is made again at the next one. */
    rc = abota_boot_apply(f, l, d);
    if (rc < 0)
        fprintf(stderr, "bootloader: cannot write the boot record: %s\n", abota_strerror(rc));
    /* Only abota images say where their payload ends; a bare Espressif bin
     * is for the chip, not for this simulator. */
    if (d->image.kind != ABOTA_IMAGE_ABOTA)
        return ABOTA_ERR_UNSUPPORTED;
    const struct abota_region *r = abota_layout_slot(l, d->slot);
    if (!r || d->image.footer.payload_len > r->size)
        return ABOTA_ERR_SLOT_INVALID;

    char name[16];
    snprintf(name, sizeof name, "user%d", d->slot);
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return ABOTA_ERR_IO;
    rc = copy_out(f, r->offset, d->image.footer.payload_len, fd);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    *exe_fd = fd;
    return 0;
}
