/* test_creds_sso.c - IAM Identity Center profiles: settings of both forms, the token cache key and
 * file, expiresAt, the portal's answer, redaction, and the provider's errors (no portal needed). */
#include "drivers/core/creds/sso.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "check.h"
#include "drivers/base/log.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/endpoint.h"
#include "drivers/core/http.h"
#include "drivers/core/service.h"
#include "tests/helpers/creds_fixture.h"

static fx F;
static const time_t NOW = 1795341600; /* 2026-11-22T10:00:00Z */

static const char *CONFIG =
    "[profile sess]\n"
    "sso_session = corp\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = LabAdmin\n"
    "region = eu-west-1\n"
    "[profile legacy]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = eu-central-1\n"
    "sso_account_id = 444455556666\n"
    "sso_role_name = ReadOnly\n"
    "[profile same]\n" /* repeating the session's values in the profile is fine when equal */
    "sso_session = corp\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = LabAdmin\n"
    "[profile differs]\n"
    "sso_session = corp\n"
    "sso_region = us-west-2\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = LabAdmin\n"
    "[profile norole]\n"
    "sso_session = corp\n"
    "sso_account_id = 111122223333\n"
    "[profile bare]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "[profile nosection]\n"
    "sso_session = gone\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = LabAdmin\n"
    "[profile halfsession]\n"
    "sso_session = half\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = LabAdmin\n"
    "[profile badregion]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = Not A Region\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = LabAdmin\n"
    "[profile keys-and-session]\n" /* sso_session alone does not select SSO (botocore) */
    "sso_session = corp\n"
    "aws_access_key_id = AKIAKEYS\n"
    "aws_secret_access_key = keys-secret\n"
    "[profile role-on-sso]\n"
    "role_arn = arn:aws:iam::111122223333:role/lab\n"
    "source_profile = sess\n"
    "[sso-session corp]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = eu-west-1\n"
    "[sso-session half]\n"
    "sso_region = eu-west-1\n";

static dp_config *load(void)
{
    const char *cp = fx_write(&F, "config", CONFIG, 0);
    dp_err e;
    dp_err_clear(&e);
    dp_config *c = dp_config_load_files(cp, NULL, &e);
    if (!c)
        fprintf(stderr, "config: %s\n", e.message);
    return c;
}

static void test_config_sections(const dp_config *cfg)
{
    CHECK(dp_config_has_sso_session(cfg, "corp"));
    CHECK(!dp_config_has_sso_session(cfg, "gone"));
    CHECK(!dp_config_has_sso_session(cfg, "sess")); /* a profile is not a session */
    CHECK_STR(dp_config_sso_session_get(cfg, "corp", "sso_region"), "eu-west-1");
    CHECK(dp_config_sso_session_get(cfg, "half", "sso_start_url") == NULL);
    CHECK(dp_config_get(cfg, "corp", "sso_region") == NULL); /* not readable as a profile */
}

static void test_settings(const dp_config *cfg)
{
    dp_sso_settings s;
    dp_err e;
    dp_err_clear(&e);

    /* form (a): start URL and region from [sso-session corp] */
    CHECK_INT(dp_sso_settings_resolve(cfg, "sess", &s, &e), 0);
    CHECK_STR(s.profile, "sess");
    CHECK_STR(s.session_name, "corp");
    CHECK_STR(s.start_url, "https://corp.awsapps.com/start");
    CHECK_STR(s.region, "eu-west-1");
    CHECK_STR(s.account_id, "111122223333");
    CHECK_STR(s.role_name, "LabAdmin");
    CHECK_INT(dp_sso_settings_resolve(cfg, "same", &s, &e), 0);
    CHECK_STR(s.region, "eu-west-1");

    /* form (b): everything in the profile */
    CHECK_INT(dp_sso_settings_resolve(cfg, "legacy", &s, &e), 0);
    CHECK(s.session_name == NULL);
    CHECK_STR(s.start_url, "https://corp.awsapps.com/start");
    CHECK_STR(s.region, "eu-central-1");
    CHECK_STR(s.account_id, "444455556666");
    CHECK_STR(s.role_name, "ReadOnly");

    /* missing keys: one line naming the profile and each key */
    CHECK_INT(dp_sso_settings_resolve(cfg, "norole", &s, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    CHECK(strstr(e.message, "profile \"norole\"") != NULL);
    CHECK(strstr(e.message, "missing sso_role_name in ") != NULL);
    CHECK(strstr(e.message, "sso_account_id") == NULL);
    CHECK(strchr(e.message, '\n') == NULL);
    CHECK_INT(dp_sso_settings_resolve(cfg, "bare", &s, &e), -1);
    CHECK(strstr(e.message, "profile \"bare\" uses IAM Identity Center (SSO) but is missing sso_region, "
                            "sso_account_id, sso_role_name in ") != NULL);

    /* a profile value that contradicts its session */
    CHECK_INT(dp_sso_settings_resolve(cfg, "differs", &s, &e), -1);
    CHECK(strstr(e.message, "sso_region \"us-west-2\" differs from the one in [sso-session corp]") != NULL);

    /* the named session must exist and be complete */
    CHECK_INT(dp_sso_settings_resolve(cfg, "nosection", &s, &e), -1);
    CHECK(strstr(e.message, "sso_session \"gone\" has no [sso-session gone] section") != NULL);
    CHECK_INT(dp_sso_settings_resolve(cfg, "halfsession", &s, &e), -1);
    CHECK(strstr(e.message, "[sso-session half]") != NULL);
    CHECK(strstr(e.message, "missing sso_start_url") != NULL);

    CHECK_INT(dp_sso_settings_resolve(cfg, "badregion", &s, &e), -1);
    CHECK(strstr(e.message, "sso_region \"Not A Region\"") != NULL);

    /* which profiles the SSO provider takes (botocore: sso_account_id or sso_role_name) */
    CHECK(dp_sso_profile_selected(cfg, "sess"));
    CHECK(dp_sso_profile_selected(cfg, "norole"));
    CHECK(!dp_sso_profile_selected(cfg, "bare"));
    CHECK(dp_sso_profile_mentions(cfg, "bare"));
    CHECK(!dp_sso_profile_selected(cfg, "keys-and-session"));
    CHECK(!dp_sso_profile_mentions(cfg, "role-on-sso"));
}

static void test_cache_key(const dp_config *cfg)
{
    dp_sso_settings s;
    char key[41];
    /* The values botocore's SSOTokenLoader._generate_cache_key gives (SHA-1 hex). */
    CHECK_INT(dp_sso_settings_resolve(cfg, "sess", &s, NULL), 0);
    CHECK_INT(dp_sso_cache_key(&s, key), 0);
    CHECK_STR(key, "ee0bfd2552fbd840c02cc48b6e823320543c450f"); /* sha1("corp"): the session name */
    CHECK_INT(dp_sso_settings_resolve(cfg, "legacy", &s, NULL), 0);
    CHECK_INT(dp_sso_cache_key(&s, key), 0);
    CHECK_STR(key, "a51746d4aa793ae07b25e90c3a5db96fc7832bd7"); /* sha1 of the start URL */
    dp_sso_settings other = {.start_url = "https://d-1234567890.awsapps.com/start#/"};
    CHECK_INT(dp_sso_cache_key(&other, key), 0);
    CHECK_STR(key, "a1c75994a810c1c468d3bd565eda2836303e6659");

    /* the path honours HOME */
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", "/home/student/", 1);
    char *path = dp_sso_cache_path(&s);
    CHECK_STR(path, "/home/student/.aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json");
    free(path);
    if (old_home)
        setenv("HOME", old_home, 1);
    free(old_home);
}

static void test_expires_at(void)
{
    time_t t = 0;
    CHECK_INT(dp_sso_parse_expires_at("2026-11-22T10:00:00Z", &t), 0);
    CHECK_INT(t, NOW);
    CHECK_INT(dp_sso_parse_expires_at("2026-11-22T10:00:00+00:00", &t), 0);
    CHECK_INT(t, NOW);
    CHECK_INT(dp_sso_parse_expires_at("2026-11-22T10:00:00.123456Z", &t), 0);
    CHECK_INT(t, NOW);
    CHECK_INT(dp_sso_parse_expires_at("2026-11-22T11:30:00+01:30", &t), 0);
    CHECK_INT(t, NOW);
    CHECK_INT(dp_sso_parse_expires_at("2026-11-22T10:00:00UTC", &t), 0); /* older CLI v2 caches */
    CHECK_INT(t, NOW);
    CHECK_INT(dp_sso_parse_expires_at("2026-11-22 10:00", &t), -1);
    CHECK_INT(dp_sso_parse_expires_at("tomorrow", &t), -1);
    CHECK_INT(dp_sso_parse_expires_at("", &t), -1);
    CHECK_INT(dp_sso_parse_expires_at(NULL, &t), -1);
}

static void test_token_parse(void)
{
    char *tok = NULL;
    time_t t = 0;
    const char *good = "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"eu-west-1\", "
                       "\"accessToken\": \"aoaAAAAA-token\", \"expiresAt\": \"2026-11-22T10:00:00Z\", "
                       "\"refreshToken\": \"r\", \"clientId\": \"c\", \"clientSecret\": \"s\"}";
    CHECK_INT(dp_sso_token_parse(good, strlen(good), &tok, &t), 0);
    CHECK_STR(tok, "aoaAAAAA-token");
    CHECK_INT(t, NOW);
    free(tok);
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"expiresAt\": \"2026-11-22T10:00:00Z\"}",
        "{\"accessToken\": \"t\"}",
        "{\"accessToken\": \"\", \"expiresAt\": \"2026-11-22T10:00:00Z\"}",
        "{\"accessToken\": 7, \"expiresAt\": \"2026-11-22T10:00:00Z\"}",
        "{\"accessToken\": \"t\", \"expiresAt\": \"soon\"}",
        "{\"accessToken\": \"t\\r\\nX-Evil: 1\", \"expiresAt\": \"2026-11-22T10:00:00Z\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tok = (char *)"unchanged";
        CHECK_INT(dp_sso_token_parse(bad[i], strlen(bad[i]), &tok, &t), -1);
        CHECK(tok == NULL);
    }
}

static void test_role_credentials(void)
{
    dp_creds c = {0};
    dp_err e;
    dp_err_clear(&e);
    const char *good = "{\"roleCredentials\": {\"accessKeyId\": \"ASIASSO\", \"secretAccessKey\": \"sso-secret\", "
                       "\"sessionToken\": \"sso-session-token\", \"expiration\": 1795341600123}}";
    CHECK_INT(dp_sso_parse_role_credentials(good, strlen(good), &c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIASSO");
    CHECK_STR(c.secret_access_key, "sso-secret");
    CHECK_STR(c.session_token, "sso-session-token");
    CHECK_INT(c.expiration, NOW); /* epoch milliseconds */
    dp_creds_cleanup(&c);

    static const char *const bad[] = {
        "{}",
        "{\"roleCredentials\": {\"secretAccessKey\": \"s\", \"sessionToken\": \"t\", \"expiration\": 1}}",
        "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"sessionToken\": \"t\", \"expiration\": 1}}",
        "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"s\", \"expiration\": 1}}",
        "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"s\", \"sessionToken\": \"t\"}}",
        "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"s\", \"sessionToken\": \"t\", "
        "\"expiration\": \"2026-11-22T10:00:00Z\"}}",
        "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"s\", \"sessionToken\": \"t\", "
        "\"expiration\": -5}}",
        "<xml/>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dp_err_clear(&e);
        CHECK_INT(dp_sso_parse_role_credentials(bad[i], strlen(bad[i]), &c, &e), -1);
        CHECK_INT(e.kind, DP_E_CREDENTIALS);
        CHECK(strstr(e.message, "GetRoleCredentials") != NULL);
        CHECK(strstr(e.message, "secret-value") == NULL);
    }
}

static void test_endpoint(void)
{
    dp_endpoint ep;
    dp_err e;
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_SSO");
    CHECK_INT(dp_endpoint_resolve(&dp_svc_sso, "eu-west-1", NULL, &ep, &e), 0);
    CHECK_STR(ep.host, "portal.sso.eu-west-1.amazonaws.com");
    CHECK_STR(ep.scheme, "https");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", 1);
    setenv("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9/portal", 1);
    CHECK_INT(dp_endpoint_resolve(&dp_svc_sso, "eu-west-1", NULL, &ep, &e), 0);
    CHECK_STR(ep.host, "127.0.0.1:9");
    CHECK_STR(ep.base_path, "/portal");
    CHECK_STR(ep.origin, "AWS_ENDPOINT_URL_SSO");
    unsetenv("AWS_ENDPOINT_URL_SSO");
    CHECK_INT(dp_endpoint_resolve(&dp_svc_sso, "eu-west-1", NULL, &ep, &e), 0);
    CHECK_STR(ep.origin, "AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL");
}

static void test_redaction(void)
{
    char out[512];
    const char *hdr = "> x-amz-sso_bearer_token: aoaAAAAAbearer";
    dp_log_redact(hdr, strlen(hdr), out, sizeof out);
    CHECK_STR(out, "> x-amz-sso_bearer_token: ***");
    const char *cache = "{\"accessToken\": \"aoaAAAAAbearer\", \"refreshToken\": \"rt\", \"clientSecret\": \"cs\"}";
    dp_log_redact(cache, strlen(cache), out, sizeof out);
    CHECK_STR(out, "{\"accessToken\": \"***\", \"refreshToken\": \"***\", \"clientSecret\": \"***\"}");
    const char *answer = "< {\"roleCredentials\": {\"accessKeyId\": \"ASIASSO\", \"secretAccessKey\": \"s3cr3t\", "
                         "\"sessionToken\": \"t0k3n\", \"expiration\": 1}}";
    dp_log_redact(answer, strlen(answer), out, sizeof out);
    CHECK(strstr(out, "ASIASSO") != NULL);
    CHECK(strstr(out, "s3cr3t") == NULL);
    CHECK(strstr(out, "t0k3n") == NULL);
}

/* Runs a fresh chain with --profile. */
static int chain_get(const dp_config *cfg, const char *profile, dp_creds *out, dp_err *e)
{
    dp_err_clear(e);
    dp_creds_chain *ch = dp_creds_chain_new(cfg, profile, NULL, NULL);
    if (!ch)
        return -2;
    int rc = dp_creds_chain_get(ch, NOW, out, e);
    dp_creds_chain_free(ch);
    return rc;
}

static const char *LOGIN = "the SSO session has expired or is missing: run \"aws sso login --profile sess\"";

static void write_token(const char *name, const char *expires)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"eu-west-1\", "
             "\"accessToken\": \"aoaSECRETTOKEN\", \"expiresAt\": \"%s\"}",
             expires);
    fx_write(&F, name, body, 0);
}

static void test_provider(const dp_config *cfg)
{
    dp_creds c = {0};
    dp_err e;
    char home[300], dir[340];
    snprintf(home, sizeof home, "%s", F.dir);
    setenv("HOME", home, 1);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_SSO");

    /* no cache file at all */
    CHECK_INT(chain_get(cfg, "sess", &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, LOGIN) != NULL);
    CHECK(strchr(e.message, '\n') == NULL);

    snprintf(dir, sizeof dir, "%s/.aws", F.dir);
    mkdir(dir, 0700);
    snprintf(dir, sizeof dir, "%s/.aws/sso", F.dir);
    mkdir(dir, 0700);
    snprintf(dir, sizeof dir, "%s/.aws/sso/cache", F.dir);
    mkdir(dir, 0700);
    const char *tokfile = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";

    /* expired (one second ago), and exactly at expiry */
    write_token(tokfile, "2026-11-22T09:59:59Z");
    CHECK_INT(chain_get(cfg, "sess", &c, &e), -1);
    CHECK(strstr(e.message, LOGIN) != NULL);
    write_token(tokfile, "2026-11-22T10:00:00Z");
    CHECK_INT(chain_get(cfg, "sess", &c, &e), -1);
    CHECK(strstr(e.message, LOGIN) != NULL);

    /* unreadable content */
    fx_write(&F, tokfile, "{\"accessToken\": \"aoaSECRETTOKEN\"}", 0);
    CHECK_INT(chain_get(cfg, "sess", &c, &e), -1);
    CHECK(strstr(e.message, LOGIN) != NULL);

    /* a valid token goes to the portal: AWS_ENDPOINT_URL_SSO points at a closed port, so the
     * call fails as a network error that names the endpoint's origin and never the token */
    write_token(tokfile, "2026-11-22T11:00:00Z");
    setenv("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9", 1);
    CHECK_INT(chain_get(cfg, "sess", &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK(strstr(e.message, "profile \"sess\": SSO GetRoleCredentials (AWS_ENDPOINT_URL_SSO)") != NULL);
    CHECK(strstr(e.message, "aoaSECRETTOKEN") == NULL);

    /* the legacy form reads the file named after the start URL, not the session's */
    CHECK_INT(chain_get(cfg, "legacy", &c, &e), -1);
    CHECK(strstr(e.message, "run \"aws sso login --profile legacy\"") != NULL);
    unsetenv("AWS_ENDPOINT_URL_SSO");

    /* missing settings surface through the chain as one line */
    CHECK_INT(chain_get(cfg, "norole", &c, &e), -1);
    CHECK(strstr(e.message, "profile \"norole\" uses IAM Identity Center (SSO) but is missing sso_role_name") != NULL);

    /* sso_session next to static keys: the keys (botocore only takes SSO with account/role) */
    CHECK_INT(chain_get(cfg, "keys-and-session", &c, &e), 0);
    CHECK_STR(c.access_key_id, "AKIAKEYS");
    dp_creds_cleanup(&c);
    fx_write(&F, tokfile, "", 0);
}

int main(void)
{
    if (fx_init(&F))
        return 1;
    fx_clear_env();
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    dp_http_global_init();
    dp_config *cfg = load();
    CHECK(cfg != NULL);
    if (cfg) {
        test_config_sections(cfg);
        test_settings(cfg);
        test_cache_key(cfg);
        test_provider(cfg);
    }
    test_expires_at();
    test_token_parse();
    test_role_credentials();
    test_endpoint();
    test_redaction();
    dp_config_free(cfg);
    dp_http_global_cleanup();
    /* fx_done removes files, then the directories it made for the cache */
    char dir[340];
    fx_done(&F);
    snprintf(dir, sizeof dir, "%s/.aws/sso/cache", F.dir);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/.aws/sso", F.dir);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/.aws", F.dir);
    rmdir(dir);
    rmdir(F.dir);
    CHECK_DONE();
}
