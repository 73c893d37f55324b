/* abota keygen: a new signing key, or the public half of one. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "keys.h"

static void keygen_usage(FILE *out)
{
    fprintf(out,
            "usage: abota keygen [--force] -o KEY.pem\n"
            "       abota keygen --public [--force] -o PUB.pem KEY.pem\n"
            "\n"
            "Makes a new ECDSA P-256 private key for signing images (abota pack --key)\n"
            "from the system's entropy, and writes it as PEM readable only by you (mode\n"
            "0600). Keep it off the device and out of the repository (docs/SECURITY.md).\n"
            "With --public, writes the public key of KEY.pem instead (mode 0644), for\n"
            "abota inspect --key; abota pubkey --c makes the C array firmware builds in.\n"
            "\n"
            "  -o FILE   where to write; an existing FILE is kept unless --force\n"
            "  --force   replace FILE if it exists\n"
            "  --public  write the public key of KEY.pem (private key PEM)\n"
            CLI_VERBOSITY_HELP);
}

int cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"public", no_argument, NULL, 'p'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    int c, force = 0, pub = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': force = 1; break;
        case 'p': pub = 1; break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': keygen_usage(stdout); return 0;
        default: return cli_option_error("abota keygen", c, argv, keygen_usage);
        }
    }
    int want_args = pub ? 1 : 0;
    if (!out || argc - optind != want_args) {
        fprintf(stderr, "abota keygen: %s\n",
                !out  ? "-o FILE is required"
                : pub ? "--public takes exactly one KEY.pem to read"
                      : "a new key takes no file argument (--public KEY.pem reads one)");
        keygen_usage(stderr);
        return 2;
    }

    struct cli_key *k;
    if ((pub ? keys_load("abota keygen", argv[optind], &k) : keys_generate("abota keygen", &k)) < 0)
        return 1;
    int overwrite = force ? CLI_OVERWRITE : CLI_NO_OVERWRITE;
    char fp[KEYS_FINGERPRINT_HEX];
    int ok = keys_write_pem("abota keygen", k, pub, out, overwrite) == 0 &&
             keys_fingerprint(k, fp) == 0;
    keys_free(k);
    if (!ok)
        return 1;
    if (cli_verbosity != CLI_QUIET)
        printf("%s: %s key, ECDSA P-256, fingerprint SHA256:%s\n", out,
               pub ? "public" : "private", fp);
    return 0;
}
