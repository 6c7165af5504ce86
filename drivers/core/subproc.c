/* subproc.c - running a shell command with a deadline and a cap on what it prints. */
#include "drivers/core/subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A helper started from a terminal stays in our process group, so that it may prompt there
 * (an MFA code: a background group reading the terminal would be stopped by SIGTTIN); without
 * a terminal (cron, CI) it leads its own group, so a timeout stops its children too. */
static bool own_group(void) { return !isatty(STDIN_FILENO); }

/* Stops the child (and its group when it has one: a shell's children too) and reaps it:
 * SIGKILL cannot be caught, so the blocking wait ends. The group id cannot be reused before
 * the reap. */
static void kill_and_reap(pid_t pid)
{
    if (own_group())
        kill(-pid, SIGKILL);
    kill(pid, SIGKILL); /* in case it left its group */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

static pid_t start(const char *command, const char *what, int *fd, dp_err *e)
{
    char eb[128];
    int fds[2];
    if (pipe(fds)) {
        dp_err_set(e, DP_E_IO, "%s: cannot create a pipe: %s", what, dp_strerror(errno, eb, sizeof eb));
        return -1;
    }
    /* Close-on-exec so other threads' children do not inherit the pipe; dup2 onto fd 1 clears it. */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawnattr_init(&attr);
    if (own_group()) {
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0); /* its own group, led by the child */
    }
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    if (rc) {
        close(fds[0]);
        dp_err_set(e, DP_E_IO, "%s: cannot start /bin/sh: %s", what, dp_strerror(rc, eb, sizeof eb));
        return -1;
    }
    *fd = fds[0];
    return pid;
}

/* Reads until EOF, the deadline or the cap: a DP_SUBPROC_* value or -1. */
static int read_until(int fd, long deadline, size_t max_out, dp_buf *out, const char *what, dp_err *e)
{
    char chunk[4096];
    int ret = DP_SUBPROC_DONE;
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) {
            ret = DP_SUBPROC_TIMEOUT;
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            char eb[128];
            dp_err_set(e, DP_E_IO, "%s: poll: %s", what, dp_strerror(errno, eb, sizeof eb));
            ret = -1;
            break;
        }
        if (rc == 0)
            continue;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            char eb[128];
            dp_err_set(e, DP_E_IO, "%s: reading its output: %s", what, dp_strerror(errno, eb, sizeof eb));
            ret = -1;
            break;
        }
        if (n == 0)
            break;
        if (out->len + (size_t)n > max_out) {
            ret = DP_SUBPROC_TOO_BIG;
            break;
        }
        if (dp_buf_append(out, chunk, (size_t)n)) {
            dp_err_set(e, DP_E_NOMEM, "%s: out of memory", what);
            ret = -1;
            break;
        }
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    return ret;
}

int dp_subproc_run(const char *command, const char *what, long timeout_ms, size_t max_out, dp_buf *out,
                   int *status, dp_err *e)
{
    long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
    int fd = -1;
    pid_t pid = start(command, what, &fd, e);
    if (pid < 0)
        return -1;
    int ret = read_until(fd, deadline, max_out, out, what, e);
    close(fd);
    if (ret != DP_SUBPROC_DONE) {
        kill_and_reap(pid);
        return ret;
    }
    /* Its stdout is closed; it may still be running (or a child of the shell holds on). */
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return DP_SUBPROC_DONE;
        if (r < 0 && errno != EINTR) {
            char eb[128];
            dp_err_set(e, DP_E_IO, "%s: waitpid: %s", what, dp_strerror(errno, eb, sizeof eb));
            if (errno != ECHILD) /* (ECHILD: already reaped elsewhere, nothing left to stop) */
                kill_and_reap(pid);
            return -1;
        }
        if (now_ms() >= deadline) {
            kill_and_reap(pid);
            return DP_SUBPROC_TIMEOUT;
        }
        struct timespec nap = {0, 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
}
