/* The small-footprint profile (ABOTA_PROFILE=small in CMake; included by
 * config.h when ABOTA_PROFILE_SMALL is set). For an ESP8266-class device
 * that fetches one known image from one known HTTP server. Goals on the
 * lx106, both met: a client core of <= 8 KiB of code and <= 2 KiB of RAM
 * including a 1460-byte receive buffer; make size prints both. What it gives up, by switch
 * (details in config.h and docs/FOOTPRINT.md):
 *   - redirects: a 3xx is ABOTA_ERR_UNSUPPORTED; give the final URL;
 *   - chunked responses: the server must send Content-Length
 *     (or end the body at the close);
 *   - resume and the progress journal: a retry starts from byte 0;
 *   - retries within a run: one attempt, the caller runs it again;
 *   - the Content-Type check: a wrong body is refused by verification;
 *   - the footer probe: slot/version checks after the download;
 *   - IPv6 literals in the URL;
 *   - https:// URLs (TLS needs far more RAM than this profile's budget);
 *   - skipping sectors that are already erased: every sector is erased;
 *   - SHA-256 in the client: CRC-32 only (a security trade);
 *   - with it signatures and release manifests (both need SHA-256);
 *   - shorter limits: header and status lines of 128 bytes, URLs of 128
 *     bytes with hosts of 48.
 * Every default here can still be overridden with -D. */
#ifndef ABOTA_CONFIG_SMALL_H
#define ABOTA_CONFIG_SMALL_H

#ifndef ABOTA_FEATURE_REDIRECT
#define ABOTA_FEATURE_REDIRECT 0
#endif
#ifndef ABOTA_FEATURE_CHUNKED
#define ABOTA_FEATURE_CHUNKED 0
#endif
#ifndef ABOTA_FEATURE_RESUME
#define ABOTA_FEATURE_RESUME 0
#endif
#ifndef ABOTA_FEATURE_RETRY
#define ABOTA_FEATURE_RETRY 0
#endif
#ifndef ABOTA_FEATURE_CONTENT_TYPE
#define ABOTA_FEATURE_CONTENT_TYPE 0
#endif
#ifndef ABOTA_FEATURE_FOOTER_PROBE
#define ABOTA_FEATURE_FOOTER_PROBE 0
#endif
#ifndef ABOTA_FEATURE_IPV6
#define ABOTA_FEATURE_IPV6 0
#endif
#ifndef ABOTA_FEATURE_SHA256
#define ABOTA_FEATURE_SHA256 0
#endif
#ifndef ABOTA_FEATURE_HTTPS
#define ABOTA_FEATURE_HTTPS 0
#endif
#ifndef ABOTA_FEATURE_SKIP_ERASED
#define ABOTA_FEATURE_SKIP_ERASED 0
#endif

#ifndef ABOTA_HTTP_LINE_MAX
#define ABOTA_HTTP_LINE_MAX 128
#endif
#ifndef ABOTA_URL_MAX
#define ABOTA_URL_MAX 128
#endif
#ifndef ABOTA_URL_HOST_MAX
#define ABOTA_URL_HOST_MAX 48
#endif

#endif
