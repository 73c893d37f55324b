/* A small deterministic generator (splitmix64) shared by the POSIX port's
 * files: fast, good enough for torn-write patterns and retry jitter, and the
 * same sequence for the same seed on every host. Not cryptographic. */
#ifndef ABOTA_POSIX_RNG_H
#define ABOTA_POSIX_RNG_H

#include <stdint.h>

static inline uint64_t posix_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A value in [0, n) for n > 0; the modulo bias is negligible for the small
 * n used here. */
static inline uint32_t posix_rng_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(posix_rng_next(state) % n);
}

#endif
