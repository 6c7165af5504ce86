/* request.c - building dp_request values and URI-encoding. */
#include "drivers/core/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/buf.h"

void dp_request_init(dp_request *r) { memset(r, 0, sizeof *r); }

void dp_request_cleanup(dp_request *r)
{
    free(r->method);
    free(r->scheme);
    free(r->host);
    free(r->path);
    free(r->query);
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

int dp_request_set(char **field, const char *value)
{
    char *copy = strdup(value ? value : "");
    if (!copy)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

int dp_request_add_header(dp_request *r, const char *name, const char *value)
{
    if (r->nheaders == r->cap_headers) {
        size_t cap = r->cap_headers ? r->cap_headers * 2 : 8;
        dp_header *h = realloc(r->headers, cap * sizeof *h);
        if (!h)
            return -1;
        r->headers = h;
        r->cap_headers = cap;
    }
    dp_header *h = &r->headers[r->nheaders];
    h->name = strdup(name);
    h->value = strdup(value ? value : "");
    if (!h->name || !h->value) {
        free(h->name);
        free(h->value);
        return -1;
    }
    r->nheaders++;
    return 0;
}

int dp_request_set_header(dp_request *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return dp_request_set(&r->headers[i].value, value);
    return dp_request_add_header(r, name, value);
}

const char *dp_request_header(const dp_request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

void dp_request_remove_header(dp_request *r, const char *name)
{
    size_t o = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        if (!strcasecmp(r->headers[i].name, name)) {
            free(r->headers[i].name);
            free(r->headers[i].value);
        } else {
            r->headers[o++] = r->headers[i];
        }
    }
    r->nheaders = o;
}

int dp_request_set_body(dp_request *r, const void *body, size_t len)
{
    unsigned char *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            return -1;
        memcpy(copy, body, len);
    }
    free(r->body);
    r->body = copy;
    r->body_len = len;
    return 0;
}

char *dp_request_url(const dp_request *r)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    int rc = dp_buf_printf(&b, "%s://%s%s", r->scheme ? r->scheme : "https", r->host ? r->host : "",
                           r->path && r->path[0] ? r->path : "/");
    if (!rc && r->query && r->query[0])
        rc = dp_buf_printf(&b, "?%s", r->query);
    if (rc) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    return dp_buf_steal(&b);
}

int dp_uri_encode(dp_buf *out, const char *s, size_t len, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            if (dp_buf_putc(out, (char)c))
                return -1;
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (dp_buf_append(out, e, 3))
                return -1;
        }
    }
    return 0;
}
