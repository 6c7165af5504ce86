/* state_s3.c - the S3 state backend: one object per stack (a single PutObject is atomic), and
 * stack locks as objects created with If-None-Match: * and removed/overridden with If-Match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/base/log.h"
#include "drivers/core/proto/restxml.h"
#include "provisioner/state/state_backend.h"

typedef struct held_lock {
    char *stack; /* owned */
    char id[33]; /* the nonce in the record we wrote */
    struct held_lock *next;
} held_lock;

typedef struct s3_store {
    dp_client *c;     /* borrowed */
    char *bucket;     /* owned */
    char *prefix;     /* owned, "" or without surrounding '/' */
    held_lock *locks; /* owned list */
} s3_store;

static int key_of(const s3_store *s, const char *name, char *out, size_t n)
{
    int w = snprintf(out, n, "%s%s%s", s->prefix, s->prefix[0] ? "/" : "", name);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The object is missing (a missing bucket is an error: NoSuchBucket). */
static bool is_missing(const dp_err *e)
{
    return !strcmp(e->aws_code, "NoSuchKey") || (e->http_status == 404 && (!e->aws_code[0] || !strcmp(e->aws_code, "NotFound")));
}

static bool is_precondition(const dp_err *e)
{
    return e->http_status == 412 || !strcmp(e->aws_code, "PreconditionFailed");
}

/* S3 answers 409 ConditionalRequestConflict while a competing conditional write is in flight. */
static bool is_conditional_conflict(const dp_err *e)
{
    return e->http_status == 409 || !strcmp(e->aws_code, "ConditionalRequestConflict");
}

/* One object call. *status gets the HTTP status (0 when none); etag (optional, 128 bytes)
 * gets the ETag. Errors are left in lerr for the caller to classify. */
static int object_call(s3_store *s, const char *op, const char *method, const char *key, const char *const *headers,
                       const void *body, size_t len, dp_buf *out, char *etag, dp_err *lerr)
{
    dp_response resp;
    dp_response_init(&resp);
    dp_s3_request r = {.operation = op, .method = method, .bucket = s->bucket, .key = key,
                       .headers = headers, .body = body, .body_len = len};
    dp_err_clear(lerr);
    int rc = dp_s3_call(s->c, &r, &resp, lerr);
    if (!rc && out && resp.body.len && dp_buf_append(out, resp.body.data, resp.body.len)) {
        dp_err_set(lerr, DP_E_NOMEM, "out of memory reading s3://%s/%s", s->bucket, key);
        rc = -1;
    }
    const char *tag = dp_response_header(&resp, "etag");
    if (etag)
        snprintf(etag, 128, "%s", !rc && tag ? tag : "");
    dp_response_cleanup(&resp);
    return rc;
}

static void fail(dp_err *e, const dp_err *lerr, const char *what, const s3_store *s, const char *key)
{
    if (e) {
        *e = *lerr;
        dp_err_prefix(e, "%s s3://%s/%s", what, s->bucket, key);
    }
}

/* GET; *found = false on 404. */
static int get_object(s3_store *s, const char *key, dp_buf *out, bool *found, char *etag, dp_err *e)
{
    dp_err lerr;
    *found = false;
    if (object_call(s, "GetObject", "GET", key, NULL, NULL, 0, out, etag, &lerr)) {
        if (is_missing(&lerr))
            return 0;
        fail(e, &lerr, "reading", s, key);
        return -1;
    }
    *found = true;
    return 0;
}

static int s3_get(void *impl, const char *name, dp_buf *out, bool *found, dp_err *e)
{
    s3_store *s = impl;
    char key[1200];
    if (key_of(s, name, key, sizeof key)) {
        dp_err_set(e, DP_E_INPUT, "state key too long");
        return -1;
    }
    return get_object(s, key, out, found, NULL, e);
}

static const char *const json_headers[] = {"Content-Type: application/json", NULL};

static int s3_put(void *impl, const char *name, const void *data, size_t len, dp_err *e)
{
    s3_store *s = impl;
    char key[1200];
    dp_err lerr;
    if (key_of(s, name, key, sizeof key)) {
        dp_err_set(e, DP_E_INPUT, "state key too long");
        return -1;
    }
    if (object_call(s, "PutObject", "PUT", key, json_headers, data, len, NULL, NULL, &lerr)) {
        fail(e, &lerr, "writing", s, key);
        return -1;
    }
    return 0;
}

/* PutObject If-None-Match: *; *existed on 412. Retries a 409 (a racing conditional write). */
static int create_object(s3_store *s, const char *key, const void *data, size_t len, bool *existed, dp_err *e)
{
    static const char *const headers[] = {"Content-Type: application/json", "If-None-Match: *", NULL};
    dp_err lerr;
    *existed = false;
    for (int attempt = 0;; attempt++) {
        if (!object_call(s, "PutObject", "PUT", key, headers, data, len, NULL, NULL, &lerr))
            return 0;
        if (is_precondition(&lerr)) {
            *existed = true;
            return 0;
        }
        if (!is_conditional_conflict(&lerr) || attempt >= 4)
            break;
        pause_ms(100L << attempt);
    }
    fail(e, &lerr, "creating", s, key);
    return -1;
}

static int s3_create(void *impl, const char *name, const void *data, size_t len, bool *existed, dp_err *e)
{
    s3_store *s = impl;
    char key[1200];
    if (key_of(s, name, key, sizeof key)) {
        dp_err_set(e, DP_E_INPUT, "state key too long");
        return -1;
    }
    return create_object(s, key, data, len, existed, e);
}

static int s3_remove(void *impl, const char *name, dp_err *e)
{
    s3_store *s = impl;
    char key[1200];
    dp_err lerr;
    if (key_of(s, name, key, sizeof key)) {
        dp_err_set(e, DP_E_INPUT, "state key too long");
        return -1;
    }
    if (object_call(s, "DeleteObject", "DELETE", key, NULL, NULL, 0, NULL, NULL, &lerr) && !is_missing(&lerr)) {
        fail(e, &lerr, "deleting", s, key);
        return -1;
    }
    return 0;
}

static int remember(s3_store *s, const char *stack, const char *id, dp_err *e)
{
    held_lock *h = calloc(1, sizeof *h);
    if (!h || !(h->stack = strdup(stack))) {
        free(h);
        dp_err_set(e, DP_E_NOMEM, "out of memory taking the lock");
        return -1;
    }
    snprintf(h->id, sizeof h->id, "%s", id);
    h->next = s->locks;
    s->locks = h;
    return DP_LOCK_TAKEN;
}

static int s3_lock(void *impl, const char *stack, const char *holder_json, const char *id, bool break_stale,
                   dp_buf *holder_out, bool *alive, dp_err *e)
{
    s3_store *s = impl;
    *alive = false; /* S3 cannot tell whether the holder still runs */
    for (held_lock *h = s->locks; h; h = h->next)
        if (!strcmp(h->stack, stack))
            return DP_LOCK_TAKEN;
    char name[300], key[1200];
    snprintf(name, sizeof name, "%s.lock", stack);
    if (key_of(s, name, key, sizeof key)) {
        dp_err_set(e, DP_E_INPUT, "state key too long");
        return -1;
    }
    size_t len = strlen(holder_json);
    for (int round = 0; round < 5; round++) {
        bool existed, found;
        if (create_object(s, key, holder_json, len, &existed, e))
            return -1;
        if (!existed)
            return remember(s, stack, id, e);
        char etag[128];
        dp_buf_reset(holder_out);
        if (get_object(s, key, holder_out, &found, etag, e))
            return -1;
        if (!found)
            continue; /* released between our two calls: try again */
        if (dp_lock_info_is(dp_buf_str(holder_out), id)) {
            dp_buf_reset(holder_out); /* our own PutObject, retried after a lost answer */
            return remember(s, stack, id, e);
        }
        if (!break_stale)
            return DP_LOCK_HELD;
        /* Override only the record we just read, so two runs breaking at once cannot both win. */
        char if_match[160];
        snprintf(if_match, sizeof if_match, "If-Match: %s", etag);
        const char *const headers[] = {"Content-Type: application/json", if_match, NULL};
        dp_err lerr;
        if (!object_call(s, "PutObject", "PUT", key, headers, holder_json, len, NULL, NULL, &lerr))
            return remember(s, stack, id, e);
        if (is_precondition(&lerr) || is_missing(&lerr) || is_conditional_conflict(&lerr)) {
            /* Someone else changed the lock meanwhile: report the new holder, don't break it too. */
            dp_buf_reset(holder_out);
            if (get_object(s, key, holder_out, &found, NULL, e))
                return -1;
            if (!found)
                continue;
            return DP_LOCK_HELD;
        }
        fail(e, &lerr, "breaking the lock", s, key);
        return -1;
    }
    dp_err_set(e, DP_E_CONFLICT, "the lock of stack \"%s\" (s3://%s/%s) keeps changing hands; try again", stack,
               s->bucket, key);
    return -1;
}

/* Deletes the lock object only while it still holds our record (If-Match on its ETag). */
static int release(s3_store *s, held_lock *h, dp_err *e)
{
    char name[300], key[1200], etag[128];
    snprintf(name, sizeof name, "%s.lock", h->stack);
    if (key_of(s, name, key, sizeof key))
        return 0;
    dp_buf rec;
    dp_buf_init(&rec, 64 * 1024);
    bool found;
    int rc = get_object(s, key, &rec, &found, etag, e);
    if (!rc && found && !dp_lock_info_is(dp_buf_str(&rec), h->id)) {
        dp_warn("the lock of stack \"%s\" was taken over by another run (--break-lock) while this run held it; "
                "leaving that run's lock in place",
                h->stack);
    } else if (!rc && found) {
        char if_match[160];
        snprintf(if_match, sizeof if_match, "If-Match: %s", etag);
        const char *const headers[] = {if_match, NULL};
        dp_err lerr;
        if (object_call(s, "DeleteObject", "DELETE", key, headers, NULL, 0, NULL, NULL, &lerr) &&
            !is_missing(&lerr)) {
            if (is_precondition(&lerr)) {
                dp_warn("the lock of stack \"%s\" changed hands while being released; leaving it in place", h->stack);
            } else {
                fail(e, &lerr, "releasing the lock", s, key);
                rc = -1;
            }
        }
    }
    dp_buf_cleanup(&rec);
    return rc;
}

static int s3_unlock(void *impl, const char *stack, dp_err *e)
{
    s3_store *s = impl;
    for (held_lock **pp = &s->locks; *pp; pp = &(*pp)->next) {
        if (!strcmp((*pp)->stack, stack)) {
            held_lock *h = *pp;
            int rc = release(s, h, e);
            if (!rc) { /* on a network failure, keep it: close() tries again */
                *pp = h->next;
                free(h->stack);
                free(h);
            }
            return rc;
        }
    }
    return 0;
}

static void s3_describe(const void *impl, const char *name, char *out, size_t n)
{
    const s3_store *s = impl;
    snprintf(out, n, "s3://%s/%s%s%s", s->bucket, s->prefix, s->prefix[0] ? "/" : "", name);
}

static void s3_close(void *impl)
{
    s3_store *s = impl;
    if (!s)
        return;
    while (s->locks) {
        held_lock *h = s->locks;
        s->locks = h->next;
        dp_err e;
        dp_err_clear(&e);
        if (release(s, h, &e)) {
            char line[1024];
            dp_err_format(&e, line, sizeof line);
            dp_warn("could not release the lock of stack \"%s\": %s", h->stack, line);
        }
        free(h->stack);
        free(h);
    }
    free(s->bucket);
    free(s->prefix);
    free(s);
}

void *dp_state_s3_open(const char *location, dp_client *c, dp_err *e)
{
    const char *p = location + strlen("s3://");
    const char *slash = strchr(p, '/');
    size_t blen = slash ? (size_t)(slash - p) : strlen(p);
    const char *prefix = slash ? slash + 1 : "";
    while (*prefix == '/')
        prefix++;
    size_t plen = strlen(prefix);
    while (plen && prefix[plen - 1] == '/')
        plen--;
    if (!blen || blen > 63 || plen > 900) {
        dp_err_set(e, DP_E_USAGE, "bad state location \"%s\": expected s3://bucket[/prefix]", location);
        return NULL;
    }
    if (!c) {
        dp_err_set(e, DP_E_INTERNAL, "state location %s needs an AWS client", location);
        return NULL;
    }
    s3_store *s = calloc(1, sizeof *s);
    if (!s || !(s->bucket = strndup(p, blen)) || !(s->prefix = strndup(prefix, plen))) {
        if (s)
            free(s->bucket);
        free(s);
        dp_err_set(e, DP_E_NOMEM, "out of memory opening the state store");
        return NULL;
    }
    s->c = c;
    return s;
}

const dp_state_backend dp_state_s3_backend = {
    .kind = "s3",
    .get = s3_get,
    .put = s3_put,
    .create = s3_create,
    .remove = s3_remove,
    .lock = s3_lock,
    .unlock = s3_unlock,
    .describe = s3_describe,
    .close = s3_close,
};
