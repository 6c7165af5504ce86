/* engine_init.c - the engine context wired to the real drivers and the state store (kept apart
 * from engine.c so unit tests on fakes do not link the state store). */
#include "provisioner/engine/engine.h"

#include "drivers/core/endpoint.h"
#include "provisioner/engine/diff.h"

#include <string.h>
#include <unistd.h>

static int store_hash(void *ctx, const char *value, char out[65], dp_err *e)
{
    if (!ctx) {
        dp_err_set(e, DP_E_INTERNAL, "no state store to hash secrets with");
        return -1;
    }
    return dp_state_secret_hash(ctx, value, out, e);
}

void dp_engine_init(dp_engine *eng, dp_client *c, const char *stack, dp_state_store *store)
{
    memset(eng, 0, sizeof *eng);
    eng->client = c;
    eng->stack = stack;
    eng->region = c ? dp_client_region(c) : "us-east-1";
    eng->partition = dp_partition_for_region(eng->region)->name;
    eng->find_driver = dp_driver_find;
    eng->all_drivers = dp_driver_all;
    eng->secret_hash = store_hash;
    eng->secret_hash_ctx = store;
    eng->store = store;
    eng->parallelism = 10;
    eng->poll_slack = 0.10;
    eng->out = stdout;
    eng->tty = isatty(STDOUT_FILENO) == 1;
    eng->color = eng->tty;
}


int dp_engine_record_secret_hashes(dp_state_store *store, cJSON *state, const char *logical_id,
                                   const dp_schema_type *schema, const cJSON *props, dp_err *e)
{
    cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(state, "resources"), logical_id);
    if (!cJSON_IsObject(res)) {
        dp_err_set(e, DP_E_NOT_FOUND, "resource %s is not in the state", logical_id);
        return -1;
    }
    cJSON *plain = NULL, *hashes = NULL;
    if (dp_diff_state_props(schema, props, store_hash, store, &plain, &hashes, e))
        return -1;
    cJSON_Delete(plain);
    cJSON *have = cJSON_GetObjectItemCaseSensitive(res, "secret_hashes");
    if (!cJSON_IsObject(have)) {
        cJSON_DeleteItemFromObjectCaseSensitive(res, "secret_hashes");
        have = cJSON_AddObjectToObject(res, "secret_hashes");
    }
    for (cJSON *h = hashes ? hashes->child : NULL; h && have; h = h->next) {
        cJSON *copy = cJSON_CreateString(h->valuestring);
        if (cJSON_GetObjectItemCaseSensitive(have, h->string))
            cJSON_ReplaceItemInObjectCaseSensitive(have, h->string, copy);
        else
            cJSON_AddItemToObject(have, h->string, copy);
    }
    cJSON_Delete(hashes);
    if (!have) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    return 0;
}
