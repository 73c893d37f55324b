/* Runs fuzz target inputs without libFuzzer: every file named on the command
 * line, or every file in a directory named there, goes once through
 * LLVMFuzzerTestOneInput. Built in the normal (gcc, sanitizer, valgrind)
 * builds so the corpus is a regression test everywhere. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX (1u << 20)

static uint8_t input[REPLAY_MAX];

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    size_t n;
    if (!fp) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    n = fread(input, 1, sizeof input, fp);
    fclose(fp);
    /* A fresh heap copy of exactly n bytes, so ASan and valgrind see a read
     * past the end of the input. */
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return 1;
    memcpy(copy, input, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

static int run_path(const char *path, unsigned *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file or directory: %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return run_file(path);
    }
    DIR *d = opendir(path);
    struct dirent *e;
    int bad = 0;
    if (!d)
        return 1;
    while ((e = readdir(d)) != NULL) {
        char full[4096];
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(full, sizeof full, "%s/%s", path, e->d_name) >= (int)sizeof full)
            return 1;
        bad |= run_path(full, count);
    }
    closedir(d);
    return bad;
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    int bad = 0;
    for (int i = 1; i < argc; i++)
        bad |= run_path(argv[i], &count);
    if (count == 0) {
        fprintf(stderr, "replay: no inputs\n");
        return 1;
    }
    printf("replay: %u inputs, all passed\n", count);
    return bad;
}
