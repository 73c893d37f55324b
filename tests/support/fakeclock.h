/* A clock port for tests: time moves only when the code under test looks at
 * it (step ms per now_ms call) or sleeps, so timing tests are exact and
 * instant. Portable (runs on the target CPUs too). */
#ifndef ABOTA_TEST_FAKECLOCK_H
#define ABOTA_TEST_FAKECLOCK_H

#include <stdint.h>

#include "abota/net.h"

struct fakeclock {
    uint32_t now;      /* ms; may start near the wrap to test it */
    uint32_t step;     /* added before each now_ms() returns */
    unsigned calls;    /* now_ms calls */
    uint32_t slept;    /* total ms passed to sleep_ms */
    uint32_t rnd;      /* xorshift32 state for random() */
    struct abota_clock port;
};

void fakeclock_init(struct fakeclock *c, uint32_t start, uint32_t step);

/* Moves time forward (the fake net calls it when it "waits"). */
void fakeclock_advance(struct fakeclock *c, uint32_t ms);

#endif
