/* rotate_hashes.c - after finish, the state's keyed hashes of the dependents' secret properties
 * are renewed, so that `dmsprov plan` sees the rotated values as the ones applied.
 *
 * The engine keeps, per resource, secret_hashes{"<top-level property>": HMAC of the resolved
 * value} (dp_diff_state_props: the resolved string itself). A dependent's template value
 * resolves after the rotation to its render filled from the new AWSCURRENT, which is what
 * rotate wrote, so its hash is exactly what a new apply would store.
 * An SSM copy's "Value" attribute (kept by apply from the driver's read: a password in clear)
 * is dropped from the state as well: the state never holds a secret value. */
#include "provisioner/rotate/rotate_hashes.h"

#include <stdio.h>
#include <stdlib.h>

#include "drivers/base/buf.h"
#include "drivers/resources/password.h"
#include "provisioner/rotate/rotate_record.h"

/* The resource's secret_hashes object when it holds an entry for t->prop, else NULL (the
 * resource not applied by dmsprov, or the property not secret: the engine keeps no hash, so
 * none is added). Borrowed. */
static cJSON *hashes_with(dp_rot_run *r, const dp_rot_target *t)
{
    cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->state, "resources"),
                                                  t->logical_id);
    cJSON *hashes = cJSON_GetObjectItemCaseSensitive(res, "secret_hashes");
    return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(hashes, t->prop)) ? hashes : NULL;
}

/* Drops attributes.Value of the SSM copies: it would hold the previous password. */
static void drop_copy_values(dp_rot_run *r)
{
    cJSON *resources = cJSON_GetObjectItemCaseSensitive(r->state, "resources");
    for (size_t i = 0; i < r->cfg.ntargets; i++) {
        const dp_rot_target *t = &r->cfg.targets[i];
        if (t->kind != DP_ROT_SSM)
            continue;
        cJSON *attrs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resources, t->logical_id),
                                                        "attributes");
        cJSON_DeleteItemFromObjectCaseSensitive(attrs, "Value");
    }
}

int dp_rot_update_hashes(dp_rot_run *r, const char *secret_string, dp_err *e)
{
    drop_copy_values(r);
    dp_buf done;
    dp_buf_init(&done, 1 << 16);
    int n = 0, rc = 0;
    for (size_t i = 0; i < r->cfg.ntargets && !rc; i++) {
        const dp_rot_target *t = &r->cfg.targets[i];
        cJSON *hashes = t->prop && t->render ? hashes_with(r, t) : NULL;
        if (!hashes)
            continue;
        char *value = NULL;
        dp_err why;
        dp_err_clear(&why);
        if (dp_rot_render_value(t->render, secret_string, &value, &why)) {
            /* a cluster's value rotate never had to compute: the plan will show it, say why */
            printf("  finish: state hash of %s.%s kept: %s\n", t->logical_id, t->prop, why.message);
            continue;
        }
        char hex[65];
        rc = dp_state_secret_hash(r->store, value, hex, e);
        dp_secret_free(value);
        if (rc)
            break;
        cJSON *nv = cJSON_CreateString(hex);
        if (!nv || !cJSON_ReplaceItemInObjectCaseSensitive(hashes, t->prop, nv)) {
            cJSON_Delete(nv);
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            rc = -1;
            break;
        }
        if ((n && dp_buf_puts(&done, ", ")) || dp_buf_printf(&done, "%s.%s", t->logical_id, t->prop)) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            rc = -1;
        }
        n++;
    }
    if (!rc && n)
        printf("  finish: state: secret hash%s of %s renewed (plan sees the rotated value%s as applied)\n",
               n == 1 ? "" : "es", dp_buf_str(&done), n == 1 ? "" : "s");
    dp_buf_cleanup(&done);
    return rc;
}
