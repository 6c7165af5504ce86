/* creds.c - owning, copying and wiping dp_creds; the ISO 8601 expiry times providers return. */
#include "drivers/core/creds/creds.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/jsonutil.h"
#include "drivers/core/creds/chain.h"

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void dp_creds_cleanup(dp_creds *c)
{
    if (!c)
        return;
    free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    memset(c, 0, sizeof *c);
}

int dp_creds_set(dp_creds *c, const char *access_key_id, const char *secret_access_key,
                 const char *session_token, time_t expiration)
{
    memset(c, 0, sizeof *c);
    c->access_key_id = strdup(access_key_id ? access_key_id : "");
    c->secret_access_key = strdup(secret_access_key ? secret_access_key : "");
    if (session_token && *session_token)
        c->session_token = strdup(session_token);
    c->expiration = expiration;
    if (!c->access_key_id || !c->secret_access_key || (session_token && *session_token && !c->session_token)) {
        dp_creds_cleanup(c);
        return -1;
    }
    return 0;
}

int dp_creds_copy(dp_creds *dst, const dp_creds *src)
{
    if (dp_creds_set(dst, src->access_key_id, src->secret_access_key, src->session_token, src->expiration))
        return -1;
    memcpy(dst->source, src->source, sizeof dst->source);
    return 0;
}

/* Reads exactly n digits at *p into *out and advances. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

int dp_creds_parse_time(const char *s, time_t *out)
{
    int y, mo, d, h, mi, sec;
    const char *p = s;
    if (!s || digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
        digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &sec))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    if (*p == '.') /* fractions of a second do not matter for an expiry */
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
        offset = sign * (oh * 3600L + om * 60L);
    }
    if (*p)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t - offset;
    return 0;
}

/* ---- helpers shared by the providers (declared in chain.h) ---- */

void dp_creds_set_source(dp_creds *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->source, sizeof c->source, fmt, ap);
    va_end(ap);
}

int dp_creds_from_json(const cJSON *doc, const char *token_field, const char *what, dp_creds *out, dp_err *e)
{
    if (!cJSON_IsObject(doc)) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s: the response is not a JSON object", what);
        return -1;
    }
    const char *akid = dp_json_nonempty_str(doc, "AccessKeyId");
    const char *secret = dp_json_nonempty_str(doc, "SecretAccessKey");
    const char *token = token_field ? dp_json_nonempty_str(doc, token_field) : NULL;
    const char *exp = dp_json_nonempty_str(doc, "Expiration");
    if (!akid || !secret) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s: the response has no %s", what, akid ? "SecretAccessKey" : "AccessKeyId");
        return -1;
    }
    time_t t = 0;
    if (exp && dp_creds_parse_time(exp, &t)) {
        dp_err_set(e, DP_E_CREDENTIALS, "%s: Expiration \"%.40s\" is not an ISO 8601 time", what, exp);
        return -1;
    }
    if (dp_creds_set(out, akid, secret, token, t)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    return 0;
}
