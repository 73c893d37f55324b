/* abota sim: a simulated ESP8266 running the real core on a flash file.
 *
 * Each boot: the bootloader (the core's boot choice, or with --loader crc32
 * the shipped ESP8266 loader's) picks a slot, the slot's firmware runs as a
 * Linux process, and its exit decides what comes next (sim_abi.h). The loop
 * is bounded by --max-boots so a device that keeps crashing ends the
 * simulation instead of spinning. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/image.h"
#include "abota/port_posix.h"
#include "abota/url.h"
#include "cli.h"
#include "keys.h"
#include "sim.h"
#include "sim_abi.h"
#include "sim_flash.h"

static void sim_usage(FILE *out)
{
    fprintf(out,
            "usage: abota sim --flash FLASH.img (--url URL | --manifest URL --key PUB.pem)\n"
            "                 [--device-id ID] [--polls N] [--layout NAME] [--ssid NAME]\n"
            "                 [--max-boots N] [--watchdog SEC] [--loader full|crc32|signed]\n"
            "                 [--key PUB.pem] [--ca CA.pem] [--pin SHA256HEX]\n"
            "                 [--tls-max-fragment N]\n"
            "  Boots the simulated device from FLASH.img (made by abota flash): the\n"
            "  bootloader picks a slot, the slot's firmware runs, and runs again after\n"
            "  each reboot it asks for or each crash. Ends when the firmware goes idle:\n"
            "  the last line is then 'device running vX.Y.Z from userN'.\n"
            "  Exit status: 0 when the device runs the update it fetched (or the server\n"
            "  had nothing newer); 1 when it made none (an error, a refusal, a failed\n"
            "  trial rolled back, a device that never goes idle), the reason on stderr;\n"
            "  2 on a usage error\n"
            "  --url URL        update URL for the firmware (\"%%d\": the target slot)\n"
            "  --manifest URL   the firmware polls the signed release manifest at URL\n"
            "                   (abota publish) instead: it updates only when the\n"
            "                   manifest names a newer release it may take, checked with\n"
            "                   --key; 'not in rollout' and 'nothing new' are up to date\n"
            "  --device-id ID   the id its rollout share is drawn with (the bytes of ID,\n"
            "                   as abota inspect --device-id takes it; default: none)\n"
            "  --polls N        polls per boot before the device goes idle (default 1;\n"
            "                   between two, the manifest's poll_interval, capped by\n"
            "                   ABOTA_SIM_POLL_WAIT_MS in the environment)\n"
            "  --layout NAME    flash layout (default esp8266-2m)\n"
            "  --ssid NAME      access point the firmware joins (default: its own)\n"
            "  --key PUB.pem    the firmware's built-in signing key (public, or the\n"
            "                   private key's public half): it installs only images\n"
            "                   abota pack --key signed with it; without, it checks\n"
            "                   no signature and says so at every start\n"
            "  --max-boots N    give up after N boots (default 10)\n"
            "  --watchdog SEC   a firmware running longer is reset (default 60)\n"
            "  --loader full    the bootloader runs the core's boot choice\n"
            "                   (abota_boot_choose: footer, CRC-32 and SHA-256, Espressif\n"
            "                   checks, a probe of slots the record does not describe);\n"
            "                   the default\n"
            "  --loader crc32   it runs the choice of the ESP8266 loader that ships\n"
            "                   (src/loader/esp8266/choose.c: the same policy, a slot\n"
            "                   verified only by its boot record's CRC-32 and length and\n"
            "                   the Espressif header magic), so the firmware must be\n"
            "                   packed with abota pack --wrap-e9\n"
            "  --loader signed  secure boot: the core's choice, where a slot boots only\n"
            "                   when its image is signed with --key\n"
            "                   (abota_boot_choose_signed)\n"
            "  --ca CA.pem      https:// URLs: trust servers whose certificate chain\n"
            "                   leads to a CA certificate in this PEM file (and names\n"
            "                   the URL's host, and is valid now)\n"
            "  --pin SHA256HEX  https:// URLs: trust the server whose public key has this\n"
            "                   SHA-256 (64 hex digits: openssl x509 -pubkey -noout -in\n"
            "                   CERT | openssl pkey -pubin -outform DER | sha256sum);\n"
            "                   with --ca too, both must hold. Without --ca or --pin the\n"
            "                   firmware refuses https:// (it never skips verification)\n"
            "  --tls-max-fragment N  ask the server for TLS records of at most N bytes\n"
            "                   (512, 1024, 2048 or 4096; docs/TLS.md)\n"
            CLI_VERBOSITY_HELP
            "                   (-q: only the last line, and the reason on stderr)\n");
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* The public half of the key in path, and in hex as the firmware takes it
 * (ABOTA_SIM_ENV_SIGN_KEY). */
static int read_key(const char *path, uint8_t xy[KEYS_XY_SIZE], char hex[2 * KEYS_XY_SIZE + 1])
{
    struct cli_key *k;
    if (keys_load("abota sim", path, &k) < 0)
        return -1;
    int rc = keys_public_xy(k, xy);
    keys_free(k);
    if (rc < 0) {
        fprintf(stderr, "abota sim: %s: cannot read its public key\n", path);
        return -1;
    }
    for (unsigned i = 0; i < KEYS_XY_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", xy[i]);
    return 0;
}

/* The URL the firmware will use, checked before anything boots: what
 * follows every '%' ("%d" the target slot, "%%" a '%'; at most one "%d"),
 * and the URL it expands to for slot 1, parsed as the device parses it
 * (scheme, host, port range, length). 0, or the error printed. */
static int check_url(const char *tmpl)
{
    char url[ABOTA_URL_MAX];
    size_t n = 0;
    unsigned slots = 0;
    for (const char *p = tmpl; *p; p++) {
        char c = *p;
        if (c == '%') {
            if (p[1] == 'd') {
                c = '1';
                slots++;
            } else if (p[1] != '%') {
                fprintf(stderr, "abota sim: --url: '%%' must be followed by 'd' (the slot) or "
                                "'%%' (a percent sign): '%s'\n", tmpl);
                return -1;
            }
            p++;
        }
        if (n + 1 >= sizeof url) {
            fprintf(stderr, "abota sim: --url: longer than the device's %u bytes\n",
                    (unsigned)sizeof url - 1u);
            return -1;
        }
        url[n++] = c;
    }
    url[n] = '\0';
    if (slots > 1) {
        fprintf(stderr, "abota sim: --url: more than one %%d: '%s'\n", tmpl);
        return -1;
    }
    struct abota_url u;
    int rc = abota_url_parse(url, &u);
    if (rc < 0) {
        fprintf(stderr, "abota sim: --url '%s': %s (%s)\n", tmpl, abota_strerror(rc),
                abota_strerror_name(rc));
        return -1;
    }
    return 0;
}

/* Manifest mode: the URL parses as the device parses it, a key checks the
 * manifest (no unsigned manifests), the id fits. 0, or the error printed. */
static int check_manifest_options(struct sim_context *ctx)
{
    struct abota_url u;
    int rc = abota_url_parse(ctx->manifest_url, &u);
    if (rc < 0) {
        fprintf(stderr, "abota sim: --manifest '%s': %s (%s)\n", ctx->manifest_url,
                abota_strerror(rc), abota_strerror_name(rc));
        return -1;
    }
    if (!ctx->sign_key) {
        fprintf(stderr, "abota sim: --manifest needs --key: the firmware takes only a "
                        "manifest signed with it\n");
        return -1;
    }
    if (ctx->device_id && strlen(ctx->device_id) > ABOTA_SIM_DEVICE_ID_MAX) {
        fprintf(stderr, "abota sim: --device-id: at most %u bytes\n", ABOTA_SIM_DEVICE_ID_MAX);
        return -1;
    }
    if (!ctx->polls)
        ctx->polls = "1";
    return 0;
}

/* What the firmware's runs came to (sim_abi.h), boot after boot. */
struct sim_tally {
    int installed_slot;   /* the last image installed and not rolled back; 0: none */
    int rolled_back_slot; /* the last trial that failed; 0: none */
    int failed_err;       /* the last run's error when it made no update; 0: none */
};

static void tally_report(struct sim_tally *t, const char *report)
{
    int v;
    char extra;
    if (sscanf(report, "installed %d %c", &v, &extra) == 1) {
        t->installed_slot = v;
        t->failed_err = 0;
    } else if (sscanf(report, "rolled-back %d %c", &v, &extra) == 1) {
        t->rolled_back_slot = v;
        if (t->installed_slot == v)
            t->installed_slot = 0;
    } else if (sscanf(report, "failed %d %c", &v, &extra) == 1 && v < 0) {
        t->failed_err = v;
    } else if (strcmp(report, "up-to-date\n") == 0) {
        t->failed_err = 0;
    }
}

/* The device went idle in slot: 0 when the update asked for was made (or
 * there was none to make), else 1 with the reason on stderr. */
static int tally_verdict(const struct sim_tally *t, int slot)
{
    if (t->installed_slot && t->installed_slot == slot)
        return 0;
    fflush(stdout);
    if (t->installed_slot)
        fprintf(stderr, "abota sim: the update was not made: the image installed in user%d "
                        "does not run (the bootloader started user%d)\n",
                t->installed_slot, slot);
    else if (t->failed_err)
        fprintf(stderr, "abota sim: the update was not made: %s (%s)\n",
                abota_strerror(t->failed_err), abota_strerror_name(t->failed_err));
    else if (t->rolled_back_slot)
        fprintf(stderr, "abota sim: the update was not made: the new image in user%d failed "
                        "its trial and was rolled back\n", t->rolled_back_slot);
    else
        return 0; /* up to date, or a firmware that reports nothing */
    return 1;
}

/* One boot up to the moment the firmware ends. Returns 1 to boot again, 0
 * when the device went idle, -1 on a bootloader error. */
static int boot_once(const struct sim_context *base, const struct abota_layout *l,
                     unsigned n, uint32_t *version, int *slot, struct sim_tally *tally)
{
    struct sim_flash sf;
    int rc = sim_flash_open(&sf, "abota sim", base->flash_path, l, false);
    if (rc < 0)
        return -1;
    struct abota_boot_decision d;
    int exe_fd = -1;
    rc = sim_boot(sim_flash_port(&sf), l, base->loader, base->sign_key, &d, &exe_fd);
    int rc_close = sim_flash_close(&sf);
    if (rc >= 0 && rc_close < 0)
        rc = rc_close;
    if (rc < 0) {
        if (exe_fd >= 0)
            close(exe_fd);
        if (rc == ABOTA_ERR_UNSUPPORTED)
            fprintf(stderr, "abota sim: boot %u: user%d holds no abota image and no one-segment "
                            "0xE9 image; the simulator runs only packed Linux firmware\n",
                    n, d.slot);
        else if (rc == ABOTA_ERR_BOOT_NOTHING && base->loader == SIM_LOADER_CRC32)
            fprintf(stderr, "abota sim: boot %u: bootloader: %s: neither user1 nor user2 holds "
                            "an 0xE9 or 0xEA image matching its boot record (--loader crc32 "
                            "boots only images packed with --wrap-e9)\n", n, abota_strerror(rc));
        else if (rc == ABOTA_ERR_BOOT_NOTHING && base->loader == SIM_LOADER_SIGNED)
            fprintf(stderr, "abota sim: boot %u: bootloader: %s: neither user1 nor user2 holds "
                            "an image that verifies and is signed with --key (the first "
                            "candidate: %s)\n", n, abota_strerror(rc),
                    abota_strerror(d.active_err));
        else if (rc == ABOTA_ERR_BOOT_NOTHING)
            fprintf(stderr, "abota sim: boot %u: bootloader: %s: neither user1 nor user2 holds "
                            "an image that verifies\n", n, abota_strerror(rc));
        else
            fprintf(stderr, "abota sim: boot %u: bootloader: %s\n", n, abota_strerror(rc));
        return -1;
    }
    char ver[16];
    abota_version_format(d.image.footer.version, ver, sizeof ver);
    printf("bootloader: boot %u: user%d v%s (%s", n, d.slot, ver, sim_boot_reason(d.reason));
    if (d.reason == ABOTA_BOOT_TRIAL || d.reason == ABOTA_BOOT_NO_ROLLBACK)
        printf(", %u attempt%s left", (unsigned)d.rec.attempts_left,
               d.rec.attempts_left == 1 ? "" : "s");
    if ((d.reason == ABOTA_BOOT_FALLBACK || d.reason == ABOTA_BOOT_NO_ROLLBACK) &&
        d.active_err < 0)
        printf(": user%d: %s", abota_slot_other(d.slot), abota_strerror(d.active_err));
    if (d.reason == ABOTA_BOOT_ROLLBACK)
        printf(": user%d failed its trial", abota_slot_other(d.slot));
    printf(")\n");

    struct sim_context ctx = *base;
    ctx.slot = d.slot;
    int detail = 0;
    char report[64];
    enum sim_outcome out = sim_run(exe_fd, &ctx, &detail, report, sizeof report);
    close(exe_fd);
    tally_report(tally, report);
    *version = d.image.footer.version;
    *slot = d.slot;
    switch (out) {
    case SIM_IDLE:
        return 0;
    case SIM_REBOOT:
        printf("bootloader: firmware asked for a reboot\n");
        return 1;
    case SIM_EXIT:
        printf("bootloader: firmware in user%d exited with status %d: reset\n", d.slot, detail);
        return 1;
    case SIM_SIGNAL:
        printf("bootloader: firmware in user%d crashed (signal %d, %s): reset\n", d.slot, detail,
               strsignal(detail));
        return 1;
    case SIM_WATCHDOG:
        printf("bootloader: watchdog: firmware in user%d ran past %d s: reset\n", d.slot,
               detail);
        return 1;
    case SIM_START_FAIL:
        printf("bootloader: firmware in user%d could not start: reset\n", d.slot);
        return 1;
    }
    return -1;
}

/* The command; *ca_path is what --ca's realpath() allocated, for the
 * caller to free whichever way this returns. */
static int sim_command(int argc, char **argv, char **ca_path)
{
    static const struct option opts[] = {
        {"flash", required_argument, NULL, 'f'},
        {"url", required_argument, NULL, 'u'},
        {"layout", required_argument, NULL, 'l'},
        {"ssid", required_argument, NULL, 's'},
        {"max-boots", required_argument, NULL, 'm'},
        {"watchdog", required_argument, NULL, 'w'},
        {"loader", required_argument, NULL, 'L'},
        {"ca", required_argument, NULL, 'C'},
        {"pin", required_argument, NULL, 'P'},
        {"tls-max-fragment", required_argument, NULL, 'F'},
        {"key", required_argument, NULL, 'k'},
        {"manifest", required_argument, NULL, 'M'},
        {"device-id", required_argument, NULL, 'D'},
        {"polls", required_argument, NULL, 'N'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sim_context ctx = {.layout_name = "esp8266-2m", .watchdog_s = 60};
    unsigned max_boots = 10, polls;
    static char key_hex[2 * KEYS_XY_SIZE + 1];
    static uint8_t key_xy[KEYS_XY_SIZE];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:u:l:s:m:w:hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'f': ctx.flash_path = optarg; break;
        case 'u': ctx.url = optarg; break;
        case 'l': ctx.layout_name = optarg; break;
        case 's': ctx.ssid = optarg; break;
        case 'm':
            if (parse_uint(optarg, 1, 10000, &max_boots) < 0) {
                fprintf(stderr, "abota sim: --max-boots wants a number in 1..10000\n");
                return 2;
            }
            break;
        case 'w':
            if (parse_uint(optarg, 1, 86400, &ctx.watchdog_s) < 0) {
                fprintf(stderr, "abota sim: --watchdog wants seconds in 1..86400\n");
                return 2;
            }
            break;
        case 'L':
            if (strcmp(optarg, "full") == 0)
                ctx.loader = SIM_LOADER_FULL;
            else if (strcmp(optarg, "crc32") == 0)
                ctx.loader = SIM_LOADER_CRC32;
            else if (strcmp(optarg, "signed") == 0)
                ctx.loader = SIM_LOADER_SIGNED;
            else {
                fprintf(stderr, "abota sim: --loader wants full, crc32 or signed, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'C':
            free(*ca_path);
            *ca_path = realpath(optarg, NULL); /* the firmware may run elsewhere */
            if (!*ca_path) {
                fprintf(stderr, "abota sim: --ca %s: %s\n", optarg, strerror(errno));
                return 2;
            }
            ctx.tls_ca = *ca_path;
            break;
        case 'P': {
            uint8_t pin[32];
            if (abota_posix_tls_parse_pin(optarg, pin) < 0) {
                fprintf(stderr, "abota sim: --pin wants the SHA-256 of the server's public key, "
                                "64 hex digits, not '%s'\n", optarg);
                return 2;
            }
            ctx.tls_pin = optarg;
            break;
        }
        case 'F':
            if (strcmp(optarg, "512") && strcmp(optarg, "1024") && strcmp(optarg, "2048") &&
                strcmp(optarg, "4096")) {
                fprintf(stderr, "abota sim: --tls-max-fragment wants 512, 1024, 2048 or 4096\n");
                return 2;
            }
            ctx.tls_max_fragment = optarg;
            break;
        case 'k':
            if (read_key(optarg, key_xy, key_hex) < 0)
                return 2;
            ctx.sign_key_hex = key_hex;
            ctx.sign_key = key_xy;
            break;
        case 'M': ctx.manifest_url = optarg; break;
        case 'D': ctx.device_id = optarg; break;
        case 'N':
            if (parse_uint(optarg, 1, 1000, &polls) < 0) {
                fprintf(stderr, "abota sim: --polls wants a number in 1..1000\n");
                return 2;
            }
            ctx.polls = optarg;
            break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': sim_usage(stdout); return 0;
        default: sim_usage(stderr); return 2;
        }
    }
    if (!ctx.flash_path || !(ctx.url || ctx.manifest_url) || optind != argc) {
        sim_usage(stderr);
        return 2;
    }
    if (ctx.url && check_url(ctx.url) < 0)
        return 2;
    if (ctx.manifest_url && check_manifest_options(&ctx) < 0)
        return 2;
    const struct abota_layout *l = abota_posix_layout_find(ctx.layout_name);
    if (!l) {
        fprintf(stderr, "abota sim: %s: '%s'\n", abota_strerror(ABOTA_ERR_LAYOUT_UNKNOWN),
                ctx.layout_name);
        return 2;
    }
    if (ctx.loader == SIM_LOADER_SIGNED && !ctx.sign_key) {
        fprintf(stderr, "abota sim: --loader signed needs --key\n");
        return 2;
    }
    if (cli_quiet_stdout("abota sim") < 0)
        return 1;
    if (ctx.loader == SIM_LOADER_CRC32)
        printf("bootloader: the ESP8266 loader's choice (CRC-32 against the boot record)\n");
    if (ctx.loader == SIM_LOADER_SIGNED)
        printf("bootloader: secure boot (only images signed with --key)\n");
    struct sim_tally tally = {0};
    for (unsigned n = 1; n <= max_boots; n++) {
        uint32_t version = 0;
        int slot = 0;
        int rc = boot_once(&ctx, l, n, &version, &slot, &tally);
        if (rc < 0)
            return 1;
        if (rc == 0) {
            /* The reason first: the device's state stays the last line. */
            rc = tally_verdict(&tally, slot);
            char ver[16];
            abota_version_format(version, ver, sizeof ver);
            fprintf(cli_result(), "device running v%s from user%d\n", ver, slot);
            fflush(cli_result());
            return rc;
        }
    }
    fflush(stdout);
    fprintf(stderr, "abota sim: gave up after %u boots without the device going idle "
                    "(--max-boots)\n", max_boots);
    return 1;
}

int cmd_sim(int argc, char **argv)
{
    char *ca_path = NULL;
    int rc = sim_command(argc, argv, &ca_path);
    free(ca_path);
    return rc;
}
