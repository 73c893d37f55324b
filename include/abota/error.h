/* abota error codes: one enum for the whole library, a message for each.
 *
 * Every function that can fail returns int: >= 0 is success (often a byte
 * count), a negative value is one of the codes below. The core never prints;
 * callers turn a code into text with abota_strerror(). */
#ifndef ABOTA_ERROR_H
#define ABOTA_ERROR_H

/* X(name, value, message). Values are stable: they may be logged or stored,
 * so an existing value never changes meaning. Add new codes at the end of a
 * group's range. */
#define ABOTA_ERROR_LIST(X) \
    /* general: 1..19 */ \
    X(ABOTA_ERR_ARG,              -1, "invalid argument") \
    X(ABOTA_ERR_NOSPACE,          -2, "output buffer too small") \
    X(ABOTA_ERR_AGAIN,            -3, "need more input") \
    X(ABOTA_ERR_STATE,            -4, "call not valid in the current state") \
    X(ABOTA_ERR_UNSUPPORTED,      -5, "not supported") \
    X(ABOTA_ERR_IO,               -6, "input/output error") \
    /* flash port: 20..39 */ \
    X(ABOTA_ERR_FLASH_READ,       -20, "flash read failed") \
    X(ABOTA_ERR_FLASH_WRITE,      -21, "flash write failed") \
    X(ABOTA_ERR_FLASH_ERASE,      -22, "flash erase failed") \
    X(ABOTA_ERR_FLASH_ALIGN,      -23, "flash address or length not aligned") \
    X(ABOTA_ERR_FLASH_BOUNDS,     -24, "flash access outside the device") \
    X(ABOTA_ERR_FLASH_NOT_ERASED, -25, "flash write would need a 0 bit to become 1 (not erased)") \
    X(ABOTA_ERR_FLASH_VERIFY,     -26, "flash read-back differs from what was written") \
    X(ABOTA_ERR_POWER_CUT,        -27, "power cut (simulated)") \
    X(ABOTA_ERR_FLASH_SIZE,       -28, "flash image file has a different size than the flash") \
    /* flash layout: 40..49 */ \
    X(ABOTA_ERR_LAYOUT_ALIGN,     -40, "flash layout: region not aligned to the sector size") \
    X(ABOTA_ERR_LAYOUT_OVERLAP,   -41, "flash layout: regions overlap") \
    X(ABOTA_ERR_LAYOUT_BOUNDS,    -42, "flash layout: region outside the flash") \
    X(ABOTA_ERR_LAYOUT_UNKNOWN,   -43, "flash layout: unknown name") \
    X(ABOTA_ERR_LAYOUT_GEOMETRY,  -44, "flash layout: invalid sector size or write alignment") \
    /* HTTP response parser: 50..89 */ \
    X(ABOTA_ERR_HTTP_NO_CRLF,        -50, "malformed HTTP header: line without CRLF") \
    X(ABOTA_ERR_HTTP_STATUS_LINE,    -51, "status line is not HTTP/1.x") \
    X(ABOTA_ERR_HTTP_STATUS_CODE,    -52, "status code is not three digits") \
    X(ABOTA_ERR_HTTP_LINE_TOO_LONG,  -53, "HTTP header line too long") \
    X(ABOTA_ERR_HTTP_TOO_MANY_HEADERS, -54, "too many HTTP header lines") \
    X(ABOTA_ERR_HTTP_HEADER_SYNTAX,  -55, "malformed HTTP header: no colon or invalid name") \
    X(ABOTA_ERR_HTTP_CL_NOT_NUMBER,  -56, "Content-Length is not a number") \
    X(ABOTA_ERR_HTTP_CL_CONFLICT,    -57, "two different Content-Length values") \
    X(ABOTA_ERR_HTTP_CL_TOO_BIG,     -58, "Content-Length too large") \
    X(ABOTA_ERR_HTTP_TE_UNSUPPORTED, -59, "unsupported Transfer-Encoding") \
    X(ABOTA_ERR_HTTP_TE_AND_CL,      -60, "both Transfer-Encoding and Content-Length") \
    X(ABOTA_ERR_HTTP_CHUNK_SIZE,     -61, "chunk size is not a hex number") \
    X(ABOTA_ERR_HTTP_CHUNK_TOO_BIG,  -62, "chunk size too large") \
    X(ABOTA_ERR_HTTP_CHUNK_CRLF,     -63, "chunk data not followed by CRLF") \
    X(ABOTA_ERR_HTTP_CONTENT_RANGE,  -64, "malformed Content-Range") \
    X(ABOTA_ERR_HTTP_TRUNCATED,      -65, "connection closed before the end of the body") \
    X(ABOTA_ERR_HTTP_EXTRA_BYTES,    -66, "bytes past the end of the declared body") \
    X(ABOTA_ERR_HTTP_OBS_FOLD,       -67, "obsolete folded HTTP header line") \
    X(ABOTA_ERR_HTTP_HEADER_VALUE,   -68, "malformed HTTP header value") \
    X(ABOTA_ERR_HTTP_STATUS,         -69, "unexpected HTTP status") \
    X(ABOTA_ERR_HTTP_NOT_FOUND,      -70, "HTTP 404: firmware not found on the server") \
    X(ABOTA_ERR_HTTP_SERVER_ERROR,   -71, "HTTP 5xx: server error") \
    X(ABOTA_ERR_HTTP_CONTENT_TYPE,   -72, "unexpected Content-Type (want application/octet-stream)") \
    X(ABOTA_ERR_HTTP_NO_LENGTH,      -73, "response has neither Content-Length nor chunked encoding") \
    X(ABOTA_ERR_HTTP_REDIRECT_LOOP,  -74, "too many HTTP redirects") \
    X(ABOTA_ERR_HTTP_RANGE_MISMATCH, -75, "Content-Range does not match the requested range") \
    X(ABOTA_ERR_HTTP_BAD_REDIRECT,   -76, "redirect without a usable Location") \
    X(ABOTA_ERR_HTTP_VALUE_TOO_LONG, -77, "HTTP header value too long for abota's copy of it") \
    X(ABOTA_ERR_HTTP_BODY_TOO_BIG,   -78, "HTTP body longer than 4 GiB") \
    X(ABOTA_ERR_HTTP_REDIRECT_INSECURE, -79, "redirect from https:// to http:// refused (a downgrade)") \
    /* URL and request builder: 90..99 */ \
    X(ABOTA_ERR_URL_SCHEME,       -90, "URL scheme is not http:// (nor https:// where built with ABOTA_FEATURE_HTTPS)") \
    X(ABOTA_ERR_URL_HOST,         -91, "URL host is empty or malformed") \
    X(ABOTA_ERR_URL_PORT,         -92, "URL port is not a number in 1..65535") \
    X(ABOTA_ERR_URL_TOO_LONG,     -93, "URL too long") \
    X(ABOTA_ERR_URL_SYNTAX,       -94, "URL malformed") \
    X(ABOTA_ERR_URL_USERINFO,     -95, "URL with user:password@ is not supported") \
    /* images: 100..129 */ \
    X(ABOTA_ERR_IMG_UNKNOWN,      -100, "neither an abota image nor an Espressif user bin") \
    X(ABOTA_ERR_IMG_TOO_SHORT,    -101, "image shorter than its header or footer") \
    X(ABOTA_ERR_IMG_FOOTER_VERSION, -102, "abota footer version not supported") \
    X(ABOTA_ERR_IMG_FOOTER_CRC,   -103, "abota footer CRC mismatch") \
    X(ABOTA_ERR_IMG_LENGTH,       -104, "image length does not match its footer") \
    X(ABOTA_ERR_IMG_CRC,          -105, "image CRC-32 mismatch") \
    X(ABOTA_ERR_IMG_SHA256,       -106, "image SHA-256 mismatch") \
    X(ABOTA_ERR_IMG_SLOT,         -107, "image built for the other slot") \
    X(ABOTA_ERR_IMG_VERSION,      -108, "version is not MAJOR.MINOR.PATCH (0-255.0-255.0-65535)") \
    X(ABOTA_ERR_ESP_HEADER,       -110, "Espressif image header malformed") \
    X(ABOTA_ERR_ESP_SEGMENT,      -111, "Espressif image segment runs past the end") \
    X(ABOTA_ERR_ESP_CHECKSUM,     -112, "Espressif XOR checksum mismatch") \
    X(ABOTA_ERR_ESP_CRC,          -113, "Espressif CRC trailer mismatch") \
    X(ABOTA_ERR_IMG_FOOTER_FIELD, -114, "abota footer field out of range") \
    X(ABOTA_ERR_IMG_FOOTER_MAGIC, -115, "no abota footer (magic \"ABOT\" missing)") \
    X(ABOTA_ERR_IMG_FOOTER_SIZE,  -116, "abota footer size field is not 256") \
    X(ABOTA_ERR_IMG_FOOTER_SLOT,  -117, "abota footer target slot is not 0, 1 or 2") \
    X(ABOTA_ERR_IMG_FOOTER_FLAGS, -118, "abota footer has unknown flags set") \
    X(ABOTA_ERR_IMG_FOOTER_SIG,   -119, "abota footer signature length over 128 or set without a type") \
    X(ABOTA_ERR_IMG_FOOTER_PAD,   -120, "abota footer pad length does not match the payload length") \
    X(ABOTA_ERR_IMG_PADDING,      -121, "padding before the abota footer is not all 0xFF") \
    X(ABOTA_ERR_ESP_MAGIC,        -122, "not an Espressif image (first byte is not 0xE9 or 0xEA)") \
    X(ABOTA_ERR_ESP_SEGMENTS,     -123, "Espressif image has no segments or more than abota supports") \
    X(ABOTA_ERR_ESP_TRUNCATED,    -124, "Espressif image ends before its checksum or CRC trailer") \
    X(ABOTA_ERR_IMG_ESP_LENGTH,   -125, "Espressif bin inside the image does not end where the payload ends") \
    X(ABOTA_ERR_IMG_NO_FOOTER,    -126, "no abota footer at the end of the image (truncated?) and not an Espressif user bin") \
    X(ABOTA_ERR_ESP_FLASH_MAP,    -127, "Espressif user bin linked for another flash map: its code cannot run at this slot's address") \
    X(ABOTA_ERR_IMG_VERSION_PRERELEASE, -128, "pre-release versions (X.Y.Z-rc.1) are not supported: the packed version cannot order them below X.Y.Z") \
    /* slot writer: 130..139 */ \
    X(ABOTA_ERR_SLOT_INVALID,     -130, "no such slot") \
    X(ABOTA_ERR_SLOT_RUNNING,     -131, "refusing to write the running slot") \
    X(ABOTA_ERR_SLOT_TOO_BIG,     -132, "image larger than the slot") \
    X(ABOTA_ERR_SLOT_OVERFLOW,    -133, "more bytes than the declared length") \
    X(ABOTA_ERR_SLOT_SHORT,       -134, "fewer bytes than the declared length") \
    X(ABOTA_ERR_SLOT_CRC,         -135, "slot read back from flash differs from the bytes received") \
    X(ABOTA_ERR_SLOT_RESUME,      -136, "resume offset not a multiple of the write alignment or past the image") \
    X(ABOTA_ERR_SLOT_TRAILING,    -137, "bytes after the end of the Espressif user bin") \
    /* boot record and boot choice: 140..149 */ \
    X(ABOTA_ERR_BOOTREC_NONE,     -140, "no valid boot record") \
    X(ABOTA_ERR_BOOT_NOTHING,     -141, "nothing bootable") \
    X(ABOTA_ERR_BOOTREC_FIELD,    -142, "boot record field out of range") \
    X(ABOTA_ERR_BOOTREC_MAGIC,    -143, "boot record magic missing (sector erased or foreign)") \
    X(ABOTA_ERR_BOOTREC_VERSION,  -144, "boot record format version not supported") \
    X(ABOTA_ERR_BOOTREC_CRC,      -145, "boot record CRC mismatch") \
    X(ABOTA_ERR_BOOT_MISMATCH,    -146, "slot image does not match the boot record's length or CRC-32") \
    X(ABOTA_ERR_BOOT_NOT_ACTIVE,  -147, "the boot record names the other slot than the one running") \
    X(ABOTA_ERR_BOOT_NO_HANDOFF,  -148, "no hand-off from abota's loader: cannot tell the running slot") \
    /* network port: 150..169 */ \
    X(ABOTA_ERR_NET_RESOLVE,      -150, "host name could not be resolved") \
    X(ABOTA_ERR_NET_CONNECT,      -151, "could not connect to the server") \
    X(ABOTA_ERR_NET_REFUSED,      -152, "connection refused") \
    X(ABOTA_ERR_NET_TIMEOUT,      -153, "network timeout") \
    X(ABOTA_ERR_NET_SEND,         -154, "send failed") \
    X(ABOTA_ERR_NET_RECV,         -155, "receive failed") \
    X(ABOTA_ERR_NET_CLOSED,       -156, "connection closed by the server") \
    X(ABOTA_ERR_NET_RESET,        -157, "connection reset by the peer") \
    /* TLS in the network port (connect_tls, docs/TLS.md): 158..169 */ \
    X(ABOTA_ERR_NET_TLS_UNAVAILABLE, -158, "https:// URL, but the network port has no TLS (connect_tls)") \
    X(ABOTA_ERR_NET_TLS_CONFIG,   -159, "TLS not configured: neither a CA certificate nor a pinned server key to verify the server with") \
    X(ABOTA_ERR_NET_TLS_HANDSHAKE, -160, "TLS handshake failed") \
    X(ABOTA_ERR_NET_TLS_UNTRUSTED, -161, "TLS: server certificate not signed by a trusted CA") \
    X(ABOTA_ERR_NET_TLS_EXPIRED,  -162, "TLS: server certificate expired or not yet valid") \
    X(ABOTA_ERR_NET_TLS_HOSTNAME, -163, "TLS: server certificate is not for the URL's host name") \
    X(ABOTA_ERR_NET_TLS_PIN,      -164, "TLS: server public key does not match the pinned SHA-256") \
    X(ABOTA_ERR_NET_TLS_CLOSED,   -165, "TLS: server closed the connection during the handshake") \
    /* update engine: 170..189 */ \
    X(ABOTA_ERR_DEADLINE,         -170, "update deadline passed") \
    X(ABOTA_ERR_UP_TO_DATE,       -171, "server has the running version already") \
    X(ABOTA_ERR_RETRIES,          -172, "gave up after the configured number of retries") \
    X(ABOTA_ERR_UP_URL_TEMPLATE,  -173, "URL template: '%' must be followed by 'd' (slot number) or '%'") \
    X(ABOTA_ERR_UP_NET_PORT,      -174, "network port broke its contract (send/recv count out of range)") \
    X(ABOTA_ERR_UP_RATE_LIMITED,  -175, "HTTP 429: the server asks to come back later") \
    X(ABOTA_ERR_UP_RESTART,       -176, "server sent the whole image instead of the rest: download starts over") \
    X(ABOTA_ERR_UP_UNCONFIRMED,   -177, "the running image is not confirmed (in trial, or not in the boot record): confirm it before updating") \
    X(ABOTA_ERR_UP_NO_JOURNAL,    -178, "no progress journal for this download: it starts from the beginning") \
    X(ABOTA_ERR_UP_DOWNGRADE,     -179, "image version older than the running one (a downgrade): allow it with allow_downgrade") \
    /* signatures and anti-rollback: 190..199 (abota/sig.h, docs/SECURITY.md) */ \
    X(ABOTA_ERR_SIG_INVALID,      -190, "signature does not verify: the image was not signed by the built-in key") \
    X(ABOTA_ERR_SIG_KEY,          -191, "public key is not a point of the P-256 curve") \
    X(ABOTA_ERR_SIG_RANGE,        -192, "signature value r or s is zero or not below the curve order") \
    X(ABOTA_ERR_SIG_NONE,         -193, "image is not signed, and this device requires a signature") \
    X(ABOTA_ERR_SIG_LENGTH,       -194, "signature length is not the 64 bytes of ECDSA P-256") \
    X(ABOTA_ERR_SIG_TYPE,         -195, "signature type not supported") \
    X(ABOTA_ERR_SECURITY_VERSION, -196, "image security version below the device's (anti-rollback)") \
    /* release manifests: 200..229 (abota/manifest.h, docs/MANIFEST.md) */ \
    X(ABOTA_ERR_MAN_TOO_LARGE,    -200, "manifest larger than ABOTA_MANIFEST_MAX bytes") \
    X(ABOTA_ERR_MAN_JSON,         -201, "manifest is not well-formed JSON") \
    X(ABOTA_ERR_MAN_TRUNCATED,    -202, "manifest ends inside its JSON (truncated)") \
    X(ABOTA_ERR_MAN_TOKENS,       -203, "manifest has more JSON tokens than ABOTA_MANIFEST_TOKENS_MAX") \
    X(ABOTA_ERR_MAN_DEPTH,        -204, "manifest nests objects or arrays too deeply") \
    X(ABOTA_ERR_MAN_DUPLICATE,    -205, "manifest has the same key twice in one object") \
    X(ABOTA_ERR_MAN_STRING,       -206, "manifest key or field with an escape sequence (\\) or a control byte") \
    X(ABOTA_ERR_MAN_MISSING,      -207, "manifest lacks a required field") \
    X(ABOTA_ERR_MAN_TYPE,         -208, "manifest field has the wrong JSON type") \
    X(ABOTA_ERR_MAN_RANGE,        -209, "manifest field value out of range") \
    X(ABOTA_ERR_MAN_FORMAT,       -210, "manifest format not supported (this reader knows format 1)") \
    X(ABOTA_ERR_MAN_VERSION,      -211, "manifest version or min_version is not MAJOR.MINOR.PATCH (0-255.0-255.0-65535)") \
    X(ABOTA_ERR_MAN_HEX,          -212, "manifest sha256 (64) or signature (128) is not that many hex digits") \
    X(ABOTA_ERR_MAN_URL,          -213, "manifest URL is empty or longer than ABOTA_URL_MAX") \
    X(ABOTA_ERR_MAN_SLOT,         -214, "manifest image slot is not 0, 1 or 2, or is named twice") \
    X(ABOTA_ERR_MAN_IMAGES,       -215, "manifest images is empty or has more than 3 entries") \
    X(ABOTA_ERR_MAN_NO_IMAGE,     -216, "manifest has no image for this slot") \
    X(ABOTA_ERR_MAN_SIGNATURE,    -217, "manifest signature does not verify: not signed by the built-in key, or changed") \
    /* polling a manifest, and the image bound to it (abota/poll.h, docs/UPDATE.md) */ \
    X(ABOTA_ERR_MAN_MIN_VERSION,  -218, "running version is below the manifest's min_version: an intermediate release is needed first") \
    X(ABOTA_ERR_MAN_SECURITY,     -219, "manifest security_version is below the running image's (anti-rollback)") \
    X(ABOTA_ERR_MAN_IMG_VERSION,  -220, "image version differs from the manifest's, or the image has no abota footer") \
    X(ABOTA_ERR_MAN_IMG_SECURITY, -221, "image security version differs from the manifest's") \
    X(ABOTA_ERR_MAN_IMG_LENGTH,   -222, "image length differs from the manifest's") \
    X(ABOTA_ERR_MAN_NOT_MODIFIED, -223, "server answered 304 Not Modified to a request without If-None-Match")

enum abota_err {
    ABOTA_OK = 0,
#define ABOTA_X_ENUM(name, value, msg) name = (value),
    ABOTA_ERROR_LIST(ABOTA_X_ENUM)
#undef ABOTA_X_ENUM
};

/* The message for a code; never NULL. Unknown codes give "unknown error". */
const char *abota_strerror(int err);

/* The enum's name ("ABOTA_ERR_HTTP_NO_CRLF") for logs and tests; never NULL. */
const char *abota_strerror_name(int err);

#endif
