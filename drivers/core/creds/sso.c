/* sso.c - IAM Identity Center profiles: settings of both forms, the cached token, the provider. */
#include "drivers/core/creds/sso.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/base/buf.h"
#include "drivers/base/log.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/endpoint.h"

#define TOKEN_FILE_MAX ((size_t)1024 * 1024) /* a cache file is well under 10 KiB */

static const char *get(const dp_config *cfg, const char *profile, const char *key)
{
    const char *v = dp_config_get(cfg, profile, key);
    return v && *v ? v : NULL;
}

static const char *session_get(const dp_config *cfg, const char *name, const char *key)
{
    const char *v = dp_config_sso_session_get(cfg, name, key);
    return v && *v ? v : NULL;
}

bool dp_sso_profile_selected(const dp_config *cfg, const char *profile)
{
    return get(cfg, profile, "sso_account_id") || get(cfg, profile, "sso_role_name");
}

bool dp_sso_profile_mentions(const dp_config *cfg, const char *profile)
{
    return dp_sso_profile_selected(cfg, profile) || get(cfg, profile, "sso_session") ||
           get(cfg, profile, "sso_start_url");
}

/* Appends ", key" (or "key") to the missing list. */
static void note_missing(char *list, size_t n, const char *key)
{
    size_t used = strlen(list);
    snprintf(list + used, n - used, "%s%s", used ? ", " : "", key);
}

/* Form (a): sso_start_url / sso_region come from the section; the profile may repeat them, but
 * then they must be equal (botocore refuses the inconsistency). */
static int from_session(const dp_config *cfg, const char *profile, const char *name, dp_sso_settings *out,
                        dp_err *e)
{
    if (!dp_config_has_sso_session(cfg, name)) {
        dp_err_set(e, DP_E_CONFIG,
                   "profile \"%s\" uses IAM Identity Center (SSO) but its sso_session \"%s\" has no "
                   "[sso-session %s] section in %s",
                   profile, name, name, dp_config_file_path(cfg));
        return -1;
    }
    static const char *const keys[] = {"sso_start_url", "sso_region"};
    const char **dst[] = {&out->start_url, &out->region};
    char section_missing[64] = "";
    for (size_t i = 0; i < 2; i++) {
        const char *sv = session_get(cfg, name, keys[i]);
        const char *pv = get(cfg, profile, keys[i]);
        if (sv && pv && strcmp(sv, pv)) {
            dp_err_set(e, DP_E_CONFIG,
                       "profile \"%s\": %s \"%s\" differs from the one in [sso-session %s] (\"%s\") in %s; keep "
                       "one",
                       profile, keys[i], pv, name, sv, dp_config_file_path(cfg));
            return -1;
        }
        if (!sv)
            note_missing(section_missing, sizeof section_missing, keys[i]);
        *dst[i] = sv;
    }
    if (section_missing[0]) {
        dp_err_set(e, DP_E_CONFIG,
                   "profile \"%s\" uses IAM Identity Center (SSO) but [sso-session %s] in %s is missing %s", profile,
                   name, dp_config_file_path(cfg), section_missing);
        return -1;
    }
    return 0;
}

int dp_sso_settings_resolve(const dp_config *cfg, const char *profile, dp_sso_settings *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    out->profile = profile;
    out->session_name = get(cfg, profile, "sso_session");
    char missing[128] = "";
    if (out->session_name) {
        if (from_session(cfg, profile, out->session_name, out, e))
            return -1;
    } else {
        out->start_url = get(cfg, profile, "sso_start_url");
        out->region = get(cfg, profile, "sso_region");
        if (!out->start_url)
            note_missing(missing, sizeof missing, "sso_start_url (or sso_session)");
        if (!out->region)
            note_missing(missing, sizeof missing, "sso_region");
    }
    out->account_id = get(cfg, profile, "sso_account_id");
    out->role_name = get(cfg, profile, "sso_role_name");
    if (!out->account_id)
        note_missing(missing, sizeof missing, "sso_account_id");
    if (!out->role_name)
        note_missing(missing, sizeof missing, "sso_role_name");
    if (missing[0]) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\" uses IAM Identity Center (SSO) but is missing %s in %s", profile,
                   missing, dp_config_file_path(cfg));
        return -1;
    }
    if (!dp_region_valid(out->region)) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\": sso_region \"%s\" is not a region name like us-east-1", profile,
                   out->region);
        return -1;
    }
    return 0;
}

int dp_sso_cache_key(const dp_sso_settings *s, char out[41])
{
    const char *input = s->session_name ? s->session_name : s->start_url;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    out[0] = '\0';
    if (!input || EVP_Digest(input, strlen(input), md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen != 20)
        return -1;
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[40] = '\0';
    return 0;
}

char *dp_sso_cache_path(const dp_sso_settings *s)
{
    char key[41], home[1024];
    if (dp_sso_cache_key(s, key) || dp_config_home_dir(home, sizeof home))
        return NULL;
    size_t hl = strlen(home);
    while (hl > 1 && home[hl - 1] == '/')
        home[--hl] = '\0';
    dp_buf b;
    dp_buf_init(&b, 0);
    if (dp_buf_printf(&b, "%s/.aws/sso/cache/%s.json", home, key)) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    return dp_buf_steal(&b);
}

int dp_sso_parse_expires_at(const char *s, time_t *out)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    if (n > 3 && n < 64 && !strcmp(s + n - 3, "UTC")) { /* "2019-11-14T04:05:45UTC" */
        char z[64];
        snprintf(z, sizeof z, "%.*sZ", (int)(n - 3), s);
        return dp_creds_parse_time(z, out);
    }
    return dp_creds_parse_time(s, out);
}

int dp_sso_token_parse(const char *json, size_t len, char **token, time_t *expires_at)
{
    *token = NULL;
    cJSON *doc = cJSON_ParseWithLength(json, len);
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(doc, "accessToken");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(doc, "expiresAt");
    int rc = -1;
    if (cJSON_IsObject(doc) && cJSON_IsString(tok) && tok->valuestring[0] && cJSON_IsString(exp) &&
        !dp_sso_parse_expires_at(exp->valuestring, expires_at) && !strpbrk(tok->valuestring, "\r\n")) {
        *token = strdup(tok->valuestring);
        rc = *token ? 0 : -1;
    }
    /* The document also holds the refresh token and client secret: wipe every string. */
    for (cJSON *it = doc ? doc->child : NULL; it; it = it->next)
        if (cJSON_IsString(it) && it->valuestring)
            OPENSSL_cleanse(it->valuestring, strlen(it->valuestring));
    cJSON_Delete(doc);
    return rc;
}

/* Reads the whole cache file into b (wiped by the caller). Returns 0, or -1 (errno set). */
static int read_file(const char *path, dp_buf *b)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    char chunk[4096];
    size_t n;
    int bad = 0;
    while (!bad && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        bad = dp_buf_append(b, chunk, n);
    if (!bad && ferror(fp)) {
        bad = 1;
        errno = EIO;
    } else if (bad) {
        errno = EFBIG;
    }
    fclose(fp);
    OPENSSL_cleanse(chunk, sizeof chunk);
    return bad ? -1 : 0;
}

static void login_needed(const dp_sso_settings *s, dp_err *e)
{
    dp_err_set(e, DP_E_CREDENTIALS,
               "profile \"%s\": the SSO session has expired or is missing: run \"aws sso login --profile %s\"",
               s->profile, s->profile);
}

/* The cached access token (owned, secret) valid at now, or NULL with e filled. No refresh
 * through sso-oidc CreateToken (botocore's SSOTokenProvider does it for sso_session profiles
 * with the cached refresh token and client secret): dmsprov never writes the user's cache, so
 * an expired token means `aws sso login`, which renews it for the CLI and for us. */
static char *load_token(const dp_sso_settings *s, time_t now, dp_err *e)
{
    char *path = dp_sso_cache_path(s);
    if (!path) {
        dp_err_set(e, DP_E_CREDENTIALS, "profile \"%s\": cannot find the SSO token cache (HOME is not set)",
                   s->profile);
        return NULL;
    }
    dp_buf b;
    dp_buf_init(&b, TOKEN_FILE_MAX);
    char *token = NULL;
    time_t expires = 0;
    if (read_file(path, &b)) {
        char eb[128];
        dp_debug("SSO token cache %s: %s", path, dp_strerror(errno, eb, sizeof eb));
        login_needed(s, e);
    } else if (dp_sso_token_parse(dp_buf_str(&b), b.len, &token, &expires)) {
        dp_debug("SSO token cache %s: not JSON with accessToken and expiresAt", path);
        login_needed(s, e);
    } else if (expires <= now) {
        dp_debug("SSO token cache %s: the token expired %lld s ago", path, (long long)(now - expires));
        login_needed(s, e);
        OPENSSL_cleanse(token, strlen(token));
        free(token);
        token = NULL;
    }
    if (b.data)
        OPENSSL_cleanse(b.data, b.cap);
    dp_buf_cleanup(&b);
    free(path);
    return token;
}

int dp_creds_from_sso(const dp_config *cfg, const char *profile, const char *endpoint_profile,
                      const char *ca_bundle, time_t now, dp_creds *out, dp_err *e)
{
    dp_sso_settings s;
    if (dp_sso_settings_resolve(cfg, profile, &s, e))
        return -1;
    char *token = load_token(&s, now, e);
    if (!token)
        return -1;
    int rc = dp_sso_get_role_credentials(&s, token, cfg, endpoint_profile, ca_bundle, out, e);
    if (rc == DP_MISSING)
        login_needed(&s, e);
    dp_err_scrub(e, token);
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    if (rc)
        return -1;
    dp_creds_set_source(out, "SSO role %s in account %s via profile %s", s.role_name, s.account_id, profile);
    return 0;
}
