/* check.h - the assertions every unit test uses: CHECK(cond), CHECK_STR(a, b), CHECK_INT(a, b).
 * A failing check prints file:line and the values, and makes the test exit 1 at its end. */
#ifndef DP_CHECK_H
#define DP_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                               \
    do {                                                                          \
        check_count++;                                                            \
        if (!(cond)) {                                                            \
            check_failures++;                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                         \
    } while (0)

#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *a_ = (a), *b_ = (b);                                                     \
        check_count++;                                                                       \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                                  \
            check_failures++;                                                                \
            fprintf(stderr, "%s:%d: %s != %s\n  got:      \"%s\"\n  expected: \"%s\"\n",      \
                    __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
        }                                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                                      \
    do {                                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                                  \
        check_count++;                                                                       \
        if (a_ != b_) {                                                                      \
            check_failures++;                                                                \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
        }                                                                                    \
    } while (0)

#define CHECK_DONE()                                                                          \
    do {                                                                                      \
        fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);               \
        return check_failures ? 1 : 0;                                                        \
    } while (0)

#endif
