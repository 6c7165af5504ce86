/* template.h - the engine-facing template API: load + validate a template with parameter
 * values and a stack context, then walk its resources in dependency order and resolve their
 * properties (again at apply time, once the resources they refer to exist).
 *
 * Ownership: dp_template_load* returns a handle the caller frees with dp_template_free().
 * Every const pointer handed out (resource/parameter structs, strings, schema) is borrowed
 * from the handle and lives as long as it. Every cJSON ** output is owned by the caller.
 * Resolved values use the markers documented in templates/value.h.
 *
 * Threads: a loaded template is read-only except for its cache of resolved dynamic
 * references, which dp_template_resource_properties / dp_template_outputs may fill; call
 * them from one thread at a time (or serialise them). */
#ifndef DP_TPL_TEMPLATE_H
#define DP_TPL_TEMPLATE_H
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "drivers/base/err.h"
#include "templates/diag.h"
#include "templates/param_inputs.h"
#include "templates/resolver.h"
#include "templates/schema.h"
#include "templates/type_rules.h"
#include "templates/value.h"

typedef struct dp_template dp_template;

/* Pseudo-parameter values. A NULL field stays "unknown" ({"dp:unknown":"AWS::AccountId"}),
 * except partition and url_suffix, which are derived from region when NULL. All borrowed
 * during dp_template_load only (the template copies them). */
typedef struct dp_tpl_context {
    const char *stack_name;
    const char *stack_id;
    const char *region;
    const char *account_id;
    const char *partition;
    const char *url_suffix;
    const char *const *azs;   /* Fn::GetAZs answer (NULL-terminated); NULL: region + a, b, c */
} dp_tpl_context;

typedef struct dp_tpl_options {
    const dp_param_inputs *params;  /* may be NULL */
    const dp_tpl_context *ctx;      /* may be NULL */
    /* Dynamic references and AWS::SSM::Parameter::Value<…> parameters are resolved through
     * this (results cached per template). NULL: they stay unknown, and nothing reaches AWS. */
    const dp_resolver *resolver;
    /* Per-type rules from the driver table (dp_engine_type_rules). NULL: dp_type_rules_default(). */
    const dp_type_rules *type_rules;
    /* plan/apply: a parameter without value and Default is an error. Otherwise (validate,
     * graph) it is checked as an unknown value. */
    bool require_all_params;
} dp_tpl_options;

/* Loads, validates and resolves path. Every problem goes to d ("file:line:col: error: …").
 * Returns NULL when there was any error. */
dp_template *dp_template_load(const char *path, const dp_tpl_options *o, dp_diags *d);
/* Same from memory; file names the input in diagnostics. */
dp_template *dp_template_load_buf(const char *file, const char *data, size_t len,
                                  const dp_tpl_options *o, dp_diags *d);
void dp_template_free(dp_template *t);

const char *dp_template_file(const dp_template *t);
const char *dp_template_description(const dp_template *t); /* NULL when none */

typedef struct dp_tpl_resource {
    const char *logical_id;
    const char *type;
    const dp_schema_type *schema;
    bool active;                   /* no Condition, or its Condition is true */
    const char *condition;         /* NULL when none */
    /* Everything it depends on (DependsOn + Ref/GetAtt/Sub after conditions), without
     * duplicates, in dependency order. Inactive resources have none. */
    const char *const *depends_on;
    size_t ndepends_on;
    const char *const *explicit_depends_on;   /* DependsOn only */
    size_t nexplicit_depends_on;
    const char *deletion_policy;        /* "Delete", "Retain", "Snapshot", "RetainExceptOnCreate" */
    const char *update_replace_policy;  /* "Delete", "Retain", "Snapshot" */
    bool deletion_policy_explicit, update_replace_policy_explicit;
    int line, col;                 /* of the logical id */
} dp_tpl_resource;

/* Resources in dependency order (dependencies first; ties in document order); inactive
 * resources come last, in document order. */
size_t dp_template_resource_count(const dp_template *t);
const dp_tpl_resource *dp_template_resource_at(const dp_template *t, size_t i);
const dp_tpl_resource *dp_template_resource_find(const dp_template *t, const char *logical_id);

/* What the engine knows about resources that exist (apply time). */
typedef struct dp_known {
    void *ctx;
    /* The value of Ref (attr == NULL: the physical id) or Fn::GetAtt of logical_id, as a new
     * cJSON the template code takes ownership of, or NULL when not known (the result then
     * keeps a dp:unknown marker). */
    cJSON *(*lookup)(void *ctx, const char *logical_id, const char *attr);
} dp_known;

/* The resolved Properties of one resource: an object (empty when it has none), AWS::NoValue
 * removed, scalars coerced to the schema's kinds, JSON-valued properties canonicalised to a
 * compact key-sorted JSON string, dynamic references resolved. known may be NULL. */
int dp_template_resource_properties(const dp_template *t, const char *logical_id,
                                    const dp_known *known, cJSON **out, dp_err *e);
/* Same, with dynamic references left as their text (built by Fn::Sub / Fn::Join with the
 * known values, never resolved): what the template asks for, independent of the values the
 * references hold now (a rotated password). CloudFormation re-resolves a reference only when
 * the template changes; compare these to tell such a change. */
int dp_template_resource_properties_unresolved(const dp_template *t, const char *logical_id,
                                               const dp_known *known, cJSON **out, dp_err *e);

/* Outputs whose Condition holds: {"Name": {"Value": v, "Description": "…"}}. */
int dp_template_outputs(const dp_template *t, const dp_known *known, cJSON **out, dp_err *e);

typedef struct dp_tpl_param {
    const char *name;
    const char *type;
    bool no_echo;
    bool from_default;
    /* Resolved value: string or list of strings; {"dp:secret":…} when NoEcho; {"dp:unknown":
     * name} when it has no value (validate) or is SSM-typed without a resolver. */
    const cJSON *value;
} dp_tpl_param;

size_t dp_template_param_count(const dp_template *t);
const dp_tpl_param *dp_template_param_at(const dp_template *t, size_t i);

/* A stable text rendering of the resolved template: parameters, resources in order with
 * their dependencies and resolved properties (secrets redacted), and outputs. Used by the
 * test corpus and `dmsprov graph --format text`. */
int dp_template_dump(const dp_template *t, dp_buf *out);

#endif
