/* File helpers shared by the CLI commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_read_file(const char *who, const char *path, size_t max, uint8_t **buf, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: cannot open %s: %s\n", who, path, strerror(errno));
        return -1;
    }
    /* Read up to max + 1 bytes: one more than allowed proves the file too big
     * without trusting a size that could change under us. */
    size_t cap = max + 1, n = 0;
    uint8_t *p = malloc(cap);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", who);
        fclose(fp);
        return -1;
    }
    size_t k;
    while (n < cap && (k = fread(p + n, 1, cap - n, fp)) > 0)
        n += k;
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        fprintf(stderr, "%s: cannot read %s\n", who, path);
        free(p);
        return -1;
    }
    if (n > max) {
        fprintf(stderr, "%s: %s is larger than %zu bytes\n", who, path, max);
        free(p);
        return -1;
    }
    *buf = p;
    *len = n;
    return 0;
}
