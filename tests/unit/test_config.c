/* test_config.c - parsing ~/.aws/config and ~/.aws/credentials like the AWS CLI. */
#include "drivers/core/config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tests/helpers/creds_fixture.h"

static const char *CONFIG =
    "# a comment\n"
    "; another comment\n"
    "\n"
    "[default]\n"
    "region = us-east-1\n"
    "output=json\n"
    "\n"
    "  [profile lab]  \n"
    "Region = eu-west-1\n"
    "role_arn = arn:aws:iam::123456789012:role/lab\n"
    "max_attempts: 5\n"
    "aws_access_key_id = AKIACONFIGLAB\n"
    "endpoint_url = http://127.0.0.1:5000 # not a comment\n"
    "s3 =\n"
    "  addressing_style = path\n"
    "  signature_version = s3v4\n"
    "ca_bundle = /etc/ssl/lab.pem\n"
    "\n"
    "[profile   spaced name  ]\n"
    "region = ap-south-1\n"
    "\n"
    "[services local]\n"
    "dms =\n"
    "  endpoint_url = http://localhost:4566\n"
    "\n"
    "[sso-session corp]\n"
    "sso_region = us-east-1\n"
    "\n"
    "[notaprofile]\n"
    "region = xx-none-1\n"
    "\n"
    "[profile multi]\n"
    "note = first\n"
    "   second\r\n"
    "[profile lab]\n"
    "output = table\n";

static const char *CREDS =
    "[default]\n"
    "aws_access_key_id = AKIADEFAULT\n"
    "aws_secret_access_key = defaultsecret\n"
    "\n"
    "[lab]\n"
    "aws_access_key_id = AKIACREDSLAB\n"
    "aws_secret_access_key = labsecret\n"
    "region = sa-east-1\n"
    "\n"
    "[profile weird]\n"
    "aws_access_key_id = AKIAWEIRD\n";

static void test_parse(fx *f)
{
    const char *cp = fx_write(f, "config", CONFIG, 0);
    const char *kp = fx_write(f, "credentials", CREDS, 0);
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load_files(cp, kp, &e);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "load: %s\n", e.message);
        return;
    }
    CHECK_STR(dp_config_file_path(c), cp);
    CHECK_STR(dp_config_credentials_path(c), kp);
    CHECK_STR(dp_config_get(c, "default", "region"), "us-east-1");
    CHECK_STR(dp_config_get(c, "default", "output"), "json");
    /* keys are case-insensitive; ':' separates too; no inline comments (as configparser) */
    CHECK_STR(dp_config_get(c, "lab", "region"), "eu-west-1");
    CHECK_STR(dp_config_get(c, "lab", "max_attempts"), "5");
    CHECK_STR(dp_config_get(c, "lab", "role_arn"), "arn:aws:iam::123456789012:role/lab");
    CHECK_STR(dp_config_get(c, "lab", "endpoint_url"), "http://127.0.0.1:5000 # not a comment");
    CHECK_STR(dp_config_get(c, "lab", "ca_bundle"), "/etc/ssl/lab.pem");
    /* nested sub-settings */
    CHECK_STR(dp_config_get(c, "lab", "s3.addressing_style"), "path");
    CHECK_STR(dp_config_get(c, "lab", "s3.signature_version"), "s3v4");
    CHECK_STR(dp_config_get(c, "lab", "s3"), "");
    /* a repeated section header merges */
    CHECK_STR(dp_config_get(c, "lab", "output"), "table");
    /* credentials file wins for key fields, config file for the rest */
    CHECK_STR(dp_config_get(c, "lab", "aws_access_key_id"), "AKIACREDSLAB");
    CHECK_STR(dp_config_get(c, "lab", "aws_secret_access_key"), "labsecret");
    const char *from = NULL;
    CHECK_STR(dp_config_get_from(c, "lab", "aws_access_key_id", &from), "AKIACREDSLAB");
    CHECK_STR(from, kp);
    CHECK_STR(dp_config_get_from(c, "lab", "region", &from), "eu-west-1");
    CHECK_STR(from, cp);
    CHECK(dp_config_get_from(c, "lab", "nothing", &from) == NULL);
    CHECK(from == NULL);
    /* profile names are trimmed */
    CHECK_STR(dp_config_get(c, "spaced name", "region"), "ap-south-1");
    /* services and sso-session sections are not profiles */
    CHECK(!dp_config_has_profile(c, "local"));
    CHECK(!dp_config_has_profile(c, "services local"));
    CHECK_STR(dp_config_services_get(c, "local", "dms.endpoint_url"), "http://localhost:4566");
    CHECK(dp_config_services_get(c, "nope", "dms.endpoint_url") == NULL);
    CHECK(!dp_config_has_profile(c, "corp"));
    /* "[notaprofile]" in the config file is ignored by the CLI */
    CHECK(!dp_config_has_profile(c, "notaprofile"));
    CHECK(dp_config_get(c, "notaprofile", "region") == NULL);
    /* "[profile weird]" in the credentials file is a profile literally named so */
    CHECK(dp_config_has_profile(c, "profile weird"));
    CHECK(!dp_config_has_profile(c, "weird"));
    /* continuation lines join with a newline; CR is dropped */
    CHECK_STR(dp_config_get(c, "multi", "note"), "first\nsecond");
    CHECK(dp_config_has_profile(c, "default"));
    CHECK(dp_config_has_profile(c, "lab"));
    CHECK(!dp_config_has_profile(c, "missing"));
    CHECK(dp_config_get(c, "missing", "region") == NULL);
    dp_config_free(c);
}

static void test_missing_files(fx *f)
{
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load_files(fx_path(f, "nope-config"), fx_path(f, "nope-creds"), &e);
    CHECK(c != NULL);
    if (c) {
        CHECK(!dp_config_has_profile(c, "default"));
        CHECK(dp_config_get(c, "default", "region") == NULL);
        dp_config_free(c);
    }
    c = dp_config_load_files(NULL, NULL, &e);
    CHECK(c != NULL);
    dp_config_free(c);
}

/* Loads a config file with this content and checks the error message. */
static void expect_malformed(fx *f, const char *content, int line, const char *what)
{
    const char *cp = fx_write(f, "bad-config", content, 0);
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load_files(cp, NULL, &e);
    CHECK(c == NULL);
    dp_config_free(c);
    CHECK_INT(e.kind, DP_E_CONFIG);
    char prefix[400];
    snprintf(prefix, sizeof prefix, "%s:%d: ", cp, line);
    CHECK(!strncmp(e.message, prefix, strlen(prefix)));
    CHECK(strstr(e.message, what) != NULL);
    CHECK(strchr(e.message, '\n') == NULL);
    CHECK(strstr(e.message, "s3cr3t") == NULL); /* never quote the offending line */
    if (strncmp(e.message, prefix, strlen(prefix)) || !strstr(e.message, what))
        fprintf(stderr, "  message: %s\n", e.message);
}

static void test_malformed(fx *f)
{
    expect_malformed(f, "[default]\nregion = us-east-1\nwJalrXUtnFEMIs3cr3t\n", 3, "expected \"name = value\"");
    expect_malformed(f, "# header\nregion = us-east-1\n", 2, "before any [section]");
    expect_malformed(f, "[default\nregion = x\n", 1, "closing \"]\"");
    expect_malformed(f, "[default]\n\n[ ]\n", 3, "empty section name");
    expect_malformed(f, "[default]\n= s3cr3t\n", 2, "missing setting name");
    expect_malformed(f, "[default]\ns3 =\n  s3cr3t\n", 3, "under \"s3 =\"");

    /* the credentials file is checked the same way */
    const char *kp = fx_write(f, "bad-creds", "[lab]\naws_access_key_id = A\njunk s3cr3t\n", 0);
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load_files(NULL, kp, &e);
    CHECK(c == NULL);
    dp_config_free(c);
    char prefix[400];
    snprintf(prefix, sizeof prefix, "%s:3: ", kp);
    CHECK(!strncmp(e.message, prefix, strlen(prefix)));
    CHECK(strstr(e.message, "s3cr3t") == NULL);

    /* a directory where a file should be is an I/O error, not "missing" */
    dp_err_clear(&e);
    c = dp_config_load_files(f->dir, NULL, &e);
    CHECK(c == NULL);
    dp_config_free(c);
    CHECK_INT(e.kind, DP_E_IO);
    CHECK(strstr(e.message, f->dir) != NULL);
}

static void test_profile_name(void)
{
    fx_clear_env();
    CHECK_STR(dp_config_profile_name(NULL), "default");
    CHECK_STR(dp_config_profile_name(""), "default");
    setenv("AWS_DEFAULT_PROFILE", "older", 1);
    CHECK_STR(dp_config_profile_name(NULL), "older");
    setenv("AWS_PROFILE", "newer", 1);
    CHECK_STR(dp_config_profile_name(NULL), "newer");
    CHECK_STR(dp_config_profile_name("flag"), "flag");
    setenv("AWS_PROFILE", "", 1);
    CHECK_STR(dp_config_profile_name(NULL), "older");
    fx_clear_env();
}

static void test_load_env(fx *f)
{
    fx_clear_env();
    const char *cp = fx_write(f, "env-config", "[profile p]\nregion = eu-north-1\n", 0);
    const char *kp = fx_write(f, "env-creds", "[p]\naws_access_key_id = AKIAENV\n", 0);
    setenv("AWS_CONFIG_FILE", cp, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", kp, 1);
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load(&e);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(dp_config_file_path(c), cp);
        CHECK_STR(dp_config_credentials_path(c), kp);
        CHECK_STR(dp_config_get(c, "p", "region"), "eu-north-1");
        CHECK_STR(dp_config_get(c, "p", "aws_access_key_id"), "AKIAENV");
        dp_config_free(c);
    }

    /* default locations under $HOME/.aws */
    fx_clear_env();
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char aws[300];
    snprintf(aws, sizeof aws, "%s/.aws", f->dir);
    mkdir(aws, 0700);
    fx_write(f, ".aws/config", "[default]\nregion = ca-central-1\n", 0);
    setenv("HOME", f->dir, 1);
    c = dp_config_load(&e);
    CHECK(c != NULL);
    if (c) {
        char want[400];
        snprintf(want, sizeof want, "%s/.aws/credentials", f->dir);
        CHECK_STR(dp_config_credentials_path(c), want);
        CHECK_STR(dp_config_get(c, "default", "region"), "ca-central-1");
        dp_config_free(c);
    }
    /* "~/" in AWS_CONFIG_FILE is expanded too */
    setenv("AWS_CONFIG_FILE", "~/.aws/config", 1);
    c = dp_config_load(&e);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(dp_config_get(c, "default", "region"), "ca-central-1");
        dp_config_free(c);
    }
    unlink(fx_path(f, ".aws/config"));
    rmdir(aws);
    if (old_home) {
        setenv("HOME", old_home, 1);
        free(old_home);
    }
    fx_clear_env();
}

int main(void)
{
    fx f;
    if (fx_init(&f))
        return 1;
    test_parse(&f);
    test_missing_files(&f);
    test_malformed(&f);
    test_profile_name();
    test_load_env(&f);
    fx_done(&f);
    CHECK_DONE();
}
