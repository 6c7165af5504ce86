/* lock_info.c - the lock-holder record (who, pid, operation, since) and the contention message. */
#include <cjson/cJSON.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/base/num.h"
#include "drivers/base/rand.h"
#include "provisioner/state/state_backend.h"

/* "user@host": the password database first (USER can be stale under sudo), then LOGNAME/USER. */
static void holder_name(char *out, size_t n)
{
    char user[256] = "";
    struct passwd pw, *res = NULL;
    char pwbuf[4096];
    if (!getpwuid_r(geteuid(), &pw, pwbuf, sizeof pwbuf, &res) && res && res->pw_name)
        snprintf(user, sizeof user, "%s", res->pw_name);
    if (!user[0]) {
        const char *env = getenv("LOGNAME");
        if (!env || !env[0])
            env = getenv("USER");
        if (env && env[0])
            snprintf(user, sizeof user, "%s", env);
        else
            snprintf(user, sizeof user, "uid%ld", (long)geteuid());
    }
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) || !host[0])
        snprintf(host, sizeof host, "unknown-host");
    host[sizeof host - 1] = '\0';
    snprintf(out, n, "%s@%s", user, host);
}

char *dp_lock_info_new(const char *operation, char id[33], dp_err *e)
{
    if (dp_random_hex(id, 16)) {
        dp_err_set(e, DP_E_INTERNAL, "no random bytes for the lock id (OpenSSL RAND_bytes failed)");
        return NULL;
    }
    char who[520], since[32];
    holder_name(who, sizeof who);
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(since, sizeof since, "unknown");
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    if (o && cJSON_AddStringToObject(o, "holder", who) && cJSON_AddNumberToObject(o, "pid", (double)getpid()) &&
        cJSON_AddStringToObject(o, "operation", operation && operation[0] ? operation : "unknown") &&
        cJSON_AddStringToObject(o, "since", since) && cJSON_AddStringToObject(o, "id", id))
        text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        dp_err_set(e, DP_E_NOMEM, "out of memory building the lock record");
    return text;
}

bool dp_lock_info_is(const char *holder_json, const char *id)
{
    cJSON *o = holder_json ? cJSON_Parse(holder_json) : NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");
    bool same = cJSON_IsString(v) && id && !strcmp(v->valuestring, id);
    cJSON_Delete(o);
    return same;
}

static const char *str_field(const cJSON *o, const char *name, const char *fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : fallback;
}

int dp_lock_info_message(dp_buf *out, const char *stack, const char *holder_json, bool break_refused)
{
    cJSON *o = holder_json && holder_json[0] ? cJSON_Parse(holder_json) : NULL;
    int rc;
    if (o) {
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(o, "pid");
        rc = dp_buf_printf(out, "stack \"%s\" is locked by %s (pid %lld, %s) since %s", stack,
                           str_field(o, "holder", "an unknown holder"),
                           cJSON_IsNumber(pid) ? dp_double_to_ll_or(pid->valuedouble, -1) : -1LL,
                           str_field(o, "operation", "unknown operation"), str_field(o, "since", "an unknown time"));
    } else {
        /* The holder is between taking the lock and recording itself, or the record is damaged. */
        rc = dp_buf_printf(out, "stack \"%s\" is locked by another run (holder details unavailable)", stack);
    }
    cJSON_Delete(o);
    if (break_refused)
        rc |= dp_buf_puts(out, "; that run still holds the lock file (flock), so it is alive and --break-lock "
                               "cannot override it: wait for it to finish or stop that process");
    else
        rc |= dp_buf_puts(out, "; wait for it to finish or, if that run is gone, rerun with --break-lock");
    return rc ? -1 : 0;
}
