/* resolver.h - how templates reach SSM and Secrets Manager without knowing AWS.
 *
 * The engine fills a dp_resolver with functions implemented by the drivers. Values returned
 * through *value are owned by the caller (free()). A NULL function means "cannot resolve here". */
#ifndef DP_TEMPLATE_RESOLVER_H
#define DP_TEMPLATE_RESOLVER_H
#include <stdbool.h>

#include "drivers/base/err.h"

typedef struct dp_resolver {
    void *ctx;
    /* SSM GetParameter; version 0 = latest; decrypt for SecureString. */
    int (*ssm_get)(void *ctx, const char *name, long version, bool decrypt, char **value, dp_err *e);
    /* Secrets Manager GetSecretValue SecretString; stage/version_id may be NULL (stage then
     * defaults to AWSCURRENT: always passed explicitly to AWS). */
    int (*secret_get)(void *ctx, const char *secret_id, const char *stage, const char *version_id,
                      char **value, dp_err *e);
} dp_resolver;

#endif
