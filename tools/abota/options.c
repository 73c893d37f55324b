/* What the commands say about a bad option, and how they read numbers. */
#include <getopt.h>
#include <string.h>

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

int cli_parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s || strlen(s) > 10)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}
