/* abota pack: firmware -> firmware + 0xFF padding + footer. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/port_posix.h"
#include "abota/sha256.h"
#include "cli.h"
#include "keys.h"

static void pack_usage(FILE *out)
{
    fprintf(out,
            "usage: abota pack --version X.Y.Z [--slot 1|2] [--wrap-e9] [--key KEY.pem]\n"
            "                  [--security-version N] [--layout NAME] FIRMWARE -o IMAGE\n"
            "\n"
            "Wraps FIRMWARE ('-': standard input, unchanged) into an abota image: 0xFF padding to a multiple\n"
            "of 16 bytes, then a 256-byte footer with the version, target slot, CRC-32\n"
            "and SHA-256 of the firmware (docs/IMAGE_FORMAT.md).\n"
            "\n"
            "  --version X.Y.Z  firmware version (0-255.0-255.0-65535, optional leading v)\n"
            "  --slot 1|2       slot the image is built for; default: the user number of\n"
            "                   an Espressif v2 user bin, else any slot\n"
            "  --wrap-e9        first wraps FIRMWARE (a Linux executable for abota sim) in a\n"
            "                   one-segment 0xE9 image, the header the ESP8266 loader\n"
            "                   checks (abota sim --loader crc32)\n"
            "  --key KEY.pem    signs the image with this ECDSA P-256 private key\n"
            "                   (abota keygen); abota inspect --key checks it with the\n"
            "                   public key (abota pubkey)\n"
            "  --security-version N\n"
            "                   anti-rollback counter, 0 to 4294967295 (default 0): devices\n"
            "                   refuse images below the highest one they confirmed. Signed\n"
            "                   with the rest of the footer; without --key anyone can\n"
            "                   raise it\n"
            "  --layout NAME    the devices' flash layout (esp8266-2m, esp8266-1m, ...):\n"
            "                   refuses an image larger than its slot, and an Espressif\n"
            "                   user bin linked for another flash map (its code could\n"
            "                   not run there; the devices would refuse it too)\n"
            "  -o IMAGE         output file, written atomically (temporary file + rename);\n"
            "                   '-' writes the image to standard output (never a terminal)\n"
            CLI_VERBOSITY_HELP
            "                   (-v adds the payload's CRC-32 and SHA-256)\n"
            "\n"
            "An Espressif user bin is recognised and checked (XOR checksum, CRC trailer);\n"
            "the footer then flags it so the device re-checks it after download.\n");
}

/* Loads the private key at path for signing; NULL after printing why. */
static struct cli_key *signing_key(const char *path, char fp[KEYS_FINGERPRINT_HEX])
{
    struct cli_key *k;
    if (keys_load("abota pack", path, &k) < 0)
        return NULL;
    if (!keys_is_private(k))
        fprintf(stderr, "abota pack: %s is a public key; signing needs the private key it "
                        "was made from (abota keygen -o KEY.pem)\n", path);
    else if (keys_fingerprint(k, fp) == 0)
        return k;
    keys_free(k);
    return NULL;
}

/* The image must fit the slot(s) it is for in layout l, and an Espressif
 * user bin must be linked for where that slot is. 0, or -1 with the reason
 * printed. */
static int check_layout(const char *in, const struct abota_layout *l, int slot,
                        const struct abota_esp_info *esp, uint32_t total)
{
    for (int s = ABOTA_SLOT_1; s <= ABOTA_SLOT_2; s++) {
        if (slot > 0 && s != slot)
            continue;
        const struct abota_region *r = abota_layout_slot(l, s);
        if (total > r->size) {
            fprintf(stderr, "abota pack: %s: %s: the image is %u bytes, user%d of the %s layout "
                            "holds %u\n", in, abota_strerror(ABOTA_ERR_SLOT_TOO_BIG),
                    (unsigned)total, s, l->name, (unsigned)r->size);
            return -1;
        }
        if (esp && abota_esp_map_fits(esp, r->offset) < 0) {
            fprintf(stderr, "abota pack: %s: %s (size map %u; user%d of the %s layout is at "
                            "0x%x): build it for this map, or pack it with the --layout it "
                            "was built for\n", in, abota_strerror(ABOTA_ERR_ESP_FLASH_MAP),
                    (unsigned)esp->size_map, s, l->name, (unsigned)r->offset);
            return -1;
        }
    }
    return 0;
}

int cmd_pack(int argc, char **argv)
{
    static const struct option opts[] = {
        {"version", required_argument, NULL, 'V'},
        {"slot", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"wrap-e9", no_argument, NULL, 'E'},
        {"key", required_argument, NULL, 'k'},
        {"security-version", required_argument, NULL, 'S'},
        {"layout", required_argument, NULL, 'l'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *version = NULL, *out = NULL, *slot_arg = NULL, *key_path = NULL, *secv = NULL;
    const struct abota_layout *layout = NULL;
    int c, wrap = 0;
    char fp[KEYS_FINGERPRINT_HEX] = "";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'V': version = optarg; break;
        case 's': slot_arg = optarg; break;
        case 'o': out = optarg; break;
        case 'E': wrap = 1; break;
        case 'k': key_path = optarg; break;
        case 'S': secv = optarg; break;
        case 'l':
            layout = abota_posix_layout_find(optarg);
            if (!layout) {
                fprintf(stderr, "abota pack: %s: '%s'\n",
                        abota_strerror(ABOTA_ERR_LAYOUT_UNKNOWN), optarg);
                return 2;
            }
            break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': pack_usage(stdout); return 0;
        default: return cli_option_error("abota pack", c, argv, pack_usage);
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
    /* With -o - the image is the output: what pack says goes to stderr. */
    FILE *info = cli_is_stdio(out) ? stderr : stdout;
    const char *out_name = cli_is_stdio(out) ? "standard output" : out;
    if (cli_is_stdio(out) && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "abota pack: not writing an image to a terminal: redirect -o - to a "
                        "file or a pipe\n");
        return 2;
    }

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
    if (secv && cli_parse_u32(secv, &f.security_version) < 0) {
        fprintf(stderr, "abota pack: --security-version must be a whole number from 0 to "
                        "4294967295, not '%s'\n", secv);
        return 2;
    }
    if (f.security_version && !key_path)
        fprintf(stderr, "abota pack: warning: --security-version without --key: the image is "
                        "unsigned, so nothing stops anyone from making one with a higher "
                        "security version\n");

    uint8_t *fw;
    size_t len;
    if (cli_read_file("abota pack", in, ABOTA_IMAGE_PAYLOAD_MAX, &fw, &len) < 0)
        return 1;
    if (len == 0) {
        fprintf(stderr, "abota pack: %s is empty: nothing to pack\n", in);
        free(fw);
        return 1;
    }
    /* A packed image packed again would carry two footers, and devices
     * would install the outer one's firmware: the inner image. */
    struct abota_image_info packed;
    if (abota_image_verify_buf(fw, len, &packed) == 0 && packed.kind == ABOTA_IMAGE_ABOTA) {
        fprintf(stderr, "abota pack: %s is an abota image already (it ends in a footer): pack "
                        "the firmware itself, or use it as it is\n", in);
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

    struct cli_key *key = NULL;
    const char *what;
    if (key_path && !(key = signing_key(key_path, fp))) {
        free(fw);
        return 1;
    }
    err = cli_pack_footer("abota pack", in, fw, len, slot, key, &f, &what);
    keys_free(key);
    struct abota_esp_info esp;
    bool is_esp = (f.flags & ABOTA_FLAG_ESP_USERBIN) && abota_esp_verify_buf(fw, len, &esp) == 0;
    if (err < 0 || (layout && check_layout(in, layout, f.target_slot, is_esp ? &esp : NULL,
                                           abota_image_total_len(f.payload_len)) < 0)) {
        free(fw);
        return 1;
    }

    /* padding and footer go after the payload in one tail buffer */
    uint8_t tail[CLI_PACK_TAIL_MAX];
    size_t tail_len = cli_pack_tail(&f, tail);
    if (cli_write_file("abota pack", out, fw, len, tail, tail_len, 0644,
                       CLI_OVERWRITE) < 0) {
        free(fw);
        return 1;
    }
    free(fw);

    if (cli_verbosity == CLI_QUIET)
        return 0;
    char vbuf[16];
    abota_version_format(f.version, vbuf, sizeof vbuf);
    fprintf(info, "%s: %s, %zu bytes, version %s, slot %s, %u bytes\n", out_name, what, len, vbuf,
           f.target_slot == 1 ? "1" : f.target_slot == 2 ? "2" : "any",
           abota_image_total_len(f.payload_len));
    if (key_path)
        fprintf(info, "%s: signed, ECDSA P-256, key SHA256:%s, security version %u\n", out_name, fp,
                f.security_version);
    else
        fprintf(info, "%s: unsigned, security version %u\n", out_name, f.security_version);
    if (cli_verbosity == CLI_VERBOSE) {
        fprintf(info, "%s: payload CRC-32 0x%08x, SHA-256 ", out_name, (unsigned)f.crc32);
        for (unsigned i = 0; i < ABOTA_SHA256_SIZE; i++)
            fprintf(info, "%02x", f.sha256[i]);
        fprintf(info, "\n");
    }
    return 0;
}
