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
    "password", "masteruserpassword", "secretstring", "secretbinary", "secretaccesskey",
    "secret_access_key", "aws_secret_access_key", "sessiontoken", "token", "value",
    "newpassword", "oldpassword", "x-amz-credential-token", "secret"};

bool dp_log_is_secret_name(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof secret_names / sizeof secret_names[0]; i++)
        if (strlen(secret_names[i]) == len && !strncasecmp(secret_names[i], name, len))
            return true;
    return false;
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* Copies from text to out, redacting the value that follows a secret name. The value ends at
 * the delimiter matching the syntax the name was found in. */
void dp_log_redact(const char *text, size_t len, char *out, size_t n)
{
    size_t o = 0, i = 0;
    if (!n)
        return;
#define PUT(c)            \
    do {                  \
        if (o + 1 < n)    \
            out[o++] = (c); \
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
                while (j < len && (text[j] == ' ' || text[j] == ':'))
                    PUT(text[j++]);
                if (j < len && text[j] == '"') {
                    PUT(text[j++]);
                    end = '"';
                }
            } else if (j < len && text[j] == ':') { /* header: Name: value */
                PUT(text[j++]);
                while (j < len && text[j] == ' ')
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
            while (i < len && text[i] != end && !(end == '&' && (text[i] == ' ' || text[i] == '\n'))) {
                if (end == '"' && text[i] == '\\' && i + 1 < len)
                    i++;
                i++;
                any = true;
            }
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
    out[o] = '\0';
#undef PUT
}
