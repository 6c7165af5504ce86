/* common.h - helpers every resource driver shares: progress events, adaptive polling,
 * ownership tags, generated names, property access.
 *
 * Ownership: functions returning cJSON * return new objects owned by the caller unless
 * noted; dp_prop_* getters return borrowed pointers into their argument. */
#ifndef DP_DRIVER_COMMON_H
#define DP_DRIVER_COMMON_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/base/jsonutil.h"
#include "drivers/resources/driver.h"

/* ---- progress (the events themselves are in driver.h) ---- */
/* The one way a driver refuses a property it cannot apply (DP_CAP_REFUSES_OTHERS): when
 * r->desired has a top-level property outside the .applies of type's entry, fails p
 * (DP_E_INPUT, "<verb> <logical id>: <property> is not supported by dmsprov for <type>") and
 * returns true. Called first in create and update, before any AWS call. */
bool dp_refuse_unsupported(const char *type, const dp_resource_req *r, const char *verb, dp_progress *p);
/* IN_PROGRESS: waits a little longer each time. ctx (taken) is the state to carry; the poll
 * count is kept in it under "dp:polls" and drives the delay. */
void dp_progress_wait(dp_progress *p, const dp_resource_req *r, cJSON *ctx, const char *status_text);

/* Adaptive polling: short at first, backing off with jitter toward a cap, so a resource
 * that becomes ready is seen soon without flooding the API.
 * polls = 0, 1, 2, ...: about 0.25 s, 0.4 s, 0.64 s, ... capped at 10 s, +-20% jitter. */
long dp_poll_delay_ms(int polls, double rand01);
/* Polls so far for this operation (from req->context, 0 on the first call). */
int dp_poll_count(const dp_resource_req *r);

/* ---- tags ---- */
/* A new {"Key": k, "Value": v} object (v NULL = ""); owned by the caller, NULL when out of
 * memory. The one place tag objects are built. */
cJSON *dp_tag_new(const char *k, const char *v);
/* The value of tag key in tags ([{kf: key, vf: value}]), "" for a tag without a value; NULL
 * when absent. Borrowed. */
const char *dp_tag_lookup(const cJSON *tags, const char *kf, const char *vf, const char *key);

/* ---- ownership tags ---- */
typedef enum dp_ownership { DP_OWNED, DP_OWNED_BY_OTHER, DP_UNOWNED } dp_ownership;
/* Template Tags ([{"Key","Value"}], may be NULL) plus the two ownership tags, as a new
 * [{"Key","Value"}] array; template tags may not use the dmsprov: prefix (caller validates). */
cJSON *dp_tags_with_ownership(const cJSON *template_tags, const char *stack, const char *logical_id);
/* Checks live tags ([{"Key","Value"}] array; key/value field names given for APIs that differ). */
dp_ownership dp_tags_ownership(const cJSON *tags, const char *key_field, const char *value_field,
                               const char *stack, const char *logical_id);
/* Live tags without the ownership tags, sorted by key, in template form; NULL when none. */
cJSON *dp_tags_template_form(const cJSON *tags, const char *key_field, const char *value_field);

/* A generated physical name as CloudFormation makes them: "<stack>-<logical>-<SUFFIX>",
 * trimmed to max_len, lower-cased when lower; SUFFIX derived from the client token so a
 * retried create picks the same name. */
void dp_generated_name(const dp_resource_req *r, size_t max_len, bool lower, char *out, size_t n);

/* ---- property access (borrowed results; NULL when absent or of another kind) ---- */
const char *dp_prop_str(const cJSON *obj, const char *name);
const cJSON *dp_prop(const cJSON *obj, const char *name);
bool dp_prop_bool(const cJSON *obj, const char *name, bool fallback);
long dp_prop_long(const cJSON *obj, const char *name, long fallback);
/* JSON text of a JSON-document property (string as is, object printed compactly); owned. */
char *dp_prop_json_text(const cJSON *obj, const char *name);

#endif
