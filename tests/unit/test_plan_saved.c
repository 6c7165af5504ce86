/* test_plan_saved.c - reading saved plans (`dmsprov apply PLAN`): a plan written by
 * dp_plan_to_json reads back; damaged documents are refused with an error instead of reaching
 * the parameter inputs with a member that has no name (found by tests/fuzz fuzz_plan). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "provisioner/engine/plan.h"

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* dp_plan_from_json on text; *kind gets the error kind (DP_OK when it read). */
static int from_text(const char *text, dp_plan *p, enum dp_err_kind *kind, char *msg, size_t n)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *j = cJSON_Parse(text);
    dp_plan_init(p);
    int rc = j ? dp_plan_from_json(j, p, &e) : -2;
    cJSON_Delete(j);
    *kind = rc ? e.kind : DP_OK;
    snprintf(msg, n, "%s", e.message);
    return rc;
}

static void check_refused(const char *text, const char *what)
{
    dp_plan p;
    enum dp_err_kind kind;
    char msg[768];
    int rc = from_text(text, &p, &kind, msg, sizeof msg);
    if (rc != -1)
        fprintf(stderr, "not refused: %s\n", what);
    CHECK_INT(rc, -1);
    CHECK_INT(kind, DP_E_INPUT);
    CHECK(msg[0] != '\0');
    dp_plan_cleanup(&p);
}

static void test_round_trip(void)
{
    dp_plan p;
    dp_plan_init(&p);
    p.stack = strdup("lab");
    p.template_path = strdup("lab.yaml");
    p.template_hash = strdup("abc");
    snprintf(p.fingerprint, sizeof p.fingerprint, "%s", FP);
    p.parameters = cJSON_Parse("{\"Env\": \"dev\", \"Subnets\": [\"subnet-1\", \"subnet-2\"]}");
    dp_action *a = dp_plan_add(&p, "Logs", "AWS::S3::Bucket", DP_ACT_REPLACE);
    a->physical_id = strdup("logs-1");
    dp_plan_add(&p, "Param", "AWS::SSM::Parameter", DP_ACT_CREATE);
    cJSON *j = dp_plan_to_json(&p, true);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);

    dp_plan back;
    enum dp_err_kind kind;
    char msg[768];
    CHECK_INT(from_text(text, &back, &kind, msg, sizeof msg), 0);
    CHECK_STR(back.stack, "lab");
    CHECK_STR(back.template_path, "lab.yaml");
    CHECK_STR(back.fingerprint, FP);
    CHECK_INT(back.n, 2);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(back.parameters, "Env")->valuestring, "dev");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(back.parameters, "Subnets")), 2);
    char why[256];
    CHECK(dp_plan_same_actions(&p, &back, why, sizeof why));
    free(text);
    dp_plan_cleanup(&back);
    dp_plan_cleanup(&p);

    /* "parameters": null and no resources at all still read (an empty plan). */
    CHECK_INT(from_text("{\"format_version\": 1, \"stack\": \"lab\", \"live_fingerprint\": \"" FP
                        "\", \"parameters\": null}",
                        &back, &kind, msg, sizeof msg),
              0);
    CHECK_INT(back.n, 0);
    dp_plan_cleanup(&back);
}

static void test_damaged(void)
{
    const char *head = "{\"format_version\": 1, \"stack\": \"s\", \"template\": \"t.yaml\", \"template_hash\": \"h\", "
                       "\"live_fingerprint\": \"" FP "\"";
    char text[1024];
    /* The fuzzer's find: a list of parameters gave members without a name. */
    snprintf(text, sizeof text, "%s, \"parameters\": [\"Logs\"]}", head);
    check_refused(text, "parameters as a list");
    snprintf(text, sizeof text, "%s, \"parameters\": {\"Env\": 5}}", head);
    check_refused(text, "a number parameter");
    snprintf(text, sizeof text, "%s, \"parameters\": {\"Subnets\": [\"a\", {\"b\": 1}]}}", head);
    check_refused(text, "a list parameter holding an object");
    snprintf(text, sizeof text, "%s, \"parameters\": \"Env=dev\"}", head);
    check_refused(text, "parameters as a string");
    snprintf(text, sizeof text, "%s, \"resources\": {\"logical_id\": \"A\"}}", head);
    check_refused(text, "resources as an object");
    check_refused("[1, 2]", "not an object");
    check_refused("{\"format_version\": 2, \"stack\": \"s\", \"live_fingerprint\": \"" FP "\"}", "format 2");
}

int main(void)
{
    test_round_trip();
    test_damaged();
    CHECK_DONE();
}
