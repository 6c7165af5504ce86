/* retry.h - the AWS "standard" retry mode: which failures to retry, how long to wait, and the
 * retry quota that stops retry storms; plus clock-skew detection.
 *
 * Pure functions (randomness and time are arguments), except the quota, which is a small
 * mutex-protected counter shared by all calls of one client.
 * Ownership: nothing is allocated; a dp_retry_quota owns only its mutex (init/cleanup). */
#ifndef DP_RETRY_H
#define DP_RETRY_H
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "drivers/base/err.h"

#define DP_RETRY_DEFAULT_ATTEMPTS 3
#define DP_RETRY_MAX_BACKOFF 20.0
#define DP_RETRY_QUOTA_INITIAL 500
#define DP_RETRY_COST 5
#define DP_RETRY_TIMEOUT_COST 10

typedef enum dp_retry_class {
    DP_RETRY_NO = 0,
    DP_RETRY_THROTTLE,  /* throttling codes, HTTP 429 */
    DP_RETRY_TRANSIENT, /* 5xx, connection failures, timeouts */
    DP_RETRY_CLOCK_SKEW /* signature rejected because our clock is off */
} dp_retry_class;

/* Classifies a failed attempt: e as filled by the transport / protocol layer. */
dp_retry_class dp_retry_classify(const dp_err *e);
bool dp_retry_is_throttling_code(const char *code);
/* Full-jitter backoff before retry number `attempt` (1 = first retry), seconds:
 * rand01 * min(2^(attempt-1), cap). */
double dp_retry_backoff(int attempt, double rand01, double cap);

typedef struct dp_retry_quota {
    pthread_mutex_t lock;
    int tokens;
} dp_retry_quota;

void dp_retry_quota_init(dp_retry_quota *q);
void dp_retry_quota_cleanup(dp_retry_quota *q);
/* Takes the cost of one retry (more for timeouts); returns the cost taken, or -1 when the
 * quota is exhausted (do not retry). */
int dp_retry_quota_acquire(dp_retry_quota *q, bool timeout);
/* After a success: gives back what the retry took, or 1 token when there was no retry. */
void dp_retry_quota_release(dp_retry_quota *q, int taken);

/* Parses an HTTP Date header (RFC 1123) into a time_t; -1 on failure. */
time_t dp_http_date_parse(const char *s);
/* The skew (server - local, seconds) worth correcting (over 4 minutes), else 0. */
long dp_clock_skew(time_t server, time_t local);

#endif
