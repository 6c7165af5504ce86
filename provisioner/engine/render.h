/* render.h - printing a plan for people (coloured + ~ -/+ - lines, property diffs) and for
 * machines (--json). Secrets are never in either: changes only hold redacted values and
 * sensitive ones print as (sensitive).
 *
 * The --json format (format_version 1; fields are only ever added):
 *   {"format_version": 1, "stack": "lab", "template": "path", "template_hash": "<sha256>",
 *    "live_fingerprint": "<sha256 of the live state read>",
 *    "summary": {"add": N, "change": N, "replace": N, "destroy": N}, "changes_present": bool,
 *    "resources": [{"logical_id", "type", "action": "create|update|replace|delete|no-op",
 *        "physical_id": "…" | null, "depends_on": [logical ids],
 *        "replacement": {"reason": "<create-only property>", "mode":
 *                        "create_then_delete|delete_then_create", "retain_old": bool},  (replace)
 *        "retain": bool,  (delete: DeletionPolicy Retain keeps it in AWS)
 *        "warning": "…",  (when there is one)
 *        "changes": [{"property", "action": "add|change|remove", "before", "after",
 *                     "sensitive": bool, "known_after_apply": bool,
 *                     "forces_replacement": bool}]}],
 *    "warnings": ["…"],
 *    "live_read": {"lists": N, "reads": N, "api_requests": N, "seconds": S}}
 * before/after are null when absent, sensitive or known only after apply. A saved plan
 * (--out) is the same document plus "parameters" (non-secret values) and minus "live_read".
 *
 * Ownership: output goes to a caller's dp_buf. */
#ifndef DP_RENDER_H
#define DP_RENDER_H
#include <stdbool.h>

#include "drivers/base/buf.h"
#include "provisioner/engine/plan.h"

typedef struct dp_render_opts {
    bool color;
    bool show_noop;     /* list unchanged resources too */
} dp_render_opts;

/* The human plan, ending with "Plan: N to add, N to change, N to replace, N to destroy." or
 * "No changes. …". */
int dp_render_plan(const dp_plan *p, const dp_render_opts *o, dp_buf *out);
/* The summary line alone. */
int dp_render_summary(const dp_plan *p, dp_buf *out);
/* A value as one line: strings quoted, JSON compact, long values cut at max chars. */
int dp_render_value(const cJSON *v, size_t max, dp_buf *out);
/* --json of a plan, pretty printed with a trailing newline. */
int dp_render_plan_json(const dp_plan *p, dp_buf *out);

#endif
