/* sigv4.h - AWS Signature Version 4: Authorization-header signing and presigned (query) URLs.
 *
 * The signer never reads the clock or the environment: time and credentials are inputs.
 * It runs in stages over one dp_sigv4 state (after aws-c-auth), so tests can check each
 * stage against the official suite; dp_sigv4_sign_headers() and dp_sigv4_presign() run them all.
 *
 * Path rules: for every service but S3 the path is normalised ('.', '..', empty segments) and
 * URI-encoded once more (the wire path is already encoded, so this is the "double encoding"
 * AWS asks for). S3 uses the wire path exactly as sent: no normalisation, no second encoding.
 *
 * Ownership: dp_sigv4_params borrows everything it points to. A dp_sigv4 owns its buffers
 * (dp_sigv4_cleanup() frees them and wipes what could hold the session token); the strings
 * read from it are borrowed until dp_sigv4_cleanup(). The canonical helpers append to a
 * caller-owned dp_buf. Signing modifies the caller's dp_request in place (headers or query). */
#ifndef DP_SIGV4_H
#define DP_SIGV4_H
#include <stdbool.h>
#include <time.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"
#include "drivers/core/creds/creds.h"
#include "drivers/core/request.h"

#define DP_SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define DP_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define DP_SIGV4_MAX_EXPIRES 604800L /* 7 days: the longest a presigned URL may live */

typedef struct dp_sigv4_params {
    const dp_creds *creds;   /* borrowed; access key and secret required, token optional */
    const char *region;      /* borrowed; signing region, e.g. "us-east-1" */
    const char *service;     /* borrowed; signing name, e.g. "dms", "s3" */
    time_t now;              /* signing time (UTC seconds) */
    bool normalize_path;     /* remove '.', '..' and empty segments (false for S3) */
    bool double_encode;      /* URI-encode the wire path again (false for S3) */
    bool sign_body;          /* header mode: add a signed x-amz-content-sha256 header (S3) */
    bool unsigned_payload;   /* payload hash is "UNSIGNED-PAYLOAD" instead of SHA-256(body) */
    bool omit_session_token; /* token is added after signing, outside the signature */
    long expires;            /* presign: X-Amz-Expires seconds, 1..DP_SIGV4_MAX_EXPIRES */
} dp_sigv4_params;

/* Defaults for service: normalize_path and double_encode on, expires 3600; for "s3" the S3
 * rules instead (no normalisation, no double encoding, sign_body on). */
void dp_sigv4_params_init(dp_sigv4_params *p, const dp_creds *creds, const char *region,
                          const char *service, time_t now);

/* Header signing: removes stale Authorization, X-Amz-Date and X-Amz-Security-Token headers
 * (so a retry can be re-signed), then adds X-Amz-Security-Token (if a token), X-Amz-Date,
 * x-amz-content-sha256 (if sign_body and not already present) and Authorization. */
int dp_sigv4_sign_headers(dp_request *req, const dp_sigv4_params *p, dp_err *e);

/* Query (presigned URL) signing of an unsigned request: appends X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires, X-Amz-Security-Token (if
 * a token) and X-Amz-Signature to req->query. */
int dp_sigv4_presign(dp_request *req, const dp_sigv4_params *p, dp_err *e);

/* ---- Stages (what the two calls above run), for tests and for callers that need one part. */

typedef struct dp_sigv4 {
    const dp_sigv4_params *p;  /* borrowed */
    bool presign;
    char amz_date[17];         /* "20150830T123600Z" */
    char payload_hash[65];     /* hex SHA-256 or "UNSIGNED-PAYLOAD" */
    dp_buf scope;              /* "20150830/us-east-1/service/aws4_request" */
    dp_buf signed_headers;     /* "host;x-amz-date" */
    dp_buf canonical_request;
    dp_buf string_to_sign;
    char signature[65];        /* hex */
} dp_sigv4;

/* Stage 1: checks params, fixes the date and payload hash, and adds to req what must be
 * signed (headers in header mode; X-Amz-* query parameters when presign). */
int dp_sigv4_begin(dp_sigv4 *s, dp_request *req, const dp_sigv4_params *p, bool presign,
                   dp_err *e);
int dp_sigv4_build_canonical_request(dp_sigv4 *s, const dp_request *req, dp_err *e); /* stage 2 */
int dp_sigv4_build_string_to_sign(dp_sigv4 *s, dp_err *e);                          /* stage 3 */
int dp_sigv4_build_signature(dp_sigv4 *s, dp_err *e);                               /* stage 4 */
/* Stage 5: adds Authorization (header mode) or the token (if omitted) and X-Amz-Signature. */
int dp_sigv4_apply(dp_sigv4 *s, dp_request *req, dp_err *e);
void dp_sigv4_cleanup(dp_sigv4 *s);

/* Borrowed views of the stage results ("" before the stage ran). */
const char *dp_sigv4_canonical_request(const dp_sigv4 *s);
const char *dp_sigv4_string_to_sign(const dp_sigv4 *s);
const char *dp_sigv4_signature(const dp_sigv4 *s);

/* ---- Canonical forms (sigv4_canon.c); each appends to out and returns 0 or -1 (no memory). */

/* Canonical URI of a wire path ("" counts as "/"). */
int dp_sigv4_canonical_uri(dp_buf *out, const char *path, bool normalize, bool double_encode);
/* Canonical query: each parameter percent-decoded then re-encoded (RFC 3986 unreserved set),
 * sorted by key then value, "key=" for a missing value. '+' is a literal plus. */
int dp_sigv4_canonical_query(dp_buf *out, const char *query);
/* Canonical header value: trimmed, runs of whitespace (folded lines too) as one space. */
int dp_sigv4_canonical_header_value(dp_buf *out, const char *value);
/* Canonical headers ("name:value\n" each, sorted, duplicates joined with ',' in order) into
 * canon and the signed header list ("host;x-amz-date") into names; either may be NULL. Signs
 * every header but Authorization and those botocore leaves out (hop-by-hop ones such as
 * Connection and Transfer-Encoding, Expect, User-Agent, X-Amzn-Trace-Id), and
 * X-Amz-Security-Token when skip_token; adds
 * "host:<req->host>" when req has no Host header (the HTTP layer sends it from the URL). */
int dp_sigv4_canonical_headers(dp_buf *canon, dp_buf *names, const dp_request *req,
                               bool skip_token);

#endif
