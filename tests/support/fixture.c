#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef ABOTA_SHARED_DIR
#define ABOTA_SHARED_DIR "../shared"
#endif
#ifndef ABOTA_TEST_DATA_DIR
#define ABOTA_TEST_DATA_DIR "tests/data"
#endif

static char path_buf[512];

static size_t load(const char *dir, const char *rel, uint8_t *buf, size_t cap, const char *hint)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, rel);
    FILE *fp = fopen(path_buf, "rb");
    if (!fp) {
        fprintf(stderr, "FATAL: cannot open %s: %s\n", path_buf, hint);
        exit(2);
    }
    size_t n = fread(buf, 1, cap, fp);
    int more = fgetc(fp) != EOF;
    fclose(fp);
    if (more) {
        fprintf(stderr, "FATAL: %s is larger than the test's buffer (%lu bytes)\n", path_buf,
                (unsigned long)cap);
        exit(2);
    }
    return n;
}

size_t fixture_load(const char *rel, uint8_t *buf, size_t cap)
{
    return load(ABOTA_SHARED_DIR "/fixtures", rel, buf, cap,
                "the Espressif fixtures must be in ../shared/fixtures beside the project");
}

size_t testdata_load(const char *rel, uint8_t *buf, size_t cap)
{
    return load(ABOTA_TEST_DATA_DIR, rel, buf, cap, "tests/data is part of the repository");
}

size_t fixture_stream(const char *rel, void (*fn)(void *arg, const uint8_t *p, size_t n),
                      void *arg)
{
    uint8_t chunk[1024];
    FILE *fp = fopen(fixture_path(rel), "rb");
    if (!fp) {
        fprintf(stderr, "FATAL: cannot open %s: the Espressif fixtures must be in "
                        "../shared/fixtures beside the project\n", path_buf);
        exit(2);
    }
    size_t total = 0, n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        fn(arg, chunk, n);
        total += n;
    }
    fclose(fp);
    return total;
}

const char *fixture_path(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/fixtures/%s", ABOTA_SHARED_DIR, rel);
    return path_buf;
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
