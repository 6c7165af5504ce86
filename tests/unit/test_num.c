/* test_num.c - doubles from documents to integers without undefined behaviour (num.h): the
 * values a damaged state or lock record can hold (found by fuzzing: "pid": 41e308242). */
#include <math.h>

#include "check.h"
#include "drivers/base/num.h"

int main(void)
{
    long long v = 0;
    CHECK(dp_double_to_ll(42.0, &v) && v == 42);
    CHECK(dp_double_to_ll(-7.9, &v) && v == -7);
    CHECK(dp_double_to_ll(9007199254740992.0, &v) && v == 9007199254740992LL);
    CHECK(!dp_double_to_ll(9223372036854775808.0, &v)); /* 2^63 */
    CHECK(dp_double_to_ll(-9223372036854775808.0, &v) && v == (-9223372036854775807LL - 1));
    CHECK(!dp_double_to_ll(1e308, &v));
    CHECK(!dp_double_to_ll(-1e308, &v));
    CHECK(!dp_double_to_ll(INFINITY, &v));
    CHECK(!dp_double_to_ll(NAN, &v));
    CHECK_INT((int)dp_double_to_ll_or(1e300, -1), -1);
    CHECK_INT((int)dp_double_to_ll_or(12.5, -1), 12);
    CHECK(dp_double_is_integer(3.0));
    CHECK(!dp_double_is_integer(3.5));
    CHECK(!dp_double_is_integer(1e300));
    CHECK(!dp_double_is_integer(NAN));
    CHECK_DONE();
}
