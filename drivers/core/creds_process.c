/* creds_process.c - credential_process: run a command, read the credentials JSON on its stdout. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/base/buf.h"
#include "drivers/core/creds_chain.h"

extern char **environ;

#define MAX_OUTPUT ((size_t)1024 * 1024)

/* Reads fd to EOF into b; -1 when the output passes the cap or read fails. */
static int read_all(int fd, dp_buf *b)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        if (dp_buf_append(b, chunk, (size_t)n)) {
            OPENSSL_cleanse(chunk, sizeof chunk);
            return -1;
        }
    }
}

static int spawn_and_read(const char *command, const char *what, dp_buf *out, int *status, dp_err *e)
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
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc) {
        close(fds[0]);
        dp_err_set(e, DP_E_IO, "%s: cannot start /bin/sh: %s", what, dp_strerror(rc, eb, sizeof eb));
        return -1;
    }
    int read_rc = read_all(fds[0], out);
    close(fds[0]);
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) {
            dp_err_set(e, DP_E_IO, "%s: waitpid: %s", what, dp_strerror(errno, eb, sizeof eb));
            return -1;
        }
    }
    if (read_rc) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s: its output could not be read or is larger than %zu bytes", what,
                   MAX_OUTPUT);
        return -1;
    }
    return 0;
}

int dp_creds_from_process(const char *command, const char *profile, dp_creds *out, dp_err *e)
{
    char what[160];
    snprintf(what, sizeof what, "credential_process of profile %s", profile);
    dp_buf output;
    dp_buf_init(&output, MAX_OUTPUT);
    cJSON *doc = NULL;
    int status = 0, ret = -1;
    if (spawn_and_read(command, what, &output, &status, e))
        goto done;
    if (WIFSIGNALED(status)) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s was killed by signal %d", what, WTERMSIG(status));
        goto done;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s failed: it exited with status %d (its stderr is above)", what,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        goto done;
    }
    /* The output holds secrets: never quote it in an error. */
    doc = cJSON_ParseWithLength(dp_buf_str(&output), output.len);
    if (!doc || !cJSON_IsObject(doc)) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s: its output is not a JSON object", what);
        goto done;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "Version");
    if (!cJSON_IsNumber(version) || version->valuedouble != 1) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s: its output must have \"Version\": 1", what);
        goto done;
    }
    if (dp_creds_from_json(doc, "SessionToken", what, out, e))
        goto done;
    dp_creds_set_source(out, "credential_process of profile %s", profile);
    ret = 0;
done:
    if (output.data)
        OPENSSL_cleanse(output.data, output.cap);
    dp_buf_cleanup(&output);
    cJSON_Delete(doc);
    return ret;
}
