/* live.h - reading live state: the stack's resources found by ownership tags (one list() per
 * type) and one read per resource, all in parallel, plus a fingerprint of what was read.
 *
 * Ownership: a dp_live owns its entries (dp_live_cleanup). */
#ifndef DP_LIVE_H
#define DP_LIVE_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "provisioner/engine/engine.h"

typedef struct dp_live_res {
    char *logical_id;    /* owned */
    char *type;          /* owned */
    char *physical_id;   /* owned; the id to read (listed, from state, or the template name) */
    bool listed;         /* carries the stack's ownership tags */
    bool want_read;      /* read it in dp_live_read */
    bool read_done;
    bool found;          /* the read found it */
    cJSON *model;        /* owned: {"PhysicalId","Properties","Attributes"} when found */
} dp_live_res;

typedef struct dp_live {
    dp_live_res *v;
    size_t n, cap;
    long requests;       /* HTTP requests made (list + read) */
    long lists, reads;   /* driver list() and read() operations */
    double wall_s;
} dp_live;

void dp_live_init(dp_live *l);
void dp_live_cleanup(dp_live *l);
/* Appends an entry (strings copied); returns it or NULL on OOM. */
dp_live_res *dp_live_add(dp_live *l, const char *logical_id, const char *type, const char *physical_id, bool listed);
/* First entry of logical_id (and of physical_id when non-NULL), or NULL. */
dp_live_res *dp_live_find(dp_live *l, const char *logical_id, const char *physical_id);

/* list() for each type (duplicates ignored), in parallel; adds listed entries. */
int dp_live_list(const dp_engine *eng, const char *const *types, size_t ntypes, dp_live *l, dp_err *e);
/* Reads every entry with want_read, in parallel. A missing resource is found = false; any
 * other failure fails the whole read (e names the resource). */
int dp_live_read(const dp_engine *eng, dp_live *l, dp_err *e);
/* SHA-256 (hex) over what was found: logical id, type, physical id, properties, attributes. */
int dp_live_fingerprint(const dp_live *l, char out[65], dp_err *e);

#endif
