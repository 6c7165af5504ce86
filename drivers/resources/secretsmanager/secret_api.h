/* secret_api.h - Secrets Manager calls shared by the secret and rotation schedule drivers.
 *
 * Ownership: *out documents are owned by the caller (cJSON_Delete); inputs are borrowed. */
#ifndef DP_SECRET_API_H
#define DP_SECRET_API_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "drivers/core/client.h"

/* DescribeSecret. A missing secret fails with e->kind DP_E_NOT_FOUND; so does one scheduled
 * for deletion unless include_deleted (then the caller checks "DeletedDate"). */
int dp_secret_describe(dp_client *c, const char *secret_id, bool include_deleted, cJSON **out, dp_err *e);
/* Whether a DescribeSecret / ListSecrets entry is scheduled for deletion (DeletedDate set;
 * some implementations send it as null). */
bool dp_secret_deleted(const cJSON *secret);
/* A ClientRequestToken (32-64 characters): derived from seed (stable across retries) or,
 * with seed NULL, random. out needs 65 bytes. */
int dp_secret_token(const char *seed, char *out, size_t n, dp_err *e);
/* TagResource / UntagResource; empty arrays are no-ops. */
int dp_secret_tag(dp_client *c, const char *secret_id, const cJSON *tags, dp_err *e);
int dp_secret_untag(dp_client *c, const char *secret_id, const cJSON *keys, dp_err *e);

/* Rotation schedules are recorded on the secret as tags (see rotation_schedule.c). Secrets
 * Manager tag values allow letters, digits, spaces and _ . : / = + - @ only, so a value with
 * other characters ("rate(7 days)", "cron(0 4 * * ? *)") is stored as "b64:" + base64. */
#define DP_ROTATION_TAG_PREFIX "dmsprov:rotation-"
/* Encodes value for a tag into out (n bytes); -1 when it does not fit. */
int dp_rotation_tag_encode(const char *value, char *out, size_t n);
/* Decodes a tag value written by dp_rotation_tag_encode into out; -1 when malformed. */
int dp_rotation_tag_decode(const char *tag, char *out, size_t n);

#endif
