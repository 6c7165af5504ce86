/* state.c - the state store: location dispatch, stack names, JSON documents, the secret
 * guard, serial numbers, lock messages and keyed secret hashes; storage is the backend's. */
#include "provisioner/state/state.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "drivers/base/log.h"
#include "provisioner/state/state_backend.h"

#define KEY_NAME ".key"
#define KEY_BYTES 32
#define DESC_MAX 4200

struct dp_state_store {
    const dp_state_backend *be;
    void *impl;                   /* owned by be */
    pthread_mutex_t mu;           /* serialises every backend call (the engine writes from workers) */
    unsigned char key[KEY_BYTES]; /* the hash key once loaded (cleansed on close) */
    bool have_key;
    char *desc; /* owned DESC_MAX buffer behind dp_state_describe's answer */
};

dp_state_store *dp_state_open(const char *location, dp_client *c, dp_err *e)
{
    if (!location || !location[0])
        location = ".dmsprov";
    dp_state_store *s = calloc(1, sizeof *s);
    if (!s || !(s->desc = malloc(DESC_MAX))) {
        free(s);
        dp_err_set(e, DP_E_NOMEM, "out of memory opening the state store");
        return NULL;
    }
    s->desc[0] = '\0';
    if (!strncmp(location, "s3://", 5)) {
        s->be = &dp_state_s3_backend;
        s->impl = dp_state_s3_open(location, c, e);
    } else if (strstr(location, "://")) {
        dp_err_set(e, DP_E_USAGE, "unsupported state location \"%s\": use a directory or s3://bucket/prefix",
                   location);
    } else {
        s->be = &dp_state_local_backend;
        s->impl = dp_state_local_open(location, e);
    }
    if (!s->impl) {
        free(s->desc);
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void dp_state_close(dp_state_store *s)
{
    if (!s)
        return;
    s->be->close(s->impl);
    OPENSSL_cleanse(s->key, sizeof s->key);
    pthread_mutex_destroy(&s->mu);
    free(s->desc);
    free(s);
}

const char *dp_state_describe(const dp_state_store *s, const char *stack)
{
    char name[300];
    snprintf(name, sizeof name, "%s.json", stack ? stack : "");
    s->be->describe(s->impl, name, s->desc, DESC_MAX);
    return s->desc;
}

/* Stack names become file and object names: CloudFormation's rule ([A-Za-z][-A-Za-z0-9]*,
 * at most 128), with '_' allowed too; nothing that could escape the directory or prefix. */
static int check_stack(const char *stack, dp_err *e)
{
    size_t n = stack ? strlen(stack) : 0;
    bool ok = n > 0 && n <= 128 && ((stack[0] >= 'A' && stack[0] <= 'Z') || (stack[0] >= 'a' && stack[0] <= 'z') ||
                                     (stack[0] >= '0' && stack[0] <= '9'));
    for (size_t i = 0; ok && i < n; i++) {
        char ch = stack[i];
        ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    }
    if (!ok)
        dp_err_set(e, DP_E_USAGE,
                   "bad stack name \"%.128s\": use letters, digits, '-' and '_' (at most 128, starting with a "
                   "letter or digit)",
                   stack ? stack : "");
    return ok ? 0 : -1;
}

int dp_state_lock(dp_state_store *s, const char *stack, const char *operation, bool break_stale, dp_err *e)
{
    if (check_stack(stack, e))
        return -1;
    char id[33];
    char *record = dp_lock_info_new(operation, id, e);
    if (!record)
        return -1;
    dp_buf holder;
    dp_buf_init(&holder, 64 * 1024);
    bool alive = false;
    pthread_mutex_lock(&s->mu);
    int r = s->be->lock(s->impl, stack, record, id, break_stale, &holder, &alive, e);
    pthread_mutex_unlock(&s->mu);
    int rc = r < 0 ? -1 : 0;
    if (r == DP_LOCK_HELD || (r == DP_LOCK_TAKEN && holder.len)) {
        dp_buf msg;
        dp_buf_init(&msg, 0);
        dp_lock_info_message(&msg, stack, dp_buf_str(&holder), r == DP_LOCK_HELD && break_stale && alive);
        if (r == DP_LOCK_HELD) {
            dp_err_set(e, DP_E_CONFLICT, "%s", dp_buf_str(&msg));
            rc = -1;
        } else {
            /* Say whose lock was overridden: cut the advice, keep "stack … since …". */
            const char *m = dp_buf_str(&msg);
            const char *semi = strchr(m, ';');
            dp_warn("--break-lock: overriding the lock (%.*s)", semi ? (int)(semi - m) : (int)strlen(m), m);
        }
        dp_buf_cleanup(&msg);
    } else if (r < 0) {
        dp_err_prefix(e, "locking stack \"%s\"", stack);
    }
    dp_buf_cleanup(&holder);
    free(record);
    return rc;
}

int dp_state_unlock(dp_state_store *s, const char *stack, dp_err *e)
{
    if (check_stack(stack, e))
        return -1;
    pthread_mutex_lock(&s->mu);
    int rc = s->be->unlock(s->impl, stack, e);
    pthread_mutex_unlock(&s->mu);
    return rc ? -1 : 0;
}

/* The members every reader walks by name: a damaged document is refused here, once, rather
 * than in each command (a list of resources has no names to look them up by). Returns the
 * first member with the wrong shape, or NULL. */
static const char *bad_member(const cJSON *doc)
{
    static const struct {
        const char *name;
        int type;
    } shapes[] = {{"resources", cJSON_Object}, {"outputs", cJSON_Object}, {"parameters", cJSON_Object},
                  {"rotations", cJSON_Array}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, shapes[i].name);
        if (m && !cJSON_IsNull(m) && (m->type & 0xFF) != shapes[i].type)
            return shapes[i].name;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "resources"))
    {
        if (!cJSON_IsObject(r))
            return "resources";
    }
    return NULL;
}

int dp_state_read(dp_state_store *s, const char *stack, cJSON **out, dp_err *e)
{
    *out = NULL;
    if (check_stack(stack, e))
        return -1;
    char name[300];
    snprintf(name, sizeof name, "%s.json", stack);
    dp_buf text;
    dp_buf_init(&text, 0);
    bool found = false;
    pthread_mutex_lock(&s->mu);
    int rc = s->be->get(s->impl, name, &text, &found, e);
    pthread_mutex_unlock(&s->mu);
    if (!rc && found) {
        cJSON *doc = cJSON_ParseWithLength(dp_buf_str(&text), text.len);
        const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "version");
        const char *bad;
        if (!cJSON_IsObject(doc)) {
            dp_err_set(e, DP_E_PARSE, "state %s is not a JSON object (damaged?)", dp_state_describe(s, stack));
            rc = -1;
        } else if (cJSON_IsNumber(version) && version->valuedouble > 1) {
            dp_err_set(e, DP_E_INPUT, "state %s has version %g, written by a newer dmsprov", dp_state_describe(s, stack),
                       version->valuedouble);
            rc = -1;
        } else if ((bad = bad_member(doc))) {
            dp_err_set(e, DP_E_PARSE, "state %s is damaged: \"%s\" has the wrong type", dp_state_describe(s, stack),
                       bad);
            rc = -1;
        } else {
            *out = doc;
            doc = NULL;
        }
        cJSON_Delete(doc);
    }
    dp_buf_cleanup(&text);
    return rc ? -1 : 0;
}

/* Finds a {"dp:secret": …} marker; path gets where it is ("resources.Db.properties.Password"),
 * never a value. */
static bool find_secret(const cJSON *node, dp_buf *path)
{
    int i = 0;
    for (const cJSON *c = node ? node->child : NULL; c; c = c->next, i++) {
        bool in_object = cJSON_IsObject(node);
        if (in_object && c->string && !strcmp(c->string, "dp:secret"))
            return true;
        size_t mark = path->len;
        if (in_object)
            dp_buf_printf(path, "%s%s", mark ? "." : "", c->string ? c->string : "");
        else
            dp_buf_printf(path, "[%d]", i);
        if (find_secret(c, path))
            return true;
        path->len = mark; /* back to this level's path */
        if (path->data)
            path->data[mark] = '\0';
    }
    return false;
}

int dp_state_write(dp_state_store *s, const char *stack, cJSON *state, dp_err *e)
{
    if (check_stack(stack, e))
        return -1;
    if (!cJSON_IsObject(state)) {
        dp_err_set(e, DP_E_INTERNAL, "state for stack \"%s\" must be a JSON object", stack);
        return -1;
    }
    dp_buf path;
    dp_buf_init(&path, 0);
    if (find_secret(state, &path)) {
        dp_err_set(e, DP_E_INTERNAL,
                   "refusing to write state for stack \"%s\": it holds a secret value (dp:secret) at %s; state keeps "
                   "only keyed hashes of secrets",
                   stack, path.len ? dp_buf_str(&path) : "its top level");
        dp_buf_cleanup(&path);
        return -1;
    }
    dp_buf_cleanup(&path);
    cJSON *serial = cJSON_GetObjectItemCaseSensitive(state, "serial");
    double old = cJSON_IsNumber(serial) ? serial->valuedouble : 0;
    if (serial && !cJSON_IsNumber(serial)) {
        cJSON_DeleteItemFromObjectCaseSensitive(state, "serial");
        serial = NULL;
    }
    if (!serial)
        serial = cJSON_AddNumberToObject(state, "serial", 0);
    /* Fill what the format requires and the caller left out (a compatible convenience). */
    if (!serial || (!cJSON_HasObjectItem(state, "version") && !cJSON_AddNumberToObject(state, "version", 1)) ||
        (!cJSON_HasObjectItem(state, "stack") && !cJSON_AddStringToObject(state, "stack", stack))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory preparing the state");
        return -1;
    }
    cJSON_SetNumberValue(serial, old + 1);
    char *text = cJSON_Print(state);
    dp_buf doc;
    dp_buf_init(&doc, 0);
    int rc = !text || dp_buf_puts(&doc, text) || dp_buf_putc(&doc, '\n') ? -1 : 0;
    free(text);
    if (rc) {
        dp_err_set(e, DP_E_NOMEM, "out of memory serialising the state");
    } else {
        char name[300];
        snprintf(name, sizeof name, "%s.json", stack);
        pthread_mutex_lock(&s->mu);
        rc = s->be->put(s->impl, name, doc.data, doc.len, e);
        pthread_mutex_unlock(&s->mu);
    }
    dp_buf_cleanup(&doc);
    if (rc)
        cJSON_SetNumberValue(serial, old); /* nothing was written: the caller's serial stays */
    return rc ? -1 : 0;
}

int dp_state_delete(dp_state_store *s, const char *stack, dp_err *e)
{
    if (check_stack(stack, e))
        return -1;
    char name[300];
    snprintf(name, sizeof name, "%s.json", stack);
    pthread_mutex_lock(&s->mu);
    int rc = s->be->remove(s->impl, name, e);
    pthread_mutex_unlock(&s->mu);
    return rc ? -1 : 0;
}

static int parse_key(const dp_buf *text, unsigned char key[KEY_BYTES])
{
    size_t n = text->len;
    while (n && (text->data[n - 1] == '\n' || text->data[n - 1] == '\r'))
        n--;
    if (n != 2 * KEY_BYTES)
        return -1;
    for (size_t i = 0; i < KEY_BYTES; i++) {
        char hex[3] = {text->data[2 * i], text->data[2 * i + 1], '\0'};
        char *end;
        long v = strtol(hex, &end, 16);
        if (*end || v < 0 || v > 255 || hex[0] == '-' || hex[0] == '+' || hex[0] == ' ')
            return -1;
        key[i] = (unsigned char)v;
    }
    return 0;
}

/* Loads the store's key, creating it on first use; a racing creator's key wins (create is
 * exclusive), and both runs then read the same one. Called with s->mu held. */
static int load_key(dp_state_store *s, dp_err *e)
{
    if (s->have_key)
        return 0;
    dp_buf text;
    dp_buf_init(&text, 4096);
    int rc = -1;
    for (int round = 0; round < 3; round++) {
        bool found = false, existed = false;
        dp_buf_reset(&text);
        if (s->be->get(s->impl, KEY_NAME, &text, &found, e))
            goto done;
        if (found) {
            if (parse_key(&text, s->key)) {
                char where[DESC_MAX];
                s->be->describe(s->impl, KEY_NAME, where, sizeof where);
                dp_err_set(e, DP_E_INPUT, "the state hash key %s is damaged (expected 64 hex digits)", where);
                goto done;
            }
            s->have_key = true;
            rc = 0;
            goto done;
        }
        unsigned char fresh[KEY_BYTES];
        char hex[2 * KEY_BYTES + 2];
        if (RAND_bytes(fresh, sizeof fresh) != 1) {
            dp_err_set(e, DP_E_INTERNAL, "no random bytes for the state hash key (OpenSSL RAND_bytes failed)");
            goto done;
        }
        for (size_t i = 0; i < KEY_BYTES; i++)
            snprintf(hex + 2 * i, 3, "%02x", fresh[i]);
        hex[2 * KEY_BYTES] = '\n';
        hex[2 * KEY_BYTES + 1] = '\0';
        int crc = s->be->create(s->impl, KEY_NAME, hex, 2 * KEY_BYTES + 1, &existed, e);
        if (!crc && !existed) {
            memcpy(s->key, fresh, sizeof s->key);
            s->have_key = true;
            rc = 0;
        }
        OPENSSL_cleanse(fresh, sizeof fresh);
        OPENSSL_cleanse(hex, sizeof hex);
        if (crc || !existed)
            goto done;
        /* existed: another run created it first; read theirs. */
    }
    dp_err_set(e, DP_E_IO, "could not read or create the state hash key");
done:
    if (text.data)
        OPENSSL_cleanse(text.data, text.cap);
    dp_buf_cleanup(&text);
    return rc;
}

int dp_state_secret_hash(dp_state_store *s, const char *value, char out[65], dp_err *e)
{
    out[0] = '\0';
    pthread_mutex_lock(&s->mu);
    int rc = load_key(s, e);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!rc && !HMAC(EVP_sha256(), s->key, KEY_BYTES, (const unsigned char *)(value ? value : ""),
                     value ? strlen(value) : 0, mac, &len)) {
        dp_err_set(e, DP_E_INTERNAL, "HMAC-SHA256 failed (OpenSSL)");
        rc = -1;
    }
    pthread_mutex_unlock(&s->mu);
    if (rc || len != 32) {
        if (!rc)
            dp_err_set(e, DP_E_INTERNAL, "HMAC-SHA256 gave %u bytes", len);
        return -1;
    }
    for (unsigned int i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    return 0;
}
