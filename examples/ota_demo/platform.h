/* What the demo needs from the board; one implementation per platform:
 * platform_posix.c for the simulator (`abota sim`), platform_esp8266.c for
 * the ESP8266 (the abota ESP8266 port over the RTOS SDK: spi_flash, Wi-Fi
 * station, lwIP sockets, system_restart). main.c uses nothing else of the
 * board. */
#ifndef OTA_PLATFORM_H
#define OTA_PLATFORM_H

#include <stdint.h>

#include "abota/config.h"
#include "abota/flash.h"
#include "abota/layout.h"
#include "abota/net.h"

struct ota_platform {
    const struct abota_flash *flash;
    const struct abota_layout *layout;
    const struct abota_net *net;
    const struct abota_clock *clock;
    int running_slot;          /* 1 or 2: the slot this firmware runs from */
    char url[ABOTA_URL_MAX];   /* update URL, "%d" for the target slot */
    char ssid[33];
    /* Update timeouts and retry waits; 0: the engine's defaults. */
    uint32_t connect_timeout_ms, idle_timeout_ms, deadline_ms;
    uint32_t retry_base_ms, retry_max_ms;
    /* A watchdog that nothing feeds while the update runs, which the
     * engine's deadline must end inside (cfg.watchdog_ms); 0: none. */
    uint32_t watchdog_ms;
    /* What an https:// server is verified against, for the log ("a
     * certificate from the CA in ca.pem"); NULL when TLS is not set up. */
    const char *tls_verify;
    /* The vendor's public key images must be signed with (cfg.sign_key,
     * 64 bytes); NULL: none, and any server on the path can install
     * firmware (the demo says so at every start). */
    const uint8_t *sign_key;
    /* Manifest mode (docs/UPDATE.md, "Active updates"): the URL of the
     * signed release manifest to poll, which names the image; "": the
     * seed's mode (url above, probed for a new version). */
    char manifest_url[ABOTA_URL_MAX];
    uint8_t device_id[64];      /* the rollout's id (a MAC, a serial) */
    size_t device_id_len;
    unsigned polls;             /* polls per boot before going idle; 0: for ever */
    uint32_t poll_wait_max_ms;  /* caps the wait between two polls; 0: none */
    /* The console is a terminal: progress is a bar redrawn in place;
     * else (a log file, a pipe) one line per 10 %. */
    int console_is_terminal;
};

/* Brings up flash and the console, learns the running slot and the
 * settings. 0, or a negative abota error. */
int platform_init(struct ota_platform *p);

/* Joins the access point p->ssid. 0, or a negative abota error. */
int platform_wifi_connect(struct ota_platform *p);

/* Pushes out what printf buffered (the progress line has no newline). */
void platform_flush(void);

/* The ways the demo ends. Reboot starts the bootloader again; idle keeps
 * the device as it is (nothing left to do). */
_Noreturn void platform_reboot(void);
_Noreturn void platform_idle(void);

/* What a run of the demo came to, told before it reboots or goes idle, for
 * whoever watches the device: the simulator turns it into abota sim's exit
 * status; the ESP8266 has no one to tell (its console has said it all). */
enum ota_outcome {
    OTA_INSTALLED,   /* slot holds the new image; the next boot tries it */
    OTA_UP_TO_DATE,  /* nothing newer on the server */
    OTA_ROLLED_BACK, /* the image in slot failed its trial */
    OTA_FAILED,      /* err: why no update was made (a negative abota error) */
};
void platform_report(enum ota_outcome what, int slot, int err);

/* For the rollback test build: die the way a broken firmware would. */
_Noreturn void platform_crash(void);

/* The demo's body, called by the platform's entry point. */
_Noreturn void ota_demo_main(void);

#endif
