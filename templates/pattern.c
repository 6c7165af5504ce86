/* pattern.c - checking values against the ECMA regular expressions of schemas and
 * AllowedPattern, through POSIX ERE. Patterns POSIX cannot express faithfully (lookarounds,
 * lazy quantifiers, \b, backreferences, ...) are reported as not checkable rather than
 * guessed, so a pattern never produces a false error. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "templates/tpl_internal.h"

/* glibc's regcomp copies the repeated atom for every '+' and counted repetition, so nested
 * quantifiers grow its automaton multiplicatively ("a+++…" doubles per '+'): patterns whose
 * estimated size passes this bound are reported as not checkable instead of compiled. */
#define MAX_PATTERN_SIZE 20000
#define MAX_REPEAT 1000
#define MAX_GROUP_DEPTH 32

/* Size estimate of the pattern so far: per open group, its size and the last atom's. */
typedef struct shape {
    long size[MAX_GROUP_DEPTH + 1];
    int depth;
    long last_atom;  /* size of the atom a quantifier would apply to; 0 = nothing to repeat */
    bool after_quantifier;
} shape;

static int atom(shape *sh, long n)
{
    sh->last_atom = n;
    sh->after_quantifier = false;
    sh->size[sh->depth] += n;
    return sh->size[sh->depth] > MAX_PATTERN_SIZE ? -1 : 0;
}

/* A quantifier that repeats the last atom up to `copies` times in glibc's automaton. ECMA
 * refuses a quantifier with nothing to repeat or right after another one ("a**", "a{2}{3}"). */
static int quantifier(shape *sh, long copies)
{
    if (!sh->last_atom || sh->after_quantifier)
        return -1;
    sh->size[sh->depth] += sh->last_atom * (copies - 1);
    sh->after_quantifier = true;
    return sh->size[sh->depth] > MAX_PATTERN_SIZE ? -1 : 0;
}

/* "{n}", "{n,}" or "{n,m}" at p: its length and copies; 0 when p is not a counted quantifier. */
static size_t counted(const char *p, long *copies)
{
    const char *q = p + 1;
    long n = 0, m = -1;
    if (*q < '0' || *q > '9')
        return 0;
    for (; *q >= '0' && *q <= '9'; q++) /* every digit read; the value saturates */
        n = n > MAX_REPEAT ? n : n * 10 + (*q - '0');
    if (*q == ',') {
        q++;
        if (*q >= '0' && *q <= '9') {
            m = 0;
            for (; *q >= '0' && *q <= '9'; q++)
                m = m > MAX_REPEAT ? m : m * 10 + (*q - '0');
        } else {
            m = n + 1; /* {n,} is n copies then a star */
        }
    }
    if (*q != '}')
        return 0;
    *copies = m > n ? m : n;
    if (*copies < 1)
        *copies = 1;
    return (size_t)(q - p + 1);
}

/* ECMA -> POSIX ERE; -1 when not translatable (or too costly to compile). */
static int translate(const char *p, dp_buf *out)
{
    bool in_bracket = false;
    shape sh = {.depth = 0};
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
                    if (atom(&sh, 1))
                        return -1;
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
                if (atom(&sh, 1))
                    return -1;
            }
            continue;
        }
        if (in_bracket) {
            if (c == ']') {
                in_bracket = false;
                if (atom(&sh, 1))
                    return -1;
            }
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
        long copies = 0;
        size_t qlen = c == '{' ? counted(p, &copies) : 0;
        if (copies > MAX_REPEAT)
            return -1;
        int rc = 0;
        if (c == '(') {
            if (++sh.depth > MAX_GROUP_DEPTH)
                return -1;
            sh.size[sh.depth] = 0;
            sh.last_atom = 0;
            sh.after_quantifier = false;
        } else if (c == ')') {
            if (sh.depth == 0)
                return -1;
            long inner = sh.size[sh.depth--];
            rc = atom(&sh, inner ? inner : 1);
        } else if (c == '|') {
            sh.last_atom = 0;
            sh.after_quantifier = false;
        } else if (c == '*' || c == '?') {
            rc = quantifier(&sh, 1);
        } else if (c == '+') {
            rc = quantifier(&sh, 2);
        } else if (qlen) {
            rc = quantifier(&sh, copies);
            dp_buf_append(out, p, qlen);
            p += qlen - 1;
            if (rc)
                return -1;
            continue;
        } else if (c == '^' || c == '$') {
            sh.last_atom = 0;
            sh.after_quantifier = false;
        } else {
            rc = atom(&sh, 1);
        }
        if (rc)
            return -1;
        dp_buf_putc(out, c);
    }
    return in_bracket || sh.depth ? -1 : 0;
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
