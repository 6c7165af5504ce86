/* test_creds_assume.c - role_arn profiles through a fake AssumeRole: source creds, caching,
 * refresh near expiry, role chains, loops, credential_source, and concurrent callers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/core/creds/chain.h"
#include "tests/helpers/creds_fixture.h"

static fx F;
static const time_t T0 = 1700000000;

typedef struct fake {
    pthread_mutex_t mu;
    int calls;
    int fail; /* answer with an error */
    time_t now;
    int lifetime;
    char source_akid[64], source_token[64], role_arn[128], session[64], external_id[64];
    int duration;
} fake;

static int fake_assume(void *ctx, const dp_creds *source, const char *role_arn, const char *session_name,
                       const char *external_id, int duration_seconds, dp_creds *out, dp_err *e)
{
    fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    int n = ++f->calls;
    snprintf(f->source_akid, sizeof f->source_akid, "%s", source->access_key_id);
    snprintf(f->source_token, sizeof f->source_token, "%s", source->session_token ? source->session_token : "");
    snprintf(f->role_arn, sizeof f->role_arn, "%s", role_arn);
    snprintf(f->session, sizeof f->session, "%s", session_name);
    snprintf(f->external_id, sizeof f->external_id, "%s", external_id ? external_id : "(none)");
    f->duration = duration_seconds;
    int fail = f->fail;
    time_t exp = f->now + f->lifetime;
    pthread_mutex_unlock(&f->mu);
    if (fail) {
        dp_err_set(e, DP_E_AWS, "AccessDenied: not allowed");
        return -1;
    }
    char akid[32], token[48];
    snprintf(akid, sizeof akid, "ASIAROLE%d", n);
    snprintf(token, sizeof token, "role-token-%d", n);
    return dp_creds_set(out, akid, "role-secret", token, exp);
}

static const char *CONFIG =
    "[profile role]\n"
    "role_arn = arn:aws:iam::123456789012:role/lab\n"
    "source_profile = base\n"
    "role_session_name = my-session\n"
    "external_id = ext-123\n"
    "duration_seconds = 1800\n"
    "[profile chained]\n"
    "role_arn = arn:aws:iam::210987654321:role/second\n"
    "source_profile = role\n"
    "[profile loop-a]\n"
    "role_arn = arn:aws:iam::1:role/a\n"
    "source_profile = loop-b\n"
    "[profile loop-b]\n"
    "role_arn = arn:aws:iam::1:role/b\n"
    "source_profile = loop-a\n"
    "[profile self]\n"
    "role_arn = arn:aws:iam::1:role/self\n"
    "source_profile = self\n"
    "[profile envrole]\n"
    "role_arn = arn:aws:iam::1:role/env\n"
    "credential_source = Environment\n"
    "[profile badsrc]\n"
    "role_arn = arn:aws:iam::1:role/x\n"
    "credential_source = Somewhere\n"
    "[profile both]\n"
    "role_arn = arn:aws:iam::1:role/x\n"
    "credential_source = Environment\n"
    "source_profile = base\n"
    "[profile nosrc]\n"
    "role_arn = arn:aws:iam::1:role/x\n"
    "[profile lostsrc]\n"
    "role_arn = arn:aws:iam::1:role/x\n"
    "source_profile = ghost\n"
    "[profile baddur]\n"
    "role_arn = arn:aws:iam::1:role/x\n"
    "source_profile = base\n"
    "duration_seconds = 12abc\n"
    "[profile mfa]\n"
    "role_arn = arn:aws:iam::1:role/x\n"
    "source_profile = base\n"
    "mfa_serial = arn:aws:iam::1:mfa/me\n";

static const char *CREDS =
    "[base]\n"
    "aws_access_key_id = AKIABASE\n"
    "aws_secret_access_key = base-secret\n"
    "[self]\n"
    "aws_access_key_id = AKIASELF\n"
    "aws_secret_access_key = self-secret\n";

static dp_config *CFG;

static int get_at(dp_creds_chain *ch, time_t now, fake *f, dp_creds *out, dp_err *e)
{
    dp_err_clear(e);
    f->now = now;
    return dp_creds_chain_get(ch, now, out, e);
}

static int get_once(const char *profile, fake *f, dp_creds *out, dp_err *e)
{
    dp_creds_chain *ch = dp_creds_chain_new(CFG, profile, fake_assume, f);
    int rc = get_at(ch, T0, f, out, e);
    dp_creds_chain_free(ch);
    return rc;
}

static void test_cache_and_refresh(void)
{
    fake f = {.mu = PTHREAD_MUTEX_INITIALIZER, .lifetime = 3600};
    dp_creds c = {0};
    dp_err e;
    dp_creds_chain *ch = dp_creds_chain_new(CFG, "role", fake_assume, &f);
    CHECK(ch != NULL);

    CHECK_INT(get_at(ch, T0, &f, &c, &e), 0);
    CHECK_INT(f.calls, 1);
    CHECK_STR(f.source_akid, "AKIABASE"); /* called with the source profile's credentials */
    CHECK_STR(f.role_arn, "arn:aws:iam::123456789012:role/lab");
    CHECK_STR(f.session, "my-session");
    CHECK_STR(f.external_id, "ext-123");
    CHECK_INT(f.duration, 1800);
    CHECK_STR(c.access_key_id, "ASIAROLE1");
    CHECK_STR(c.session_token, "role-token-1");
    CHECK_INT(c.expiration, T0 + 3600);
    CHECK_STR(c.source, "assumed role arn:aws:iam::123456789012:role/lab via profile role");
    dp_creds_cleanup(&c);

    /* cached while more than 5 minutes remain */
    CHECK_INT(get_at(ch, T0 + 100, &f, &c, &e), 0);
    CHECK_STR(c.access_key_id, "ASIAROLE1");
    dp_creds_cleanup(&c);
    CHECK_INT(get_at(ch, T0 + 3600 - 301, &f, &c, &e), 0);
    CHECK_INT(f.calls, 1);
    CHECK_STR(c.access_key_id, "ASIAROLE1");
    dp_creds_cleanup(&c);

    /* refreshed within 5 minutes of expiry */
    CHECK_INT(get_at(ch, T0 + 3600 - 300, &f, &c, &e), 0);
    CHECK_INT(f.calls, 2);
    CHECK_STR(c.access_key_id, "ASIAROLE2");
    CHECK_INT(c.expiration, T0 + 3300 + 3600);
    dp_creds_cleanup(&c);

    /* a failed refresh keeps handing out credentials that are still valid for a while... */
    f.fail = 1;
    time_t exp2 = T0 + 3300 + 3600;
    CHECK_INT(get_at(ch, exp2 - 200, &f, &c, &e), 0);
    CHECK_INT(f.calls, 3);
    CHECK_STR(c.access_key_id, "ASIAROLE2");
    dp_creds_cleanup(&c);
    /* ...but not ones about to expire: then the error comes through */
    CHECK_INT(get_at(ch, exp2 - 30, &f, &c, &e), -1);
    CHECK_INT(f.calls, 4);
    CHECK(c.access_key_id == NULL);
    CHECK(strstr(e.message, "assuming role arn:aws:iam::123456789012:role/lab for profile \"role\": "
                            "AccessDenied: not allowed") != NULL);
    dp_creds_chain_free(ch);

    /* the default session name when role_session_name is not set */
    f.fail = 0;
    CHECK_INT(get_once("chained", &f, &c, &e), 0);
    CHECK(strncmp(f.session, "dmsprov-", 8) == 0);
    CHECK_INT(f.duration, 0);
    CHECK_STR(f.external_id, "(none)");
    dp_creds_cleanup(&c);
}

static void test_chained(void)
{
    fake f = {.mu = PTHREAD_MUTEX_INITIALIZER, .lifetime = 3600};
    dp_creds c = {0};
    dp_err e;
    /* chained -> role -> base: the second AssumeRole gets the first one's result */
    CHECK_INT(get_once("chained", &f, &c, &e), 0);
    CHECK_INT(f.calls, 2);
    CHECK_STR(f.source_akid, "ASIAROLE1");
    CHECK_STR(f.source_token, "role-token-1");
    CHECK_STR(f.role_arn, "arn:aws:iam::210987654321:role/second");
    CHECK_STR(c.access_key_id, "ASIAROLE2");
    CHECK_STR(c.source, "assumed role arn:aws:iam::210987654321:role/second via profile chained");
    dp_creds_cleanup(&c);

    /* a role profile may be its own source when it has static keys */
    f.calls = 0;
    CHECK_INT(get_once("self", &f, &c, &e), 0);
    CHECK_INT(f.calls, 1);
    CHECK_STR(f.source_akid, "AKIASELF");
    dp_creds_cleanup(&c);
}

static void test_errors(void)
{
    fake f = {.mu = PTHREAD_MUTEX_INITIALIZER, .lifetime = 3600};
    dp_creds c = {0};
    dp_err e;

    CHECK_INT(get_once("loop-a", &f, &c, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    CHECK(strstr(e.message, "source_profile loop: loop-a -> loop-b -> loop-a") != NULL);
    CHECK_INT(f.calls, 0);

    CHECK_INT(get_once("badsrc", &f, &c, &e), -1);
    CHECK(strstr(e.message, "credential_source \"Somewhere\"") != NULL);
    CHECK_INT(get_once("both", &f, &c, &e), -1);
    CHECK(strstr(e.message, "both source_profile and credential_source") != NULL);
    CHECK_INT(get_once("nosrc", &f, &c, &e), -1);
    CHECK(strstr(e.message, "neither source_profile nor credential_source") != NULL);
    CHECK_INT(get_once("lostsrc", &f, &c, &e), -1);
    CHECK(strstr(e.message, "source_profile \"ghost\" of profile \"lostsrc\" not found") != NULL);
    CHECK_INT(get_once("baddur", &f, &c, &e), -1);
    CHECK(strstr(e.message, "duration_seconds \"12abc\"") != NULL);
    CHECK_INT(get_once("mfa", &f, &c, &e), -1);
    CHECK(strstr(e.message, "mfa_serial") != NULL);
    CHECK_INT(f.calls, 0);

    /* credential_source = Environment needs the environment keys */
    CHECK_INT(get_once("envrole", &f, &c, &e), -1);
    CHECK(strstr(e.message, "credential_source Environment has no credentials") != NULL);
    setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    CHECK_INT(get_once("envrole", &f, &c, &e), 0);
    CHECK_STR(f.source_akid, "AKIAFROMENV");
    CHECK_STR(c.access_key_id, "ASIAROLE1");
    dp_creds_cleanup(&c);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");

    /* without an AssumeRole implementation */
    dp_creds_chain *ch = dp_creds_chain_new(CFG, "role", NULL, NULL);
    dp_err_clear(&e);
    CHECK_INT(dp_creds_chain_get(ch, T0, &c, &e), -1);
    CHECK(strstr(e.message, "role assumption is not available") != NULL);
    dp_creds_chain_free(ch);
}

typedef struct worker {
    dp_creds_chain *ch;
    int rc;
    char akid[32];
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 50; i++) {
        dp_creds c = {0};
        dp_err e;
        dp_err_clear(&e);
        w->rc |= dp_creds_chain_get(w->ch, T0, &c, &e);
        snprintf(w->akid, sizeof w->akid, "%s", c.access_key_id ? c.access_key_id : "");
        dp_creds_cleanup(&c);
    }
    return NULL;
}

static void test_threads(void)
{
    fake f = {.mu = PTHREAD_MUTEX_INITIALIZER, .lifetime = 3600, .now = T0};
    dp_creds_chain *ch = dp_creds_chain_new(CFG, "role", fake_assume, &f);
    worker w[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        w[i] = (worker){.ch = ch};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(w[i].rc, 0);
        CHECK_STR(w[i].akid, "ASIAROLE1");
    }
    CHECK_INT(f.calls, 1); /* one AssumeRole for all the callers */
    dp_creds_chain_free(ch);
}

int main(void)
{
    if (fx_init(&F))
        return 1;
    fx_clear_env();
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    dp_err e;
    dp_err_clear(&e);
    CFG = dp_config_load_files(fx_write(&F, "config", CONFIG, 0), fx_write(&F, "credentials", CREDS, 0), &e);
    CHECK(CFG != NULL);
    if (CFG) {
        test_cache_and_refresh();
        test_chained();
        test_errors();
        test_threads();
        dp_config_free(CFG);
    }
    fx_done(&F);
    CHECK_DONE();
}
