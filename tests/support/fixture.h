/* Reading test material: files named by path (the Espressif-format bins,
 * espbins.h) and tests/data. Uses only stdio, which works on the host and,
 * through semihosting, under QEMU. */
#ifndef ABOTA_TEST_FIXTURE_H
#define ABOTA_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* Reads the file at path into buf (at most cap bytes). Returns the length.
 * A missing file fails the test with a message that names the path: it
 * never passes silently. */
size_t fixture_load(const char *path, uint8_t *buf, size_t cap);

/* Reads tests/data/<rel>; same contract. */
size_t testdata_load(const char *rel, uint8_t *buf, size_t cap);

/* Streams the file at path through fn in chunks of at most 1 KiB, so big
 * files need no big buffer (the target CPUs have ~80 KiB of RAM). Returns
 * the length; a missing file fails like fixture_load. */
size_t fixture_stream(const char *path, void (*fn)(void *arg, const uint8_t *p, size_t n),
                      void *arg);

/* Deterministic pseudo-random bytes (xorshift32), seed != 0. */
void fill_random(uint8_t *buf, size_t len, uint32_t seed);

#endif
