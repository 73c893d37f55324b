/* abota flash: a fresh flash file with one image in user1, like esptool's
 * erase_flash + write_flash on a new chip.
 *
 * The file is created all 0xFF at the layout's size, the image is verified in
 * RAM, streamed into slot 1 with the core's slot writer (which re-reads and
 * verifies it from the file), and a confirmed boot record points at it. On
 * an ESP8266 layout --boot and --init-data add what a first flash of a chip
 * also holds (flash_esp8266.c): the file is then the whole chip as esptool
 * would leave it. */
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
#include "flash_esp8266.h"
#include "sim_flash.h"

static void flash_usage(FILE *out)
{
    fprintf(out,
            "usage: abota flash --out FLASH.img [--layout NAME] [--boot BOOT.bin]\n"
            "                   [--init-data INIT.bin] IMAGE\n"
            "  Creates FLASH.img erased (all 0xFF) at the layout's flash size, writes the\n"
            "  abota image IMAGE ('-': standard input) into user1 (slot 1) and a confirmed\n"
            "  boot record for it.\n"
            "  --layout NAME      flash layout (default esp8266-2m; also esp8266-1m, sim-8m)\n"
            "  --boot FILE        ESP8266 layouts: a plain 0xE9 image (abota's loader or\n"
            "                     Espressif's boot_v1.x) at 0x0, with the layout's flash\n"
            "                     size map in its header as esptool --flash_size writes it\n"
            "  --init-data FILE   ESP8266 layouts: PHY init data (esp_init_data_default)\n"
            "                     0x4000 below the end; RF calibration and the SDK's\n"
            "                     parameter sectors stay erased (blank.bin)\n"
            CLI_VERBOSITY_HELP);
}

/* Writes the verified image buf into slot 1 and points a confirmed boot
 * record at it, its security version the device's floor. Returns 0 or an
 * abota error. */
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
    /* A factory image is confirmed: its security version is the floor, as
     * abota_boot_confirm would make it. */
    rec.slot[0].security = info->footer.security_version;
    rec.security_floor = info->footer.security_version;
    return abota_bootrec_write(f, l, &rec);
}

/* --boot and --init-data: the SDK's areas beside user1. Returns 0, an
 * abota error (*what names the file it is about), or 1 when a file could not
 * be read (cli_read_file said why). */
static int add_sdk_areas(const struct abota_flash *f, const struct abota_layout *l,
                         const char *boot_path, const char *init_path, const char **what)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = 0;
    if (boot_path) {
        *what = boot_path;
        if (cli_read_file("abota flash", boot_path, l->sector_size, &buf, &len) < 0)
            return 1;
        struct abota_esp_info esp;
        rc = flash_esp8266_boot(f, l, buf, len, &esp);
        free(buf);
        if (rc < 0)
            return rc;
        printf("abota flash: %s: %zu bytes at 0x000000, size map %d\n", boot_path, len,
               flash_esp8266_size_map(l));
    }
    if (init_path) {
        *what = init_path;
        if (cli_read_file("abota flash", init_path, l->sector_size, &buf, &len) < 0)
            return 1;
        rc = flash_esp8266_init_data(f, l, buf, len);
        free(buf);
        if (rc < 0)
            return rc;
        printf("abota flash: %s: %zu bytes at 0x%06x\n", init_path, len,
               (unsigned)flash_esp8266_init_data_addr(l));
    }
    return 0;
}

int cmd_flash(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"layout", required_argument, NULL, 'l'},
        {"boot", required_argument, NULL, 'b'},
        {"init-data", required_argument, NULL, 'i'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    const char *layout_name = "esp8266-2m";
    const char *boot_path = NULL, *init_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:l:b:i:hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'l': layout_name = optarg; break;
        case 'b': boot_path = optarg; break;
        case 'i': init_path = optarg; break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': flash_usage(stdout); return 0;
        default: flash_usage(stderr); return 2;
        }
    }
    if (!out || optind != argc - 1) {
        flash_usage(stderr);
        return 2;
    }
    const char *image_path = argv[optind];
    if (cli_quiet_stdout("abota flash") < 0)
        return 1;
    const struct abota_layout *l = abota_posix_layout_find(layout_name);
    if (!l) {
        fprintf(stderr, "abota flash: %s: '%s'\n", abota_strerror(ABOTA_ERR_LAYOUT_UNKNOWN),
                layout_name);
        return 2;
    }
    if ((boot_path || init_path) && flash_esp8266_size_map(l) < 0) {
        fprintf(stderr, "abota flash: --boot and --init-data need an ESP8266 layout, not %s\n",
                l->name);
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

    /* A whole chip (--boot): the user bin must be linked for the map the
     * boot image will announce. */
    if (boot_path && info.has_esp && info.esp.size_map != flash_esp8266_size_map(l)) {
        fprintf(stderr, "abota flash: %s: a user bin for size map %u, the %s layout is map %d\n",
                image_path, (unsigned)info.esp.size_map, l->name, flash_esp8266_size_map(l));
        free(buf);
        return 1;
    }

    struct sim_flash sf;
    rc = sim_flash_open(&sf, "abota flash", out, l, true);
    if (rc < 0) {
        free(buf);
        return 1;
    }
    const char *what = out;
    rc = install(sim_flash_port(&sf), l, buf, len, &info);
    free(buf);
    if (rc >= 0)
        rc = add_sdk_areas(sim_flash_port(&sf), l, boot_path, init_path, &what);
    int rc_close = sim_flash_close(&sf);
    if (rc == 0)
        rc = rc_close;
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "abota flash: %s: %s\n", what, abota_strerror(rc));
        return 1;
    }
    char ver[16];
    abota_version_format(info.footer.version, ver, sizeof ver);
    printf("abota flash: %s: %s layout, %u bytes, v%s in user1 at 0x%06x, boot record written\n",
           out, l->name, (unsigned)len, ver, (unsigned)l->slot[0].offset);
    return 0;
}
