/* Runs one firmware under a watchdog: fork, fexecve of the in-memory copy of
 * the slot, and a wait bounded by the watchdog. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "sim_abi.h"

extern char **environ;

/* Exit status of a child whose fexecve failed: a device whose slot holds no
 * runnable code, which counts as a crash. */
#define SIM_EXIT_EXEC_FAILED 127

static void child(int exe_fd, const struct sim_context *ctx, pid_t parent, int report_fd)
{
    /* The device goes down with the simulator (a test's timeout, ^C). */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(SIM_EXIT_EXEC_FAILED);
    char slot[4], watchdog[16], report[16];
    snprintf(slot, sizeof slot, "%d", ctx->slot);
    snprintf(report, sizeof report, "%d", report_fd);
    snprintf(watchdog, sizeof watchdog, "%lu", (unsigned long)ctx->watchdog_s * 1000ul);
    if (setenv(ABOTA_SIM_ENV_FLASH, ctx->flash_path, 1) || setenv(ABOTA_SIM_ENV_SLOT, slot, 1) ||
        setenv(ABOTA_SIM_ENV_WATCHDOG_MS, watchdog, 1) ||
        setenv(ABOTA_SIM_ENV_LAYOUT, ctx->layout_name, 1) ||
        setenv(ABOTA_SIM_ENV_REPORT_FD, report, 1) ||
        (ctx->url && setenv(ABOTA_SIM_ENV_URL, ctx->url, 1)) ||
        (ctx->ssid && setenv(ABOTA_SIM_ENV_SSID, ctx->ssid, 1)) ||
        (ctx->tls_ca && setenv(ABOTA_SIM_ENV_TLS_CA, ctx->tls_ca, 1)) ||
        (ctx->tls_pin && setenv(ABOTA_SIM_ENV_TLS_PIN, ctx->tls_pin, 1)) ||
        (ctx->tls_max_fragment &&
         setenv(ABOTA_SIM_ENV_TLS_MAX_FRAGMENT, ctx->tls_max_fragment, 1)) ||
        (ctx->sign_key_hex && setenv(ABOTA_SIM_ENV_SIGN_KEY, ctx->sign_key_hex, 1)) ||
        (ctx->manifest_url && setenv(ABOTA_SIM_ENV_MANIFEST_URL, ctx->manifest_url, 1)) ||
        (ctx->device_id && setenv(ABOTA_SIM_ENV_DEVICE_ID, ctx->device_id, 1)) ||
        (ctx->polls && setenv(ABOTA_SIM_ENV_POLLS, ctx->polls, 1)))
        _exit(SIM_EXIT_EXEC_FAILED);
    char arg0[8];
    snprintf(arg0, sizeof arg0, "user%d", ctx->slot);
    char *argv[] = {arg0, NULL};
    fexecve(exe_fd, argv, environ);
    /* Tools that trace execve (valgrind --trace-children) cannot follow
     * fexecve's execveat(AT_EMPTY_PATH); the same file by its /proc path
     * is the same bytes. */
    char proc_path[32];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", exe_fd);
    (void)fcntl(exe_fd, F_SETFD, 0); /* the tracer opens it after the exec */
    execve(proc_path, argv, environ);
    fprintf(stderr, "abota sim: cannot start the firmware in user%d: %s\n", ctx->slot,
            strerror(errno));
    _exit(SIM_EXIT_EXEC_FAILED);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* What the firmware reported (sim_abi.h), read once it has ended: at most
 * cap - 1 bytes, the rest dropped. */
static void read_report(int fd, char *report, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = read(fd, report + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    report[n] = '\0';
}

static enum sim_outcome wait_child(pid_t pid, const struct sim_context *ctx, int *detail);

enum sim_outcome sim_run(int exe_fd, const struct sim_context *ctx, int *detail, char *report,
                         size_t report_cap)
{
    *detail = 0;
    report[0] = '\0';
    /* The read end stays ours and never blocks (whatever the firmware
     * left running could hold the write end); the write end is the
     * firmware's, across its exec. */
    int pipe_fd[2];
    if (pipe2(pipe_fd, O_CLOEXEC) < 0 || fcntl(pipe_fd[1], F_SETFD, 0) < 0 ||
        fcntl(pipe_fd[0], F_SETFL, O_NONBLOCK) < 0) {
        *detail = errno;
        return SIM_START_FAIL;
    }
    fflush(NULL); /* nothing of ours may be printed twice by the child */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *detail = errno;
        close(pipe_fd[0]);
        close(pipe_fd[1]);
        return SIM_START_FAIL;
    }
    if (pid == 0) {
        close(pipe_fd[0]);
        child(exe_fd, ctx, parent, pipe_fd[1]);
    }
    close(pipe_fd[1]);
    enum sim_outcome out = wait_child(pid, ctx, detail);
    read_report(pipe_fd[0], report, report_cap);
    close(pipe_fd[0]);
    return out;
}

static enum sim_outcome wait_child(pid_t pid, const struct sim_context *ctx, int *detail)
{
    uint64_t deadline = now_ms() + (uint64_t)ctx->watchdog_s * 1000u;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            *detail = errno;
            return SIM_START_FAIL;
        }
        if (now_ms() >= deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            *detail = (int)ctx->watchdog_s;
            return SIM_WATCHDOG;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (WIFSIGNALED(status)) {
        *detail = WTERMSIG(status);
        return SIM_SIGNAL;
    }
    *detail = WEXITSTATUS(status);
    if (*detail == 0)
        return SIM_IDLE;
    if (*detail == ABOTA_SIM_EXIT_REBOOT)
        return SIM_REBOOT;
    if (*detail == SIM_EXIT_EXEC_FAILED)
        return SIM_START_FAIL;
    return SIM_EXIT;
}
