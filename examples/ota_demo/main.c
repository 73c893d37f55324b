/* Espressif's "Simple OTA Demo" rebuilt on abota. The same source builds for
 * the simulator (platform_posix.c) and the ESP8266 (platform_esp8266.c);
 * it uses only platform.h, the abota core and printf.
 *
 * The seed's steps: join the AP, connect to the server on port 3344,
 * download the bin for the other slot (user1 fetches user2.bin and back),
 * write it to flash, check it, set the next boot, reboot. abota adds what the
 * seed lacked: the new image boots in trial, confirms itself after a
 * self-test, and the bootloader rolls back when it never does. */
#include <stdio.h>
#include <string.h>

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/poll.h"
#include "abota/slot.h"
#include "abota/update.h"
#include "ota_config.h"
#include "platform.h"

struct demo_state {
    unsigned last_step;  /* progress bar position printed, 0..BAR_WIDTH */
    unsigned requests;   /* requests sent: the engine may ask for the footer first */
    unsigned port;       /* the server's, for the log */
    int reboot_said;
    int bar_open;        /* a progress bar is drawn without its newline */
    int tls;             /* an https:// URL */
    int signed_images;   /* a key is built in: VERIFIED means signed by it */
    int terminal;        /* draw a bar in place; else a line per 10 % */
};

#define BAR_WIDTH 40u

static void print_version(const char *prefix, uint32_t v, const char *suffix)
{
    char s[16];
    abota_version_format(v, s, sizeof s);
    printf("%sv%s%s", prefix, s, suffix);
}

/* Not a terminal (a log): one line per 10 %, nothing redrawn. */
static void progress_line(struct demo_state *st, uint32_t done, uint32_t total)
{
    unsigned tenth = (unsigned)((uint64_t)done * 10u / total);
    if (tenth == st->last_step)
        return;
    st->last_step = tenth;
    printf("progress %3u%% %lu/%lu bytes\n", tenth * 10u, (unsigned long)done,
           (unsigned long)total);
}

static void progress(struct demo_state *st, uint32_t done, uint32_t total)
{
    if (total == 0)
        return;
    if (!st->terminal) {
        progress_line(st, done, total);
        return;
    }
    unsigned step = (unsigned)((uint64_t)done * BAR_WIDTH / total);
    if (step == st->last_step && done != total)
        return;
    st->last_step = step;
    char bar[BAR_WIDTH + 1];
    for (unsigned i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < step ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    printf("\r[%s] %3u%% %lu/%lu bytes", bar, (unsigned)((uint64_t)done * 100u / total),
           (unsigned long)done, (unsigned long)total);
    if (done == total)
        printf("\n");
    st->bar_open = done != total;
    platform_flush();
}

/* Whatever is printed next starts on a line of its own, not at the end of
 * a half-drawn progress bar. */
static void end_bar(struct demo_state *st)
{
    if (st->bar_open)
        printf("\n");
    st->bar_open = 0;
}

static void on_event(void *arg, const struct abota_update_event *ev)
{
    struct demo_state *st = arg;
    if (ev->step != ABOTA_EV_PROGRESS)
        end_bar(st);
    switch (ev->step) {
    case ABOTA_EV_RESOLVE:
        if (st->requests == 0)
            printf("connecting to server %s:%u...\n", ev->detail ? ev->detail : "", st->port);
        break;
    case ABOTA_EV_CONNECTED:
        if (st->requests == 0)
            printf("connected to server%s\n", st->tls ? " (TLS, server verified)" : "");
        break;
    case ABOTA_EV_REQUEST_SENT: {
        const char *name = ev->detail ? strrchr(ev->detail, '/') : NULL;
        if (st->requests++ == 0)
            printf("downloading %s\n", name ? name + 1 : ev->detail ? ev->detail : "");
        break;
    }
    case ABOTA_EV_HEADERS:
        if (ev->total)
            printf("image size %lu bytes, writing to user%d\n", (unsigned long)ev->total,
                   ev->slot);
        else
            printf("image size not announced (chunked, or until the close), writing to "
                   "user%d\n", ev->slot);
        st->last_step = BAR_WIDTH + 1; /* draw the empty bar on the first progress */
        break;
    case ABOTA_EV_PROGRESS:
        progress(st, ev->done, ev->total);
        break;
    case ABOTA_EV_VERIFIED:
        printf("flash written\n");
        print_version("CRC check ok: ", ev->version, "");
        printf(" for user%d%s\n", ev->slot, st->signed_images ? ", signature ok" : "");
        break;
    case ABOTA_EV_RECORD_WRITTEN:
        printf("next boot: user%d (trial)\n", ev->slot);
        break;
    case ABOTA_EV_REBOOT:
        printf("rebooting\n");
        st->reboot_said = 1;
        break;
    case ABOTA_EV_RETRY:
        /* ev->done is the attempt about to start: the first retry is the
         * second attempt, and is called retry 1. */
        printf("retry %lu in %lu ms: %s\n", (unsigned long)(ev->done - 1u),
               (unsigned long)ev->total, abota_strerror(ev->err));
        break;
    case ABOTA_EV_RESUMED:
        printf("resuming at %lu of %lu bytes\n", (unsigned long)ev->done,
               (unsigned long)ev->total);
        /* The bar continues from here: draw it on the next progress. */
        st->last_step = BAR_WIDTH + 1;
        break;
    case ABOTA_EV_WARNING:
        printf("warning: %s\n", abota_strerror(ev->err));
        break;
    case ABOTA_EV_RESPONSE_REFUSED:
        if (ev->detail)
            printf("server answered HTTP %lu with Content-Type %s\n", (unsigned long)ev->done,
                   ev->detail);
        else
            printf("server answered HTTP %lu\n", (unsigned long)ev->done);
        break;
    }
    platform_flush();
}

/* What an image checks before it calls itself good: its own bytes in
 * flash verify (with the record's length when it has one) and are built
 * for the slot it runs from. A real product adds its own checks here. */
static int self_test(const struct ota_platform *p, uint32_t length)
{
    struct abota_image_info info;
    return abota_slot_verify(p->flash, p->layout, p->running_slot, length, &info, NULL);
}

/* Ends the trial of a new image, or teaches the record the running image
 * when it does not know it yet (a device flashed by other tools): both
 * only after the self-test passed. Returns 0 when the image is confirmed. */
static int confirm(const struct ota_platform *p, uint32_t length)
{
    int rc = self_test(p, length);
    if (rc < 0) {
        printf("self-test failed: %s; not confirming\n", abota_strerror(rc));
        platform_report(OTA_FAILED, p->running_slot, rc);
        return rc;
    }
    rc = abota_boot_confirm(p->flash, p->layout, p->running_slot);
    if (rc < 0) {
        printf("confirm failed: %s\n", abota_strerror(rc));
        platform_report(OTA_FAILED, p->running_slot, rc);
    }
    return rc;
}

/* What this boot means for the update that follows. */
enum boot_verdict {
    BOOT_UPDATE, /* a confirmed image: look for an update */
    BOOT_STAY,   /* stay on this image without updating now */
};

/* Prints what the boot record says about this boot, confirms a new image
 * and reports a rollback. An update runs only from a confirmed image: one
 * that failed its self-test is left to the bootloader's rollback, and the
 * same image that was just rolled back is not fetched again at once. */
static enum boot_verdict report_boot(const struct ota_platform *p)
{
    struct abota_bootrec rec;
    int rc = abota_bootrec_read(p->flash, p->layout, &rec, NULL);
    if (rc < 0) {
        /* No record (a flash written by other tools): the footer still
         * says which version this is; confirming writes the first record. */
        const struct abota_region *r = abota_layout_slot(p->layout, p->running_slot);
        struct abota_image_info info;
        if (r && abota_image_probe_flash(p->flash, r->offset, r->size, &info) >= 0 &&
            info.kind == ABOTA_IMAGE_ABOTA)
            print_version("firmware ", info.footer.version, "");
        else
            printf("firmware");
        printf(" running from user%d (no boot record: %s)\n", p->running_slot,
               abota_strerror(rc));
        if (confirm(p, 0) < 0)
            return BOOT_STAY;
        printf("self-test ok: boot record written for user%d\n", p->running_slot);
        return BOOT_UPDATE;
    }
    if (rec.active != p->running_slot) {
        /* The bootloader started this slot but could not record it. */
        printf("firmware running from user%d, but the boot record names user%u: %s\n",
               p->running_slot, (unsigned)rec.active, abota_strerror(ABOTA_ERR_BOOT_NOT_ACTIVE));
        platform_report(OTA_FAILED, p->running_slot, ABOTA_ERR_BOOT_NOT_ACTIVE);
        return BOOT_STAY;
    }
    const struct abota_slot_record *mine = &rec.slot[p->running_slot - 1];
    print_version("firmware ", mine->version, "");
    printf(" running from user%d\n", p->running_slot);

    enum boot_verdict v = BOOT_UPDATE;
    if ((rec.flags & ABOTA_BOOTREC_ROLLED_BACK) && rec.failed_slot >= 1 && rec.failed_slot <= 2) {
        print_version("update report: ", rec.slot[rec.failed_slot - 1].version, "");
        printf(" in user%u failed its trial and was rolled back\n", (unsigned)rec.failed_slot);
        platform_report(OTA_ROLLED_BACK, rec.failed_slot, 0);
        /* Fetching the same image again would fail the same way; a newer
         * one is for the next update run. */
        v = BOOT_STAY;
        /* Reported once: the next boot updates as usual. */
        rc = abota_bootrec_clear_flags(p->flash, p->layout);
        if (rc < 0)
            printf("cannot clear the rollback flag: %s\n", abota_strerror(rc));
    }
    if (rec.trial != ABOTA_TRIAL_NONE) {
        printf("trial boot: running self-test\n");
        if (confirm(p, mine->length) < 0)
            return BOOT_STAY;
        printf("self-test ok: image confirmed\n");
    } else if (mine->length == 0) {
        printf("boot record does not describe user%d yet: running self-test\n",
               p->running_slot);
        if (confirm(p, 0) < 0)
            return BOOT_STAY;
        printf("self-test ok: boot record now describes user%d\n", p->running_slot);
    }
    return v;
}

/* Sets up the engine with cfg; on failure says why and stays. */
static void engine_init(const struct ota_platform *p, const struct abota_update_config *cfg,
                        struct abota_update *up, uint8_t *buf, size_t size)
{
    int rc = abota_update_init(up, cfg, p->flash, p->layout, p->net, p->clock, buf, size);
    if (rc < 0) {
        printf("update setup failed: %s\n", abota_strerror(rc));
        platform_report(OTA_FAILED, p->running_slot, rc);
        platform_idle();
    }
}

/* The server of url, for the log. */
static void note_server(struct demo_state *st, const char *url)
{
    static struct abota_url server;
    if (abota_url_parse(url, &server) >= 0) {
        st->port = server.port;
        st->tls = server.tls;
    }
}

/* A run that installed the new image: next boot tries it. */
static _Noreturn void installed(struct demo_state *st, const struct abota_update *up)
{
    if (!st->reboot_said)
        printf("rebooting\n");
    platform_report(OTA_INSTALLED, up->target_slot, 0);
    platform_flush();
    platform_reboot();
}

#if ABOTA_FEATURE_POLL
/* The running image's version and security version, as the record says
 * (report_boot made sure it describes the running slot). */
static void running_release(const struct ota_platform *p, uint32_t *version, uint32_t *security)
{
    struct abota_bootrec rec;
    *version = *security = 0;
    if (abota_bootrec_read(p->flash, p->layout, &rec, NULL) >= 0) {
        *version = rec.slot[p->running_slot - 1].version;
        *security = rec.slot[p->running_slot - 1].security;
    }
}

/* One poll, and the update it calls for. 0: nothing to do; an error: why
 * no update was made; an installed update reboots. */
static int poll_once(const struct ota_platform *p, struct abota_poll *poll,
                     struct abota_update *up, struct demo_state *st, char *image_url)
{
    uint32_t version, security;
    running_release(p, &version, &security);
    st->requests = 0;
    note_server(st, p->manifest_url);
    int rc = abota_poll_check(poll, p->running_slot, version, security, image_url,
                              ABOTA_URL_MAX);
    end_bar(st);
    const uint32_t named = poll->manifest.version;
    switch (rc) {
    case ABOTA_POLL_UNCHANGED:
        printf("manifest unchanged (304 Not Modified): nothing new\n");
        return 0;
    case ABOTA_POLL_NOTHING_NEW:
        print_version("manifest names ", named, ": nothing new\n");
        return 0;
    case ABOTA_POLL_NOT_IN_ROLLOUT:
        print_version("manifest names ", named, "");
        printf(": this device is not in its rollout (%u.%02u %%): staying\n",
               poll->manifest.rollout / 100u, poll->manifest.rollout % 100u);
        return 0;
    case ABOTA_POLL_UPDATE:
        print_version("manifest names ", named, "");
        printf(" for user%d: updating\n", abota_slot_other(p->running_slot));
        break;
    default:
        printf("manifest refused: %s (%s); staying on the working image\n",
               abota_strerror(rc), abota_strerror_name(rc));
        return rc;
    }
    st->requests = 0;
    note_server(st, image_url);
    rc = abota_update_run(up, p->running_slot);
    end_bar(st);
    if (rc == 0)
        installed(st, up);
    printf("update failed: %s (%s); staying on the working image\n", abota_strerror(rc),
           abota_strerror_name(rc));
    return rc;
}

/* Manifest mode: poll, update when the manifest says so, wait its
 * interval (with jitter), poll again; p->polls polls, or for ever. */
static _Noreturn void manifest_mode(const struct ota_platform *p,
                                    struct abota_update_config *cfg, struct abota_update *up,
                                    uint8_t *buf, struct demo_state *st)
{
    static struct abota_poll poll;
    static char doc[ABOTA_MANIFEST_MAX];
    static char image_url[ABOTA_URL_MAX];
    cfg->url = image_url;
    cfg->expect = abota_poll_expect(&poll);
    engine_init(p, cfg, up, buf, OTA_BUF_SIZE);
    abota_update_set_callback(up, on_event, st);
    struct abota_poll_config pc = {
        .url = p->manifest_url,
        .sign_key = p->sign_key,
        .device_id = p->device_id,
        .device_id_len = p->device_id_len,
    };
    int rc = abota_poll_init(&poll, &pc, up, doc, sizeof doc);
    if (rc < 0) {
        printf("manifest setup failed: %s%s\n", abota_strerror(rc),
               p->sign_key ? "" : " (a manifest is taken only signed: no key built in)");
        platform_report(OTA_FAILED, p->running_slot, rc);
        platform_idle();
    }
    for (unsigned n = 1;; n++) {
        rc = poll_once(p, &poll, up, st, image_url);
        if (p->polls && n >= p->polls)
            break;
        const struct abota_clock *c = p->clock;
        uint32_t wait = abota_poll_next_delay_ms(&poll, c->random ? c->random(c->ctx) : 0u);
        if (p->poll_wait_max_ms && wait > p->poll_wait_max_ms)
            wait = p->poll_wait_max_ms;
        printf("next poll in %lu ms\n", (unsigned long)wait);
        platform_flush();
        if (c->sleep_ms)
            c->sleep_ms(c->ctx, wait);
    }
    if (rc < 0)
        platform_report(OTA_FAILED, p->running_slot, rc);
    else
        platform_report(OTA_UP_TO_DATE, p->running_slot, 0);
    platform_idle();
}
#else
static _Noreturn void manifest_mode(const struct ota_platform *p,
                                    struct abota_update_config *cfg, struct abota_update *up,
                                    uint8_t *buf, struct demo_state *st)
{
    (void)cfg;
    (void)up;
    (void)buf;
    (void)st;
    printf("manifest mode: %s (ABOTA_FEATURE_POLL=0)\n", abota_strerror(ABOTA_ERR_UNSUPPORTED));
    platform_report(OTA_FAILED, p->running_slot, ABOTA_ERR_UNSUPPORTED);
    platform_idle();
}
#endif

_Noreturn void ota_demo_main(void)
{
    static struct ota_platform p;
    static uint8_t buf[OTA_BUF_SIZE];
    static struct abota_update up;
    struct demo_state st;
    memset(&st, 0, sizeof st);

    int rc = platform_init(&p);
    if (rc < 0) {
        printf("platform init failed: %s\n", abota_strerror(rc));
        platform_report(OTA_FAILED, 0, rc);
        platform_idle();
    }
#ifdef OTA_DEMO_CRASH
    printf("this build crashes at start (rollback test)\n");
    platform_flush();
    platform_crash();
#endif
    if (report_boot(&p) == BOOT_STAY) {
        printf("staying on this image; not updating now\n");
        platform_idle();
    }

    printf("local OTA task started...\n");
    if (p.sign_key)
        printf("images must be signed with key %02x%02x%02x%02x...\n", p.sign_key[0],
               p.sign_key[1], p.sign_key[2], p.sign_key[3]);
    else
        printf("WARNING: no signing key built in: whoever answers the update request can "
               "install firmware (docs/SECURITY.md)\n");
    rc = platform_wifi_connect(&p);
    if (rc < 0) {
        printf("cannot join AP %s: %s\n", p.ssid, abota_strerror(rc));
        platform_report(OTA_FAILED, p.running_slot, rc);
        platform_idle();
    }
    printf("connected to AP %s\n", p.ssid);

    struct abota_update_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.url = p.url;
    cfg.trial_attempts = OTA_TRIAL_ATTEMPTS;
    cfg.connect_timeout_ms = p.connect_timeout_ms;
    cfg.idle_timeout_ms = p.idle_timeout_ms;
    cfg.deadline_ms = p.deadline_ms;
    cfg.retry_base_ms = p.retry_base_ms;
    cfg.retry_max_ms = p.retry_max_ms;
    cfg.watchdog_ms = p.watchdog_ms;
    cfg.sign_key = p.sign_key;
    st.signed_images = p.sign_key != NULL;
    st.terminal = p.console_is_terminal;
    note_server(&st, p.manifest_url[0] ? p.manifest_url : p.url);
    if (st.tls)
        printf("https: the server must prove itself with %s\n",
               p.tls_verify ? p.tls_verify : "(nothing configured: https will be refused)");
    if (p.manifest_url[0])
        manifest_mode(&p, &cfg, &up, buf, &st);
    engine_init(&p, &cfg, &up, buf, sizeof buf);
    abota_update_set_callback(&up, on_event, &st);
    rc = abota_update_run(&up, p.running_slot);
    end_bar(&st);
    if (rc == 0)
        installed(&st, &up);
    if (rc == ABOTA_ERR_UP_TO_DATE) {
        printf("up to date: %s\n", abota_strerror(rc));
        platform_report(OTA_UP_TO_DATE, p.running_slot, 0);
    } else {
        printf("update failed: %s (%s); staying on the working image\n", abota_strerror(rc),
               abota_strerror_name(rc));
        platform_report(OTA_FAILED, p.running_slot, rc);
    }
    if (rc == ABOTA_ERR_DEADLINE && up.last_err < 0 && up.last_err != rc)
        printf("last error before the deadline: %s (%s)\n", abota_strerror(up.last_err),
               abota_strerror_name(up.last_err));
    platform_idle();
}
