/* File helpers shared by the CLI commands. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

bool cli_is_stdio(const char *path)
{
    return strcmp(path, "-") == 0;
}

int cli_read_file(const char *who, const char *path, size_t max, uint8_t **buf, size_t *len)
{
    bool std = cli_is_stdio(path);
    FILE *fp = std ? stdin : fopen(path, "rb");
    if (std)
        path = "standard input";
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
    int failed = ferror(fp) ? errno : 0;
    if (!std)
        fclose(fp);
    if (failed) {
        fprintf(stderr, "%s: cannot read %s: %s\n", who, path, strerror(failed));
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

/* "-": the bytes go to standard output as they are. */
static int write_stdout(const char *who, const void *a, size_t alen, const void *b, size_t blen)
{
    if (fwrite(a, 1, alen, stdout) == alen && (blen == 0 || fwrite(b, 1, blen, stdout) == blen) &&
        fflush(stdout) == 0)
        return 0;
    fprintf(stderr, "%s: cannot write to standard output: %s\n", who, strerror(errno));
    return -1;
}

int cli_write_file(const char *who, const char *path, const void *a, size_t alen,
                   const void *b, size_t blen, unsigned mode, int overwrite)
{
    if (cli_is_stdio(path))
        return write_stdout(who, a, alen, b, blen);
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
    if (!tmp) {
        fprintf(stderr, "%s: out of memory\n", who);
        return -1;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    /* mkstemp creates the file 0600: a private key is never readable by
     * others, not even for a moment, whatever the umask. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot create a temporary file beside %s: %s\n", who, path,
                strerror(errno));
        free(tmp);
        return -1;
    }
    FILE *fp = fdopen(fd, "wb");
    int ok = fp != NULL;
    if (ok)
        ok = fwrite(a, 1, alen, fp) == alen && (blen == 0 || fwrite(b, 1, blen, fp) == blen) &&
             fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    if (fp)
        ok = (fclose(fp) == 0) && ok;
    else
        close(fd);
    if (ok && chmod(tmp, (mode_t)mode) != 0)
        ok = 0;
    int exists = 0;
    if (ok && overwrite == CLI_OVERWRITE) {
        ok = rename(tmp, path) == 0;
    } else if (ok) {
        /* link() fails when path exists: no check-then-write race. */
        ok = link(tmp, path) == 0;
        exists = !ok && errno == EEXIST;
        unlink(tmp);
    }
    if (!ok) {
        if (exists)
            fprintf(stderr, "%s: %s already exists: not overwriting it (--force replaces it)\n",
                    who, path);
        else
            fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
