/* sso.h - IAM Identity Center (SSO) profiles: their settings, the token `aws sso login`
 * caches, and the portal's GetRoleCredentials (as botocore's SSOProvider, SSOCredentialFetcher
 * and SSOTokenLoader do).
 *
 * Two profile forms:
 *   (a) sso_session = NAME, with sso_start_url and sso_region in `[sso-session NAME]`;
 *   (b) legacy: sso_start_url and sso_region in the profile itself.
 * Both need sso_account_id and sso_role_name in the profile. The token is read from
 * $HOME/.aws/sso/cache/<sha1 hex of NAME (a) or of the start URL (b)>.json ("accessToken",
 * "expiresAt"); dmsprov never refreshes it through sso-oidc (CreateToken with the cached
 * refresh token): an expired token means `aws sso login`, as the CLI's legacy form does.
 * GetRoleCredentials is an unsigned GET on portal.sso.<sso_region>.amazonaws.com (endpoint
 * overrides: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the profile's services section and
 * endpoint_url) with the token in the x-amz-sso_bearer_token header.
 *
 * Ownership: a dp_sso_settings borrows every string from its dp_config (and the profile name
 * from the caller); dp_sso_cache_path() and dp_sso_token_parse() return owned strings (the
 * token is a secret: OPENSSL_cleanse it before free()); dp_creds filled here are the caller's. */
#ifndef DP_CREDS_SSO_H
#define DP_CREDS_SSO_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "drivers/base/err.h"
#include "drivers/core/config.h"
#include "drivers/core/creds/creds.h"

typedef struct dp_sso_settings {
    const char *profile;      /* borrowed: the profile these come from */
    const char *session_name; /* borrowed: sso_session (form a), NULL for the legacy form */
    const char *start_url;    /* borrowed */
    const char *region;       /* borrowed: sso_region, where the portal is */
    const char *account_id;   /* borrowed */
    const char *role_name;    /* borrowed */
} dp_sso_settings;

/* True when botocore's SSO provider takes the profile: it sets sso_account_id or sso_role_name. */
bool dp_sso_profile_selected(const dp_config *cfg, const char *profile);
/* True when the profile has any SSO setting (also sso_session or sso_start_url alone). */
bool dp_sso_profile_mentions(const dp_config *cfg, const char *profile);

/* Fills out from the profile (and its sso-session section). Returns 0, or -1 with e filled
 * (DP_E_CONFIG, one line naming the profile and every missing key). */
int dp_sso_settings_resolve(const dp_config *cfg, const char *profile, dp_sso_settings *out, dp_err *e);

/* The token cache key: the lower-case SHA-1 hex of the session name (form a) or start URL. */
int dp_sso_cache_key(const dp_sso_settings *s, char out[41]);
/* $HOME/.aws/sso/cache/<key>.json (HOME, else the password database). Owned, or NULL. */
char *dp_sso_cache_path(const dp_sso_settings *s);

/* "expiresAt": ISO 8601 UTC ("...Z", "+00:00", fractions) or the "...UTC" older CLIs wrote. */
int dp_sso_parse_expires_at(const char *s, time_t *out);
/* Parses a token cache file: *token (owned, secret) and *expires_at. Returns 0, or -1 when it
 * is not JSON or lacks either field (the caller says "run aws sso login"). */
int dp_sso_token_parse(const char *json, size_t len, char **token, time_t *expires_at);

/* Parses a GetRoleCredentials answer ({"roleCredentials": {accessKeyId, secretAccessKey,
 * sessionToken, expiration (epoch milliseconds)}}) into out. Never quotes values. */
int dp_sso_parse_role_credentials(const char *body, size_t len, dp_creds *out, dp_err *e);

/* GetRoleCredentials with the access token (creds_sso_portal.c): one unsigned GET, retried
 * on throttling, 5xx and network failures. Returns 0 with out filled (without source), 1 when
 * the portal refuses the token (UnauthorizedException: time for `aws sso login`), or -1 with
 * e filled. Never logs or quotes the token or the keys. */
int dp_sso_get_role_credentials(const dp_sso_settings *s, const char *token, const dp_config *cfg,
                                const char *endpoint_profile, const char *ca_bundle, dp_creds *out, dp_err *e);

/* The provider: settings, cached token, GetRoleCredentials. endpoint_profile: the profile in
 * use, whose endpoint_url / services section apply (botocore creates the SSO client in that
 * session); ca_bundle: PEM file to trust (NULL = the system store). Returns 0 or -1 with e
 * filled (DP_E_CONFIG, DP_E_CREDENTIALS, DP_E_NOMEM). Needs dp_http_global_init(). */
int dp_creds_from_sso(const dp_config *cfg, const char *profile, const char *endpoint_profile,
                      const char *ca_bundle, time_t now, dp_creds *out, dp_err *e);

#endif
