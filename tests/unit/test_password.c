/* test_password.c - GenerateSecretString rules: lengths, exclusions, required classes,
 * templates, and a rough uniformity check (no modulo bias). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/resources/password.h"

static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

static int count_if(const char *s, int (*pred)(int))
{
    int n = 0;
    for (; *s; s++)
        n += pred((unsigned char)*s) != 0;
    return n;
}
static int is_punct(int c) { return c && strchr(punct, c) != NULL; }
static int is_space(int c) { return c == ' '; }

static cJSON *json(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (!j) {
        fprintf(stderr, "bad JSON in test: %s\n", text);
        exit(2);
    }
    return j;
}

static void test_defaults(void)
{
    dp_password_rules r;
    dp_password_rules_default(&r);
    CHECK_INT(r.length, 32);
    CHECK(r.require_each_included_type);
    char pw[64];
    dp_err e = {0};
    for (int i = 0; i < 200; i++) {
        CHECK_INT(dp_password_generate(&r, pw, sizeof pw, &e), 0);
        CHECK_INT(strlen(pw), 32);
        CHECK(count_if(pw, islower) > 0);
        CHECK(count_if(pw, isupper) > 0);
        CHECK(count_if(pw, isdigit) > 0);
        CHECK(count_if(pw, is_punct) > 0);
        CHECK_INT(count_if(pw, is_space), 0);
    }
    char pw2[64];
    CHECK_INT(dp_password_generate(&r, pw2, sizeof pw2, &e), 0);
    CHECK(strcmp(pw, pw2) != 0);
}

static void test_exclusions(void)
{
    cJSON *o = json("{\"PasswordLength\": 50, \"ExcludePunctuation\": true, \"ExcludeCharacters\": \"aeiouAEIOU01\","
                    " \"IncludeSpace\": true}");
    dp_password_rules r;
    dp_err e = {0};
    CHECK_INT(dp_password_rules_from_json(o, &r, &e), 0);
    CHECK_INT(r.length, 50);
    char pw[128];
    for (int i = 0; i < 200; i++) {
        CHECK_INT(dp_password_generate(&r, pw, sizeof pw, &e), 0);
        CHECK_INT(strlen(pw), 50);
        CHECK_INT(count_if(pw, is_punct), 0);
        CHECK(strpbrk(pw, "aeiouAEIOU01") == NULL);
        CHECK(count_if(pw, is_space) > 0); /* required: space is an included type */
    }
    cJSON_Delete(o);

    o = json("{\"ExcludeLowercase\": true, \"ExcludeUppercase\": true, \"ExcludePunctuation\": true,"
             " \"PasswordLength\": 12}");
    CHECK_INT(dp_password_rules_from_json(o, &r, &e), 0);
    CHECK_INT(dp_password_generate(&r, pw, sizeof pw, &e), 0);
    CHECK_INT(count_if(pw, isdigit), 12);
    cJSON_Delete(o);

    /* Everything excluded: a clear input error. */
    o = json("{\"ExcludeLowercase\": true, \"ExcludeUppercase\": true, \"ExcludePunctuation\": true,"
             " \"ExcludeNumbers\": true}");
    CHECK_INT(dp_password_rules_from_json(o, &r, &e), 0);
    CHECK(dp_password_generate(&r, pw, sizeof pw, &e) != 0);
    CHECK_INT(e.kind, DP_E_INPUT);
    cJSON_Delete(o);
}

static void test_required_types(void)
{
    dp_password_rules r;
    dp_password_rules_default(&r);
    dp_err e = {0};
    char pw[16];
    r.length = 3; /* four classes, three characters */
    CHECK(dp_password_generate(&r, pw, sizeof pw, &e) != 0);
    CHECK_INT(e.kind, DP_E_INPUT);
    r.require_each_included_type = false;
    CHECK_INT(dp_password_generate(&r, pw, sizeof pw, &e), 0);
    CHECK_INT(strlen(pw), 3);
    r.length = 4;
    r.require_each_included_type = true;
    for (int i = 0; i < 100; i++) { /* exactly one of each class */
        CHECK_INT(dp_password_generate(&r, pw, sizeof pw, &e), 0);
        CHECK_INT(count_if(pw, islower), 1);
        CHECK_INT(count_if(pw, isupper), 1);
        CHECK_INT(count_if(pw, isdigit), 1);
        CHECK_INT(count_if(pw, is_punct), 1);
    }
    /* The buffer must hold the password and its NUL. */
    r.length = 16;
    CHECK(dp_password_generate(&r, pw, sizeof pw, &e) != 0);
}

static void test_bad_rules(void)
{
    const char *bad[] = {"{\"PasswordLength\": 0}", "{\"PasswordLength\": 4097}", "{\"PasswordLength\": 3.5}",
                         "{\"ExcludeNumbers\": \"yes\"}", "{\"ExcludeCharacters\": 5}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *o = json(bad[i]);
        dp_password_rules r;
        dp_err e = {0};
        CHECK(dp_password_rules_from_json(o, &r, &e) != 0);
        CHECK_INT(e.kind, DP_E_INPUT);
        cJSON_Delete(o);
    }
}

static void test_template(void)
{
    dp_err e = {0};
    cJSON *o = json("{\"SecretStringTemplate\": \"{\\\"username\\\": \\\"admin\\\"}\", \"GenerateStringKey\": "
                    "\"password\", \"PasswordLength\": 20, \"ExcludeCharacters\": \"\\\"@/\\\\\"}");
    char *s = dp_secret_string_generate(o, &e);
    CHECK(s != NULL);
    cJSON *doc = s ? cJSON_Parse(s) : NULL;
    CHECK(doc != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "username")), "admin");
    const char *pw = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "password"));
    CHECK(pw && strlen(pw) == 20);
    CHECK(pw && strpbrk(pw, "\"@/\\") == NULL);
    cJSON_Delete(doc);
    dp_secret_free(s);
    cJSON_Delete(o);

    /* A bare password when there is no template. */
    o = json("{\"PasswordLength\": 40}");
    s = dp_secret_string_generate(o, &e);
    CHECK(s && strlen(s) == 40);
    dp_secret_free(s);
    cJSON_Delete(o);

    const char *bad[] = {"{\"SecretStringTemplate\": \"{}\"}", "{\"GenerateStringKey\": \"p\"}",
                         "{\"SecretStringTemplate\": \"[1]\", \"GenerateStringKey\": \"p\"}",
                         "{\"SecretStringTemplate\": \"{\\\"p\\\": 1}\", \"GenerateStringKey\": \"p\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = json(bad[i]);
        s = dp_secret_string_generate(o, &e);
        CHECK(s == NULL);
        CHECK_INT(e.kind, DP_E_INPUT);
        cJSON_Delete(o);
    }
}

/* Digits only, 10 classes of equal probability: with 500k draws each count should be within
 * a few percent of 50k. A modulo-biased generator (256 % 10 = 6) would skew 0-5 by ~2.3%. */
static void test_uniform(void)
{
    dp_password_rules r;
    dp_password_rules_default(&r);
    r.exclude_lowercase = r.exclude_uppercase = r.exclude_punctuation = true;
    r.require_each_included_type = false;
    r.length = 1000;
    long counts[10] = {0};
    char pw[1001];
    dp_err e = {0};
    for (int i = 0; i < 500; i++) {
        CHECK_INT(dp_password_generate(&r, pw, sizeof pw, &e), 0);
        for (int k = 0; k < 1000; k++)
            counts[pw[k] - '0']++;
    }
    long lo_sum = 0, hi_sum = 0;
    for (int d = 0; d < 10; d++) {
        CHECK(counts[d] > 48000 && counts[d] < 52000);
        if (d < 6)
            lo_sum += counts[d];
        else
            hi_sum += counts[d];
    }
    /* Biased: digits 0-5 would get 26/256 each vs 25/256 for 6-9 (ratio 1.04 per digit). */
    double ratio = ((double)lo_sum / 6.0) / ((double)hi_sum / 4.0);
    CHECK(ratio > 0.985 && ratio < 1.015);
}

int main(void)
{
    test_defaults();
    test_exclusions();
    test_required_types();
    test_bad_rules();
    test_template();
    test_uniform();
    CHECK_DONE();
}
