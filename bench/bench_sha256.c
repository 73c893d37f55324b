/* The built-in SHA-256 (src/crypto/sha256_builtin.c, what the device
 * targets use) against mbedTLS (the host default), same process, same data. */
#include <mbedtls/version.h>
#include <stdio.h>

#include "bench_util.h"
#include "sha256_pair.h"

#define MAX_LEN (1024u * 1024u)

struct job {
    const uint8_t *buf;
    size_t len;
    void (*hash)(const void *, size_t, uint8_t *);
    uint8_t out[ABOTA_SHA256_SIZE];
};

/* A whole hash (init, update, finish) per message, about 256 KiB per call. */
static uint64_t run(void *arg)
{
    struct job *j = arg;
    uint64_t done = 0;
    do {
        j->hash(j->buf, j->len, j->out);
        done += j->len;
    } while (done < 256u * 1024u);
    return done;
}

int main(void)
{
    static uint8_t buf[MAX_LEN];
    static const size_t sizes[] = {64, 1024, 4096, 65536, MAX_LEN};
    double min_s;
    int rounds;
    bench_budget(&min_s, &rounds);

    for (size_t i = 0; i < MAX_LEN; i++)
        buf[i] = (uint8_t)(i * 131u + (i >> 9));

    printf("bench_sha256: built-in SHA-256 vs mbedTLS %s\n", MBEDTLS_VERSION_STRING);
    printf("%10s %14s %14s %16s\n", "bytes", "builtin MB/s", "mbedTLS MB/s", "builtin/mbedTLS");
    int fails = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct job b = {buf, sizes[i], bench_builtin_sha256, {0}};
        struct job m = {buf, sizes[i], bench_mbedtls_sha256, {0}};
        run(&b);
        run(&m);
        if (memcmp(b.out, m.out, sizeof b.out) != 0) {
            fprintf(stderr, "bench_sha256: digests differ at %lu bytes\n",
                    (unsigned long)sizes[i]);
            fails++;
            continue;
        }
        double mb, mm;
        bench_pair(run, &b, run, &m, min_s, rounds, &mb, &mm);
        printf("%10lu %14.1f %14.1f %16.3f\n", (unsigned long)sizes[i], mb, mm, mb / mm);
    }
    return fails ? 1 : 0;
}
