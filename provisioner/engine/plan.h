/* plan.h - deciding, per resource, create / update in place / replace / delete / no change.
 *
 * The plan reads live state (live.h), resolves each template resource in dependency order
 * with what is known from live resources that stay, diffs it (diff.h) and records the
 * actions in a dp_plan, which render.h prints and apply.h carries out. A plan also saves to
 * and loads from JSON (--out PLAN / apply PLAN).
 *
 * Ownership: a dp_plan owns every string, change list and cJSON in it (dp_plan_cleanup). A
 * dp_desired is borrowed from whoever built it (stack.h for a template). */
#ifndef DP_PLAN_H
#define DP_PLAN_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "provisioner/engine/diff.h"
#include "provisioner/engine/engine.h"
#include "provisioner/engine/live.h"
#include "templates/template.h"

/* What the template wants, independent of how it was loaded. */
typedef struct dp_desired_res {
    const char *logical_id;
    const char *type;
    const dp_schema_type *schema;   /* may be NULL */
    const char *const *deps;
    size_t ndeps;
    const char *deletion_policy;        /* NULL: "Delete" */
    const char *update_replace_policy;  /* NULL: "Delete" */
} dp_desired_res;

typedef struct dp_desired {
    void *ctx;
    const dp_desired_res *res;   /* active resources, dependencies first */
    size_t n;
    /* Thread-safe: the resolved properties of a resource given what is known. */
    int (*properties)(void *ctx, const char *logical_id, const dp_known *known, cJSON **out, dp_err *e);
    /* The outputs ({"Name": {"Value": v, "Description"?}}), or NULL function when none. */
    int (*outputs)(void *ctx, const dp_known *known, cJSON **out, dp_err *e);
} dp_desired;

typedef enum dp_action_kind { DP_ACT_NOOP, DP_ACT_CREATE, DP_ACT_UPDATE, DP_ACT_REPLACE, DP_ACT_DELETE } dp_action_kind;

typedef struct dp_action {
    char *logical_id;         /* owned */
    char *type;               /* owned */
    dp_action_kind kind;
    char *physical_id;        /* owned: the existing resource (NULL for create) */
    char *client_token;       /* owned: create / replace */
    bool delete_first;        /* replace: delete, then create (the name is fixed) */
    bool retain;              /* delete/replace: the old resource is kept (policy Retain) */
    char *replace_reason;     /* owned: the create-only property forcing the replacement */
    char *deletion_policy;    /* owned */
    char *update_replace_policy; /* owned */
    char **deps;              /* owned: dependencies in the template */
    size_t ndeps;
    char **old_deps;          /* owned: dependencies when last applied (state), for deletes */
    size_t nold_deps;
    dp_changes changes;
    cJSON *live_props;        /* owned: live Properties (update: the driver's previous) */
    cJSON *applied_props;     /* owned: Properties of the last apply (state; update: the driver's applied) */
    cJSON *live_attrs;        /* owned: live Attributes */
    char *note;               /* owned: a warning shown with the action, or NULL */
} dp_action;

typedef struct dp_plan {
    char *stack;              /* owned */
    char *template_path;      /* owned, may be NULL */
    char *template_hash;      /* owned, may be NULL */
    cJSON *parameters;        /* owned: non-secret parameter values, may be NULL */
    dp_action *v;
    size_t n, cap;
    char fingerprint[65];     /* of the live state read */
    char **warnings;          /* owned */
    size_t nwarnings;
    long read_requests;       /* HTTP requests the plan made to read live state */
    long read_lists, read_reads; /* driver list() and read() operations */
    double read_wall_s;
} dp_plan;

void dp_plan_init(dp_plan *p);
void dp_plan_cleanup(dp_plan *p);
/* New action appended (zeroed, strings copied); NULL on OOM. */
dp_action *dp_plan_add(dp_plan *p, const char *logical_id, const char *type, dp_action_kind kind);
dp_action *dp_plan_find(dp_plan *p, const char *logical_id);
int dp_plan_warn(dp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Owned copies of string lists (each string and the array; the array has a NULL after the
 * last): of n strings, or of the strings in a JSON array (*n set). NULL on OOM, nothing kept. */
char **dp_strv_copy(const char *const *v, size_t n);
char **dp_strv_from_json(const cJSON *arr, size_t *n);
/* Counts: add, change, replace, destroy. */
void dp_plan_summary(const dp_plan *p, int *add, int *change, int *replace, int *destroy);
bool dp_plan_has_changes(const dp_plan *p);
const char *dp_action_name(dp_action_kind k);   /* "create", "update", "replace", "delete", "no-op" */

/* Builds the plan for d against live state and the state document (may be NULL). Every
 * resource the template names but the stack does not own is an error naming it. */
int dp_plan_build(const dp_engine *eng, const dp_desired *d, const cJSON *state, dp_plan *out, dp_err *e);

/* The known-values lookup used at plan time for resources that stay: live ids/attributes,
 * else state. Exposed for outputs. ctx is a dp_plan_known. */
typedef struct dp_plan_known {
    const dp_plan *plan;
    const cJSON *state;
} dp_plan_known;
cJSON *dp_plan_known_lookup(void *ctx, const char *logical_id, const char *attr);

/* The --json form (documented in render.h); the saved-plan form adds the parameters.
 * Owned result. */
cJSON *dp_plan_to_json(const dp_plan *p, bool for_saving);
/* Reads a saved plan's header: template path, hash, parameters, fingerprint, actions (names
 * and kinds only, for the comparison with a fresh plan). Fills out. */
int dp_plan_from_json(const cJSON *j, dp_plan *out, dp_err *e);
/* True when two plans do the same (kinds and physical ids per logical id); else *why says
 * the first difference. */
bool dp_plan_same_actions(const dp_plan *a, const dp_plan *b, char *why, size_t n);

#endif
