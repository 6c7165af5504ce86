/* rotate_schedule.c - --if-due decisions for AutomaticallyAfterDays, rate(…) and cron(…). */
#define _XOPEN_SOURCE 700 /* strptime */
#include "provisioner/rotate/rotate_schedule.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DAY 86400L
#define YEAR_MIN 1970
#define YEAR_MAX 2199
#define HORIZON_DAYS (5 * 366)

typedef struct cron_spec {
    bool min[60], hour[24], dom[32], mon[13], dow[8], year[YEAR_MAX - YEAR_MIN + 1];
    bool dom_q, dow_q; /* "?": this field does not constrain */
} cron_spec;

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

/* A number or (for months/days) a three-letter name; -1 when neither. */
static long field_value(const char *s, size_t len, int lo, const char *const *names)
{
    if (names && len == 3)
        for (int i = 0; names[i]; i++)
            if (!strncasecmp(s, names[i], 3))
                return lo + i;
    if (!len || len > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* One comma-separated item: "*", "a", "a-b", with an optional "/step". */
static int parse_item(const char *item, int lo, int hi, const char *const *names, bool *set, int base,
                      const char *what, dp_err *e)
{
    const char *slash = strchr(item, '/');
    size_t base_len = slash ? (size_t)(slash - item) : strlen(item);
    long a, b, step = 1;
    if (slash) {
        step = field_value(slash + 1, strlen(slash + 1), 0, NULL);
        if (step < 1) {
            dp_err_set(e, DP_E_INPUT, "cron %s: bad step in \"%s\"", what, item);
            return -1;
        }
    }
    if (base_len == 1 && item[0] == '*') {
        a = lo;
        b = hi;
    } else {
        const char *dash = memchr(item, '-', base_len);
        if (dash) {
            a = field_value(item, (size_t)(dash - item), lo, names);
            b = field_value(dash + 1, base_len - (size_t)(dash - item) - 1, lo, names);
        } else {
            a = field_value(item, base_len, lo, names);
            b = slash ? hi : a;
        }
    }
    if (a < lo || b > hi || a > b) {
        dp_err_set(e, DP_E_INPUT, "cron %s: \"%s\" is not within %d-%d", what, item, lo, hi);
        return -1;
    }
    for (long v = a; v <= b; v += step)
        set[v - base] = true;
    return 0;
}

/* AWS's L (last), W (weekday) and # (nth weekday), which dmsprov does not evaluate; names
 * such as WED or JUL contain the same letters, so only their special forms are caught. */
static bool unsupported(const char *text)
{
    if (strchr(text, '#') || !strcmp(text, "L") || !strcmp(text, "LW"))
        return true;
    for (const char *p = text; *p; p++)
        if ((*p == 'L' || *p == 'W') && p > text && isdigit((unsigned char)p[-1]))
            return true;
    return false;
}

/* set[v - base] is marked for each value v the field allows. */
static int parse_field(const char *text, int lo, int hi, const char *const *names, bool *set, int base,
                       bool *question, const char *what, dp_err *e)
{
    if (!strcmp(text, "?")) {
        if (!question) {
            dp_err_set(e, DP_E_INPUT, "cron %s: \"?\" is only allowed for day-of-month or day-of-week", what);
            return -1;
        }
        *question = true;
        return 0;
    }
    if (unsupported(text)) {
        dp_err_set(e, DP_E_INPUT, "cron %s: \"%s\": L, W and # are not supported by dmsprov", what, text);
        return -1;
    }
    char copy[128];
    if (strlen(text) >= sizeof copy) {
        dp_err_set(e, DP_E_INPUT, "cron %s: field too long", what);
        return -1;
    }
    snprintf(copy, sizeof copy, "%s", text);
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
        if (parse_item(item, lo, hi, names, set, base, what, e))
            return -1;
    return 0;
}

/* "cron(…)" body into spec. */
static int parse_cron(const char *expr, cron_spec *spec, dp_err *e)
{
    memset(spec, 0, sizeof *spec);
    size_t n = strlen(expr);
    if (n < 7 || strncmp(expr, "cron(", 5) || expr[n - 1] != ')') {
        dp_err_set(e, DP_E_INPUT, "schedule expression \"%s\" is not cron(…)", expr);
        return -1;
    }
    char body[256], *fields[7], *save = NULL;
    if (n - 6 >= sizeof body) {
        dp_err_set(e, DP_E_INPUT, "schedule expression too long");
        return -1;
    }
    snprintf(body, sizeof body, "%.*s", (int)(n - 6), expr + 5);
    int nf = 0;
    for (char *f = strtok_r(body, " \t", &save); f; f = strtok_r(NULL, " \t", &save)) {
        if (nf == 7)
            break;
        fields[nf++] = f;
    }
    if (nf != 6) {
        dp_err_set(e, DP_E_INPUT,
                   "schedule expression \"%s\" needs 6 fields (minutes hours day-of-month month day-of-week year)",
                   expr);
        return -1;
    }
    if (parse_field(fields[0], 0, 59, NULL, spec->min, 0, NULL, "minutes", e) ||
        parse_field(fields[1], 0, 23, NULL, spec->hour, 0, NULL, "hours", e) ||
        parse_field(fields[2], 1, 31, NULL, spec->dom, 0, &spec->dom_q, "day-of-month", e) ||
        parse_field(fields[3], 1, 12, month_names, spec->mon, 0, NULL, "month", e) ||
        parse_field(fields[4], 1, 7, day_names, spec->dow, 0, &spec->dow_q, "day-of-week", e) ||
        parse_field(fields[5], YEAR_MIN, YEAR_MAX, NULL, spec->year, YEAR_MIN, NULL, "year", e))
        return -1;
    if (spec->dom_q == spec->dow_q) {
        dp_err_set(e, DP_E_INPUT, "schedule expression \"%s\": exactly one of day-of-month and day-of-week must be \"?\"",
                   expr);
        return -1;
    }
    return 0;
}

/* "rate(N days)" / "rate(N hours)" as seconds. */
static int parse_rate(const char *expr, long *seconds, dp_err *e)
{
    size_t n = strlen(expr);
    if (n < 8 || strncmp(expr, "rate(", 5) || expr[n - 1] != ')')
        goto bad;
    errno = 0;
    char *end = NULL;
    long v = strtol(expr + 5, &end, 10);
    if (errno || v < 1 || v > 1000 || *end != ' ')
        goto bad;
    while (*end == ' ')
        end++;
    size_t ulen = (size_t)(expr + n - 1 - end);
    if ((ulen == 3 && !strncmp(end, "day", 3)) || (ulen == 4 && !strncmp(end, "days", 4)))
        *seconds = v * DAY;
    else if ((ulen == 4 && !strncmp(end, "hour", 4)) || (ulen == 5 && !strncmp(end, "hours", 5)))
        *seconds = v * 3600L;
    else
        goto bad;
    return 0;
bad:
    dp_err_set(e, DP_E_INPUT, "schedule expression \"%s\" is not rate(N days) or rate(N hours)", expr);
    return -1;
}

int dp_rot_rules_check(const dp_rot_rules *r, dp_err *e)
{
    if (r->expression && r->after_days) {
        dp_err_set(e, DP_E_INPUT, "RotationRules: give AutomaticallyAfterDays or ScheduleExpression, not both");
        return -1;
    }
    if (r->expression) {
        long s;
        cron_spec spec;
        if (!strncmp(r->expression, "rate(", 5))
            return parse_rate(r->expression, &s, e);
        return parse_cron(r->expression, &spec, e);
    }
    if (r->after_days < 1 || r->after_days > 1000) {
        dp_err_set(e, DP_E_INPUT, "RotationRules: AutomaticallyAfterDays must be 1-1000 (or use ScheduleExpression)");
        return -1;
    }
    return 0;
}

static bool day_matches(const cron_spec *s, const struct tm *tm)
{
    int y = tm->tm_year + 1900;
    if (y < YEAR_MIN || y > YEAR_MAX || !s->year[y - YEAR_MIN] || !s->mon[tm->tm_mon + 1])
        return false;
    return s->dom_q ? s->dow[tm->tm_wday + 1] : s->dom[tm->tm_mday];
}

/* First scheduled minute strictly after last, or 0 beyond the horizon. */
static time_t cron_next(const cron_spec *s, time_t last)
{
    time_t from = last - (last % 60) + 60;
    time_t day = from - (from % DAY);
    for (int d = 0; d < HORIZON_DAYS; d++, day += DAY) {
        struct tm tm;
        if (!gmtime_r(&day, &tm))
            return 0;
        if (!day_matches(s, &tm))
            continue;
        for (int h = 0; h < 24; h++) {
            if (!s->hour[h])
                continue;
            for (int m = 0; m < 60; m++)
                if (s->min[m] && day + h * 3600L + m * 60L >= from)
                    return day + h * 3600L + m * 60L;
        }
    }
    return 0;
}

int dp_rot_is_due(const dp_rot_rules *r, time_t last, time_t now, bool *due, time_t *next, dp_err *e)
{
    if (dp_rot_rules_check(r, e))
        return -1;
    time_t nx;
    if (r->expression && !strncmp(r->expression, "cron(", 5)) {
        cron_spec spec;
        if (parse_cron(r->expression, &spec, e))
            return -1;
        nx = cron_next(&spec, last > 0 ? last : now);
        /* never rotated: due now (the schedule only spaces out later rotations) */
        *due = last <= 0 || (nx && nx <= now);
    } else {
        long interval = r->after_days * DAY;
        if (r->expression && parse_rate(r->expression, &interval, e))
            return -1;
        nx = last > 0 ? last + interval : now;
        *due = last <= 0 || now >= nx;
    }
    if (next)
        *next = nx;
    return 0;
}
