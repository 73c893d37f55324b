/* The contract between the simulated device (`abota sim`) and the firmware
 * it starts (examples/ota_demo): how the firmware learns its context and how
 * it tells the bootloader what to do next. One place, shared by both sides.
 *
 * The firmware is an ordinary Linux executable stored in a flash slot. The
 * bootloader passes it the context in environment variables and reads its
 * wish from the exit status:
 *
 *   exit 0                      idle: the device keeps running, the
 *                               simulation ends here
 *   exit ABOTA_SIM_EXIT_REBOOT  reboot: the bootloader runs again
 *   any other status, a signal  a crash: reboot (a trial boot that crashes
 *   or the watchdog             uses one attempt, then the boot choice rolls
 *                               back)
 */
#ifndef ABOTA_SIM_ABI_H
#define ABOTA_SIM_ABI_H

/* 75 is EX_TEMPFAIL in sysexits.h: "try again", which is what a reboot is. */
#define ABOTA_SIM_EXIT_REBOOT 75

#define ABOTA_SIM_ENV_FLASH "ABOTA_SIM_FLASH"   /* path of the flash image file */
#define ABOTA_SIM_ENV_LAYOUT "ABOTA_SIM_LAYOUT" /* layout name, abota_posix_layout_find() */
#define ABOTA_SIM_ENV_SLOT "ABOTA_SIM_SLOT"     /* "1" or "2": the running slot */
#define ABOTA_SIM_ENV_URL "ABOTA_SIM_URL"       /* update URL, "%d" = target slot */
#define ABOTA_SIM_ENV_SSID "ABOTA_SIM_SSID"     /* the access point to join */
/* Manifest mode (abota sim --manifest; docs/UPDATE.md, "Active updates"):
 * the URL of the signed release manifest the firmware polls instead of
 * probing ABOTA_SIM_ENV_URL; the device id its rollout share is drawn with
 * (the bytes as given; unset: none); how many polls a boot makes before it
 * goes idle (a real device polls for ever). Set around abota sim,
 * ABOTA_SIM_POLL_WAIT_MS caps the wait between two polls (the manifest's
 * poll_interval, in tests too long to wait). */
#define ABOTA_SIM_ENV_MANIFEST_URL "ABOTA_SIM_MANIFEST_URL"
#define ABOTA_SIM_ENV_DEVICE_ID "ABOTA_SIM_DEVICE_ID"
#define ABOTA_SIM_ENV_POLLS "ABOTA_SIM_POLLS"
#define ABOTA_SIM_ENV_POLL_WAIT_MS "ABOTA_SIM_POLL_WAIT_MS"
#define ABOTA_SIM_DEVICE_ID_MAX 64u /* bytes of ABOTA_SIM_ENV_DEVICE_ID */

/* The public key built into the firmware (abota sim --key): 128 hex digits,
 * X || Y of the ECDSA P-256 point; unset: the firmware has none and checks
 * no signature. On a real device the key is compiled in (abota pubkey --c);
 * here every version of the demo firmware is one executable, so the
 * simulator hands every version the same key. */
#define ABOTA_SIM_ENV_SIGN_KEY "ABOTA_SIM_SIGN_KEY"
/* The watchdog the firmware runs under, in milliseconds (--watchdog): it is
 * never fed, so the firmware declares it to the update engine
 * (cfg.watchdog_ms), whose deadline then ends well inside it. */
#define ABOTA_SIM_ENV_WATCHDOG_MS "ABOTA_SIM_WATCHDOG_MS"

/* What each run of the firmware came to, for abota sim's exit status: the
 * number of a descriptor open for writing, to which the firmware writes one
 * line before it reboots or goes idle:
 *   "installed N"    the new image is in userN; the next boot tries it
 *   "up-to-date"     the server has nothing newer
 *   "rolled-back N"  the image in userN failed its trial
 *   "failed E"       the run made no update; E is why (a negative abota error)
 * Unset: nobody listens. */
#define ABOTA_SIM_ENV_REPORT_FD "ABOTA_SIM_REPORT_FD"

/* How the firmware verifies an https:// server (abota sim --ca, --pin,
 * --tls-max-fragment; docs/TLS.md): the path of a PEM file of trusted CA
 * certificates, the SHA-256 of the server's public key (64 hex digits),
 * the TLS max_fragment_length to ask for (512, 1024, 2048 or 4096). Unset:
 * none; with neither a CA nor a pin an https:// update is refused. */
#define ABOTA_SIM_ENV_TLS_CA "ABOTA_SIM_TLS_CA"
#define ABOTA_SIM_ENV_TLS_PIN "ABOTA_SIM_TLS_PIN"
#define ABOTA_SIM_ENV_TLS_MAX_FRAGMENT "ABOTA_SIM_TLS_MAX_FRAGMENT"

/* Optional update timeouts in milliseconds, for tests that need a device
 * that gives up quickly; unset or 0: the engine's defaults (update.h). The
 * simulator passes its own environment on, so they are set around
 * `abota sim`. */
#define ABOTA_SIM_ENV_CONNECT_TIMEOUT_MS "ABOTA_SIM_CONNECT_TIMEOUT_MS"
#define ABOTA_SIM_ENV_IDLE_TIMEOUT_MS "ABOTA_SIM_IDLE_TIMEOUT_MS"
#define ABOTA_SIM_ENV_DEADLINE_MS "ABOTA_SIM_DEADLINE_MS"
#define ABOTA_SIM_ENV_RETRY_BASE_MS "ABOTA_SIM_RETRY_BASE_MS" /* first wait before a retry */
#define ABOTA_SIM_ENV_RETRY_MAX_MS "ABOTA_SIM_RETRY_MAX_MS"   /* longest wait */

#endif
