/* engine.h - what plan, apply and destroy share: the AWS client, the stack's identity, the
 * driver table, the state store and the output settings.
 *
 * Ownership: everything in a dp_engine is borrowed from the command that fills it. The
 * function pointers let unit tests run the engine on a fake driver table without AWS. */
#ifndef DP_ENGINE_H
#define DP_ENGINE_H
#include <stdbool.h>
#include <stdio.h>

#include "drivers/resources/driver.h"
#include "provisioner/state/state.h"
#include "templates/schema.h"
#include "templates/type_rules.h"

typedef struct dp_engine {
    dp_client *client;
    const char *stack;
    const char *region;
    const char *account_id;
    const char *partition;
    /* Driver lookup (dp_driver_find) and the list of types destroy searches (dp_driver_all). */
    const dp_driver *(*find_driver)(const char *type);
    const dp_driver *const *(*all_drivers)(size_t *n);
    /* Keyed hash of a secret value (dp_state_secret_hash on store). */
    int (*secret_hash)(void *ctx, const char *value, char out[65], dp_err *e);
    void *secret_hash_ctx;
    dp_state_store *store;      /* NULL: state is kept in memory only (tests) */
    int parallelism;            /* default 10 */
    bool color;                 /* ANSI colours on stdout */
    bool tty;                   /* stdout is a terminal */
    FILE *out;                  /* human output (stdout) */
    double progress_every_s;    /* "still creating…" interval (0: 10 s on a TTY, 30 s otherwise) */
    /* Polls of a long operation come at most this fraction of its elapsed time apart (never
     * under 200 ms), even when the driver suggests a longer delay: a resource that becomes
     * ready is seen within ~10% of its wait, which keeps apply near its critical path.
     * 0: the driver's delay as is. */
    double poll_slack;
} dp_engine;

/* Fills the defaults above (drivers from the registry, hashing through store). */
void dp_engine_init(dp_engine *eng, dp_client *c, const char *stack, dp_state_store *store);

/* For changes of secret values made outside apply (`dmsprov rotate`): records in state the
 * keyed hashes of the sensitive properties of logical_id as they resolve now, exactly as apply
 * would, so that the next plan sees no change. props: the resource's resolved properties
 * (dp_template_resource_properties, markers kept; borrowed); schema may be NULL. Only the
 * state document is changed: the caller writes it (dp_state_write). */
int dp_engine_record_secret_hashes(dp_state_store *store, cJSON *state, const char *logical_id,
                                   const dp_schema_type *schema, const cJSON *props, dp_err *e);

/* The template loader's type rules (DeletionPolicy Snapshot, ...) answered from the driver
 * registry (static: nothing to free). */
const dp_type_rules *dp_engine_type_rules(void);

#endif
