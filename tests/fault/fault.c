/* Power-cut harness: a whole update on the simulated flash, cut at every
 * flash operation in turn.
 *
 * The scenario (one "device", driven step by step):
 *
 *   v1 confirmed in slot 1
 *     -> update to v2 (download into slot 2, verify, boot record)
 *     -> reboot -> bootloader: boot choice + record write (trial, attempt used)
 *     -> v2 runs, self-test passes -> abota_confirm
 *
 * It is first run uncut to count its flash operations (writes and erases) K.
 * Then, for each n in 1..K and each mode (power gone just before op n; op n
 * torn, with a few seeds; just after op n), it is rerun from the same
 * starting flash with the cut armed. After a cut the flash is reopened
 * (power back) and the device goes on from the bootloader: it boots, and if
 * it runs v1 it retries the update, if v2 it confirms. Every boot is checked
 * independently of the boot choice (the chosen slot's image is verified
 * again and compared byte for byte with v1 or v2), and the run must end on
 * v2 confirmed in slot 2.
 *
 * Other scenarios:
 *   rollback  v2 never passes its self-test: it boots until its trial
 *             attempts are used up and the bootloader rolls back to v1, which
 *             then stays (the record says ROLLED_BACK). Cut at every op,
 *             including the rollback's record write.
 *   twice     as main, and after the first cut a second one at the k-th op
 *             of the recovery (k sampled), so the recovery itself is cut.
 *   twice-rollback  the same for the rollback scenario.
 *
 * Configurations: layouts esp8266-1024+1024, esp8266-512+512 and one with
 * 64 KiB sectors, each with write alignment 1, 4 and 16. The 512+512 ones
 * start with an older image v0 in slot 2 that the record still knows (the
 * residue of the previous update), which must never boot again; the boot
 * record's starting sequence number differs per alignment, so its wrap from
 * 0xFFFFFFFF to 0 is crossed too.
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
#include "fakeclock.h"
#include "fakenet.h"
#include "testimg.h"

#define V0 0x00000900u /* 0.0.9 */
#define V1 0x01000000u /* 1.0.0 */
#define V2 0x02000000u /* 2.0.0 */

#define IMG_CAP (64u * 1024u)
#define V0_PAYLOAD (18u * 1024u + 5u)
#define V1_PAYLOAD (20u * 1024u + 123u)
#define V2_PAYLOAD (22u * 1024u + 77u)
#define RESP_CAP (IMG_CAP + 512u)
#define NET_CHUNK 536u   /* lwIP's default TCP MSS on the ESP8266 */
#define UPDATE_BUF 1460u
#define MAX_BOOTS 40
#define MAX_OPS 4096
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

/* What a flash operation belonged to, for the coverage counts. */
enum phase {
    PH_SLOT = 0,      /* erase/write of the new image in slot 2 */
    PH_UPDATE_REC,    /* the updater's record write (next boot: slot 2, trial) */
    PH_TRIAL_REC,     /* bootloader: trial attempt used */
    PH_ROLLBACK_REC,  /* bootloader: rollback to slot 1 */
    PH_OTHER_BOOT_REC,/* bootloader: any other record write */
    PH_CONFIRM_REC,   /* the firmware's confirm */
    PH_COUNT
};
static const char *const phase_name[PH_COUNT] = {"slot",     "update-rec",  "trial-rec",
                                                 "rollback-rec", "boot-rec", "confirm-rec"};

/* ---- configurations ---------------------------------------------------- */

struct config {
    char name[48];
    struct abota_layout layout;
    bool prior_v0;     /* slot 2 starts with v0, known to the record */
    uint32_t seq0;     /* sequence number of the starting record */
};

/* 1 MiB, 64 KiB sectors: bootloader, two 384 KiB slots, two record sectors. */
static const struct abota_layout layout_64k = {
    .name = "nor64k-384+384",
    .flash_size = 0x100000u,
    .sector_size = 0x10000u,
    .write_align = 4u,
    .slot = {{0x010000u, 0x060000u}, {0x070000u, 0x060000u}},
    .bootrec = {0x0D0000u, 0x0E0000u},
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
    struct cut first, second; /* second: relative to the reopen after the first */
};

/* Per configuration: images, the HTTP responses and the pristine flash. */
struct world {
    const struct config *cfg;
    uint8_t img0[IMG_CAP], img1[IMG_CAP], img2[IMG_CAP];
    uint32_t len0, len1, len2;
    uint8_t probe_resp[1024]; /* 206 with the footer */
    size_t probe_len;
    uint8_t image_resp[RESP_CAP];
    size_t image_len;
    uint8_t *pristine;
    uint8_t *dirty; /* one byte per sector */
    uint32_t nsectors;
    char path[256];
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
    if (d->pf.off)
        d->cuts_fired++;
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

/* ---- the images and the server ----------------------------------------- */

static size_t http_response(uint8_t *out, size_t cap, const char *status, const char *extra,
                            const uint8_t *body, size_t len)
{
    int h = snprintf((char *)out, cap,
                     "HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\n%s"
                     "Content-Length: %u\r\n\r\n",
                     status, extra, (unsigned)len);
    if (h < 0 || (size_t)h >= cap || len > cap - (size_t)h)
        die("response buffer too small");
    memcpy(out + h, body, len);
    return (size_t)h + len;
}

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

static void world_init(struct world *w, const struct config *cfg, const char *dir)
{
    const struct abota_layout *l = &cfg->layout;
    w->cfg = cfg;
    if (abota_layout_check(l) != 0)
        die("layout %s does not check", cfg->name);
    w->len0 = testimg_build(w->img0, IMG_CAP, V0_PAYLOAD, 100, ABOTA_SLOT_2, V0);
    w->len1 = testimg_build(w->img1, IMG_CAP, V1_PAYLOAD, 101, ABOTA_SLOT_1, V1);
    w->len2 = testimg_build(w->img2, IMG_CAP, V2_PAYLOAD, 102, ABOTA_SLOT_2, V2);

    /* The server honours Range: the footer probe gets a 206, the download
     * a 200 with the whole image. */
    char range[96];
    snprintf(range, sizeof range, "Content-Range: bytes %u-%u/%u\r\n",
             (unsigned)(w->len2 - ABOTA_FOOTER_SIZE), (unsigned)(w->len2 - 1), (unsigned)w->len2);
    w->probe_len = http_response(w->probe_resp, sizeof w->probe_resp, "206 Partial Content", range,
                                 w->img2 + w->len2 - ABOTA_FOOTER_SIZE, ABOTA_FOOTER_SIZE);
    w->image_len = http_response(w->image_resp, sizeof w->image_resp, "200 OK", "", w->img2,
                                 w->len2);

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
    r.slot[0] = (struct abota_slot_record){w->len1, abota_crc32_update(0, w->img1, w->len1), V1};
    if (cfg->prior_v0) {
        put_image(&pf, l, ABOTA_SLOT_2, w->img0, w->len0);
        r.slot[1] =
            (struct abota_slot_record){w->len0, abota_crc32_update(0, w->img0, w->len0), V0};
    }
    if (abota_bootrec_write(&pf.port, l, &r) != 0)
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
}

/* ---- the device -------------------------------------------------------- */

/* Checks what the bootloader is about to start, without trusting it: the
 * slot's bytes must be exactly v1 (slot 1) or v2 (slot 2) and verify again. */
static int check_boot(struct dev *d, const struct abota_boot_decision *bd)
{
    const struct world *w = d->w;
    const struct abota_layout *l = &w->cfg->layout;
    const uint8_t *want = bd->slot == ABOTA_SLOT_1 ? w->img1 : w->img2;
    uint32_t len = bd->slot == ABOTA_SLOT_1 ? w->len1 : w->len2;
    uint32_t ver = bd->slot == ABOTA_SLOT_1 ? V1 : V2;
    if (bd->slot != ABOTA_SLOT_1 && bd->slot != ABOTA_SLOT_2)
        return fail(d, "boot %u: bootloader chose slot %d", d->boots, bd->slot);
    if (bd->image.total_len != len || bd->image.kind != ABOTA_IMAGE_ABOTA ||
        bd->image.footer.version != ver)
        return fail(d, "boot %u: slot %d chosen (reason %d) with image len %u version 0x%08x, "
                       "not v%d",
                    d->boots, bd->slot, (int)bd->reason, (unsigned)bd->image.total_len,
                    (unsigned)bd->image.footer.version, bd->slot);
    static uint8_t buf[IMG_CAP];
    uint32_t addr = abota_layout_slot(l, bd->slot)->offset;
    int rc = abota_flash_read(&d->pf.port, addr, buf, len);
    if (rc < 0)
        return fail(d, "boot %u: reading slot %d: %s", d->boots, bd->slot, abota_strerror(rc));
    if (memcmp(buf, want, len) != 0)
        return fail(d, "boot %u: slot %d chosen but its bytes are not v%d", d->boots, bd->slot,
                    bd->slot);
    struct abota_image_info info;
    rc = abota_image_verify_flash(&d->pf.port, addr, len, &info);
    if (rc < 0 || info.footer.version != ver)
        return fail(d, "boot %u: slot %d does not verify: %s", d->boots, bd->slot,
                    abota_strerror(rc));
    return 0;
}

/* The firmware v1's update: one run of the engine against the fake server. */
static int run_update(struct dev *d)
{
    static struct fakenet net;
    static struct fakeclock clk;
    static uint8_t buf[UPDATE_BUF];
    struct abota_update u;
    fakeclock_init(&clk, 1000u, 1u);
    fakenet_init(&net, &clk);
    fakenet_add(&net, d->w->probe_resp, d->w->probe_len, NET_CHUNK);
    fakenet_add(&net, d->w->image_resp, d->w->image_len, NET_CHUNK);
    struct abota_update_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.url = "http://fw.example:8080/user%d.bin";
    int rc = abota_update_init(&u, &cfg, &d->pf.port, &d->w->cfg->layout, &net.port, &clk.port, buf,
                               sizeof buf);
    if (rc < 0)
        return rc;
    d->phase = PH_SLOT;
    return abota_update_run(&u, ABOTA_SLOT_1);
}

enum outcome { RUNNING = 0, REBOOT, POWER_LOST, DONE };

/* The phase of a bootloader record write, by what the choice decided. */
static enum phase boot_phase(const struct abota_boot_decision *bd)
{
    if (bd->reason == ABOTA_BOOT_TRIAL)
        return PH_TRIAL_REC;
    if (bd->reason == ABOTA_BOOT_ROLLBACK)
        return PH_ROLLBACK_REC;
    return PH_OTHER_BOOT_REC;
}

/* One boot: bootloader, then the firmware's work. */
static int boot_once(struct dev *d, enum outcome *out, int *ran_slot)
{
    const struct abota_layout *l = &d->w->cfg->layout;
    struct abota_flash *f = &d->pf.port;
    struct abota_boot_decision bd;
    d->boots++;
    int rc = abota_boot_choose(f, l, &bd);
    if (d->pf.off) {
        *out = POWER_LOST;
        return 0;
    }
    if (rc < 0)
        return fail(d, "boot %u: nothing bootable: %s", d->boots, abota_strerror(rc));
    if (check_boot(d, &bd) < 0)
        return -1;
    d->phase = boot_phase(&bd);
    rc = abota_boot_apply(f, l, &bd);
    if (d->pf.off) {
        *out = POWER_LOST;
        return 0;
    }
    if (rc < 0)
        return fail(d, "boot %u: record write failed: %s", d->boots, abota_strerror(rc));
    *ran_slot = bd.slot;

    if (bd.slot == ABOTA_SLOT_1) {
        /* v1 runs. After a rollback (rollback scenario) it stays; else it
         * updates (again). */
        struct abota_bootrec r;
        rc = abota_bootrec_read(f, l, &r, NULL);
        if (rc < 0)
            return fail(d, "boot %u: v1 cannot read the record: %s", d->boots, abota_strerror(rc));
        if (is_rollback(d->sp->sc) && (r.flags & ABOTA_BOOTREC_ROLLED_BACK)) {
            *out = DONE;
            return 0;
        }
        rc = run_update(d);
        if (d->pf.off) {
            *out = POWER_LOST;
            return 0;
        }
        if (rc < 0)
            return fail(d, "boot %u: update failed: %s", d->boots, abota_strerror(rc));
        *out = REBOOT;
        return 0;
    }
    /* v2 runs. */
    if (is_rollback(d->sp->sc)) {
        *out = REBOOT; /* its self-test fails: it restarts without confirming */
        return 0;
    }
    d->phase = PH_CONFIRM_REC;
    rc = abota_boot_confirm(f, l, bd.slot);
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
    struct abota_boot_decision bd;
    d->boots++;
    int rc = abota_boot_choose(&d->pf.port, l, &bd);
    if (rc < 0)
        return fail(d, "end: nothing bootable: %s", abota_strerror(rc));
    if (check_boot(d, &bd) < 0)
        return -1;
    if (bd.slot != want || bd.reason != ABOTA_BOOT_NORMAL || bd.write_record)
        return fail(d, "end: boots slot %d (reason %d, record write %d), want slot %d confirmed",
                    bd.slot, (int)bd.reason, (int)bd.write_record, want);
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
    return 0;
}

/* Runs one scenario from the pristine flash. Returns 0 or -1 (d->why). */
static int run(struct world *w, const struct spec *sp, uint8_t *op_phase, uint32_t *ops,
               unsigned *fired)
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
    if (d.pf.off)
        d.cuts_fired++;
    d.ops_total += d.pf.ops;
    abota_posix_flash_close(&d.pf);
    *ops = d.ops_total;
    *fired = d.cuts_fired;
    if (rc < 0)
        fprintf(stdout, "FAIL %s scenario %s cut %u mode %s seed %" PRIu64 " second %u %s %" PRIu64
                        ": %s\n  reproduce: --config %s --scenario %s --cut %u --mode %s --seed %" PRIu64
                        " --second %u --second-mode %s --second-seed %" PRIu64 "\n",
                w->cfg->name, scenario_name[sp->sc], (unsigned)sp->first.n,
                mode_name[sp->first.mode], sp->first.seed, (unsigned)sp->second.n,
                mode_name[sp->second.mode], sp->second.seed, d.why, w->cfg->name,
                scenario_name[sp->sc], (unsigned)sp->first.n, mode_name[sp->first.mode],
                sp->first.seed, (unsigned)sp->second.n, mode_name[sp->second.mode],
                sp->second.seed);
    return rc;
}

/* ---- driver ------------------------------------------------------------ */

struct opts {
    const char *config;   /* NULL: all */
    int scenario;         /* -1: all */
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

static int parse_mode(const char *s)
{
    for (int m = 0; m < 3; m++)
        if (strcmp(s, mode_name[m]) == 0)
            return m;
    die("unknown mode %s (before, torn, after)", s);
    return -1;
}

static void usage(void)
{
    fputs("usage: abota_fault [--sample] [--paranoid] [--config NAME]\n"
          "                   [--scenario main|rollback|twice|twice-rollback]\n"
          "                   [--cut N] [--mode before|torn|after] [--seed S]\n"
          "                   [--second K --second-mode M --second-seed S] [--dir DIR]\n",
          stderr);
    exit(2);
}

struct tally {
    unsigned long points, failed;
};

/* Runs every selected cut of one scenario in one configuration. */
static void sweep(struct world *w, unsigned cfg_i, enum scenario sc, const struct opts *o,
                  struct tally *t, char *line, size_t line_size)
{
    static uint8_t op_phase[MAX_OPS];
    struct spec sp = {.cfg = w->cfg, .sc = sc};
    uint32_t k_ops;
    unsigned fired;
    memset(op_phase, 0, sizeof op_phase);
    if (run(w, &sp, op_phase, &k_ops, &fired) < 0) {
        t->failed++;
        t->points++;
        snprintf(line, line_size, " %s: uncut run FAILED;", scenario_name[sc]);
        return;
    }
    if (k_ops > MAX_OPS)
        die("%s: %u ops, more than %u", w->cfg->name, (unsigned)k_ops, MAX_OPS);
    unsigned cov[PH_COUNT] = {0};
    for (uint32_t i = 0; i < k_ops; i++)
        cov[op_phase[i]]++;

    unsigned long points = 0, failed = 0;
    unsigned unfired = 0;
    for (uint32_t n = 1; n <= k_ops; n++) {
        if (o->cut && n != o->cut)
            continue;
        if (!o->cut && o->stride > 1 && (n % o->stride) != (cfg_i + (unsigned)sc) % o->stride &&
            n != k_ops)
            continue;
        /* The cuts at op n: main and rollback take every mode, torn with
         * TORN_SEEDS seeds (one when sampling); twice takes TWICE_K_COUNT
         * pairs whose modes rotate with n and k. */
        struct spec list[TWICE_K_COUNT + TORN_SEEDS + 2];
        unsigned nl = 0;
        if (!is_twice(sc)) {
            for (int m = 0; m < 3; m++) {
                unsigned seeds = m == ABOTA_POSIX_CUT_TORN ? TORN_SEEDS : 1;
                if (o->stride > 1)
                    seeds = 1;
                for (unsigned j = 0; j < seeds; j++)
                    list[nl++] = (struct spec){
                        .cfg = w->cfg, .sc = sc,
                        .first = {n, (enum abota_posix_cut_mode)m, seed_for(cfg_i, sc, n, j)}};
            }
        } else {
            unsigned nk = o->stride > 1 ? 2 : TWICE_K_COUNT;
            for (unsigned ki = 0; ki < nk; ki++) {
                uint32_t k = twice_k[ki];
                list[nl++] = (struct spec){
                    .cfg = w->cfg, .sc = sc,
                    .first = {n, (enum abota_posix_cut_mode)((n + ki) % 3),
                              seed_for(cfg_i, sc, n, ki)},
                    .second = {k, (enum abota_posix_cut_mode)((n + 2 * ki + 1) % 3),
                               seed_for(cfg_i, sc, n, 16 + ki)}};
            }
        }
        /* Command-line filters narrow the list; a given seed (or second
         * cut) replaces the harness's, once per mode. */
        bool mode_done[3] = {false, false, false};
        for (unsigned i = 0; i < nl; i++) {
            struct spec *s = &list[i];
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
            uint32_t ops;
            unsigned nf;
            int rc = run(w, s, NULL, &ops, &nf);
            points++;
            if (rc == 0 && nf < 1) {
                printf("FAIL %s scenario %s cut %u mode %s: the cut never fired "
                       "(harness out of step)\n",
                       w->cfg->name, scenario_name[sc], (unsigned)n, mode_name[s->first.mode]);
                rc = -1;
            }
            if (nf < (s->second.n ? 2u : 1u))
                unfired++;
            if (rc < 0)
                failed++;
        }
    }
    t->points += points;
    t->failed += failed;
    size_t used = strlen(line);
    snprintf(line + used, line_size - used, " %s K=%u (", scenario_name[sc], (unsigned)k_ops);
    for (int p = 0; p < PH_COUNT; p++) {
        if (!cov[p])
            continue;
        used = strlen(line);
        snprintf(line + used, line_size - used, "%s%s %u", line[strlen(line) - 1] == '(' ? "" : ", ",
                 phase_name[p], cov[p]);
    }
    used = strlen(line);
    snprintf(line + used, line_size - used, ") %lu cuts %lu failed", points, failed);
    if (is_twice(sc)) {
        used = strlen(line);
        snprintf(line + used, line_size - used, " (%u second cuts not reached)", unfired);
    }
    used = strlen(line);
    snprintf(line + used, line_size - used, ";");
}

int main(int argc, char **argv)
{
    struct opts o = {.scenario = -1, .mode = -1, .seed = -1, .second_mode = 0, .stride = 1};
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
            o.scenario = -2;
            for (int s = 0; s < SC_COUNT; s++)
                if (strcmp(v, scenario_name[s]) == 0)
                    o.scenario = s;
            if (o.scenario < 0)
                usage();
            i++;
        } else if (strcmp(a, "--cut") == 0) {
            o.cut = (uint32_t)strtoul(v, NULL, 0), i++;
        } else if (strcmp(a, "--mode") == 0) {
            o.mode = parse_mode(v), i++;
        } else if (strcmp(a, "--seed") == 0) {
            o.seed = (int64_t)strtoull(v, NULL, 0), i++;
        } else if (strcmp(a, "--second") == 0) {
            o.second = (uint32_t)strtoul(v, NULL, 0), i++;
        } else if (strcmp(a, "--second-mode") == 0) {
            o.second_mode = parse_mode(v), i++;
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
    struct tally t = {0, 0};
    static struct world w;
    unsigned matched = 0;
    for (unsigned c = 0; c < NCONFIGS; c++) {
        if (o.config && strcmp(o.config, configs[c].name) != 0)
            continue;
        matched++;
        world_init(&w, &configs[c], o.dir);
        char line[1024];
        snprintf(line, sizeof line, "%s:", configs[c].name);
        for (int s = 0; s < SC_COUNT; s++)
            if (o.scenario < 0 || o.scenario == s)
                sweep(&w, c, (enum scenario)s, &o, &t, line, sizeof line);
        world_free(&w);
        printf("%s\n", line);
        fflush(stdout);
    }
    if (!matched)
        die("no configuration named %s", o.config);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("runtime %.1f s\n", secs);
    printf("%lu cut points, %lu failed\n", t.points, t.failed);
    return t.failed ? 1 : 0;
}
