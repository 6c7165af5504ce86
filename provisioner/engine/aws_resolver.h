/* aws_resolver.h - the dynamic-reference resolver (templates/resolver.h) backed by SSM and
 * Secrets Manager through the drivers. Owned by the engine; templates never see AWS. */
#ifndef DP_AWS_RESOLVER_H
#define DP_AWS_RESOLVER_H
#include "drivers/base/err.h"
#include "provisioner/session/session.h"
#include "templates/resolver.h"

/* Fills *out with a resolver talking to AWS as configured by g. Returns 0 or -1 (e filled).
 * Release with dp_aws_resolver_close(out). */
int dp_aws_resolver_open(const dp_globals *g, dp_resolver *out, dp_err *e);
void dp_aws_resolver_close(dp_resolver *r);

#endif
