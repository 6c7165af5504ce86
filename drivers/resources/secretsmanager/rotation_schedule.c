/* rotation_schedule.c - AWS::SecretsManager::RotationSchedule, recorded on the secret.
 *
 * dmsprov never calls RotateSecret (there is no rotation Lambda in a lab): the schedule is
 * written as tags on the secret for `dmsprov rotate` to find:
 *   dmsprov:rotation-stack / -logical-id   who owns the schedule
 *   dmsprov:rotation-secret-id             SecretId as the template gave it
 *   dmsprov:rotation-schedule              "rate(N days)" or the ScheduleExpression
 *   dmsprov:rotation-after-days            AutomaticallyAfterDays, when given
 *   dmsprov:rotation-duration              RotationRules.Duration, when given
 *   dmsprov:rotation-type                  HostedRotationLambda.RotationType, "lambda" with
 *                                          RotationLambdaARN, else "dmsprov"
 *   dmsprov:rotation-lambda                RotationLambdaARN, when given
 * Values are encoded with dp_rotation_tag_encode. PhysicalId (and Ref) is the secret's ARN,
 * as in CloudFormation; delete removes these tags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/common.h"
#include "drivers/resources/secretsmanager/secret_api.h"

#define TYPE "AWS::SecretsManager::RotationSchedule"
#define K_STACK DP_ROTATION_TAG_PREFIX "stack"
#define K_LOGICAL DP_ROTATION_TAG_PREFIX "logical-id"
#define K_SECRET DP_ROTATION_TAG_PREFIX "secret-id"
#define K_SCHEDULE DP_ROTATION_TAG_PREFIX "schedule"
#define K_DAYS DP_ROTATION_TAG_PREFIX "after-days"
#define K_DURATION DP_ROTATION_TAG_PREFIX "duration"
#define K_KIND DP_ROTATION_TAG_PREFIX "type"
#define K_LAMBDA DP_ROTATION_TAG_PREFIX "lambda"

static const char *const all_keys[] = {K_STACK, K_LOGICAL, K_SECRET, K_SCHEDULE, K_DAYS, K_DURATION, K_KIND, K_LAMBDA};

static int add_tag(cJSON *tags, const char *key, const char *value, dp_err *e)
{
    char enc[512];
    if (dp_rotation_tag_encode(value, enc, sizeof enc)) {
        dp_err_set(e, DP_E_INPUT, "%s is too long to record", key + strlen(DP_ROTATION_TAG_PREFIX));
        return -1;
    }
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "Key", key);
    cJSON_AddStringToObject(t, "Value", enc);
    cJSON_AddItemToArray(tags, t);
    return 0;
}

/* The tags that record the desired schedule; NULL with e set on bad properties. */
static cJSON *schedule_tags(const dp_resource_req *r, dp_err *e)
{
    const cJSON *d = r->desired, *rules = dp_prop(d, "RotationRules");
    const char *secret = dp_prop_str(d, "SecretId"), *expr = dp_prop_str(rules, "ScheduleExpression");
    const char *lambda = dp_prop_str(d, "RotationLambdaARN");
    const char *hosted = dp_prop_str(dp_prop(d, "HostedRotationLambda"), "RotationType");
    long days = dp_prop_long(rules, "AutomaticallyAfterDays", 0);
    if (!secret) {
        dp_err_set(e, DP_E_INPUT, "SecretId is required");
        return NULL;
    }
    if (!expr && !dp_prop(rules, "AutomaticallyAfterDays")) {
        dp_err_set(e, DP_E_INPUT, "RotationRules needs ScheduleExpression or AutomaticallyAfterDays");
        return NULL;
    }
    if (expr && dp_prop(rules, "AutomaticallyAfterDays")) {
        dp_err_set(e, DP_E_INPUT, "RotationRules takes ScheduleExpression or AutomaticallyAfterDays, not both");
        return NULL;
    }
    size_t el = expr ? strlen(expr) : 0;
    if (expr && (el < 7 || (strncmp(expr, "rate(", 5) && strncmp(expr, "cron(", 5)) || expr[el - 1] != ')')) {
        dp_err_set(e, DP_E_INPUT, "RotationRules.ScheduleExpression must be rate(...) or cron(...), got %s", expr);
        return NULL;
    }
    if (!expr && (days < 1 || days > 1000)) {
        dp_err_set(e, DP_E_INPUT, "RotationRules.AutomaticallyAfterDays must be from 1 to 1000");
        return NULL;
    }
    char sched[64], dstr[24];
    snprintf(dstr, sizeof dstr, "%ld", days);
    snprintf(sched, sizeof sched, "rate(%ld day%s)", days, days == 1 ? "" : "s");
    const char *duration = dp_prop_str(rules, "Duration");
    cJSON *tags = cJSON_CreateArray();
    int bad = add_tag(tags, K_STACK, r->stack, e) || add_tag(tags, K_LOGICAL, r->logical_id, e) ||
              add_tag(tags, K_SECRET, secret, e) || add_tag(tags, K_SCHEDULE, expr ? expr : sched, e) ||
              (!expr && add_tag(tags, K_DAYS, dstr, e)) || (duration && add_tag(tags, K_DURATION, duration, e)) ||
              add_tag(tags, K_KIND, hosted ? hosted : lambda ? "lambda" : "dmsprov", e) ||
              (lambda && add_tag(tags, K_LAMBDA, lambda, e));
    if (bad) {
        cJSON_Delete(tags);
        return NULL;
    }
    return tags;
}

/* A rotation tag's decoded value from DescribeSecret's Tags, into out; NULL when absent. */
static const char *rtag(const cJSON *tags, const char *key, char *out, size_t n)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value");
        if (k && v && !strcmp(k, key))
            return dp_rotation_tag_decode(v, out, n) ? NULL : out;
    }
    return NULL;
}

static cJSON *model_from(const cJSON *d)
{
    const cJSON *tags = dp_prop(d, "Tags");
    const char *arn = dp_prop_str(d, "ARN");
    char buf[512];
    cJSON *props = cJSON_CreateObject();
    cJSON_AddStringToObject(props, "SecretId", rtag(tags, K_SECRET, buf, sizeof buf) ? buf : arn);
    cJSON *rules = cJSON_AddObjectToObject(props, "RotationRules");
    if (rtag(tags, K_DAYS, buf, sizeof buf))
        cJSON_AddNumberToObject(rules, "AutomaticallyAfterDays", (double)strtol(buf, NULL, 10));
    else if (rtag(tags, K_SCHEDULE, buf, sizeof buf))
        cJSON_AddStringToObject(rules, "ScheduleExpression", buf);
    if (rtag(tags, K_DURATION, buf, sizeof buf))
        cJSON_AddStringToObject(rules, "Duration", buf);
    if (rtag(tags, K_LAMBDA, buf, sizeof buf))
        cJSON_AddStringToObject(props, "RotationLambdaARN", buf);
    cJSON *m = dp_model_new(arn, props);
    dp_model_attr(m, "Id", arn);
    return m;
}

/* Who owns the schedule recorded on the secret: 0 nobody, 1 this resource, 2 someone else. */
static int schedule_owner(const dp_resource_req *r, const cJSON *d)
{
    char s[512], l[512];
    const cJSON *tags = dp_prop(d, "Tags");
    if (!rtag(tags, K_LOGICAL, l, sizeof l))
        return 0;
    return rtag(tags, K_STACK, s, sizeof s) && !strcmp(s, r->stack) && !strcmp(l, r->logical_id) ? 1 : 2;
}

static void read_schedule(const dp_resource_req *r, dp_progress *p)
{
    cJSON *d = NULL;
    dp_err e = {0};
    if (dp_secret_describe(r->client, r->physical_id, false, &d, &e)) {
        dp_progress_fail(p, r, "reading", &e);
        return;
    }
    if (!schedule_owner(r, d)) {
        cJSON_Delete(d);
        dp_progress_failf(p, DP_E_NOT_FOUND, "secret %s has no rotation schedule", r->physical_id);
        return;
    }
    dp_progress_success(p, model_from(d));
    cJSON_Delete(d);
}

/* Writes the schedule's tags (and drops recorded keys no longer wanted). */
static void record(const dp_resource_req *r, const char *secret_id, const char *verb, dp_progress *p)
{
    dp_err e = {0};
    cJSON *tags = schedule_tags(r, &e), *d = NULL;
    if (!tags || dp_secret_describe(r->client, secret_id, false, &d, &e)) {
        cJSON_Delete(tags);
        if (e.kind == DP_E_NOT_FOUND && !strcmp(verb, "creating")) /* a bad SecretId, not a missing schedule */
            e.kind = DP_E_INPUT;
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    if (schedule_owner(r, d) == 2) {
        char s[512] = "?", l[512] = "?";
        rtag(dp_prop(d, "Tags"), K_STACK, s, sizeof s);
        rtag(dp_prop(d, "Tags"), K_LOGICAL, l, sizeof l);
        dp_progress_failf(p, DP_E_CONFLICT, "%s %s: secret %s already has a rotation schedule from stack %s (%s)", verb,
                          r->logical_id, secret_id, s, l);
        cJSON_Delete(tags);
        cJSON_Delete(d);
        return;
    }
    char arn[2048];
    snprintf(arn, sizeof arn, "%s", dp_prop_str(d, "ARN") ? dp_prop_str(d, "ARN") : secret_id);
    cJSON *stale = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof all_keys / sizeof all_keys[0]; i++) {
        bool wanted = false, present = false;
        const cJSON *t;
        cJSON_ArrayForEach(t, tags) wanted |= !strcmp(dp_prop_str(t, "Key"), all_keys[i]);
        cJSON_ArrayForEach(t, dp_prop(d, "Tags")) present |= dp_prop_str(t, "Key") && !strcmp(dp_prop_str(t, "Key"), all_keys[i]);
        if (present && !wanted)
            cJSON_AddItemToArray(stale, cJSON_CreateString(all_keys[i]));
    }
    cJSON_Delete(d);
    int rc = dp_secret_tag(r->client, arn, tags, &e) || dp_secret_untag(r->client, arn, stale, &e);
    cJSON_Delete(tags);
    cJSON_Delete(stale);
    if (rc || dp_secret_describe(r->client, arn, false, &d, &e)) {
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    dp_progress_success(p, model_from(d));
    cJSON_Delete(d);
}

static void create(const dp_resource_req *r, dp_progress *p)
{
    const char *secret = dp_prop_str(r->desired, "SecretId");
    record(r, secret ? secret : "", "creating", p);
}

static void update(const dp_resource_req *r, dp_progress *p)
{
    record(r, r->physical_id, "updating", p);
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    cJSON *d = NULL;
    dp_err e = {0};
    if (dp_secret_describe(r->client, r->physical_id, false, &d, &e)) {
        if (e.kind == DP_E_NOT_FOUND) /* the secret is gone, and the schedule with it */
            dp_progress_success(p, NULL);
        else
            dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    if (schedule_owner(r, d) != 1) { /* none, or another resource's: nothing of ours to remove */
        cJSON_Delete(d);
        dp_progress_success(p, NULL);
        return;
    }
    cJSON *keys = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, dp_prop(d, "Tags"))
    {
        const char *k = dp_prop_str(t, "Key");
        if (k && !strncmp(k, DP_ROTATION_TAG_PREFIX, strlen(DP_ROTATION_TAG_PREFIX)))
            cJSON_AddItemToArray(keys, cJSON_CreateString(k));
    }
    int rc = dp_secret_untag(r->client, dp_prop_str(d, "ARN") ? dp_prop_str(d, "ARN") : r->physical_id, keys, &e);
    cJSON_Delete(keys);
    cJSON_Delete(d);
    if (rc && strcmp(e.aws_code, "ResourceNotFoundException"))
        dp_progress_fail(p, r, "deleting", &e);
    else
        dp_progress_success(p, NULL);
}

struct list_ctx {
    const char *stack;
    dp_list_fn fn;
    void *ctx;
};

static int on_page(void *ctx, const cJSON *page, dp_err *e)
{
    struct list_ctx *l = ctx;
    const cJSON *s;
    cJSON_ArrayForEach(s, dp_prop(page, "SecretList"))
    {
        char st[512], lg[512];
        const cJSON *tags = dp_prop(s, "Tags");
        const char *arn = dp_prop_str(s, "ARN");
        if (arn && !dp_secret_deleted(s) && rtag(tags, K_STACK, st, sizeof st) && !strcmp(st, l->stack) &&
            rtag(tags, K_LOGICAL, lg, sizeof lg) && l->fn(l->ctx, TYPE, lg, arn, e))
            return -1;
    }
    return 0;
}

/* Schedules may sit on secrets of other stacks, so this lists secrets by tag key, not by the
 * secret's own ownership tags. */
static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON *f = cJSON_CreateObject();
    const char *key = K_STACK;
    cJSON_AddStringToObject(f, "Key", "tag-key");
    cJSON_AddItemToObject(f, "Values", cJSON_CreateStringArray(&key, 1));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "Filters"), f);
    struct list_ctx l = {stack, fn, ctx};
    int rc = dp_json_paginate(c, &dp_svc_secretsmanager, "ListSecrets", in, "NextToken", on_page, &l, e);
    cJSON_Delete(in);
    return rc;
}

/* HostedRotationLambda: only its RotationType is recorded. */
static const char *const applies[] = {"SecretId", "RotationRules", "RotationLambdaARN", "HostedRotationLambda", NULL};
static const char *const reads_back[] = {"SecretId", "RotationRules", "RotationLambdaARN", NULL};
/* The secret, the database whose login it rotates, the role of a rotation Lambda. */
static const char *const may_reference[] = {"AWS::SecretsManager::Secret", "AWS::RDS::DBCluster",
                                            "AWS::RDS::DBInstance", "AWS::IAM::Role", NULL};

/* No name of its own (its physical id is the secret's ARN): no name_prop, no physical_id_for. */
const dp_driver dp_driver_rotation_schedule = {
    .type = TYPE,
    .create = create,
    .read = read_schedule,
    .update = update,
    .del = del,
    .list = list,
    .applies = applies,
    .reads_back = reads_back,
    .may_reference = may_reference,
    .seconds = {.create = 10, .update = 10, .del = 10},
};
