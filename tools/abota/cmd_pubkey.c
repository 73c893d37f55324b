/* abota pubkey: the public key of a signing key, as PEM or as the C array a
 * firmware builds in to verify images. */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keys.h"

static void pubkey_usage(FILE *out)
{
    fprintf(out,
            "usage: abota pubkey KEY.pem [--c] [-o FILE]\n"
            "\n"
            "Prints the public key of KEY.pem (a private or public P-256 key, PEM or DER):\n"
            "as PEM, or with --c as a C header for the firmware:\n"
            "  static const uint8_t abota_sign_key[64] = {...};\n"
            "X || Y, 32 bytes each, big-endian (the SEC1 uncompressed point without its\n"
            "0x04 byte), with the key's SHA-256 fingerprint in a comment.\n"
            "\n"
            "  --c      the C header instead of PEM\n"
            "  -o FILE  write FILE (replaced if it exists) instead of standard output\n"
            CLI_VERBOSITY_HELP);
}

/* The C header into buf. Returns its length, or -1 if buf is too small. */
static int c_header(const uint8_t xy[KEYS_XY_SIZE], const char *fp, char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "/* Public key for abota image signatures (ECDSA P-256), written by\n"
                     " * abota pubkey --c. Key fingerprint (SHA-256 of its DER public key):\n"
                     " * SHA256:%s\n"
                     " * X || Y, 32 bytes each, big-endian. */\n"
                     "#ifndef ABOTA_SIGN_KEY_H\n"
                     "#define ABOTA_SIGN_KEY_H\n"
                     "\n"
                     "#include <stdint.h>\n"
                     "\n"
                     "static const uint8_t abota_sign_key[64] = {\n",
                     fp);
    for (size_t i = 0; i < KEYS_XY_SIZE && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, "%s0x%02x,%s", i % 8 ? " " : "    ", xy[i],
                      i % 8 == 7 ? "\n" : "");
    if (n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, "};\n\n#endif\n");
    return n > 0 && (size_t)n < size ? n : -1;
}

int cmd_pubkey(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"c", no_argument, NULL, 'c'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    int c, as_c = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'c': as_c = 1; break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': pubkey_usage(stdout); return 0;
        default: return cli_option_error("abota pubkey", c, argv, pubkey_usage);
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "abota pubkey: exactly one KEY.pem is required\n");
        pubkey_usage(stderr);
        return 2;
    }

    struct cli_key *k;
    if (keys_load("abota pubkey", argv[optind], &k) < 0)
        return 1;
    char text[1024], fp[KEYS_FINGERPRINT_HEX];
    uint8_t xy[KEYS_XY_SIZE];
    int ok;
    if (as_c)
        ok = keys_public_xy(k, xy) == 0 && keys_fingerprint(k, fp) == 0 &&
             c_header(xy, fp, text, sizeof text) > 0;
    else
        ok = keys_public_pem("abota pubkey", k, text, sizeof text) == 0;
    keys_free(k);
    if (!ok) {
        fprintf(stderr, "abota pubkey: cannot encode the public key of %s\n", argv[optind]);
        return 1;
    }
    if (!out)
        return fputs(text, stdout) == EOF ? 1 : 0;
    return cli_write_file("abota pubkey", out, text, strlen(text), NULL, 0, 0644u,
                          CLI_OVERWRITE) < 0 ? 1 : 0;
}
