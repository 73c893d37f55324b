/* URLs of the form http://host[:port]/path?query, with host a DNS name, an
 * IPv4 literal or a bracketed IPv6 literal. */
#ifndef ABOTA_URL_H
#define ABOTA_URL_H

#include <stdbool.h>
#include <stdint.h>

#include "abota/config.h"

struct abota_url {
    char host[ABOTA_URL_HOST_MAX]; /* IPv6 without the brackets */
    bool host_is_ipv6;
    uint16_t port;                 /* 80 when the URL names none */
    bool port_explicit;
    char path[ABOTA_URL_MAX];      /* "/..." with the query; as written, not escaped */
};

/* Parses url. An empty path becomes "/". A fragment ("#...") is dropped.
 * Errors: ABOTA_ERR_URL_SCHEME, _HOST, _PORT, _TOO_LONG, _SYNTAX. */
int abota_url_parse(const char *url, struct abota_url *out);

/* Resolves a redirect's Location against base: an absolute http:// URL, an
 * absolute path ("/x"), or a relative path ("x", against base's directory). */
int abota_url_resolve(const struct abota_url *base, const char *location, struct abota_url *out);

/* Writes the URL back as text ("http://host:port/path"); length or
 * ABOTA_ERR_NOSPACE. */
int abota_url_format(const struct abota_url *u, char *buf, size_t size);

#endif
