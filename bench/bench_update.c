/* The device client end to end: abota_update_run with the POSIX port (real
 * TCP sockets, the file-backed NOR flash) into a fresh simulated flash for
 * each run, timed inside the process so no process startup is counted.
 * bench/bench_download.sh puts the figures beside curl's on the same server.
 *
 *   bench_update --url URL --flash FILE [--runs N] [--buf BYTES] [--no-probe]
 *   bench_update --fetch-only --url URL [--runs N] [--buf BYTES]
 *
 * --fetch-only times the transport alone: the same POSIX net port, receive
 * buffer and HTTP parser, one GET, body bytes dropped (no flash, no hashes),
 * so the rest of an update's time can be put down to flash and hashing.
 *
 * Prints one line of key=value pairs: medians over the runs of the whole
 * update (download, verification from flash, boot record) and of the
 * download alone (until the last byte is in the slot), the image size and
 * the bytes received on the wire. */
#include <stdio.h>
#include <unistd.h>

#include "abota/boot.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/port_posix.h"
#include "abota/sha256.h"
#include "abota/update.h"
#include "bench_util.h"

#define MAX_RUNS 100

/* The device the update starts from: a small v0.0.1 image in slot 1,
 * confirmed (the engine updates only from an image the boot record
 * describes). Not timed. */
static int install_running(const struct abota_flash *f, const struct abota_layout *l)
{
    enum { PAYLOAD = 1024 };
    static uint8_t img[PAYLOAD + 16 + ABOTA_FOOTER_SIZE];
    for (unsigned i = 0; i < PAYLOAD; i++)
        img[i] = (uint8_t)(i * 7u);
    uint32_t foot = abota_image_footer_offset(PAYLOAD);
    memset(img + PAYLOAD, 0xFF, foot - PAYLOAD);
    struct abota_footer ft;
    memset(&ft, 0, sizeof ft);
    ft.payload_len = PAYLOAD;
    ft.version = 1u;
    ft.target_slot = ABOTA_SLOT_1;
    ft.crc32 = abota_crc32_update(0, img, PAYLOAD);
    abota_sha256(img, PAYLOAD, ft.sha256);
    abota_footer_encode(&ft, img + foot);
    uint32_t len = abota_image_total_len(PAYLOAD);
    const struct abota_region *r = abota_layout_slot(l, ABOTA_SLOT_1);
    int rc = abota_flash_erase(f, r->offset);
    if (rc >= 0)
        rc = abota_flash_write(f, r->offset, img, len);
    return rc < 0 ? rc : abota_boot_confirm(f, l, ABOTA_SLOT_1);
}

/* The spare slot as most updates find it: an older image in every sector
 * (unless --blank-spare: a device's first update), so each sector the new
 * image reaches must be erased. Not timed. */
static int fill_spare(const struct abota_flash *f, const struct abota_layout *l)
{
    static uint8_t old[4096];
    memset(old, 0x5A, sizeof old);
    const struct abota_region *r = abota_layout_slot(l, ABOTA_SLOT_2);
    for (uint32_t a = 0; a < r->size; a += f->sector_size) {
        uint32_t n = f->sector_size < sizeof old ? f->sector_size : (uint32_t)sizeof old;
        int rc = abota_flash_erase(f, r->offset + a);
        if (rc >= 0)
            rc = abota_flash_write(f, r->offset + a, old, n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

struct probe {
    double t0, downloaded;
    uint32_t image;
};

static void on_event(void *arg, const struct abota_update_event *ev)
{
    struct probe *p = arg;
    if (ev->step == ABOTA_EV_PROGRESS && ev->total && ev->done == ev->total) {
        p->downloaded = bench_now() - p->t0;
        p->image = ev->total;
    }
}

/* One GET of url (no "%d" in it) through the port and the parser; returns
 * the body length or a negative error. */
static int64_t fetch_once(struct abota_posix_net *net, const char *url, uint8_t *buf,
                          size_t buf_size, uint32_t *wire)
{
    static struct abota_url u;
    static struct abota_http p;
    int rc = abota_url_parse(url, &u);
    if (rc < 0)
        return rc;
    struct abota_http_request rq;
    memset(&rq, 0, sizeof rq);
    rq.url = &u;
    int len = abota_http_request_build(&rq, (char *)buf, buf_size);
    if (len < 0)
        return len;
    rc = net->port.connect(net->port.ctx, u.host, u.port, 5000);
    if (rc < 0)
        return rc;
    for (int sent = 0; sent < len;) {
        int n = net->port.send(net->port.ctx, buf + sent, (size_t)(len - sent), 5000);
        if (n < 0) {
            net->port.close(net->port.ctx);
            return n;
        }
        sent += n;
    }
    abota_http_init(&p, false);
    int64_t body = 0;
    *wire = 0;
    while (!abota_http_done(&p)) {
        int n = net->port.recv(net->port.ctx, buf, buf_size, 5000);
        if (n <= 0) {
            net->port.close(net->port.ctx);
            return n < 0 ? n : abota_http_eof(&p) < 0 ? ABOTA_ERR_HTTP_TRUNCATED : body;
        }
        *wire += (uint32_t)n;
        int stalls = 0;
        for (int off = 0; off < n && !abota_http_done(&p);) {
            const uint8_t *b;
            size_t bl;
            int c = abota_http_feed(&p, buf + off, (size_t)(n - off), &b, &bl);
            /* Taking nothing twice in a row means it is stuck. */
            stalls = c == 0 ? stalls + 1 : 0;
            if (c < 0 || stalls > 1) {
                net->port.close(net->port.ctx);
                return c < 0 ? c : ABOTA_ERR_STATE;
            }
            off += c;
            body += (int64_t)bl;
        }
    }
    net->port.close(net->port.ctx);
    return p.resp.status == 200 ? body : ABOTA_ERR_HTTP_STATUS;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_update --url URL --flash FILE [--runs N] [--buf BYTES] [--no-probe]\n"
            "                    [--blank-spare]\n"
            "       bench_update --fetch-only --url URL [--runs N] [--buf BYTES]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *path = NULL;
    int runs = 5;
    size_t buf_size = 1460;
    int no_probe = 0, fetch_only = 0, blank_spare = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            url = argv[++i];
        else if (strcmp(argv[i], "--flash") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--buf") == 0 && i + 1 < argc)
            buf_size = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--no-probe") == 0)
            no_probe = 1;
        else if (strcmp(argv[i], "--fetch-only") == 0)
            fetch_only = 1;
        else if (strcmp(argv[i], "--blank-spare") == 0)
            blank_spare = 1;
        else
            usage();
    }
    if (!url || (!path && !fetch_only) || runs < 1 || runs > MAX_RUNS || buf_size < ABOTA_UPDATE_BUF_MIN)
        usage();

    const struct abota_layout *layout = abota_posix_layout_find("esp8266-2m");
    uint8_t *buf = malloc(buf_size);
    if (!layout || !buf)
        return 1;
    double total[MAX_RUNS], download[MAX_RUNS];
    uint32_t wire = 0, image = 0, requests = 0;
    if (fetch_only) {
        static struct abota_posix_net net;
        abota_posix_net_init(&net);
        for (int r = 0; r < runs; r++) {
            double t0 = bench_now();
            int64_t body = fetch_once(&net, url, buf, buf_size, &wire);
            total[r] = bench_now() - t0;
            if (body < 0) {
                fprintf(stderr, "bench_update: fetch: %s\n", abota_strerror((int)body));
                return 1;
            }
            image = (uint32_t)body;
        }
        free(buf);
        double t = bench_median(total, runs);
        printf("runs=%d buf=%lu image=%lu wire=%lu fetch_ms=%.3f fetch_mbps=%.1f\n", runs,
               (unsigned long)buf_size, (unsigned long)image, (unsigned long)wire, t * 1e3,
               image / t / 1e6);
        return 0;
    }
    uint64_t erases = 0, programs = 0, bytes_read = 0;
    for (int r = 0; r < runs; r++) {
        static struct abota_posix_flash flash;
        static struct abota_posix_net net;
        static struct abota_posix_clock clk;
        static struct abota_update up;
        int rc = abota_posix_flash_open(&flash, path, layout->flash_size, layout->sector_size,
                                        layout->write_align, ABOTA_POSIX_FLASH_CREATE);
        if (rc < 0) {
            fprintf(stderr, "bench_update: %s: %s\n", path, abota_strerror(rc));
            return 1;
        }
        rc = install_running(&flash.port, layout);
        if (rc >= 0 && !blank_spare)
            rc = fill_spare(&flash.port, layout);
        if (rc < 0) {
            fprintf(stderr, "bench_update: installing the running image: %s\n",
                    abota_strerror(rc));
            return 1;
        }
        abota_posix_net_init(&net);
        abota_posix_clock_init(&clk);
        struct abota_update_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.url = url;
        cfg.no_footer_probe = no_probe != 0;
        cfg.max_attempts = 1; /* a retry would hide a problem behind its back-off */
        rc = abota_update_init(&up, &cfg, &flash.port, layout, &net.port, &clk.port, buf,
                               buf_size);
        if (rc < 0) {
            fprintf(stderr, "bench_update: init: %s\n", abota_strerror(rc));
            return 1;
        }
        /* Flash operations of the update alone. */
        uint64_t erases0 = flash.erases, writes0 = flash.writes, read0 = flash.bytes_read;
        struct probe pr = {0, 0, 0};
        abota_update_set_callback(&up, on_event, &pr);
        pr.t0 = bench_now();
        rc = abota_update_run(&up, ABOTA_SLOT_1);
        total[r] = bench_now() - pr.t0;
        download[r] = pr.downloaded;
        erases = flash.erases - erases0;
        programs = flash.writes - writes0;
        bytes_read = flash.bytes_read - read0;
        abota_posix_flash_close(&flash);
        if (rc < 0) {
            fprintf(stderr, "bench_update: run %d: %s (%s)\n", r + 1, abota_strerror(rc),
                    abota_strerror_name(rc));
            return 1;
        }
        wire = up.bytes_received;
        image = pr.image;
        requests = up.attempts;
    }
    unlink(path);
    free(buf);
    double t = bench_median(total, runs), d = bench_median(download, runs);
    printf("runs=%d buf=%lu probe=%s image=%lu wire=%lu requests=%lu total_ms=%.3f "
           "download_ms=%.3f total_mbps=%.1f download_mbps=%.1f erases=%llu programs=%llu "
           "read_per_byte=%.2f\n",
           runs, (unsigned long)buf_size, no_probe ? "no" : "yes", (unsigned long)image,
           (unsigned long)wire, (unsigned long)requests, t * 1e3, d * 1e3, image / t / 1e6,
           image / d / 1e6, (unsigned long long)erases, (unsigned long long)programs,
           image ? (double)bytes_read / image : 0.0);
    return 0;
}
