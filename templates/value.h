/* value.h - resolved property values (cJSON) and the two markers the engine relies on.
 *
 * Resolved values are plain cJSON, except for two single-key marker objects:
 *
 *   {"dp:secret": <value>}    a sensitive value (NoEcho parameter, {{resolve:ssm-secure:…}},
 *                             {{resolve:secretsmanager:…}}, or anything computed from one:
 *                             a Join/Sub/Select over a secret is itself wrapped). Never print
 *                             the inner value; dp_value_redact() gives a printable copy.
 *   {"dp:unknown": "Id.Attr"} a value known only after apply: "Id" for Ref of a resource,
 *                             "Id.Attr" for Fn::GetAtt. A value computed from an unknown one
 *                             (Sub, Join, a JSON policy embedding an ARN, ...) is replaced as a
 *                             whole by the marker of its first unknown input. At validate time
 *                             a parameter without a value, an SSM-typed parameter or a dynamic
 *                             reference not resolved (no --resolve) is unknown as well
 *                             ("ParamName", "{{resolve:ssm:/x}}").
 *   {"dp:secret": {"dp:unknown": "Id"}}
 *                             an unknown that will be secret once known: a Fn::Sub / Fn::Join
 *                             building a {{resolve:secretsmanager:…}} or ssm-secure reference
 *                             from a value known only after apply, such a reference left
 *                             unresolved (no resolver), or anything computed from a secret and
 *                             an unknown. dp_value_contains_unknown and
 *                             dp_value_contains_secret are both true for it.
 *
 * Numbers parsed from the template keep their source text in cJSON's valuestring so that a
 * String-typed property written as `EngineVersion: 8.0` stays "8.0" (dp_value_number_text).
 *
 * Ownership: every function returning cJSON * returns a new tree owned by the caller
 * (cJSON_Delete); arguments are borrowed unless stated. */
#ifndef DP_TPL_VALUE_H
#define DP_TPL_VALUE_H
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"
#include "drivers/base/jsonutil.h"

#define DP_MARK_SECRET "dp:secret"
#define DP_MARK_UNKNOWN "dp:unknown"

/* Wraps inner (ownership taken; NULL -> NULL) in a secret marker; a value that already is a
 * secret or unknown is returned unchanged. */
cJSON *dp_value_secret(cJSON *inner);
cJSON *dp_value_unknown(const char *what);
/* Like dp_value_secret, but an unknown marker is wrapped too (the secret unknown above). */
cJSON *dp_value_secret_any(cJSON *inner);
bool dp_value_is_secret(const cJSON *v);
bool dp_value_is_unknown(const cJSON *v);
/* The wrapped value / the unknown's name; NULL when v is not that marker. Borrowed. */
const cJSON *dp_value_secret_inner(const cJSON *v);
const char *dp_value_unknown_name(const cJSON *v);
/* Deep searches. dp_value_find_unknown returns the first unknown marker (borrowed) or NULL. */
bool dp_value_contains_unknown(const cJSON *v);
const cJSON *dp_value_find_unknown(const cJSON *v);
bool dp_value_contains_secret(const cJSON *v);

/* A copy with every secret marker replaced by its value, for a driver. Fails (NULL, e filled)
 * when an unknown marker remains: the caller asked too early. */
cJSON *dp_value_strip(const cJSON *v, dp_err *e);
/* A printable copy: secrets become {"dp:secret":"***"}, unknowns stay (a secret unknown
 * stays {"dp:secret":{"dp:unknown":…}}: the name of what is unknown is no secret). */
cJSON *dp_value_redact(const cJSON *v);

/* A number that remembers how it was written (text may be NULL). */
cJSON *dp_value_number(double d, const char *text);
/* The source text of a number, or NULL when it has none. Borrowed. */
const char *dp_value_number_text(const cJSON *v);
/* CloudFormation's scalar-to-string conversion (string as is, number as written, true/false).
 * Returns -1 for null, lists, mappings and markers. */
int dp_value_scalar_string(const cJSON *v, dp_buf *out);

#endif
