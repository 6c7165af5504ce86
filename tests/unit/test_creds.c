/* test_creds.c - the credential chain's order, static keys, credential_process and the errors. */
#include "drivers/core/creds/chain.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "drivers/core/http.h"
#include "tests/helpers/creds_fixture.h"

static fx F;
static const time_t NOW = 1700000000;

static const char *CONFIG =
    "[default]\n"
    "region = us-east-1\n"
    "[profile lab]\n"
    "aws_access_key_id = AKIACONFIGLAB\n"
    "aws_secret_access_key = config-lab-secret\n"
    "[profile cfgonly]\n"
    "aws_access_key_id = AKIACFGONLY\n"
    "aws_secret_access_key = cfgonly-secret\n"
    "aws_session_token = cfgonly-token\n"
    "[profile regiononly]\n"
    "region = eu-west-1\n"
    "[profile half]\n"
    "aws_access_key_id = AKIAHALF\n"
    "[profile sso]\n"
    "sso_session = corp\n";

static const char *CREDS =
    "[default]\n"
    "aws_access_key_id = AKIADEFAULT\n"
    "aws_secret_access_key = default-secret\n"
    "[lab]\n"
    "aws_access_key_id = AKIACREDSLAB\n"
    "aws_secret_access_key = creds-lab-secret\n";

static dp_config *load(const char *config, const char *creds)
{
    const char *cp = fx_write(&F, "config", config, 0);
    const char *kp = fx_write(&F, "credentials", creds, 0);
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load_files(cp, kp, &e);
    if (!c)
        fprintf(stderr, "config: %s\n", e.message);
    return c;
}

/* Runs a fresh chain; returns its rc and fills out / e. */
static int get(const dp_config *cfg, const char *flag, dp_creds *out, dp_err *e)
{
    dp_err_clear(e);
    dp_creds_chain *ch = dp_creds_chain_new(cfg, flag, NULL, NULL);
    if (!ch)
        return -2;
    int rc = dp_creds_chain_get(ch, NOW, out, e);
    dp_creds_chain_free(ch);
    return rc;
}

static void clean_env(void)
{
    fx_clear_env();
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1); /* no 1 s wait for an IMDS that is not there */
}

static void test_env(dp_config *cfg)
{
    dp_creds c = {0};
    dp_err e;
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIAENV"); /* env beats the default profile */
    CHECK_STR(c.secret_access_key, "env-secret");
    CHECK_STR(c.session_token, "env-token");
    CHECK_STR(c.source, "environment");
    CHECK_INT(c.expiration, 0);
    dp_creds_cleanup(&c);

    /* env beats AWS_PROFILE too (only --profile beats env) */
    setenv("AWS_PROFILE", "lab", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIAENV");
    dp_creds_cleanup(&c);

    /* --profile beats env */
    CHECK_INT(get(cfg, "lab", &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIACREDSLAB");
    dp_creds_cleanup(&c);

    /* half a key pair is an error, not a fall-through to the profile */
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "AWS_SECRET_ACCESS_KEY is not") != NULL);
    clean_env();
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), -1);
    CHECK(strstr(e.message, "AWS_ACCESS_KEY_ID is not") != NULL);
    CHECK(strstr(e.message, "env-secret") == NULL);

    /* no session token: NULL */
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), 0);
    CHECK(c.session_token == NULL);
    dp_creds_cleanup(&c);
    clean_env();
}

static void test_profiles(dp_config *cfg)
{
    dp_creds c = {0};
    dp_err e;
    clean_env();
    const char *kp = dp_config_credentials_path(cfg);
    const char *cp = dp_config_file_path(cfg);
    char want[600];

    /* default profile from the credentials file */
    CHECK_INT(get(cfg, NULL, &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIADEFAULT");
    snprintf(want, sizeof want, "profile default in %s", kp);
    CHECK_STR(c.source, want);
    dp_creds_cleanup(&c);

    /* AWS_PROFILE; [lab] in credentials beats [profile lab] in config */
    setenv("AWS_PROFILE", "lab", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIACREDSLAB");
    CHECK_STR(c.secret_access_key, "creds-lab-secret");
    dp_creds_cleanup(&c);

    /* AWS_DEFAULT_PROFILE when AWS_PROFILE is not set */
    clean_env();
    setenv("AWS_DEFAULT_PROFILE", "cfgonly", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIACFGONLY");
    CHECK_STR(c.session_token, "cfgonly-token");
    snprintf(want, sizeof want, "profile cfgonly in %s", cp);
    CHECK_STR(c.source, want);
    dp_creds_cleanup(&c);

    /* --profile beats AWS_PROFILE */
    setenv("AWS_PROFILE", "lab", 1);
    CHECK_INT(get(cfg, "cfgonly", &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIACFGONLY");
    dp_creds_cleanup(&c);

    /* a named profile that does not exist: clear error naming it and the files */
    clean_env();
    CHECK_INT(get(cfg, "nosuch", &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    CHECK(strstr(e.message, "profile \"nosuch\" (from --profile) not found") != NULL);
    CHECK(strstr(e.message, kp) != NULL && strstr(e.message, cp) != NULL);
    setenv("AWS_PROFILE", "nosuch2", 1);
    CHECK_INT(get(cfg, NULL, &c, &e), -1);
    CHECK(strstr(e.message, "profile \"nosuch2\" (from AWS_PROFILE) not found") != NULL);

    /* a named profile without credentials does not fall through either */
    clean_env();
    CHECK_INT(get(cfg, "regiononly", &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "profile \"regiononly\" (from --profile) has no credentials") != NULL);

    /* only one of the two keys */
    CHECK_INT(get(cfg, "half", &c, &e), -1);
    CHECK(strstr(e.message, "profile \"half\"") != NULL);
    CHECK(strstr(e.message, "no aws_secret_access_key") != NULL);
    CHECK(strstr(e.message, cp) != NULL);

    /* SSO: said clearly */
    CHECK_INT(get(cfg, "sso", &c, &e), -1);
    CHECK(strstr(e.message, "IAM Identity Center") != NULL);
    clean_env();
}

static void test_nothing_found(void)
{
    dp_creds c = {0};
    dp_err e;
    clean_env();
    dp_config *cfg = load("[profile other]\nregion = us-east-1\n", "");
    CHECK_INT(get(cfg, NULL, &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    char want[1000];
    snprintf(want, sizeof want,
             "no AWS credentials found: looked in the environment (AWS_ACCESS_KEY_ID not set), profile "
             "\"default\" (not found) in %s and %s, container credentials (not configured), EC2 instance "
             "metadata (disabled by AWS_EC2_METADATA_DISABLED); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or "
             "configure a profile",
             dp_config_credentials_path(cfg), dp_config_file_path(cfg));
    CHECK_STR(e.message, want);

    /* an IMDS that refuses connections is "not reachable", quickly */
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    time_t t0 = time(NULL);
    CHECK_INT(get(cfg, NULL, &c, &e), -1);
    CHECK(time(NULL) - t0 < 5);
    CHECK(strstr(e.message, "EC2 instance metadata (not reachable at http://127.0.0.1:1)") != NULL);
    dp_config_free(cfg);

    /* a default profile with no credential settings moves on too */
    clean_env();
    cfg = load("[default]\nregion = us-east-1\n", "");
    CHECK_INT(get(cfg, NULL, &c, &e), -1);
    CHECK(strstr(e.message, "profile \"default\" (no credentials)") != NULL);
    dp_config_free(cfg);

    /* no config at all */
    CHECK_INT(get(NULL, NULL, &c, &e), -1);
    CHECK(strstr(e.message, "no AWS credentials found") != NULL);
    clean_env();
}

static void test_process(void)
{
    dp_creds c = {0};
    dp_err e;
    clean_env();
    char config[2048];
    const char *ok = fx_write(&F, "ok.sh",
                              "#!/bin/sh\n"
                              "echo 'diagnostics go to stderr' >&2\n"
                              "cat <<'J'\n"
                              "{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"proc-secret\",\n"
                              " \"SessionToken\": \"proc-token\", \"Expiration\": \"2023-11-14T23:13:20Z\"}\n"
                              "J\n",
                              1);
    const char *fail = fx_write(&F, "fail.sh", "#!/bin/sh\necho 'something broke' >&2\nexit 3\n", 1);
    const char *badjson =
        fx_write(&F, "bad.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"leaky-secret\"'\n", 1);
    const char *v2 = fx_write(
        &F, "v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}'\n", 1);
    const char *nosecret = fx_write(&F, "nosecret.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n", 1);
    const char *noexp = fx_write(
        &F, "noexp.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}'\n", 1);
    snprintf(config, sizeof config,
             "[profile ok]\ncredential_process = %s --some arg\n"
             "[profile fail]\ncredential_process = %s\n"
             "[profile bad]\ncredential_process = %s\n"
             "[profile v2]\ncredential_process = %s\n"
             "[profile nosecret]\ncredential_process = %s\n"
             "[profile noexp]\ncredential_process = %s\n"
             "[profile missing]\ncredential_process = %s/does-not-exist\n"
             "[profile both]\ncredential_process = %s\n",
             ok, fail, badjson, v2, nosecret, noexp, F.dir, fail);
    dp_config *cfg = load(config, "[both]\naws_access_key_id = AKIABOTH\naws_secret_access_key = both-secret\n");

    CHECK_INT(get(cfg, "ok", &c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIAPROC");
    CHECK_STR(c.secret_access_key, "proc-secret");
    CHECK_STR(c.session_token, "proc-token");
    CHECK_INT(c.expiration, 1700003600);
    CHECK_STR(c.source, "credential_process of profile ok");
    dp_creds_cleanup(&c);

    CHECK_INT(get(cfg, "noexp", &c, &e), 0);
    CHECK_INT(c.expiration, 0);
    CHECK(c.session_token == NULL);
    dp_creds_cleanup(&c);

    CHECK_INT(get(cfg, "fail", &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "credential_process of profile fail failed: it exited with status 3") != NULL);

    CHECK_INT(get(cfg, "missing", &c, &e), -1);
    CHECK(strstr(e.message, "exited with status 127") != NULL);

    CHECK_INT(get(cfg, "bad", &c, &e), -1);
    CHECK(strstr(e.message, "credential_process of profile bad: its output is not a JSON object") != NULL);
    CHECK(strstr(e.message, "leaky-secret") == NULL);

    CHECK_INT(get(cfg, "v2", &c, &e), -1);
    CHECK(strstr(e.message, "\"Version\": 1") != NULL);

    CHECK_INT(get(cfg, "nosecret", &c, &e), -1);
    CHECK(strstr(e.message, "no SecretAccessKey") != NULL);

    /* static keys in the credentials file come before credential_process (CLI order) */
    CHECK_INT(get(cfg, "both", &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIABOTH");
    dp_creds_cleanup(&c);
    dp_config_free(cfg);
    clean_env();
}

static void test_time(void)
{
    time_t t = 0;
    CHECK_INT(dp_creds_parse_time("2023-11-14T22:13:20Z", &t), 0);
    CHECK_INT(t, 1700000000);
    CHECK_INT(dp_creds_parse_time("2023-11-14T22:13:20.123456Z", &t), 0);
    CHECK_INT(t, 1700000000);
    CHECK_INT(dp_creds_parse_time("2023-11-15T00:13:20+02:00", &t), 0);
    CHECK_INT(t, 1700000000);
    CHECK_INT(dp_creds_parse_time("2023-11-14T21:13:20-0100", &t), 0);
    CHECK_INT(t, 1700000000);
    CHECK_INT(dp_creds_parse_time("2023-11-14T22:13:20", &t), 0);
    CHECK_INT(t, 1700000000);
    CHECK_INT(dp_creds_parse_time("2023-11-14", &t), -1);
    CHECK_INT(dp_creds_parse_time("2023-13-14T22:13:20Z", &t), -1);
    CHECK_INT(dp_creds_parse_time("2023-11-14T22:13:20Zjunk", &t), -1);
    CHECK_INT(dp_creds_parse_time("tomorrow", &t), -1);
    CHECK_INT(dp_creds_parse_time(NULL, &t), -1);
}

static void test_copy(void)
{
    dp_creds a = {0}, b = {0};
    CHECK_INT(dp_creds_set(&a, "AK", "SK", "", 42), 0);
    CHECK(a.session_token == NULL);
    dp_creds_set_source(&a, "src %d", 7);
    CHECK_INT(dp_creds_copy(&b, &a), 0);
    CHECK(b.access_key_id != a.access_key_id);
    CHECK_STR(b.access_key_id, "AK");
    CHECK_STR(b.secret_access_key, "SK");
    CHECK_INT(b.expiration, 42);
    CHECK_STR(b.source, "src 7");
    dp_creds_cleanup(&a);
    CHECK(a.access_key_id == NULL && a.secret_access_key == NULL);
    CHECK_STR(b.access_key_id, "AK");
    dp_creds_cleanup(&b);
    dp_creds_cleanup(NULL);
}

int main(void)
{
    if (fx_init(&F) || dp_http_global_init())
        return 1;
    dp_config *cfg = load(CONFIG, CREDS);
    CHECK(cfg != NULL);
    if (cfg) {
        test_env(cfg);
        test_profiles(cfg);
        dp_config_free(cfg);
    }
    test_nothing_found();
    test_process();
    test_time();
    test_copy();
    fx_done(&F);
    dp_http_global_cleanup();
    CHECK_DONE();
}
