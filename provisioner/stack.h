/* stack.h - what plan, apply, destroy and output share around a stack: their command-line
 * options, the AWS session (client, caller identity, state store, engine context), and the
 * template loaded for the stack (parameters, pseudo-parameters from STS, the AWS-backed
 * resolver) seen through the engine's dp_desired interface.
 *
 * Ownership: dp_stack_opts owns its parameter inputs (dp_stack_opts_cleanup); strings in it
 * are borrowed from argv. dp_stack_session owns everything it opens (dp_stack_session_close). */
#ifndef DP_STACK_H
#define DP_STACK_H
#include <pthread.h>
#include <stdbool.h>

#include "drivers/core/sts.h"
#include "provisioner/cli.h"
#include "provisioner/engine.h"
#include "provisioner/plan.h"
#include "templates/params.h"
#include "templates/template.h"

enum dp_stack_flag {
    DP_SO_INPUTS = 1u << 0,       /* -t, --parameter, --parameters-file */
    DP_SO_JSON = 1u << 1,
    DP_SO_DETAILED = 1u << 2,     /* --detailed-exitcode */
    DP_SO_OUT = 1u << 3,          /* --out PLAN */
    DP_SO_APPROVE = 1u << 4,      /* --auto-approve */
    DP_SO_PARALLELISM = 1u << 5,
    DP_SO_ROLLBACK = 1u << 6,     /* --rollback-on-failure */
    DP_SO_EMPTY_BUCKETS = 1u << 7,
    DP_SO_PLAN_FILE = 1u << 8,    /* a positional saved plan */
    DP_SO_BREAK_LOCK = 1u << 9,
    DP_SO_TEMPLATE_ONLY = 1u << 10 /* -t without parameters (destroy) */
};

typedef struct dp_stack_opts {
    const char *template_path;
    const char *stack;
    const char *parameters_file;
    dp_param_inputs params;       /* owned: the file's values, then --parameter ones */
    bool json, detailed_exitcode, auto_approve, rollback, empty_buckets, break_lock;
    const char *out_plan;
    const char *plan_file;
    int parallelism;              /* 0: default */
} dp_stack_opts;

/* Parses a command's arguments (argv[0] = command name). Returns 0; -1 when help was printed;
 * DP_EXIT_USAGE / DP_EXIT_ERROR after printing the problem. The stack name defaults from the
 * template file name (its directory's name for "template.yaml"), made a valid stack name. */
int dp_stack_opts_parse(dp_stack_opts *o, const char *cmd, int argc, char **argv, const char *usage, unsigned flags);
void dp_stack_opts_cleanup(dp_stack_opts *o);
/* True for a valid stack name: a letter, then letters, digits and '-', at most 100 chars. */
bool dp_stack_name_valid(const char *name);

typedef struct dp_stack_session {
    char stack[128];
    dp_client *client;
    dp_identity ident;
    dp_state_store *store;
    dp_engine eng;
    bool locked;
    /* template (dp_stack_load_template) */
    dp_resolver resolver;
    bool have_resolver;
    dp_template *tpl;
    char *template_path;
    char template_hash[65];
    cJSON *params_public;         /* non-secret parameter values */
    dp_desired desired;
    dp_desired_res *res;
    pthread_mutex_t tpl_mu;
    bool mu_init;
} dp_stack_session;

/* AWS client from g, caller identity (STS), the state store (--state) and the engine. */
int dp_stack_session_open(dp_stack_session *s, const dp_globals *g, const char *stack, dp_err *e);
/* Takes the stack's lock (released by close). */
int dp_stack_session_lock(dp_stack_session *s, const char *operation, bool break_lock, dp_err *e);
/* Loads path with params; template problems are printed on stderr (file:line:col). For
 * destroy, parameters may be missing and nothing is resolved against AWS. */
int dp_stack_load_template(dp_stack_session *s, const char *path, const dp_param_inputs *params, bool for_destroy,
                           dp_err *e);
/* Plans the loaded template against live state and state (may be NULL) into plan (inited here). */
int dp_stack_plan(dp_stack_session *s, const cJSON *state, dp_plan *plan, dp_err *e);
void dp_stack_session_close(dp_stack_session *s);

/* The state document of the stack, or a new empty one ({"version":1,"stack":…}); owned. */
cJSON *dp_stack_state_read(dp_stack_session *s, bool *existed, dp_err *e);

/* Asks "Enter a value: " on the terminal; true when the answer is "yes". With no terminal on
 * stdin, prints why and returns false. */
bool dp_stack_confirm(const char *question, const char *cmd);

/* Writes data to path atomically (temp file + fsync + rename, mode 0600). */
int dp_write_file_atomic(const char *path, const char *data, size_t len, dp_err *e);

/* Resolver sharing an existing client (aws_resolver.c); close with dp_aws_resolver_close. */
int dp_aws_resolver_with_client(dp_client *c, dp_resolver *out, dp_err *e);

/* NoEcho values for `apply PLAN`: every DMSPROV_PARAM_<Name>=value in the environment. */
int dp_stack_params_from_env(dp_param_inputs *in, dp_err *e);

#endif
