/* test_rotate_schedule.c - --if-due decisions for AutomaticallyAfterDays, rate(…) and cron(…)
 * with a fixed clock. */
#include <string.h>

#include "check.h"
#include "drivers/base/timefmt.h"
#include "provisioner/rotate/rotate_schedule.h"

static time_t T(const char *s)
{
    time_t t = 0;
    if (dp_time_parse(s, &t))
        fprintf(stderr, "bad time %s\n", s);
    return t;
}

/* 1 due, 0 not due, -1 error. */
static int due(long days, const char *expr, const char *last, const char *now)
{
    dp_rot_rules r = {days, expr};
    bool d = false;
    dp_err e;
    dp_err_clear(&e);
    if (dp_rot_is_due(&r, last ? T(last) : 0, T(now), &d, NULL, &e))
        return -1;
    return d ? 1 : 0;
}

static time_t next_of(const char *expr, const char *last)
{
    dp_rot_rules r = {0, expr};
    bool d;
    time_t nx = 0;
    if (dp_rot_is_due(&r, T(last), T(last), &d, &nx, NULL))
        return -1;
    return nx;
}

int main(void)
{
    /* time helpers */
    char buf[32];
    dp_time_format(T("2024-02-29T23:59:59Z"), buf, sizeof buf);
    CHECK_STR(buf, "2024-02-29T23:59:59Z");
    time_t t;
    CHECK_INT(dp_time_parse("2024-05-01T10:00:00.123Z", &t), 0);
    CHECK_INT(t, T("2024-05-01T10:00:00Z"));
    CHECK(dp_time_parse("2024-05-01", &t) != 0);
    CHECK(dp_time_parse("2024-05-01T10:00:00Zjunk", &t) != 0);

    /* AutomaticallyAfterDays */
    CHECK_INT(due(7, NULL, "2024-05-01T10:00:00Z", "2024-05-08T09:59:59Z"), 0);
    CHECK_INT(due(7, NULL, "2024-05-01T10:00:00Z", "2024-05-08T10:00:00Z"), 1);
    CHECK_INT(due(7, NULL, NULL, "2024-05-01T10:00:00Z"), 1); /* never rotated */
    CHECK_INT(due(0, NULL, NULL, "2024-05-01T10:00:00Z"), -1);
    CHECK_INT(due(1001, NULL, NULL, "2024-05-01T10:00:00Z"), -1);
    CHECK_INT(due(7, "rate(7 days)", NULL, "2024-05-01T10:00:00Z"), -1); /* both */

    /* rate(…) */
    CHECK_INT(due(0, "rate(7 days)", "2024-05-01T10:00:00Z", "2024-05-07T23:00:00Z"), 0);
    CHECK_INT(due(0, "rate(7 days)", "2024-05-01T10:00:00Z", "2024-05-08T10:00:00Z"), 1);
    CHECK_INT(due(0, "rate(1 day)", "2024-05-01T10:00:00Z", "2024-05-02T09:00:00Z"), 0);
    CHECK_INT(due(0, "rate(4 hours)", "2024-05-01T10:00:00Z", "2024-05-01T13:59:00Z"), 0);
    CHECK_INT(due(0, "rate(4 hours)", "2024-05-01T10:00:00Z", "2024-05-01T14:00:00Z"), 1);
    CHECK_INT(due(0, "rate(7 weeks)", "2024-05-01T10:00:00Z", "2024-05-01T14:00:00Z"), -1);
    CHECK_INT(due(0, "rate(0 days)", "2024-05-01T10:00:00Z", "2024-05-01T14:00:00Z"), -1);
    CHECK_INT(due(0, "rate(7days)", "2024-05-01T10:00:00Z", "2024-05-01T14:00:00Z"), -1);

    /* cron(…): 16:00 UTC on the 1st and 15th */
    const char *c1 = "cron(0 16 1,15 * ? *)";
    CHECK_INT(due(0, c1, "2024-05-01T16:30:00Z", "2024-05-15T15:59:00Z"), 0);
    CHECK_INT(due(0, c1, "2024-05-01T16:30:00Z", "2024-05-15T16:00:00Z"), 1);
    CHECK_INT(due(0, c1, "2024-05-01T15:00:00Z", "2024-05-01T16:00:00Z"), 1);
    CHECK_INT(due(0, c1, "2024-05-01T16:00:00Z", "2024-05-01T16:05:00Z"), 0); /* rotated at the slot */
    CHECK_INT(next_of(c1, "2024-05-15T16:00:00Z"), T("2024-06-01T16:00:00Z"));
    /* every Sunday 03:30 (day-of-week 1 = SUN, names too); 2024-05-05 is a Sunday */
    CHECK_INT(next_of("cron(30 3 ? * 1 *)", "2024-05-01T00:00:00Z"), T("2024-05-05T03:30:00Z"));
    CHECK_INT(next_of("cron(30 3 ? * SUN *)", "2024-05-05T03:30:00Z"), T("2024-05-12T03:30:00Z"));
    CHECK_INT(next_of("cron(0 8 ? * MON-FRI *)", "2024-05-03T09:00:00Z"), T("2024-05-06T08:00:00Z"));
    /* steps, month names, years */
    CHECK_INT(next_of("cron(0/15 * * * ? *)", "2024-05-01T10:16:00Z"), T("2024-05-01T10:30:00Z"));
    CHECK_INT(next_of("cron(0 0 1 JAN ? 2026)", "2024-05-01T00:00:00Z"), T("2026-01-01T00:00:00Z"));
    CHECK_INT(next_of("cron(0 0 29 2 ? *)", "2024-03-01T00:00:00Z"), T("2028-02-29T00:00:00Z"));
    CHECK_INT(next_of("cron(0 0 1 1 ? 2020)", "2024-03-01T00:00:00Z"), 0); /* past: never */
    CHECK_INT(due(0, "cron(0 0 1 1 ? 2020)", "2024-03-01T00:00:00Z", "2030-01-01T00:00:00Z"), 0);
    /* a week-long gap without cron slots is not due; a slot in between is */
    CHECK_INT(due(0, "cron(0 12 ? * WED *)", "2024-05-01T12:00:00Z", "2024-05-08T11:59:00Z"), 0);
    CHECK_INT(due(0, "cron(0 12 ? * WED *)", "2024-05-01T12:00:00Z", "2024-05-20T00:00:00Z"), 1);
    /* never rotated: due at once */
    CHECK_INT(due(0, c1, NULL, "2024-05-02T00:00:00Z"), 1);

    /* syntax errors name the problem */
    dp_err e;
    dp_err_clear(&e);
    dp_rot_rules bad = {0, "cron(0 16 1 * * *)"};
    CHECK(dp_rot_rules_check(&bad, &e) != 0);
    CHECK(strstr(e.message, "must be \"?\"") != NULL);
    dp_rot_rules bad2 = {0, "cron(0 25 ? * * *)"};
    CHECK(dp_rot_rules_check(&bad2, &e) != 0);
    CHECK(strstr(e.message, "hours") != NULL);
    dp_rot_rules bad3 = {0, "cron(0 1 ? * 2#1 *)"};
    CHECK(dp_rot_rules_check(&bad3, &e) != 0);
    dp_rot_rules bad4 = {0, "cron(0 1 * *)"};
    CHECK(dp_rot_rules_check(&bad4, &e) != 0);
    dp_rot_rules bad5 = {0, "at(2024-01-01)"};
    CHECK(dp_rot_rules_check(&bad5, &e) != 0);
    dp_rot_rules ok = {0, "cron(0 16 1,15 * ? *)"};
    CHECK_INT(dp_rot_rules_check(&ok, &e), 0);
    CHECK_DONE();
}
