/* libFuzzer harness for the URL parser, resolver and formatter.
 *
 * The input (NUL-terminated copy, cut at the first NUL) is parsed; a parsed
 * URL is formatted and parsed again, which must give the same URL. It is
 * also resolved as a Location against a fixed base, and the result (when
 * valid) formatted and re-parsed the same way. Any difference aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abota/config.h"
#include "abota/url.h"

static void round_trip(const struct abota_url *u)
{
    char buf[ABOTA_URL_MAX + ABOTA_URL_HOST_MAX + 16];
    struct abota_url again;
    int n = abota_url_format(u, buf, sizeof buf);
    if (n < 0 || (size_t)n != strlen(buf))
        abort();
    if (abota_url_parse(buf, &again) != 0)
        abort();
    if (strcmp(again.host, u->host) != 0 || again.host_is_ipv6 != u->host_is_ipv6 ||
        again.port != u->port || strcmp(again.path, u->path) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char s[4096];
    if (size >= sizeof s)
        size = sizeof s - 1;
    memcpy(s, data, size);
    s[size] = '\0';

    struct abota_url u, base, r;
    if (abota_url_parse(s, &u) == 0) {
        if (u.path[0] != '/' || u.port == 0)
            abort();
        round_trip(&u);
    }
    if (abota_url_parse("http://h.example:8080/a/b/c.bin?q=1", &base) != 0)
        abort();
    if (abota_url_resolve(&base, s, &r) == 0) {
        if (r.path[0] != '/')
            abort();
        round_trip(&r);
    }
    return 0;
}
