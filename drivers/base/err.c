/* err.c - filling and rendering dp_err. */
#include "drivers/base/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void dp_err_clear(dp_err *e)
{
    if (e)
        memset(e, 0, sizeof *e);
}

void dp_err_set(dp_err *e, enum dp_err_kind kind, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    e->kind = kind;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

void dp_err_at(dp_err *e, const char *service, const char *operation)
{
    if (!e)
        return;
    snprintf(e->service, sizeof e->service, "%s", service ? service : "");
    snprintf(e->operation, sizeof e->operation, "%s", operation ? operation : "");
}

void dp_err_prefix(dp_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    char prefix[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[sizeof e->message];
    memcpy(old, e->message, sizeof old);
    size_t n = strlen(prefix);
    if (n > sizeof e->message - 3)
        n = sizeof e->message - 3;
    memcpy(e->message, prefix, n);
    memcpy(e->message + n, ": ", 2);
    size_t room = sizeof e->message - n - 2;
    size_t ol = strnlen(old, room - 1);
    memcpy(e->message + n + 2, old, ol);
    e->message[n + 2 + ol] = '\0';
}

void dp_err_scrub(dp_err *e, const char *secret)
{
    if (!e || !secret || !*secret)
        return;
    size_t sl = strlen(secret);
    char out[sizeof e->message];
    size_t o = 0;
    const char *p = e->message;
    /* A full message may have been cut inside the secret: its tail then matches a prefix. */
    bool full = strlen(e->message) == sizeof e->message - 1;
    while (*p && o + 1 < sizeof out) {
        size_t rest = strlen(p);
        if (!strncmp(p, secret, rest < sl ? rest : sl) && (rest >= sl || full)) {
            for (const char *r = "***"; *r && o + 1 < sizeof out; r++)
                out[o++] = *r;
            p += rest < sl ? rest : sl;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    memcpy(e->message, out, o + 1);
}

void dp_err_format(const dp_err *e, char *out, size_t n)
{
    size_t used = 0;
#define ADD(...)                                                                     \
    do {                                                                             \
        int w_ = snprintf(out + used, used < n ? n - used : 0, __VA_ARGS__);         \
        if (w_ > 0)                                                                  \
            used += (size_t)w_;                                                      \
        if (used >= n)                                                               \
            used = n ? n - 1 : 0;                                                    \
    } while (0)
    if (!n)
        return;
    out[0] = '\0';
    if (e->service[0] && e->operation[0])
        ADD("%s %s: ", e->service, e->operation);
    if (e->aws_code[0])
        ADD("%s: ", e->aws_code);
    ADD("%s", e->message[0] ? e->message : dp_err_kind_name(e->kind));
    if (e->http_status && e->request_id[0])
        ADD(" (HTTP %ld, request id %s)", e->http_status, e->request_id);
    else if (e->http_status)
        ADD(" (HTTP %ld)", e->http_status);
#undef ADD
}

const char *dp_err_kind_name(enum dp_err_kind kind)
{
    static const char *const names[] = {
        "ok", "usage error", "invalid input", "I/O error", "credentials error",
        "configuration error", "network error", "AWS error", "unreadable response",
        "out of memory", "not found", "conflict", "internal error"};
    if ((unsigned)kind < sizeof names / sizeof names[0])
        return names[kind];
    return "error";
}

const char *dp_strerror(int err, char *buf, size_t n)
{
    if (n && strerror_r(err, buf, n)) /* XSI strerror_r (see the build's feature macros) */
        snprintf(buf, n, "error %d", err);
    return buf;
}
