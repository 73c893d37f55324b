/*
 * The POSIX calls picolibc's stdio is built on, served by QEMU's Xtensa
 * semihosting (the `simcall` instruction, only legal with -semihosting).
 *
 * simcall: a2 = call number, a3..a5 = arguments; a2 = result, and a3 =
 * errno when a2 is -1 (QEMU's numbers are the Linux ones, as picolibc's).
 * Paths and open() flags reach the host's open() unchanged: tests open
 * fixtures by absolute path, read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx106_rt.h"

enum {
    SIMCALL_EXIT = 1,
    SIMCALL_READ = 3,
    SIMCALL_WRITE = 4,
    SIMCALL_OPEN = 5,
    SIMCALL_CLOSE = 6,
    SIMCALL_LSEEK = 19,
};

static int simcall(int call, int arg1, int arg2, int arg3)
{
    register int a2 __asm__("a2") = call;
    register int a3 __asm__("a3") = arg1;
    register int a4 __asm__("a4") = arg2;
    register int a5 __asm__("a5") = arg3;
    __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    if (a2 == -1)
        errno = a3;
    return a2;
}

int open(const char *path, int flags, ...)
{
    int mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return simcall(SIMCALL_OPEN, (int)(uintptr_t)path, flags, mode);
}

ssize_t read(int fd, void *buf, size_t len)
{
    return simcall(SIMCALL_READ, fd, (int)(uintptr_t)buf, (int)len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    return simcall(SIMCALL_WRITE, fd, (int)(uintptr_t)buf, (int)len);
}

int close(int fd)
{
    return simcall(SIMCALL_CLOSE, fd, 0, 0);
}

off_t lseek(int fd, off_t off, int whence)
{
    return simcall(SIMCALL_LSEEK, fd, (int)off, whence);
}

/*
 * Console: stdout and stderr are line-buffered here (one simcall per line
 * instead of per character). lx106_console_flush() empties both; _exit and
 * the fatal-exception report call it, so no output is lost on a crash.
 */
struct console {
    int fd;
    unsigned used;
    char buf[160];
};

static struct console con_out = {1, 0, {0}};
static struct console con_err = {2, 0, {0}};

static void console_drain(struct console *c)
{
    unsigned done = 0;
    while (done < c->used) {
        int n = simcall(SIMCALL_WRITE, c->fd, (int)(uintptr_t)(c->buf + done),
                        (int)(c->used - done));
        if (n <= 0)
            break;
        done += (unsigned)n;
    }
    c->used = 0;
}

void lx106_console_flush(void)
{
    console_drain(&con_out);
    console_drain(&con_err);
}

static int console_put(struct console *c, char ch)
{
    c->buf[c->used++] = ch;
    if (ch == '\n' || c->used == sizeof c->buf)
        console_drain(c);
    return (unsigned char)ch;
}

static int put_out(char ch, FILE *f)
{
    (void)f;
    /* keep the order of stdout and stderr lines as written */
    console_drain(&con_err);
    return console_put(&con_out, ch);
}

static int put_err(char ch, FILE *f)
{
    (void)f;
    console_drain(&con_out);
    return console_put(&con_err, ch);
}

static int get_in(FILE *f)
{
    (void)f;
    return EOF; /* tests have no console input */
}

static FILE stream_out = FDEV_SETUP_STREAM(put_out, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE stream_err = FDEV_SETUP_STREAM(put_err, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE stream_in = FDEV_SETUP_STREAM(NULL, get_in, NULL, _FDEV_SETUP_READ);
FILE *const stdout = &stream_out;
FILE *const stderr = &stream_err;
FILE *const stdin = &stream_in;

/* exit() and returning from main() end here; the status becomes QEMU's. */
void _exit(int status)
{
    lx106_console_flush();
    simcall(SIMCALL_EXIT, status, 0, 0);
    for (;;) {
    }
}

/* abort() raises SIGABRT through kill(getpid(), sig): exit like a shell
   reports a signal death (128 + 6 = 134). */
pid_t getpid(void)
{
    return 1;
}

int kill(pid_t pid, int sig); /* <signal.h> hides it in strict C11 */

int kill(pid_t pid, int sig)
{
    (void)pid;
    _exit(128 + sig);
}

extern char __bss_start[], __bss_end[];
extern void (*const __ctors_start[])(void);
extern void (*const __ctors_end[])(void);
int main(void);

void lx106_cstart(void)
{
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    for (void (*const *ctor)(void) = __ctors_start; ctor < __ctors_end; ctor++)
        (*ctor)();
    exit(main());
}
