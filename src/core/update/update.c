/* The update engine: one run from URL template to boot record.
 *
 *   template -> URL ─┬─ probe: last 256 bytes (206) -> footer checks ─┐
 *                    │          or the whole image (200) ─────────────┼─> verify
 *                    └─ no probe: the whole image ────────────────────┘   -> record
 *
 * Here: setup, the attempts (retries, back-off), the image checks and the
 * boot record. One request and what its answer means is fetch.c's, the
 * network and the parser exchange.c's (update_priv.h draws the direction).
 * The record that boots the new image is written in one place, last;
 * before that the only record write is abota_boot_prepare_update's
 * (fetch.c, before the first erase), which keeps the running image booting
 * and stops vouching for the target slot. */
#include "abota/update.h"

#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "../compiler.h"
#include "update_priv.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define DEFAULT_IDLE_TIMEOUT_MS 15000u
#define DEFAULT_DEADLINE_MS 300000u
#define DEFAULT_TRIAL_ATTEMPTS 3u
#define DEFAULT_MAX_ATTEMPTS 6u
#define DEFAULT_RETRY_BASE_MS 1000u
#define DEFAULT_RETRY_MAX_MS 30000u
#define DEFAULT_JOURNAL_EVERY 16384u

/* The retry settings' defaults (without ABOTA_FEATURE_RETRY they are
 * ignored: one attempt per run). */
static void retry_defaults(struct abota_update_config *c)
{
    if (!c->max_attempts)
        c->max_attempts = DEFAULT_MAX_ATTEMPTS;
    if (!c->retry_base_ms)
        c->retry_base_ms = DEFAULT_RETRY_BASE_MS;
    if (!c->retry_max_ms)
        c->retry_max_ms = DEFAULT_RETRY_MAX_MS;
    if (c->retry_max_ms < c->retry_base_ms)
        c->retry_max_ms = c->retry_base_ms;
}

int abota_update_init(struct abota_update *u, const struct abota_update_config *cfg,
                      const struct abota_flash *flash, const struct abota_layout *layout,
                      const struct abota_net *net, const struct abota_clock *clock,
                      uint8_t *buf, size_t buf_size)
{
    if (!u || !cfg || !cfg->url || !flash || !layout || !net || !net->connect || !net->send ||
        !net->recv || !net->close || !clock || !clock->now_ms || !buf ||
        buf_size < ABOTA_UPDATE_BUF_MIN)
        return ABOTA_ERR_ARG;
    int r = abota_layout_check(layout);
    if (r < 0)
        return r;
    if (flash->sector_size != layout->sector_size || flash->size < layout->flash_size)
        return ABOTA_ERR_ARG;
    if (!ABOTA_FEATURE_SIGNATURE && cfg->sign_key)
        return ABOTA_ERR_UNSUPPORTED; /* never install unchecked what must be signed */
    if (!ABOTA_FEATURE_MANIFEST && cfg->expect)
        return ABOTA_ERR_UNSUPPORTED; /* nor other than the release named */

    memset(u, 0, sizeof *u);
    u->cfg = *cfg;
    if (!u->cfg.connect_timeout_ms)
        u->cfg.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    if (!u->cfg.idle_timeout_ms)
        u->cfg.idle_timeout_ms = DEFAULT_IDLE_TIMEOUT_MS;
    if (!u->cfg.deadline_ms)
        u->cfg.deadline_ms = DEFAULT_DEADLINE_MS;
    /* End well inside a watchdog nobody feeds during the run (update.h). */
    uint32_t budget = cfg->watchdog_ms - cfg->watchdog_ms / 4u;
    if (cfg->watchdog_ms && u->cfg.deadline_ms > budget)
        u->cfg.deadline_ms = budget;
    if (ABOTA_FEATURE_CONTENT_TYPE && !u->cfg.content_type)
        u->cfg.content_type = "application/octet-stream";
    if (!u->cfg.trial_attempts)
        u->cfg.trial_attempts = DEFAULT_TRIAL_ATTEMPTS;
    if (ABOTA_FEATURE_RETRY)
        retry_defaults(&u->cfg);
    u->flash = flash;
    u->layout = layout;
    u->net = net;
    u->clock = clock;
    u->buf = buf;
    u->buf_size = buf_size;
    if (!u->cfg.journal_every)
        u->cfg.journal_every = DEFAULT_JOURNAL_EVERY;
    abota_journal_init(upd_journal(u), layout, u->cfg.journal_every);
    return 0;
}

void abota_update_set_callback(struct abota_update *u, abota_update_cb cb, void *arg)
{
    if (!u)
        return;
    u->cb = cb;
    u->cb_arg = arg;
}

/* Writes the template with every "%d" replaced by slot and "%%" by '%' into
 * out[size], NUL-terminated. */
static int expand_url(const char *tmpl, int slot, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = tmpl; *p; p++) {
        char c = *p;
        if (c == '%') {
            p++;
            if (*p == 'd')
                c = (char)('0' + slot); /* slot is 1 or 2: one digit */
            else if (*p != '%')
                return ABOTA_ERR_UP_URL_TEMPLATE;
        }
        if (n + 1 >= size)
            return ABOTA_ERR_URL_TOO_LONG;
        out[n++] = c;
    }
    out[n] = '\0';
    return (int)n;
}

#if ABOTA_FEATURE_SIGNATURE
/* With a built-in key, only what its holder signed (f NULL: no footer). */
static int check_signature(const struct abota_update *u, const struct abota_footer *f)
{
    return u->cfg.sign_key ? abota_image_check_signature(f, u->cfg.sign_key) : 0;
}
#else
static int check_signature(const struct abota_update *u, const struct abota_footer *f)
{
    (void)u;
    (void)f;
    return 0; /* no key (abota_update_init refuses one) */
}
#endif

#if ABOTA_FEATURE_MANIFEST
/* The release a manifest named (cfg.expect): exactly its version, security
 * version and length (f NULL: no footer, hence no version). */
static int check_expected(const struct abota_update *u, const struct abota_footer *f,
                          uint32_t len)
{
    const struct abota_update_expect *e = u->cfg.expect;
    if (!e)
        return 0;
    if (!f || f->version != e->version)
        return ABOTA_ERR_MAN_IMG_VERSION;
    if (f->security_version != e->security)
        return ABOTA_ERR_MAN_IMG_SECURITY;
    return len == e->length ? 0 : ABOTA_ERR_MAN_IMG_LENGTH;
}
#else
static int check_expected(const struct abota_update *u, const struct abota_footer *f,
                          uint32_t len)
{
    (void)u;
    (void)f;
    (void)len;
    return 0; /* no release to match (abota_update_init refuses one) */
}
#endif

/* The footer's verdicts, shared by the probe and the final verification
 * (f NULL: an image without footer, which carries no version; len: the
 * image file's bytes). The signature comes last: a refusal is safe whoever
 * wrote the footer, and a poll that finds the running version costs no
 * verification; only an image about to be taken must be the vendor's. */
static int check_footer(const struct abota_update *u, const struct abota_footer *f, uint32_t len)
{
    int r = check_expected(u, f, len);
    if (r < 0)
        return r;
    if (f) {
        if (f->target_slot != ABOTA_SLOT_ANY && f->target_slot != u->target_slot)
            return ABOTA_ERR_IMG_SLOT;
        uint32_t running = upd_cstate(u)->running_version;
        if (!u->cfg.allow_same_version && f->version == running)
            return ABOTA_ERR_UP_TO_DATE;
        if (!u->cfg.allow_downgrade && f->version < running)
            return ABOTA_ERR_UP_DOWNGRADE;
    }
    return check_signature(u, f);
}

#if ABOTA_FEATURE_FOOTER_PROBE
/* After a 206 to the probe: the last bytes of the image are in the footer
 * buffer. When they decode as an abota footer whose length agrees with the
 * total from Content-Range, refuse early what verification would refuse.
 * Anything else (a plain Espressif bin, an odd server) teaches nothing and
 * the full download decides. Out of line: its decoded footer must not sit
 * on the run's frame under the verification, the deepest point. */
ABOTA_NOINLINE static int check_probe(struct abota_update *u)
{
    if (upd_cstate(u)->probe_len != ABOTA_FOOTER_SIZE)
        return 0;
    struct abota_footer f;
    if (abota_footer_decode(upd_footer_buf(u), &f) < 0 ||
        abota_image_total_len(f.payload_len) != upd_cstate(u)->total)
        return 0;
    return check_footer(u, &f, upd_cstate(u)->total);
}
#else
static int check_probe(struct abota_update *u)
{
    (void)u;
    return 0; /* never asked (no footer probe) */
}
#endif

/* Verifies the slot from flash and applies the image checks. The image
 * info lives on this frame, not in struct abota_update: it is only needed
 * here, and the verification below is the deepest stack of a run. */
static int verify(struct abota_update *u)
{
    struct abota_slot_writer *w = &upd_state(u)->writer;
    struct abota_image_info infobuf;
    struct abota_image_info *info = &infobuf;
    /* An empty body (Content-Length: 0, or a chunked body with no chunk)
     * declared no length to fall short of: it is simply no image. */
    if (abota_slot_written(w) == 0)
        return ABOTA_ERR_IMG_TOO_SHORT;
    int r = abota_slot_finish(w, info);
    if (r < 0)
        return r;
    /* The writer checked the target slot already (footer, or the user bin
     * number of a plain v2 Espressif bin); check_footer repeats the footer's
     * for one rule in one place. A plain bin carries no version and no
     * signature. */
    bool has_version = info->kind == ABOTA_IMAGE_ABOTA;
    r = check_footer(u, has_version ? &info->footer : NULL, abota_slot_written(w));
    if (r < 0)
        return r;
    u->new_version = has_version ? info->footer.version : 0;
    upd_state(u)->new_security = has_version ? info->footer.security_version : 0;
    upd_emit(u, ABOTA_EV_VERIFIED, abota_slot_written(w), abota_slot_written(w), 0, NULL);
    return 0;
}

/* Next boot: the target slot, in trial (PENDING). The record keeps the
 * running slot's entry, the rollback target, and refuses an image below
 * its security floor (ABOTA_ERR_SECURITY_VERSION). */
static int write_record(struct abota_update *u)
{
    const struct upd_state *s = upd_cstate(u);
    struct abota_slot_record entry = {
        .length = abota_slot_written(&s->writer),
        .crc32 = abota_slot_crc32(&s->writer),
        .version = u->new_version,
        .security = s->new_security,
    };
    return abota_bootrec_set_next(u->flash, u->layout, u->target_slot, &entry,
                                  u->cfg.trial_attempts);
}

/* What the record says of the running image, before any network. An
 * image still in trial is the only known-good one while the other slot
 * holds its rollback target, so it is not updated unless the caller forces
 * it; an image the record does not describe (no record: flashed by other
 * tools) is confirmed first (abota_boot_confirm verifies it and writes its
 * entry), since no record naming a bootable slot could be written for it
 * before the first erase; a record naming the other slot means the
 * bootloader could not write its choice, and nothing is written against
 * it. The running version is the record's. */
static int running_state(struct abota_update *u)
{
    struct abota_bootrec rec;
    int r = abota_bootrec_read(u->flash, u->layout, &rec, NULL);
    if (r == ABOTA_ERR_BOOTREC_NONE)
        return ABOTA_ERR_UP_UNCONFIRMED;
    if (r < 0)
        return r;
    if (rec.active != u->running_slot)
        return ABOTA_ERR_BOOT_NOT_ACTIVE;
    const struct abota_slot_record *sr = &rec.slot[u->running_slot - 1];
    if (sr->length == 0 || (rec.trial != ABOTA_TRIAL_NONE && !u->cfg.allow_unconfirmed))
        return ABOTA_ERR_UP_UNCONFIRMED;
    upd_state(u)->running_version = sr->version;
    return 0;
}

#if ABOTA_FEATURE_RESUME
/* No download under way: nothing to resume, no validator. */
static void forget_download(struct abota_update *u)
{
    struct upd_state *s = upd_state(u);
    s->partial = false;
    s->validator_kind = ABOTA_JOURNAL_VAL_NONE;
    s->validator[0] = '\0';
    s->total = 0;
}

/* The journal binds a download to the CRC-32 of its expanded URL. */
static void set_url_crc(struct abota_update *u, const char *url, size_t len)
{
    upd_state(u)->url_crc = abota_crc32_update(0, url, len);
}

static void set_range_from(struct abota_update *u, uint32_t at)
{
    upd_state(u)->range_from = at;
}

/* Before the first request: a download a reboot or a power cut stopped
 * continues where its journal says the slot still holds it. */
static void resume_from_journal(struct abota_update *u)
{
    struct upd_state *s = upd_state(u);
    struct abota_journal_download d = {
        .slot = (uint8_t)u->target_slot,
        .url_crc = s->url_crc,
        .validator = s->validator,
        .validator_size = sizeof s->validator,
    };
    if (abota_journal_resume(&s->journal, u->flash, u->layout, &d, &s->writer,
                             u->running_slot) < 0) {
        s->validator[0] = '\0';
        return;
    }
    s->validator_kind = d.validator_kind;
    s->total = d.total;
    s->partial = true;
    u->resumed_at = abota_slot_written(&s->writer);
}
#else
static void forget_download(struct abota_update *u)
{
    upd_state(u)->total = 0;
}

static void set_url_crc(struct abota_update *u, const char *url, size_t len)
{
    (void)u;
    (void)url;
    (void)len;
}

static void set_range_from(struct abota_update *u, uint32_t at)
{
    (void)u;
    (void)at;
}

static void resume_from_journal(struct abota_update *u)
{
    (void)u;
}
#endif

/* Everything before the network: results reset, slots, running version,
 * URL. */
static int prepare(struct abota_update *u, int running_slot)
{
    u->running_slot = running_slot;
    u->target_slot = abota_slot_other(running_slot);
    u->new_version = 0;
    u->bytes_received = 0;
    u->attempts = 0;
    u->last_err = 0;
    u->resumed_at = 0;
    struct upd_state *s = upd_state(u);
    forget_download(u);
    s->running_version = 0;
    s->new_security = 0;
    s->probe_len = 0;
    s->sink = UPD_SINK_NONE;
    s->start_ms = u->clock->now_ms(u->clock->ctx);
    if (u->target_slot == 0)
        return ABOTA_ERR_SLOT_INVALID;

    int r = running_state(u);
    if (r < 0)
        return r;

    /* The expanded URL is only needed until parsed: the receive buffer
     * holds it (ABOTA_UPDATE_BUF_MIN leaves room). */
    char *text = (char *)u->buf;
    r = expand_url(u->cfg.url, u->target_slot, text, ABOTA_URL_MAX);
    if (r < 0)
        return r;
    set_url_crc(u, text, (size_t)r);
    return abota_url_parse(text, &s->url);
}

#if ABOTA_FEATURE_RETRY
/* Failures worth another attempt: the network, the server's load, a
 * connection cut short, a range that did not fit (then from scratch). */
static bool transient(int err)
{
    switch (err) {
    case ABOTA_ERR_NET_RESOLVE:
    case ABOTA_ERR_NET_CONNECT:
    case ABOTA_ERR_NET_REFUSED:
    case ABOTA_ERR_NET_TIMEOUT:
    case ABOTA_ERR_NET_SEND:
    case ABOTA_ERR_NET_RECV:
    case ABOTA_ERR_NET_CLOSED:
    case ABOTA_ERR_NET_RESET:
    case ABOTA_ERR_NET_TLS_CLOSED: /* a drop in the handshake; a bad certificate is final */
    case ABOTA_ERR_HTTP_TRUNCATED:
    case ABOTA_ERR_HTTP_SERVER_ERROR:
    case ABOTA_ERR_UP_RATE_LIMITED:
    case ABOTA_ERR_HTTP_RANGE_MISMATCH:
        return true;
    default:
        return false;
    }
}

/* A complete download that does not verify may be a transfer corrupted on
 * the way (or an image that changed under a resume without validator):
 * worth one attempt from scratch. A wrong slot or version is not. A flipped
 * byte in the footer's magic, version or size fails before the footer's
 * CRC is even read, so those count as corruption too. */
static bool corrupted(int err)
{
    switch (err) {
    case ABOTA_ERR_IMG_CRC:
    case ABOTA_ERR_IMG_SHA256:
    case ABOTA_ERR_IMG_FOOTER_CRC:
    case ABOTA_ERR_IMG_FOOTER_MAGIC:
    case ABOTA_ERR_IMG_FOOTER_VERSION:
    case ABOTA_ERR_IMG_FOOTER_SIZE:
    case ABOTA_ERR_IMG_NO_FOOTER:
    case ABOTA_ERR_IMG_PADDING:
    case ABOTA_ERR_SLOT_CRC:
    case ABOTA_ERR_ESP_CHECKSUM:
    case ABOTA_ERR_ESP_CRC:
        return true;
    default:
        return false;
    }
}

/* The wait before the next attempt after fails failed attempts in a row
 * (>= 1): Retry-After when the server gave one (capped), else the
 * exponential back-off with "equal jitter", uniform in [d/2, d]. */
static uint32_t backoff(const struct abota_update *u, unsigned fails)
{
    uint32_t cap = u->cfg.retry_max_ms;
    uint32_t ra = upd_cstate(u)->retry_after_ms;
    if (ra != UINT32_MAX)
        return ra < cap ? ra : cap;
    uint32_t d = u->cfg.retry_base_ms;
    for (unsigned i = 1; i < fails && d < cap; i++)
        d = d > cap / 2u ? cap : d * 2u;
    if (d > cap)
        d = cap;
    if (u->clock->random) {
        uint32_t half = d / 2u;
        d = half + u->clock->random(u->clock->ctx) % (d - half + 1u);
    }
    return d;
}
#else
/* One attempt per run (config.h): nothing is retried here, the caller runs
 * the update again. The retry path of download() is then dead code. */
static bool transient(int err)
{
    (void)err;
    return false;
}

static bool corrupted(int err)
{
    (void)err;
    return false;
}

static uint32_t backoff(const struct abota_update *u, unsigned fails)
{
    (void)u;
    (void)fails;
    return 0;
}
#endif

/* The attempts: probe, download, resumes, until the image is in the slot
 * and verified, or a permanent error, or the retries or the deadline run
 * out. */
static int download(struct abota_update *u)
{
    struct upd_state *s = upd_state(u);
    bool probe = ABOTA_FEATURE_FOOTER_PROBE && !u->cfg.no_footer_probe && !upd_partial(u);
    bool scratch_used = false;
    unsigned fails = 0;
    for (;;) {
        uint32_t before = upd_partial(u) ? abota_slot_written(&s->writer) : 0;
        enum upd_ask ask = probe ? UPD_ASK_FOOTER
                                 : upd_partial(u) ? UPD_ASK_RESUME : UPD_ASK_IMAGE;
        set_range_from(u, before);
        if (u->attempts < UINT16_MAX)
            u->attempts++;
        int r = upd_fetch(u, ask);
        if (ABOTA_FEATURE_FOOTER_PROBE && r == UPD_GOT_FOOTER) {
            r = check_probe(u);
            if (r < 0)
                return r;
            probe = false;
            fails = 0;
            continue;
        }
        if (r == UPD_GOT_IMAGE) {
            r = verify(u);
            if (r >= 0)
                return 0;
            if (!corrupted(r) || scratch_used)
                return r;
            scratch_used = true;
            upd_set_partial(u, false);
            upd_journal_warn(u, abota_journal_clear(upd_journal(u), u->flash, u->layout));
        } else if (r >= 0) {
            return ABOTA_ERR_STATE;
        } else if (r == ABOTA_ERR_DEADLINE || !transient(r)) {
            return r;
        }
        u->last_err = r;
        if (r == ABOTA_ERR_HTTP_RANGE_MISMATCH)
            upd_set_partial(u, false); /* never splice: from scratch */

        /* An attempt that brought new bytes starts a new series. */
        bool moved = upd_partial(u) && abota_slot_written(&s->writer) > before;
        fails = moved ? 1u : fails + 1u;
        if (fails >= u->cfg.max_attempts)
            return r;
        uint32_t delay = backoff(u, fails);
        if (delay >= upd_time_left(u))
            return ABOTA_ERR_DEADLINE;
        upd_emit(u, ABOTA_EV_RETRY, u->attempts + 1u, delay, r, NULL);
        if (delay && u->clock->sleep_ms)
            u->clock->sleep_ms(u->clock->ctx, delay);
    }
}

int abota_update_run(struct abota_update *u, int running_slot)
{
    if (!u || !u->buf)
        return ABOTA_ERR_ARG;
    int r = prepare(u, running_slot);
    if (r >= 0) {
        resume_from_journal(u);
        r = download(u);
    }
    if (r >= 0)
        r = write_record(u);
    if (r < 0) {
        /* The cause stays visible when the deadline ended the retries. */
        if (r != ABOTA_ERR_DEADLINE || u->last_err == 0)
            u->last_err = r;
        return r;
    }
    upd_journal_warn(u, abota_journal_clear(upd_journal(u), u->flash, u->layout));
    upd_emit(u, ABOTA_EV_RECORD_WRITTEN, 0, 0, 0, NULL);
    upd_emit(u, ABOTA_EV_REBOOT, 0, 0, 0, NULL);
    return 0;
}
