/* test_creds_remote.c - container credentials and IMDSv2 against tests/helpers/fake_metadata.py. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/http.h"
#include "tests/helpers/creds_fixture.h"

extern char **environ;

#define CONTAINER_TOKEN "container-auth-token"

static fx F;
static pid_t server_pid = -1;
static char base_url[64];

/* Starts the fake server; fills base_url ("http://127.0.0.1:PORT"). Returns 0 or -1. */
static int start_server(void)
{
    const char *src = getenv("DP_SOURCE_DIR");
    char script[512];
    snprintf(script, sizeof script, "%s/tests/helpers/fake_metadata.py", src && *src ? src : ".");
    const char *py = getenv("DP_PYTHON");
    if (!py || !*py)
        py = access("/root/.pyenv/versions/3.11.7/bin/python3", X_OK) == 0 ? "/root/.pyenv/versions/3.11.7/bin/python3"
                                                                          : "python3";
    int fds[2];
    if (pipe(fds))
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    char *argv[] = {(char *)py, script, "--container-token", CONTAINER_TOKEN, "--lifetime", "60", NULL};
    int rc = posix_spawnp(&server_pid, py, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc) {
        fprintf(stderr, "cannot start %s: %s\n", py, strerror(rc));
        close(fds[0]);
        server_pid = -1;
        return -1;
    }
    char line[32] = "";
    size_t len = 0;
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    while (len < sizeof line - 1 && !strchr(line, '\n') && poll(&p, 1, 15000) > 0) {
        ssize_t n = read(fds[0], line + len, sizeof line - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        line[len] = '\0';
    }
    close(fds[0]);
    char *end;
    long port = strtol(line, &end, 10);
    if (end == line || port <= 0 || port > 65535) {
        fprintf(stderr, "fake_metadata.py did not print a port (got \"%s\")\n", line);
        return -1;
    }
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%ld", port);
    return 0;
}

static void stop_server(void)
{
    if (server_pid <= 0)
        return;
    kill(server_pid, SIGTERM);
    while (waitpid(server_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    server_pid = -1;
}

static int chain_get(dp_creds *out, dp_err *e)
{
    dp_err_clear(e);
    dp_creds_chain *ch = dp_creds_chain_new(NULL, NULL, NULL, NULL);
    int rc = dp_creds_chain_get(ch, time(NULL), out, e);
    dp_creds_chain_free(ch);
    return rc;
}

static void test_container(void)
{
    dp_creds c = {0};
    dp_err e;
    char url[128];
    fx_clear_env();
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    snprintf(url, sizeof url, "%s/container/creds", base_url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);

    /* with the token in the environment */
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN, 1);
    CHECK_INT(chain_get(&c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIACONTAINEREXAMPLE");
    CHECK_STR(c.secret_access_key, "container-secret-key");
    CHECK_STR(c.session_token, "container-session-token");
    CHECK_STR(c.source, "container credentials");
    CHECK(c.expiration > time(NULL) + 3600);
    dp_creds_cleanup(&c);
    if (e.kind)
        fprintf(stderr, "  container: %s\n", e.message);

    /* a wrong token fails with a clear error (no fall-through) */
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token", 1);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "answered HTTP 401") != NULL);
    CHECK(strstr(e.message, "wrong-token") == NULL);

    /* the token file (with a trailing newline) wins over the variable */
    const char *tf = fx_write(&F, "token", CONTAINER_TOKEN "\n", 0);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tf, 1);
    CHECK_INT(chain_get(&c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIACONTAINEREXAMPLE");
    dp_creds_cleanup(&c);
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    CHECK_INT(chain_get(&c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIACONTAINEREXAMPLE");
    dp_creds_cleanup(&c);

    /* a wrong token in the file fails too */
    fx_write(&F, "token", "not-the-token\n", 0);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK(strstr(e.message, "HTTP 401") != NULL);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", fx_path(&F, "no-such-token-file"), 1);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK(strstr(e.message, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") != NULL);
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");

    /* no token at all */
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK(strstr(e.message, "HTTP 401") != NULL);

    /* FULL_URI must be loopback or https */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    CHECK(strstr(e.message, "must use https or a loopback host") != NULL);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds", 1);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:1/creds", 1);
    CHECK_INT(chain_get(&c, &e), -1); /* allowed, but nothing listens: a network failure */
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "container credentials") != NULL);
    fx_clear_env();
}

static void test_imds(void)
{
    dp_creds c = {0};
    dp_err e;
    fx_clear_env();
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base_url, 1);
    CHECK_INT(chain_get(&c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIAIMDSEXAMPLE");
    CHECK_STR(c.secret_access_key, "imds-secret-key");
    CHECK_STR(c.session_token, "imds-session-token");
    CHECK_STR(c.source, "EC2 instance metadata (role lab-role)");
    CHECK(c.expiration > time(NULL) + 3600);
    dp_creds_cleanup(&c);
    if (e.kind)
        fprintf(stderr, "  imds: %s\n", e.message);

    /* the server really insists on the session token (so the success above used one) */
    dp_http *h = dp_http_new(NULL);
    dp_response r;
    dp_response_init(&r);
    char url[160];
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base_url);
    CHECK_INT(dp_http_simple(h, "GET", url, NULL, NULL, &r, &e), 0);
    CHECK_INT(r.status, 401);
    const char *bad[] = {"X-aws-ec2-metadata-token: forged", NULL};
    CHECK_INT(dp_http_simple(h, "GET", url, bad, NULL, &r, &e), 0);
    CHECK_INT(r.status, 401);
    snprintf(url, sizeof url, "%s/latest/api/token", base_url);
    CHECK_INT(dp_http_simple(h, "PUT", url, NULL, NULL, &r, &e), 0);
    CHECK_INT(r.status, 400); /* the TTL header is required */
    dp_response_cleanup(&r);
    dp_http_free(h);

    /* an instance without a role: nothing found, said so */
    char norole[128];
    snprintf(norole, sizeof norole, "%s/norole/", base_url);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", norole, 1);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK(strstr(e.message, "EC2 instance metadata (no IAM role attached to the instance)") != NULL);

    /* disabled: not even asked */
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base_url, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
    CHECK_INT(chain_get(&c, &e), -1);
    CHECK(strstr(e.message, "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)") != NULL);

    /* container credentials come before IMDS */
    unsetenv("AWS_EC2_METADATA_DISABLED");
    snprintf(url, sizeof url, "%s/container/creds", base_url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN, 1);
    CHECK_INT(chain_get(&c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIACONTAINEREXAMPLE");
    dp_creds_cleanup(&c);
    /* and the environment before both */
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    CHECK_INT(chain_get(&c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIAENV");
    dp_creds_cleanup(&c);
    fx_clear_env();
}

int main(void)
{
    if (fx_init(&F) || dp_http_global_init())
        return 1;
    signal(SIGPIPE, SIG_IGN);
    setenv("no_proxy", "127.0.0.1,localhost", 1); /* a proxy in the environment must not catch the loopback calls */
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    if (start_server()) {
        stop_server();
        fx_done(&F);
        fprintf(stderr, "could not start tests/helpers/fake_metadata.py\n");
        return 1;
    }
    test_container();
    test_imds();
    stop_server();
    fx_done(&F);
    dp_http_global_cleanup();
    CHECK_DONE();
}
