/* duration.c - parsing and printing time spans such as "1h30m" (see duration.h). */
#include "drivers/base/duration.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    long long ms;
} units[] = {{"d", 86400000LL}, {"h", 3600000LL}, {"ms", 1}, {"m", 60000LL}, {"s", 1000}};

int dp_duration_parse(const char *s, long long *ms)
{
    if (!s || !*s)
        return -1;
    size_t digits = strspn(s, "0123456789");
    long long total = 0, last = LLONG_MAX; /* the previous unit: the next must be smaller */
    const char *p = s;
    while (*p) {
        if (!isdigit((unsigned char)*p))
            return -1;
        long long v = 0;
        while (isdigit((unsigned char)*p)) {
            if (v > (LLONG_MAX - 9) / 10)
                return -1;
            v = v * 10 + (*p++ - '0');
        }
        long long unit = 0;
        if (!s[digits]) { /* a bare number: seconds */
            unit = 1000;
        } else {
            /* "ms" is listed before "m" so that "500ms" is not read as 500 minutes + "s" */
            for (size_t k = 0; k < sizeof units / sizeof units[0] && !unit; k++) {
                size_t n = strlen(units[k].name);
                if (!strncmp(p, units[k].name, n)) {
                    unit = units[k].ms;
                    p += n;
                }
            }
            if (!unit || unit >= last)
                return -1;
            last = unit;
        }
        if (v > (LLONG_MAX - total) / unit)
            return -1;
        total += v * unit;
    }
    *ms = total;
    return 0;
}

void dp_duration_format(long long ms, char *out, size_t n)
{
    long long s = ms < 0 ? 0 : ms / 1000;
    if (s < 60)
        snprintf(out, n, "%llds", s);
    else if (s < 3600)
        snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf(out, n, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
}
