/* abota: the host CLI. One binary, one subcommand per file (cmd_*.c). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "abota/version.h"
#include "cli.h"

static const struct cli_command commands[] = {
    {"pack", "wrap a firmware into an abota image (version, CRC, SHA-256, signature)", cmd_pack},
    {"inspect", "show what an image or Espressif bin holds and verify it", cmd_inspect},
    {"keygen", "make an ECDSA P-256 signing key (or write its public key)", cmd_keygen},
    {"pubkey", "print a key's public half as PEM or as a C array for firmware", cmd_pubkey},
    {"flash", "write an image into a fresh simulated flash file (user1)", cmd_flash},
    {"sim", "boot a simulated device from a flash file", cmd_sim},
    {"serve", "serve firmware files over HTTP for devices (development)", cmd_serve},
    {"publish", "sign a release into a directory: its images and manifest.json", cmd_publish},
    {NULL, NULL, NULL}, /* keep last */
};

static void usage(FILE *out)
{
    fprintf(out, "usage: abota [-q|-v] COMMAND [ARGS...]   (abota help COMMAND, or abota "
                 "COMMAND --help, for details)\n\ncommands:\n");
    for (size_t i = 0; commands[i].name; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nabota %s\n", ABOTA_VERSION_STRING);
}

int main(int argc, char **argv)
{
    /* abota -q CMD / abota -v CMD: the same as CMD -q / CMD -v */
    while (argc >= 2 && (!strcmp(argv[1], "-q") || !strcmp(argv[1], "--quiet") ||
                         !strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
        cli_verbosity_option(argv[1][1] == '-' ? argv[1][2] : argv[1][1]);
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    bool help = !strcmp(argv[1], "help");
    if (help && argc > 2) {
        /* abota help CMD: what abota CMD --help prints */
        for (size_t i = 0; commands[i].name; i++)
            if (!strcmp(argv[2], commands[i].name)) {
                char *sub[] = {argv[2], "--help", NULL};
                return commands[i].run(2, sub);
            }
        fprintf(stderr, "abota help: unknown command '%s'\n", argv[2]);
        usage(stderr);
        return 2;
    }
    if (help || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("abota %s\n", ABOTA_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; commands[i].name; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "abota: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
