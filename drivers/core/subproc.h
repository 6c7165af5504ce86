/* subproc.h - running a shell command with a deadline and a cap on what it prints.
 *
 * For helpers whose stdout holds secrets (credential_process): stdout is captured and never
 * echoed, stdin and stderr are the caller's (prompts and diagnostics reach the user). The
 * command runs in its own process group so that a timeout stops everything it started. */
#ifndef DP_SUBPROC_H
#define DP_SUBPROC_H
#include <stddef.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"

enum {
    DP_SUBPROC_DONE = 0,     /* it ended by itself: *status as waitpid() gives it */
    DP_SUBPROC_TIMEOUT = 1,  /* still running after timeout_ms: its group was killed and reaped */
    DP_SUBPROC_TOO_BIG = 2,  /* printed more than max_out bytes: its group was killed and reaped */
};

/* Runs `/bin/sh -c command`, appending its stdout to out (caller-owned; wipe it after use when
 * it holds secrets). Returns a DP_SUBPROC_* value, or -1 when it could not be run or waited for
 * (e set, messages start with what). The child is always reaped before returning. */
int dp_subproc_run(const char *command, const char *what, long timeout_ms, size_t max_out, dp_buf *out,
                   int *status, dp_err *e);

#endif
