/* sigv4_canon.c - SigV4 canonical forms: URI, query string and headers. */
#include "drivers/core/sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool span_is(span s, const char *lit)
{
    return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

/* Dot-segment removal after botocore's normalize_url_path (posixpath.normpath): '.' and empty
 * segments vanish, '..' drops the previous one (never above the root); a trailing '/' stays. */
static int normalize_path(dp_buf *out, const char *path)
{
    size_t len = strlen(path), nseg = 0;
    span *segs = malloc((len / 2 + 2) * sizeof *segs); /* at most one segment per 2 bytes + 1 */
    if (!segs)
        return -1;
    for (const char *p = path; *p;) {
        const char *end = strchr(p, '/');
        span s = {p, end ? (size_t)(end - p) : strlen(p)};
        if (span_is(s, "..")) {
            if (nseg)
                nseg--;
        } else if (s.n && !span_is(s, ".")) {
            segs[nseg++] = s;
        }
        p = end ? end + 1 : p + s.n;
    }
    int rc = 0;
    for (size_t i = 0; i < nseg && !rc; i++)
        rc = dp_buf_putc(out, '/') || dp_buf_append(out, segs[i].p, segs[i].n);
    if (!rc && (!nseg || (len && path[len - 1] == '/')))
        rc = dp_buf_putc(out, '/');
    free(segs);
    return rc;
}

int dp_sigv4_canonical_uri(dp_buf *out, const char *path, bool normalize, bool double_encode)
{
    if (!path || !path[0])
        path = "/";
    if (!normalize)
        return double_encode ? dp_uri_encode(out, path, strlen(path), true)
                             : dp_buf_puts(out, path);
    dp_buf tmp;
    dp_buf_init(&tmp, 0);
    int rc = normalize_path(&tmp, path);
    if (!rc)
        rc = double_encode ? dp_uri_encode(out, tmp.data, tmp.len, true)
                           : dp_buf_append(out, tmp.data, tmp.len);
    dp_buf_cleanup(&tmp);
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) and re-encodes it, so "%7E", "~" and "%7e" all sign as "~".
 * A '%' not followed by two hex digits is taken literally (and so becomes "%25"). */
static char *reencode(const char *s, size_t n)
{
    dp_buf raw, enc;
    dp_buf_init(&raw, 0);
    dp_buf_init(&enc, 0);
    int rc = dp_buf_append(&raw, "", 0);
    for (size_t i = 0; i < n && !rc; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            rc = dp_buf_putc(&raw, (char)(hi << 4 | lo));
            i += 2;
        } else {
            rc = dp_buf_putc(&raw, s[i]);
        }
    }
    if (!rc)
        rc = dp_buf_append(&enc, "", 0) || dp_uri_encode(&enc, raw.data, raw.len, false);
    dp_buf_cleanup(&raw);
    if (rc) {
        dp_buf_cleanup(&enc);
        return NULL;
    }
    return dp_buf_steal(&enc);
}

typedef struct qparam {
    char *key;   /* owned, encoded */
    char *value; /* owned, encoded */
} qparam;

static int qparam_cmp(const void *a, const void *b)
{
    const qparam *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

int dp_sigv4_canonical_query(dp_buf *out, const char *query)
{
    if (!query || !query[0])
        return 0;
    size_t cap = 1, n = 0;
    for (const char *p = query; *p; p++)
        cap += *p == '&';
    qparam *params = calloc(cap, sizeof *params);
    if (!params)
        return -1;
    int rc = 0;
    for (const char *p = query; *p && !rc;) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len) { /* "a=1&&b=2": empty pieces carry no parameter */
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            params[n].key = reencode(p, klen);
            params[n].value = eq ? reencode(eq + 1, len - klen - 1) : strdup("");
            rc = !params[n].key || !params[n].value;
            n++;
        }
        p = end ? end + 1 : p + len;
    }
    if (!rc)
        qsort(params, n, sizeof *params, qparam_cmp);
    for (size_t i = 0; i < n && !rc; i++)
        rc = dp_buf_printf(out, "%s%s=%s", i ? "&" : "", params[i].key, params[i].value);
    for (size_t i = 0; i < n; i++) {
        free(params[i].key);
        free(params[i].value);
    }
    free(params);
    return rc;
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int dp_sigv4_canonical_header_value(dp_buf *out, const char *value)
{
    bool pending_space = false, started = false;
    int rc = dp_buf_append(out, "", 0);
    for (const char *p = value ? value : ""; *p && !rc; p++) {
        if (is_ws(*p)) {
            pending_space = started;
            continue;
        }
        if (pending_space)
            rc = dp_buf_putc(out, ' ');
        if (!rc)
            rc = dp_buf_putc(out, *p);
        pending_space = false;
        started = true;
    }
    return rc;
}

/* Headers a proxy or the HTTP client may add, drop or rewrite: signing them breaks requests. */
static bool unsigned_header(const char *name, bool skip_token)
{
    static const char *const never[] = {
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "user-agent",
        "x-amzn-trace-id"}; /* botocore's list, plus the Authorization being replaced */
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (!strcasecmp(name, never[i]))
            return true;
    return skip_token && !strcasecmp(name, "x-amz-security-token");
}

typedef struct hentry {
    char *lname;       /* owned, lower-case */
    const char *value; /* borrowed from the request */
    size_t order;      /* position in the request: duplicates keep it */
} hentry;

static int hentry_cmp(const void *a, const void *b)
{
    const hentry *x = a, *y = b;
    int c = strcmp(x->lname, y->lname);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

int dp_sigv4_canonical_headers(dp_buf *canon, dp_buf *names, const dp_request *req,
                               bool skip_token)
{
    hentry *h = calloc(req->nheaders + 1, sizeof *h);
    if (!h)
        return -1;
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < req->nheaders && !rc; i++) {
        if (unsigned_header(req->headers[i].name, skip_token))
            continue;
        h[n].lname = strdup(req->headers[i].name);
        if (!h[n].lname) {
            rc = -1;
            break;
        }
        for (char *c = h[n].lname; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        h[n].value = req->headers[i].value;
        h[n].order = i;
        n++;
    }
    if (!rc && !dp_request_header(req, "host")) {
        h[n].lname = strdup("host");
        h[n].value = req->host ? req->host : "";
        h[n].order = req->nheaders;
        rc = h[n].lname ? 0 : -1;
        n += !rc;
    }
    if (!rc)
        qsort(h, n, sizeof *h, hentry_cmp);
    bool any_name = false;
    for (size_t i = 0; i < n && !rc; i++) {
        bool first = !i || strcmp(h[i].lname, h[i - 1].lname);
        bool last = i + 1 == n || strcmp(h[i].lname, h[i + 1].lname);
        if (canon) {
            rc = first ? dp_buf_printf(canon, "%s:", h[i].lname) : dp_buf_putc(canon, ',');
            rc = rc || dp_sigv4_canonical_header_value(canon, h[i].value);
            rc = rc || (last && dp_buf_putc(canon, '\n'));
        }
        if (names && first && !rc) {
            rc = dp_buf_printf(names, "%s%s", any_name ? ";" : "", h[i].lname);
            any_name = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(h[i].lname);
    free(h);
    return rc;
}
