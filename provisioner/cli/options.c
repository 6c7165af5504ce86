/* options.c - the table-driven option parser, its generated help and did-you-mean (options.h). */
#include "provisioner/cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "drivers/base/duration.h"
#include "provisioner/session/report.h"
#include "provisioner/session/session.h"

#define MAX_OPTIONS 64   /* per table; a bigger table is a programming error caught by the tests */
#define HELP_COLUMN 28   /* where help text starts, as in git and Terraform */
#define USAGE_WIDTH 100

static const dp_option *also_suggest;

void dp_opt_suggest_also(const dp_option *table) { also_suggest = table; }

void dp_opt_list_cleanup(dp_opt_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int dp_opt_error(const dp_opt_ctx *ctx, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dp_cli_usage_fail(ctx->cmd->name, "%s", msg);
}

/* ---- did you mean ---- */

size_t dp_opt_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) /* nothing we compare is that long; far apart is the right answer */
        return n > m ? n : m;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *dp_opt_suggest(const char *typed, const char *const *candidates, size_t n)
{
    size_t len = strlen(typed), limit = len <= 4 ? 1 : 2, best = SIZE_MAX;
    const char *pick = NULL, *prefix_of = NULL;
    size_t prefixes = 0;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i] || !*candidates[i])
            continue;
        size_t d = dp_opt_distance(typed, candidates[i]);
        if (d <= limit && d < best) {
            best = d;
            pick = candidates[i];
        }
        if (len >= 3 && !strncmp(candidates[i], typed, len) && (!prefix_of || strcmp(prefix_of, candidates[i]))) {
            prefixes++;
            prefix_of = candidates[i];
        }
    }
    if (!pick && prefixes == 1)
        pick = prefix_of;
    return pick;
}

/* ---- parsing ---- */

static bool takes_value(const dp_option *o)
{
    switch (o->kind) {
    case DP_OPT_KIND_FLAG:
    case DP_OPT_KIND_ARG:
    case DP_OPT_KIND_END:
        return false;
    case DP_OPT_KIND_CALLBACK:
        return !(o->flags & DP_OPT_NOARG);
    default:
        return true;
    }
}

/* "api|sql" for a choice, else the placeholder. */
static const char *placeholder(const dp_option *o, char *buf, size_t n)
{
    if (o->kind != DP_OPT_KIND_CHOICE || o->argh)
        return o->argh ? o->argh : "VALUE";
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; o->choices && o->choices[i]; i++) {
        int w = snprintf(buf + k, n - k, "%s%s", i ? "|" : "", o->choices[i]);
        if (w < 0 || (size_t)w >= n - k)
            break; /* cut: only help text */
        k += (size_t)w;
    }
    return buf;
}

/* "1h", "90s", "1h30m": a bound in a message, without the zero parts. */
static void compact_duration(long long ms, char *out, size_t n)
{
    static const struct {
        long long ms;
        const char *unit;
    } u[] = {{86400000LL, "d"}, {3600000LL, "h"}, {60000LL, "m"}, {1000, "s"}, {1, "ms"}};
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (ms >= u[i].ms || (ms == 0 && u[i].ms == 1000)) {
            int w = snprintf(out + k, n - k, "%lld%s", ms / u[i].ms, u[i].unit);
            if (w < 0 || (size_t)w >= n - k)
                break;
            k += (size_t)w;
            ms %= u[i].ms;
            if (!ms)
                break;
        }
}

static const dp_option *find_long(const dp_option *t, const char *name, size_t len)
{
    for (; t && t->kind != DP_OPT_KIND_END; t++)
        if (t->kind != DP_OPT_KIND_ARG && t->long_name && strlen(t->long_name) == len && !strncmp(t->long_name, name, len))
            return t;
    return NULL;
}

static const dp_option *find_short(const dp_option *t, char c)
{
    for (; t && t->kind != DP_OPT_KIND_END; t++)
        if (t->kind != DP_OPT_KIND_ARG && t->short_name && t->short_name == c)
            return t;
    return NULL;
}

/* The option's name as its messages show it: "-t" when it has a short name, else "--stack". */
static const char *display_name(const dp_option *o, char *buf, size_t n)
{
    if (o->kind == DP_OPT_KIND_ARG)
        snprintf(buf, n, "%s", o->long_name);
    else if (o->short_name)
        snprintf(buf, n, "-%c", o->short_name);
    else
        snprintf(buf, n, "--%s", o->long_name);
    return buf;
}

static int unknown_option(const dp_opt_ctx *ctx, const char *arg)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), arg);
    if (!strncmp(name, "--", 2))
        for (const dp_option *const *r = ctx->cmd->related; r && *r; r++)
            if (find_long(*r, name + 2, strlen(name + 2)))
                return dp_opt_error(ctx, "%s does not apply to %s", name, ctx->cmd->name);
    const char *cands[2 * MAX_OPTIONS];
    size_t n = 0;
    const dp_option *tables[] = {ctx->cmd->options, also_suggest};
    for (size_t k = 0; k < 2; k++)
        for (const dp_option *o = tables[k]; o && o->kind != DP_OPT_KIND_END && n < 2 * MAX_OPTIONS; o++)
            if (o->kind != DP_OPT_KIND_ARG && o->long_name && !(o->flags & DP_OPT_HIDDEN))
                cands[n++] = o->long_name;
    const char *typed = name + strspn(name, "-");
    const char *hint = !strncmp(name, "--", 2) || strlen(typed) > 1 ? dp_opt_suggest(typed, cands, n) : NULL;
    if (hint)
        return dp_opt_error(ctx, "unknown option \"%s\" (did you mean \"--%s\"?)", name, hint);
    return dp_opt_error(ctx, "unknown option \"%s\"", name);
}

static int store(dp_opt_ctx *ctx, const dp_option *o, const char *shown, const char *v)
{
    char buf[256];
    switch (o->kind) {
    case DP_OPT_KIND_FLAG:
        *(bool *)o->value = true;
        return 0;
    case DP_OPT_KIND_STRING:
        *(const char **)o->value = v;
        return 0;
    case DP_OPT_KIND_INT: {
        char *end = NULL;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (errno || !*v || *end || n < o->min || n > o->max)
            return dp_opt_error(ctx, "%s needs a whole number from %lld to %lld, not \"%s\"", shown, o->min, o->max, v);
        *(int *)o->value = (int)n;
        return 0;
    }
    case DP_OPT_KIND_DURATION: {
        long long ms = 0;
        if (dp_duration_parse(v, &ms))
            return dp_opt_error(ctx, "%s \"%s\" is not a duration (e.g. 90s, 10m, 1h30m)", shown, v);
        if (ms < o->min || ms > o->max) {
            char lo[32], hi[32];
            compact_duration(o->min, lo, sizeof lo);
            compact_duration(o->max, hi, sizeof hi);
            return dp_opt_error(ctx, "%s must be from %s to %s, not \"%s\"", shown, lo, hi, v);
        }
        *(long long *)o->value = ms;
        return 0;
    }
    case DP_OPT_KIND_CHOICE: {
        size_t n = 0;
        for (; o->choices[n]; n++)
            if (!strcmp(v, o->choices[n])) {
                *(int *)o->value = (int)n;
                return 0;
            }
        dp_buf b; /* "a, b or c" */
        dp_buf_init(&b, 0);
        for (size_t i = 0; i < n; i++)
            dp_buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", o->choices[i]);
        const char *hint = dp_opt_suggest(v, o->choices, n);
        if (hint)
            snprintf(buf, sizeof buf, " (did you mean \"%s\"?)", hint);
        int rc = dp_opt_error(ctx, "%s must be %s, not \"%s\"%s", shown, dp_buf_str(&b), v, hint ? buf : "");
        dp_buf_cleanup(&b);
        return rc;
    }
    case DP_OPT_KIND_LIST: {
        dp_opt_list *l = o->value;
        const char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
        if (!nv)
            return dp_cli_fail("out of memory");
        l->v = nv;
        l->v[l->n++] = v;
        return 0;
    }
    case DP_OPT_KIND_CALLBACK:
        return o->cb(ctx, o, v);
    default:
        return 0;
    }
}

/* Copies argv[from..argc) to rest. */
static void keep(char **rest, int *nrest, char **argv, int from, int argc)
{
    for (int k = from; k < argc; k++)
        rest[(*nrest)++] = argv[k];
}

int dp_opt_parse_ex(const dp_opt_cmd *cmd, int argc, char **argv, unsigned flags, char **rest, int *nrest)
{
    const dp_option *t = cmd->options;
    size_t count = 0;
    while (t[count].kind != DP_OPT_KIND_END)
        count++;
    if (count > MAX_OPTIONS)
        return dp_cli_fail("internal error: %s has more than %d options", cmd->name, MAX_OPTIONS);
    bool seen[MAX_OPTIONS] = {false};
    bool keep_unknown = flags & DP_OPT_KEEP_UNKNOWN, dashdash = false;
    size_t next_arg = 0; /* positionals fill the ARG entries in table order */
    if (nrest)
        *nrest = 0;
    dp_opt_ctx ctx = {.cmd = cmd, .argc = argc, .argv = argv};
    for (ctx.i = 1; ctx.i < argc; ctx.i++) {
        char *a = argv[ctx.i];
        if (dashdash || a[0] != '-' || !a[1]) { /* a positional ("-" alone too: stdin by custom) */
            if (flags & DP_OPT_STOP_AT_ARG) {
                keep(rest, nrest, argv, ctx.i, argc);
                break;
            }
            if (keep_unknown) {
                rest[(*nrest)++] = a;
                continue;
            }
            while (next_arg < count && t[next_arg].kind != DP_OPT_KIND_ARG)
                next_arg++;
            if (next_arg == count)
                return dp_opt_error(&ctx, "unexpected argument \"%s\"", a);
            *(const char **)t[next_arg].value = a;
            seen[next_arg++] = true;
            continue;
        }
        if (!strcmp(a, "--")) {
            if (keep_unknown) {
                keep(rest, nrest, argv, ctx.i, argc);
                break;
            }
            dashdash = true;
            if (flags & DP_OPT_STOP_AT_ARG) {
                keep(rest, nrest, argv, ctx.i + 1, argc);
                break;
            }
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (keep_unknown) {
                rest[(*nrest)++] = a;
                continue;
            }
            dp_opt_print_help(cmd, stdout);
            return DP_OPT_HELP;
        }
        const dp_option *o;
        const char *attached = NULL; /* --opt=VALUE or -xVALUE */
        char shown[80];
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            o = find_long(t, a + 2, len);
            if (eq)
                attached = eq + 1;
            snprintf(shown, sizeof shown, "--%.*s", (int)(len < 60 ? len : 60), a + 2);
        } else {
            o = find_short(t, a[1]);
            if (a[2])
                attached = a + 2;
            snprintf(shown, sizeof shown, "-%c", a[1]);
            if (o && attached && !takes_value(o))
                o = NULL; /* "-tx" for a flag: not ours */
        }
        if (!o) {
            if (keep_unknown) {
                rest[(*nrest)++] = a;
                continue;
            }
            return unknown_option(&ctx, a);
        }
        const char *v = NULL;
        if (takes_value(o)) {
            if (attached)
                v = attached;
            else if (ctx.i + 1 < argc)
                v = argv[++ctx.i];
            else {
                char ph[256];
                return dp_opt_error(&ctx, "%s needs %s", shown, placeholder(o, ph, sizeof ph));
            }
        } else if (attached) {
            return dp_opt_error(&ctx, "%s takes no value", shown);
        }
        seen[o - t] = true;
        int rc = store(&ctx, o, shown, v);
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < count; k++)
        if ((t[k].flags & DP_OPT_REQUIRED) && !seen[k]) {
            char name[80], ph[256];
            display_name(&t[k], name, sizeof name);
            if (t[k].kind == DP_OPT_KIND_ARG)
                return dp_opt_error(&ctx, "%s is required", name);
            return dp_opt_error(&ctx, "%s %s is required", name, placeholder(&t[k], ph, sizeof ph));
        }
    return 0;
}

int dp_opt_parse(const dp_opt_cmd *cmd, int argc, char **argv) { return dp_opt_parse_ex(cmd, argc, argv, 0, NULL, NULL); }

/* ---- help ---- */

/* "[--stack NAME]", "-t FILE", "[--parameter KEY=VALUE ...]", "[--json]", "TASK". */
static void usage_item(const dp_option *o, dp_buf *b)
{
    char name[80], ph[256];
    bool req = o->flags & DP_OPT_REQUIRED;
    if (!req)
        dp_buf_putc(b, '[');
    if (o->kind == DP_OPT_KIND_ARG || !req) /* the short form for what is typed every time */
        dp_buf_printf(b, "%s%s", o->kind == DP_OPT_KIND_ARG ? "" : "--", o->long_name);
    else
        dp_buf_puts(b, display_name(o, name, sizeof name));
    if (o->argh || (takes_value(o) && o->kind != DP_OPT_KIND_ARG))
        dp_buf_printf(b, " %s", placeholder(o, ph, sizeof ph));
    if (o->kind == DP_OPT_KIND_LIST)
        dp_buf_puts(b, " ...");
    if (!req)
        dp_buf_putc(b, ']');
}

static void print_usage(const dp_opt_cmd *cmd, FILE *out)
{
    if (cmd->usage) {
        fprintf(out, "Usage: %s\n", cmd->usage);
        return;
    }
    dp_buf line;
    dp_buf_init(&line, 0);
    dp_buf_printf(&line, "Usage: dmsprov%s%s", *cmd->name ? " " : "", cmd->name);
    size_t indent = line.len + 1, start = 0;
    for (const dp_option *o = cmd->options; o->kind != DP_OPT_KIND_END; o++) {
        if (o->flags & DP_OPT_HIDDEN)
            continue;
        dp_buf item;
        dp_buf_init(&item, 0);
        usage_item(o, &item);
        if (line.len - start + 1 + item.len > USAGE_WIDTH) {
            dp_buf_putc(&line, '\n');
            start = line.len;
            dp_buf_printf(&line, "%*s", (int)indent - 1, "");
        }
        dp_buf_printf(&line, " %s", dp_buf_str(&item));
        dp_buf_cleanup(&item);
    }
    fprintf(out, "%s\n", dp_buf_str(&line));
    dp_buf_cleanup(&line);
}

/* "  -t, --template FILE       the template" with continuation lines under the help column. */
static void print_option(FILE *out, const char *left, const char *help)
{
    int w = fprintf(out, "  %s", left);
    if (!help || !*help) {
        fputc('\n', out);
        return;
    }
    if (w >= HELP_COLUMN)
        fprintf(out, "\n%*s", HELP_COLUMN, "");
    else
        fprintf(out, "%*s", HELP_COLUMN - w, "");
    for (const char *p = help; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fprintf(out, "%*s", HELP_COLUMN, "");
    }
    fputc('\n', out);
}

void dp_opt_print_help(const dp_opt_cmd *cmd, FILE *out)
{
    print_usage(cmd, out);
    if (cmd->description)
        fprintf(out, "\n%s", cmd->description);
    fprintf(out, "\n%s:\n", cmd->options_title ? cmd->options_title : "Options");
    for (const dp_option *o = cmd->options; o->kind != DP_OPT_KIND_END; o++) {
        if (o->flags & DP_OPT_HIDDEN)
            continue;
        char left[160], ph[256];
        int k = o->short_name ? snprintf(left, sizeof left, "-%c, ", o->short_name) : 0;
        if (o->kind == DP_OPT_KIND_ARG)
            snprintf(left, sizeof left, "%s", o->long_name);
        else if (o->argh || takes_value(o))
            snprintf(left + k, sizeof left - (size_t)k, "--%s %s", o->long_name, placeholder(o, ph, sizeof ph));
        else
            snprintf(left + k, sizeof left - (size_t)k, "--%s", o->long_name);
        print_option(out, left, o->help);
    }
    print_option(out, "-h, --help", "show this help");
    if (cmd->footer)
        fprintf(out, "\n%s", cmd->footer);
    if (cmd->examples) {
        fputs("\nExamples:\n", out);
        for (const char *p = cmd->examples; *p;) {
            size_t n = strcspn(p, "\n");
            fprintf(out, "  %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
    if (*cmd->name)
        fputs("\nGlobal options (--region, --profile, --endpoint-url, --state, ...): see 'dmsprov --help'.\n", out);
}
