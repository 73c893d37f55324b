/* The shipped ESP8266 loader's boot choice on the simulated flash:
 * abota_loader_choose() from src/loader/esp8266/choose.c (built for the host
 * from that very file), in place of the core's abota_boot_choose(). It
 * verifies a slot only by the CRC-32 and length its boot record holds plus
 * the Espressif header magic, and writes the record change itself. */
#include <stdio.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/error.h"
#include "abota/flash.h"
#include "choose.h"
#include "sim.h"

/* The footer at the end of the image the record entry describes, for the
 * version and payload length the simulator reports and runs; the loader
 * itself never reads it. 0 or an abota error. */
static int footer_by_record(const struct abota_flash *f, const struct abota_layout *l,
                            int slot, const struct abota_slot_record *sr,
                            struct abota_image_info *info)
{
    const struct abota_region *r = abota_layout_slot(l, slot);
    if (sr->length < ABOTA_FOOTER_SIZE || sr->length > r->size)
        return ABOTA_ERR_IMG_NO_FOOTER;
    uint8_t raw[ABOTA_FOOTER_SIZE];
    int rc = abota_flash_read(f, r->offset + sr->length - ABOTA_FOOTER_SIZE, raw, sizeof raw);
    if (rc < 0)
        return rc;
    rc = abota_footer_decode(raw, &info->footer);
    if (rc < 0)
        return rc;
    if (abota_image_total_len(info->footer.payload_len) != sr->length)
        return ABOTA_ERR_IMG_LENGTH;
    info->kind = ABOTA_IMAGE_ABOTA;
    info->total_len = sr->length;
    return 0;
}

int sim_loader_crc32(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d)
{
    memset(d, 0, sizeof *d);
    int slot = 0;
    enum abota_boot_reason reason = ABOTA_BOOT_NORMAL;
    int rc = abota_loader_choose(f, l, &slot, &reason);
    if (rc == ABOTA_ERR_BOOT_NOTHING)
        return rc;
    /* A record that cannot be written does not stop this boot (main.c). */
    if (rc < 0)
        fprintf(stderr, "bootloader: cannot write the boot record: %s\n", abota_strerror(rc));
    d->slot = slot;
    d->reason = reason;
    /* The record as the loader left it: what this boot made of it. */
    if (abota_bootrec_read(f, l, &d->rec, NULL) < 0)
        memset(&d->rec, 0, sizeof d->rec);
    /* All the loader knows of the slot it passed over. */
    if (reason == ABOTA_BOOT_FALLBACK || reason == ABOTA_BOOT_NO_ROLLBACK)
        d->active_err = ABOTA_ERR_BOOT_MISMATCH;
    /* Without a footer (an entry of length 0: not known) the version shown
     * is the record's. */
    if (footer_by_record(f, l, slot, &d->rec.slot[slot - 1], &d->image) < 0) {
        memset(&d->image, 0, sizeof d->image);
        d->image.footer.version = d->rec.slot[slot - 1].version;
    }
    return 0;
}
