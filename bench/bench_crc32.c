/* abota_crc32_update as this build links it (on the host zlib's, ABOTA_CRC32_ZLIB,
 * or one of the core's tables) and the core's two tables under their own names
 * (CMakeLists.txt): the 256-entry byte table (ABOTA_CRC32_TABLE256) and the
 * 16-entry nibble table the targets use (64 bytes of DRAM on the ESP8266), each
 * against zlib's crc32() over the same buffers, interleaved (bench_pair). */
#include <stdio.h>
#include <zlib.h>

#include "abota/crc32.h"
#include "bench_util.h"

#define MAX_LEN (1024u * 1024u)

typedef uint32_t (*crc_fn)(uint32_t crc, const void *data, size_t len);

/* src/core/storage/crc32.c under these names (CMakeLists.txt). */
uint32_t bench_crc32_table256_update(uint32_t crc, const void *data, size_t len);
uint32_t bench_crc32_nibble_update(uint32_t crc, const void *data, size_t len);

static uint32_t zlib_update(uint32_t crc, const void *data, size_t len)
{
    return (uint32_t)crc32(crc, data, (uInt)len);
}

struct job {
    crc_fn fn;
    const uint8_t *buf;
    size_t len;
    uint32_t sink;
};

/* Each call covers about 256 KiB so the clock is read rarely for small sizes. */
static uint64_t run(void *arg)
{
    struct job *j = arg;
    uint64_t done = 0;
    do {
        j->sink ^= j->fn(0, j->buf, j->len);
        done += j->len;
    } while (done < 256u * 1024u);
    return done;
}

int main(void)
{
    static uint8_t buf[MAX_LEN];
    static const size_t sizes[] = {64, 256, 1024, 4096, 65536, MAX_LEN};
    static const struct {
        const char *name;
        crc_fn fn;
    } impl[] = {
        {"abota", abota_crc32_update},
        {"table256", bench_crc32_table256_update},
        {"nibble", bench_crc32_nibble_update},
    };
    enum { NIMPL = sizeof impl / sizeof impl[0] };
    double min_s;
    int rounds;
    bench_budget(&min_s, &rounds);

    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < MAX_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }

    printf("bench_crc32: MB/s of abota_crc32_update (as linked: %s), the core's byte\n"
           "and nibble tables, each over zlib crc32() (%s) run interleaved with it\n",
           ABOTA_BENCH_CRC32_LINKED, zlibVersion());
    printf("%10s", "bytes");
    for (int k = 0; k < NIMPL; k++)
        printf(" %10s %8s", impl[k].name, "/zlib");
    printf(" %10s\n", "zlib");
    int fails = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint32_t want = (uint32_t)crc32(0L, buf, (uInt)sizes[i]);
        printf("%10lu", (unsigned long)sizes[i]);
        double mz = 0;
        for (int k = 0; k < NIMPL; k++) {
            if (impl[k].fn(0, buf, sizes[i]) != want) {
                fprintf(stderr, "bench_crc32: %s differs from zlib at %lu bytes\n", impl[k].name,
                        (unsigned long)sizes[i]);
                fails++;
            }
            struct job a = {impl[k].fn, buf, sizes[i], 0}, z = {zlib_update, buf, sizes[i], 0};
            double ma;
            bench_pair(run, &a, run, &z, min_s, rounds, &ma, &mz);
            printf(" %10.1f %8.3f", ma, ma / mz);
        }
        printf(" %10.1f\n", mz);
    }
    return fails ? 1 : 0;
}
