/* abota flash: a fresh flash file with one image in user1, like esptool's
 * erase_flash + write_flash on a new chip.
 *
 * The file is created all 0xFF at the layout's size, the image is verified in
 * RAM, streamed into slot 1 with the core's slot writer (which re-reads and
 * verifies it from the file), and a confirmed boot record points at it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abota/bootrec.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/port_posix.h"
#include "abota/slot.h"
#include "cli.h"
#include "sim_flash.h"

static void flash_usage(FILE *out)
{
    fprintf(out,
            "usage: abota flash --out FLASH.img [--layout NAME] IMAGE\n"
            "  Creates FLASH.img erased (all 0xFF) at the layout's flash size, writes the\n"
            "  abota image IMAGE into user1 (slot 1) and a confirmed boot record for it.\n"
            "  --layout NAME   flash layout (default esp8266-2m; also esp8266-1m, sim-8m)\n");
}

/* Writes the verified image buf into slot 1 and points a confirmed boot
 * record at it. Returns 0 or an abota error. */
static int install(const struct abota_flash *f, const struct abota_layout *l,
                   const uint8_t *buf, size_t len, const struct abota_image_info *info)
{
    struct abota_slot_writer w;
    struct abota_image_info got;
    int rc = abota_slot_begin(&w, f, l, ABOTA_SLOT_1, ABOTA_SLOT_ANY, (uint32_t)len);
    if (rc < 0)
        return rc;
    /* In pieces, the way a download arrives. */
    for (size_t off = 0; off < len;) {
        size_t n = len - off < 4096 ? len - off : 4096;
        rc = abota_slot_write(&w, buf + off, n);
        if (rc < 0)
            return rc;
        off += n;
    }
    rc = abota_slot_finish(&w, &got);
    if (rc < 0)
        return rc;

    struct abota_bootrec rec;
    memset(&rec, 0, sizeof rec);
    rec.seq = 1;
    rec.active = ABOTA_SLOT_1;
    rec.trial = ABOTA_TRIAL_NONE;
    rec.slot[0].length = (uint32_t)len;
    rec.slot[0].crc32 = abota_slot_crc32(&w);
    rec.slot[0].version = info->footer.version;
    return abota_bootrec_write(f, l, &rec);
}

int cmd_flash(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"layout", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    const char *layout_name = "esp8266-2m";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'l': layout_name = optarg; break;
        case 'h': flash_usage(stdout); return 0;
        default: flash_usage(stderr); return 2;
        }
    }
    if (!out || optind != argc - 1) {
        flash_usage(stderr);
        return 2;
    }
    const char *image_path = argv[optind];
    const struct abota_layout *l = abota_posix_layout_find(layout_name);
    if (!l) {
        fprintf(stderr, "abota flash: %s: '%s'\n", abota_strerror(ABOTA_ERR_LAYOUT_UNKNOWN),
                layout_name);
        return 2;
    }

    size_t len = 0;
    uint8_t *buf = NULL;
    if (cli_read_file("abota flash", image_path, l->slot[0].size, &buf, &len) < 0)
        return 1;
    struct abota_image_info info;
    int rc = abota_image_verify_buf(buf, len, &info);
    if (rc < 0) {
        fprintf(stderr, "abota flash: %s: %s\n", image_path, abota_strerror(rc));
        free(buf);
        return 1;
    }
    if (info.kind != ABOTA_IMAGE_ABOTA) {
        fprintf(stderr, "abota flash: %s: not an abota image (pack it with abota pack)\n",
                image_path);
        free(buf);
        return 1;
    }
    if (info.footer.target_slot != ABOTA_SLOT_ANY && info.footer.target_slot != ABOTA_SLOT_1) {
        fprintf(stderr, "abota flash: %s: %s (slot %u; user1 is slot 1)\n", image_path,
                abota_strerror(ABOTA_ERR_IMG_SLOT), (unsigned)info.footer.target_slot);
        free(buf);
        return 1;
    }

    struct sim_flash sf;
    rc = sim_flash_open(&sf, out, l, true);
    if (rc < 0) {
        fprintf(stderr, "abota flash: %s: %s\n", out, abota_strerror(rc));
        free(buf);
        return 1;
    }
    rc = install(sim_flash_port(&sf), l, buf, len, &info);
    int rc_close = sim_flash_close(&sf);
    free(buf);
    if (rc >= 0)
        rc = rc_close;
    if (rc < 0) {
        fprintf(stderr, "abota flash: %s: %s\n", out, abota_strerror(rc));
        return 1;
    }
    char ver[16];
    abota_version_format(info.footer.version, ver, sizeof ver);
    printf("abota flash: %s: %s layout, %u bytes, v%s in user1 at 0x%06x, boot record written\n",
           out, l->name, (unsigned)len, ver, (unsigned)l->slot[0].offset);
    return 0;
}
