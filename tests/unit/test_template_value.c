/* test_template_value.c - value markers, stripping for drivers, canonical JSON, diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "templates/diag.h"
#include "templates/value.h"

static char *print(const cJSON *v)
{
    return cJSON_PrintUnformatted(v);
}

static void test_markers(void)
{
    cJSON *s = dp_value_secret(cJSON_CreateString("pw"));
    CHECK(dp_value_is_secret(s));
    CHECK_STR(dp_value_secret_inner(s)->valuestring, "pw");
    CHECK(dp_value_secret(s) == s); /* not wrapped twice */
    cJSON *u = dp_value_unknown("Db.Endpoint.Address");
    CHECK(dp_value_is_unknown(u));
    CHECK_STR(dp_value_unknown_name(u), "Db.Endpoint.Address");
    CHECK(!dp_value_is_unknown(s));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "Password", s);
    cJSON *arr = cJSON_AddArrayToObject(o, "List");
    cJSON_AddItemToArray(arr, cJSON_CreateString("x"));
    CHECK(dp_value_contains_secret(o));
    CHECK(!dp_value_contains_unknown(o));
    dp_err e;
    dp_err_clear(&e);
    cJSON *plain = dp_value_strip(o, &e);
    char *txt = print(plain);
    CHECK_STR(txt, "{\"Password\":\"pw\",\"List\":[\"x\"]}");
    free(txt);
    cJSON_Delete(plain);
    cJSON *red = dp_value_redact(o);
    txt = print(red);
    CHECK_STR(txt, "{\"Password\":{\"dp:secret\":\"***\"},\"List\":[\"x\"]}");
    CHECK(strstr(txt, "pw") == NULL);
    free(txt);
    cJSON_Delete(red);
    cJSON_AddItemToArray(arr, u);
    CHECK(dp_value_contains_unknown(o));
    CHECK(dp_value_find_unknown(o) == u);
    CHECK(dp_value_strip(o, &e) == NULL);
    CHECK(strstr(e.message, "Db.Endpoint.Address") != NULL);
    cJSON_Delete(o);
}

static void test_numbers_and_canonical(void)
{
    cJSON *n = dp_value_number(8.0, "8.0");
    CHECK_STR(dp_value_number_text(n), "8.0");
    cJSON *d = cJSON_Duplicate(n, 1);
    CHECK_STR(dp_value_number_text(d), "8.0");
    dp_buf b;
    dp_buf_init(&b, 0);
    CHECK_INT(dp_value_scalar_string(d, &b), 0);
    CHECK_STR(dp_buf_str(&b), "8.0");
    dp_buf_cleanup(&b);
    cJSON_Delete(n);
    cJSON_Delete(d);
    cJSON *a = cJSON_Parse("{\"b\": [1, {\"z\": 1, \"a\": 2}], \"a\": \"x\"}");
    cJSON *c = cJSON_Parse("{\"a\":\"x\",\"b\":[1,{\"a\":2,\"z\":1}]}");
    char *ca = dp_json_canonical(a), *cc = dp_json_canonical(c);
    CHECK_STR(ca, "{\"a\":\"x\",\"b\":[1,{\"a\":2,\"z\":1}]}");
    CHECK_STR(ca, cc);
    free(ca);
    free(cc);
    cJSON_Delete(a);
    cJSON_Delete(c);
}

static void test_diags(void)
{
    dp_diags d;
    dp_diags_init(&d);
    dp_diags_add(&d, DP_DIAG_ERROR, "t.yaml", 9, 1, "late");
    dp_diags_add(&d, DP_DIAG_WARNING, "t.yaml", 2, 5, "warn");
    dp_diags_add(&d, DP_DIAG_ERROR, "t.yaml", 2, 3, "early");
    dp_diags_add(&d, DP_DIAG_ERROR, "t.yaml", 2, 3, "early"); /* duplicate dropped */
    dp_diags_add(&d, DP_DIAG_ERROR, "t.yaml", 0, 0, "no position");
    CHECK_INT(d.errors, 3);
    CHECK_INT(d.warnings, 1);
    dp_buf b;
    dp_buf_init(&b, 0);
    dp_diags_render(&d, &b);
    CHECK_STR(dp_buf_str(&b), "t.yaml: error: no position\n"
                              "t.yaml:2:3: error: early\n"
                              "t.yaml:2:5: warning: warn\n"
                              "t.yaml:9:1: error: late\n");
    dp_buf_cleanup(&b);
    dp_diags_cleanup(&d);
}

int main(void)
{
    test_markers();
    test_numbers_and_canonical();
    test_diags();
    CHECK_DONE();
}
