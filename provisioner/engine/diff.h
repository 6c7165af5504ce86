/* diff.h - property-level comparison of one resource: desired (resolved template) against live
 * (the driver's read, template form) and the last applied properties (state).
 *
 * Rules: the keys the template sets are compared with live (or, when the read does not return
 * a key, with what was last applied); keys applied before that the template no longer sets are
 * removals; live server defaults the template never set are not changes. JSON documents
 * compare canonically, tag lists as sets by Key, scalars by their string form. Secrets
 * (schema DP_SP_SECRET or dp:secret values) compare by keyed hash against the hash kept in
 * state and are never copied into a change. Values holding dp:unknown are "known after apply".
 *
 * Ownership: a dp_changes owns its entries (dp_changes_cleanup). */
#ifndef DP_DIFF_H
#define DP_DIFF_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"
#include "drivers/resources/driver.h"
#include "templates/schema.h"

typedef enum dp_change_kind { DP_CH_ADD, DP_CH_CHANGE, DP_CH_REMOVE } dp_change_kind;

typedef struct dp_change {
    char *property;           /* owned: top-level property name */
    dp_change_kind kind;
    cJSON *before;            /* owned printable value, NULL when absent or sensitive */
    cJSON *after;             /* owned printable value, NULL when absent, sensitive or unknown */
    bool sensitive;
    bool known_after_apply;
    bool forces_replacement;
} dp_change;

typedef struct dp_changes {
    dp_change *v;
    size_t n, cap;
} dp_changes;

typedef int (*dp_hash_fn)(void *ctx, const char *value, char out[65], dp_err *e);

typedef struct dp_diff_input {
    /* The type's driver entry, may be NULL: properties AWS lower-cases compare without case,
     * and its update_in_place / replace_on_change override the schema's create-only list. */
    const dp_driver *driver;
    const dp_schema_type *schema;   /* may be NULL */
    const cJSON *desired;           /* resolved properties, with markers */
    const cJSON *live;              /* live Properties, NULL when the resource was not read */
    const cJSON *applied;           /* state "properties", may be NULL */
    const cJSON *secret_hashes;     /* state "secret_hashes", may be NULL */
    dp_hash_fn hash;
    void *hash_ctx;
} dp_diff_input;

int dp_diff_resource(const dp_diff_input *in, dp_changes *out, dp_err *e);
void dp_changes_cleanup(dp_changes *c);
/* true when some change forces replacement; *reason = its property (borrowed). */
bool dp_changes_replace(const dp_changes *c, const char **reason);

/* Equality as the diff sees it (prop may be NULL). */
bool dp_values_equal(const cJSON *desired, const cJSON *live, const dp_schema_prop *prop);
/* The text hashed for a secret property: the string itself, else canonical JSON of the value
 * with secret markers stripped. Owned (free()); NULL on error (e filled). */
char *dp_secret_text(const cJSON *v, dp_err *e);
/* True when top-level property name of value v is sensitive. */
bool dp_prop_is_sensitive(const dp_schema_type *schema, const char *name, const cJSON *v);

/* Splits desired (stripped of markers) into what state may keep: *props (non-secret
 * properties, owned) and *hashes ({"Prop": hex}, owned). */
int dp_diff_state_props(const dp_schema_type *schema, const cJSON *desired, dp_hash_fn hash, void *hash_ctx,
                        cJSON **props, cJSON **hashes, dp_err *e);

#endif
