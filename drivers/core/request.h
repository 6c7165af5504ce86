/* request.h - one HTTP request as the signer and the HTTP layer see it.
 *
 * Ownership: a dp_request owns every string in it (method, path, query, header names and
 * values, body); dp_request_cleanup() frees them. Setters copy their arguments. */
#ifndef DP_REQUEST_H
#define DP_REQUEST_H
#include <stdbool.h>
#include <stddef.h>

typedef struct dp_header {
    char *name;  /* owned; case kept as given */
    char *value; /* owned; kept as given (the signer trims/folds for the canonical form) */
} dp_header;

typedef struct dp_request {
    char *method;   /* owned: "GET", "POST", ... */
    char *scheme;   /* owned: "https" or "http" */
    char *host;     /* owned: "dms.us-east-1.amazonaws.com" or "127.0.0.1:5000" (port kept) */
    char *path;     /* owned: already URI-encoded path as sent on the wire, "/" at least */
    char *query;    /* owned: already encoded query string without '?', "" when none */
    dp_header *headers; /* owned array of count headers, in insertion order */
    size_t nheaders;
    size_t cap_headers;
    unsigned char *body; /* owned; may be NULL when body_len == 0 */
    size_t body_len;
} dp_request;

void dp_request_init(dp_request *r);
void dp_request_cleanup(dp_request *r);
int dp_request_set(char **field, const char *value); /* replaces an owned string field */
/* Appends a header (duplicates allowed, as in the raw request). */
int dp_request_add_header(dp_request *r, const char *name, const char *value);
/* Replaces the first header of this name (case-insensitive) or appends it. */
int dp_request_set_header(dp_request *r, const char *name, const char *value);
/* First header value of this name (case-insensitive), or NULL. Borrowed. */
const char *dp_request_header(const dp_request *r, const char *name);
void dp_request_remove_header(dp_request *r, const char *name);
int dp_request_set_body(dp_request *r, const void *body, size_t len);
/* Full URL "scheme://host/path?query" into an owned string (free()), or NULL. */
char *dp_request_url(const dp_request *r);

/* RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - _ . ~);
 * with keep_slash, '/' is kept too (for paths). Appends to out (a dp_buf). */
struct dp_buf;
int dp_uri_encode(struct dp_buf *out, const char *s, size_t len, bool keep_slash);

#endif
