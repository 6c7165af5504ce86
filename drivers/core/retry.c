/* retry.c - standard retry mode decisions, the retry quota, and clock skew. */
#include "drivers/core/retry.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const throttling_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", NULL};

static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
    "ServiceUnavailable", "ServiceUnavailableException", "IDPCommunicationError", NULL};

static const char *const skew_codes[] = {
    "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
    "SignatureDoesNotMatch", "AuthFailure", NULL};

static bool in_list(const char *code, const char *const *list)
{
    if (!code || !*code)
        return false;
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(code, list[i]))
            return true;
    return false;
}

bool dp_retry_is_throttling_code(const char *code) { return in_list(code, throttling_codes); }

dp_retry_class dp_retry_classify(const dp_err *e)
{
    if (!e)
        return DP_RETRY_NO;
    if (e->kind == DP_E_NETWORK)
        return DP_RETRY_TRANSIENT;
    if (e->kind != DP_E_AWS)
        return DP_RETRY_NO;
    if (e->http_status == 429 || in_list(e->aws_code, throttling_codes))
        return DP_RETRY_THROTTLE;
    if (in_list(e->aws_code, skew_codes))
        return DP_RETRY_CLOCK_SKEW; /* only retried when the Date header shows a real skew */
    if (in_list(e->aws_code, transient_codes))
        return DP_RETRY_TRANSIENT;
    if (e->http_status == 500 || e->http_status == 502 || e->http_status == 503 || e->http_status == 504)
        return DP_RETRY_TRANSIENT;
    return DP_RETRY_NO;
}

double dp_retry_backoff(int attempt, double rand01, double cap)
{
    if (attempt < 1)
        attempt = 1;
    if (rand01 < 0)
        rand01 = 0;
    if (rand01 > 1)
        rand01 = 1;
    double base = attempt > 30 ? cap : ldexp(1.0, attempt - 1);
    return rand01 * (base < cap ? base : cap);
}

void dp_retry_quota_init(dp_retry_quota *q)
{
    pthread_mutex_init(&q->lock, NULL);
    q->tokens = DP_RETRY_QUOTA_INITIAL;
}

void dp_retry_quota_cleanup(dp_retry_quota *q) { pthread_mutex_destroy(&q->lock); }

int dp_retry_quota_acquire(dp_retry_quota *q, bool timeout)
{
    int cost = timeout ? DP_RETRY_TIMEOUT_COST : DP_RETRY_COST;
    pthread_mutex_lock(&q->lock);
    int taken = -1;
    if (q->tokens >= cost) {
        q->tokens -= cost;
        taken = cost;
    }
    pthread_mutex_unlock(&q->lock);
    return taken;
}

void dp_retry_quota_release(dp_retry_quota *q, int taken)
{
    pthread_mutex_lock(&q->lock);
    q->tokens += taken > 0 ? taken : 1;
    if (q->tokens > DP_RETRY_QUOTA_INITIAL)
        q->tokens = DP_RETRY_QUOTA_INITIAL;
    pthread_mutex_unlock(&q->lock);
}

time_t dp_http_date_parse(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char mon[4] = "";
    int day, year, hh, mm, ss;
    if (!s || sscanf(s, "%*3s, %d %3s %d %d:%d:%d", &day, mon, &year, &hh, &mm, &ss) != 6)
        return -1;
    const char *m = strstr(months, mon);
    if (!m || strlen(mon) != 3)
        return -1;
    struct tm tm = {0};
    tm.tm_mday = day;
    tm.tm_mon = (int)(m - months) / 3;
    tm.tm_year = year - 1900;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    return timegm(&tm);
}

long dp_clock_skew(time_t server, time_t local)
{
    if (server < 0)
        return 0;
    long d = (long)(server - local);
    return (d > 240 || d < -240) ? d : 0;
}
