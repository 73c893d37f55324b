/* abota_crc32_update as this build has it (ABOTA_CRC32_TABLE256, on for
 * the host: the 256-entry byte table) and the 16-entry nibble table the
 * targets use (64 bytes of DRAM on the ESP8266), both against zlib's crc32()
 * over the same buffers. */
#include <stdio.h>
#include <zlib.h>

#include "abota/config.h"
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

/* src/core/storage/crc32.c with the nibble table, under this name (CMakeLists.txt). */
uint32_t bench_crc32_nibble_update(uint32_t crc, const void *data, size_t len);

static uint64_t run_nibble(void *arg)
{
    struct job *j = arg;
    uint64_t done = 0;
    do {
        j->sink ^= bench_crc32_nibble_update(0, j->buf, j->len);
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

    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < MAX_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }

    printf("bench_crc32: abota_crc32_update (%s) and the nibble table vs zlib crc32() (%s)\n",
           ABOTA_CRC32_TABLE256 ? "256-entry table" : "nibble table", zlibVersion());
    printf("%10s %11s %12s %11s %11s %12s %13s\n", "bytes", "abota MB/s", "nibble MB/s",
           "zlib MB/s", "abota/zlib", "nibble/zlib", "abota/nibble");
    int fails = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct job a = {buf, sizes[i], 0}, z = {buf, sizes[i], 0}, n = {buf, sizes[i], 0};
        uint32_t want = (uint32_t)crc32(0L, buf, (uInt)sizes[i]);
        if (abota_crc32_update(0, buf, sizes[i]) != want ||
            bench_crc32_nibble_update(0, buf, sizes[i]) != want) {
            fprintf(stderr, "bench_crc32: CRC differs from zlib at %lu bytes\n",
                    (unsigned long)sizes[i]);
            fails++;
            continue;
        }
        double ma, mz, mn, mz2;
        bench_pair(run_abota, &a, run_zlib, &z, min_s, rounds, &ma, &mz);
        bench_pair(run_nibble, &n, run_zlib, &z, min_s, rounds, &mn, &mz2);
        printf("%10lu %11.1f %12.1f %11.1f %11.3f %12.3f %13.3f\n", (unsigned long)sizes[i], ma,
               mn, mz, ma / mz, mn / mz2, (ma / mz) / (mn / mz2));
    }
    return fails ? 1 : 0;
}
