/* state_backend.h - internal: the small vtable a state backend (local dir, S3) implements,
 * and the lock-holder record both share. Not part of the engine's interface (state.h).
 *
 * A backend stores named blobs ("lab.json", ".key") and locks stacks. The common layer
 * (state.c) validates stack names, serialises JSON, checks for secrets and formats messages;
 * it calls the backend with the store's mutex held, so backends need no locking of their own.
 *
 * Ownership: open functions return an owned impl freed by close(), which also releases locks
 * still held. Every out dp_buf is the caller's (initialised by the caller, cleaned by it). */
#ifndef DP_STATE_BACKEND_H
#define DP_STATE_BACKEND_H
#include <stdbool.h>
#include <stddef.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"
#include "drivers/core/client.h"

typedef enum dp_lock_result {
    DP_LOCK_TAKEN = 0, /* we hold it now */
    DP_LOCK_HELD = 1   /* someone else holds it; holder JSON in holder_out */
} dp_lock_result;

typedef struct dp_state_backend {
    const char *kind; /* "local" or "s3" */
    /* *found = false (and 0 returned) when the blob does not exist. */
    int (*get)(void *impl, const char *name, dp_buf *out, bool *found, dp_err *e);
    /* Atomic replace: readers see the old or the new content, never a mix. */
    int (*put)(void *impl, const char *name, const void *data, size_t len, dp_err *e);
    /* Creates only when absent; *existed = true (and 0 returned) when it was already there. */
    int (*create)(void *impl, const char *name, const void *data, size_t len, bool *existed, dp_err *e);
    /* Removes; a missing blob is not an error. */
    int (*remove)(void *impl, const char *name, dp_err *e);
    /* Takes the stack's lock, recording holder_json (which carries the nonce id). On
     * DP_LOCK_HELD, holder_out gets the holder's record ("" when unreadable) and *alive says
     * whether the holder is known to be running (then break_stale cannot apply). When
     * break_stale overrode another holder, returns DP_LOCK_TAKEN with its record in holder_out.
     * Returns -1 on failure (e filled). */
    int (*lock)(void *impl, const char *stack, const char *holder_json, const char *id, bool break_stale,
                dp_buf *holder_out, bool *alive, dp_err *e);
    /* Releases the lock when this store holds it; otherwise does nothing. */
    int (*unlock)(void *impl, const char *stack, dp_err *e);
    /* Human-readable location of a blob, into out (size n). */
    void (*describe)(const void *impl, const char *name, char *out, size_t n);
    void (*close)(void *impl);
} dp_state_backend;

extern const dp_state_backend dp_state_local_backend;
extern const dp_state_backend dp_state_s3_backend;

/* location: a directory path. Nothing is created until the first write or lock. */
void *dp_state_local_open(const char *dir, dp_err *e);
/* location: "s3://bucket[/prefix]"; c is borrowed and must outlive the impl. */
void *dp_state_s3_open(const char *location, dp_client *c, dp_err *e);

/* Test hook (unit tests only): called by the local backend after the temp file is written
 * and fsynced, before the rename, with the temp file's path. NULL (the default) = none. */
void dp_state_local_set_test_hook(void (*fn)(const char *tmp_path));

/* Lock-holder records (lock_info.c): {"holder":"user@host","pid":N,"operation":"apply",
 * "since":"2026-11-22T10:00:00Z","id":"<32 hex>"}. id is a random nonce that lets a run
 * recognise its own lock (an S3 PutObject retried after a lost answer). */
/* Owned JSON text (free()) and the nonce in id (33 bytes), or NULL with e filled. */
char *dp_lock_info_new(const char *operation, char id[33], dp_err *e);
/* True when the record's id equals id. */
bool dp_lock_info_is(const char *holder_json, const char *id);
/* Appends "stack \"lab\" is locked by root@host (pid 4242, apply) since …; <advice>" to out.
 * break_refused: --break-lock was given but the holder is known to be running (a local
 * flock), so the advice says why it cannot apply instead of offering it. */
int dp_lock_info_message(dp_buf *out, const char *stack, const char *holder_json, bool break_refused);

#endif
