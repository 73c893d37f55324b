/* http:// and https:// URL parsing, redirect resolution and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "abota/config.h"
#include "abota/error.h"
#include "abota/url.h"

static struct abota_url u;

static void ok(const char *s, const char *host, bool v6, unsigned port, bool expl,
               const char *path)
{
    memset(&u, 0x77, sizeof u);
    int r = abota_url_parse(s, &u);
    if (r != 0)
        fail_msg("%s: %s", s, abota_strerror_name(r));
    assert_string_equal(u.host, host);
    assert_int_equal(u.tls, s[4] == 's' || s[4] == 'S'); /* "https" */
    assert_int_equal(u.host_is_ipv6, v6);
    assert_int_equal(u.port, port);
    assert_int_equal(u.port_explicit, expl);
    assert_string_equal(u.path, path);
}

static void bad(const char *s, int err)
{
    int r = abota_url_parse(s, &u);
    if (r != err)
        fail_msg("%s: got %s, want %s", s, abota_strerror_name(r), abota_strerror_name(err));
}

/* https:// URLs: parsed with ABOTA_FEATURE_HTTPS, else the scheme is
 * refused like any other. */
#if ABOTA_FEATURE_HTTPS
#define ok_tls ok
#else
#define ok_tls(s, ...) bad(s, ABOTA_ERR_URL_SCHEME)
#endif

/* IPv6 literals: parsed with ABOTA_FEATURE_IPV6, else every bracketed
 * host is ABOTA_ERR_URL_HOST. */
#if ABOTA_FEATURE_IPV6
#define ok6 ok
#define bad6 bad
#else
#define ok6(s, ...) bad(s, ABOTA_ERR_URL_HOST)
#define bad6(s, err) bad(s, ABOTA_ERR_URL_HOST)
#endif

static void test_parse_ok(void **state)
{
    (void)state;
    ok("http://example.com/fw.bin", "example.com", false, 80, false, "/fw.bin");
    ok("HTTP://Example.COM", "example.com", false, 80, false, "/");
    ok("hTtP://a", "a", false, 80, false, "/");
    ok("http://a:8080", "a", false, 8080, true, "/");
    ok("http://a:1/", "a", false, 1, true, "/");
    ok("http://a:65535/x", "a", false, 65535, true, "/x");
    ok("http://a:080/x", "a", false, 80, true, "/x");
    ok("http://a?x=1", "a", false, 80, false, "/?x=1");
    ok("http://a/p?q=1#frag", "a", false, 80, false, "/p?q=1");
    ok("http://a#frag", "a", false, 80, false, "/");
    ok("http://a/dir with space/\xc3\xa9", "a", false, 80, false, "/dir with space/\xc3\xa9");
    ok("http://192.168.4.1/fw", "192.168.4.1", false, 80, false, "/fw");
    ok("http://0.0.0.0", "0.0.0.0", false, 80, false, "/");
    ok("http://255.255.255.255:9", "255.255.255.255", false, 9, true, "/");
    ok6("http://[::1]:8000/fw", "::1", true, 8000, true, "/fw");
    ok6("http://[2001:DB8::a:B]", "2001:db8::a:b", true, 80, false, "/");
    ok6("http://[1:2:3:4:5:6:7:8]/", "1:2:3:4:5:6:7:8", true, 80, false, "/");
    ok6("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1", true, 80, false, "/");
    ok6("http://[::]/", "::", true, 80, false, "/");
    ok("http://a-b.c-d.e1/", "a-b.c-d.e1", false, 80, false, "/");
    ok("http://1host/", "1host", false, 80, false, "/");
    ok("http://a//b", "a", false, 80, false, "//b");
}

static void test_parse_https(void **state)
{
    (void)state;
    ok_tls("https://fw.example/user1.bin", "fw.example", false, 443, false, "/user1.bin");
    ok_tls("HTTPS://Fw.Example", "fw.example", false, 443, false, "/");
    ok_tls("hTtPs://a:8443/x?y#z", "a", false, 8443, true, "/x?y");
    ok_tls("https://a:443/", "a", false, 443, true, "/");
    ok_tls("https://a:80/", "a", false, 80, true, "/");
    ok_tls("https://127.0.0.1:4443/fw", "127.0.0.1", false, 4443, true, "/fw");
#if ABOTA_FEATURE_IPV6
    ok_tls("https://[::1]/fw", "::1", true, 443, false, "/fw");
    ok_tls("https://[2001:DB8::1]:8443/", "2001:db8::1", true, 8443, true, "/");
#endif
    /* not https: a scheme with one more letter or a missing colon */
    bad("httpss://a/", ABOTA_ERR_URL_SCHEME);
    bad("https:/a/", ABOTA_ERR_URL_SCHEME);
    bad("https//a/", ABOTA_ERR_URL_SCHEME);
    bad("httpx://a/", ABOTA_ERR_URL_SCHEME);
    bad("http", ABOTA_ERR_URL_SCHEME);
    bad("https", ABOTA_ERR_URL_SCHEME);
    if (ABOTA_FEATURE_HTTPS) {
        bad("https://", ABOTA_ERR_URL_HOST);
        bad("https://a:0/", ABOTA_ERR_URL_PORT);
        bad("https://u@a/", ABOTA_ERR_URL_USERINFO);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    bad("ftp://a/", ABOTA_ERR_URL_SCHEME);
    bad("http:/a/", ABOTA_ERR_URL_SCHEME);
    bad("a/b", ABOTA_ERR_URL_SCHEME);
    bad("", ABOTA_ERR_URL_SCHEME);
    bad("http://", ABOTA_ERR_URL_HOST);
    bad("http:///x", ABOTA_ERR_URL_HOST);
    bad("http://:80/", ABOTA_ERR_URL_HOST);
    bad("http://user:pw@a/", ABOTA_ERR_URL_USERINFO);
    bad("http://@a/", ABOTA_ERR_URL_USERINFO);
    bad("http://a_b/", ABOTA_ERR_URL_HOST);
    bad("http://-a/", ABOTA_ERR_URL_HOST);
    bad("http://a-/", ABOTA_ERR_URL_HOST);
    bad("http://a..b/", ABOTA_ERR_URL_HOST);
    bad("http://a./", ABOTA_ERR_URL_HOST);
    bad("http://.a/", ABOTA_ERR_URL_HOST);
    bad("http://a b/", ABOTA_ERR_URL_HOST);
    bad("http://1.2.3/", ABOTA_ERR_URL_HOST);
    bad("http://1.2.3.4.5/", ABOTA_ERR_URL_HOST);
    bad("http://1.2.3.256/", ABOTA_ERR_URL_HOST);
    bad("http://01.2.3.4/", ABOTA_ERR_URL_HOST);
    bad("http://a.123/", ABOTA_ERR_URL_HOST);
    bad6("http://[::1/", ABOTA_ERR_URL_HOST);
    bad6("http://[]/", ABOTA_ERR_URL_HOST);
    bad6("http://[1:2:3:4:5:6:7]/", ABOTA_ERR_URL_HOST);
    bad6("http://[1:2:3:4:5:6:7:8:9]/", ABOTA_ERR_URL_HOST);
    bad6("http://[1::2::3]/", ABOTA_ERR_URL_HOST);
    bad6("http://[12345::]/", ABOTA_ERR_URL_HOST);
    bad6("http://[:1::]/", ABOTA_ERR_URL_HOST);
    bad6("http://[1::2:]/", ABOTA_ERR_URL_HOST);
    bad6("http://[fe80::1%25eth0]/", ABOTA_ERR_URL_HOST);
    bad6("http://[g::1]/", ABOTA_ERR_URL_HOST);
    bad6("http://[::1]x/", ABOTA_ERR_URL_HOST);
    bad("http://::1/", ABOTA_ERR_URL_HOST);
    bad("http://a:/", ABOTA_ERR_URL_PORT);
    bad("http://a:0/", ABOTA_ERR_URL_PORT);
    bad("http://a:65536/", ABOTA_ERR_URL_PORT);
    bad("http://a:123456/", ABOTA_ERR_URL_PORT);
    bad("http://a:8x/", ABOTA_ERR_URL_PORT);
    bad("http://a:-1/", ABOTA_ERR_URL_PORT);
    bad6("http://[::1]:/", ABOTA_ERR_URL_PORT);
    bad("http://a/x\ny", ABOTA_ERR_URL_SYNTAX);
    bad("http://a/x\x7f", ABOTA_ERR_URL_SYNTAX);
    assert_int_equal(abota_url_parse(NULL, &u), ABOTA_ERR_ARG);
    assert_int_equal(abota_url_parse("http://a/", NULL), ABOTA_ERR_ARG);
}

static void test_lengths(void **state)
{
    (void)state;
    static char s[ABOTA_URL_MAX + 64];
    /* path of exactly ABOTA_URL_MAX - 1 bytes fits, one more does not */
    strcpy(s, "http://h");
    memset(s + 8, 'p', ABOTA_URL_MAX - 1);
    s[8] = '/';
    s[8 + ABOTA_URL_MAX - 1] = '\0';
    assert_int_equal(abota_url_parse(s, &u), 0);
    assert_int_equal(strlen(u.path), ABOTA_URL_MAX - 1);
    strcat(s, "p");
    bad(s, ABOTA_ERR_URL_TOO_LONG);
    /* a query-only URL gets a '/' that counts too */
    strcpy(s, "http://h");
    memset(s + 8, 'q', ABOTA_URL_MAX - 1);
    s[8] = '?';
    s[8 + ABOTA_URL_MAX - 1] = '\0';
    bad(s, ABOTA_ERR_URL_TOO_LONG);
    /* host: labels of 63, total ABOTA_URL_HOST_MAX - 1 fits */
    char host[ABOTA_URL_HOST_MAX + 2];
    for (size_t i = 0; i < sizeof host - 1; i++)
        host[i] = (i % 64 == 63) ? '.' : 'h';
    host[ABOTA_URL_HOST_MAX - 1] = '\0';
    if (host[ABOTA_URL_HOST_MAX - 2] == '.')
        host[ABOTA_URL_HOST_MAX - 2] = 'h';
    strcpy(s, "http://");
    strcat(s, host);
    assert_int_equal(abota_url_parse(s, &u), 0);
    assert_string_equal(u.host, host);
    strcat(s, "h");
    bad(s, ABOTA_ERR_URL_TOO_LONG);
    /* a label over 63 bytes */
    strcpy(s, "http://");
    memset(s + 7, 'l', 64);
    s[7 + 64] = '\0';
    bad(s, 64 < ABOTA_URL_HOST_MAX ? ABOTA_ERR_URL_HOST : ABOTA_ERR_URL_TOO_LONG);
}

#if ABOTA_FEATURE_REDIRECT /* abota_url_resolve is not built without it */
static void resolve(const char *base, const char *loc, const char *want)
{
    struct abota_url b, r;
    char buf[ABOTA_URL_MAX + 32];
    assert_int_equal(abota_url_parse(base, &b), 0);
    int rc = abota_url_resolve(&b, loc, &r);
    if (rc != 0)
        fail_msg("%s + %s: %s", base, loc, abota_strerror_name(rc));
    assert_true(abota_url_format(&r, buf, sizeof buf) > 0);
    assert_string_equal(buf, want);
    /* out may be base */
    assert_int_equal(abota_url_resolve(&b, loc, &b), 0);
    assert_true(abota_url_format(&b, buf, sizeof buf) > 0);
    assert_string_equal(buf, want);
}

static void test_resolve(void **state)
{
    (void)state;
    const char *base = "http://h:8080/a/b/c.bin?q=1";
    resolve(base, "http://other/x", "http://other/x");
    resolve(base, "HTTP://other:81/x#f", "http://other:81/x");
    resolve(base, "//cdn.example/fw.bin", "http://cdn.example/fw.bin");
    resolve(base, "/abs/path?z", "http://h:8080/abs/path?z");
    resolve(base, "d.bin", "http://h:8080/a/b/d.bin");
    resolve(base, "./d.bin", "http://h:8080/a/b/d.bin");
    resolve(base, "../d.bin", "http://h:8080/a/d.bin");
    resolve(base, "../../../../d.bin", "http://h:8080/d.bin");
    resolve(base, "sub/../e/./f", "http://h:8080/a/b/e/f");
    resolve(base, "..", "http://h:8080/a/");
    resolve(base, ".", "http://h:8080/a/b/");
    resolve(base, "?r=2", "http://h:8080/a/b/c.bin?r=2");
    resolve(base, "", "http://h:8080/a/b/c.bin?q=1");
    resolve(base, "#frag", "http://h:8080/a/b/c.bin?q=1");
    resolve(base, "/x/../y?a=../b", "http://h:8080/y?a=../b");
    resolve("http://h", "x", "http://h/x");
#if ABOTA_FEATURE_IPV6
    resolve("http://[::1]:99/", "y", "http://[::1]:99/y");
#endif

    struct abota_url b, r;
    assert_int_equal(abota_url_parse(base, &b), 0);
#if ABOTA_FEATURE_HTTPS
    /* http -> https is an upgrade: taken */
    resolve(base, "https://h/x", "https://h/x");
    resolve(base, "HTTPS://h:8443/x", "https://h:8443/x");
#else
    assert_int_equal(abota_url_resolve(&b, "https://h/x", &r), ABOTA_ERR_URL_SCHEME);
#endif
    assert_int_equal(abota_url_resolve(&b, "mailto:x@y", &r), ABOTA_ERR_URL_SCHEME);
    assert_int_equal(abota_url_resolve(&b, "http://u@h/", &r), ABOTA_ERR_URL_USERINFO);
    assert_int_equal(abota_url_resolve(&b, "//", &r), ABOTA_ERR_URL_HOST);
    assert_int_equal(abota_url_resolve(&b, "x\r\ny", &r), ABOTA_ERR_URL_SYNTAX);
    assert_int_equal(abota_url_resolve(NULL, "x", &r), ABOTA_ERR_ARG);
    static char longloc[ABOTA_URL_MAX + 1];
    memset(longloc, 'x', ABOTA_URL_MAX - 3);
    longloc[ABOTA_URL_MAX - 3] = '\0';
    /* "/a/b/" + 253 bytes > 255 */
    assert_int_equal(abota_url_resolve(&b, longloc, &r), ABOTA_ERR_URL_TOO_LONG);
    longloc[0] = '/';
    assert_int_equal(abota_url_resolve(&b, longloc, &r), 0);
}

#if ABOTA_FEATURE_HTTPS
/* From an https base every relative form keeps https, and an absolute
 * http:// Location is a downgrade: refused, out untouched. */
static void test_resolve_https(void **state)
{
    (void)state;
    const char *base = "https://h:8443/a/b/c.bin";
    resolve(base, "d.bin", "https://h:8443/a/b/d.bin");
    resolve(base, "/x", "https://h:8443/x");
    resolve(base, "?q", "https://h:8443/a/b/c.bin?q");
    resolve(base, "//cdn.example/fw.bin", "https://cdn.example/fw.bin");
    resolve(base, "//cdn.example:444/fw.bin", "https://cdn.example:444/fw.bin");
    resolve(base, "https://other/y", "https://other/y");
    resolve("https://h/", "x", "https://h/x");
#if ABOTA_FEATURE_IPV6
    resolve("https://[::1]/", "y", "https://[::1]/y");
#endif

    struct abota_url b, r;
    assert_int_equal(abota_url_parse(base, &b), 0);
    static const char *const down[] = {"http://h:8443/a/b/c.bin", "HTTP://other/x",
                                       "http://other:443/x"};
    for (size_t i = 0; i < sizeof down / sizeof down[0]; i++) {
        memset(&r, 0x5A, sizeof r);
        assert_int_equal(abota_url_resolve(&b, down[i], &r), ABOTA_ERR_HTTP_REDIRECT_INSECURE);
        assert_int_equal(((unsigned char *)&r)[0], 0x5A);
        struct abota_url same = b;
        assert_int_equal(abota_url_resolve(&same, down[i], &same),
                         ABOTA_ERR_HTTP_REDIRECT_INSECURE);
        assert_memory_equal(&same, &b, sizeof b);
    }
    assert_int_equal(abota_url_resolve(&b, "ftp://h/x", &r), ABOTA_ERR_URL_SCHEME);
}
#endif
#endif

static void test_format(void **state)
{
    (void)state;
    char buf[64];
#if ABOTA_FEATURE_IPV6
    assert_int_equal(abota_url_parse("http://[::1]:8000/fw?x", &u), 0);
    const char *want = "http://[::1]:8000/fw?x";
#else
    assert_int_equal(abota_url_parse("http://h1:8000/fw?x", &u), 0);
    const char *want = "http://h1:8000/fw?x";
#endif
    int n = (int)strlen(want);
    assert_int_equal(abota_url_format(&u, buf, sizeof buf), n);
    assert_string_equal(buf, want);
    for (size_t size = 0; size <= (size_t)n; size++) {
        memset(buf, 0x5A, sizeof buf);
        assert_int_equal(abota_url_format(&u, buf, size), ABOTA_ERR_NOSPACE);
        assert_int_equal((unsigned char)buf[size], 0x5A);
    }
    assert_int_equal(abota_url_parse("http://h:80", &u), 0);
    assert_int_equal(abota_url_format(&u, buf, sizeof buf), 9);
    assert_string_equal(buf, "http://h/");
    assert_int_equal(abota_url_parse("http://h:443", &u), 0);
    assert_int_equal(abota_url_format(&u, buf, sizeof buf), 13);
    assert_string_equal(buf, "http://h:443/");
#if ABOTA_FEATURE_HTTPS
    /* the default port is the scheme's */
    assert_int_equal(abota_url_parse("https://h:443", &u), 0);
    assert_int_equal(abota_url_format(&u, buf, sizeof buf), 10);
    assert_string_equal(buf, "https://h/");
    assert_int_equal(abota_url_parse("https://h:80/x", &u), 0);
    assert_int_equal(abota_url_format(&u, buf, sizeof buf), 14);
    assert_string_equal(buf, "https://h:80/x");
    for (size_t size = 0; size <= 14; size++)
        assert_int_equal(abota_url_format(&u, buf, size), ABOTA_ERR_NOSPACE);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_https),
        cmocka_unit_test(test_lengths),
#if ABOTA_FEATURE_REDIRECT
        cmocka_unit_test(test_resolve),
#if ABOTA_FEATURE_HTTPS
        cmocka_unit_test(test_resolve_https),
#endif
#endif
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
