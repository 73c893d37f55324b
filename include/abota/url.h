/* URLs of the form http://host[:port]/path?query (and https://, with
 * ABOTA_FEATURE_HTTPS), with host a DNS name, an IPv4 literal or a
 * bracketed IPv6 literal. */
#ifndef ABOTA_URL_H
#define ABOTA_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/config.h"

struct abota_url {
    char host[ABOTA_URL_HOST_MAX]; /* IPv6 without the brackets */
    bool host_is_ipv6;
    uint16_t port;                 /* 80 (https: 443) when the URL names none */
    bool port_explicit;
    bool tls;                      /* https:// (never set without ABOTA_FEATURE_HTTPS) */
    char path[ABOTA_URL_MAX];      /* "/..." with the query; as written, not escaped */
};

/* Parses url. An empty path becomes "/". A fragment ("#...") is dropped.
 * The scheme is matched case-insensitively and the host is lower-cased
 * (DNS names and IPv6 hex digits are case-insensitive).
 * host: a DNS name (labels of letters, digits and '-', 1..63 bytes, no
 * leading or trailing '-'), an IPv4 literal (four decimal parts 0..255
 * without leading zeros; a name whose last label is all digits must be
 * one) or an IPv6 literal in brackets (no zone id; with ABOTA_FEATURE_IPV6
 * 0 a bracketed host is ABOTA_ERR_URL_HOST).
 * port: ":1".. ":65535"; an empty port (":") is refused.
 * path: any bytes but controls (below 0x20, 0x7F); spaces and non-ASCII are
 * kept as written and escaped by the request builder.
 * scheme: "http://", or "https://" with ABOTA_FEATURE_HTTPS (sets tls).
 * Errors: ABOTA_ERR_URL_SCHEME, _HOST, _PORT, _TOO_LONG (host or path does
 * not fit its field), _SYNTAX, _USERINFO, ABOTA_ERR_ARG (NULL). */
int abota_url_parse(const char *url, struct abota_url *out);

/* Resolves a redirect's Location against base (RFC 3986 section 5.2): an
 * absolute http:// or https:// URL, a network-path ("//host/x", base's
 * scheme), an absolute path ("/x"), a query ("?q"), or a relative path
 * ("x", "../x", against base's directory); "." and ".." segments are
 * removed. Another scheme is ABOTA_ERR_URL_SCHEME; an http:// Location
 * from an https:// base is ABOTA_ERR_HTTP_REDIRECT_INSECURE (a downgrade;
 * the other way is allowed). out may be base. Only built with
 * ABOTA_FEATURE_REDIRECT (config.h). */
#if ABOTA_FEATURE_REDIRECT
int abota_url_resolve(const struct abota_url *base, const char *location, struct abota_url *out);
#endif

/* Writes the URL back as text ("http://host:port/path" or "https://...",
 * the port only when it is not the scheme's default, IPv6 in brackets);
 * length (a NUL follows) or ABOTA_ERR_NOSPACE when size is not more than
 * the length. */
int abota_url_format(const struct abota_url *u, char *buf, size_t size);

/* The port a URL without one has: 443 for https://, else 80. */
static inline uint16_t abota_url_default_port(const struct abota_url *u)
{
    return ABOTA_FEATURE_HTTPS && u->tls ? 443u : 80u;
}

#endif
