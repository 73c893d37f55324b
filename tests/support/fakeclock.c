#include "fakeclock.h"

#include <string.h>

static uint32_t fc_now(void *ctx)
{
    struct fakeclock *c = ctx;
    c->calls++;
    c->now += c->step; /* wraps like a real 32-bit ms counter */
    return c->now;
}

static void fc_sleep(void *ctx, uint32_t ms)
{
    struct fakeclock *c = ctx;
    c->slept += ms;
    c->now += ms;
}

static uint32_t fc_random(void *ctx)
{
    struct fakeclock *c = ctx;
    uint32_t x = c->rnd;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c->rnd = x;
    return x;
}

void fakeclock_init(struct fakeclock *c, uint32_t start, uint32_t step)
{
    memset(c, 0, sizeof *c);
    c->now = start;
    c->step = step;
    c->rnd = 0x9E3779B9u;
    c->port.ctx = c;
    c->port.now_ms = fc_now;
    c->port.sleep_ms = fc_sleep;
    c->port.random = fc_random;
}

void fakeclock_advance(struct fakeclock *c, uint32_t ms)
{
    c->now += ms;
}
