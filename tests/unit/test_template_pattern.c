/* test_template_pattern.c - ECMA patterns (AllowedPattern, schema patterns) checked through
 * POSIX ERE: what translates and matches, what is reported as not checkable (-1), and patterns
 * that would make regcomp's automaton explode (found by fuzzing: "a+++…" doubles it per '+'). */
#include <string.h>

#include "check.h"
#include "templates/tpl_internal.h"

int main(void)
{
    /* ordinary patterns */
    CHECK_INT(dp_pattern_match("^[a-z]+$", "abc", false), 1);
    CHECK_INT(dp_pattern_match("^[a-z]+$", "ABC", false), 0);
    CHECK_INT(dp_pattern_match("[a-zA-Z0-9]{1,255}", "Lab01", true), 1);
    CHECK_INT(dp_pattern_match("a{2}", "aa", true), 1);
    CHECK_INT(dp_pattern_match("a{2}", "aaa", true), 0);
    CHECK_INT(dp_pattern_match("x{2,}", "xxxx", true), 1);
    CHECK_INT(dp_pattern_match("(ab|cd)+", "abcdab", true), 1);
    CHECK_INT(dp_pattern_match("\\d+\\.\\d+", "15.4", true), 1);
    CHECK_INT(dp_pattern_match("((a+)+)+", "aaa", true), 1);
    CHECK_INT(dp_pattern_match("[\\w-]+", "my-db_1", true), 1);

    /* not expressible in POSIX ERE: never guessed */
    CHECK_INT(dp_pattern_match("(?=x)x", "x", true), -1);
    CHECK_INT(dp_pattern_match("a+?", "a", true), -1);
    CHECK_INT(dp_pattern_match("\\bword", "word", true), -1);

    /* ECMA syntax errors: nothing to repeat, a quantifier after a quantifier, unbalanced */
    CHECK_INT(dp_pattern_match("a**", "a", true), -1);
    CHECK_INT(dp_pattern_match("a{2}{3}", "aaaaaa", true), -1);
    CHECK_INT(dp_pattern_match("+a", "a", true), -1);
    CHECK_INT(dp_pattern_match("(a|*)", "a", true), -1);
    CHECK_INT(dp_pattern_match("(ab", "ab", true), -1);
    CHECK_INT(dp_pattern_match("ab)", "ab", true), -1);

    /* automaton bombs: refused quickly instead of compiled */
    char bomb[256];
    memset(bomb, '+', sizeof bomb - 1);
    bomb[0] = 'R';
    bomb[sizeof bomb - 1] = '\0';
    CHECK_INT(dp_pattern_match(bomb, "R", true), -1);
    CHECK_INT(dp_pattern_match("(a{1000}){1000}", "a", true), -1);
    CHECK_INT(dp_pattern_match("(a{999}){30}", "a", true), -1);
    CHECK_INT(dp_pattern_match("a{99999}", "a", true), -1);
    CHECK_INT(dp_pattern_match("a{1001}", "a", true), -1);
    char nested[256], deep[128];
    size_t k = 0;
    for (int i = 0; i < 20; i++)
        nested[k++] = '(';
    nested[k++] = 'a';
    for (int i = 0; i < 20; i++) {
        nested[k++] = ')';
        nested[k++] = '+';
    }
    nested[k] = '\0';
    CHECK_INT(dp_pattern_match(nested, "a", true), -1); /* 2^20 copies */
    k = 0;
    for (int i = 0; i < 40; i++)
        deep[k++] = '(';
    deep[k++] = 'a';
    for (int i = 0; i < 40; i++)
        deep[k++] = ')';
    deep[k] = '\0';
    CHECK_INT(dp_pattern_match(deep, "a", true), -1); /* nesting bound */
    CHECK_DONE();
}
