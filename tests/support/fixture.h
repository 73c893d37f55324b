/* Reading test material: ../shared/fixtures (real Espressif bins) and
 * tests/data. Uses only stdio, which works on the host and, through
 * semihosting, under QEMU. */
#ifndef ABOTA_TEST_FIXTURE_H
#define ABOTA_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* Reads ABOTA_SHARED_DIR "/fixtures/" rel into buf (at most cap bytes).
 * Returns the length. A missing file fails the test with a message that
 * names the path and says ../shared is needed: it never passes silently. */
size_t fixture_load(const char *rel, uint8_t *buf, size_t cap);

/* Reads tests/data/<rel>; same contract. */
size_t testdata_load(const char *rel, uint8_t *buf, size_t cap);

/* Streams a fixture through fn in chunks of at most 1 KiB, so big files need
 * no big buffer (the target CPUs have ~80 KiB of RAM). Returns the length;
 * a missing file fails like fixture_load. */
size_t fixture_stream(const char *rel, void (*fn)(void *arg, const uint8_t *p, size_t n),
                      void *arg);

/* Full path of a fixture (static buffer). */
const char *fixture_path(const char *rel);

/* Deterministic pseudo-random bytes (xorshift32), seed != 0. */
void fill_random(uint8_t *buf, size_t len, uint32_t seed);

#endif
