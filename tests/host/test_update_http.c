/* The update engine over real sockets (the POSIX transport and clock)
 * against a real, independent HTTP server: Python's http.server, which
 * ignores Range (so the footer probe falls back to its 200 answer) and
 * answers HTTP/1.0. The server runs as a child process for the whole
 * program and is stopped at the end, whatever happened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/port_posix.h"
#include "abota/update.h"
#include "dropnet.h"
#include "fixture.h"
#include "ramflash.h"
#include "testimg.h"

static char dir[64];
static char path_img[128];
static pid_t server_pid = -1;
static uint16_t server_port;

static uint8_t flash_mem[TESTIMG_FLASH_SIZE];
static uint8_t img[TESTIMG_SLOT_SIZE];
static uint8_t snap[2 * TESTIMG_SECTOR];
static uint8_t rxbuf[1460];
static uint32_t img_len;

static struct {
    struct abota_layout layout;
    struct ramflash rf;
    struct dropnet drop;
    struct abota_posix_net net;
    struct abota_posix_clock clock;
    struct abota_update up;
    struct abota_update_config cfg;
    char url[128];
} t;

/* A port nobody listens on right now (bound, then released). */
static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static int can_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static int start_server(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/abota-update-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path_img, sizeof path_img, "%s/user2.bin", dir);
    img_len = testimg_build(img, sizeof img, 11000, 42, ABOTA_SLOT_ANY, 0x01020003u);
    FILE *f = fopen(path_img, "wb");
    if (!f || fwrite(img, 1, img_len, f) != img_len || fclose(f) != 0)
        return -1;

    server_port = free_port();
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)server_port);
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(126);
        execlp("python3", "python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory",
               dir, port, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) { /* up to 10 s for Python to start */
        if (can_connect(server_port))
            return 0;
        int st;
        if (waitpid(server_pid, &st, WNOHANG) == server_pid) {
            fprintf(stderr, "python3 -m http.server did not start (python3 is needed)\n");
            server_pid = -1;
            return -1;
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

static int stop_server(void **state)
{
    (void)state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = -1;
    }
    unlink(path_img);
    rmdir(dir);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof t);
    testimg_layout(&t.layout, 4);
    ramflash_init_layout(&t.rf, flash_mem, &t.layout);
    t.rf.lock_lo = t.layout.slot[0].offset;
    t.rf.lock_hi = t.layout.slot[0].offset + t.layout.slot[0].size;
    struct abota_bootrec rec;
    memset(&rec, 0, sizeof rec);
    rec.active = 1;
    rec.slot[0].length = 4096;
    rec.slot[0].crc32 = 1;
    rec.slot[0].version = 0x01000000u;
    assert_int_equal(abota_bootrec_write(&t.rf.port, &t.layout, &rec), 0);
    memcpy(snap, flash_mem + t.layout.bootrec[0], TESTIMG_SECTOR);
    memcpy(snap + TESTIMG_SECTOR, flash_mem + t.layout.bootrec[1], TESTIMG_SECTOR);
    abota_posix_net_init(&t.net);
    abota_posix_clock_init(&t.clock);
    snprintf(t.url, sizeof t.url, "http://127.0.0.1:%u/user%%d.bin", (unsigned)server_port);
    t.cfg.url = t.url;
    t.cfg.deadline_ms = 20000;
    return 0;
}

static int run(void)
{
    assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    int r = abota_update_run(&t.up, ABOTA_SLOT_1);
    assert_int_equal(t.rf.lock_violations, 0);
    return r;
}

static void assert_installed(void)
{
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, &t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.slot[1].length, img_len);
    assert_int_equal(rec.slot[1].crc32, abota_crc32_update(0, img, img_len));
    assert_int_equal(rec.slot[1].version, 0x01020003u);
    assert_memory_equal(flash_mem + t.layout.slot[1].offset, img, img_len);
    assert_true(t.up.bytes_received > img_len);
}

static void assert_untouched(void)
{
    assert_memory_equal(flash_mem + t.layout.bootrec[0], snap, TESTIMG_SECTOR);
    assert_memory_equal(flash_mem + t.layout.bootrec[1], snap + TESTIMG_SECTOR, TESTIMG_SECTOR);
}

/* Probe on (the default): the server answers 200 to the Range request and
 * that answer is the download. */
static void test_update_with_probe(void **state)
{
    (void)state;
    assert_int_equal(run(), 0);
    assert_installed();
    assert_int_equal(t.net.connects, 1);
}

static void test_update_http10_no_probe(void **state)
{
    (void)state;
    t.cfg.no_footer_probe = true;
    t.cfg.http10 = true;
    assert_int_equal(run(), 0);
    assert_installed();
}

/* http.server ignores Range: after a drop, the resume request is answered
 * with 200 and the download starts over cleanly. */
static void test_drop_restarts(void **state)
{
    (void)state;
    struct dropnet *d = &t.drop;
    dropnet_init(d);
    d->cut[0] = 6000; /* the first connection is reset after 6000 bytes */
    d->reset[0] = true;
    t.cfg.no_footer_probe = true;
    t.cfg.retry_base_ms = 10;
    assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, &t.layout, &d->port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    assert_int_equal(abota_update_run(&t.up, ABOTA_SLOT_1), 0);
    assert_int_equal(t.rf.lock_violations, 0);
    assert_installed();
    assert_int_equal(d->conns, 2);
    assert_int_equal(t.up.attempts, 2);
    assert_int_equal(t.up.bytes_received, 6000 + d->got);
}

static void test_not_found(void **state)
{
    (void)state;
    snprintf(t.url, sizeof t.url, "http://127.0.0.1:%u/missing%%d.bin", (unsigned)server_port);
    assert_int_equal(run(), ABOTA_ERR_HTTP_NOT_FOUND);
    assert_untouched();
}

static void test_refused(void **state)
{
    (void)state;
    snprintf(t.url, sizeof t.url, "http://127.0.0.1:%u/user%%d.bin", (unsigned)free_port());
    /* Retried with real waits (10, 20, 40 ms + jitter), then the cause. */
    t.cfg.max_attempts = 4;
    t.cfg.retry_base_ms = 10;
    assert_int_equal(run(), ABOTA_ERR_NET_REFUSED);
    assert_int_equal(t.up.attempts, 4);
    assert_int_equal(t.up.last_err, ABOTA_ERR_NET_REFUSED);
    assert_untouched();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_update_with_probe, setup, NULL),
        cmocka_unit_test_setup_teardown(test_update_http10_no_probe, setup, NULL),
        cmocka_unit_test_setup_teardown(test_drop_restarts, setup, NULL),
        cmocka_unit_test_setup_teardown(test_not_found, setup, NULL),
        cmocka_unit_test_setup_teardown(test_refused, setup, NULL),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
