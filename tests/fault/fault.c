/* Power-cut harness: a whole update on the simulated flash, cut at every
 * flash operation in turn, booted by both boot choices that ship.
 *
 * The scenario (one "device", driven step by step):
 *
 *   v1 in slot 1 (how it got there: the start state, below)
 *     -> v1 confirms itself when the record does not describe it as good
 *     -> update to v2 (probe, download into slot 2 with progress journal,
 *        verify, boot record)
 *     -> reboot -> bootloader: boot choice + record write (trial, attempt used)
 *     -> v2 runs, self-test passes -> abota_boot_confirm
 *
 * It is first run uncut to count its flash operations (writes and erases) K.
 * Then, for each n in 1..K and each mode (op n torn, with a few seeds; op n
 * completed and then the power gone; the power gone before op 1), it is
 * rerun from the same starting flash with the cut armed. "Before op n" is
 * the same flash as "after op n-1" and is not run again. After a cut the
 * flash is reopened (power back) and the device goes on from the
 * bootloader: it boots, and if it runs v1 it retries the update (resuming
 * from the journal when that describes the download), if v2 it confirms.
 * Every boot is checked independently of the boot choice (the chosen
 * slot's bytes are compared with v1 or v2 and verified again), and the run
 * must end on v2 confirmed in slot 2.
 *
 * The bootloader is either the core's full choice (abota_boot_choose, as
 * the simulator and a loader with room for SHA-256 use) or the ESP8266
 * loader's (abota_loader_choose, src/loader/esp8266/choose.c, CRC-32
 * against the record: what ships in the 4 KiB at 0x0). Every cut runs
 * under both.
 *
 * The server honours Range and sends a strong ETag, so the engine writes
 * its progress journal (a checkpoint every sector) and, after a cut,
 * resumes with If-Range: the journal's writes are cut like every other.
 *
 * Scenarios:
 *   main      as above.
 *   rollback  v2 never passes its self-test: it boots until its trial
 *             attempts are used up and the bootloader rolls back to v1, which
 *             then stays (the record says ROLLED_BACK). Cut at every op,
 *             including the rollback's record write.
 *   twice     as main, and after the first cut a second one at the k-th op
 *             of the recovery (k sampled), so the recovery itself is cut.
 *   twice-rollback  the same for the rollback scenario.
 *
 * Start states (main and rollback run from each; twice from "record"):
 *   record      v1 confirmed, the record describes it.
 *   no-record   flashed by other tools: v1 in slot 1, no boot record.
 *   half-slot   the record describes v1; slot 2 holds the first sectors of
 *               v2 (a download cut short) with its entry zeroed.
 *   trial       v1 in trial with one attempt left and nothing to roll back
 *               to: the engine refuses to update from it (no flash touched),
 *               so it confirms itself, then updates.
 *   trial-forced  the same, but v1 updates without confirming
 *               (allow_unconfirmed): the record keeps v1 as the rollback
 *               target and no cut may boot the half-written slot.
 *
 * Configurations: layouts esp8266-1024+1024, esp8266-512+512 and one with
 * 64 KiB sectors, each with write alignment 1, 4 and 16. The 512+512 ones
 * start with an older image v0 in slot 2 that the record still knows (the
 * residue of the previous update), which must never boot again; the boot
 * record's starting sequence number differs per alignment, so its wrap from
 * 0xFFFFFFFF to 0 is crossed too.
 *
 * Counting: a cut point is a run whose every armed cut fired (a cut past
 * the end of the run is no cut). Each flash state at a cut is hashed
 * (the sectors that differ from the starting flash), and the distinct ones
 * are counted per boot choice, so equal states are counted once there.
 *
 * Speed: the flash file lives in /dev/shm; a pristine copy of the starting
 * flash is kept in memory and only the sectors a run touched (seen by the
 * flash's op hook) are restored before the next run. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/port_posix.h"
#include "abota/update.h"
#include "choose.h"
#include "fakeclock.h"
#include "testimg.h"

#define V0 0x00000900u /* 0.0.9 */
#define V1 0x01000000u /* 1.0.0 */
#define V2 0x02000000u /* 2.0.0 */

#define IMG_CAP (64u * 1024u)
/* Espressif payloads (the loader checks the header): multiples of 16. */
#define V0_PAYLOAD (18u * 1024u + 16u)
#define V1_PAYLOAD (20u * 1024u + 128u)
#define V2_PAYLOAD (22u * 1024u + 80u)
#define RESP_CAP (IMG_CAP + 512u)
#define NET_CHUNK 536u   /* lwIP's default TCP MSS on the ESP8266 */
#define UPDATE_BUF 1460u
#define MAX_BOOTS 40
#define MAX_OPS 4096
#define ETAG "\"v2-fault\""
#define HALF_SLOT_BYTES 0x2000u /* what the cut-short download left in slot 2 */
#define TORN_SEEDS 3
#define TWICE_K_COUNT 4

static const uint32_t twice_k[TWICE_K_COUNT] = {1, 2, 3, 6};

enum scenario { SC_MAIN = 0, SC_ROLLBACK, SC_TWICE, SC_TWICE_ROLLBACK, SC_COUNT };
static const char *const scenario_name[SC_COUNT] = {"main", "rollback", "twice",
                                                    "twice-rollback"};

/* v2 fails its self-test and is rolled back. */
static bool is_rollback(enum scenario sc)
{
    return sc == SC_ROLLBACK || sc == SC_TWICE_ROLLBACK;
}

/* The recovery after the first cut is cut again. */
static bool is_twice(enum scenario sc)
{
    return sc == SC_TWICE || sc == SC_TWICE_ROLLBACK;
}
static const char *const mode_name[3] = {"before", "after", "torn"};

enum start { ST_RECORD = 0, ST_NO_RECORD, ST_HALF_SLOT, ST_TRIAL, ST_TRIAL_FORCED, ST_COUNT };
static const char *const start_name[ST_COUNT] = {"record", "no-record", "half-slot", "trial",
                                                 "trial-forced"};

/* The bootloader: the core's full choice or the shipped ESP8266 loader's. */
enum chooser { CH_CORE = 0, CH_LOADER, CH_COUNT };
static const char *const chooser_name[CH_COUNT] = {"core", "crc32"};

/* What a flash operation belonged to, for the coverage counts. */
enum phase {
    PH_SLOT = 0,      /* erase/write of the new image in slot 2 */
    PH_JOURNAL,       /* the engine's progress journal */
    PH_UPDATE_REC,    /* the updater's record writes (target zeroed; next boot: slot 2) */
    PH_V1_REC,        /* v1 confirms itself, or teaches the record its image */
    PH_TRIAL_REC,     /* bootloader: trial attempt used */
    PH_ROLLBACK_REC,  /* bootloader: rollback to slot 1 */
    PH_OTHER_BOOT_REC,/* bootloader: any other record write */
    PH_CONFIRM_REC,   /* v2's confirm */
    PH_COUNT
};
static const char *const phase_name[PH_COUNT] = {
    "slot", "journal", "update-rec", "v1-rec", "trial-rec", "rollback-rec", "boot-rec",
    "confirm-rec"};

/* ---- configurations ---------------------------------------------------- */

struct config {
    char name[48];
    struct abota_layout layout;
    bool prior_v0;     /* slot 2 starts with v0, known to the record */
    uint32_t seq0;     /* sequence number of the starting record */
    bool secure;       /* images carry security versions (v0 0, v1 1, v2 2) */
};

/* 1 MiB, 64 KiB sectors: bootloader, two 384 KiB slots, two record sectors,
 * the journal. */
static const struct abota_layout layout_64k = {
    .name = "nor64k-384+384",
    .flash_size = 0x100000u,
    .sector_size = 0x10000u,
    .write_align = 4u,
    .slot = {{0x010000u, 0x060000u}, {0x070000u, 0x060000u}},
    .bootrec = {0x0D0000u, 0x0E0000u},
    .journal = 0x0F0000u,
};

#define NCONFIGS 9
static struct config configs[NCONFIGS];

static void make_configs(void)
{
    static const uint32_t aligns[3] = {1, 4, 16};
    static const uint32_t seqs[3] = {1u, 0xFFFFFFFEu, 0x7FFFFFFFu};
    const struct abota_layout *base[3] = {abota_layout_find("esp8266-1024+1024"),
                                          abota_layout_find("esp8266-512+512"), &layout_64k};
    unsigned i = 0;
    for (unsigned b = 0; b < 3; b++) {
        for (unsigned a = 0; a < 3; a++, i++) {
            struct config *c = &configs[i];
            c->layout = *base[b];
            c->layout.write_align = aligns[a];
            snprintf(c->name, sizeof c->name, "%s/a%u", base[b]->name, (unsigned)aligns[a]);
            c->layout.name = c->name;
            c->prior_v0 = b == 1;
            c->seq0 = seqs[a];
            /* Records of format 1 (alignment 1) and 2 (the others). */
            c->secure = a != 0;
        }
    }
}

/* ---- one run's parameters and state ----------------------------------- */

struct cut {
    uint32_t n;   /* 0: no cut */
    enum abota_posix_cut_mode mode;
    uint64_t seed;
};

struct spec {
    const struct config *cfg;
    enum scenario sc;
    enum chooser ch;
    struct cut first, second; /* second: relative to the reopen after the first */
};

/* Distinct flash states at a cut: a set of 64-bit hashes. */
#define STATES_CAP (1u << 20)
struct state_set {
    uint64_t *slot; /* 0: empty */
    unsigned long count;
};

/* Per configuration and start state: images and the pristine flash. */
struct world {
    const struct config *cfg;
    enum start start;
    uint8_t img0[IMG_CAP], img1[IMG_CAP], img2[IMG_CAP];
    uint32_t len0, len1, len2;
    uint32_t sv1, sv2;          /* security versions of v1 and v2 */
    uint8_t *pristine;
    uint8_t *dirty; /* one byte per sector */
    uint32_t nsectors;
    char path[256];
    struct state_set states[CH_COUNT];
};

struct dev {
    struct world *w;
    const struct spec *sp;
    struct abota_posix_flash pf;
    enum phase phase;           /* what the next flash ops belong to */
    uint8_t *op_phase;          /* uncut run: the phase of each op (or NULL) */
    uint32_t ops_total;         /* writes/erases over all power cycles */
    unsigned cuts_fired;
    bool second_armed;
    unsigned boots;
    unsigned resumed;           /* update runs that resumed from the journal */
    uint32_t floor_seen;        /* highest security floor a boot has read */
    char why[512];
};

static int mark(struct abota_posix_flash *pf, void *arg, enum abota_posix_flash_op op,
                uint32_t addr, size_t len)
{
    struct dev *d = arg;
    (void)pf;
    if (op == ABOTA_POSIX_OP_READ)
        return 0;
    uint32_t ss = d->w->cfg->layout.sector_size;
    for (uint32_t s = addr / ss; s <= (uint32_t)((addr + len - 1) / ss) && s < d->w->nsectors; s++)
        d->w->dirty[s] = 1;
    /* Ops are counted across power cycles; pf->ops restarts at each open. */
    uint32_t idx = d->ops_total + pf->ops - 1;
    const struct abota_layout *l = &d->w->cfg->layout;
    enum phase ph = d->phase;
    if (ph == PH_SLOT && (addr - l->bootrec[0] < ss || addr - l->bootrec[1] < ss))
        ph = PH_UPDATE_REC;
    if (ph == PH_SLOT && l->journal && addr - l->journal < ss)
        ph = PH_JOURNAL;
    if (d->op_phase && idx < MAX_OPS)
        d->op_phase[idx] = (uint8_t)ph;
    return 0;
}

__attribute__((format(printf, 2, 3))) static int fail(struct dev *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->why, sizeof d->why, fmt, ap);
    va_end(ap);
    return -1;
}

/* The flash file of the configuration in use, removed on every exit. */
static char flash_path[256];

static void remove_flash(void)
{
    if (flash_path[0])
        unlink(flash_path);
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fault: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* ---- distinct states ---------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

/* Adds h to the set; true when it was new. */
static bool states_add(struct state_set *set, uint64_t h)
{
    if (!set->slot && !(set->slot = calloc(STATES_CAP, sizeof *set->slot)))
        die("out of memory");
    if (h == 0)
        h = 1;
    if (set->count >= STATES_CAP / 2)
        die("more than %u distinct states", STATES_CAP / 2);
    for (uint64_t i = h & (STATES_CAP - 1);; i = (i + 1) & (STATES_CAP - 1)) {
        if (set->slot[i] == h)
            return false;
        if (set->slot[i] == 0) {
            set->slot[i] = h;
            set->count++;
            return true;
        }
    }
}

/* The flash as the cut left it: every sector that differs from the start,
 * with its index (a sector rewritten to its old bytes counts as unchanged). */
static void note_state(struct dev *d)
{
    struct world *w = d->w;
    const uint32_t ss = w->cfg->layout.sector_size;
    static uint8_t buf[0x10000];
    uint64_t h = 0xCBF29CE484222325ull;
    for (uint32_t s = 0; s < w->nsectors; s++) {
        if (!w->dirty[s])
            continue;
        /* The file itself: the port is off and refuses reads now. */
        if (pread(d->pf._fd, buf, ss, (off_t)s * ss) != (ssize_t)ss)
            die("read sector %u: %s", (unsigned)s, strerror(errno));
        if (memcmp(buf, w->pristine + (size_t)s * ss, ss) == 0)
            continue;
        h = fnv1a(h, &s, sizeof s);
        h = fnv1a(h, buf, ss);
    }
    states_add(&w->states[d->sp->ch], h);
}

/* ---- the flash --------------------------------------------------------- */

static int flash_open(struct dev *d)
{
    const struct abota_layout *l = &d->w->cfg->layout;
    int rc = abota_posix_flash_open(&d->pf, d->w->path, l->flash_size, l->sector_size,
                                    l->write_align, 0);
    if (rc < 0)
        die("cannot open %s: %s", d->w->path, abota_strerror(rc));
    d->pf.hook = mark;
    d->pf.hook_arg = d;
    return 0;
}

/* The power comes back: what the flash holds stays, the device restarts.
 * Arms the second cut, if any, on the first reopen. */
static void power_cycle(struct dev *d)
{
    if (d->pf.off) {
        d->cuts_fired++;
        note_state(d);
    }
    d->ops_total += d->pf.ops;
    abota_posix_flash_close(&d->pf);
    flash_open(d);
    if (d->second_armed && d->cuts_fired >= 1) {
        abota_posix_flash_cut(&d->pf, d->sp->second.n, d->sp->second.mode, d->sp->second.seed);
        d->second_armed = false;
    }
}

/* When set, every run first checks that the whole flash file equals the
 * pristine copy (that restore() missed nothing). */
static bool paranoid;

static void check_pristine(const struct world *w)
{
    static uint8_t buf[1u << 16];
    int fd = open(w->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open %s: %s", w->path, strerror(errno));
    for (uint32_t off = 0; off < w->cfg->layout.flash_size; off += sizeof buf) {
        if (pread(fd, buf, sizeof buf, (off_t)off) != (ssize_t)sizeof buf)
            die("read %s", w->path);
        if (memcmp(buf, w->pristine + off, sizeof buf) != 0)
            die("flash not restored near 0x%x (harness bug)", (unsigned)off);
    }
    close(fd);
}

/* Puts back the sectors the last run touched. */
static void restore(struct world *w)
{
    int fd = open(w->path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die("open %s: %s", w->path, strerror(errno));
    uint32_t ss = w->cfg->layout.sector_size;
    for (uint32_t s = 0; s < w->nsectors; s++) {
        if (!w->dirty[s])
            continue;
        if (pwrite(fd, w->pristine + (size_t)s * ss, ss, (off_t)s * ss) != (ssize_t)ss)
            die("restore: %s", strerror(errno));
        w->dirty[s] = 0;
    }
    close(fd);
    if (paranoid)
        check_pristine(w);
}

/* ---- the server --------------------------------------------------------- */

/* A net port that answers like a static file server (nginx, abota serve)
 * for v2: the request decides the answer. "Range: bytes=-256" gets the
 * footer (206); "Range: bytes=N-" with an If-Range equal to the ETag the
 * rest from N (206); anything else the whole image (200). Every answer
 * carries the strong ETag, so the engine journals its progress. */
struct server {
    struct abota_net port;
    const uint8_t *img;
    uint32_t len;
    char req[1024];
    size_t req_len;
    char head[320];
    size_t head_len, pos;
    uint32_t body_from, body_to; /* [from, to) of img after the head */
    bool open, answered;
};

static int srv_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct server *s = ctx;
    (void)host, (void)port, (void)timeout_ms;
    s->open = true;
    s->answered = false;
    s->req_len = 0;
    return 0;
}

static int srv_send(void *ctx, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct server *s = ctx;
    (void)timeout_ms;
    size_t n = len < sizeof s->req - 1 - s->req_len ? len : sizeof s->req - 1 - s->req_len;
    memcpy(s->req + s->req_len, buf, n);
    s->req_len += n;
    s->req[s->req_len] = '\0';
    return (int)len;
}

/* The value of a request header (case as the engine sends it), or NULL. */
static const char *req_header(const struct server *s, const char *name)
{
    const char *p = strstr(s->req, name);
    return p ? p + strlen(name) : NULL;
}

static void srv_answer(struct server *s)
{
    const char *range = req_header(s, "\r\nRange: bytes=");
    const char *if_range = req_header(s, "\r\nIf-Range: ");
    uint32_t from = 0, to = s->len;
    bool partial = false;
    if (range && range[0] == '-') {
        from = s->len - (uint32_t)strtoul(range + 1, NULL, 10);
        partial = true;
    } else if (range) {
        from = (uint32_t)strtoul(range, NULL, 10);
        partial = if_range && strncmp(if_range, ETAG "\r\n", strlen(ETAG) + 2) == 0 &&
                  from < s->len;
        if (!partial)
            from = 0;
    }
    int h;
    if (partial)
        h = snprintf(s->head, sizeof s->head,
                     "HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\n"
                     "ETag: " ETAG "\r\nContent-Range: bytes %u-%u/%u\r\n"
                     "Content-Length: %u\r\n\r\n",
                     (unsigned)from, (unsigned)(to - 1), (unsigned)s->len, (unsigned)(to - from));
    else
        h = snprintf(s->head, sizeof s->head,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                     "ETag: " ETAG "\r\nContent-Length: %u\r\n\r\n",
                     (unsigned)s->len);
    if (h < 0 || (size_t)h >= sizeof s->head)
        die("response head too long");
    s->head_len = (size_t)h;
    s->body_from = from;
    s->body_to = to;
    s->pos = 0;
    s->answered = true;
}

static int srv_recv(void *ctx, void *buf, size_t len, uint32_t timeout_ms)
{
    struct server *s = ctx;
    (void)timeout_ms;
    if (!s->open || !strstr(s->req, "\r\n\r\n"))
        return ABOTA_ERR_NET_RECV;
    if (!s->answered)
        srv_answer(s);
    size_t total = s->head_len + (s->body_to - s->body_from);
    if (s->pos >= total)
        return 0;
    size_t n = total - s->pos;
    if (n > len)
        n = len;
    if (n > NET_CHUNK)
        n = NET_CHUNK;
    for (size_t i = 0; i < n; i++, s->pos++)
        ((uint8_t *)buf)[i] = s->pos < s->head_len
                                  ? (uint8_t)s->head[s->pos]
                                  : s->img[s->body_from + (s->pos - s->head_len)];
    return (int)n;
}

static void srv_close(void *ctx)
{
    struct server *s = ctx;
    s->open = false;
}

static void server_init(struct server *s, const uint8_t *img, uint32_t len)
{
    memset(s, 0, sizeof *s);
    s->img = img;
    s->len = len;
    s->port = (struct abota_net){.ctx = s,
                                 .connect = srv_connect,
                                 .send = srv_send,
                                 .recv = srv_recv,
                                 .close = srv_close};
}

/* ---- the starting flash ------------------------------------------------- */

/* Writes img into slot through the port, bypassing the slot writer. */
static void put_image(struct abota_posix_flash *pf, const struct abota_layout *l, int slot,
                      const uint8_t *img, uint32_t len)
{
    const struct abota_region *r = abota_layout_slot(l, slot);
    for (uint32_t a = 0; a < len; a += l->sector_size)
        if (abota_flash_erase(&pf->port, r->offset + a) != 0)
            die("setup erase");
    /* Image lengths are multiples of 16, so of every write alignment. */
    if (abota_flash_write(&pf->port, r->offset, img, len) != 0)
        die("setup write");
}

static void world_init(struct world *w, const struct config *cfg, enum start st, const char *dir)
{
    const struct abota_layout *l = &cfg->layout;
    w->cfg = cfg;
    w->start = st;
    memset(w->states, 0, sizeof w->states);
    if (abota_layout_check(l) != 0)
        die("layout %s does not check", cfg->name);
    w->len0 = testimg_build_esp(w->img0, IMG_CAP, V0_PAYLOAD, 100, ABOTA_SLOT_2, V0);
    w->len1 = testimg_build_esp(w->img1, IMG_CAP, V1_PAYLOAD, 101, ABOTA_SLOT_1, V1);
    w->len2 = testimg_build_esp(w->img2, IMG_CAP, V2_PAYLOAD, 102, ABOTA_SLOT_2, V2);
    w->sv1 = cfg->secure ? 1u : 0u;
    w->sv2 = cfg->secure ? 2u : 0u;
    testimg_set_security(w->img1, w->len1, w->sv1);
    testimg_set_security(w->img2, w->len2, w->sv2);

    snprintf(w->path, sizeof w->path, "%s/abota-fault-%ld.flash", dir, (long)getpid());
    snprintf(flash_path, sizeof flash_path, "%s", w->path);
    struct abota_posix_flash pf;
    int rc = abota_posix_flash_open(&pf, w->path, l->flash_size, l->sector_size, l->write_align,
                                    ABOTA_POSIX_FLASH_CREATE);
    if (rc < 0)
        die("cannot create %s: %s", w->path, abota_strerror(rc));
    put_image(&pf, l, ABOTA_SLOT_1, w->img1, w->len1);
    struct abota_bootrec r;
    memset(&r, 0, sizeof r);
    r.seq = cfg->seq0;
    r.active = ABOTA_SLOT_1;
    r.trial = ABOTA_TRIAL_NONE;
    r.slot[0] =
        (struct abota_slot_record){w->len1, abota_crc32_update(0, w->img1, w->len1), V1, w->sv1};
    /* v1 confirmed: the floor is its security version; in trial, the
     * previous image's (0), raised when v1 confirms. */
    r.security_floor = st == ST_TRIAL || st == ST_TRIAL_FORCED ? 0 : w->sv1;
    if (cfg->prior_v0 && st != ST_HALF_SLOT && st != ST_TRIAL && st != ST_TRIAL_FORCED) {
        put_image(&pf, l, ABOTA_SLOT_2, w->img0, w->len0);
        r.slot[1] =
            (struct abota_slot_record){w->len0, abota_crc32_update(0, w->img0, w->len0), V0, 0};
    }
    if (st == ST_HALF_SLOT)
        put_image(&pf, l, ABOTA_SLOT_2, w->img2, HALF_SLOT_BYTES);
    if (st == ST_TRIAL || st == ST_TRIAL_FORCED) {
        r.trial = ABOTA_TRIAL_TESTING;
        r.attempts_left = 1;
    }
    if (st != ST_NO_RECORD && abota_bootrec_write(&pf.port, l, &r) != 0)
        die("setup record");
    abota_posix_flash_close(&pf);

    w->nsectors = l->flash_size / l->sector_size;
    w->pristine = malloc(l->flash_size);
    w->dirty = calloc(w->nsectors, 1);
    if (!w->pristine || !w->dirty)
        die("out of memory");
    int fd = open(w->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || pread(fd, w->pristine, l->flash_size, 0) != (ssize_t)l->flash_size)
        die("read %s", w->path);
    close(fd);
}

static void world_free(struct world *w)
{
    unlink(w->path);
    free(w->pristine);
    free(w->dirty);
    for (int c = 0; c < CH_COUNT; c++)
        free(w->states[c].slot);
}

/* ---- the device -------------------------------------------------------- */

/* Checks what the bootloader is about to start, without trusting it: the
 * slot's bytes must be exactly v1 (slot 1) or v2 (slot 2) and verify again. */
static int check_boot(struct dev *d, int slot, enum abota_boot_reason reason)
{
    const struct world *w = d->w;
    const struct abota_layout *l = &w->cfg->layout;
    if (slot != ABOTA_SLOT_1 && slot != ABOTA_SLOT_2)
        return fail(d, "boot %u: bootloader chose slot %d", d->boots, slot);
    const uint8_t *want = slot == ABOTA_SLOT_1 ? w->img1 : w->img2;
    uint32_t len = slot == ABOTA_SLOT_1 ? w->len1 : w->len2;
    uint32_t ver = slot == ABOTA_SLOT_1 ? V1 : V2;
    static uint8_t buf[IMG_CAP];
    uint32_t addr = abota_layout_slot(l, slot)->offset;
    int rc = abota_flash_read(&d->pf.port, addr, buf, len);
    if (rc < 0)
        return fail(d, "boot %u: reading slot %d: %s", d->boots, slot, abota_strerror(rc));
    if (memcmp(buf, want, len) != 0)
        return fail(d, "boot %u: slot %d chosen (reason %d) but its bytes are not v%d", d->boots,
                    slot, (int)reason, slot);
    struct abota_image_info info;
    rc = abota_image_verify_flash(&d->pf.port, addr, len, &info);
    if (rc < 0 || info.footer.version != ver)
        return fail(d, "boot %u: slot %d does not verify: %s", d->boots, slot,
                    abota_strerror(rc));
    return 0;
}

/* The phase of a bootloader record write, by what the choice decided. */
static enum phase boot_phase(enum abota_boot_reason reason)
{
    if (reason == ABOTA_BOOT_TRIAL)
        return PH_TRIAL_REC;
    if (reason == ABOTA_BOOT_ROLLBACK)
        return PH_ROLLBACK_REC;
    return PH_OTHER_BOOT_REC;
}

/* The bootloader: chooses and writes the record its choice implies.
 * Returns 0, ABOTA_ERR_BOOT_NOTHING or a record write error; *slot is the
 * slot to start when there is one. The loader's choice decides and writes
 * in one call: its record writes are marked with the phase the reason
 * implies once it is known (the uncut run's count is what matters). */
static int bootloader(struct dev *d, int *slot, enum abota_boot_reason *reason)
{
    const struct abota_layout *l = &d->w->cfg->layout;
    struct abota_flash *f = &d->pf.port;
    *slot = 0;
    if (d->sp->ch == CH_LOADER) {
        uint32_t before = d->ops_total + d->pf.ops;
        d->phase = PH_OTHER_BOOT_REC;
        int rc = abota_loader_choose(f, l, slot, reason);
        if (d->op_phase && *slot)
            for (uint32_t i = before; i < d->ops_total + d->pf.ops && i < MAX_OPS; i++)
                d->op_phase[i] = (uint8_t)boot_phase(*reason);
        return rc;
    }
    struct abota_boot_decision bd;
    int rc = abota_boot_choose(f, l, &bd);
    if (rc < 0)
        return rc;
    *slot = bd.slot;
    *reason = bd.reason;
    d->phase = boot_phase(bd.reason);
    return abota_boot_apply(f, l, &bd);
}

/* v1's update: one run of the engine against the server. */
static int run_update(struct dev *d, bool forced)
{
    static struct server srv;
    static struct fakeclock clk;
    static uint8_t buf[UPDATE_BUF];
    struct abota_update u;
    fakeclock_init(&clk, 1000u, 1u);
    server_init(&srv, d->w->img2, d->w->len2);
    struct abota_update_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.url = "http://fw.example:8080/user%d.bin";
    cfg.journal_every = 1; /* a checkpoint every sector */
    cfg.max_attempts = 1;  /* the device's next boot is the retry */
    cfg.allow_unconfirmed = forced;
    int rc = abota_update_init(&u, &cfg, &d->pf.port, &d->w->cfg->layout, &srv.port, &clk.port,
                               buf, sizeof buf);
    if (rc < 0)
        return rc;
    d->phase = PH_SLOT;
    rc = abota_update_run(&u, ABOTA_SLOT_1);
    if (u.resumed_at)
        d->resumed++;
    return rc;
}

enum outcome { RUNNING = 0, REBOOT, POWER_LOST, DONE };

/* v1 runs: it confirms itself when the record does not say it is good
 * (no record, no entry for it, a trial), as the example does after its
 * self-test; with trial-forced it updates without confirming. */
static int v1_runs(struct dev *d, enum outcome *out)
{
    const struct abota_layout *l = &d->w->cfg->layout;
    struct abota_flash *f = &d->pf.port;
    struct abota_bootrec r;
    int rc = abota_bootrec_read(f, l, &r, NULL);
    bool has_rec = rc == 0;
    if (rc < 0 && rc != ABOTA_ERR_BOOTREC_NONE)
        return fail(d, "boot %u: v1 cannot read the record: %s", d->boots, abota_strerror(rc));
    if (has_rec && is_rollback(d->sp->sc) && (r.flags & ABOTA_BOOTREC_ROLLED_BACK)) {
        *out = DONE;
        return 0;
    }
    bool forced = d->w->start == ST_TRIAL_FORCED;
    if (!forced && has_rec && r.trial != ABOTA_TRIAL_NONE) {
        /* Unconfirmed: the engine refuses before touching anything. */
        uint32_t ops = d->pf.ops;
        rc = run_update(d, false);
        if (rc != ABOTA_ERR_UP_UNCONFIRMED || d->pf.ops != ops)
            return fail(d, "boot %u: update from an unconfirmed v1: %s after %u flash ops",
                        d->boots, abota_strerror(rc), (unsigned)(d->pf.ops - ops));
    }
    if (!forced && (!has_rec || r.slot[0].length == 0 || r.trial != ABOTA_TRIAL_NONE)) {
        d->phase = PH_V1_REC;
        rc = abota_boot_confirm(f, l, ABOTA_SLOT_1);
        if (d->pf.off) {
            *out = POWER_LOST;
            return 0;
        }
        if (rc < 0)
            return fail(d, "boot %u: v1 cannot confirm: %s", d->boots, abota_strerror(rc));
    }
    rc = run_update(d, forced);
    if (d->pf.off) {
        *out = POWER_LOST;
        return 0;
    }
    if (rc < 0)
        return fail(d, "boot %u: update failed: %s", d->boots, abota_strerror(rc));
    *out = REBOOT;
    return 0;
}

/* Anti-rollback under cuts: the floor a boot reads never goes down, and
 * never passes the security version of an image that confirmed. */
static int check_floor(struct dev *d)
{
    struct abota_bootrec r;
    if (abota_bootrec_read(&d->pf.port, &d->w->cfg->layout, &r, NULL) < 0)
        return 0;
    uint32_t max = is_rollback(d->sp->sc) ? d->w->sv1 : d->w->sv2;
    if (r.security_floor < d->floor_seen || r.security_floor > max)
        return fail(d, "boot %u: security floor %u after %u (at most %u)", d->boots,
                    (unsigned)r.security_floor, (unsigned)d->floor_seen, (unsigned)max);
    d->floor_seen = r.security_floor;
    return 0;
}

/* One boot: bootloader, then the firmware's work. */
static int boot_once(struct dev *d, enum outcome *out, int *ran_slot)
{
    const struct abota_layout *l = &d->w->cfg->layout;
    struct abota_flash *f = &d->pf.port;
    d->boots++;
    if (check_floor(d) < 0)
        return -1;
    int slot;
    enum abota_boot_reason reason;
    int rc = bootloader(d, &slot, &reason);
    if (d->pf.off) {
        *out = POWER_LOST;
        return 0;
    }
    if (rc < 0)
        return fail(d, "boot %u: bootloader: %s", d->boots, abota_strerror(rc));
    if (check_boot(d, slot, reason) < 0)
        return -1;
    *ran_slot = slot;
    if (slot == ABOTA_SLOT_1)
        return v1_runs(d, out);

    /* v2 runs. */
    if (is_rollback(d->sp->sc)) {
        *out = REBOOT; /* its self-test fails: it restarts without confirming */
        return 0;
    }
    d->phase = PH_CONFIRM_REC;
    rc = abota_boot_confirm(f, l, ABOTA_SLOT_2);
    if (d->pf.off) {
        *out = POWER_LOST;
        return 0;
    }
    if (rc < 0)
        return fail(d, "boot %u: confirm failed: %s", d->boots, abota_strerror(rc));
    *out = DONE;
    return 0;
}

/* After DONE: a cold boot must start the end state, with nothing to write. */
static int check_end(struct dev *d)
{
    const struct abota_layout *l = &d->w->cfg->layout;
    int want = is_rollback(d->sp->sc) ? ABOTA_SLOT_1 : ABOTA_SLOT_2;
    d->boots++;
    int slot;
    enum abota_boot_reason reason;
    uint32_t ops = d->pf.ops;
    int rc = bootloader(d, &slot, &reason);
    if (rc < 0)
        return fail(d, "end: bootloader: %s", abota_strerror(rc));
    if (check_boot(d, slot, reason) < 0)
        return -1;
    if (slot != want || reason != ABOTA_BOOT_NORMAL || d->pf.ops != ops)
        return fail(d, "end: boots slot %d (reason %d, %u flash ops), want slot %d confirmed",
                    slot, (int)reason, (unsigned)(d->pf.ops - ops), want);
    struct abota_bootrec r;
    rc = abota_bootrec_read(&d->pf.port, l, &r, NULL);
    if (rc < 0)
        return fail(d, "end: no record: %s", abota_strerror(rc));
    if (r.active != want || r.trial != ABOTA_TRIAL_NONE)
        return fail(d, "end: record active %d trial %d", r.active, r.trial);
    if (is_rollback(d->sp->sc) &&
        (!(r.flags & ABOTA_BOOTREC_ROLLED_BACK) || r.failed_slot != ABOTA_SLOT_2))
        return fail(d, "end: rolled back but record flags 0x%02x failed_slot %d", r.flags,
                    r.failed_slot);
    if (r.slot[want - 1].version != (want == ABOTA_SLOT_1 ? V1 : V2))
        return fail(d, "end: record has version 0x%08x for slot %d",
                    (unsigned)r.slot[want - 1].version, want);
    /* The floor is the confirmed image's security version: v2's, or v1's
     * after a rollback (v2 never confirmed, so it never raised it), or
     * still 0 when v1 was forced out of its trial and never confirmed. */
    uint32_t sv = want == ABOTA_SLOT_1 ? d->w->sv1 : d->w->sv2;
    uint32_t floor = want == ABOTA_SLOT_1 && d->w->start == ST_TRIAL_FORCED ? 0 : sv;
    if (r.slot[want - 1].security != sv || r.security_floor != floor)
        return fail(d, "end: record security %u, floor %u, want %u and %u",
                    (unsigned)r.slot[want - 1].security, (unsigned)r.security_floor,
                    (unsigned)sv, (unsigned)floor);
    return check_floor(d);
}

struct result {
    uint32_t ops;      /* flash ops of the whole run */
    unsigned fired;    /* cuts that fired */
    unsigned resumed;  /* update runs resumed from the journal */
};

/* Runs one scenario from the pristine flash. Returns 0 or -1 (d->why). */
static int run(struct world *w, const struct spec *sp, uint8_t *op_phase, struct result *res)
{
    static struct dev d;
    memset(&d, 0, sizeof d);
    d.w = w;
    d.sp = sp;
    d.op_phase = op_phase;
    d.second_armed = sp->second.n != 0;
    restore(w);
    flash_open(&d);
    if (sp->first.n)
        abota_posix_flash_cut(&d.pf, sp->first.n, sp->first.mode, sp->first.seed);

    int rc = 0;
    bool updated = false; /* the updater's record is on flash: v2 must boot next */
    for (;;) {
        if (d.boots >= MAX_BOOTS) {
            rc = fail(&d, "no end state after %u boots", d.boots);
            break;
        }
        enum outcome out = RUNNING;
        int slot = 0;
        rc = boot_once(&d, &out, &slot);
        if (rc < 0)
            break;
        if (updated && out != POWER_LOST && slot != ABOTA_SLOT_2) {
            rc = fail(&d, "boot %u: the update's record was written, but slot %d booted",
                      d.boots, slot);
            break;
        }
        if (out != POWER_LOST)
            updated = false;
        if (out == POWER_LOST) {
            power_cycle(&d);
        } else if (out == REBOOT) {
            updated = slot == ABOTA_SLOT_1;
        } else if (out == DONE) {
            /* A cut still armed but never reached is no cut: no power cycle. */
            rc = check_end(&d);
            break;
        }
    }
    if (d.pf.off) {
        d.cuts_fired++;
        note_state(&d);
    }
    d.ops_total += d.pf.ops;
    abota_posix_flash_close(&d.pf);
    res->ops = d.ops_total;
    res->fired = d.cuts_fired;
    res->resumed = d.resumed;
    if (rc < 0)
        fprintf(stdout, "FAIL %s start %s loader %s scenario %s cut %u mode %s seed %" PRIu64
                        " second %u %s %" PRIu64 ": %s\n  reproduce: --config %s --start %s"
                        " --loader %s --scenario %s --cut %u --mode %s --seed %" PRIu64
                        " --second %u --second-mode %s --second-seed %" PRIu64 "\n",
                w->cfg->name, start_name[w->start], chooser_name[sp->ch], scenario_name[sp->sc],
                (unsigned)sp->first.n, mode_name[sp->first.mode], sp->first.seed,
                (unsigned)sp->second.n, mode_name[sp->second.mode], sp->second.seed, d.why,
                w->cfg->name, start_name[w->start], chooser_name[sp->ch], scenario_name[sp->sc],
                (unsigned)sp->first.n, mode_name[sp->first.mode], sp->first.seed,
                (unsigned)sp->second.n, mode_name[sp->second.mode], sp->second.seed);
    return rc;
}

/* ---- driver ------------------------------------------------------------ */

struct opts {
    const char *config;   /* NULL: all */
    int scenario;         /* -1: all */
    int start;            /* -1: all */
    int chooser;          /* -1: both */
    uint32_t cut;         /* 0: all */
    int mode;             /* -1: all */
    int64_t seed;         /* -1: the harness's seeds */
    uint32_t second;
    int second_mode;
    uint64_t second_seed;
    unsigned stride;      /* --sample: every stride-th op */
    const char *dir;
};

static uint64_t seed_for(unsigned cfg_i, enum scenario sc, uint32_t n, unsigned j)
{
    return ((uint64_t)(cfg_i + 1) << 40) ^ ((uint64_t)sc << 32) ^ ((uint64_t)n << 8) ^ j;
}

static int parse_name(const char *s, const char *const *names, int count, const char *what)
{
    for (int i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    die("unknown %s %s", what, s);
    return -1;
}

static void usage(void)
{
    fputs("usage: abota_fault [--sample] [--paranoid] [--config NAME]\n"
          "                   [--start record|no-record|half-slot|trial|trial-forced]\n"
          "                   [--loader core|crc32]\n"
          "                   [--scenario main|rollback|twice|twice-rollback]\n"
          "                   [--cut N] [--mode before|torn|after] [--seed S]\n"
          "                   [--second K --second-mode M --second-seed S] [--dir DIR]\n",
          stderr);
    exit(2);
}

struct tally {
    unsigned long points[CH_COUNT], failed, resumed, unreached;
    unsigned long states[CH_COUNT];
};

/* The cuts at op n of a scenario: torn with TORN_SEEDS seeds (one when
 * sampling) and after; before only at op 1 (before op n is after op n-1).
 * twice takes TWICE_K_COUNT pairs whose modes rotate with n and k. */
static unsigned cuts_at(const struct world *w, unsigned cfg_i, enum scenario sc, uint32_t n,
                        const struct opts *o, struct spec *list)
{
    unsigned nl = 0;
    if (!is_twice(sc)) {
        for (int m = 0; m < 3; m++) {
            if (m == ABOTA_POSIX_CUT_BEFORE && n != 1)
                continue;
            unsigned seeds = m == ABOTA_POSIX_CUT_TORN && o->stride == 1 ? TORN_SEEDS : 1;
            for (unsigned j = 0; j < seeds; j++)
                list[nl++] = (struct spec){
                    .cfg = w->cfg, .sc = sc,
                    .first = {n, (enum abota_posix_cut_mode)m, seed_for(cfg_i, sc, n, j)}};
        }
        return nl;
    }
    unsigned nk = o->stride > 1 ? 2 : TWICE_K_COUNT;
    for (unsigned ki = 0; ki < nk; ki++) {
        /* the first cut torn or after (before op n is after op n-1) */
        enum abota_posix_cut_mode m1 =
            (n + ki) % 2 ? ABOTA_POSIX_CUT_TORN : ABOTA_POSIX_CUT_AFTER;
        list[nl++] = (struct spec){
            .cfg = w->cfg, .sc = sc,
            .first = {n, m1, seed_for(cfg_i, sc, n, ki)},
            .second = {twice_k[ki], (enum abota_posix_cut_mode)((n + 2 * ki + 1) % 3),
                       seed_for(cfg_i, sc, n, 16 + ki)}};
    }
    return nl;
}

/* Runs every selected cut of one scenario in one world, under each boot
 * choice. */
static void sweep(struct world *w, unsigned cfg_i, enum scenario sc, const struct opts *o,
                  struct tally *t, char *line, size_t line_size)
{
    static uint8_t op_phase[MAX_OPS];
    for (int ch = 0; ch < CH_COUNT; ch++) {
        if (o->chooser >= 0 && o->chooser != ch)
            continue;
        struct spec sp = {.cfg = w->cfg, .sc = sc, .ch = (enum chooser)ch};
        struct result res;
        memset(op_phase, 0, sizeof op_phase);
        size_t used = strlen(line);
        if (run(w, &sp, op_phase, &res) < 0) {
            t->failed++;
            snprintf(line + used, line_size - used, " %s/%s: uncut run FAILED;",
                     scenario_name[sc], chooser_name[ch]);
            continue;
        }
        uint32_t k_ops = res.ops;
        if (k_ops > MAX_OPS)
            die("%s: %u ops, more than %u", w->cfg->name, (unsigned)k_ops, MAX_OPS);
        unsigned cov[PH_COUNT] = {0};
        for (uint32_t i = 0; i < k_ops; i++)
            cov[op_phase[i]]++;

        /* A sample strides through the ops, five times wider from the
         * start states other than "record". */
        unsigned stride = o->stride > 1 && w->start != ST_RECORD ? o->stride * 5u : o->stride;
        unsigned long points = 0, failed = 0, resumed = 0, unreached = 0;
        for (uint32_t n = 1; n <= k_ops; n++) {
            if (o->cut && n != o->cut)
                continue;
            if (!o->cut && stride > 1 &&
                (n % stride) != (cfg_i + (unsigned)sc + (unsigned)w->start) % stride &&
                n != k_ops)
                continue;
            struct spec list[TWICE_K_COUNT + TORN_SEEDS + 2];
            unsigned nl = cuts_at(w, cfg_i, sc, n, o, list);
            /* Command-line filters narrow the list; a given seed (or second
             * cut) replaces the harness's, once per mode. */
            bool mode_done[3] = {false, false, false};
            for (unsigned i = 0; i < nl; i++) {
                struct spec *s = &list[i];
                s->ch = (enum chooser)ch;
                if (o->mode >= 0 && (int)s->first.mode != o->mode)
                    continue;
                if (o->seed >= 0 || (is_twice(sc) && o->second)) {
                    if (mode_done[s->first.mode])
                        continue;
                    mode_done[s->first.mode] = true;
                }
                if (o->seed >= 0)
                    s->first.seed = (uint64_t)o->seed;
                if (is_twice(sc) && o->second)
                    s->second = (struct cut){o->second, (enum abota_posix_cut_mode)o->second_mode,
                                             o->second_seed};
                int rc = run(w, s, NULL, &res);
                if (rc == 0 && res.fired < 1) {
                    printf("FAIL %s start %s loader %s scenario %s cut %u mode %s: the cut "
                           "never fired (harness out of step)\n",
                           w->cfg->name, start_name[w->start], chooser_name[ch],
                           scenario_name[sc], (unsigned)n, mode_name[s->first.mode]);
                    rc = -1;
                }
                if (rc < 0)
                    failed++;
                /* A run whose second cut was never reached was a one-cut
                 * run already counted: not a point of its own. */
                if (res.fired < (s->second.n ? 2u : 1u)) {
                    unreached++;
                    continue;
                }
                points++;
                if (res.resumed)
                    resumed++;
            }
        }
        t->points[ch] += points;
        t->failed += failed;
        t->resumed += resumed;
        t->unreached += unreached;
        t->states[ch] += w->states[ch].count;
        used = strlen(line);
        snprintf(line + used, line_size - used, "\n  %-14s %-8s %-5s K=%u (", start_name[w->start],
                 scenario_name[sc], chooser_name[ch], (unsigned)k_ops);
        bool first = true;
        for (int p = 0; p < PH_COUNT; p++) {
            if (!cov[p])
                continue;
            used = strlen(line);
            snprintf(line + used, line_size - used, "%s%s %u", first ? "" : ", ", phase_name[p],
                     cov[p]);
            first = false;
        }
        used = strlen(line);
        snprintf(line + used, line_size - used,
                 ") %lu cuts, %lu distinct states, %lu resumed, %lu failed", points,
                 w->states[ch].count, resumed, failed);
        if (unreached) {
            used = strlen(line);
            snprintf(line + used, line_size - used, " (%lu second cuts not reached)", unreached);
        }
        /* The next scenario counts its own states. */
        free(w->states[ch].slot);
        memset(&w->states[ch], 0, sizeof w->states[ch]);
    }
}

int main(int argc, char **argv)
{
    struct opts o = {.scenario = -1, .start = -1, .chooser = -1, .mode = -1, .seed = -1,
                     .second_mode = 0, .stride = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--sample") == 0) {
            o.stride = 10;
            paranoid = true;
        } else if (strcmp(a, "--paranoid") == 0) {
            paranoid = true;
        } else if (!v) {
            usage();
        } else if (strcmp(a, "--config") == 0) {
            o.config = v, i++;
        } else if (strcmp(a, "--scenario") == 0) {
            o.scenario = parse_name(v, scenario_name, SC_COUNT, "scenario"), i++;
        } else if (strcmp(a, "--start") == 0) {
            o.start = parse_name(v, start_name, ST_COUNT, "start state"), i++;
        } else if (strcmp(a, "--loader") == 0) {
            o.chooser = parse_name(v, chooser_name, CH_COUNT, "loader"), i++;
        } else if (strcmp(a, "--cut") == 0) {
            o.cut = (uint32_t)strtoul(v, NULL, 0), i++;
        } else if (strcmp(a, "--mode") == 0) {
            o.mode = parse_name(v, mode_name, 3, "mode"), i++;
        } else if (strcmp(a, "--seed") == 0) {
            o.seed = (int64_t)strtoull(v, NULL, 0), i++;
        } else if (strcmp(a, "--second") == 0) {
            o.second = (uint32_t)strtoul(v, NULL, 0), i++;
        } else if (strcmp(a, "--second-mode") == 0) {
            o.second_mode = parse_name(v, mode_name, 3, "mode"), i++;
        } else if (strcmp(a, "--second-seed") == 0) {
            o.second_seed = strtoull(v, NULL, 0), i++;
        } else if (strcmp(a, "--dir") == 0) {
            o.dir = v, i++;
        } else {
            usage();
        }
    }
    if (!o.dir) {
        struct stat st;
        o.dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : ".";
    }

    atexit(remove_flash);
    make_configs();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    static struct tally t;
    static struct world w;
    unsigned matched = 0;
    for (unsigned c = 0; c < NCONFIGS; c++) {
        if (o.config && strcmp(o.config, configs[c].name) != 0)
            continue;
        matched++;
        static char line[8192];
        snprintf(line, sizeof line, "%s:", configs[c].name);
        for (int st = 0; st < ST_COUNT; st++) {
            if (o.start >= 0 && o.start != st)
                continue;
            world_init(&w, &configs[c], (enum start)st, o.dir);
            for (int s = 0; s < SC_COUNT; s++) {
                if (o.scenario >= 0 && o.scenario != s)
                    continue;
                /* The other start states take the one-cut scenarios. */
                if (st != ST_RECORD && is_twice((enum scenario)s))
                    continue;
                sweep(&w, c, (enum scenario)s, &o, &t, line, sizeof line);
            }
            world_free(&w);
        }
        printf("%s\n", line);
        fflush(stdout);
    }
    if (!matched)
        die("no configuration named %s", o.config);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("runtime %.1f s\n", secs);
    for (int ch = 0; ch < CH_COUNT; ch++)
        if (o.chooser < 0 || o.chooser == ch)
            printf("boot choice %s: %lu cut points, %lu distinct flash states\n", chooser_name[ch],
                   t.points[ch], t.states[ch]);
    printf("%lu runs resumed from the journal; %lu runs whose second cut was not reached "
           "(not counted)\n",
           t.resumed, t.unreached);
    printf("%lu cut points, %lu failed\n", t.points[CH_CORE] + t.points[CH_LOADER], t.failed);
    return t.failed ? 1 : 0;
}
