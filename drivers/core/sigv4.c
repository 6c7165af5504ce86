/* sigv4.c - SigV4 signing stages: date and scope, canonical request, string to sign,
 * signature (OpenSSL SHA-256/HMAC), and the Authorization header or presigned query. */
#include "drivers/core/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_LEN 32

void dp_sigv4_params_init(dp_sigv4_params *p, const dp_creds *creds, const char *region,
                          const char *service, time_t now)
{
    bool s3 = service && !strcmp(service, "s3");
    memset(p, 0, sizeof *p);
    p->creds = creds;
    p->region = region;
    p->service = service;
    p->now = now;
    p->normalize_path = !s3;
    p->double_encode = !s3;
    p->sign_body = s3;
    p->expires = 3600;
}

static void to_hex(char *out, const unsigned char *in, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* out: 65 bytes, lower-case hex SHA-256 of data. */
static int sha256_hex(char *out, const void *data, size_t n)
{
    unsigned char md[SHA256_LEN];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data ? data : "", n, md, &mdlen, EVP_sha256(), NULL) || mdlen != SHA256_LEN)
        return -1;
    to_hex(out, md, SHA256_LEN);
    return 0;
}

static int hmac(unsigned char out[SHA256_LEN], const void *key, size_t keylen, const char *msg)
{
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), out, &len) ||
        len != SHA256_LEN)
        return -1;
    return 0;
}

static bool has_token(const dp_sigv4_params *p)
{
    return p->creds->session_token && p->creds->session_token[0];
}

static int nomem(dp_err *e)
{
    dp_err_set(e, DP_E_NOMEM, "out of memory while signing the request");
    return -1;
}

static int check_params(const dp_sigv4_params *p, bool presign, dp_err *e)
{
    if (!p || !p->region || !p->region[0] || !p->service || !p->service[0]) {
        dp_err_set(e, DP_E_CONFIG, "cannot sign a request without a region and a service name");
        return -1;
    }
    if (!p->creds || !p->creds->access_key_id || !p->creds->access_key_id[0] ||
        !p->creds->secret_access_key || !p->creds->secret_access_key[0]) {
        dp_err_set(e, DP_E_CREDENTIALS,
                   "cannot sign a request without an access key and a secret key");
        return -1;
    }
    if (presign && (p->expires < 1 || p->expires > DP_SIGV4_MAX_EXPIRES)) {
        dp_err_set(e, DP_E_INPUT, "presigned URL expiry must be 1..%ld seconds, not %ld",
                   DP_SIGV4_MAX_EXPIRES, p->expires);
        return -1;
    }
    return 0;
}

static int set_payload_hash(dp_sigv4 *s, const dp_request *req, dp_err *e)
{
    const char *given = dp_request_header(req, "x-amz-content-sha256");
    if (s->p->unsigned_payload) {
        snprintf(s->payload_hash, sizeof s->payload_hash, "%s", DP_SIGV4_UNSIGNED_PAYLOAD);
    } else if (!s->presign && s->p->sign_body && given) {
        /* The caller chose the payload hash (e.g. a streaming or pre-hashed body): sign that. */
        if (strlen(given) >= sizeof s->payload_hash) {
            dp_err_set(e, DP_E_INPUT, "x-amz-content-sha256 header is too long");
            return -1;
        }
        snprintf(s->payload_hash, sizeof s->payload_hash, "%s", given);
    } else if (sha256_hex(s->payload_hash, req->body, req->body_len)) {
        dp_err_set(e, DP_E_INTERNAL, "SHA-256 of the request body failed");
        return -1;
    }
    return 0;
}

/* Appends "&name=" + URI-encoded value (no '&' when q is empty). */
static int query_add(dp_buf *q, const char *name, const char *value)
{
    if (dp_buf_printf(q, "%s%s=", q->len ? "&" : "", name))
        return -1;
    return dp_uri_encode(q, value, strlen(value), false);
}

static int replace_query(dp_request *req, dp_buf *q)
{
    char *s = dp_buf_steal(q);
    if (!s)
        return -1;
    free(req->query);
    req->query = s;
    return 0;
}

static int begin_presign(dp_sigv4 *s, dp_request *req)
{
    char expires[24];
    dp_buf q, cred;
    dp_buf_init(&q, 0);
    dp_buf_init(&cred, 0);
    snprintf(expires, sizeof expires, "%ld", s->p->expires);
    int rc = dp_buf_puts(&q, req->query ? req->query : "") ||
             dp_buf_printf(&cred, "%s/%s", s->p->creds->access_key_id, dp_buf_str(&s->scope)) ||
             query_add(&q, "X-Amz-Algorithm", DP_SIGV4_ALGORITHM) ||
             query_add(&q, "X-Amz-Credential", dp_buf_str(&cred)) ||
             query_add(&q, "X-Amz-Date", s->amz_date) ||
             query_add(&q, "X-Amz-SignedHeaders", dp_buf_str(&s->signed_headers)) ||
             query_add(&q, "X-Amz-Expires", expires);
    if (!rc && has_token(s->p) && !s->p->omit_session_token)
        rc = query_add(&q, "X-Amz-Security-Token", s->p->creds->session_token);
    if (!rc)
        rc = replace_query(req, &q);
    dp_buf_cleanup(&cred);
    dp_buf_cleanup(&q);
    return rc;
}

static int begin_headers(dp_sigv4 *s, dp_request *req)
{
    dp_request_remove_header(req, "authorization");
    dp_request_remove_header(req, "x-amz-date");
    dp_request_remove_header(req, "x-amz-security-token");
    /* Order as in the suite's signed requests: token, date, content hash. */
    if (has_token(s->p) &&
        dp_request_add_header(req, "X-Amz-Security-Token", s->p->creds->session_token))
        return -1;
    if (dp_request_add_header(req, "X-Amz-Date", s->amz_date))
        return -1;
    if (s->p->sign_body && !dp_request_header(req, "x-amz-content-sha256") &&
        dp_request_add_header(req, "x-amz-content-sha256", s->payload_hash))
        return -1;
    return 0;
}

int dp_sigv4_begin(dp_sigv4 *s, dp_request *req, const dp_sigv4_params *p, bool presign,
                   dp_err *e)
{
    memset(s, 0, sizeof *s);
    dp_buf_init(&s->scope, 0);
    dp_buf_init(&s->signed_headers, 0);
    dp_buf_init(&s->canonical_request, 0);
    dp_buf_init(&s->string_to_sign, 0);
    s->p = p;
    s->presign = presign;
    if (check_params(p, presign, e))
        return -1;
    if (!dp_request_header(req, "host") && (!req->host || !req->host[0])) {
        dp_err_set(e, DP_E_INPUT, "cannot sign a request without a host");
        return -1;
    }
    struct tm tm;
    size_t datelen = sizeof s->amz_date - 1;
    if (!gmtime_r(&p->now, &tm) ||
        strftime(s->amz_date, sizeof s->amz_date, "%Y%m%dT%H%M%SZ", &tm) != datelen) {
        dp_err_set(e, DP_E_INTERNAL, "signing time out of range");
        return -1;
    }
    if (dp_buf_printf(&s->scope, "%.8s/%s/%s/aws4_request", s->amz_date, p->region, p->service))
        return nomem(e);
    if (set_payload_hash(s, req, e))
        return -1;
    if (!presign && begin_headers(s, req))
        return nomem(e);
    if (dp_sigv4_canonical_headers(NULL, &s->signed_headers, req, p->omit_session_token))
        return nomem(e);
    if (presign && begin_presign(s, req))
        return nomem(e);
    return 0;
}

int dp_sigv4_build_canonical_request(dp_sigv4 *s, const dp_request *req, dp_err *e)
{
    dp_buf *c = &s->canonical_request;
    if (!s->p || !s->amz_date[0]) {
        dp_err_set(e, DP_E_INTERNAL, "SigV4 stages called out of order");
        return -1;
    }
    dp_buf_reset(c);
    int rc = dp_buf_printf(c, "%s\n", req->method ? req->method : "GET") ||
             dp_sigv4_canonical_uri(c, req->path, s->p->normalize_path, s->p->double_encode) ||
             dp_buf_putc(c, '\n') || dp_sigv4_canonical_query(c, req->query) ||
             dp_buf_putc(c, '\n') ||
             dp_sigv4_canonical_headers(c, NULL, req, s->p->omit_session_token) ||
             dp_buf_printf(c, "\n%s\n%s", dp_buf_str(&s->signed_headers), s->payload_hash);
    return rc ? nomem(e) : 0;
}

int dp_sigv4_build_string_to_sign(dp_sigv4 *s, dp_err *e)
{
    char hash[2 * SHA256_LEN + 1];
    if (!s->canonical_request.len) {
        dp_err_set(e, DP_E_INTERNAL, "SigV4 stages called out of order");
        return -1;
    }
    if (sha256_hex(hash, s->canonical_request.data, s->canonical_request.len)) {
        dp_err_set(e, DP_E_INTERNAL, "SHA-256 of the canonical request failed");
        return -1;
    }
    dp_buf_reset(&s->string_to_sign);
    if (dp_buf_printf(&s->string_to_sign, "%s\n%s\n%s\n%s", DP_SIGV4_ALGORITHM, s->amz_date,
                      dp_buf_str(&s->scope), hash))
        return nomem(e);
    return 0;
}

int dp_sigv4_build_signature(dp_sigv4 *s, dp_err *e)
{
    if (!s->string_to_sign.len) {
        dp_err_set(e, DP_E_INTERNAL, "SigV4 stages called out of order");
        return -1;
    }
    const char *secret = s->p->creds->secret_access_key;
    size_t slen = strlen(secret);
    unsigned char *seed = malloc(slen + 4);
    if (!seed)
        return nomem(e);
    memcpy(seed, "AWS4", 4);
    memcpy(seed + 4, secret, slen);
    char date[9];
    snprintf(date, sizeof date, "%.8s", s->amz_date);
    /* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
    unsigned char k[SHA256_LEN], sig[SHA256_LEN];
    int rc = hmac(k, seed, slen + 4, date) || hmac(k, k, sizeof k, s->p->region) ||
             hmac(k, k, sizeof k, s->p->service) || hmac(k, k, sizeof k, "aws4_request") ||
             hmac(sig, k, sizeof k, dp_buf_str(&s->string_to_sign));
    OPENSSL_cleanse(seed, slen + 4);
    OPENSSL_cleanse(k, sizeof k);
    free(seed);
    if (rc) {
        dp_err_set(e, DP_E_INTERNAL, "HMAC-SHA256 failed while signing");
        return -1;
    }
    to_hex(s->signature, sig, sizeof sig);
    return 0;
}

int dp_sigv4_apply(dp_sigv4 *s, dp_request *req, dp_err *e)
{
    if (!s->signature[0]) {
        dp_err_set(e, DP_E_INTERNAL, "SigV4 stages called out of order");
        return -1;
    }
    dp_buf b;
    dp_buf_init(&b, 0);
    int rc;
    if (s->presign) {
        rc = dp_buf_puts(&b, req->query ? req->query : "");
        if (!rc && has_token(s->p) && s->p->omit_session_token)
            rc = query_add(&b, "X-Amz-Security-Token", s->p->creds->session_token);
        rc = rc || query_add(&b, "X-Amz-Signature", s->signature) || replace_query(req, &b);
    } else {
        rc = dp_buf_printf(&b, "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                           DP_SIGV4_ALGORITHM, s->p->creds->access_key_id, dp_buf_str(&s->scope),
                           dp_buf_str(&s->signed_headers), s->signature) ||
             dp_request_add_header(req, "Authorization", dp_buf_str(&b));
    }
    dp_buf_cleanup(&b);
    return rc ? nomem(e) : 0;
}

/* The canonical request may hold the session token: wipe before freeing. */
static void wipe(dp_buf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    dp_buf_cleanup(b);
}

void dp_sigv4_cleanup(dp_sigv4 *s)
{
    dp_buf_cleanup(&s->scope);
    dp_buf_cleanup(&s->signed_headers);
    wipe(&s->canonical_request);
    dp_buf_cleanup(&s->string_to_sign);
    s->signature[0] = '\0';
    s->p = NULL;
}

const char *dp_sigv4_canonical_request(const dp_sigv4 *s)
{
    return dp_buf_str(&s->canonical_request);
}

const char *dp_sigv4_string_to_sign(const dp_sigv4 *s) { return dp_buf_str(&s->string_to_sign); }
const char *dp_sigv4_signature(const dp_sigv4 *s) { return s->signature; }

static int sign(dp_request *req, const dp_sigv4_params *p, bool presign, dp_err *e)
{
    dp_sigv4 s;
    int rc = dp_sigv4_begin(&s, req, p, presign, e) ||
             dp_sigv4_build_canonical_request(&s, req, e) || dp_sigv4_build_string_to_sign(&s, e) ||
             dp_sigv4_build_signature(&s, e) || dp_sigv4_apply(&s, req, e);
    dp_sigv4_cleanup(&s);
    return rc ? -1 : 0;
}

int dp_sigv4_sign_headers(dp_request *req, const dp_sigv4_params *p, dp_err *e)
{
    return sign(req, p, false, e);
}

int dp_sigv4_presign(dp_request *req, const dp_sigv4_params *p, dp_err *e)
{
    return sign(req, p, true, e);
}
