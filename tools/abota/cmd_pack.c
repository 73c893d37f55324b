/* abota pack: firmware -> firmware + 0xFF padding + footer. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/sha256.h"
#include "cli.h"

static void pack_usage(FILE *out)
{
    fprintf(out,
            "usage: abota pack --version X.Y.Z [--slot 1|2] [--wrap-e9] FIRMWARE -o IMAGE\n"
            "\n"
            "Wraps FIRMWARE (unchanged) into an abota image: 0xFF padding to a multiple\n"
            "of 16 bytes, then a 256-byte footer with the version, target slot, CRC-32\n"
            "and SHA-256 of the firmware (docs/IMAGE_FORMAT.md).\n"
            "\n"
            "  --version X.Y.Z  firmware version (0-255.0-255.0-65535, optional leading v)\n"
            "  --slot 1|2       slot the image is built for; default: the user number of\n"
            "                   an Espressif v2 user bin, else any slot\n"
            "  --wrap-e9        first wraps FIRMWARE (a Linux executable for abota sim) in a\n"
            "                   one-segment 0xE9 image, the header the ESP8266 loader\n"
            "                   checks (abota sim --loader crc32)\n"
            "  -o IMAGE         output file, written atomically (temporary file + rename)\n"
            "\n"
            "An Espressif user bin is recognised and checked (XOR checksum, CRC trailer);\n"
            "the footer then flags it so the device re-checks it after download.\n");
}

/* Writes len bytes of each part to path through a temporary file in the
 * same directory, so a reader never sees a half-written image. */
static int write_atomic(const char *path, const uint8_t *a, size_t alen, const uint8_t *b,
                        size_t blen)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
    if (!tmp) {
        fprintf(stderr, "abota pack: out of memory\n");
        return -1;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "abota pack: cannot create a temporary file beside %s: %s\n", path,
                strerror(errno));
        free(tmp);
        return -1;
    }
    FILE *fp = fdopen(fd, "wb");
    int ok = fp != NULL;
    if (ok)
        ok = fwrite(a, 1, alen, fp) == alen && fwrite(b, 1, blen, fp) == blen &&
             fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    if (fp)
        ok = (fclose(fp) == 0) && ok;
    else
        close(fd);
    if (ok && chmod(tmp, 0644) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "abota pack: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int cmd_pack(int argc, char **argv)
{
    static const struct option opts[] = {
        {"version", required_argument, NULL, 'V'},
        {"slot", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"wrap-e9", no_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *version = NULL, *out = NULL, *slot_arg = NULL;
    int c, wrap = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'V': version = optarg; break;
        case 's': slot_arg = optarg; break;
        case 'o': out = optarg; break;
        case 'E': wrap = 1; break;
        case 'h': pack_usage(stdout); return 0;
        case ':':
            fprintf(stderr, "abota pack: %s needs a value\n", argv[optind - 1]);
            pack_usage(stderr);
            return 2;
        default:
            fprintf(stderr, "abota pack: unknown option %s\n", argv[optind - 1]);
            pack_usage(stderr);
            return 2;
        }
    }
    if (!version || !out || optind != argc - 1) {
        fprintf(stderr, "abota pack: %s\n",
                !version ? "--version is required"
                : !out   ? "-o IMAGE is required"
                         : "exactly one FIRMWARE file is required");
        pack_usage(stderr);
        return 2;
    }
    const char *in = argv[optind];

    struct abota_footer f;
    memset(&f, 0, sizeof f);
    int err = abota_version_parse(version, &f.version);
    if (err < 0) {
        fprintf(stderr, "abota pack: --version '%s': %s\n", version, abota_strerror(err));
        return 2;
    }
    int slot = -1;
    if (slot_arg) {
        if (!strcmp(slot_arg, "1"))
            slot = ABOTA_SLOT_1;
        else if (!strcmp(slot_arg, "2"))
            slot = ABOTA_SLOT_2;
        else {
            fprintf(stderr, "abota pack: --slot must be 1 or 2, not '%s'\n", slot_arg);
            return 2;
        }
    }

    uint8_t *fw;
    size_t len;
    if (cli_read_file("abota pack", in, ABOTA_IMAGE_PAYLOAD_MAX, &fw, &len) < 0)
        return 1;
    if (len == 0) {
        fprintf(stderr, "abota pack: %s is empty: nothing to pack\n", in);
        free(fw);
        return 1;
    }
    if (wrap) {
        uint8_t *w;
        size_t wlen;
        if (cli_wrap_e9(fw, len, &w, &wlen) < 0) {
            fprintf(stderr, "abota pack: %s: cannot wrap it in a 0xE9 image (too big or out "
                            "of memory)\n", in);
            free(fw);
            return 1;
        }
        free(fw);
        fw = w;
        len = wlen;
    }

    /* An Espressif user bin: check it now rather than ship one that the
     * device would refuse, and take the target slot from its header. */
    struct abota_esp_info esp;
    const char *what = "firmware";
    err = abota_esp_verify_buf(fw, len, &esp);
    if (err == 0 && esp.end == len) {
        f.flags |= ABOTA_FLAG_ESP_USERBIN;
        what = esp.v2 ? "Espressif v2 user bin" : "Espressif image (no CRC trailer)";
        if (esp.v2 && esp.userbin) {
            if (slot >= 0 && slot != esp.userbin) {
                fprintf(stderr,
                        "abota pack: %s is a user%u bin (byte 3 of its header) but --slot says "
                        "%d; its code is linked for slot %u, so refusing\n",
                        in, esp.userbin, slot, esp.userbin);
                free(fw);
                return 1;
            }
            slot = esp.userbin;
        }
    } else if (len >= 2 && fw[0] == 0xEA && fw[1] == 0x04) {
        fprintf(stderr, "abota pack: %s looks like an Espressif v2 user bin but %s\n", in,
                err < 0 ? abota_strerror(err) : "has bytes after its CRC trailer");
        free(fw);
        return 1;
    }
    f.target_slot = (uint8_t)(slot < 0 ? ABOTA_SLOT_ANY : slot);
    f.payload_len = (uint32_t)len;
    f.crc32 = abota_crc32_update(0, fw, len);
    abota_sha256(fw, len, f.sha256);

    /* padding and footer go after the payload in one tail buffer */
    uint8_t tail[ABOTA_FOOTER_ALIGN + ABOTA_FOOTER_SIZE];
    size_t pad = abota_image_footer_offset(f.payload_len) - len;
    memset(tail, 0xFF, pad);
    abota_footer_encode(&f, tail + pad);
    if (write_atomic(out, fw, len, tail, pad + ABOTA_FOOTER_SIZE) < 0) {
        free(fw);
        return 1;
    }
    free(fw);

    char vbuf[16];
    abota_version_format(f.version, vbuf, sizeof vbuf);
    printf("%s: %s, %zu bytes, version %s, slot %s, %u bytes\n", out, what, len, vbuf,
           f.target_slot == 1 ? "1" : f.target_slot == 2 ? "2" : "any",
           abota_image_total_len(f.payload_len));
    return 0;
}
