/* tpl_internal.h - the template model shared by the files of templates/ (not for the engine:
 * use template.h). All nodes and keys are borrowed from the document arena. */
#ifndef DP_TPL_INTERNAL_H
#define DP_TPL_INTERNAL_H
#include <stdbool.h>

#include "templates/node.h"
#include "templates/strmap.h"
#include "templates/template.h"
#include "templates/value.h"

typedef struct tpl_param {
    dp_tpl_param pub;
    const dp_pair *decl;        /* "Name: {...}" in Parameters */
    cJSON *value;               /* owned; pub.value points here */
    bool is_list, is_number, is_ssm;
} tpl_param;

typedef struct tpl_cond {
    const dp_pair *decl;
    int state;                  /* 0 not evaluated, 1 in progress, 2 done */
    int value;                  /* 1 true, 0 false, -1 undetermined (unknown inputs) */
} tpl_cond;

typedef struct tpl_res {
    dp_tpl_resource pub;
    const dp_pair *decl;
    const dp_node *props;       /* Properties or NULL */
    int cond;                   /* 1 active, 0 inactive, -1 undetermined (validate only) */
    size_t *deps;               /* indexes into res, all dependencies (malloc) */
    size_t ndeps, capdeps;
    size_t nexplicit;           /* how many leading deps[] came from DependsOn */
    const char **dep_names;     /* malloc'd arrays of borrowed names, for pub */
    const char **explicit_names;
} tpl_res;

typedef struct tpl_output {
    const dp_pair *decl;
    const char *condition;
    const dp_node *value, *description;
} tpl_output;

struct dp_template {
    dp_doc *doc;
    const char *file;
    dp_diags *d;                /* set while loading; NULL afterwards (errors go to dp_err) */
    bool lang_ext;              /* Transform: AWS::LanguageExtensions */
    const char *description;
    char *ctx_strs[6];          /* owned copies: stack name, id, region, account, partition, suffix */
    char **azs;                 /* owned NULL-terminated copy */
    tpl_param *params;
    size_t nparams;
    dp_strmap param_ix;         /* name -> tpl_param * */
    const dp_node *mappings;
    tpl_cond *conds;
    size_t nconds;
    dp_strmap cond_ix;          /* name -> tpl_cond * */
    tpl_res *res;
    size_t nres;
    dp_strmap res_ix;           /* name -> tpl_res * */
    size_t *order;              /* resource indexes in dependency order */
    tpl_output *outs;
    size_t nouts;
    dp_resolver resolver;
    bool has_resolver;
    dp_type_rules type_rules;  /* the caller's, or dp_type_rules_default() */
    bool require_all;
    dp_strmap dyn_cache;        /* reference text (owned) -> cJSON * (owned) */
};

enum { CTX_STACK_NAME, CTX_STACK_ID, CTX_REGION, CTX_ACCOUNT, CTX_PARTITION, CTX_URL_SUFFIX };

/* Evaluation state. Errors go to t->d while loading, else the first one to e. */
typedef struct dp_eval {
    dp_template *t;
    const dp_known *known;
    dp_err *e;
    bool in_conditions;         /* Fn::Equals & co. allowed, resources not */
    bool failed;
    int depth;
} dp_eval;

void dp_eval_init(dp_eval *ev, dp_template *t, const dp_known *known, dp_err *e);
void dp_tpl_error(dp_template *t, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dp_tpl_warning(dp_template *t, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dp_eval_error(dp_eval *ev, const dp_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Evaluates a node: intrinsics applied, result as a new cJSON (markers as in value.h), or
 * NULL after reporting an error. May return the internal no-value marker (dp_eval_is_novalue)
 * for Ref AWS::NoValue; containers drop such items themselves. */
cJSON *dp_eval_node(dp_eval *ev, const dp_node *n);
bool dp_eval_is_novalue(const cJSON *v);
/* Evaluates n and requires a plain value: *secret tells whether secrets were unwrapped. When
 * the value contains an unknown, returns NULL with *unknown set to a copy of that marker. */
cJSON *dp_eval_plain(dp_eval *ev, const dp_node *n, bool *secret, cJSON **unknown);
/* Same for an already evaluated value (v is consumed). */
cJSON *dp_eval_plain_value(dp_eval *ev, const dp_node *at, cJSON *v, bool *secret, cJSON **unknown);
/* Intrinsic functions other than Ref/GetAtt/If (eval_fn.c, eval_sub.c). NULL = error
 * reported, or *handled = false when fn is not one of them. */
cJSON *dp_eval_fn(dp_eval *ev, const char *fn, const dp_node *at, const dp_node *arg, bool *handled);
cJSON *dp_eval_sub(dp_eval *ev, const dp_node *at, const dp_node *arg);
/* Ref / GetAtt of a name: parameter, pseudo parameter or resource. */
cJSON *dp_eval_ref_name(dp_eval *ev, const dp_node *at, const char *name);
cJSON *dp_eval_getatt_name(dp_eval *ev, const dp_node *at, const char *res, const char *attr);

/* Fn::Sub template parsing: calls var() for each ${Name} / ${A.B} (not ${!Literal}) and lit()
 * for literal text. Returns -1 on an unterminated "${". */
typedef struct dp_sub_cb {
    void *ctx;
    int (*lit)(void *ctx, const char *s, size_t n);
    int (*var)(void *ctx, const char *name, size_t n);
} dp_sub_cb;
int dp_sub_parse(const char *s, const dp_sub_cb *cb);

/* Conditions: 1 true, 0 false, -1 undetermined, -2 error (reported at `at`). */
int dp_cond_value(dp_eval *ev, const char *name, const dp_node *at);
void dp_tpl_conditions_load(dp_template *t, const dp_node *section);
void dp_tpl_conditions_eval_all(dp_template *t);

/* Fn::ForEach (foreach.c): expands the loops of Conditions, Resources and Outputs in place
 * (new nodes in the document's arena). Needs parameters. -1 after reporting with positions. */
int dp_tpl_foreach_expand(dp_template *t, dp_node *root);

/* Parameters (tpl_params.c). */
void dp_tpl_params_load(dp_template *t, const dp_pair *section, const dp_param_inputs *in);
bool dp_tpl_is_pseudo(const char *name);

/* Dynamic references (dynref.c): replaces every {{resolve:…}} in the strings of v, in
 * place. secure_ok: ssm-secure allowed here. Returns 0, or -1 after reporting at `at`.
 * Runs on evaluated values: a reference built by Fn::Sub / Fn::Join resolves once the
 * values it is built from are known. */
int dp_dynref_apply(dp_eval *ev, const dp_node *at, cJSON **v, bool secure_ok);
/* Syntax and placement check of the references inside one string (validate, positions);
 * with a resolver, references written out in full are resolved too. s may hold holes. */
void dp_dynref_check(dp_template *t, const dp_node *at, const char *s, bool secure_ok);
/* dp_dynref_check over every string below n: plain strings as written, Fn::Sub and Fn::Join
 * as the shape of the string they build. */
void dp_dynref_scan(dp_template *t, const dp_node *n, bool secure_ok);
/* Whether s holds a reference whose value is secret (secretsmanager, ssm-secure, or a
 * service that is a hole). */
bool dp_dynref_text_secret(const char *s);

/* Shapes (dynref_shape.c): the text an Fn::Sub / Fn::Join node builds, with DP_DYNREF_HOLE
 * for each value not written literally; opaque (may be NULL) is called with the node of
 * each such value that is not literal, so callers can scan it separately. Returns 1 when n
 * is a Sub/Join (out filled), 0 when it is not, -1 when it is malformed (eval reports it). */
#define DP_DYNREF_HOLE '\x01'
typedef void (*dp_shape_opaque_fn)(void *ctx, const dp_node *n);
int dp_dynref_shape(const dp_node *n, dp_buf *out, dp_shape_opaque_fn opaque, void *ctx);
/* n is a Sub/Join building a reference whose resolved value is secret. */
bool dp_dynref_shape_secret(const dp_node *n);

/* Resource properties against the schema (validate_props.c). */
void dp_tpl_validate_resource(dp_template *t, tpl_res *r);
/* Coerces an evaluated value to the schema (INTEGER from "5", STRING from 8.0, JSON
 * canonical). Consumes v. */
cJSON *dp_tpl_coerce(const dp_schema_prop *p, cJSON *v);
cJSON *dp_tpl_coerce_object(const dp_schema_object *obj, cJSON *v);

/* Graph (graph.c): dependencies, cycles, order. */
void dp_tpl_graph_build(dp_template *t);

/* Resources (tpl_resources.c) and outputs (tpl_outputs.c). */
void dp_tpl_resources_load(dp_template *t, const dp_pair *section);
void dp_tpl_resources_finish(dp_template *t);
void dp_tpl_outputs_load(dp_template *t, const dp_pair *section);

/* ECMA regex match (full: the whole string, as AllowedPattern; else a search, as JSON
 * schema "pattern") when the pattern is within what POSIX ERE can do: 1 match, 0 no match,
 * -1 not checkable (pattern.c). */
int dp_pattern_match(const char *pattern, const char *s, bool full);
/* Alphanumeric logical id check (CloudFormation's rule). */
bool dp_tpl_valid_id(const char *s);
/* Did-you-mean over the keys of a strmap (NULL when none is close). */
const char *dp_tpl_suggest_map(const dp_strmap *m, const char *word);

#endif
