/* abota serve: from a request target to an open file under DIR.
 *
 * The target is percent-decoded exactly once, then split on '/'. Empty and
 * "." segments are dropped; a ".." segment is refused outright (403) rather
 * than resolved, so no spelling of it (%2e%2e, %2e., ..%2f) can climb out.
 * The remaining relative path is opened with openat2(RESOLVE_BENEATH) against
 * the root descriptor: the kernel refuses symlinks and mounts that lead
 * outside DIR. Where openat2 is missing (old kernels, valgrind), the path is
 * resolved with realpath and must still lie under DIR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "serve.h"

#define PATH_MAX_REL SERVE_PATH_MAX

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The path of the target (absolute-form loses scheme and authority),
 * without query or fragment. */
static bool target_path(struct serve_str t, struct serve_str *path)
{
    if (t.n >= 7 && (!strncasecmp(t.p, "http://", 7) || (t.n >= 8 && !strncasecmp(t.p, "https://", 8)))) {
        size_t i = t.p[4] == ':' ? 7 : 8;
        while (i < t.n && t.p[i] != '/' && t.p[i] != '?')
            i++;
        t.p += i;
        t.n -= i;
        if (!t.n || t.p[0] == '?') {
            *path = (struct serve_str){"/", 1};
            return true;
        }
    }
    /* Espressif's ota_demo asks for "GET user2.2048.new.5.bin HTTP/1.0", no
     * leading slash; SimpleHTTPServer took it, so a relative path is read as
     * relative to DIR like any other. */
    if (!t.n)
        return false;
    size_t n = 0;
    while (n < t.n && t.p[n] != '?' && t.p[n] != '#')
        n++;
    *path = (struct serve_str){t.p, n};
    return true;
}

/* Decodes and normalises into rel (relative, NUL-terminated, may be "").
 * Returns 0 or an HTTP status. */
static int normalise(struct serve_str path, char *rel, size_t cap)
{
    char dec[PATH_MAX_REL];
    size_t n = 0;
    for (size_t i = 0; i < path.n; i++) {
        char c = path.p[i];
        if (c == '%') {
            int hi = i + 2 < path.n ? hexval(path.p[i + 1]) : -1;
            int lo = i + 2 < path.n ? hexval(path.p[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return 400;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0')
            return 400;
        if (n >= sizeof(dec))
            return 414;
        dec[n++] = c;
    }
    size_t out = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && dec[i] == '/')
            i++;
        size_t s = i;
        while (i < n && dec[i] != '/')
            i++;
        size_t len = i - s;
        if (!len || (len == 1 && dec[s] == '.'))
            continue;
        if (len == 2 && dec[s] == '.' && dec[s + 1] == '.')
            return 403;
        /* Hidden files and folders (.git, .env, .htpasswd) are not
         * firmware: never served, as if absent. */
        if (dec[s] == '.')
            return 404;
        if (out + len + 2 > cap)
            return 414;
        if (out)
            rel[out++] = '/';
        memcpy(rel + out, dec + s, len);
        out += len;
    }
    rel[out] = '\0';
    return 0;
}

/* Without openat2: resolve every symlink, then require that the result is
 * still under DIR, so links that stay inside are followed and links that
 * leave are refused, as with RESOLVE_BENEATH. (A local user who swaps a
 * path between the check and the open could race it; network clients
 * cannot create links, which is the threat this server faces.) */
static int open_fallback(int root_fd, const char *rel)
{
    char via[64 + PATH_MAX_REL], root[PATH_MAX], real[PATH_MAX];
    snprintf(via, sizeof(via), "/proc/self/fd/%d", root_fd);
    if (!realpath(via, root))
        return -1;
    snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", root_fd, rel);
    if (!realpath(via, real))
        return -1;
    size_t n = strlen(root);
    bool inside = n == 1 || (strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0'));
    if (!inside) {
        errno = EXDEV;
        return -1;
    }
    return open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
}

static int open_beneath(int root_fd, const char *rel)
{
    static int have_openat2 = 1;
    if (have_openat2) {
        struct open_how how;
        memset(&how, 0, sizeof(how));
        /* O_NONBLOCK: a FIFO under DIR must not stall the loop on open. */
        how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        long fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
        if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
            return (int)fd;
        have_openat2 = 0;
    }
    return open_fallback(root_fd, rel);
}

static const char *content_type(const char *rel)
{
    const char *dot = strrchr(rel, '.');
    const char *slash = strrchr(rel, '/');
    if (!dot || (slash && dot < slash))
        return "application/octet-stream";
    if (!strcasecmp(dot, ".txt") || !strcasecmp(dot, ".log") || !strcasecmp(dot, ".md5") ||
        !strcasecmp(dot, ".sha256"))
        return "text/plain; charset=utf-8";
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        return "text/html; charset=utf-8";
    if (!strcasecmp(dot, ".json"))
        return "application/json";
    return "application/octet-stream"; /* .bin, .img and everything else */
}

int serve_files_path(struct serve_str target, char *rel, size_t cap)
{
    struct serve_str path;
    if (!cap)
        return 414;
    rel[0] = '\0';
    if (!target_path(target, &path))
        return 400;
    return normalise(path, rel, cap);
}

int serve_files_open(int root_fd, struct serve_str target, struct serve_file *f)
{
    char rel[SERVE_PATH_MAX];
    memset(f, 0, sizeof(*f));
    f->fd = -1;
    int st = serve_files_path(target, rel, sizeof(rel));
    if (st)
        return st;
    if (!rel[0])
        return 403; /* DIR itself: no listing */
    int fd = open_beneath(root_fd, rel);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG)
            return 404;
        return 403; /* EXDEV (escapes DIR), ELOOP (symlink), EACCES, ... */
    }
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        return 403; /* directories, devices, FIFOs, sockets */
    }
    /* Reads from now on may block on a slow disk, never on a pipe. */
    fcntl(fd, F_SETFL, O_RDONLY);
    f->fd = fd;
    f->size = (uint64_t)sb.st_size;
    f->mtime = sb.st_mtim.tv_sec;
    uint64_t ns = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec;
    snprintf(f->etag, sizeof(f->etag), "\"%llx-%llx\"", (unsigned long long)f->size,
             (unsigned long long)ns);
    f->ctype = content_type(rel);
    return 0;
}
