/* adopt.c - the shared create / adopt-after-crash flow (see adopt.h). */
#include "drivers/resources/adopt.h"

#include <string.h>

#include "drivers/resources/common.h"

static bool already_exists(const dp_adopt_ops *ops, const char *code)
{
    for (const char *const *c = ops->exists_codes; c && *c; c++)
        if (!strcmp(*c, code))
            return true;
    return false;
}

/* A resource with our name exists: ours (a retried create) is converged, anyone else's is
 * left alone. */
static void adopt(const dp_adopt_ops *ops, void *self, const dp_resource_req *r, const char *name, dp_progress *p)
{
    dp_err e = {0};
    cJSON *tags = NULL;
    if (ops->owner_tags(r, self, name, &tags, &e)) {
        cJSON_Delete(tags);
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    dp_ownership own = dp_tags_ownership(tags, "Key", "Value", r->stack, r->logical_id);
    cJSON_Delete(tags);
    if (own != DP_OWNED) {
        dp_progress_failf(p, DP_E_CONFLICT, "creating %s: %s %s exists and is not owned by stack %s", r->logical_id,
                          ops->what, name, r->stack);
        return;
    }
    ops->adopted(r, self, name, p);
}

void dp_create_or_adopt(const dp_adopt_ops *ops, void *self, const dp_resource_req *r, char *name, size_t n,
                        dp_progress *p)
{
    if (ops->physical_id_for(r->desired, r, name, n))
        dp_generated_name(r, ops->generated_max, ops->generated_lower, name, n);
    dp_err e = {0};
    int found = ops->probe(r, self, name, &e);
    if (found < 0) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    if (found == DP_FOUND) {
        adopt(ops, self, r, name, p);
        return;
    }
    dp_err_clear(&e);
    if (ops->make(r, self, name, &e)) {
        if (already_exists(ops, e.aws_code))
            adopt(ops, self, r, name, p); /* our own lost answer, or someone was quicker */
        else
            dp_progress_fail(p, r, "creating", &e);
        return;
    }
    ops->made(r, self, name, p);
}
