/* Resume over real sockets against a real server that honours Range and
 * If-Range (`abota serve`, started from the CLI on a free port for the whole
 * program and stopped at the end). Drops are injected by a net port wrapper
 * around the POSIX transport that cuts a connection after N received bytes.
 * A 400 KB image into the ESP8266 512+512 layout (in a RAM flash) measures
 * the wire cost of five drops and of a reboot in the middle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/port_posix.h"
#include "abota/update.h"
#include "dropnet.h"
#include "ramflash.h"
#include "testimg.h"

#define PAYLOAD 400000u

static char dir[64];
static char path_img[128];
static pid_t server_pid = -1;
static unsigned server_port;
static uint8_t *flash_mem; /* 1 MiB */
static uint8_t *img;       /* up to one slot */
static uint32_t img_len;
static uint8_t rxbuf[1460];

static struct {
    const struct abota_layout *layout;
    struct ramflash rf;
    struct dropnet net;
    struct abota_posix_clock clock;
    struct abota_update up;
    struct abota_update_config cfg;
    char url[128];
} t;

static int write_image(uint32_t payload, uint32_t seed, uint32_t version)
{
    img_len = testimg_build(img, 0x7A000u, payload, seed, ABOTA_SLOT_ANY, version);
    /* Replace atomically: the server may have the old one open. */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s/.new", dir);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(img, 1, img_len, f) != img_len || fclose(f) != 0)
        return -1;
    return rename(tmp, path_img);
}

static int start_server(void **state)
{
    (void)state;
    flash_mem = malloc(0x100000u);
    img = malloc(0x7A000u);
    if (!flash_mem || !img)
        return -1;
    snprintf(dir, sizeof dir, "/tmp/abota-resume-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path_img, sizeof path_img, "%s/user2.bin", dir);
    if (write_image(PAYLOAD, 42, 0x01020003u) != 0)
        return -1;

    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        /* stderr stays the test's: a server crash shows in its output. */
        execl(ABOTA_CLI, ABOTA_CLI, "serve", dir, "--bind", "127.0.0.1", "--port", "0",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    /* "abota serve: serving DIR on http://127.0.0.1:PORT/ (abota x.y.z)" */
    char line[512];
    FILE *out = fdopen(fds[0], "r");
    if (!out || !fgets(line, sizeof line, out)) {
        fprintf(stderr, "abota serve did not start (%s)\n", ABOTA_CLI);
        return -1;
    }
    fclose(out);
    const char *p = strstr(line, "http://127.0.0.1:");
    if (!p || sscanf(p, "http://127.0.0.1:%u/", &server_port) != 1)
        return -1;
    return 0;
}

static int stop_server(void **state)
{
    (void)state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = -1;
    }
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s/.new", dir);
    unlink(tmp);
    unlink(path_img);
    rmdir(dir);
    free(flash_mem);
    free(img);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof t);
    t.layout = abota_layout_find("esp8266-512+512");
    assert_non_null(t.layout);
    assert_int_not_equal(t.layout->journal, 0);
    ramflash_init_layout(&t.rf, flash_mem, t.layout);
    t.rf.lock_lo = t.layout->slot[0].offset;
    t.rf.lock_hi = t.layout->slot[0].offset + t.layout->slot[0].size;
    struct abota_bootrec rec;
    memset(&rec, 0, sizeof rec);
    rec.active = 1;
    rec.slot[0].length = 4096;
    rec.slot[0].crc32 = 1;
    rec.slot[0].version = 0x01000000u;
    assert_int_equal(abota_bootrec_write(&t.rf.port, t.layout, &rec), 0);
    dropnet_init(&t.net);
    /* Drops alternate: closed (recv 0) on even connections, reset on odd. */
    for (unsigned i = 0; i < DROPNET_MAX_CONNS; i++)
        t.net.reset[i] = (i & 1u) != 0;
    abota_posix_clock_init(&t.clock);
    snprintf(t.url, sizeof t.url, "http://127.0.0.1:%u/user%%d.bin", server_port);
    t.cfg.url = t.url;
    t.cfg.deadline_ms = 60000;
    t.cfg.retry_base_ms = 20; /* real waits: keep them short */
    t.cfg.retry_max_ms = 200;
    t.cfg.journal_every = 4096;
    return 0;
}

/* A new engine each time: a reboot between runs. */
static int run(void)
{
    assert_int_equal(abota_update_init(&t.up, &t.cfg, &t.rf.port, t.layout, &t.net.port,
                                       &t.clock.port, rxbuf, sizeof rxbuf),
                     0);
    int r = abota_update_run(&t.up, ABOTA_SLOT_1);
    assert_int_equal(t.rf.lock_violations, 0);
    return r;
}

static void assert_installed(uint32_t version)
{
    struct abota_bootrec rec;
    assert_int_equal(abota_bootrec_read(&t.rf.port, t.layout, &rec, NULL), 0);
    assert_int_equal(rec.active, 2);
    assert_int_equal(rec.trial, ABOTA_TRIAL_PENDING);
    assert_int_equal(rec.slot[1].length, img_len);
    assert_int_equal(rec.slot[1].crc32, abota_crc32_update(0, img, img_len));
    assert_int_equal(rec.slot[1].version, version);
    assert_memory_equal(flash_mem + t.layout->slot[1].offset, img, img_len);
}

static void print_ratio(const char *what, uint64_t wire)
{
    uint64_t pm = wire * 1000u / img_len;
    printf("%s: %llu bytes on the wire for a %lu-byte image: ratio %llu.%03llu\n", what,
           (unsigned long long)wire, (unsigned long)img_len, (unsigned long long)(pm / 1000u),
           (unsigned long long)(pm % 1000u));
}

/* Five drops: inside the body, right inside a response head, near the
 * start and the end; the probe runs first (the default). */
static void test_five_drops(void **state)
{
    (void)state;
    /* the probe dropped, the probe again, then the download */
    static const uint32_t cuts[] = {100, 0, 61000, 75000, 150, 98000, 120001};
    memcpy(t.net.cut, cuts, sizeof cuts);
    assert_int_equal(run(), 0);
    assert_installed(0x01020003u);
    assert_int_equal(t.net.drops, 6);
    assert_int_equal(t.up.attempts, 8);
    assert_int_equal(t.up.bytes_received, t.net.in.bytes_received);
    print_ratio("5 drops + a dropped probe against abota serve", t.up.bytes_received);
    assert_true((uint64_t)t.up.bytes_received * 1000u <= (uint64_t)img_len * 1020u);
}

/* Cut off, then a reboot: the new run continues from the journal. */
static void test_reboot_resumes(void **state)
{
    (void)state;
    t.cfg.max_attempts = 1;
    t.cfg.no_footer_probe = true;
    t.net.cut[0] = 250000;
    int r = run();
    assert_true(r == ABOTA_ERR_HTTP_TRUNCATED || r == ABOTA_ERR_NET_RESET);
    uint64_t wire = t.up.bytes_received;

    t.cfg.max_attempts = 0;
    t.cfg.no_footer_probe = false;
    memset(t.net.cut, 0, sizeof t.net.cut);
    t.net.conns = 0;
    assert_int_equal(run(), 0);
    assert_installed(0x01020003u);
    assert_true(t.up.resumed_at > 240000 && t.up.resumed_at < 250000);
    assert_int_equal(t.up.resumed_at % 4096, 0);
    wire += t.up.bytes_received;
    print_ratio("a reboot in the middle, resumed from the journal", wire);
    assert_true(wire * 1000u <= (uint64_t)img_len * 1020u);
}

/* The image on the server changed while the device was down: If-Range
 * fails, abota serve answers 200 and the new image is installed whole. */
static void test_reboot_image_changed(void **state)
{
    (void)state;
    t.cfg.max_attempts = 1;
    t.cfg.no_footer_probe = true;
    t.net.cut[0] = 200000;
    int r = run();
    assert_true(r == ABOTA_ERR_HTTP_TRUNCATED || r == ABOTA_ERR_NET_RESET);
    assert_int_equal(write_image(PAYLOAD - 5000u, 43, 0x01030000u), 0);

    t.cfg.max_attempts = 0;
    memset(t.net.cut, 0, sizeof t.net.cut);
    t.net.conns = 0;
    assert_int_equal(run(), 0);
    assert_true(t.up.resumed_at > 0); /* the journal was found... */
    assert_installed(0x01030000u);    /* ...but the server's answer decided */
    assert_int_equal(write_image(PAYLOAD, 42, 0x01020003u), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_five_drops, setup, NULL),
        cmocka_unit_test_setup_teardown(test_reboot_resumes, setup, NULL),
        cmocka_unit_test_setup_teardown(test_reboot_image_changed, setup, NULL),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
