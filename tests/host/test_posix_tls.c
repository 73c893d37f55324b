/* The POSIX TLS port (posix_tls.c) on its own: pins as openssl prints
 * them, configurations it refuses, no connection without a way to verify
 * the server, plain connections passed through, and a handshake that the
 * server never answers ending within the connect timeout. The handshakes
 * against real servers (nginx, abota serve --tls) are e2e.sim_tls's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/port_posix.h"
#include "fakenet.h"

static void test_parse_pin(void **state)
{
    (void)state;
    uint8_t pin[32];
    static const char hex[] = "4574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a";
    assert_int_equal(abota_posix_tls_parse_pin(hex, pin), 0);
    assert_int_equal(pin[0], 0x45);
    assert_int_equal(pin[31], 0x5a);
    uint8_t again[32];
    assert_int_equal(abota_posix_tls_parse_pin("4574F4CA660FBD4E861F2AFF3A8034EA"
                                               "7047CC7F514A2C796213AA03F10A7D5A", again), 0);
    assert_memory_equal(pin, again, 32);
    /* the colon-separated form of openssl's -fingerprint */
    char colons[100] = "";
    for (int i = 0; i < 32; i++)
        snprintf(colons + strlen(colons), sizeof colons - strlen(colons), i ? ":%.2s" : "%.2s",
                 hex + 2 * i);
    assert_int_equal(abota_posix_tls_parse_pin(colons, again), 0);
    assert_memory_equal(pin, again, 32);

    static const char *const bad[] = {
        "",
        "4574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5",   /* 63 */
        "4574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a0", /* 65 */
        "4574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a00",
        "g574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a",
        ":4574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a",
        "45::74f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a",
        "4574f4ca660fbd4e861f2aff3a8034ea7047cc7f514a2c796213aa03f10a7d5a  -",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (abota_posix_tls_parse_pin(bad[i], pin) != ABOTA_ERR_ARG)
            fail_msg("accepted '%s'", bad[i]);
    assert_int_equal(abota_posix_tls_parse_pin(NULL, pin), ABOTA_ERR_ARG);
}

static void test_bad_configs(void **state)
{
    (void)state;
    struct fakenet fn;
    struct abota_posix_tls t;
    struct abota_posix_tls_config c = {.has_pin = true};
    fakenet_init(&fn, NULL);
    static const unsigned bad_mfl[] = {1, 256, 513, 8192, 16384};
    for (size_t i = 0; i < sizeof bad_mfl / sizeof bad_mfl[0]; i++) {
        c.max_fragment = bad_mfl[i];
        assert_int_equal(abota_posix_tls_init(&t, &fn.port, &c), ABOTA_ERR_ARG);
        abota_posix_tls_free(&t); /* safe after a failed init */
    }
    c.max_fragment = 0;
    assert_int_equal(abota_posix_tls_init(&t, NULL, &c), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_tls_init(&t, &fn.port, NULL), ABOTA_ERR_ARG);
    /* a CA file that is missing, or holds no certificate */
    c.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(abota_posix_tls_init(&t, &fn.port, &c), ABOTA_ERR_IO);
    c.ca_file = "/etc/hostname";
    assert_int_equal(abota_posix_tls_init(&t, &fn.port, &c), ABOTA_ERR_IO);
    abota_posix_tls_free(&t);
    abota_posix_tls_free(NULL);
}

/* Neither CA nor pin: connect_tls refuses before the network; plain
 * connections still go through, to the port underneath. */
static void test_refuses_unverified(void **state)
{
    (void)state;
    static const uint8_t answer[] = "HTTP/1.1 200 OK\r\n";
    struct fakenet fn;
    struct abota_posix_tls t;
    struct abota_posix_tls_config c;
    memset(&c, 0, sizeof c);
    fakenet_init(&fn, NULL);
    fakenet_add(&fn, answer, sizeof answer - 1, 0);
    assert_int_equal(abota_posix_tls_init(&t, &fn.port, &c), 0);
    assert_non_null(t.port.connect_tls);
    assert_int_equal(t.port.connect_tls(t.port.ctx, "localhost", 443, 1000),
                     ABOTA_ERR_NET_TLS_CONFIG);
    assert_int_equal(fn.connects, 0);

    uint8_t buf[64];
    assert_int_equal(t.port.connect(t.port.ctx, "fw.example", 80, 1000), 0);
    assert_int_equal(t.port.send(t.port.ctx, "GET", 3, 1000), 3);
    assert_int_equal(t.port.recv(t.port.ctx, buf, sizeof buf, 1000), sizeof answer - 1);
    assert_memory_equal(buf, answer, sizeof answer - 1);
    assert_int_equal(t.port.recv(t.port.ctx, buf, sizeof buf, 1000), 0);
    t.port.close(t.port.ctx);
    assert_int_equal(fn.connects, 1);
    assert_string_equal(fn.host[0], "fw.example");
    assert_int_equal(fn.sent_len[0], 3);
    assert_int_equal(fn.misuse, 0);
    abota_posix_tls_free(&t);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A listener that never accepts: the kernel completes the TCP handshake,
 * the ClientHello goes out, no answer comes. The handshake ends with a
 * timeout inside the connect timeout, and the connection is closed. */
static void test_handshake_timeout(void **state)
{
    (void)state;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);

    struct abota_posix_net net;
    struct abota_posix_tls t;
    struct abota_posix_tls_config c = {.has_pin = true, .max_fragment = 1024};
    abota_posix_net_init(&net);
    assert_int_equal(abota_posix_tls_init(&t, &net.port, &c), 0);
    double t0 = now_s();
    assert_int_equal(t.port.connect_tls(t.port.ctx, "127.0.0.1", ntohs(a.sin_port), 400),
                     ABOTA_ERR_NET_TIMEOUT);
    double took = now_s() - t0;
    assert_true(took >= 0.35 && took < 2.0);
    assert_int_equal(net.connects, 1);
    assert_true(net.bytes_sent > 0); /* the ClientHello */
    assert_int_equal(net._fd, -1);   /* closed */
    assert_int_equal(t.handshakes, 0);
    abota_posix_tls_free(&t);
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_pin),
        cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_refuses_unverified),
        cmocka_unit_test(test_handshake_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
