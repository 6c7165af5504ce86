/* rotate_run.c - one `dmsprov rotate` run: lock, state, the idempotency token (stored before
 * the first write), --if-due, --dry-run, the steps, and the rotation history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/base/jsonutil.h"
#include "drivers/base/num.h"
#include "drivers/base/rand.h"
#include "drivers/base/timefmt.h"
#include "provisioner/rotate/rotate_aws.h"
#include "provisioner/rotate/rotate_record.h"
#include "provisioner/rotate/rotate_schedule.h"
#include "provisioner/rotate/rotate_steps.h"
#include "provisioner/session/session.h"

#define HISTORY_MAX 50

/* The rotation's token: a random UUID (36 characters, within Secrets Manager's 32-64). */
static int new_token(char out[40], dp_err *e)
{
    if (dp_random_uuid(out)) {
        dp_err_set(e, DP_E_INTERNAL, "the CSPRNG failed");
        return -1;
    }
    return 0;
}

/* The interrupted rotation of this secret in the history, or NULL. Borrowed. */
static cJSON *find_in_progress(cJSON *state, const char *secret)
{
    cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItemCaseSensitive(state, "rotations"))
    {
        const char *s = dp_json_str(rec, "secret"), *st = dp_json_str(rec, "status");
        if (s && st && !strcmp(s, secret) && !strcmp(st, "in_progress"))
            return rec;
    }
    return NULL;
}

/* When the secret was last rotated: the state's history, dmsprov's tag on the secret, AWS's
 * LastRotatedDate, else its creation (the password set then). 0 when unknown. */
static int last_rotation(dp_rot_run *r, time_t *last, dp_err *e)
{
    *last = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItemCaseSensitive(r->state, "rotations"))
    {
        const char *s = dp_json_str(rec, "secret"), *st = dp_json_str(rec, "status"), *f = dp_json_str(rec, "finished");
        time_t t;
        if (s && st && f && !strcmp(s, r->cfg.secret_id) && !strcmp(st, "complete") && !dp_time_parse(f, &t) &&
            t > *last)
            *last = t;
    }
    cJSON *desc = NULL;
    if (dp_rot_sm_describe(r->c, r->secret, &desc, e))
        return -1;
    time_t t;
    const char *tag = dp_rot_sm_tag_value(desc, "dmsprov:last-rotated");
    if (tag && !dp_time_parse(tag, &t) && t > *last)
        *last = t;
    const char *dates[] = {"LastRotatedDate", "CreatedDate"};
    for (int i = 0; i < 2 && !*last; i++) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(desc, dates[i]);
        long long secs;
        if (cJSON_IsNumber(d) && d->valuedouble > 0 && dp_double_to_ll(d->valuedouble, &secs))
            *last = (time_t)secs;
    }
    cJSON_Delete(desc);
    return 0;
}

static void print_dependents(const dp_rot_run *r)
{
    static const char *const what[] = {"DB cluster (master password)", "SSM parameter (copy)",
                                       "DMS endpoint (Password)", "DMS endpoint (reads the secret; nothing to do)"};
    for (size_t i = 0; i < r->cfg.ntargets; i++) {
        const dp_rot_target *t = &r->cfg.targets[i];
        const char *id = dp_rot_physical_id(r, t->logical_id, t->name);
        printf("  dependent: %s %s%s%s%s\n", what[t->kind], t->logical_id, id ? " (" : "", id ? id : "", id ? ")" : "");
    }
}

/* Appends a new in-progress record and saves it: the token exists in the state before any
 * AWS write, so a run killed at any point is resumed with the same token. */
static int begin_record(dp_rot_run *r, dp_err *e)
{
    if (new_token(r->token, e))
        return -1;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(r->state, "rotations");
    if (!cJSON_IsArray(list)) {
        cJSON_DeleteItemFromObjectCaseSensitive(r->state, "rotations");
        list = cJSON_AddArrayToObject(r->state, "rotations");
    }
    while (cJSON_GetArraySize(list) >= HISTORY_MAX)
        cJSON_DeleteItemFromArray(list, 0);
    char now[32];
    dp_time_format(time(NULL), now, sizeof now);
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "secret", r->cfg.secret_id);
    cJSON_AddStringToObject(rec, "token", r->token);
    cJSON_AddStringToObject(rec, "method", r->o->method == DP_ROT_SQL ? "sql" : "api");
    cJSON_AddStringToObject(rec, "started", now);
    cJSON_AddStringToObject(rec, "status", "in_progress");
    cJSON_AddItemToArray(list, rec);
    r->rec = rec;
    return dp_rot_save(r, e);
}

static int finish_record(dp_rot_run *r, dp_err *e)
{
    char now[32];
    dp_time_format(time(NULL), now, sizeof now);
    cJSON_DeleteItemFromObjectCaseSensitive(r->rec, "step");
    cJSON_AddStringToObject(r->rec, "finished", now);
    return dp_rot_mark(r, "status", "complete", e);
}

static int load(dp_rot_run *r, dp_err *e)
{
    if (!(r->c = dp_session_client(r->g, e)) || !(r->store = dp_state_open(r->g->state, r->c, e)))
        return -1;
    if (!r->o->dry_run) {
        if (dp_state_lock(r->store, r->o->stack, "rotate", false, e))
            return -1;
        r->locked = true;
    }
    if (dp_state_read(r->store, r->o->stack, &r->state, e))
        return -1;
    if (!r->state) {
        dp_err_set(e, DP_E_NOT_FOUND, "stack %s has no state at %s; create it with dmsprov apply first", r->o->stack,
                   dp_state_describe(r->store, r->o->stack));
        return -1;
    }
    const char *tpl = r->o->template_path ? r->o->template_path : dp_json_str(r->state, "template");
    if (!tpl) {
        dp_err_set(e, DP_E_USAGE, "give the stack's template with --template FILE");
        return -1;
    }
    if (dp_rot_config_load(tpl, r->o->secret, &r->cfg, e))
        return -1;
    const char *sid = dp_rot_physical_id(r, r->cfg.secret_id, r->cfg.secret_name);
    if (!sid) {
        dp_err_set(e, DP_E_NOT_FOUND, "secret %s: no physical id in the state and no Name in the template",
                   r->cfg.secret_id);
        return -1;
    }
    snprintf(r->secret, sizeof r->secret, "%s", sid);
    return 0;
}

static int run(dp_rot_run *r, dp_err *e)
{
    if (load(r, e))
        return -1;
    r->rec = find_in_progress(r->state, r->cfg.secret_id);
    if (!r->rec && r->o->if_due) {
        time_t last, next = 0;
        bool due = false;
        dp_rot_rules rules = {r->cfg.after_days, r->cfg.expression};
        if (last_rotation(r, &last, e) || dp_rot_is_due(&rules, last, time(NULL), &due, &next, e))
            return -1;
        if (!due) /* cron-friendly: quiet */
            return 0;
    }
    if (r->o->dry_run) {
        printf("rotate %s: would %s secret %s (%s) with method %s\n", r->o->stack, r->rec ? "resume rotating" : "rotate",
               r->cfg.secret_id, r->secret, r->o->method == DP_ROT_SQL ? "sql" : "api");
        print_dependents(r);
        return 0;
    }
    if (r->rec) {
        snprintf(r->token, sizeof r->token, "%s", dp_json_str(r->rec, "token") ? dp_json_str(r->rec, "token") : "");
        if (strlen(r->token) < 32) {
            dp_err_set(e, DP_E_PARSE, "the state's interrupted rotation of %s has no valid token", r->cfg.secret_id);
            return -1;
        }
        printf("rotate %s: resuming the interrupted rotation of %s (%s), version %s\n", r->o->stack, r->cfg.secret_id,
               r->secret, r->token);
    } else {
        if (begin_record(r, e))
            return -1;
        printf("rotate %s: rotating secret %s (%s), method %s, new version %s\n", r->o->stack, r->cfg.secret_id,
               r->secret, r->o->method == DP_ROT_SQL ? "sql" : "api", r->token);
    }
    fflush(stdout);
    if (dp_rot_steps(r, e) || finish_record(r, e))
        return -1;
    printf("rotated %s: version %s is AWSCURRENT\n", r->cfg.secret_id, r->token);
    return 0;
}

int dp_rotate_run(const dp_globals *g, const dp_rot_options *o)
{
    dp_rot_run r;
    memset(&r, 0, sizeof r);
    r.g = g;
    r.o = o;
    dp_err e;
    dp_err_clear(&e);
    int rc = run(&r, &e);
    fflush(stdout);
    if (rc)
        dp_session_fail(&e);
    if (r.locked) {
        dp_err ignore;
        dp_state_unlock(r.store, o->stack, &ignore);
    }
    dp_rot_config_cleanup(&r.cfg);
    cJSON_Delete(r.state);
    dp_state_close(r.store);
    dp_client_free(r.c);
    return rc ? DP_EXIT_ERROR : DP_EXIT_OK;
}
