/* adopt.h - the one create flow of the named types without a client token (S3 bucket, IAM
 * role, SSM parameter, Secrets Manager secret): choose the name, look it up, adopt what is
 * ours after a lost answer or a race, refuse what is not, create the rest.
 *
 * The flow, for the name the template gives (ops->physical_id_for) or else a generated one:
 *   probe   DP_FOUND -> adopt; DP_MISSING -> make; -1 -> fail "creating"
 *   make    ok -> made; failed with one of ops->exists_codes -> adopt; else fail "creating"
 *   adopt   owner_tags; unless dp_tags_ownership() says DP_OWNED, fail with DP_E_CONFLICT
 *           "creating <logical id>: <what> <name> exists and is not owned by stack <stack>";
 *           else adopted (converge to the template and finish)
 * Every failure of an op that returns int is reported as dp_progress_fail(p, r, "creating", e).
 *
 * Ownership: r, ops and self are borrowed for the call; self is the driver's own state for
 * one create (the ops keep what they read there, e.g. the probe's answer, and the driver
 * frees it after the flow returns). *tags from owner_tags belong to the flow. */
#ifndef DP_ADOPT_H
#define DP_ADOPT_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/resources/driver.h"

typedef struct dp_adopt_ops {
    const char *what; /* the resource in messages: "bucket", "IAM role", "SSM parameter" */
    /* The driver's entry function: the template's name (0) or 1 for a generated one, which
     * dp_generated_name() makes with generated_max and generated_lower. */
    int (*physical_id_for)(const cJSON *desired, const dp_resource_req *r, char *id, size_t n);
    size_t generated_max;
    bool generated_lower;
    /* AWS codes of make's "already exists" answer (NULL-terminated; NULL = none): adopt. */
    const char *const *exists_codes;

    /* The lookup convention of err.h: DP_FOUND, DP_MISSING (e left clear) or -1 with e. */
    int (*probe)(const dp_resource_req *r, void *self, const char *name, dp_err *e);
    /* The live tags of name as [{"Key","Value"}] in *tags (owned by the flow; NULL = none). */
    int (*owner_tags)(const dp_resource_req *r, void *self, const char *name, cJSON **tags, dp_err *e);
    /* Creates name (with the ownership tags). 0 = created, -1 with e. */
    int (*make)(const dp_resource_req *r, void *self, const char *name, dp_err *e);
    /* An adopted resource, ours: converge it to the template and end p (success, wait, fail). */
    void (*adopted)(const dp_resource_req *r, void *self, const char *name, dp_progress *p);
    /* A resource make created: end p. */
    void (*made)(const dp_resource_req *r, void *self, const char *name, dp_progress *p);
} dp_adopt_ops;

/* Runs the flow above for r, ending p. name (n bytes, the caller's) receives the chosen
 * name; a template's name longer than n - 1 is cut, as snprintf cuts it. */
void dp_create_or_adopt(const dp_adopt_ops *ops, void *self, const dp_resource_req *r, char *name, size_t n,
                        dp_progress *p);

#endif
