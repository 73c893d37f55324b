#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef ABOTA_TEST_DATA_DIR
#define ABOTA_TEST_DATA_DIR "tests/data"
#endif

static FILE *open_or_fail(const char *path, const char *hint)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "FATAL: cannot open %s%s\n", path, hint);
        exit(2);
    }
    return fp;
}

static size_t load(const char *path, uint8_t *buf, size_t cap, const char *hint)
{
    FILE *fp = open_or_fail(path, hint);
    size_t n = fread(buf, 1, cap, fp);
    int more = fgetc(fp) != EOF;
    fclose(fp);
    if (more) {
        fprintf(stderr, "FATAL: %s is larger than the test's buffer (%lu bytes)\n", path,
                (unsigned long)cap);
        exit(2);
    }
    return n;
}

size_t fixture_load(const char *path, uint8_t *buf, size_t cap)
{
    return load(path, buf, cap, "");
}

size_t testdata_load(const char *rel, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", ABOTA_TEST_DATA_DIR, rel);
    return load(path, buf, cap, ": tests/data is part of the repository");
}

size_t fixture_stream(const char *path, void (*fn)(void *arg, const uint8_t *p, size_t n),
                      void *arg)
{
    uint8_t chunk[1024];
    FILE *fp = open_or_fail(path, "");
    size_t total = 0, n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        fn(arg, chunk, n);
        total += n;
    }
    fclose(fp);
    return total;
}

void fill_random(uint8_t *buf, size_t len, uint32_t seed)
{
    uint32_t x = seed ? seed : 1u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
}
