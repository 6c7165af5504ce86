/* state.h - the stack's state record and its lock.
 *
 * The live resources and their tags are the truth; the state is a cache: template hash,
 * non-secret parameters, physical ids, last applied properties, attributes, outputs, keyed
 * hashes of secret values, rotation history. It is written atomically (temp file + fsync +
 * rename, mode 0600) in a local directory (default ".dmsprov/") or in S3
 * ("s3://bucket/prefix": one object per stack), and never holds a secret value.
 *
 * The state document (JSON; "version": 1):
 *   {"version":1, "stack":"lab", "serial":N, "template_hash":"…", "parameters":{…},
 *    "resources":{"LogicalId":{"type":"AWS::S3::Bucket", "physical_id":"…",
 *        "properties":{… as last applied, secrets removed},
 *        "secret_hashes":{"MasterUserPassword":"<hex hmac>"},
 *        "attributes":{…}, "client_token":"…", "status":"complete|creating|failed"}},
 *    "outputs":{…}, "rotations":[…]}
 *
 * Ownership: dp_state_open() returns an owned store (dp_state_close(), which also releases
 * a lock still held). dp_state_read() hands the caller an owned cJSON (cJSON_Delete).
 *
 * Guarantees (docs/STATE.md has the details):
 * - Calls on one store are serialised by an internal mutex (engine workers may share it).
 * - Stack names: letters, digits, '-' and '_' (at most 128, starting with a letter or digit);
 *   anything else fails with DP_E_USAGE before touching storage.
 * - Nothing is created by open or read: the directory (0700) appears on the first write,
 *   lock or secret hash. A temp file left by a crashed writer is ignored by readers and
 *   removed by the next run that takes the stack's lock. */
#ifndef DP_STATE_H
#define DP_STATE_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "drivers/base/err.h"
#include "drivers/core/client.h"

typedef struct dp_state_store dp_state_store;

/* location: NULL/"" = ".dmsprov", a directory path, or "s3://bucket[/prefix]" (then c is used
 * and must outlive the store). */
dp_state_store *dp_state_open(const char *location, dp_client *c, dp_err *e);
void dp_state_close(dp_state_store *s);
/* Human-readable location ("./.dmsprov/lab.json", "s3://b/p/lab.json"). Borrowed: valid
 * until the next dp_state_describe() on this store or dp_state_close(). */
const char *dp_state_describe(const dp_state_store *s, const char *stack);

/* Takes the stack's lock for operation ("apply", "destroy", "rotate", …). When another run
 * holds it: fails with DP_E_CONFLICT and a message naming the holder (user@host pid N,
 * operation) and since when, and how to override. break_stale takes it anyway (the
 * --break-lock flag). Local: flock on <dir>/<stack>.lock; S3: PutObject If-None-Match: *.
 * Extensions: the lock record is {"holder","pid","operation","since","id"} (id: a random
 * nonce, so a retried PutObject recognises its own lock). A store that already holds the
 * stack's lock gets 0 again. Local: a live flock holder cannot be broken (break_stale then
 * fails with DP_E_CONFLICT saying so); a dead holder's flock is gone anyway. S3: break_stale
 * overwrites the record with If-Match on the ETag just read (two breakers cannot both win)
 * and warns on stderr whose lock it overrode. dp_state_unlock() does nothing when this store
 * does not hold the lock; on S3 it deletes the lock object only while it still holds this
 * run's record (If-Match), and warns when another run took it over. */
int dp_state_lock(dp_state_store *s, const char *stack, const char *operation, bool break_stale, dp_err *e);
int dp_state_unlock(dp_state_store *s, const char *stack, dp_err *e);

/* *out = the state document, or NULL when the stack has none. */
int dp_state_read(dp_state_store *s, const char *stack, cJSON **out, dp_err *e);
/* Atomic replace; bumps "serial". Refuses (DP_E_INTERNAL) a document holding a dp:secret marker.
 * Extensions: the new serial is the document's "serial" + 1 (0 when absent), set in state
 * itself (restored when the write fails); "version":1 and "stack" are added when absent.
 * dp_state_read() fails with DP_E_PARSE on a damaged document (not JSON, or "resources",
 * "outputs", "parameters" or "rotations" of the wrong type) and DP_E_INPUT on a version
 * newer than 1. dp_state_delete() of a missing state succeeds. */
int dp_state_write(dp_state_store *s, const char *stack, cJSON *state, dp_err *e);
int dp_state_delete(dp_state_store *s, const char *stack, dp_err *e);

/* Keyed hash (HMAC-SHA256, hex) of a secret value, with a per-store random key kept apart
 * from the state (local: <dir>/.key, mode 0600; S3: <prefix>/.key object), created on first
 * use. out must hold 65 bytes. */
int dp_state_secret_hash(dp_state_store *s, const char *value, char out[65], dp_err *e);

#endif
