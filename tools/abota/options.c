/* What the commands say about a bad option. */
#include <getopt.h>

#include "cli.h"

int cli_option_error(const char *who, int c, char *const *argv, void (*usage)(FILE *))
{
    if (c == ':')
        fprintf(stderr, "%s: %s needs a value\n", who, argv[optind - 1]);
    else
        fprintf(stderr, "%s: unknown option %s\n", who, argv[optind - 1]);
    usage(stderr);
    return 2;
}
