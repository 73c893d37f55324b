/* The demo on the simulated device (`abota sim`): flash is the simulator's
 * flash file, the network is the host's TCP stack, and reboot / idle are the
 * exit statuses the simulated bootloader understands (sim_abi.h).
 *
 * Settings come from ota_config.h; the simulator overrides them from the
 * environment: the flash file, layout and running slot always, the URL and
 * the SSID when given, and how an https:// server is verified (a CA file,
 * a pinned key: abota sim --ca, --pin). The net port is the TCP port with
 * the POSIX TLS on top (posix_tls.c): plain http:// goes straight through,
 * https:// needs a CA or a pin and is refused without one. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/port_posix.h"
#include "ota_config.h"
#include "platform.h"
#include "sim_abi.h"

static struct abota_posix_flash flash;
static struct abota_posix_net net;
static struct abota_posix_tls tls;
static char tls_verify[160];
static struct abota_posix_clock clk;

#define HOUR_MS 3600000ul
#define DAY_MS 86400000ul /* abota sim --watchdog takes up to a day */

/* A duration from the environment: milliseconds in 0..max, 0 (the
 * engine's default) when unset. */
static int env_ms(const char *name, unsigned long max, uint32_t *out)
{
    const char *v = getenv(name);
    *out = 0;
    if (!v || !*v)
        return 0;
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (*end || v[0] == '-' || n > max) {
        fprintf(stderr, "ota_demo: %s wants milliseconds in 0..%lu, not '%s'\n", name, max, v);
        return ABOTA_ERR_ARG;
    }
    *out = (uint32_t)n;
    return 0;
}

/* TLS over the TCP port, verified as the simulator says (sim_abi.h). */
static int tls_init(struct ota_platform *p)
{
    struct abota_posix_tls_config c;
    memset(&c, 0, sizeof c);
    const char *ca = getenv(ABOTA_SIM_ENV_TLS_CA);
    const char *pin = getenv(ABOTA_SIM_ENV_TLS_PIN);
    const char *mfl = getenv(ABOTA_SIM_ENV_TLS_MAX_FRAGMENT);
    c.ca_file = ca && *ca ? ca : NULL;
    if (pin && *pin) {
        if (abota_posix_tls_parse_pin(pin, c.pin) < 0) {
            fprintf(stderr, "ota_demo: %s is not a SHA-256 (64 hex digits)\n",
                    ABOTA_SIM_ENV_TLS_PIN);
            return ABOTA_ERR_ARG;
        }
        c.has_pin = true;
    }
    c.max_fragment = mfl && *mfl ? (unsigned)strtoul(mfl, NULL, 10) : 0;
    int rc = abota_posix_tls_init(&tls, &net.port, &c);
    if (rc < 0) {
        fprintf(stderr, "ota_demo: TLS setup (CA file %s, max fragment %u): %s\n",
                c.ca_file ? c.ca_file : "none", c.max_fragment, abota_strerror(rc));
        return rc;
    }
    p->net = &tls.port;
    if (!c.ca_file && !c.has_pin)
        return 0; /* https:// will be refused (ABOTA_ERR_NET_TLS_CONFIG) */
    /* For the log: what the server must show. */
    const char *base = c.ca_file ? strrchr(c.ca_file, '/') : NULL;
    size_t n = 0;
    if (c.ca_file)
        n += (size_t)snprintf(tls_verify, sizeof tls_verify, "a certificate from the CA in %s",
                              base ? base + 1 : c.ca_file);
    if (c.has_pin && n < sizeof tls_verify)
        n += (size_t)snprintf(tls_verify + n, sizeof tls_verify - n,
                              "%sthe public key pinned as sha256 %.16s...",
                              c.ca_file ? " and " : "", pin);
    if (c.max_fragment && n < sizeof tls_verify)
        snprintf(tls_verify + n, sizeof tls_verify - n, " (TLS records of at most %u bytes)",
                 c.max_fragment);
    p->tls_verify = tls_verify;
    return 0;
}

/* Manifest mode, as the simulator sets it (sim_abi.h). */
static int env_manifest(struct ota_platform *p)
{
    const char *url = getenv(ABOTA_SIM_ENV_MANIFEST_URL);
    const char *id = getenv(ABOTA_SIM_ENV_DEVICE_ID);
    const char *polls = getenv(ABOTA_SIM_ENV_POLLS);
    if (!url || !*url)
        return 0;
    int n = snprintf(p->manifest_url, sizeof p->manifest_url, "%s", url);
    if (n < 0 || (size_t)n >= sizeof p->manifest_url)
        return ABOTA_ERR_URL_TOO_LONG;
    size_t idn = id ? strlen(id) : 0;
    if (idn > sizeof p->device_id || idn > ABOTA_SIM_DEVICE_ID_MAX)
        return ABOTA_ERR_ARG;
    memcpy(p->device_id, id ? id : "", idn);
    p->device_id_len = idn;
    p->polls = polls ? (unsigned)strtoul(polls, NULL, 10) : 1u;
    if (p->polls == 0)
        p->polls = 1; /* the simulation must end */
    return env_ms(ABOTA_SIM_ENV_POLL_WAIT_MS, DAY_MS, &p->poll_wait_max_ms);
}

/* The key the simulator builds in (ABOTA_SIM_ENV_SIGN_KEY: X || Y in hex),
 * or none. */
static int env_key(struct ota_platform *p)
{
    static uint8_t key[64];
    const char *v = getenv(ABOTA_SIM_ENV_SIGN_KEY);
    if (!v || !*v)
        return 0;
    if (strlen(v) != 2 * sizeof key)
        goto bad;
    for (size_t i = 0; i < sizeof key; i++) {
        unsigned b;
        if (sscanf(v + 2 * i, "%2x", &b) != 1)
            goto bad;
        key[i] = (uint8_t)b;
    }
    p->sign_key = key;
    return 0;
bad:
    fprintf(stderr, "ota_demo: %s wants 128 hex digits (X || Y)\n", ABOTA_SIM_ENV_SIGN_KEY);
    return ABOTA_ERR_ARG;
}

int platform_init(struct ota_platform *p)
{
    /* Line by line, so nothing is lost when the firmware crashes. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(p, 0, sizeof *p);

    const char *path = getenv(ABOTA_SIM_ENV_FLASH);
    const char *layout = getenv(ABOTA_SIM_ENV_LAYOUT);
    const char *slot = getenv(ABOTA_SIM_ENV_SLOT);
    if (!path || !slot) {
        fprintf(stderr, "ota_demo: run me on the simulated device: abota sim --flash FILE "
                        "--url URL\n");
        return ABOTA_ERR_ARG;
    }
    p->layout = abota_posix_layout_find(layout ? layout : "esp8266-2m");
    if (!p->layout)
        return ABOTA_ERR_LAYOUT_UNKNOWN;
    if (strcmp(slot, "1") == 0)
        p->running_slot = ABOTA_SLOT_1;
    else if (strcmp(slot, "2") == 0)
        p->running_slot = ABOTA_SLOT_2;
    else
        return ABOTA_ERR_SLOT_INVALID;

    int rc = abota_posix_flash_open(&flash, path, p->layout->flash_size,
                                    p->layout->sector_size, p->layout->write_align, 0);
    if (rc < 0)
        return rc;
    abota_posix_net_init(&net);
    abota_posix_clock_init(&clk);
    p->flash = &flash.port;
    p->console_is_terminal = isatty(STDOUT_FILENO);
    p->clock = &clk.port;
    rc = tls_init(p);
    if (rc < 0)
        return rc;

    const char *url = getenv(ABOTA_SIM_ENV_URL);
    int n = snprintf(p->url, sizeof p->url, "%s", url ? url : OTA_URL);
    if (n < 0 || (size_t)n >= sizeof p->url)
        return ABOTA_ERR_URL_TOO_LONG;
    const char *ssid = getenv(ABOTA_SIM_ENV_SSID);
    snprintf(p->ssid, sizeof p->ssid, "%s", ssid ? ssid : OTA_SSID);
    if (env_ms(ABOTA_SIM_ENV_CONNECT_TIMEOUT_MS, HOUR_MS, &p->connect_timeout_ms) < 0 ||
        env_ms(ABOTA_SIM_ENV_IDLE_TIMEOUT_MS, HOUR_MS, &p->idle_timeout_ms) < 0 ||
        env_ms(ABOTA_SIM_ENV_DEADLINE_MS, HOUR_MS, &p->deadline_ms) < 0 ||
        env_ms(ABOTA_SIM_ENV_RETRY_BASE_MS, HOUR_MS, &p->retry_base_ms) < 0 ||
        env_ms(ABOTA_SIM_ENV_RETRY_MAX_MS, HOUR_MS, &p->retry_max_ms) < 0 ||
        /* the simulator's watchdog: never fed, so the engine must end inside it */
        env_ms(ABOTA_SIM_ENV_WATCHDOG_MS, DAY_MS, &p->watchdog_ms) < 0 || env_key(p) < 0 ||
        env_manifest(p) < 0)
        return ABOTA_ERR_ARG;
    return 0;
}

int platform_wifi_connect(struct ota_platform *p)
{
    /* The host is always on the network; the AP is only a name here. */
    (void)p;
    return 0;
}

void platform_flush(void)
{
    fflush(stdout);
}

_Noreturn void platform_reboot(void)
{
    fflush(stdout);
    abota_posix_tls_free(&tls);
    abota_posix_flash_close(&flash);
    exit(ABOTA_SIM_EXIT_REBOOT);
}

_Noreturn void platform_idle(void)
{
    fflush(stdout);
    abota_posix_tls_free(&tls);
    abota_posix_flash_close(&flash);
    exit(0);
}

void platform_report(enum ota_outcome what, int slot, int err)
{
    const char *fd_text = getenv(ABOTA_SIM_ENV_REPORT_FD);
    char *end;
    long fd = fd_text ? strtol(fd_text, &end, 10) : -1;
    if (fd < 0 || fd > INT_MAX || *end)
        return;
    char line[32];
    int n;
    switch (what) {
    case OTA_INSTALLED: n = snprintf(line, sizeof line, "installed %d\n", slot); break;
    case OTA_UP_TO_DATE: n = snprintf(line, sizeof line, "up-to-date\n"); break;
    case OTA_ROLLED_BACK: n = snprintf(line, sizeof line, "rolled-back %d\n", slot); break;
    default: n = snprintf(line, sizeof line, "failed %d\n", err); break;
    }
    /* One short write to a pipe is atomic; the simulator reads it later. */
    if (write((int)fd, line, (size_t)n) != n)
        fprintf(stderr, "ota_demo: cannot report to the simulator: %s\n", strerror(errno));
}

_Noreturn void platform_crash(void)
{
    fflush(stdout);
    /* An illegal instruction, as a firmware bug would hit: it kills the
     * process with SIGILL even in sanitizer builds, whose SIGSEGV handler
     * would turn a raised SIGSEGV into a plain exit status. */
    __builtin_trap();
}

int main(void)
{
    ota_demo_main();
}
