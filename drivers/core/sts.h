/* sts.h - the two STS calls the core needs: GetCallerIdentity (whoami) and AssumeRole
 * (profiles with role_arn). Ownership: strings in dp_identity are owned (dp_identity_cleanup). */
#ifndef DP_STS_H
#define DP_STS_H
#include "drivers/core/client.h"
#include "drivers/core/creds/creds.h"

typedef struct dp_identity {
    char *account; /* owned */
    char *arn;     /* owned */
    char *user_id; /* owned */
} dp_identity;

int dp_sts_get_caller_identity(dp_client *c, dp_identity *out, dp_err *e);
void dp_identity_cleanup(dp_identity *id);
/* AssumeRole signed with `source` (not the client's chain); fills out with the temporary
 * credentials and their expiration. c is a dp_client* (void* to fit the chain's callback). */
int dp_sts_assume_role(void *c, const dp_creds *source, const char *role_arn, const char *session_name,
                       const char *external_id, int duration_seconds, dp_creds *out, dp_err *e);

#endif
