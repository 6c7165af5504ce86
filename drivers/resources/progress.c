/* progress.c - the progress events and resource models of driver.h: how a handler reports
 * success, failure (secrets scrubbed from the message) and the model it read. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/jsonutil.h"
#include "drivers/base/log.h"
#include "drivers/resources/driver.h"

void dp_progress_init(dp_progress *p) { memset(p, 0, sizeof *p); }

void dp_progress_cleanup(dp_progress *p)
{
    cJSON_Delete(p->context);
    cJSON_Delete(p->model);
    p->context = p->model = NULL;
}

void dp_progress_success(dp_progress *p, cJSON *model)
{
    cJSON_Delete(p->model);
    cJSON_Delete(p->context);
    p->context = NULL;
    p->model = model;
    p->status = DP_OP_SUCCESS;
}

/* Scrubs the secret-named string properties of desired from an error message: a service's
 * validation message may echo a value we sent. Tags and a non-SecureString "Value" are not
 * secrets (and scrubbing short common words would garble the message). */
static void scrub_secrets(dp_err *e, const cJSON *obj, int depth)
{
    const cJSON *m;
    if (depth > 8 || !(cJSON_IsObject(obj) || cJSON_IsArray(obj)))
        return;
    bool secure = cJSON_IsObject(obj) && dp_json_str(obj, "Type") && !strcmp(dp_json_str(obj, "Type"), "SecureString");
    cJSON_ArrayForEach(m, obj)
    {
        if (m->string && !strcmp(m->string, "Tags"))
            continue;
        if (cJSON_IsString(m) && m->string && dp_log_is_secret_name(m->string, strlen(m->string)) &&
            (secure || strcasecmp(m->string, "Value")))
            dp_err_scrub(e, m->valuestring);
        else
            scrub_secrets(e, m, depth + 1);
    }
}

void dp_progress_fail(dp_progress *p, const dp_resource_req *r, const char *verb, const dp_err *e)
{
    p->status = DP_OP_FAILED;
    if (e)
        p->err = *e;
    if (r)
        scrub_secrets(&p->err, r->desired, 0);
    if (!p->err.kind)
        p->err.kind = DP_E_INTERNAL;
    if (r && r->logical_id)
        dp_err_prefix(&p->err, "%s %s", verb, r->logical_id);
    cJSON_Delete(p->context);
    p->context = NULL;
}

void dp_progress_failf(dp_progress *p, enum dp_err_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p->status = DP_OP_FAILED;
    p->err.kind = kind;
    vsnprintf(p->err.message, sizeof p->err.message, fmt, ap);
    va_end(ap);
    cJSON_Delete(p->context);
    p->context = NULL;
}

cJSON *dp_model_new(const char *physical_id, cJSON *props)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "PhysicalId", physical_id ? physical_id : "");
    cJSON_AddItemToObject(m, "Properties", props ? props : cJSON_CreateObject());
    cJSON_AddObjectToObject(m, "Attributes");
    return m;
}

void dp_model_attr(cJSON *model, const char *name, const char *value)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(model, "Attributes");
    if (!a || !value)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(a, name);
    cJSON_AddStringToObject(a, name, value);
}
