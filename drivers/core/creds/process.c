/* process.c - credential_process: run a command, read the credentials JSON on its stdout. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "drivers/base/buf.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/subproc.h"

/* The SDKs set no limit; a hung helper must not hang dmsprov, and a minute leaves room for
 * a helper that asks for an MFA code. */
#define DEFAULT_TIMEOUT_S 60L
#define MAX_TIMEOUT_S 86400L
#define TIMEOUT_ENV "DMSPROV_CREDENTIAL_PROCESS_TIMEOUT"
/* Credentials JSON is well under 4 KiB; more is a helper printing something else. */
#define MAX_OUTPUT ((size_t)64 * 1024)

/* The time limit in seconds: DMSPROV_CREDENTIAL_PROCESS_TIMEOUT or the default; -1 when it is set wrong. */
static long timeout_s(dp_err *e)
{
    const char *v = getenv(TIMEOUT_ENV);
    if (!v || !*v)
        return DEFAULT_TIMEOUT_S;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 1 || n > MAX_TIMEOUT_S) {
        dp_err_set(e, DP_E_CONFIG, "%s must be a whole number of seconds from 1 to %ld, got \"%.40s\"", TIMEOUT_ENV,
                   MAX_TIMEOUT_S, v);
        return -1;
    }
    return n;
}

int dp_creds_from_process(const char *command, const char *profile, dp_creds *out, dp_err *e)
{
    char what[160];
    snprintf(what, sizeof what, "credential_process of profile %s", profile);
    dp_buf output;
    dp_buf_init(&output, MAX_OUTPUT);
    cJSON *doc = NULL;
    int status = 0, ret = -1;
    long limit = timeout_s(e);
    if (limit < 0)
        goto done;
    /* stdin and stderr stay the user's (prompts, diagnostics); stdout holds secrets. */
    int run = dp_subproc_run(command, what, limit * 1000, MAX_OUTPUT, &output, &status, e);
    if (run == DP_SUBPROC_TIMEOUT) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s did not finish within %ld s and was stopped (%s sets the limit)", what,
                   limit, TIMEOUT_ENV);
        goto done;
    }
    if (run == DP_SUBPROC_TOO_BIG) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s printed more than %zu bytes and was stopped (credentials JSON expected)",
                   what, MAX_OUTPUT);
        goto done;
    }
    if (run)
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
