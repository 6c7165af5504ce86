/* test_creds_process.c - credential_process limits: a hung helper is stopped after
 * DMSPROV_CREDENTIAL_PROCESS_TIMEOUT (its whole process group), too much output is refused,
 * stderr passes through while stdout (secrets) never reaches the user. */
#include "drivers/core/creds/chain.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tests/helpers/creds_fixture.h"

static fx F;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the helper script body as credential_process of profile; returns its rc. */
static int run(const char *profile, const char *body, dp_creds *c, dp_err *e, double *took)
{
    char name[64], script[4096];
    snprintf(name, sizeof name, "%s.sh", profile);
    snprintf(script, sizeof script, "#!/bin/sh\n%s\n", body);
    const char *path = fx_write(&F, name, script, 1);
    dp_err_clear(e);
    memset(c, 0, sizeof *c);
    double t0 = now_s();
    int rc = dp_creds_from_process(path, profile, c, e);
    *took = now_s() - t0;
    return rc;
}

/* The pid written to file by a helper, or 0. */
static long pid_in(const char *file)
{
    FILE *fp = fopen(fx_path(&F, file), "r");
    long pid = 0;
    if (fp) {
        char line[32] = "";
        if (fgets(line, sizeof line, fp))
            pid = strtol(line, NULL, 10);
        fclose(fp);
    }
    return pid;
}

/* True when pid is gone (or only a zombie waiting for init) within about 2 s. */
static int gone(long pid)
{
    for (int i = 0; i < 200; i++) {
        char path[64], stat[256] = "";
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *fp = fopen(path, "r");
        if (!fp)
            return 1;
        size_t n = fread(stat, 1, sizeof stat - 1, fp);
        fclose(fp);
        stat[n] = 0;
        const char *p = strrchr(stat, ')');
        if (p && p[1] == ' ' && p[2] == 'Z')
            return 1;
        struct timespec nap = {0, 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    return 0;
}

static void test_timeout(void)
{
    dp_creds c;
    dp_err e;
    double took;
    setenv("DMSPROV_CREDENTIAL_PROCESS_TIMEOUT", "1", 1);
    /* a helper that hangs, with a child of its own that would outlive a plain kill */
    char body[512];
    snprintf(body, sizeof body, "sleep 300 &\necho $! > '%s'\nsleep 300\n", fx_path(&F, "child.pid"));
    CHECK_INT(run("slow", body, &c, &e, &took), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "credential_process of profile slow did not finish within 1 s") != NULL);
    CHECK(strstr(e.message, "DMSPROV_CREDENTIAL_PROCESS_TIMEOUT") != NULL);
    CHECK(strchr(e.message, '\n') == NULL);
    CHECK(took >= 0.9 && took < 10);
    long child = pid_in("child.pid");
    CHECK(child > 0);
    CHECK(child > 0 && gone(child)); /* the process group was killed */
    if (child > 0 && !gone(child))
        kill((pid_t)child, SIGKILL);

    /* stdout closed early but the helper keeps running: still bounded */
    CHECK_INT(run("closed", "exec >/dev/null\nsleep 300", &c, &e, &took), -1);
    CHECK(strstr(e.message, "credential_process of profile closed did not finish within 1 s") != NULL);
    CHECK(took < 10);

    /* a quick helper is unaffected by a short limit */
    CHECK_INT(run("quick", "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAQ\", \"SecretAccessKey\": \"q-secret\"}'", &c,
                  &e, &took),
              0);
    CHECK_STR(c.access_key_id, "ASIAQ");
    dp_creds_cleanup(&c);

    /* a wrong setting is an error naming the variable, not a silent default */
    setenv("DMSPROV_CREDENTIAL_PROCESS_TIMEOUT", "soon", 1);
    CHECK_INT(run("quick", "echo '{}'", &c, &e, &took), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    CHECK(strstr(e.message, "DMSPROV_CREDENTIAL_PROCESS_TIMEOUT must be a whole number of seconds") != NULL);
    setenv("DMSPROV_CREDENTIAL_PROCESS_TIMEOUT", "0", 1);
    CHECK_INT(run("quick", "echo '{}'", &c, &e, &took), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    unsetenv("DMSPROV_CREDENTIAL_PROCESS_TIMEOUT");
}

static void test_too_big(void)
{
    dp_creds c;
    dp_err e;
    double took;
    setenv("DMSPROV_CREDENTIAL_PROCESS_TIMEOUT", "20", 1);
    /* endless output: only the cap stops it, long before the time limit */
    CHECK_INT(run("chatty", "yes leaky-secret-line", &c, &e, &took), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "credential_process of profile chatty printed more than 65536 bytes") != NULL);
    CHECK(strstr(e.message, "leaky-secret") == NULL);
    CHECK(took < 10);
    /* just under the cap is read whole (then refused only as bad JSON) */
    CHECK_INT(run("big", "head -c 60000 /dev/zero | tr '\\0' ' '\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAB\", "
                         "\"SecretAccessKey\": \"b-secret\"}'",
                  &c, &e, &took),
              0);
    CHECK_STR(c.access_key_id, "ASIAB");
    dp_creds_cleanup(&c);
    unsetenv("DMSPROV_CREDENTIAL_PROCESS_TIMEOUT");
}

static void test_streams(void)
{
    dp_creds c;
    dp_err e;
    double took;
    /* catch our own stderr and stdout while the helper runs */
    fflush(stdout);
    fflush(stderr);
    int saved_err = dup(STDERR_FILENO), saved_out = dup(STDOUT_FILENO);
    int cap = open(fx_write(&F, "captured", "", 0), O_WRONLY | O_TRUNC);
    CHECK(saved_err >= 0 && saved_out >= 0 && cap >= 0);
    dup2(cap, STDERR_FILENO);
    dup2(cap, STDOUT_FILENO);
    int rc = run("talky",
                 "echo 'helper diagnostics on stderr' >&2\n"
                 "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAT\", \"SecretAccessKey\": \"stream-secret-value\"}'",
                 &c, &e, &took);
    int rc_fail = -2;
    dp_creds c2;
    dp_err e2;
    rc_fail = run("talkyfail", "echo '{\"SecretAccessKey\": \"fail-secret-value\"'\necho 'why it failed' >&2\nexit 4",
                  &c2, &e2, &took);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_err, STDERR_FILENO);
    dup2(saved_out, STDOUT_FILENO);
    close(saved_err);
    close(saved_out);
    close(cap);
    CHECK_INT(rc, 0);
    CHECK_STR(c.secret_access_key, "stream-secret-value");
    dp_creds_cleanup(&c);
    CHECK_INT(rc_fail, -1);
    CHECK(strstr(e2.message, "fail-secret-value") == NULL);
    char text[4096] = "";
    FILE *fp = fopen(fx_path(&F, "captured"), "r");
    size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    if (fp)
        fclose(fp);
    text[n] = 0;
    CHECK(strstr(text, "helper diagnostics on stderr") != NULL);
    CHECK(strstr(text, "why it failed") != NULL);
    CHECK(strstr(text, "stream-secret-value") == NULL);
    CHECK(strstr(text, "fail-secret-value") == NULL);
}

int main(void)
{
    if (fx_init(&F))
        return 1;
    fx_clear_env();
    test_timeout();
    test_too_big();
    test_streams();
    unlink(fx_path(&F, "child.pid"));
    fx_done(&F);
    CHECK_DONE();
}
