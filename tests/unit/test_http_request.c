/* HTTP request builder: exact bytes, path escaping, Host forms, and
 * ABOTA_ERR_NOSPACE at every size too small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/error.h"
#include "abota/http.h"
#include "abota/url.h"
#include "abota/version.h"

#define UA "User-Agent: abota/" ABOTA_VERSION_STRING "\r\n"
#define STD "Accept: application/octet-stream\r\nAccept-Encoding: identity\r\n" UA

static char out[1024];

static void url(const char *s, struct abota_url *u)
{
    assert_int_equal(abota_url_parse(s, u), 0);
}

/* Builds rq and compares with want; then every smaller buffer must give
 * ABOTA_ERR_NOSPACE without writing past its size. */
static void expect(const struct abota_http_request *rq, const char *want)
{
    size_t n = strlen(want);
    memset(out, 0x5A, sizeof out);
    int r = abota_http_request_build(rq, out, sizeof out);
    if (r < 0)
        fail_msg("build failed: %s", abota_strerror_name(r));
    assert_int_equal(r, (int)n);
    assert_memory_equal(out, want, n);
    assert_int_equal(out[n], '\0');
    /* exactly the length: fits, no NUL */
    memset(out, 0x5A, sizeof out);
    assert_int_equal(abota_http_request_build(rq, out, n), (int)n);
    assert_memory_equal(out, want, n);
    assert_int_equal((unsigned char)out[n], 0x5A);
    for (size_t size = 0; size < n; size++) {
        memset(out, 0x5A, sizeof out);
        assert_int_equal(abota_http_request_build(rq, out, size), ABOTA_ERR_NOSPACE);
        if (size > 0)
            assert_int_equal(out[0], '\0');
        for (size_t k = size; k < size + 8; k++)
            assert_int_equal((unsigned char)out[k], 0x5A);
    }
}

static void test_plain_get(void **state)
{
    (void)state;
    struct abota_url u;
    url("http://example.com/fw/app.bin", &u);
    struct abota_http_request rq = {.url = &u};
    expect(&rq, "GET /fw/app.bin HTTP/1.1\r\nHost: example.com\r\n" STD
                "Connection: close\r\n\r\n");
    rq.keep_alive = true;
    expect(&rq, "GET /fw/app.bin HTTP/1.1\r\nHost: example.com\r\n" STD "\r\n");
}

static void test_head_http10(void **state)
{
    (void)state;
    struct abota_url u;
    url("http://10.0.0.7:8080", &u);
    struct abota_http_request rq = {.url = &u, .head = true, .http10 = true};
    expect(&rq, "HEAD / HTTP/1.0\r\nHost: 10.0.0.7:8080\r\n" STD "\r\n");
    rq.keep_alive = true;
    expect(&rq, "HEAD / HTTP/1.0\r\nHost: 10.0.0.7:8080\r\n" STD
                "Connection: keep-alive\r\n\r\n");
}

/* The host of test_range_and_conditions: an IPv6 literal where they are
 * built (config.h). */
#if ABOTA_FEATURE_IPV6
#define RC_URL "http://[FE80::1]:65535/a?b=c"
#define RC_HOST "[fe80::1]:65535"
#else
#define RC_URL "http://fe80-1:65535/a?b=c"
#define RC_HOST "fe80-1:65535"
#endif

#if ABOTA_FEATURE_RESUME
static void test_range_and_conditions(void **state)
{
    (void)state;
    struct abota_url u;
    url(RC_URL, &u);
    struct abota_http_request rq = {
        .url = &u,
        .has_range = true,
        .range_first = 4294967295u,
        .if_range = "\"6b069e34-a28\"",
        .if_none_match = "W/\"x\"",
    };
    expect(&rq, "GET /a?b=c HTTP/1.1\r\nHost: " RC_HOST "\r\n" STD
                "Range: bytes=4294967295-\r\nIf-Range: \"6b069e34-a28\"\r\n"
                "If-None-Match: W/\"x\"\r\nConnection: close\r\n\r\n");
    /* If-Range only goes with a Range */
    rq.has_range = false;
    expect(&rq, "GET /a?b=c HTTP/1.1\r\nHost: " RC_HOST "\r\n" STD
                "If-None-Match: W/\"x\"\r\nConnection: close\r\n\r\n");
    rq.has_range = true;
    rq.range_first = 0;
    rq.if_range = NULL;
    rq.if_none_match = NULL;
    expect(&rq, "GET /a?b=c HTTP/1.1\r\nHost: " RC_HOST "\r\n" STD
                "Range: bytes=0-\r\nConnection: close\r\n\r\n");
}
#else
/* Resume compiled out: a range or a condition is refused, never dropped
 * silently. */
static void test_range_and_conditions(void **state)
{
    (void)state;
    struct abota_url u;
    url(RC_URL, &u);
    struct abota_http_request rq = {.url = &u, .has_range = true};
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_UNSUPPORTED);
    rq.has_range = false;
    rq.if_range = "\"a\"";
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_UNSUPPORTED);
    rq.if_range = NULL;
    rq.if_none_match = "\"a\"";
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_UNSUPPORTED);
    rq.if_none_match = NULL;
    expect(&rq, "GET /a?b=c HTTP/1.1\r\nHost: " RC_HOST "\r\n" STD "Connection: close\r\n\r\n");
}
#endif

static void test_default_port_omitted(void **state)
{
    (void)state;
    struct abota_url u;
    url("http://h:80/x", &u);
    struct abota_http_request rq = {.url = &u, .keep_alive = true};
    expect(&rq, "GET /x HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
    url("http://h:443/x", &u);
    expect(&rq, "GET /x HTTP/1.1\r\nHost: h:443\r\n" STD "\r\n");
#if ABOTA_FEATURE_HTTPS
    /* https: 443 is the default, 80 is not */
    url("https://h:443/x", &u);
    expect(&rq, "GET /x HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
    url("https://h:80/x", &u);
    expect(&rq, "GET /x HTTP/1.1\r\nHost: h:80\r\n" STD "\r\n");
#endif
}

static void test_escaping(void **state)
{
    (void)state;
    struct abota_url u;
    memset(&u, 0, sizeof u);
    strcpy(u.host, "h");
    u.port = 80;
    struct abota_http_request rq = {.url = &u, .keep_alive = true};
    /* kept: unreserved, reserved, valid %XX; escaped: the rest */
    strcpy(u.path, "/a-._~:@!$&'()*+,;=/b?c=/d%2F%aa");
    expect(&rq, "GET /a-._~:@!$&'()*+,;=/b?c=/d%2F%aa HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
    strcpy(u.path, "/my fw \"v1\"<>\\^`{|}#.bin");
    expect(&rq, "GET /my%20fw%20%22v1%22%3C%3E%5C%5E%60%7B%7C%7D%23.bin HTTP/1.1\r\n"
                "Host: h\r\n" STD "\r\n");
    strcpy(u.path, "/%/%4/%zz/%4g/100%");
    expect(&rq, "GET /%25/%254/%25zz/%254g/100%25 HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
    strcpy(u.path, "/caf\xc3\xa9\r\n\x01\x7f\xff");
    expect(&rq, "GET /caf%C3%A9%0D%0A%01%7F%FF HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
    /* a path not starting with '/' gets one, an empty one becomes "/" */
    strcpy(u.path, "x[1]");
    expect(&rq, "GET /x[1] HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
    u.path[0] = '\0';
    expect(&rq, "GET / HTTP/1.1\r\nHost: h\r\n" STD "\r\n");
}

static void test_bad_args(void **state)
{
    (void)state;
    struct abota_url u;
    url("http://h/", &u);
    struct abota_http_request rq = {.url = &u, .if_none_match = "\"a\"\r\nX-Evil: 1"};
#if ABOTA_FEATURE_RESUME
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_ARG);
    rq.if_none_match = NULL;
    rq.has_range = true;
    rq.if_range = "x\ny";
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_ARG);
    rq.if_range = NULL;
    assert_true(abota_http_request_build(&rq, out, sizeof out) > 0);
#else
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_UNSUPPORTED);
    rq.if_none_match = NULL;
    assert_true(abota_http_request_build(&rq, out, sizeof out) > 0);
#endif
    rq.url = NULL;
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_ARG);
    assert_int_equal(abota_http_request_build(NULL, out, sizeof out), ABOTA_ERR_ARG);
    u.host[0] = '\0';
    rq.url = &u;
    assert_int_equal(abota_http_request_build(&rq, out, sizeof out), ABOTA_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_get),
        cmocka_unit_test(test_head_http10),
        cmocka_unit_test(test_range_and_conditions),
        cmocka_unit_test(test_default_port_omitted),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
