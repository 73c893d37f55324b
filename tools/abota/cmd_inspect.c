/* abota inspect: what a file is, every field, and whether it verifies. */
#include <stdlib.h>
#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "cli.h"

static void inspect_usage(FILE *out)
{
    fprintf(out,
            "usage: abota inspect FILE\n"
            "\n"
            "Says whether FILE is an abota image, an Espressif user bin (with CRC\n"
            "trailer), an Espressif image without trailer, or unknown; prints every\n"
            "field and verifies it. Exit status: 0 verified, 1 not, 2 usage error.\n");
}

static const char *good(int ok)
{
    return ok ? "good" : "BAD";
}

static const char *flash_mode_name(uint8_t m)
{
    static const char *const names[] = {"QIO", "QOUT", "DIO", "DOUT"};
    return m < 4 ? names[m] : "unknown";
}

static const char *size_map_name(uint8_t m)
{
    static const char *const names[] = {
        "512 KB (256+256)", "256 KB",           "1 MB (512+512)",   "2 MB (512+512)",
        "4 MB (512+512)",   "2 MB (1024+1024)", "4 MB (1024+1024)", "4 MB (2048+2048)",
        "8 MB (1024+1024)", "16 MB (1024+1024)",
    };
    return m < sizeof names / sizeof names[0] ? names[m] : "unknown";
}

static const char *clk_name(uint8_t d)
{
    switch (d) {
    case 0x0: return "40 MHz";
    case 0x1: return "26.7 MHz";
    case 0x2: return "20 MHz";
    case 0xF: return "80 MHz";
    default: return "unknown";
    }
}

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

static void print_esp(const struct abota_esp_info *e, const char *indent)
{
    printf("%sformat:          %s\n", indent,
           e->v2 ? "0xEA v2 \"new\" user bin (boot mode 2)" : "plain 0xE9 image");
    if (e->v2) {
        if (e->userbin)
            printf("%suser bin:        user%u\n", indent, e->userbin);
        else
            printf("%suser bin:        not set (byte 3 is not 1 or 2)\n", indent);
        printf("%sirom0:           0x%X bytes at file offset 0x10 (not in the XOR checksum)\n",
               indent, e->irom_len);
    }
    printf("%sentry:           0x%08X\n", indent, e->entry);
    printf("%sflash mode:      %u (%s)\n", indent, e->flash_mode, flash_mode_name(e->flash_mode));
    printf("%ssize map:        %u (%s)\n", indent, e->size_map, size_map_name(e->size_map));
    printf("%sflash clock:     %u (%s)\n", indent, e->clk_div, clk_name(e->clk_div));
    printf("%ssegments:        %u\n", indent, e->nsegments);
    for (unsigned i = 0; i < e->nsegments; i++)
        printf("%s  [%u] load 0x%08X  length 0x%06X (%u)  file offset 0x%06X\n", indent, i,
               e->seg[i].load_addr, e->seg[i].len, e->seg[i].len, e->seg[i].file_offset);
    if (e->end) {
        printf("%schecksum:        stored 0x%02X, computed 0x%02X at file offset 0x%X: %s\n",
               indent, e->checksum_stored, e->checksum_computed, e->checksum_offset,
               good(e->checksum_stored == e->checksum_computed));
        if (e->has_crc_trailer)
            printf("%sCRC trailer:     stored 0x%08X, computed 0x%08X: %s\n", indent,
                   e->crc_stored, e->crc_computed, good(e->crc_stored == e->crc_computed));
        else
            printf("%sCRC trailer:     none\n", indent);
        printf("%send:             %u bytes\n", indent, e->end);
    }
}

static void print_footer(const struct abota_image_info *info, const uint8_t *buf)
{
    const struct abota_footer *f = &info->footer;
    char v[16];
    uint8_t sha[ABOTA_SHA256_SIZE];
    uint32_t crc;

    abota_version_format(f->version, v, sizeof v);
    printf("footer:\n");
    printf("  payload length:  %u bytes\n", f->payload_len);
    printf("  padding:         %u bytes of 0xFF\n",
           abota_image_footer_offset(f->payload_len) - f->payload_len);
    printf("  version:         %s (0x%08X)\n", v, f->version);
    printf("  target slot:     %s\n",
           f->target_slot == 1 ? "1" : f->target_slot == 2 ? "2" : "any");
    printf("  flags:           0x%02X%s\n", f->flags,
           (f->flags & ABOTA_FLAG_ESP_USERBIN) ? " (Espressif user bin)" : "");
    /* recompute from the file for display; the verdict comes from the core */
    crc = abota_crc32_update(0, buf, f->payload_len);
    abota_sha256(buf, f->payload_len, sha);
    printf("  payload CRC-32:  stored 0x%08X, computed 0x%08X: %s\n", f->crc32, crc,
           good(crc == f->crc32));
    printf("  payload SHA-256: ");
    print_hex(f->sha256, sizeof f->sha256);
    printf("\n  computed:        ");
    print_hex(sha, sizeof sha);
    printf(": %s\n", good(!memcmp(sha, f->sha256, sizeof sha)));
    if (f->sig_type == 0)
        printf("  signature:       none\n");
    else
        printf("  signature:       type %u, %u bytes\n", f->sig_type, f->sig_len);
}

int cmd_inspect(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        inspect_usage(stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        inspect_usage(stderr);
        return 2;
    }
    const char *path = argv[1];
    uint8_t *buf;
    size_t len;
    /* the largest abota image: the biggest payload, padding and footer */
    if (cli_read_file("abota inspect", path, ABOTA_IMAGE_PAYLOAD_MAX + ABOTA_FOOTER_ALIGN +
                                                 ABOTA_FOOTER_SIZE, &buf, &len) < 0)
        return 1;

    const char *kind;
    int is_abota = len >= ABOTA_FOOTER_SIZE && !memcmp(buf + len - ABOTA_FOOTER_SIZE, "ABOT", 4);
    if (is_abota)
        kind = "abota image";
    else if (len >= 1 && buf[0] == 0xEA)
        kind = "Espressif user bin (0xEA v2, CRC trailer)";
    else if (len >= 1 && buf[0] == 0xE9)
        kind = "Espressif image without trailer (plain 0xE9)";
    else
        kind = "unknown";

    struct abota_image_info info;
    int err = abota_image_verify_buf(buf, len, &info);
    printf("file:              %s\n", path);
    printf("size:              %zu bytes\n", len);
    printf("kind:              %s\n", kind);
    if (is_abota && info.kind == ABOTA_IMAGE_ABOTA) {
        print_footer(&info, buf);
        if (info.has_esp || (info.footer.flags & ABOTA_FLAG_ESP_USERBIN)) {
            printf("payload (Espressif):\n");
            print_esp(&info.esp, "  ");
        }
    } else if (!is_abota && (info.kind == ABOTA_IMAGE_ESP || info.esp.nsegments)) {
        printf("espressif:\n");
        print_esp(&info.esp, "  ");
        if (info.esp.end && info.esp.end < len)
            printf("  note:            %zu bytes after the end of the image\n",
                   len - info.esp.end);
    }
    free(buf);
    if (err < 0) {
        printf("verify:            FAILED: %s\n", abota_strerror(err));
        fprintf(stderr, "abota inspect: %s: %s\n", path, abota_strerror(err));
        return 1;
    }
    printf("verify:            ok\n");
    return 0;
}
