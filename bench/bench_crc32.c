/* abota_crc32_update (16-entry nibble table, by design: 64 bytes of DRAM on
 * the ESP8266) against zlib's crc32() over the same buffers. A third column
 * times a plain 256-entry byte table (1 KiB, built here, bench-only): what a
 * byte-table build option would buy. */
#include <stdio.h>
#include <zlib.h>

#include "abota/crc32.h"
#include "bench_util.h"

#define MAX_LEN (1024u * 1024u)

struct job {
    const uint8_t *buf;
    size_t len;
    uint32_t sink;
};

/* Each call covers about 256 KiB so the clock is read rarely for small sizes. */
static uint64_t run_abota(void *arg)
{
    struct job *j = arg;
    uint64_t done = 0;
    do {
        j->sink ^= abota_crc32_update(0, j->buf, j->len);
        done += j->len;
    } while (done < 256u * 1024u);
    return done;
}

/* The classic byte-at-a-time table, for comparison only. */
static uint32_t table256[256];

static void table256_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1u ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        table256[i] = c;
    }
}

static uint32_t crc_table256(uint32_t crc, const uint8_t *p, size_t len)
{
    crc = ~crc;
    while (len--)
        crc = (crc >> 8) ^ table256[(crc ^ *p++) & 0xFFu];
    return ~crc;
}

static uint64_t run_table256(void *arg)
{
    struct job *j = arg;
    uint64_t done = 0;
    do {
        j->sink ^= crc_table256(0, j->buf, j->len);
        done += j->len;
    } while (done < 256u * 1024u);
    return done;
}

static uint64_t run_zlib(void *arg)
{
    struct job *j = arg;
    uint64_t done = 0;
    do {
        j->sink ^= (uint32_t)crc32(0L, j->buf, (uInt)j->len);
        done += j->len;
    } while (done < 256u * 1024u);
    return done;
}

int main(void)
{
    static uint8_t buf[MAX_LEN];
    static const size_t sizes[] = {64, 256, 1024, 4096, 65536, MAX_LEN};
    double min_s;
    int rounds;
    bench_budget(&min_s, &rounds);

    table256_init();
    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < MAX_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }

    printf("bench_crc32: abota_crc32_update vs zlib crc32() (%s)\n", zlibVersion());
    printf("%10s %11s %11s %14s %11s %14s\n", "bytes", "abota MB/s", "zlib MB/s", "table256 MB/s",
           "abota/zlib", "table256/zlib");
    int fails = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct job a = {buf, sizes[i], 0}, z = {buf, sizes[i], 0}, t = {buf, sizes[i], 0};
        uint32_t want = (uint32_t)crc32(0L, buf, (uInt)sizes[i]);
        if (abota_crc32_update(0, buf, sizes[i]) != want || crc_table256(0, buf, sizes[i]) != want) {
            fprintf(stderr, "bench_crc32: CRC differs from zlib at %lu bytes\n",
                    (unsigned long)sizes[i]);
            fails++;
            continue;
        }
        double ma, mz, mt, mz2;
        bench_pair(run_abota, &a, run_zlib, &z, min_s, rounds, &ma, &mz);
        bench_pair(run_table256, &t, run_zlib, &z, min_s, rounds, &mt, &mz2);
        printf("%10lu %11.1f %11.1f %14.1f %11.3f %14.3f\n", (unsigned long)sizes[i], ma, mz, mt,
               ma / mz, mt / mz2);
    }
    return fails ? 1 : 0;
}
