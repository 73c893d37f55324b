/* The simulated device behind `abota sim`: a bootloader that runs the core's
 * boot choice or the ESP8266 loader's on a flash file, and a runner that
 * starts the chosen slot's firmware (a Linux executable stored in the slot)
 * under a watchdog. */
#ifndef ABOTA_SIM_H
#define ABOTA_SIM_H

#include <stdint.h>

#include "abota/boot.h"
#include "abota/flash.h"
#include "abota/layout.h"

/* How a firmware run ended. */
enum sim_outcome {
    SIM_IDLE = 0,   /* exit 0: the device keeps running */
    SIM_REBOOT,     /* exit ABOTA_SIM_EXIT_REBOOT */
    SIM_EXIT,       /* another exit status: detail is the status */
    SIM_SIGNAL,     /* killed by a signal: detail is the signal number */
    SIM_WATCHDOG,   /* ran past the watchdog and was killed */
    SIM_START_FAIL, /* could not be started at all (not an executable): a crash too */
};

/* Which boot choice the simulated bootloader runs. */
enum sim_loader {
    SIM_LOADER_FULL = 0, /* the core's abota_boot_choose + abota_boot_apply */
    SIM_LOADER_CRC32,    /* the ESP8266 loader's abota_loader_choose (choose.c) */
    SIM_LOADER_SIGNED,   /* secure boot: abota_boot_choose_signed with the --key */
};

/* One boot: the boot choice on f, the record update it implies, and an
 * executable copy of the chosen slot's firmware: the payload, or the one
 * segment of a 0xE9 image that wraps it (abota pack --wrap-e9). On success
 * *exe_fd is a memfd holding exactly those bytes of flash. Returns 0 or an
 * abota error (ABOTA_ERR_BOOT_NOTHING when no slot verifies,
 * ABOTA_ERR_UNSUPPORTED when the slot holds an image the simulator cannot
 * run). */
int sim_boot(const struct abota_flash *f, const struct abota_layout *l, enum sim_loader loader,
             const uint8_t *key, struct abota_boot_decision *d, int *exe_fd);

/* The ESP8266 loader's choice (sim_loader.c) as a decision: slot, reason,
 * the record as the loader wrote it, the footer its record entry points at
 * (kind ABOTA_IMAGE_UNKNOWN when there is none), and ABOTA_ERR_BOOT_MISMATCH
 * as active_err for a slot passed over. The record is written already.
 * Returns 0 or ABOTA_ERR_BOOT_NOTHING. */
int sim_loader_crc32(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d);

/* Text for a boot reason ("normal", "trial", ...). */
const char *sim_boot_reason(enum abota_boot_reason r);

struct sim_context {
    const char *flash_path;
    const char *layout_name;
    const char *url;
    const char *ssid;
    const char *sign_key_hex; /* ABOTA_SIM_ENV_SIGN_KEY; NULL: none */
    const uint8_t *sign_key;  /* the same, X || Y (SIM_LOADER_SIGNED checks with it) */
    int slot;
    unsigned watchdog_s; /* also told to the firmware (ABOTA_SIM_ENV_WATCHDOG_MS) */
    enum sim_loader loader;
    /* TLS for https:// URLs, told to the firmware (sim_abi.h); NULL: unset */
    const char *tls_ca;           /* absolute path */
    const char *tls_pin;          /* 64 hex digits */
    const char *tls_max_fragment; /* "512".."4096" */
    /* manifest mode (sim_abi.h); NULL: unset */
    const char *manifest_url;
    const char *device_id;
    const char *polls;            /* "1".. */
};

/* Starts the executable in exe_fd with the context in its environment and
 * waits for it, at most ctx->watchdog_s seconds. Returns the outcome; *detail
 * gets the exit status or signal number, report what the firmware reported
 * of its run (ABOTA_SIM_ENV_REPORT_FD; "" when nothing), cut to report_cap. */
enum sim_outcome sim_run(int exe_fd, const struct sim_context *ctx, int *detail, char *report,
                         size_t report_cap);

#endif
