/* File-backed NOR flash with power-cut injection.
 *
 * The file is mapped MAP_SHARED, so every store is in the page cache the
 * moment it is made: a process killed right after a write, or a later
 * process opening the same file, sees exactly what was written. Checks come
 * before any change, so a refused operation changes nothing. */
#include "abota/port_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abota/error.h"
#include "posix_rng.h"

#define FLAGS_ALL \
    (ABOTA_POSIX_FLASH_CREATE | ABOTA_POSIX_FLASH_CREATE_IF_MISSING | ABOTA_POSIX_FLASH_READ_ALIGN4)

static int is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

/* [addr, addr+len) inside the device, by subtraction so len cannot wrap. */
static int in_bounds(const struct abota_posix_flash *pf, uint32_t addr, size_t len)
{
    return addr <= pf->port.size && len <= (size_t)(pf->port.size - addr);
}

/* Decides whether the power goes at this operation. Writes and erases are
 * counted first, so cut_at and the hook see the same number. */
static int cut_here(struct abota_posix_flash *pf, enum abota_posix_flash_op op, uint32_t addr,
                    size_t len)
{
    int cut = 0;
    if (op != ABOTA_POSIX_OP_READ) {
        pf->ops++;
        cut = pf->cut_at != 0 && pf->ops == pf->cut_at;
    }
    if (pf->hook && pf->hook(pf, pf->hook_arg, op, addr, len) != 0)
        cut = 1;
    if (cut) {
        pf->off = 1;
        pf->cut_op = op == ABOTA_POSIX_OP_READ ? 0 : pf->ops;
    }
    return cut;
}

/* The generator for one torn operation: a function of the seed and the
 * operation number only, so a rerun with the same seed tears the same way
 * whatever happened before. */
static uint64_t torn_rng(const struct abota_posix_flash *pf)
{
    uint64_t st = pf->seed ^ ((uint64_t)pf->ops * 0xD6E8FEB86659FD93ull);
    (void)posix_rng_next(&st);
    return st;
}

/* A prefix length strictly inside (0, len) when there is room for one. */
static uint32_t torn_prefix(uint64_t *st, size_t len)
{
    if (len < 2)
        return 0;
    return 1 + posix_rng_below(st, (uint32_t)(len - 1));
}

static void tear_erase(struct abota_posix_flash *pf, uint32_t addr)
{
    uint32_t ss = pf->port.sector_size;
    uint8_t *p = pf->_map + addr;
    uint64_t st = torn_rng(pf);
    pf->torn_addr = addr;
    if (posix_rng_next(&st) & 1) {
        pf->torn = ABOTA_POSIX_TORN_ERASE_PREFIX;
        pf->torn_len = torn_prefix(&st, ss);
        memset(p, 0xFF, pf->torn_len);
    } else {
        pf->torn = ABOTA_POSIX_TORN_ERASE_RANDOM;
        pf->torn_len = ss;
        for (uint32_t i = 0; i < ss; i++)
            p[i] = (uint8_t)posix_rng_next(&st);
    }
}

static void tear_write(struct abota_posix_flash *pf, uint32_t addr, const uint8_t *src,
                       size_t len)
{
    uint8_t *p = pf->_map + addr;
    uint64_t st = torn_rng(pf);
    pf->torn_addr = addr;
    if (posix_rng_next(&st) & 1) {
        pf->torn = ABOTA_POSIX_TORN_WRITE_PREFIX;
        pf->torn_len = torn_prefix(&st, len);
        for (uint32_t i = 0; i < pf->torn_len; i++)
            p[i] &= src[i];
    } else {
        /* A set bit in keep leaves that cell as it was: old & (src | keep)
         * applies only the 1->0 changes whose keep bit is clear. */
        pf->torn = ABOTA_POSIX_TORN_WRITE_BITS;
        pf->torn_len = (uint32_t)len;
        for (size_t i = 0; i < len; i++) {
            uint8_t keep = (uint8_t)posix_rng_next(&st);
            p[i] &= (uint8_t)(src[i] | keep);
        }
    }
}

static int pf_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct abota_posix_flash *pf = ctx;
    if (pf->off)
        return ABOTA_ERR_POWER_CUT;
    if (!pf->_map)
        return ABOTA_ERR_STATE;
    if (!in_bounds(pf, addr, len))
        return ABOTA_ERR_FLASH_BOUNDS;
    if ((pf->_flags & ABOTA_POSIX_FLASH_READ_ALIGN4) && ((addr | len) & 3u) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    if (len && !buf)
        return ABOTA_ERR_ARG;
    if (cut_here(pf, ABOTA_POSIX_OP_READ, addr, len))
        return ABOTA_ERR_POWER_CUT;
    if (len)
        memcpy(buf, pf->_map + addr, len);
    pf->reads++;
    pf->bytes_read += len;
    return 0;
}

static int pf_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct abota_posix_flash *pf = ctx;
    const uint8_t *src = buf;
    if (pf->off)
        return ABOTA_ERR_POWER_CUT;
    if (!pf->_map)
        return ABOTA_ERR_STATE;
    if (!in_bounds(pf, addr, len))
        return ABOTA_ERR_FLASH_BOUNDS;
    if ((addr % pf->port.write_align) != 0 || (len % pf->port.write_align) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    if (len && !buf)
        return ABOTA_ERR_ARG;
    /* Real NOR would silently AND; refusing catches a missing erase. */
    for (size_t i = 0; i < len; i++)
        if ((src[i] & (uint8_t)~pf->_map[addr + i]) != 0)
            return ABOTA_ERR_FLASH_NOT_ERASED;
    if (cut_here(pf, ABOTA_POSIX_OP_WRITE, addr, len)) {
        if (pf->cut_mode == ABOTA_POSIX_CUT_AFTER)
            memcpy(pf->_map + addr, src, len);
        else if (pf->cut_mode == ABOTA_POSIX_CUT_TORN)
            tear_write(pf, addr, src, len);
        return ABOTA_ERR_POWER_CUT;
    }
    if (len)
        memcpy(pf->_map + addr, src, len); /* == old & src, checked above */
    pf->writes++;
    pf->bytes_written += len;
    return 0;
}

static int pf_erase(void *ctx, uint32_t addr)
{
    struct abota_posix_flash *pf = ctx;
    uint32_t ss = pf->port.sector_size;
    if (pf->off)
        return ABOTA_ERR_POWER_CUT;
    if (!pf->_map)
        return ABOTA_ERR_STATE;
    if (!in_bounds(pf, addr, ss))
        return ABOTA_ERR_FLASH_BOUNDS;
    if ((addr % ss) != 0)
        return ABOTA_ERR_FLASH_ALIGN;
    if (cut_here(pf, ABOTA_POSIX_OP_ERASE, addr, ss)) {
        if (pf->cut_mode == ABOTA_POSIX_CUT_AFTER)
            memset(pf->_map + addr, 0xFF, ss);
        else if (pf->cut_mode == ABOTA_POSIX_CUT_TORN)
            tear_erase(pf, addr);
        return ABOTA_ERR_POWER_CUT;
    }
    memset(pf->_map + addr, 0xFF, ss);
    pf->erases++;
    pf->bytes_erased += ss;
    return 0;
}

/* Fills a new file with 0xFF through write(), so a full disk shows up here
 * as an error rather than later as SIGBUS on the mapping. */
static int fill_erased(int fd, uint32_t size)
{
    uint8_t ff[4096];
    memset(ff, 0xFF, sizeof ff);
    if (ftruncate(fd, 0) != 0)
        return -1;
    for (uint32_t off = 0; off < size;) {
        size_t n = size - off < sizeof ff ? size - off : sizeof ff;
        ssize_t w = pwrite(fd, ff, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (uint32_t)w;
    }
    return 0;
}

static int open_file(const char *path, int flags, int *fresh)
{
    int fd;
    *fresh = 0;
    if (flags & ABOTA_POSIX_FLASH_CREATE) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        *fresh = fd >= 0;
        return fd;
    }
    if (flags & ABOTA_POSIX_FLASH_CREATE_IF_MISSING) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            *fresh = 1;
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    return open(path, O_RDWR | O_CLOEXEC);
}

int abota_posix_flash_open(struct abota_posix_flash *pf, const char *path, uint32_t size,
                           uint32_t sector_size, uint32_t write_align, int flags)
{
    int fd, fresh, err;
    void *map;
    struct stat st;

    if (!pf)
        return ABOTA_ERR_ARG;
    memset(pf, 0, sizeof *pf);
    pf->_fd = -1;
    if (!path || !is_pow2(sector_size) || !is_pow2(write_align) || write_align > sector_size ||
        size == 0 || size % sector_size != 0 || (flags & ~(int)FLAGS_ALL) != 0 ||
        ((flags & ABOTA_POSIX_FLASH_CREATE) && (flags & ABOTA_POSIX_FLASH_CREATE_IF_MISSING)))
        return ABOTA_ERR_ARG;

    fd = open_file(path, flags, &fresh);
    if (fd < 0)
        return ABOTA_ERR_IO;
    if (fresh) {
        if (fill_erased(fd, size) != 0)
            goto io_error;
    } else {
        if (fstat(fd, &st) != 0)
            goto io_error;
        if (!S_ISREG(st.st_mode) || st.st_size != (off_t)size) {
            close(fd);
            return ABOTA_ERR_FLASH_SIZE;
        }
    }
    map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        goto io_error;

    pf->_fd = fd;
    pf->_map = map;
    pf->_flags = flags;
    pf->port.ctx = pf;
    pf->port.read = pf_read;
    pf->port.write = pf_write;
    pf->port.erase = pf_erase;
    pf->port.size = size;
    pf->port.sector_size = sector_size;
    pf->port.write_align = write_align;
    return 0;

io_error:
    err = errno;
    close(fd);
    errno = err;
    return ABOTA_ERR_IO;
}

int abota_posix_flash_sync(struct abota_posix_flash *pf)
{
    if (!pf || !pf->_map)
        return ABOTA_ERR_STATE;
    if (msync(pf->_map, pf->port.size, MS_SYNC) != 0 || fsync(pf->_fd) != 0)
        return ABOTA_ERR_IO;
    return 0;
}

void abota_posix_flash_close(struct abota_posix_flash *pf)
{
    if (!pf)
        return;
    if (pf->_map)
        munmap(pf->_map, pf->port.size);
    if (pf->_fd >= 0)
        close(pf->_fd);
    pf->_map = NULL;
    pf->_fd = -1;
}

void abota_posix_flash_cut(struct abota_posix_flash *pf, uint32_t n,
                           enum abota_posix_cut_mode mode, uint64_t seed)
{
    pf->cut_at = n ? pf->ops + n : 0;
    pf->cut_mode = mode;
    pf->seed = seed;
}
