/* creds.h - AWS credentials and the provider chain (AWS CLI order).
 *
 * Chain: --profile from the command line -> environment (AWS_ACCESS_KEY_ID, ...) ->
 * AWS_PROFILE / "default" in the shared files (static keys, role_arn + source_profile through
 * STS AssumeRole, IAM Identity Center (SSO) with a token cached by `aws sso login`,
 * credential_process) -> container credentials -> EC2 IMDSv2.
 *
 * Ownership: dp_creds owns its strings; dp_creds_cleanup() frees them (and wipes the secret). */
#ifndef DP_CREDS_H
#define DP_CREDS_H
#include <stdbool.h>
#include <time.h>

#include "drivers/base/err.h"

typedef struct dp_creds {
    char *access_key_id;     /* owned */
    char *secret_access_key; /* owned; secret */
    char *session_token;     /* owned or NULL; secret */
    time_t expiration;       /* 0 = never expires */
    char source[256];         /* where they came from: "environment", "profile lab in /root/.aws/credentials" */
} dp_creds;

/* Frees the strings (wiping the secrets first) and zeroes *c. c may be NULL. */
void dp_creds_cleanup(dp_creds *c);
/* Deep copy into dst (which is overwritten, not cleaned up). Returns 0 or -1 (out of memory). */
int dp_creds_copy(dp_creds *dst, const dp_creds *src);
/* Fills c (overwritten) with copies of the keys; token may be NULL or "". Returns 0 or -1. */
int dp_creds_set(dp_creds *c, const char *access_key_id, const char *secret_access_key,
                 const char *session_token, time_t expiration);
/* Parses an ISO 8601 UTC time as AWS writes it ("2024-05-01T12:00:00Z",
 * "2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00+00:00"). Returns 0 or -1. */
int dp_creds_parse_time(const char *s, time_t *out);

/* STS AssumeRole, implemented by the caller: assume role_arn with the source credentials and
 * fill out (with its expiration). external_id may be NULL; duration_seconds 0 = default.
 * Returns 0 or -1 with e filled. Called with the chain's lock held. */
typedef int (*dp_assume_role_fn)(void *ctx, const dp_creds *source, const char *role_arn,
                                 const char *session_name, const char *external_id,
                                 int duration_seconds, dp_creds *out, dp_err *e);

#endif
