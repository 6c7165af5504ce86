/* rotate_schedule.h - when a secret's rotation is due (`dmsprov rotate --if-due`).
 *
 * Secrets Manager's RotationRules: AutomaticallyAfterDays N, or ScheduleExpression
 * "rate(N days|hours)" or "cron(min hour day-of-month month day-of-week year)" (UTC, AWS
 * syntax: 6 fields, one of day-of-month / day-of-week is "?", day-of-week 1-7 = SUN-SAT or
 * SUN..SAT, month 1-12 or JAN..DEC, *, lists, ranges and /steps). All times are UTC seconds;
 * the caller passes the clock, so decisions are testable. No allocation. */
#ifndef DP_ROTATE_SCHEDULE_H
#define DP_ROTATE_SCHEDULE_H
#include <stdbool.h>
#include <time.h>

#include "drivers/base/err.h"

typedef struct dp_rot_rules {
    long after_days;          /* AutomaticallyAfterDays, 0 when not set */
    const char *expression;   /* ScheduleExpression or NULL; borrowed */
} dp_rot_rules;

/* Checks the rules' syntax (DP_E_INPUT with a message naming the problem). */
int dp_rot_rules_check(const dp_rot_rules *r, dp_err *e);

/* *due = whether a rotation is due at now, given the last rotation at last (0 = never or
 * unknown: always due). Interval rules: due once now >= last + interval. cron: due when a
 * scheduled minute falls in (last, now]. *next (optional) = the next scheduled time after
 * last (0 when none within the search horizon of 5 years). */
int dp_rot_is_due(const dp_rot_rules *r, time_t last, time_t now, bool *due, time_t *next, dp_err *e);

#endif
