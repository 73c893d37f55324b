/* The update engine: one OTA update, from URL to a boot record that starts
 * the new image in trial on the next boot.
 *
 *   resolve/connect -> send GET -> parse headers (status 200, type, size)
 *   -> stream the body into the inactive slot -> verify from flash
 *   -> write the boot record (next boot = new slot, in trial) -> ask reboot
 *
 * Every failure returns its own error and leaves the boot record untouched,
 * so the device keeps booting the running image. The engine pulls bytes from
 * the net port and pushes them down; it never allocates and never prints:
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
#include "abota/layout.h"
#include "abota/net.h"
#include "abota/slot.h"
#include "abota/url.h"

enum abota_update_step {
    ABOTA_EV_RESOLVE = 1,   /* detail: host */
    ABOTA_EV_CONNECTED,     /* connected to the server */
    ABOTA_EV_REQUEST_SENT,  /* detail: the request path */
    ABOTA_EV_HEADERS,       /* total: image size (0 when chunked) */
    ABOTA_EV_PROGRESS,      /* done / total bytes written to the slot */
    ABOTA_EV_VERIFIED,      /* the image in flash verified; version in ev->version */
    ABOTA_EV_RECORD_WRITTEN,/* next boot = new slot, in trial */
    ABOTA_EV_REBOOT,        /* about to ask the port to reboot */
    ABOTA_EV_RETRY,         /* err: why; done: attempt number; total: delay ms */
    ABOTA_EV_WARNING,       /* err: something odd that did not stop the update */
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

struct abota_update_config {
    /* http://host[:port]/path; "%d" in the path is replaced by the target
     * slot number (1 or 2), so the device fetches the bin built for the slot
     * it will write (e.g. "http://192.168.1.10:3344/user%d.bin"). */
    const char *url;
    uint32_t connect_timeout_ms;  /* 0: default 10000 */
    uint32_t idle_timeout_ms;     /* no byte for this long: 0: default 15000 */
    uint32_t deadline_ms;         /* whole update incl. retries: 0: default 300000 */
    /* Required Content-Type; NULL: "application/octet-stream"; "": any. */
    const char *content_type;
    uint8_t trial_attempts;       /* boots allowed before rollback; 0: default 3 */
    bool http10;                  /* send HTTP/1.0 requests */
    bool allow_same_version;      /* install even when versions are equal */
};

struct abota_update {
    /* set with abota_update_init */
    struct abota_update_config cfg;
    const struct abota_flash *flash;
    const struct abota_layout *layout;
    const struct abota_net *net;
    const struct abota_clock *clock;
    abota_update_cb cb;
    void *cb_arg;
    uint8_t *buf;        /* caller's receive buffer; requests are built in it too */
    size_t buf_size;     /* 1460 is enough */
    /* results of the last run */
    int running_slot;
    int target_slot;
    uint32_t new_version;
    uint32_t bytes_received;   /* on the wire, headers included */
    /* private */
    struct abota_url url_;
    struct abota_http http_;
    struct abota_slot_writer writer_;
};

/* Prepares u. buf must hold at least 512 bytes. */
int abota_update_init(struct abota_update *u, const struct abota_update_config *cfg,
                      const struct abota_flash *flash, const struct abota_layout *layout,
                      const struct abota_net *net, const struct abota_clock *clock,
                      uint8_t *buf, size_t buf_size);

void abota_update_set_callback(struct abota_update *u, abota_update_cb cb, void *arg);

/* Runs one update into the slot that is not running_slot. Returns 0 when
 * the new image is verified and the boot record says to boot it next (the
 * caller then reboots), ABOTA_ERR_UP_TO_DATE when the server has the running
 * version, or an error; on any error the boot record is untouched. */
int abota_update_run(struct abota_update *u, int running_slot);

#endif
