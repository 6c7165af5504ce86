/* chain.h - the credential provider chain, in the AWS CLI's order, with a cache.
 *
 *   --profile NAME (only that profile; errors are final)
 *   -> environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]
 *   -> profile AWS_PROFILE / AWS_DEFAULT_PROFILE / "default" in the shared files: static keys,
 *      role_arn + source_profile | credential_source (through the assume-role callback),
 *      IAM Identity Center (sso_session / sso_start_url + sso_account_id + sso_role_name, with
 *      the token `aws sso login` cached; sso.h), credential_process
 *   -> container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)
 *   -> EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true.
 *
 * A provider that is configured but fails stops the chain with its error (as the CLI does);
 * only "not configured / nothing there" moves on. Container and IMDS calls need
 * dp_http_global_init() to have been called.
 *
 * Ownership: dp_creds_chain_new() returns an owned chain (dp_creds_chain_free()); it borrows
 * cfg, which must outlive it, and copies profile_flag. Every dp_creds filled here is owned by
 * the caller (dp_creds_cleanup()). */
#ifndef DP_CREDS_CHAIN_H
#define DP_CREDS_CHAIN_H
#include <stddef.h>
#include <time.h>

#include "drivers/base/err.h"
#include "drivers/core/config.h"
#include "drivers/core/creds/creds.h"

typedef struct dp_creds_chain dp_creds_chain;

/* cfg may be NULL (no shared files). profile_flag: --profile or NULL. fn may be NULL (profiles
 * with role_arn then fail with a clear error). Returns NULL when out of memory. */
dp_creds_chain *dp_creds_chain_new(const dp_config *cfg, const char *profile_flag, dp_assume_role_fn fn,
                                   void *fn_ctx);
void dp_creds_chain_free(dp_creds_chain *c);

/* The CA bundle (PEM file) the container provider trusts for an https FULL_URI, the one the
 * client uses for AWS calls (--ca-bundle, AWS_CA_BUNDLE, profile ca_bundle); NULL = the system
 * store. Copied. Call before the chain is shared between threads. Returns -1 when out of memory. */
int dp_creds_chain_set_ca_bundle(dp_creds_chain *c, const char *ca_bundle);

/* Resolves (or returns cached) credentials valid at `now`; refreshes within 5 minutes of
 * expiry. Fills out (overwritten; caller cleans up). Thread-safe. Returns 0 or -1 with e
 * filled (DP_E_CREDENTIALS, DP_E_CONFIG, DP_E_IO, DP_E_NOMEM). */
int dp_creds_chain_get(dp_creds_chain *c, time_t now, dp_creds *out, dp_err *e);

/* ---- The providers, used by the chain (and by tests). ----
 * Each returns DP_FOUND with out filled, DP_MISSING when it is not configured or found
 * nothing (a short reason is written to why: "not configured", "not reachable", ...), or -1
 * with e filled (the lookup convention of err.h). */

/* AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]; one without the other is -1. */
int dp_creds_from_env(dp_creds *out, char *why, size_t why_n, dp_err *e);

/* Runs command through /bin/sh -c; stdout must be the credential_process JSON (Version 1),
 * at most 64 KiB, and is never printed. stdin and stderr pass through to ours. It may run
 * DMSPROV_CREDENTIAL_PROCESS_TIMEOUT seconds (default 60), then its process group is killed
 * and it fails. profile only names the source in messages. */
int dp_creds_from_process(const char *command, const char *profile, dp_creds *out, dp_err *e);

/* Container credentials endpoint (ECS / EKS Pod Identity). ca_bundle: the PEM file to trust
 * for an https FULL_URI (NULL = the system store); TLS is always verified. */
int dp_creds_from_container(const char *ca_bundle, dp_creds *out, char *why, size_t why_n, dp_err *e);

/* EC2 instance metadata, IMDSv2 (session token first). */
int dp_creds_from_imds(dp_creds *out, char *why, size_t why_n, dp_err *e);

/* The profile's own credentials (static keys, role_arn, SSO, credential_process), following
 * source_profile chains (loops are refused). 1 = the profile has no credential settings.
 * ca_bundle: as for dp_creds_from_container (credential_source = EcsContainer). */
int dp_creds_from_profile(const dp_config *cfg, const char *profile, time_t now, dp_assume_role_fn fn,
                          void *fn_ctx, const char *ca_bundle, dp_creds *out, char *why, size_t why_n, dp_err *e);

/* Sets c->source (printf-style, truncated to fit). */
void dp_creds_set_source(dp_creds *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fills out from a JSON credentials document as the container endpoint, IMDS and
 * credential_process return it: AccessKeyId, SecretAccessKey, token_field (NULL = none),
 * Expiration (optional ISO 8601). what names the source in errors. Never quotes values. */
struct cJSON;
int dp_creds_from_json(const struct cJSON *doc, const char *token_field, const char *what, dp_creds *out,
                       dp_err *e);

#endif
