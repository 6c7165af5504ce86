/* log.c - stderr diagnostics with redaction of secrets. */
#include "drivers/base/log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool debug_on;

void dp_log_set_debug(bool on) { debug_on = on; }
bool dp_log_debug_enabled(void) { return debug_on; }

void dp_debug(const char *fmt, ...)
{
    if (!debug_on)
        return;
    char line[4096], clean[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    dp_log_redact(line, len, clean, sizeof clean);
    fprintf(stderr, "debug: %s\n", clean);
}

void dp_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Names whose values are secrets wherever they appear (headers, form fields, JSON, XML). */
static const char *const secret_names[] = {
    "authorization", "x-amz-security-token", "x-amz-signature", "x-aws-ec2-metadata-token",
    "secretstring", "secretbinary", "secretaccesskey",
    "secret_access_key", "aws_secret_access_key", "sessiontoken", "token", "value",
    "x-amz-credential-token", "secret", "securitydbencryption",
    /* IAM Identity Center: the portal's bearer token header, and the token cache's fields. */
    "x-amz-sso_bearer_token", "accesstoken", "refreshtoken", "clientsecret"};

bool dp_log_is_secret_name(const char *name, size_t len)
{
    /* A dotted query name ("Settings.member.1.Value") is judged by its last part. */
    for (size_t i = len; i > 0; i--)
        if (name[i - 1] == '.') {
            name += i;
            len -= i;
            break;
        }
    /* Any "...Password" (AuthPassword, SaslPassword, NewMasterUserPassword, ...) is secret. */
    static const char suffix[] = "password";
    size_t sl = sizeof suffix - 1;
    if (len >= sl && !strncasecmp(name + len - sl, suffix, sl))
        return true;
    for (size_t i = 0; i < sizeof secret_names / sizeof secret_names[0]; i++)
        if (strlen(secret_names[i]) == len && !strncasecmp(secret_names[i], name, len))
            return true;
    return false;
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

typedef void (*value_fn)(void *ctx, const char *value, size_t len);

/* Copies from text to out (when out is not NULL), redacting the value that follows a secret
 * name, and hands each such value to on_value (when not NULL). The value ends at the
 * delimiter matching the syntax the name was found in. */
static void scan(const char *text, size_t len, char *out, size_t n, value_fn on_value, void *ctx)
{
    size_t o = 0, i = 0;
    /* PUT evaluates c exactly once (callers pass text[j++]), whether or not out is set. */
#define PUT(c)                   \
    do {                         \
        char c_ = (c);           \
        if (out && o + 1 < n)    \
            out[o++] = c_;       \
    } while (0)
    while (i < len) {
        if (is_name_char(text[i]) && (i == 0 || !is_name_char(text[i - 1]))) {
            size_t s = i;
            while (i < len && is_name_char(text[i]))
                i++;
            size_t nl = i - s;
            for (size_t k = s; k < i; k++)
                PUT(text[k]);
            if (!dp_log_is_secret_name(text + s, nl))
                continue;
            /* Find the value start and its terminator for each syntax. */
            char end = 0;
            size_t j = i;
            if (j < len && text[j] == '"' ) { /* JSON: "Name": "value" */
                PUT(text[j++]);
                while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == ':'))
                    PUT(text[j++]);
                if (j < len && text[j] == '"') {
                    PUT(text[j++]);
                    end = '"';
                }
            } else if (j + 1 < len && text[j] == ':' && (text[j + 1] == ' ' || text[j + 1] == '\t') &&
                       (s == 0 || text[s - 1] == ' ' || text[s - 1] == '\n')) {
                /* header: Name: value (not an ARN part such as ":secret:name") */
                PUT(text[j++]);
                while (j < len && (text[j] == ' ' || text[j] == '\t'))
                    PUT(text[j++]);
                end = '\n';
            } else if (j < len && text[j] == '=') { /* form: Name=value */
                PUT(text[j++]);
                end = '&';
            } else if (j < len && text[j] == '>') { /* XML: <Name>value</Name> */
                PUT(text[j++]);
                end = '<';
            }
            i = j;
            if (!end)
                continue;
            bool any = false;
            size_t vs = i;
            while (i < len && text[i] != end && !(end == '&' && (text[i] == ' ' || text[i] == '\n'))) {
                if (end == '"' && text[i] == '\\' && i + 1 < len)
                    i++;
                i++;
                any = true;
            }
            if (any && on_value)
                on_value(ctx, text + vs, i - vs);
            if (any) {
                PUT('*');
                PUT('*');
                PUT('*');
            }
            continue;
        }
        PUT(text[i]);
        i++;
    }
    if (out)
        out[o] = '\0';
#undef PUT
}

void dp_log_redact(const char *text, size_t len, char *out, size_t n)
{
    if (n)
        scan(text, len, out, n, NULL, NULL);
}

/* Replaces every occurrence of [v, v + vl) in the NUL-terminated text with "***" in place
 * ("***" is never longer than the values scrubbed: they have at least ECHO_MIN bytes). */
#define ECHO_MIN 4
static void scrub_literal(char *text, const char *v, size_t vl)
{
    if (vl < ECHO_MIN || memchr(v, '\0', vl)) /* a value with a NUL cannot be in a C string */
        return;
    char *r = text, *w = text, *end = text + strlen(text);
    while (*r) {
        if ((size_t)(end - r) >= vl && !memcmp(r, v, vl)) {
            memcpy(w, "***", 3);
            w += 3;
            r += vl;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Scrubs one sent value as sent and, for form bodies, percent-decoded (how an XML answer
 * would quote it). */
static void scrub_echo(void *ctx, const char *v, size_t vl)
{
    char *text = ctx;
    scrub_literal(text, v, vl);
    char dec[1024];
    size_t d = 0;
    bool changed = false;
    for (size_t k = 0; k < vl && d + 1 < sizeof dec; k++) {
        if (v[k] == '%' && k + 2 < vl && hexval(v[k + 1]) >= 0 && hexval(v[k + 2]) >= 0) {
            dec[d++] = (char)(hexval(v[k + 1]) * 16 + hexval(v[k + 2]));
            k += 2;
            changed = true;
        } else if (v[k] == '+') {
            dec[d++] = ' ';
            changed = true;
        } else {
            dec[d++] = v[k];
        }
    }
    if (changed)
        scrub_literal(text, dec, d);
}

void dp_log_scrub_echo(const char *sent, size_t sent_len, char *text)
{
    if (sent && text)
        scan(sent, sent_len, NULL, 0, scrub_echo, text);
}
