/* Clock port: monotonic milliseconds, sleeping, random bits. */
#include "abota/port_posix.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "posix_rng.h"

static uint32_t clock_now_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* Truncation to 32 bits is the documented wrap. */
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static void clock_sleep_ms(void *ctx, uint32_t ms)
{
    struct timespec req = {.tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L};
    struct timespec rem;
    (void)ctx;
    /* A signal must not shorten the sleep: continue with what is left. */
    while (nanosleep(&req, &rem) != 0 && errno == EINTR)
        req = rem;
}

static uint32_t clock_random(void *ctx)
{
    struct abota_posix_clock *c = ctx;
    uint32_t v;
    if (c->seeded)
        return (uint32_t)(posix_rng_next(&c->_rng) >> 32);
    /* Jitter only: if getrandom() cannot deliver, fall back to the
     * generator, seeded once from the clock. */
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
        return v;
    if (c->_rng == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        c->_rng = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
    return (uint32_t)(posix_rng_next(&c->_rng) >> 32);
}

void abota_posix_clock_init(struct abota_posix_clock *c)
{
    memset(c, 0, sizeof *c);
    c->port.ctx = c;
    c->port.now_ms = clock_now_ms;
    c->port.sleep_ms = clock_sleep_ms;
    c->port.random = clock_random;
}

void abota_posix_clock_seed(struct abota_posix_clock *c, uint64_t seed)
{
    c->seeded = 1;
    c->_rng = seed;
}
