/* rotate_steps.c - the steps create, set and test of a rotation, and their order. */
#include "provisioner/rotate/rotate_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/base/jsonutil.h"
#include "drivers/resources/password.h"
#include "provisioner/rotate/rotate_aws.h"
#include "provisioner/rotate/rotate_finish.h"
#include "provisioner/rotate/rotate_login.h"
#include "provisioner/rotate/rotate_record.h"

#define RDS_WAIT_DEFAULT_S 1800

/* ---------------------------------------------------------------- create */

static int new_password(const dp_rot_config *cfg, char *out, size_t n, dp_err *e)
{
    dp_password_rules rules;
    dp_password_rules_default(&rules);
    rules.length = cfg->length;
    rules.exclude_characters = cfg->exclude_chars;
    rules.exclude_punctuation = cfg->exclude_punctuation;
    rules.exclude_numbers = cfg->exclude_numbers;
    rules.exclude_uppercase = cfg->exclude_upper;
    rules.exclude_lowercase = cfg->exclude_lower;
    rules.include_space = false;
    rules.require_each_included_type = cfg->require_each;
    return dp_password_generate(&rules, out, n, e);
}

/* Result of create: 0 go on with set, 1 the version is already AWSCURRENT (go to finish). */
static int step_create(dp_rot_run *r, dp_err *e)
{
    cJSON *desc = NULL;
    if (dp_rot_sm_describe(r->c, r->secret, &desc, e))
        return -1;
    int rc = -1;
    if (dp_rot_sm_version_has(desc, r->token, "AWSCURRENT")) {
        printf("  create: version %s is already AWSCURRENT (finishing an interrupted rotation)\n", r->token);
        rc = 1;
        goto done;
    }
    if (dp_rot_sm_version_has(desc, r->token, "AWSPENDING")) {
        printf("  create: reusing pending version %s (AWSPENDING)\n", r->token);
        rc = 0;
        goto done;
    }
    /* AWSPENDING on another version: an abandoned rotation of someone else; it goes away */
    const char *stale = dp_rot_sm_version_with(desc, "AWSPENDING");
    if (stale && dp_rot_sm_stage(r->c, r->secret, "AWSPENDING", NULL, stale, e))
        goto done;
    char *current = NULL;
    if (dp_rot_sm_get(r->c, r->secret, NULL, "AWSCURRENT", &current, e))
        goto done;
    cJSON *doc = cJSON_Parse(current);
    dp_secret_free(current);
    if (!cJSON_IsObject(doc) || !dp_json_str(doc, "username")) {
        cJSON_Delete(doc);
        dp_err_set(e, DP_E_INPUT, "secret %s must hold JSON with username and password (and host, port, dbname)",
                   r->cfg.secret_id);
        goto done;
    }
    char pw[DP_PASSWORD_MAX_LENGTH + 1];
    if (new_password(&r->cfg, pw, sizeof pw, e)) {
        cJSON_Delete(doc);
        goto done;
    }
    cJSON *v = cJSON_CreateString(pw);
    memset(pw, 0, sizeof pw);
    if (cJSON_HasObjectItem(doc, "password"))
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "password", v);
    else
        cJSON_AddItemToObject(doc, "password", v);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc); /* cJSON frees without wiping; the text below is wiped */
    if (!text) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    rc = dp_rot_sm_put_pending(r->c, r->secret, r->token, text, e);
    dp_secret_free(text);
    if (!rc)
        printf("  create: new version %s labelled AWSPENDING\n", r->token);
done:
    cJSON_Delete(desc);
    return rc;
}

/* ---------------------------------------------------------------- set / test */

typedef struct versions {
    cJSON *pending, *current, *previous; /* parsed secret JSON; previous may be NULL */
} versions;

static void versions_free(versions *v)
{
    cJSON_Delete(v->pending);
    cJSON_Delete(v->current);
    cJSON_Delete(v->previous);
}

static cJSON *get_json(dp_rot_run *r, const char *version, const char *stage, dp_err *e)
{
    char *s = NULL;
    if (dp_rot_sm_get(r->c, r->secret, version, stage, &s, e))
        return NULL;
    cJSON *doc = cJSON_Parse(s);
    dp_secret_free(s);
    if (!cJSON_IsObject(doc) || !dp_json_str(doc, "password")) {
        cJSON_Delete(doc);
        dp_err_set(e, DP_E_INPUT, "secret %s (%s) is not JSON with a password", r->cfg.secret_id, stage);
        return NULL;
    }
    return doc;
}

static int load_versions(dp_rot_run *r, versions *v, dp_err *e)
{
    memset(v, 0, sizeof *v);
    if (!(v->pending = get_json(r, r->token, "AWSPENDING", e)) || !(v->current = get_json(r, NULL, "AWSCURRENT", e)))
        return -1;
    dp_err ignore;
    v->previous = get_json(r, NULL, "AWSPREVIOUS", &ignore); /* none before the first rotation */
    return 0;
}

static int set_api(dp_rot_run *r, const versions *v, dp_err *e)
{
    int n = 0;
    for (size_t i = 0; i < r->cfg.ntargets; i++) {
        const dp_rot_target *t = &r->cfg.targets[i];
        if (t->kind != DP_ROT_CLUSTER)
            continue;
        const char *id = dp_rot_physical_id(r, t->logical_id, t->name);
        if (!id) {
            dp_err_set(e, DP_E_NOT_FOUND, "%s: no physical id in the state and no DBClusterIdentifier", t->logical_id);
            return -1;
        }
        if (dp_rot_rds_set_password(r->c, id, dp_json_str(v->pending, "password"), e) ||
            dp_rot_rds_wait(r->c, id, r->o->wait_seconds > 0 ? r->o->wait_seconds : RDS_WAIT_DEFAULT_S, e))
            return -1;
        printf("  set: DB cluster %s (%s): master password changed; cluster available\n", t->logical_id, id);
        n++;
    }
    if (!n) {
        dp_err_set(e, DP_E_INPUT,
                   "no AWS::RDS::DBCluster in the template takes its MasterUserPassword from %s; use --method sql",
                   r->cfg.secret_id);
        return -1;
    }
    return 0;
}

/* Says where the login goes when the secret does not hold the host itself. */
static void print_login(const dp_rot_login *l)
{
    if (l->db.host && strcmp(l->from, "the secret"))
        printf("  login: %s:%s, database %s (host from %s)\n", l->db.host, l->db.port,
               l->db.dbname ? l->db.dbname : "postgres", l->from);
}

static int set_sql(dp_rot_run *r, const versions *v, dp_err *e)
{
    dp_rot_login l;
    if (dp_rot_login_find(r, v->pending, &l, e))
        return -1;
    int rc = -1;
    if (!l.db.host) {
        dp_err_set(e, DP_E_INPUT,
                   "--method sql: no database host: the secret %s has none, no DB cluster in the template takes its "
                   "password from it, and no SSM parameter is marked Metadata {\"dmsprov:login\": \"host\"}",
                   r->cfg.secret_id);
        goto done;
    }
    print_login(&l);
    const char *pending = dp_json_str(v->pending, "password");
    dp_err why;
    dp_err_clear(&why); /* the SQL layer sets only kind and message */
    int got = dp_rot_sql_login(&l.db, pending, &why);
    if (got == DP_ROT_LOGIN_OK) {
        printf("  set: the pending password already logs in; nothing to change\n");
        rc = 0;
        goto done;
    }
    if (got != DP_ROT_LOGIN_REFUSED) {
        *e = why;
        goto done;
    }
    const cJSON *logins[] = {v->current, v->previous};
    const char *names[] = {"AWSCURRENT", "AWSPREVIOUS"};
    for (int i = 0; i < 2; i++) {
        if (!logins[i])
            continue;
        if (!dp_rot_sql_set_password(&l.db, dp_json_str(logins[i], "password"), pending, &why)) {
            printf("  set: ALTER ROLE %s PASSWORD (logged in with %s)\n", l.db.user, names[i]);
            rc = 0;
            goto done;
        }
    }
    *e = why;
    dp_err_prefix(e, "neither AWSCURRENT nor AWSPREVIOUS logs in to change the password");
done:
    dp_rot_login_cleanup(&l);
    return rc;
}

static int step_test(dp_rot_run *r, const versions *v, dp_err *e)
{
    dp_rot_login l;
    dp_err why;
    dp_err_clear(&why);
    if (dp_rot_login_find(r, v->pending, &l, &why)) {
        if (r->o->method == DP_ROT_API) { /* the database was changed through the API: no login needed */
            printf("  test: login test skipped: %s\n", why.message);
            return 0;
        }
        *e = why;
        return -1;
    }
    int rc = 0;
    if (!l.db.host) {
        printf("  test: login test skipped: the secret has no host, no DB cluster takes its password from it and no "
               "SSM parameter is marked dmsprov:login host\n");
        goto done;
    }
    if (r->o->method == DP_ROT_API) /* set_sql printed it already */
        print_login(&l);
    l.db.connect_timeout = r->o->method == DP_ROT_API ? 3 : 5;
    int got = dp_rot_sql_login(&l.db, dp_json_str(v->pending, "password"), &why);
    if (got == DP_ROT_LOGIN_OK) {
        printf("  test: login with the pending password succeeded (SELECT 1)\n");
    } else if (got == DP_ROT_LOGIN_UNREACHABLE && r->o->method == DP_ROT_API) {
        printf("  test: login test skipped: database %s:%s not reachable (%s)\n", l.db.host, l.db.port, why.message);
    } else {
        *e = why;
        dp_err_prefix(e, "the pending password does not log in (AWSCURRENT unchanged; run rotate again)");
        rc = -1;
    }
done:
    dp_rot_login_cleanup(&l);
    return rc;
}

/* ---------------------------------------------------------------- the steps in order */

int dp_rot_steps(dp_rot_run *r, dp_err *e)
{
    int created = step_create(r, e);
    if (created < 0)
        return -1;
    if (created == 0) {
        const char *step = dp_json_str(r->rec, "step");
        bool set_done = step && !strcmp(step, "set-done"); /* by an interrupted run */
        if (!set_done && dp_rot_mark(r, "step", "created", e))
            return -1;
        dp_rot_test_crash("create");
        versions v;
        int rc = load_versions(r, &v, e);
        if (!rc && r->o->method == DP_ROT_API && set_done)
            printf("  set: already done by the interrupted run\n");
        else if (!rc)
            rc = r->o->method == DP_ROT_API ? set_api(r, &v, e) : set_sql(r, &v, e);
        if (!rc && !(rc = dp_rot_mark(r, "step", "set-done", e)))
            dp_rot_test_crash("set");
        if (!rc && !(rc = step_test(r, &v, e)))
            dp_rot_test_crash("test");
        versions_free(&v);
        if (rc)
            return -1;
    }
    if (dp_rot_finish(r, e))
        return -1;
    dp_rot_test_crash("finish");
    return 0;
}
