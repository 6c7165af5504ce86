/* pattern.c - checking values against the ECMA regular expressions of schemas and
 * AllowedPattern, through POSIX ERE. Patterns POSIX cannot express faithfully (lookarounds,
 * lazy quantifiers, \b, backreferences, ...) are reported as not checkable rather than
 * guessed, so a pattern never produces a false error. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "templates/tpl_internal.h"

/* ECMA -> POSIX ERE; -1 when not translatable. */
static int translate(const char *p, dp_buf *out)
{
    bool in_bracket = false;
    for (; *p; p++) {
        char c = *p;
        if (c == '\\') {
            char e = *++p;
            if (!e)
                return -1;
            const char *cls = NULL, *neg = NULL;
            switch (e) {
            case 'd': cls = "0-9"; break;
            case 'w': cls = "A-Za-z0-9_"; break;
            case 's': cls = "[:space:]"; break;
            case 'D': neg = "0-9"; break;
            case 'W': neg = "A-Za-z0-9_"; break;
            case 'S': neg = "[:space:]"; break;
            default: break;
            }
            if (cls || neg) {
                if (in_bracket) {
                    if (neg)
                        return -1;
                    dp_buf_puts(out, cls);
                } else {
                    dp_buf_printf(out, "[%s%s]", neg ? "^" : "", cls ? cls : neg);
                }
                continue;
            }
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
                return -1; /* \b, \n, \u…, backreferences: not expressible here */
            if (in_bracket) {
                /* POSIX brackets have no escapes: ']' '^' '-' '[' would change meaning. */
                if (e == ']' || e == '^' || e == '-' || e == '[')
                    return -1;
                dp_buf_putc(out, e);
            } else {
                dp_buf_putc(out, '\\');
                dp_buf_putc(out, e);
            }
            continue;
        }
        if (in_bracket) {
            if (c == ']')
                in_bracket = false;
            if (c == '[' && p[1] == ':')
                return -1;
            dp_buf_putc(out, c);
            continue;
        }
        if (c == '[') {
            in_bracket = true;
            dp_buf_putc(out, c);
            if (p[1] == '^')
                dp_buf_putc(out, *++p);
            if (p[1] == ']')
                return -1;
            continue;
        }
        if (c == '(' && p[1] == '?')
            return -1;
        if ((c == '*' || c == '+' || c == '?' || c == '}') && p[1] == '?')
            return -1;
        dp_buf_putc(out, c);
    }
    return in_bracket ? -1 : 0;
}

int dp_pattern_match(const char *pattern, const char *s, bool full)
{
    dp_buf b;
    dp_buf_init(&b, 64 * 1024);
    if (full)
        dp_buf_puts(&b, "^(");
    if (translate(pattern, &b)) {
        dp_buf_cleanup(&b);
        return -1;
    }
    if (full)
        dp_buf_puts(&b, ")$");
    regex_t re;
    if (regcomp(&re, dp_buf_str(&b), REG_EXTENDED | REG_NOSUB)) {
        dp_buf_cleanup(&b);
        return -1;
    }
    dp_buf_cleanup(&b);
    int rc = regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    return rc == 0 ? 1 : (rc == REG_NOMATCH ? 0 : -1);
}
