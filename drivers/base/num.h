/* num.h - doubles read from documents (JSON numbers in state, plans, secrets, AWS answers)
 * turned into integers without undefined behaviour: a cast of NaN, an infinity or a value out
 * of range is undefined in C, and such numbers can come from any file a user hands us. */
#ifndef DP_NUM_H
#define DP_NUM_H
#include <stdbool.h>

/* True with *out = d truncated toward zero when d is finite and within long long's range. */
bool dp_double_to_ll(double d, long long *out);
/* The same value, or fallback when it does not fit. */
long long dp_double_to_ll_or(double d, long long fallback);
/* True when d is finite, within long long's range and has no fractional part. */
bool dp_double_is_integer(double d);

#endif
