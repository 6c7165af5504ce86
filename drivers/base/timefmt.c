/* timefmt.c - UTC timestamps as dmsprov writes them ("2024-05-01T12:00:00Z") and reads them
 * back (AWS's fractional seconds and "+00:00" accepted). */
#define _XOPEN_SOURCE 700 /* strptime */
#include "drivers/base/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int dp_time_parse(const char *s, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!end)
        return -1;
    if (*end == '.') /* fractional seconds (AWS timestamps) */
        while (isdigit((unsigned char)*++end))
            ;
    if (*end == 'Z')
        end++;
    else if (!strcmp(end, "+00:00"))
        end += 6;
    if (*end)
        return -1;
    *out = timegm(&tm);
    return 0;
}

void dp_time_format(time_t t, char *out, size_t n)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, n, "1970-01-01T00:00:00Z");
}
