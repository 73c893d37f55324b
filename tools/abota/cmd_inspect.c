/* abota inspect: what a file is, every field, and whether it verifies. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/sha256.h"
#include "cli.h"
#include "keys.h"

static void inspect_usage(FILE *out)
{
    fprintf(out,
            "usage: abota inspect FILE [--key KEY.pem]\n"
            "\n"
            "Says whether FILE is an abota image, an Espressif user bin (with CRC\n"
            "trailer), an Espressif image without trailer, a release manifest (abota\n"
            "publish), or unknown; prints every field and verifies it ('-' reads it\n"
            "from standard input). A manifest is read by the device's reader, and the\n"
            "images it names that lie beside it are checked against their length and\n"
            "SHA-256. Exit status: 0 verified, 1 not, 2 usage error.\n"
            "\n"
            "  --key KEY.pem  also requires a signature and verifies it with this P-256\n"
            "                 key (public or private PEM): an unsigned image, an unknown\n"
            "                 signature type or length, or a signature that does not\n"
            "                 verify with KEY fails. Without --key the signature is shown,\n"
            "                 not checked.\n"
            "  --device-id ID a manifest: says whether the device with this id (its bytes\n"
            "                 as given) takes part in the rollout (docs/MANIFEST.md)\n"
            CLI_VERBOSITY_HELP
            "  (-q prints nothing: the exit status is the answer)\n");
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

/* The signature line: what the footer carries and, with a key, the verdict
 * (sig_err from keys_check_footer). */
static void print_signature(const struct abota_footer *f, const char *fp, int sig_err)
{
    printf("  security version: %u\n", f->security_version);
    printf("  signature:       ");
    if (f->sig_type == ABOTA_SIG_TYPE_NONE)
        printf("unsigned\n");
    else if (f->sig_type != ABOTA_SIG_TYPE_P256)
        printf("unknown type %u, %u bytes\n", f->sig_type, f->sig_len);
    else if (f->sig_len != KEYS_SIG_SIZE)
        printf("ECDSA P-256, %u bytes (not %u): BAD\n", f->sig_len, KEYS_SIG_SIZE);
    else if (!fp)
        printf("ECDSA P-256 (not checked: no --key)\n");
    else
        printf("ECDSA P-256, key SHA256:%s: %s\n", fp, good(sig_err == 0));
}

/* Why a signature check failed, for the verdict. */
static void signature_problem(int sig_err, const struct abota_footer *f, const char *key,
                              char *msg, size_t size)
{
    switch (sig_err) {
    case ABOTA_ERR_SIG_NONE:
        snprintf(msg, size, "image is unsigned, and --key asks for a signature "
                            "(abota pack --key signs)");
        break;
    case ABOTA_ERR_SIG_TYPE:
        snprintf(msg, size, "unknown signature type %u (1 is ECDSA P-256)", f->sig_type);
        break;
    case ABOTA_ERR_SIG_LENGTH:
        snprintf(msg, size, "wrong signature length %u: ECDSA P-256 (type 1) is %u bytes",
                 f->sig_len, KEYS_SIG_SIZE);
        break;
    default:
        snprintf(msg, size, "signature does not verify with %s: signed by another key, or "
                            "changed after signing", key);
    }
}

static void print_footer(const struct abota_image_info *info, const uint8_t *buf,
                         const char *fp, int sig_err)
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
    print_signature(f, fp, sig_err);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'},
        {"device-id", required_argument, NULL, 'd'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *device_id = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key_path = optarg; break;
        case 'd': device_id = optarg; break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': inspect_usage(stdout); return 0;
        default: return cli_option_error("abota inspect", c, argv, inspect_usage);
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "abota inspect: exactly one FILE is required\n");
        inspect_usage(stderr);
        return 2;
    }
    const char *path = argv[optind];
    if (cli_quiet_stdout("abota inspect") < 0)
        return 1;
    struct cli_key *key = NULL;
    char fp[KEYS_FINGERPRINT_HEX];
    if (key_path && (keys_load("abota inspect", key_path, &key) < 0 ||
                     keys_fingerprint(key, fp) < 0)) {
        keys_free(key);
        return 1;
    }
    uint8_t *buf;
    size_t len;
    /* the largest abota image: the biggest payload, padding and footer */
    if (cli_read_file("abota inspect", path, ABOTA_IMAGE_PAYLOAD_MAX + ABOTA_FOOTER_ALIGN +
                                                 ABOTA_FOOTER_SIZE, &buf, &len) < 0) {
        keys_free(key);
        return 1;
    }

    /* A release manifest is JSON: an object first. */
    size_t lead = 0;
    while (lead < len && (buf[lead] == ' ' || buf[lead] == '\t' || buf[lead] == '\n' ||
                          buf[lead] == '\r'))
        lead++;
    if (lead < len && buf[lead] == '{') {
        int rc = cli_inspect_manifest(path, buf, len, key, key_path, device_id);
        keys_free(key);
        free(buf);
        return rc;
    }

    if (device_id) {
        fprintf(stderr, "abota inspect: --device-id is for release manifests; %s is not one\n",
                path);
        keys_free(key);
        free(buf);
        return 2;
    }

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
    int has_footer = is_abota && info.kind == ABOTA_IMAGE_ABOTA;
    /* The signature is checked whatever the integrity verdict, so both show;
     * a file without a footer carries none. */
    int sig_err = ABOTA_ERR_SIG_NONE;
    if (key && has_footer)
        sig_err = keys_check_footer(key, &info.footer);
    keys_free(key);
    printf("file:              %s\n", path);
    printf("size:              %zu bytes\n", len);
    printf("kind:              %s\n", kind);
    if (has_footer) {
        print_footer(&info, buf, key_path ? fp : NULL, sig_err);
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
    char why[256];
    if (err < 0)
        snprintf(why, sizeof why, "%s", abota_strerror(err));
    else if (key_path && sig_err < 0)
        signature_problem(sig_err, &info.footer, key_path, why, sizeof why);
    if (err < 0 || (key_path && sig_err < 0)) {
        printf("verify:            FAILED: %s\n", why);
        fprintf(stderr, "abota inspect: %s: %s\n", path, why);
        return 1;
    }
    printf("verify:            ok\n");
    return 0;
}
