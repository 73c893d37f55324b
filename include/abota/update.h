/* The update engine: one OTA update, from URL to a boot record that starts
 * the new image in trial on the next boot.
 *
 *   resolve/connect -> send GET -> parse headers (status 200, type, size)
 *   -> stream the body into the inactive slot -> verify from flash
 *   -> write the boot record (next boot = new slot, in trial) -> ask reboot
 *
 * Transient failures (network, 5xx/429, a connection cut short) are retried
 * with a bounded, jittered back-off; a download cut short continues with a
 * Range request where the slot stopped, and after a reboot from the progress
 * journal (layout->journal). Every failure returns its own error and leaves
 * the device booting the running image. The engine pulls bytes from the
 * net port and pushes them down; it never allocates and never prints:
 * progress goes to the optional event callback. */
#ifndef ABOTA_UPDATE_H
#define ABOTA_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/flash.h"
#include "abota/http.h"
#include "abota/image.h"
#include "abota/journal.h"
#include "abota/layout.h"
#include "abota/net.h"
#include "abota/slot.h"
#include "abota/url.h"

enum abota_update_step {
    ABOTA_EV_RESOLVE = 1,   /* detail: host */
    ABOTA_EV_CONNECTED,     /* connected to the server */
    ABOTA_EV_REQUEST_SENT,  /* detail: the request path */
    ABOTA_EV_HEADERS,       /* total: image size (0: unknown, chunked or until the close) */
    ABOTA_EV_PROGRESS,      /* done / total bytes written to the slot */
    ABOTA_EV_VERIFIED,      /* the image in flash verified; version in ev->version */
    ABOTA_EV_RECORD_WRITTEN,/* next boot = new slot, in trial */
    ABOTA_EV_REBOOT,        /* about to ask the port to reboot */
    ABOTA_EV_RETRY,         /* err: why; done: attempt number; total: delay ms */
    ABOTA_EV_WARNING,       /* err: something odd that did not stop the update */
    ABOTA_EV_RESUMED,       /* done: offset the download continues at; total: image size */
    ABOTA_EV_RESPONSE_REFUSED, /* the server's answer is not taken: done: its HTTP status;
                                * err: why; detail: its Content-Type as sent (NULL: none,
                                * or not kept: ABOTA_FEATURE_CONTENT_TYPE 0) */
};

struct abota_update_event {
    enum abota_update_step step;
    uint32_t done, total;
    int err;
    int slot;              /* target slot */
    uint32_t version;      /* packed, with ABOTA_EV_VERIFIED */
    const char *detail;    /* may be NULL */
};

typedef void (*abota_update_cb)(void *arg, const struct abota_update_event *ev);

/* The release an image must be, when a signed manifest named it
 * (abota/poll.h fills one in): the footer's version and security version
 * and the image file's length must be exactly these, or the run ends with
 * ABOTA_ERR_MAN_IMG_VERSION (also for an image without abota footer),
 * _SECURITY or _LENGTH. Checked at the headers (a Content-Length) and at the
 * footer probe, before anything is erased, and again at the final
 * verification. */
struct abota_update_expect {
    uint32_t version;   /* packed (abota_version_pack) */
    uint32_t security;  /* security version */
    uint32_t length;    /* bytes of the image file */
};

struct abota_update_config {
    /* http://host[:port]/path; "%d" in it is replaced by the target slot
     * number (1 or 2), so the device fetches the bin built for the slot it
     * will write (e.g. "http://192.168.1.10:3344/user%d.bin"). "%%" stands
     * for a literal '%' (so "%%20" sends "%20"); any other '%' is refused
     * with ABOTA_ERR_UP_URL_TEMPLATE. */
    const char *url;
    uint32_t connect_timeout_ms;  /* resolve + connect: 0: default 10000 */
    uint32_t idle_timeout_ms;     /* no byte for this long: 0: default 15000 */
    uint32_t deadline_ms;         /* whole update incl. retries: 0: default 300000 */
    /* A watchdog the run lives under that nothing feeds while the engine
     * works: how long the device may run before it is reset from outside
     * (`abota sim --watchdog`, a supervisor's boot timer); 0: none. The
     * deadline is then capped at three quarters of it, so every wait,
     * retry and back-off ends with the engine's own error well before the
     * reset; the last quarter is for what surrounds the run (boot, the
     * read-back verification, the record, the reboot). A watchdog the OS
     * feeds while a task blocks (the ESP8266 SDK's) is not one of these:
     * the engine's waits block (docs/PORTING.md). */
    uint32_t watchdog_ms;
    /* Required Content-Type, compared case-insensitively without parameters
     * (";charset=..."); NULL: "application/octet-stream"; "": any. A
     * response without Content-Type (HTTP allows it) is taken, and the
     * image verification decides. Ignored (any type) without
     * ABOTA_FEATURE_CONTENT_TYPE (config.h). */
    const char *content_type;
    /* The vendor's ECDSA P-256 public key (ABOTA_SIG_P256_KEY_SIZE bytes,
     * X || Y, as `abota pubkey --c` prints it; it must outlive u). Set, the
     * engine installs only an image whose footer is signed by it
     * (docs/SECURITY.md): an unsigned image or a plain Espressif bin ends
     * the run with ABOTA_ERR_SIG_NONE, a bad signature with
     * ABOTA_ERR_SIG_INVALID (or _KEY, _RANGE, _TYPE, _LENGTH), checked
     * after the payload's SHA-256 and before the boot record is written;
     * the footer probe checks it before anything is erased. NULL: no
     * signature is checked (integrity only: CRC-32 and SHA-256). Needs
     * ABOTA_FEATURE_SIGNATURE; without it abota_update_init refuses a key
     * with ABOTA_ERR_UNSUPPORTED. */
    const uint8_t *sign_key;
    /* The release the image must be (it must outlive u); NULL: any image
     * the other checks take. Needs ABOTA_FEATURE_MANIFEST; without it
     * abota_update_init refuses one with ABOTA_ERR_UNSUPPORTED. */
    const struct abota_update_expect *expect;
    uint8_t trial_attempts;       /* boots allowed before rollback; 0: default 3 */
    bool http10;                  /* send HTTP/1.0 requests */
    bool allow_same_version;      /* install even when versions are equal */
    /* Install an image whose version is older than the running one (a
     * downgrade within the same security version; one below the device's
     * security floor is refused whatever this says). Without it the run
     * ends with ABOTA_ERR_UP_DOWNGRADE. */
    bool allow_downgrade;
    /* Update even while the running image is still in trial (not yet
     * confirmed): the other slot, its rollback target, is overwritten, so
     * the device is left with one image it never confirmed. Without it
     * the run ends with ABOTA_ERR_UP_UNCONFIRMED before any network. */
    bool allow_unconfirmed;
    /* By default the engine first asks for the image's last 256 bytes
     * ("Range: bytes=-256"): when the server answers 206 and they hold an
     * abota footer, a wrong target slot, the running version or an image
     * larger than the slot is refused before anything is erased. A server
     * that ignores Range answers 200 with the whole image, which is then
     * simply used as the download (no second request). Set this to skip the
     * probe (one request fewer; checks only after the download). */
    bool no_footer_probe;        /* no effect without ABOTA_FEATURE_FOOTER_PROBE */
    /* Retries (docs/UPDATE.md, "Retries"). Only transient failures are
     * retried: connect/resolve errors, timeouts, resets, a connection closed
     * early, 5xx, 429, a Content-Range that does not fit the resume; a
     * verification failure after a complete download gets one retry from
     * scratch. max_attempts bounds the attempts in a row that bring no new
     * byte into the slot (1: never retry); 0: default 6. The wait before a
     * retry doubles from retry_base_ms up to retry_max_ms (0: defaults 1000
     * and 30000), then is drawn in [wait/2, wait] with clock->random;
     * Retry-After is honoured up to retry_max_ms. The deadline bounds it
     * all. Without ABOTA_FEATURE_RETRY (config.h) a run makes one attempt
     * and these three are ignored. */
    uint8_t max_attempts;
    uint32_t retry_base_ms;
    uint32_t retry_max_ms;
    /* Progress journal (layouts with a journal sector): a checkpoint every
     * this many bytes written, rounded up to whole sectors; 0: 16 KiB. */
    uint32_t journal_every;
};

/* Most redirects followed for one request before ABOTA_ERR_HTTP_REDIRECT_LOOP. */
#ifndef ABOTA_UPDATE_MAX_REDIRECTS
#define ABOTA_UPDATE_MAX_REDIRECTS 4
#endif

/* Smallest receive buffer: the expanded URL template is written into it
 * before the request is built, and during the footer
 * probe its last ABOTA_FOOTER_SIZE bytes collect the footer. */
#define ABOTA_UPDATE_BUF_MIN 512u
#if ABOTA_URL_MAX > ABOTA_UPDATE_BUF_MIN
#error "ABOTA_URL_MAX must not exceed ABOTA_UPDATE_BUF_MIN"
#endif

/* Bytes of the engine's private state besides its slot writer, response
 * parser and URL: scalars, and with resume the validator and the journal.
 * The engine checks at compile time that its state fits. */
#if ABOTA_FEATURE_RESUME
/* + a pointer and two counts: a manifest poll's document (abota/poll.h) */
#define ABOTA_UPDATE_STATE_REST                                              \
    (sizeof(struct abota_journal) + ABOTA_HTTP_ETAG_MAX + 54u + sizeof(void *))
#else
#define ABOTA_UPDATE_STATE_REST 30u
#endif
#define ABOTA_UPDATE_STATE_SIZE                                                         \
    (sizeof(struct abota_slot_writer) + sizeof(struct abota_http) + sizeof(struct abota_url) + \
     ABOTA_UPDATE_STATE_REST)

/* Storage for the engine's private state: opaque, sized, so that a
 * struct abota_update can be allocated statically. */
union abota_update_state {
    unsigned char bytes[ABOTA_UPDATE_STATE_SIZE];
    struct abota_slot_writer align_writer_; /* its alignment (SHA-256 state) */
    void *align_ptr_;
};

struct abota_update {
    /* set with abota_update_init */
    struct abota_update_config cfg;   /* with the defaults filled in */
    const struct abota_flash *flash;
    const struct abota_layout *layout;
    const struct abota_net *net;
    const struct abota_clock *clock;
    abota_update_cb cb;
    void *cb_arg;
    uint8_t *buf;        /* caller's receive buffer; requests are built in it too */
    size_t buf_size;     /* >= ABOTA_UPDATE_BUF_MIN; 1460 (one TCP segment) is plenty */
    /* results of the last run */
    int running_slot;
    int target_slot;
    uint32_t new_version;      /* packed; 0 when the image carries none */
    uint32_t bytes_received;   /* on the wire over all requests, headers included */
    uint16_t attempts;         /* requests that started an attempt (probe included) */
    int last_err;              /* the last attempt's error (0: none); the cause when
                                  the run ends in ABOTA_ERR_DEADLINE */
    uint32_t resumed_at;       /* slot offset the journal let the run start at, 0: none */
    /* private: the state of one run (src/core/update/update_priv.h) */
    union abota_update_state state_;
};

/* Prepares u: copies cfg (the strings it points to must outlive u) and
 * fills in the defaults. buf must hold at least ABOTA_UPDATE_BUF_MIN bytes.
 * clock->sleep_ms and ->random may be NULL. Errors: ABOTA_ERR_ARG,
 * ABOTA_ERR_UNSUPPORTED (cfg->sign_key without ABOTA_FEATURE_SIGNATURE), or
 * the layout's error from abota_layout_check. */
int abota_update_init(struct abota_update *u, const struct abota_update_config *cfg,
                      const struct abota_flash *flash, const struct abota_layout *layout,
                      const struct abota_net *net, const struct abota_clock *clock,
                      uint8_t *buf, size_t buf_size);

void abota_update_set_callback(struct abota_update *u, abota_update_cb cb, void *arg);

/* Runs one update into the slot that is not running_slot. Returns 0 when
 * the new image is verified and the boot record says to boot it next (the
 * caller then reboots), ABOTA_ERR_UP_TO_DATE when the server has the running
 * version, or an error; on any error the device keeps booting the running
 * image: the record at most no longer vouches for the target slot, which
 * may hold a partial image that nothing boots (with a journal the next run
 * continues it). After retries the error is the last
 * attempt's, or ABOTA_ERR_DEADLINE with the cause in u->last_err.
 *
 * running_slot is the slot the bootloader started (its hand-off), not the
 * record's word. Before any network: a record naming the other slot ends
 * the run with ABOTA_ERR_BOOT_NOT_ACTIVE; a running image the record does
 * not describe (no record: flashed by other tools; call abota_boot_confirm
 * once, which verifies it and writes its entry) or one still in trial
 * (unless cfg.allow_unconfirmed) with ABOTA_ERR_UP_UNCONFIRMED. Before its
 * first erase in the target slot the run calls abota_boot_prepare_update(),
 * so a cut download never leaves a record entry that vouches for the
 * half-written slot.
 *
 * The running version is the boot record's entry for running_slot. Images
 * without an abota footer (plain Espressif bins) carry no version either:
 * their slot is taken from the 0xEA header's user bin number. */
int abota_update_run(struct abota_update *u, int running_slot);

#endif
