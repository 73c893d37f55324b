/* Shared by the fuzz targets: the libFuzzer entry point and a check that
 * stops the run with the failed condition's text and line, so a finding
 * says which property broke. The same sources build either with libFuzzer
 * (-fsanitize=fuzzer) or with replay.c's main, which runs saved inputs as a
 * regression test in the normal build. */
#ifndef ABOTA_FUZZ_H
#define ABOTA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                   \
        }                                                                              \
    } while (0)

#endif
