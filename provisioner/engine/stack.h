/* stack.h - what plan, apply, destroy and output share around a stack: the AWS session
 * (client, caller identity, state store, engine context), and the
 * template loaded for the stack (parameters, pseudo-parameters from STS, the AWS-backed
 * resolver) seen through the engine's dp_desired interface.
 *
 * Ownership: dp_stack_session owns everything it opens (dp_stack_session_close). */
#ifndef DP_STACK_H
#define DP_STACK_H
#include <pthread.h>
#include <stdbool.h>

#include "drivers/core/sts.h"
#include "provisioner/engine/engine.h"
#include "provisioner/engine/plan.h"
#include "provisioner/session/session.h"
#include "templates/param_inputs.h"
#include "templates/template.h"

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

/* Writes data to path atomically (temp file + fsync + rename, mode 0600). */
int dp_write_file_atomic(const char *path, const char *data, size_t len, dp_err *e);

/* Resolver sharing an existing client (aws_resolver.c); close with dp_aws_resolver_close. */
int dp_aws_resolver_with_client(dp_client *c, dp_resolver *out, dp_err *e);

/* NoEcho values for `apply PLAN`: every DMSPROV_PARAM_<Name>=value in the environment. */
int dp_stack_params_from_env(dp_param_inputs *in, dp_err *e);

#endif
