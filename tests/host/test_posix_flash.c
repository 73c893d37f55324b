/* The file-backed NOR flash: each NOR rule, persistence across processes,
 * and power cuts (BEFORE, AFTER, TORN) at several operations, checked
 * against the RAM flash of tests/support as the reference model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abota/error.h"
#include "abota/flash.h"
#include "abota/port_posix.h"
#include "fixture.h"
#include "ramflash.h"

#define SS 4096u
#define NSECT 4u
#define SIZE (SS * NSECT)
#define ALIGN 4u

static char dir[256];
static char path[300];

static int group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/abota_flash_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/flash.bin", dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

static int test_teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void open_fresh(struct abota_posix_flash *pf)
{
    assert_int_equal(abota_posix_flash_open(pf, path, SIZE, SS, ALIGN, ABOTA_POSIX_FLASH_CREATE), 0);
}

static void open_existing(struct abota_posix_flash *pf)
{
    assert_int_equal(abota_posix_flash_open(pf, path, SIZE, SS, ALIGN, 0), 0);
}

/* Reads the whole flash through a fresh handle, as the next boot would. */
static void read_back(uint8_t *out)
{
    struct abota_posix_flash pf;
    open_existing(&pf);
    assert_int_equal(pf.port.read(pf.port.ctx, 0, out, SIZE), 0);
    abota_posix_flash_close(&pf);
}

static int all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return 0;
    return 1;
}

/* ---- NOR rules ---------------------------------------------------------- */

static void test_fresh_is_erased(void **state)
{
    (void)state;
    static uint8_t buf[SIZE];
    struct abota_posix_flash pf;
    struct stat st;
    open_fresh(&pf);
    assert_int_equal(pf.port.size, SIZE);
    assert_int_equal(pf.port.sector_size, SS);
    assert_int_equal(pf.port.write_align, ALIGN);
    memset(buf, 0, sizeof buf);
    assert_int_equal(abota_flash_read(&pf.port, 0, buf, SIZE), 0);
    assert_true(all_ff(buf, SIZE));
    abota_posix_flash_close(&pf);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, SIZE);
}

static void test_write_clears_bits_only(void **state)
{
    (void)state;
    struct abota_posix_flash pf;
    uint8_t a[8] = {0xF0, 0x0F, 0x55, 0xAA, 0x00, 0xFF, 0x12, 0x34};
    uint8_t b[8] = {0x30, 0x0F, 0x55, 0x0A, 0x00, 0xFE, 0x02, 0x24}; /* subsets of a */
    uint8_t bad[8] = {0x30, 0x0F, 0x55, 0x0A, 0x01, 0xFE, 0x02, 0x24}; /* byte 4: 0 -> 1 */
    uint8_t got[8];
    open_fresh(&pf);
    assert_int_equal(abota_flash_write(&pf.port, 64, a, 8), 0);
    assert_int_equal(abota_flash_read(&pf.port, 64, got, 8), 0);
    assert_memory_equal(got, a, 8);
    /* A second write may clear more bits... */
    assert_int_equal(abota_flash_write(&pf.port, 64, b, 8), 0);
    assert_int_equal(abota_flash_read(&pf.port, 64, got, 8), 0);
    assert_memory_equal(got, b, 8);
    /* ...but one that needs a 0 to become 1 fails and changes nothing,
     * not even the bytes before the offending one. */
    uint8_t c[8];
    memcpy(c, bad, 8);
    c[0] = 0x10; /* a valid change in the same write */
    assert_int_equal(abota_flash_write(&pf.port, 64, c, 8), ABOTA_ERR_FLASH_NOT_ERASED);
    assert_int_equal(pf.port.write(pf.port.ctx, 64, c, 8), ABOTA_ERR_FLASH_NOT_ERASED);
    assert_int_equal(abota_flash_read(&pf.port, 64, got, 8), 0);
    assert_memory_equal(got, b, 8);
    assert_int_equal(pf.writes, 2);
    abota_posix_flash_close(&pf);
}

static void test_erase_whole_sector(void **state)
{
    (void)state;
    static uint8_t pat[SIZE], got[SIZE];
    struct abota_posix_flash pf;
    open_fresh(&pf);
    fill_random(pat, SIZE, 7);
    assert_int_equal(abota_flash_write(&pf.port, 0, pat, SIZE), 0);
    assert_int_equal(abota_flash_erase(&pf.port, SS * 2), 0);
    assert_int_equal(abota_flash_read(&pf.port, 0, got, SIZE), 0);
    assert_memory_equal(got, pat, SS * 2);
    assert_true(all_ff(got + SS * 2, SS));
    assert_memory_equal(got + SS * 3, pat + SS * 3, SS);
    /* Erase needs a sector boundary, inside the device. */
    assert_int_equal(pf.port.erase(pf.port.ctx, SS + 4), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.erase(pf.port.ctx, 1), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.erase(pf.port.ctx, SIZE), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(pf.port.erase(pf.port.ctx, 0xFFFFF000u), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(abota_flash_read(&pf.port, 0, got, SIZE), 0);
    assert_memory_equal(got, pat, SS * 2);
    assert_true(all_ff(got + SS * 2, SS));
    assert_memory_equal(got + SS * 3, pat + SS * 3, SS);
    assert_int_equal(pf.erases, 1);
    assert_int_equal(pf.bytes_erased, SS);
    abota_posix_flash_close(&pf);
}

static void test_write_align_and_bounds(void **state)
{
    (void)state;
    struct abota_posix_flash pf;
    uint8_t z[16] = {0};
    uint8_t got[16];
    open_fresh(&pf);
    void *c = pf.port.ctx;
    assert_int_equal(pf.port.write(c, 2, z, 4), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.write(c, 4, z, 3), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.write(c, 4, z, 6), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.write(c, SIZE - 4, z, 8), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(pf.port.write(c, SIZE, z, 4), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(pf.port.write(c, 0xFFFFFFFCu, z, 4), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(pf.port.write(c, 4, z, (size_t)-4), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(pf.port.read(c, SIZE - 4, got, 8), ABOTA_ERR_FLASH_BOUNDS);
    assert_int_equal(pf.port.read(c, 8, got, (size_t)-1), ABOTA_ERR_FLASH_BOUNDS);
    /* Nothing was written by any of them; the last word is writable. */
    assert_int_equal(pf.writes, 0);
    assert_int_equal(pf.ops, 0);
    assert_int_equal(pf.port.read(c, 0, got, 16), 0);
    assert_true(all_ff(got, 16));
    assert_int_equal(pf.port.write(c, SIZE - 4, z, 4), 0);
    assert_int_equal(pf.port.read(c, SIZE - 4, got, 4), 0);
    assert_memory_equal(got, z, 4);
    abota_posix_flash_close(&pf);
}

static void test_read_align_optional(void **state)
{
    (void)state;
    struct abota_posix_flash pf;
    uint8_t got[8];
    open_fresh(&pf);
    /* Default: any address and length. */
    assert_int_equal(pf.port.read(pf.port.ctx, 3, got, 5), 0);
    abota_posix_flash_close(&pf);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, ALIGN, ABOTA_POSIX_FLASH_READ_ALIGN4), 0);
    assert_int_equal(pf.port.read(pf.port.ctx, 3, got, 4), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.read(pf.port.ctx, 4, got, 5), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(pf.port.read(pf.port.ctx, 4, got, 8), 0);
    assert_int_equal(pf.reads, 1);
    abota_posix_flash_close(&pf);
}

static void test_counters(void **state)
{
    (void)state;
    struct abota_posix_flash pf;
    uint8_t buf[64];
    open_fresh(&pf);
    memset(buf, 0x5A, sizeof buf);
    assert_int_equal(abota_flash_write(&pf.port, 0, buf, 64), 0);
    assert_int_equal(abota_flash_write(&pf.port, SS, buf, 32), 0);
    assert_int_equal(abota_flash_read(&pf.port, 0, buf, 10), 0);
    assert_int_equal(abota_flash_erase(&pf.port, 0), 0);
    assert_int_equal(pf.writes, 2);
    assert_int_equal(pf.bytes_written, 96);
    assert_int_equal(pf.reads, 1);
    assert_int_equal(pf.bytes_read, 10);
    assert_int_equal(pf.erases, 1);
    assert_int_equal(pf.bytes_erased, SS);
    assert_int_equal(pf.ops, 3);
    abota_posix_flash_close(&pf);
}

/* ---- files and processes ------------------------------------------------ */

static void test_persists_across_reopen(void **state)
{
    (void)state;
    static uint8_t pat[SS], got[SIZE];
    struct abota_posix_flash pf;
    fill_random(pat, SS, 11);
    open_fresh(&pf);
    assert_int_equal(abota_flash_write(&pf.port, SS, pat, SS), 0);
    abota_posix_flash_close(&pf);
    abota_posix_flash_close(&pf); /* twice is harmless */
    read_back(got);
    assert_true(all_ff(got, SS));
    assert_memory_equal(got + SS, pat, SS);
    assert_true(all_ff(got + 2 * SS, 2 * SS));
}

/* The simulator reboots by running a new process: a child writes and exits
 * without closing or syncing; the parent must see the bytes. */
static void test_other_process_sees_writes(void **state)
{
    (void)state;
    static uint8_t pat[SS], got[SIZE];
    struct abota_posix_flash pf;
    fill_random(pat, SS, 12);
    open_fresh(&pf);
    abota_posix_flash_close(&pf);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct abota_posix_flash cf;
        if (abota_posix_flash_open(&cf, path, SIZE, SS, ALIGN, 0) != 0)
            _exit(2);
        if (cf.port.erase(cf.port.ctx, 3 * SS) != 0 || cf.port.write(cf.port.ctx, 3 * SS, pat, SS) != 0)
            _exit(3);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    read_back(got);
    assert_memory_equal(got + 3 * SS, pat, SS);
    assert_true(all_ff(got, 3 * SS));
}

static void test_open_errors(void **state)
{
    (void)state;
    struct abota_posix_flash pf;
    uint8_t w[4] = {1, 2, 3, 4}, got[4];
    /* Missing file without CREATE. */
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, ALIGN, 0), ABOTA_ERR_IO);
    assert_int_equal(errno, ENOENT);
    open_fresh(&pf);
    assert_int_equal(abota_flash_write(&pf.port, 0, w, 4), 0);
    abota_posix_flash_close(&pf);
    /* Size mismatch, either way. */
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE * 2, SS, ALIGN, 0), ABOTA_ERR_FLASH_SIZE);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE - SS, SS, ALIGN, 0), ABOTA_ERR_FLASH_SIZE);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE * 2, SS, ALIGN,
                                            ABOTA_POSIX_FLASH_CREATE_IF_MISSING),
                     ABOTA_ERR_FLASH_SIZE);
    /* Bad geometry and flags. */
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, 3000, ALIGN, 0), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, 3, 0), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, SS * 2, 0), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE + 4, SS, ALIGN, 0), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_flash_open(&pf, path, 0, SS, ALIGN, 0), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, ALIGN, 0x100), ABOTA_ERR_ARG);
    assert_int_equal(abota_posix_flash_open(&pf, NULL, SIZE, SS, ALIGN, 0), ABOTA_ERR_ARG);
    /* CREATE_IF_MISSING keeps an existing file; CREATE starts afresh. */
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, ALIGN,
                                            ABOTA_POSIX_FLASH_CREATE_IF_MISSING), 0);
    assert_int_equal(abota_flash_read(&pf.port, 0, got, 4), 0);
    assert_memory_equal(got, w, 4);
    abota_posix_flash_close(&pf);
    open_fresh(&pf);
    assert_int_equal(abota_flash_read(&pf.port, 0, got, 4), 0);
    assert_true(all_ff(got, 4));
    assert_int_equal(abota_posix_flash_sync(&pf), 0);
    abota_posix_flash_close(&pf);
    assert_int_equal(abota_posix_flash_sync(&pf), ABOTA_ERR_STATE);
    assert_int_equal(pf.port.read(pf.port.ctx, 0, got, 4), ABOTA_ERR_STATE);
    unlink(path);
    assert_int_equal(abota_posix_flash_open(&pf, path, SIZE, SS, ALIGN,
                                            ABOTA_POSIX_FLASH_CREATE_IF_MISSING), 0);
    assert_int_equal(abota_flash_read(&pf.port, 0, got, 4), 0);
    assert_true(all_ff(got, 4));
    abota_posix_flash_close(&pf);
}

/* Random valid operations on the file flash and the RAM flash give the same
 * results and the same contents. */
static void test_matches_ram_model(void **state)
{
    (void)state;
    static uint8_t mem[SIZE], got[SIZE], buf[SS];
    struct ramflash rf;
    struct abota_posix_flash pf;
    uint32_t x = 12345;
    unsigned not_erased = 0;
    ramflash_init(&rf, mem, SIZE, SS, ALIGN);
    open_fresh(&pf);
    for (int i = 0; i < 600; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        if (r % 5 == 0) {
            uint32_t a = (r / 5 % NSECT) * SS;
            assert_int_equal(pf.port.erase(pf.port.ctx, a), rf.port.erase(rf.port.ctx, a));
        } else {
            uint32_t len = ((r / 5) % (SS / ALIGN) + 1) * ALIGN;
            uint32_t a = ((r / 7) % ((SIZE - len) / ALIGN + 1)) * ALIGN;
            fill_random(buf, len, x | 1);
            if (r & 0x100) /* mostly 0xFF with a few zeros: often writable over old data */
                for (uint32_t k = 0; k < len; k++)
                    buf[k] |= (uint8_t)~(1u << (buf[k] & 7));
            int e1 = pf.port.write(pf.port.ctx, a, buf, len);
            int e2 = rf.port.write(rf.port.ctx, a, buf, len);
            assert_int_equal(e1, e2);
            not_erased += e1 == ABOTA_ERR_FLASH_NOT_ERASED;
        }
    }
    assert_true(not_erased > 10);
    assert_true(pf.writes > 10);
    assert_int_equal(pf.writes, rf.writes);
    assert_int_equal(pf.erases, rf.erases);
    assert_int_equal(pf.port.read(pf.port.ctx, 0, got, SIZE), 0);
    assert_memory_equal(got, mem, SIZE);
    abota_posix_flash_close(&pf);
}

/* ---- power cuts --------------------------------------------------------- */

/* The script run under a cut: for each sector, erase it, write two blocks
 * of random data into it, then write over the start of the first block
 * again, clearing more of its bits (so a torn write meets 0 bits too).
 * Operation k (from 1) is script_op(k). */
#define OPS_PER_SECTOR 4u
#define SCRIPT_OPS (NSECT * OPS_PER_SECTOR)

struct op {
    int erase;
    uint32_t addr, len;
    uint32_t seed, under_seed; /* under_seed: data is ANDed with that block */
};

static struct op script_op(unsigned k)
{
    struct op o;
    unsigned s = (k - 1) / OPS_PER_SECTOR, j = (k - 1) % OPS_PER_SECTOR;
    o.erase = j == 0;
    o.len = j == 1 ? 1024 : j == 2 ? 200 : 64;
    o.addr = s * SS + (j == 2 ? 2048 : 0);
    o.seed = 1000 + k;
    o.under_seed = j == 3 ? 1000 + k - 2 : 0;
    return o;
}

static void op_data(const struct op *o, uint8_t *data)
{
    static uint8_t under[SS];
    fill_random(data, o->len, o->seed);
    if (o->under_seed) {
        fill_random(under, o->len, o->under_seed);
        for (uint32_t i = 0; i < o->len; i++)
            data[i] &= under[i];
    }
}

static int apply(const struct abota_flash *f, const struct op *o)
{
    static uint8_t data[SS];
    if (o->erase)
        return f->erase(f->ctx, o->addr);
    op_data(o, data);
    return f->write(f->ctx, o->addr, data, o->len);
}

/* Fills every sector with random data (not erased, so an erase shows),
 * both in the file and in the model. */
static void prefill(struct ramflash *rf, uint8_t *mem)
{
    static uint8_t pat[SIZE];
    struct abota_posix_flash pf;
    ramflash_init(rf, mem, SIZE, SS, ALIGN);
    fill_random(pat, SIZE, 99);
    assert_int_equal(rf->port.write(rf->port.ctx, 0, pat, SIZE), 0);
    open_fresh(&pf);
    assert_int_equal(pf.port.write(pf.port.ctx, 0, pat, SIZE), 0);
    abota_posix_flash_close(&pf);
}

/* Runs the script with a cut at op n; returns what the cut flash reported
 * (torn kind and length) through *out, and checks the device stays off. */
static void run_cut(unsigned n, enum abota_posix_cut_mode mode, uint64_t seed,
                    struct abota_posix_flash *out)
{
    struct abota_posix_flash pf;
    uint8_t b[4];
    open_existing(&pf);
    abota_posix_flash_cut(&pf, n, mode, seed);
    for (unsigned k = 1; k <= SCRIPT_OPS; k++) {
        struct op o = script_op(k);
        int e = apply(&pf.port, &o);
        if (k < n) {
            assert_int_equal(e, 0);
            assert_false(pf.off);
        } else {
            assert_int_equal(e, ABOTA_ERR_POWER_CUT);
            assert_true(pf.off);
        }
    }
    /* Off: reads fail as well, and the operations after the cut were not
     * even counted. */
    assert_int_equal(pf.port.read(pf.port.ctx, 0, b, 4), ABOTA_ERR_POWER_CUT);
    assert_int_equal(pf.ops, n);
    assert_int_equal(pf.cut_op, n);
    assert_int_equal(pf.writes + pf.erases, n - 1);
    *out = pf;
    abota_posix_flash_close(&pf);
}

static void test_cut_before_and_after(void **state)
{
    (void)state;
    static uint8_t mem[SIZE], got[SIZE];
    static const unsigned ns[] = {1, 2, 3, 4, 5, 7, SCRIPT_OPS};
    struct ramflash rf;
    struct abota_posix_flash cut;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (int mode = ABOTA_POSIX_CUT_BEFORE; mode <= ABOTA_POSIX_CUT_AFTER; mode++) {
            unsigned n = ns[i];
            prefill(&rf, mem);
            run_cut(n, (enum abota_posix_cut_mode)mode, 1, &cut);
            assert_int_equal(cut.torn, ABOTA_POSIX_TORN_NONE);
            /* The model: ops before n done; op n done only for AFTER. */
            for (unsigned k = 1; k < n; k++) {
                struct op o = script_op(k);
                assert_int_equal(apply(&rf.port, &o), 0);
            }
            read_back(got);
            struct op on = script_op(n);
            uint32_t span = on.erase ? SS : on.len;
            if (mode == ABOTA_POSIX_CUT_BEFORE) {
                assert_memory_equal(got, mem, SIZE);
                /* and op n would have changed something */
                assert_int_equal(apply(&rf.port, &on), 0);
                assert_memory_not_equal(got + on.addr, mem + on.addr, span);
            } else {
                assert_memory_not_equal(got + on.addr, mem + on.addr, span);
                assert_int_equal(apply(&rf.port, &on), 0);
                assert_memory_equal(got, mem, SIZE);
            }
            /* Reopened, the device works again. */
            struct abota_posix_flash pf;
            open_existing(&pf);
            assert_false(pf.off);
            assert_int_equal(pf.port.erase(pf.port.ctx, 0), 0);
            abota_posix_flash_close(&pf);
        }
    }
}

/* Checks a torn op n against the model state just before it (old). */
static void check_torn(const uint8_t *got, const uint8_t *old, const struct op *o,
                       const struct abota_posix_flash *cut)
{
    static uint8_t data[SS];
    uint32_t a = o->addr;
    assert_int_equal(cut->torn_addr, a);
    if (o->erase) {
        /* Outside the sector nothing changed. */
        assert_memory_equal(got, old, a);
        assert_memory_equal(got + a + SS, old + a + SS, SIZE - a - SS);
        if (cut->torn == ABOTA_POSIX_TORN_ERASE_PREFIX) {
            assert_in_range(cut->torn_len, 1, SS - 1);
            assert_true(all_ff(got + a, cut->torn_len));
            assert_memory_equal(got + a + cut->torn_len, old + a + cut->torn_len,
                                SS - cut->torn_len);
        } else {
            assert_int_equal(cut->torn, ABOTA_POSIX_TORN_ERASE_RANDOM);
            assert_false(all_ff(got + a, SS));
            assert_memory_not_equal(got + a, old + a, SS);
        }
        return;
    }
    op_data(o, data);
    assert_memory_equal(got, old, a);
    assert_memory_equal(got + a + o->len, old + a + o->len, SIZE - a - o->len);
    if (cut->torn == ABOTA_POSIX_TORN_WRITE_PREFIX) {
        uint32_t k = cut->torn_len;
        assert_in_range(k, 1, o->len - 1);
        for (uint32_t i = 0; i < k; i++)
            assert_int_equal(got[a + i], old[a + i] & data[i]);
        assert_memory_equal(got + a + k, old + a + k, o->len - k);
    } else {
        assert_int_equal(cut->torn, ABOTA_POSIX_TORN_WRITE_BITS);
        unsigned applied = 0, skipped = 0;
        for (uint32_t i = 0; i < o->len; i++) {
            uint8_t was = old[a + i], want = was & data[i], is = got[a + i];
            assert_int_equal(is & ~was, 0);       /* no bit went 0 -> 1 */
            assert_int_equal(is & want, want);    /* only 1 -> 0 changes of the write */
            applied += (unsigned)__builtin_popcount((unsigned)(was & ~is));
            skipped += (unsigned)__builtin_popcount((unsigned)(is & ~want));
        }
        assert_true(applied > 0);
        assert_true(skipped > 0);
    }
}

static void test_cut_torn(void **state)
{
    (void)state;
    static uint8_t mem[SIZE], got[SIZE];
    static const unsigned ns[] = {1, 2, 3, 4, 5, 6, 7, 8, 12, 16};
    unsigned seen[5] = {0};
    struct ramflash rf;
    struct abota_posix_flash cut;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (uint64_t seed = 1; seed <= 6; seed++) {
            unsigned n = ns[i];
            prefill(&rf, mem);
            run_cut(n, ABOTA_POSIX_CUT_TORN, seed, &cut);
            for (unsigned k = 1; k < n; k++) {
                struct op o = script_op(k);
                assert_int_equal(apply(&rf.port, &o), 0);
            }
            read_back(got);
            struct op on = script_op(n);
            check_torn(got, mem, &on, &cut);
            seen[cut.torn]++;
        }
    }
    /* Every kind of tear happened. */
    assert_true(seen[ABOTA_POSIX_TORN_ERASE_PREFIX] > 0);
    assert_true(seen[ABOTA_POSIX_TORN_ERASE_RANDOM] > 0);
    assert_true(seen[ABOTA_POSIX_TORN_WRITE_PREFIX] > 0);
    assert_true(seen[ABOTA_POSIX_TORN_WRITE_BITS] > 0);
}

static void test_cut_deterministic(void **state)
{
    (void)state;
    static uint8_t mem[SIZE], a[SIZE], b[SIZE];
    struct ramflash rf;
    struct abota_posix_flash c1, c2;
    unsigned differ = 0;
    for (unsigned n = 1; n <= 8; n++) {
        prefill(&rf, mem);
        run_cut(n, ABOTA_POSIX_CUT_TORN, 42, &c1);
        read_back(a);
        prefill(&rf, mem);
        run_cut(n, ABOTA_POSIX_CUT_TORN, 42, &c2);
        read_back(b);
        assert_memory_equal(a, b, SIZE);
        assert_int_equal(c1.torn, c2.torn);
        assert_int_equal(c1.torn_len, c2.torn_len);
        /* Another seed tears differently (at least somewhere). */
        prefill(&rf, mem);
        run_cut(n, ABOTA_POSIX_CUT_TORN, 43, &c2);
        read_back(b);
        differ += memcmp(a, b, SIZE) != 0;
    }
    assert_true(differ > 0);
}

struct hook_state {
    unsigned reads, writes, erases;
    uint32_t cut_addr;
};

static int hook(struct abota_posix_flash *pf, void *arg, enum abota_posix_flash_op op,
                uint32_t addr, size_t len)
{
    struct hook_state *h = arg;
    (void)pf;
    (void)len;
    if (op == ABOTA_POSIX_OP_READ)
        h->reads++;
    else if (op == ABOTA_POSIX_OP_WRITE)
        h->writes++;
    else
        h->erases++;
    return op == ABOTA_POSIX_OP_WRITE && addr == h->cut_addr;
}

static void test_hook_counts_and_cuts(void **state)
{
    (void)state;
    struct abota_posix_flash pf;
    struct hook_state h = {0, 0, 0, 2 * SS};
    uint8_t w[8] = {0}, got[8];
    open_fresh(&pf);
    pf.hook = hook;
    pf.hook_arg = &h;
    pf.cut_mode = ABOTA_POSIX_CUT_AFTER;
    assert_int_equal(pf.port.write(pf.port.ctx, 0, w, 8), 0);
    assert_int_equal(pf.port.read(pf.port.ctx, 0, got, 8), 0);
    assert_int_equal(pf.port.erase(pf.port.ctx, SS), 0);
    /* Refused operations never reach the hook. */
    assert_int_equal(pf.port.write(pf.port.ctx, 2, w, 4), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(h.reads, 1);
    assert_int_equal(h.writes, 1);
    assert_int_equal(h.erases, 1);
    /* The hook cuts at the write to 2*SS; AFTER: it completes. */
    assert_int_equal(pf.port.write(pf.port.ctx, 2 * SS, w, 8), ABOTA_ERR_POWER_CUT);
    assert_true(pf.off);
    assert_int_equal(pf.cut_op, 3);
    assert_int_equal(pf.port.erase(pf.port.ctx, SS), ABOTA_ERR_POWER_CUT);
    assert_int_equal(h.erases, 1); /* off: nothing reaches the hook */
    abota_posix_flash_close(&pf);
    open_existing(&pf);
    assert_int_equal(pf.port.read(pf.port.ctx, 2 * SS, got, 8), 0);
    assert_memory_equal(got, w, 8);
    abota_posix_flash_close(&pf);
}

static void test_cut_past_end_never_fires(void **state)
{
    (void)state;
    static uint8_t mem[SIZE], got[SIZE];
    struct ramflash rf;
    struct abota_posix_flash pf;
    prefill(&rf, mem);
    open_existing(&pf);
    abota_posix_flash_cut(&pf, SCRIPT_OPS + 1, ABOTA_POSIX_CUT_BEFORE, 1);
    for (unsigned k = 1; k <= SCRIPT_OPS; k++) {
        struct op o = script_op(k);
        assert_int_equal(apply(&pf.port, &o), 0);
        assert_int_equal(apply(&rf.port, &o), 0);
    }
    assert_false(pf.off);
    abota_posix_flash_close(&pf);
    read_back(got);
    assert_memory_equal(got, mem, SIZE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, NULL, test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_fresh_is_erased),
        T(test_write_clears_bits_only),
        T(test_erase_whole_sector),
        T(test_write_align_and_bounds),
        T(test_read_align_optional),
        T(test_counters),
        T(test_persists_across_reopen),
        T(test_other_process_sees_writes),
        T(test_open_errors),
        T(test_matches_ram_model),
        T(test_cut_before_and_after),
        T(test_cut_torn),
        T(test_cut_deterministic),
        T(test_hook_counts_and_cuts),
        T(test_cut_past_end_never_fires),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
