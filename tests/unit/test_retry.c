/* test_retry.c - standard retry mode: classification, backoff, quota, clock skew. */
#include <stdio.h>

#include "check.h"
#include "drivers/core/retry.h"

static dp_err aws(long status, const char *code)
{
    dp_err e = {0};
    e.kind = DP_E_AWS;
    e.http_status = status;
    snprintf(e.aws_code, sizeof e.aws_code, "%s", code);
    return e;
}

int main(void)
{
    const char *throttles[] = {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                               "TooManyRequestsException", "SlowDown"};
    for (size_t i = 0; i < sizeof throttles / sizeof throttles[0]; i++) {
        dp_err e = aws(400, throttles[i]);
        CHECK_INT(dp_retry_classify(&e), DP_RETRY_THROTTLE);
    }
    dp_err e = aws(429, "");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_THROTTLE);
    e = aws(500, "InternalFailure");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_TRANSIENT);
    e = aws(503, "Whatever");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_TRANSIENT);
    e = aws(504, "");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_TRANSIENT);
    e = aws(400, "ResourceNotFoundFault");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_NO);
    e = aws(400, "ValidationException");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_NO);
    e = aws(403, "RequestTimeTooSkewed");
    CHECK_INT(dp_retry_classify(&e), DP_RETRY_CLOCK_SKEW);
    dp_err net = {0};
    net.kind = DP_E_NETWORK;
    CHECK_INT(dp_retry_classify(&net), DP_RETRY_TRANSIENT);
    dp_err input = {0};
    input.kind = DP_E_INPUT;
    CHECK_INT(dp_retry_classify(&input), DP_RETRY_NO);

    /* Full jitter: rand * min(2^(n-1), cap). */
    CHECK(dp_retry_backoff(1, 1.0, 20) == 1.0);
    CHECK(dp_retry_backoff(2, 1.0, 20) == 2.0);
    CHECK(dp_retry_backoff(3, 0.5, 20) == 2.0);
    CHECK(dp_retry_backoff(10, 1.0, 20) == 20.0);
    CHECK(dp_retry_backoff(100, 1.0, 20) == 20.0);
    CHECK(dp_retry_backoff(4, 0.0, 20) == 0.0);

    /* Quota: 500 tokens, 5 per retry, 10 per timeout retry; success gives back. */
    dp_retry_quota q;
    dp_retry_quota_init(&q);
    int n = 0;
    while (dp_retry_quota_acquire(&q, false) > 0)
        n++;
    CHECK_INT(n, 100);
    CHECK_INT(dp_retry_quota_acquire(&q, true), -1);
    dp_retry_quota_release(&q, 5);
    dp_retry_quota_release(&q, 5);
    CHECK_INT(dp_retry_quota_acquire(&q, true), 10);
    CHECK_INT(dp_retry_quota_acquire(&q, false), -1);
    dp_retry_quota_release(&q, 0); /* a success without retry gives one token */
    CHECK_INT(q.tokens, 1);
    dp_retry_quota_cleanup(&q);

    time_t t = dp_http_date_parse("Sun, 22 Nov 2026 02:42:34 GMT");
    CHECK_INT(t, 1795315354);
    CHECK_INT(dp_http_date_parse("garbage"), -1);
    CHECK_INT(dp_clock_skew(t, t - 60), 0);
    CHECK_INT(dp_clock_skew(t, t - 600), 600);
    CHECK_INT(dp_clock_skew(t, t + 3600), -3600);
    CHECK_INT(dp_clock_skew(-1, t), 0);
    CHECK_DONE();
}
