/* Compile-time configuration. Every option has a default a build can override
 * with -D or by providing "abota_user_config.h" (define ABOTA_USER_CONFIG). */
#ifndef ABOTA_CONFIG_H
#define ABOTA_CONFIG_H

#ifdef ABOTA_USER_CONFIG
#include "abota_user_config.h"
#endif

/* The small-footprint profile (docs/FOOTPRINT.md): smaller buffers and the
 * optional features below switched off, for a client core of <= 8 KiB text
 * and <= 2 KiB RAM with a 1460-byte receive buffer on the lx106. Selected
 * with the CMake option ABOTA_PROFILE=small, which defines
 * ABOTA_PROFILE_SMALL for every target. It only sets defaults: a -D or the
 * user config still wins. */
#if defined(ABOTA_PROFILE_SMALL) && ABOTA_PROFILE_SMALL
#include "abota/config_small.h"
#endif

/* --- Optional features (lwIP style: 1 = compiled in, 0 = compiled out).
 * A feature compiled out costs no code and no RAM; what a device then loses
 * is said with each switch. Every one is on by default. --- */

/* Redirects (301/302/303/307/308) are followed, up to
 * ABOTA_UPDATE_MAX_REDIRECTS, resolving Location against the current URL
 * (abota_url_resolve). Costs about 1.5 KiB of code on the lx106 and the
 * parser's copy of Location (ABOTA_URL_MAX bytes of RAM).
 * 0: a redirect ends the update with ABOTA_ERR_UNSUPPORTED and
 * abota_url_resolve is not built. */
#ifndef ABOTA_FEATURE_REDIRECT
#define ABOTA_FEATURE_REDIRECT 1
#endif

/* Transfer-Encoding: chunked responses (nginx behind some proxies, CDNs).
 * Costs about 0.8 KiB of code. 0: such a response is refused with
 * ABOTA_ERR_HTTP_TE_UNSUPPORTED; the server must send Content-Length
 * (or end the body at the close). */
#ifndef ABOTA_FEATURE_CHUNKED
#define ABOTA_FEATURE_CHUNKED 1
#endif

/* Resume: a download cut short continues with "Range: bytes=N-" and
 * If-Range (ETag or Last-Modified), and after a reboot from the progress
 * journal (layout->journal); the parser keeps Content-Range, ETag,
 * Last-Modified and Accept-Ranges; abota_slot_resume is built. Costs about
 * 4 KiB of code and ABOTA_HTTP_ETAG_MAX + ABOTA_HTTP_DATE_MAX bytes in the
 * parser plus the validator (ABOTA_HTTP_ETAG_MAX) in struct abota_update.
 * 0: every retry downloads from byte 0; a layout's journal sector is left
 * alone; the request builder ignores has_range, if_range and if_none_match
 * (it returns ABOTA_ERR_UNSUPPORTED when one is set). */
#ifndef ABOTA_FEATURE_RESUME
#define ABOTA_FEATURE_RESUME 1
#endif

/* Retries inside one run: transient failures (network, 5xx, 429, a
 * connection cut short) are retried with a jittered exponential back-off
 * that honours Retry-After, and a complete download that fails
 * verification gets one more attempt from scratch (update.h, max_attempts,
 * retry_base_ms, retry_max_ms); the parser keeps Retry-After. Costs about
 * 0.6 KiB of code on the lx106. 0: abota_update_run makes one attempt and returns its
 * error (u->attempts is 1): the caller runs it again later, at its own
 * pace; max_attempts, retry_base_ms and retry_max_ms are ignored, no
 * ABOTA_EV_RETRY is emitted, Retry-After is skipped like an unknown header
 * (no resp.retry_after). Without retries a download cut short is not
 * resumed within the run (the journal still resumes the next run). */
#ifndef ABOTA_FEATURE_RETRY
#define ABOTA_FEATURE_RETRY 1
#endif

/* The Content-Type check: the parser keeps the media type of Content-Type
 * (ABOTA_HTTP_CTYPE_MAX bytes of RAM) and the engine refuses a response
 * whose type is not cfg.content_type with ABOTA_ERR_HTTP_CONTENT_TYPE,
 * before anything is erased. Costs about 0.4 KiB of code on the lx106.
 * 0: Content-Type is skipped like an unknown header (no resp.content_type)
 * and cfg.content_type is ignored: an error page served with 200 is
 * written to the inactive slot and then refused by the verification
 * (footer or Espressif checks, CRC-32), never booted. */
#ifndef ABOTA_FEATURE_CONTENT_TYPE
#define ABOTA_FEATURE_CONTENT_TYPE 1
#endif

/* The footer probe: before anything is erased, "Range: bytes=-256" fetches
 * the image's footer, so a wrong slot, the running version or an image
 * larger than the slot is refused without a download (update.h,
 * no_footer_probe). Needs ABOTA_FEATURE_RESUME (Content-Range). Costs about
 * 0.6 KiB of code. 0: those checks happen after the download, as with
 * no_footer_probe set. */
#ifndef ABOTA_FEATURE_FOOTER_PROBE
#define ABOTA_FEATURE_FOOTER_PROBE ABOTA_FEATURE_RESUME
#endif

/* A slot sector that already reads all 0xFF is not erased again (a fresh
 * device's spare slot, the part beyond a smaller previous image): a 4 KiB
 * erase takes tens of milliseconds on SPI NOR, reading the sector to check
 * about 0.2. The image is read back and checked after it is written either
 * way (docs/RELIABILITY.md, "Blank sectors"). About 0.1 KiB of code. 0:
 * every sector is erased before its first write. */
#ifndef ABOTA_FEATURE_SKIP_ERASED
#define ABOTA_FEATURE_SKIP_ERASED 1
#endif

/* IPv6 literals in URLs ("http://[fe80::1]/"). Costs about 0.4 KiB of code.
 * 0: a bracketed host is ABOTA_ERR_URL_HOST (names and IPv4 still work). */
#ifndef ABOTA_FEATURE_IPV6
#define ABOTA_FEATURE_IPV6 1
#endif

/* https:// URLs: the parser takes "https://" (port 443 by default) and the
 * engine opens such a URL with the net port's connect_tls (abota/net.h; the
 * TLS itself is the port's: docs/TLS.md). A redirect from https:// to
 * http:// is refused (ABOTA_ERR_HTTP_REDIRECT_INSECURE). A port without
 * connect_tls ends an https:// run with ABOTA_ERR_NET_TLS_UNAVAILABLE before
 * anything is erased. Costs a few dozen bytes of code.
 * 0: an https:// URL is ABOTA_ERR_URL_SCHEME, as any other scheme;
 * connect_tls is never called. */
#ifndef ABOTA_FEATURE_HTTPS
#define ABOTA_FEATURE_HTTPS 1
#endif

/* SHA-256 in the client: the slot writer hashes the payload as it streams
 * in and its verification checks that digest against the footer's SHA-256
 * (the CRC-32 read back from flash proves flash holds the streamed bytes);
 * the boot choice and the host tools hash the payload from flash.
 * Costs the SHA-256 code (about 1.2 KiB built in) and 112 bytes of hash
 * state in the slot writer, plus the time to hash the image once.
 * 0: a SECURITY TRADE: images are checked by CRC-32 only (the footer's
 * payload CRC-32 and the CRC-32 of what was streamed in). CRC-32 catches
 * transfer and flash corruption. Neither it nor SHA-256 stops a crafted
 * image (its maker writes the footer): only a signature does, and a
 * signature covers the SHA-256 (docs/SECURITY.md);
 * abota_image_verify_flash_streamed is then not built. */
#ifndef ABOTA_FEATURE_SHA256
#define ABOTA_FEATURE_SHA256 1
#endif

/* Signed images: with cfg.sign_key set (update.h) the engine installs only
 * an image whose footer carries a valid ECDSA P-256 signature by that key
 * (docs/SECURITY.md); the footer probe refuses a forged or unsigned footer
 * before anything is erased. Needs ABOTA_FEATURE_SHA256: the signature
 * covers the payload's SHA-256. Costs the verifier (src/crypto/sig_p256.c,
 * about 3.5 KiB of code on the lx106, under 1 KiB of stack while it runs)
 * and a fraction of a second per image on an 80 MHz CPU.
 * 0: cfg.sign_key must stay NULL (abota_update_init refuses a key with
 * ABOTA_ERR_UNSUPPORTED): anyone who can answer the device's request can
 * install firmware on it. */
#ifndef ABOTA_FEATURE_SIGNATURE
#define ABOTA_FEATURE_SIGNATURE ABOTA_FEATURE_SHA256
#endif

/* Release manifests (abota/manifest.h, docs/MANIFEST.md): the reader and
 * verifier of the signed JSON document that names a release and its images.
 * Needs ABOTA_FEATURE_SIGNATURE: an unsigned manifest would let whoever
 * answers the request choose what the device fetches. Costs the reader
 * (about 5.7 KiB of code on the lx106, jsmn included) and, while it runs,
 * ABOTA_MANIFEST_TOKENS_MAX * 16 bytes of stack for the JSON tokens.
 * 0: abota/manifest.h declares nothing. */
#ifndef ABOTA_FEATURE_MANIFEST
#define ABOTA_FEATURE_MANIFEST ABOTA_FEATURE_SIGNATURE
#endif

/* Polling a release manifest (abota/poll.h): fetch it with the engine's
 * exchange, If-None-Match on its ETag, and decide whether to update. Needs
 * the manifest reader, redirects (relative image URLs are resolved like a
 * Location) and the ETag kept with ABOTA_FEATURE_RESUME. 0: abota/poll.h
 * declares nothing. */
#ifndef ABOTA_FEATURE_POLL
#define ABOTA_FEATURE_POLL \
    (ABOTA_FEATURE_MANIFEST && ABOTA_FEATURE_REDIRECT && ABOTA_FEATURE_RESUME)
#endif

/* Seconds between polls when the manifest names no poll_interval. */
#ifndef ABOTA_POLL_INTERVAL_DEFAULT
#define ABOTA_POLL_INTERVAL_DEFAULT 3600u
#endif

/* Largest manifest accepted, in bytes (ABOTA_ERR_MAN_TOO_LARGE above). */
#ifndef ABOTA_MANIFEST_MAX
#define ABOTA_MANIFEST_MAX 2048
#endif

/* Most JSON tokens (objects, arrays, keys, values) in one manifest
 * (ABOTA_ERR_MAN_TOKENS above). Format 1 with all its fields and three
 * images takes 48; each token costs 16 bytes of stack while parsing. */
#ifndef ABOTA_MANIFEST_TOKENS_MAX
#define ABOTA_MANIFEST_TOKENS_MAX 64
#endif

/* ABOTA_CRC32_TABLE256==1: CRC-32 with a 256-entry byte table, one lookup
 * per byte, about twice as fast as the 16-entry nibble table (an update
 * computes the CRC-32 of the image two to three times; docs/BENCHMARKS.md),
 * costs 1 KiB of rodata instead of 64 bytes. 0 (default): the nibble table,
 * for the ESP8266, where the table sits in DRAM (src/core/storage/crc32.c) and
 * 1 KiB of about 80 is too dear. The host build (CMake option
 * ABOTA_CRC32_TABLE256, on when ABOTA_HOST) turns it on for the CLI and
 * the simulator. */
#ifndef ABOTA_CRC32_TABLE256
#define ABOTA_CRC32_TABLE256 0
#endif

/* ABOTA_SIG_MUL16==1: the P-256 verifier (src/crypto/sig_p256.c) builds its
 * 32 x 32 -> 64-bit products from 16 x 16 -> 32 ones. For CPUs without a
 * 32 x 32 -> 64 multiply, the lx106: there GCC calls a 64 x 64 multiply
 * routine for each product instead, and a verification takes some 1.5
 * times the instructions (docs/FOOTPRINT.md). Slower where the CPU has the
 * instruction (Cortex-M3 UMULL, x86). Default: 1 on Xtensa with the call0
 * ABI (the ESP8266's lx106), else 0. */
#ifndef ABOTA_SIG_MUL16
#if defined(__XTENSA__) && defined(__XTENSA_CALL0_ABI__)
#define ABOTA_SIG_MUL16 1
#else
#define ABOTA_SIG_MUL16 0
#endif
#endif

/* Longest HTTP status or header line the parser buffers (bytes, without CRLF).
 * Lines of headers abota does not use are skipped, not buffered, and are only
 * bounded by ABOTA_HTTP_SKIP_LINE_MAX. */
#ifndef ABOTA_HTTP_LINE_MAX
#define ABOTA_HTTP_LINE_MAX 256
#endif

/* Longest header line of a header abota ignores. */
#ifndef ABOTA_HTTP_SKIP_LINE_MAX
#define ABOTA_HTTP_SKIP_LINE_MAX 8192
#endif

/* Most header lines in one response. */
#ifndef ABOTA_HTTP_MAX_HEADERS
#define ABOTA_HTTP_MAX_HEADERS 64
#endif

/* Stored copies of header values, NUL-terminated (sizes include the NUL). */
#ifndef ABOTA_HTTP_ETAG_MAX
#define ABOTA_HTTP_ETAG_MAX 72
#endif
#ifndef ABOTA_HTTP_DATE_MAX
#define ABOTA_HTTP_DATE_MAX 40
#endif
#ifndef ABOTA_HTTP_CTYPE_MAX
#define ABOTA_HTTP_CTYPE_MAX 64
#endif
#ifndef ABOTA_URL_MAX
#define ABOTA_URL_MAX 256
#endif
#ifndef ABOTA_URL_HOST_MAX
#define ABOTA_URL_HOST_MAX 128
#endif

/* Largest write alignment the slot writer supports (it buffers this much). */
#ifndef ABOTA_WRITE_ALIGN_MAX
#define ABOTA_WRITE_ALIGN_MAX 16
#endif

/* Scratch buffer on the stack for re-reading flash during verification. */
#ifndef ABOTA_VERIFY_CHUNK
#define ABOTA_VERIFY_CHUNK 256
#endif

#if ABOTA_FEATURE_RESUME && !ABOTA_FEATURE_RETRY
#error "ABOTA_FEATURE_RESUME needs ABOTA_FEATURE_RETRY (a resume is a retry with Range)"
#endif
#if ABOTA_FEATURE_FOOTER_PROBE && !ABOTA_FEATURE_RESUME
#error "ABOTA_FEATURE_FOOTER_PROBE needs ABOTA_FEATURE_RESUME (Content-Range)"
#endif
#if ABOTA_FEATURE_SIGNATURE && !ABOTA_FEATURE_SHA256
#error "ABOTA_FEATURE_SIGNATURE needs ABOTA_FEATURE_SHA256 (a signature covers the SHA-256)"
#endif
#if ABOTA_FEATURE_MANIFEST && !ABOTA_FEATURE_SIGNATURE
#error "ABOTA_FEATURE_MANIFEST needs ABOTA_FEATURE_SIGNATURE (a manifest is trusted for its signature)"
#endif
#if ABOTA_FEATURE_POLL && \
    !(ABOTA_FEATURE_MANIFEST && ABOTA_FEATURE_REDIRECT && ABOTA_FEATURE_RESUME)
#error "ABOTA_FEATURE_POLL needs ABOTA_FEATURE_MANIFEST, _REDIRECT and _RESUME"
#endif
#if (ABOTA_FEATURE_REDIRECT != 0 && ABOTA_FEATURE_REDIRECT != 1) || \
    (ABOTA_FEATURE_CHUNKED != 0 && ABOTA_FEATURE_CHUNKED != 1) || \
    (ABOTA_FEATURE_RESUME != 0 && ABOTA_FEATURE_RESUME != 1) || \
    (ABOTA_FEATURE_FOOTER_PROBE != 0 && ABOTA_FEATURE_FOOTER_PROBE != 1) || \
    (ABOTA_FEATURE_IPV6 != 0 && ABOTA_FEATURE_IPV6 != 1) || \
    (ABOTA_FEATURE_SHA256 != 0 && ABOTA_FEATURE_SHA256 != 1) || \
    (ABOTA_FEATURE_HTTPS != 0 && ABOTA_FEATURE_HTTPS != 1) || \
    (ABOTA_FEATURE_SIGNATURE != 0 && ABOTA_FEATURE_SIGNATURE != 1) || \
    (ABOTA_FEATURE_RETRY != 0 && ABOTA_FEATURE_RETRY != 1) || \
    (ABOTA_FEATURE_CONTENT_TYPE != 0 && ABOTA_FEATURE_CONTENT_TYPE != 1) || \
    (ABOTA_FEATURE_MANIFEST != 0 && ABOTA_FEATURE_MANIFEST != 1) || \
    (ABOTA_FEATURE_SKIP_ERASED != 0 && ABOTA_FEATURE_SKIP_ERASED != 1) || \
    (ABOTA_FEATURE_POLL != 0 && ABOTA_FEATURE_POLL != 1)
#error "ABOTA_FEATURE_* switches must be 0 or 1"
#endif
#if ABOTA_CRC32_TABLE256 != 0 && ABOTA_CRC32_TABLE256 != 1
#error "ABOTA_CRC32_TABLE256 must be 0 or 1"
#endif
#if ABOTA_SIG_MUL16 != 0 && ABOTA_SIG_MUL16 != 1
#error "ABOTA_SIG_MUL16 must be 0 or 1"
#endif
#if ABOTA_HTTP_LINE_MAX < 64
#error "ABOTA_HTTP_LINE_MAX must be at least 64"
#endif
#if ABOTA_URL_HOST_MAX >= ABOTA_URL_MAX
#error "ABOTA_URL_HOST_MAX must be smaller than ABOTA_URL_MAX"
#endif
#if (ABOTA_WRITE_ALIGN_MAX & (ABOTA_WRITE_ALIGN_MAX - 1)) != 0
#error "ABOTA_WRITE_ALIGN_MAX must be a power of two"
#endif
#if ABOTA_MANIFEST_MAX < 256 || ABOTA_MANIFEST_MAX > 65535
#error "ABOTA_MANIFEST_MAX must be 256..65535 (spans are 16-bit)"
#endif
#if ABOTA_MANIFEST_TOKENS_MAX < 16 || ABOTA_MANIFEST_TOKENS_MAX > 1024
#error "ABOTA_MANIFEST_TOKENS_MAX must be 16..1024"
#endif
#if ABOTA_VERIFY_CHUNK < 64 || (ABOTA_VERIFY_CHUNK % 16) != 0
#error "ABOTA_VERIFY_CHUNK must be a multiple of 16, at least 64"
#endif

#endif
