/* num.c - range-checked double to integer conversions (see num.h). */
#include "drivers/base/num.h"

#include <math.h>

/* 2^63 is exactly representable; every double below it fits in a long long. */
#define TWO_63 9223372036854775808.0

bool dp_double_to_ll(double d, long long *out)
{
    if (!isfinite(d) || d >= TWO_63 || d < -TWO_63)
        return false;
    *out = (long long)d;
    return true;
}

long long dp_double_to_ll_or(double d, long long fallback)
{
    long long v;
    return dp_double_to_ll(d, &v) ? v : fallback;
}

bool dp_double_is_integer(double d)
{
    long long v;
    return dp_double_to_ll(d, &v) && (double)v == d;
}
