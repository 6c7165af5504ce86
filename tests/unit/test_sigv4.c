/* test_sigv4.c - runs one case of the official SigV4 test suite in one signing mode.
 *
 * Usage: test_sigv4 CASE header|query
 * CASE is a case directory, or a case name under $DP_SOURCE_DIR/tests/data/aws-sigv4-test-suite/v4
 * (the repository's own copy of the suite; DP_SOURCE_DIR defaults to "."). Each stage is compared byte for byte with the
 * suite: canonical request, string to sign, signature, and the signed request. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "drivers/base/buf.h"
#include "drivers/core/sigv4.h"

static char case_dir[4096];

/* Reads case_dir/name into an owned, NUL-terminated string (free()), or NULL. */
static char *slurp(const char *name, size_t *len_out)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", case_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    dp_buf b;
    dp_buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    int rc = dp_buf_append(&b, "", 0);
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = dp_buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (rc || bad) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    if (len_out)
        *len_out = b.len;
    return dp_buf_steal(&b);
}

/* The suite's raw request: "METHOD target HTTP/1.1", "Name:value" lines (a line starting with
 * whitespace continues the previous value), a blank line, then the body. Values are kept
 * exactly as written so that the signed request can be compared byte for byte. */
static int parse_request(const char *raw, size_t rawlen, dp_request *req)
{
    const char *eol = strchr(raw, '\n');
    const char *sp1 = strchr(raw, ' ');
    if (!eol || !sp1 || sp1 > eol)
        return -1;
    const char *sp2 = eol;
    while (sp2 > sp1 && *sp2 != ' ') /* the target may contain spaces: the version is last */
        sp2--;
    if (sp2 == sp1)
        return -1;
    char *method = strndup(raw, (size_t)(sp1 - raw));
    char *target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    int rc = !method || !target;
    if (!rc) {
        char *q = strchr(target, '?');
        if (q)
            *q++ = '\0';
        rc = dp_request_set(&req->method, method) || dp_request_set(&req->scheme, "https") ||
             dp_request_set(&req->path, target) || dp_request_set(&req->query, q ? q : "");
    }
    free(method);
    free(target);
    const char *p = eol + 1;
    while (!rc && *p && *p != '\n') {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((*p == ' ' || *p == '\t') && req->nheaders) {
            dp_header *h = &req->headers[req->nheaders - 1];
            dp_buf v;
            dp_buf_init(&v, 0);
            rc = dp_buf_printf(&v, "%s\n%.*s", h->value, (int)len, p);
            if (!rc) {
                free(h->value);
                h->value = dp_buf_steal(&v);
            }
            dp_buf_cleanup(&v);
        } else {
            const char *colon = memchr(p, ':', len);
            if (!colon)
                return -1;
            char *name = strndup(p, (size_t)(colon - p));
            char *value = strndup(colon + 1, len - (size_t)(colon - p) - 1);
            rc = !name || !value || dp_request_add_header(req, name, value);
            free(name);
            free(value);
        }
        p = end ? end + 1 : p + len;
    }
    if (!rc && *p == '\n')
        rc = dp_request_set_body(req, p + 1, rawlen - (size_t)(p + 1 - raw));
    const char *host = dp_request_header(req, "host");
    if (!rc && host) {
        while (*host == ' ')
            host++;
        rc = dp_request_set(&req->host, host);
    }
    return rc ? -1 : 0;
}

/* Inverse of parse_request: the raw form of *-signed-request.txt. */
static char *serialise(const dp_request *req)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    int rc = dp_buf_printf(&b, "%s %s%s%s HTTP/1.1\n", req->method, req->path,
                           req->query[0] ? "?" : "", req->query);
    for (size_t i = 0; i < req->nheaders && !rc; i++)
        rc = dp_buf_printf(&b, "%s:%s\n", req->headers[i].name, req->headers[i].value);
    rc = rc || dp_buf_putc(&b, '\n') || dp_buf_append(&b, req->body, req->body_len);
    if (rc) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    return dp_buf_steal(&b);
}

static bool json_bool(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "2015-08-30T12:36:00Z" -> UTC seconds, or -1. */
static time_t parse_time(const char *s)
{
    struct tm tm;
    int used = 0;
    memset(&tm, 0, sizeof tm);
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || !used || s[used])
        return (time_t)-1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static void check_file(const char *got, const char *file)
{
    char *want = slurp(file, NULL);
    CHECK(want != NULL);
    if (want) {
        fprintf(stderr, "comparing %s\n", file);
        CHECK_STR(got, want);
    }
    free(want);
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "header") && strcmp(argv[2], "query"))) {
        fprintf(stderr, "usage: %s CASE header|query\n", argv[0]);
        return 2;
    }
    if (strchr(argv[1], '/')) {
        snprintf(case_dir, sizeof case_dir, "%s", argv[1]);
    } else {
        const char *src = getenv("DP_SOURCE_DIR");
        snprintf(case_dir, sizeof case_dir, "%s/tests/data/aws-sigv4-test-suite/v4/%s", src && src[0] ? src : ".",
                 argv[1]);
    }
    const char *kind = argv[2];
    bool presign = !strcmp(kind, "query");

    size_t rawlen = 0;
    char *raw = slurp("request.txt", &rawlen);
    char *ctx_text = slurp("context.json", NULL);
    cJSON *ctx = ctx_text ? cJSON_Parse(ctx_text) : NULL;
    CHECK(raw != NULL);
    CHECK(ctx != NULL);
    if (!raw || !ctx) {
        free(raw);
        free(ctx_text);
        cJSON_Delete(ctx);
        CHECK_DONE();
    }

    dp_request req;
    dp_request_init(&req);
    CHECK_INT(parse_request(raw, rawlen, &req), 0);

    const cJSON *jc = cJSON_GetObjectItemCaseSensitive(ctx, "credentials");
    dp_creds creds;
    memset(&creds, 0, sizeof creds);
    creds.access_key_id = (char *)json_str(jc, "access_key_id");      /* borrowed from ctx */
    creds.secret_access_key = (char *)json_str(jc, "secret_access_key");
    creds.session_token = (char *)json_str(jc, "token");

    dp_sigv4_params p;
    dp_sigv4_params_init(&p, &creds, json_str(ctx, "region"), json_str(ctx, "service"),
                         parse_time(json_str(ctx, "timestamp")));
    CHECK(p.now != (time_t)-1);
    /* The suite's "normalize": false cases still encode the path once: only normalisation
     * is switched off there (S3's "no double encoding" is tested in test_sigv4_s3.c). */
    p.normalize_path = json_bool(ctx, "normalize");
    p.double_encode = true;
    p.sign_body = json_bool(ctx, "sign_body");
    p.omit_session_token = json_bool(ctx, "omit_session_token");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(ctx, "expiration_in_seconds");
    p.expires = cJSON_IsNumber(exp) ? (long)exp->valuedouble : 0;

    char prefix[16];
    snprintf(prefix, sizeof prefix, "%s-", kind);
    char name[64];
    dp_err err;
    dp_err_clear(&err);
    dp_sigv4 s;
    CHECK_INT(dp_sigv4_begin(&s, &req, &p, presign, &err), 0);
    CHECK_INT(dp_sigv4_build_canonical_request(&s, &req, &err), 0);
    snprintf(name, sizeof name, "%scanonical-request.txt", prefix);
    check_file(dp_sigv4_canonical_request(&s), name);
    CHECK_INT(dp_sigv4_build_string_to_sign(&s, &err), 0);
    snprintf(name, sizeof name, "%sstring-to-sign.txt", prefix);
    check_file(dp_sigv4_string_to_sign(&s), name);
    CHECK_INT(dp_sigv4_build_signature(&s, &err), 0);
    snprintf(name, sizeof name, "%ssignature.txt", prefix);
    check_file(dp_sigv4_signature(&s), name);
    CHECK_INT(dp_sigv4_apply(&s, &req, &err), 0);
    if (err.kind != DP_OK)
        fprintf(stderr, "signer error: %s\n", err.message);
    dp_sigv4_cleanup(&s);

    char *signed_req = serialise(&req);
    CHECK(signed_req != NULL);
    snprintf(name, sizeof name, "%ssigned-request.txt", prefix);
    check_file(signed_req, name);
    free(signed_req);

    /* The one-call API must give the same request as the stages. */
    dp_request again;
    dp_request_init(&again);
    CHECK_INT(parse_request(raw, rawlen, &again), 0);
    CHECK_INT(presign ? dp_sigv4_presign(&again, &p, &err)
                      : dp_sigv4_sign_headers(&again, &p, &err),
              0);
    char *again_text = serialise(&again);
    check_file(again_text, name);
    free(again_text);
    dp_request_cleanup(&again);

    dp_request_cleanup(&req);
    cJSON_Delete(ctx);
    free(ctx_text);
    free(raw);
    CHECK_DONE();
}
