/* options.h - one table-driven option parser for every command, after git's parse_options:
 * a command declares its options once (name, kind, where the value goes, placeholder, help
 * line) and the same table parses argv, prints --help and names the closest option on a typo.
 *
 *     const char *stack = NULL; bool json = false;
 *     dp_option opts[] = {
 *         DP_OPT_STRING_REQ(0, "stack", &stack, "NAME", "the stack"),
 *         DP_OPT_FLAG(0, "json", &json, "{\"Name\": value, ...}"),
 *         DP_OPT_END(),
 *     };
 *     dp_opt_cmd cmd = {.name = "output", .options = opts, .description = "…", .examples = "…"};
 *     int rc = dp_opt_parse(&cmd, argc, argv);   // 0, DP_OPT_HELP or DP_EXIT_USAGE
 *
 * Forms: --opt VALUE, --opt=VALUE, -x VALUE, -xVALUE, flags, `--` (everything after it is a
 * positional), -h/--help anywhere. Errors are printed as one usage line (report.h).
 *
 * Ownership: values stored are borrowed from argv, except dp_opt_list's array, which the
 * caller owns (dp_opt_list_cleanup, also after a failed parse). Tables are the caller's. */
#ifndef DP_OPTIONS_H
#define DP_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum dp_opt_kind {
    DP_OPT_KIND_END,      /* ends a table */
    DP_OPT_KIND_FLAG,     /* bool *: no value */
    DP_OPT_KIND_STRING,   /* const char **: the last one given wins */
    DP_OPT_KIND_INT,      /* int *: a whole number within [min, max] */
    DP_OPT_KIND_DURATION, /* long long *: milliseconds (drivers/base/duration.h) within [min, max] */
    DP_OPT_KIND_CHOICE,   /* int *: the index of the value in choices */
    DP_OPT_KIND_LIST,     /* dp_opt_list *: repeatable, every value in order */
    DP_OPT_KIND_CALLBACK, /* cb(ctx, opt, value); value NULL with DP_OPT_NOARG */
    DP_OPT_KIND_ARG       /* const char **: the next positional argument */
} dp_opt_kind;

enum dp_opt_flag {
    DP_OPT_REQUIRED = 1u << 0, /* must be given ("-t FILE is required"); bare in the usage line */
    DP_OPT_NOARG = 1u << 1,    /* a callback that takes no value (it may consume arguments itself) */
    DP_OPT_HIDDEN = 1u << 2    /* parsed but not shown in help */
};

typedef struct dp_opt_ctx dp_opt_ctx;
typedef struct dp_option dp_option;

/* Returns 0, or DP_EXIT_USAGE after printing the problem (dp_opt_error). */
typedef int (*dp_opt_cb)(dp_opt_ctx *ctx, const dp_option *opt, const char *value);

struct dp_option {
    dp_opt_kind kind;
    char short_name;            /* 't' for -t; 0 = none */
    const char *long_name;      /* "template" for --template; the placeholder for an ARG */
    void *value;                /* where the value goes (type: see dp_opt_kind) */
    const char *argh;           /* value placeholder in help: "FILE" (NULL for flags) */
    const char *help;           /* help text; '\n' starts an indented continuation line */
    unsigned flags;             /* enum dp_opt_flag */
    long long min, max;         /* INT, DURATION */
    const char *const *choices; /* CHOICE: NULL-terminated */
    dp_opt_cb cb;               /* CALLBACK */
};

/* A command as the parser and its help see it. */
typedef struct dp_opt_cmd {
    const char *name;           /* "plan", "task start"; "" for the global options */
    const dp_option *options;   /* DP_OPT_END()-terminated */
    const char *usage;          /* usage lines ("dmsprov apply -t FILE ...\n       dmsprov apply PLAN"),
                                 * NULL: one line generated from the table */
    const char *description;    /* paragraphs after the usage */
    const char *options_title;  /* NULL: "Options" */
    const char *footer;         /* after the options, or NULL */
    const char *examples;       /* one command line per line (at least one) */
    /* Sibling commands' tables (NULL-terminated): an option found there is reported as "does not
     * apply to <name>" rather than unknown (task verbs). */
    const dp_option *const *related;
} dp_opt_cmd;

/* What a callback sees: it may consume further arguments by advancing i. */
struct dp_opt_ctx {
    const dp_opt_cmd *cmd;
    int argc;
    char **argv;
    int i; /* the argument being handled */
};

/* A repeatable option's values: v owned by the caller, the strings borrowed from argv. */
typedef struct dp_opt_list {
    const char **v;
    size_t n;
} dp_opt_list;
void dp_opt_list_cleanup(dp_opt_list *l);

/* Type checks at compile time: a mismatched pointer is a -Werror warning. */
#define DP_OPT_PTR(T, v) ((void *)(1 ? (v) : (T)0))
#define DP_OPT_END() {.kind = DP_OPT_KIND_END}
#define DP_OPT_FLAG(s, l, v, h) \
    {.kind = DP_OPT_KIND_FLAG, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(bool *, v), .help = (h)}
#define DP_OPT_STRING(s, l, v, a, h)                                                                             \
    {.kind = DP_OPT_KIND_STRING, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(const char **, v),    \
     .argh = (a), .help = (h)}
#define DP_OPT_STRING_REQ(s, l, v, a, h)                                                                         \
    {.kind = DP_OPT_KIND_STRING, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(const char **, v),    \
     .argh = (a), .help = (h), .flags = DP_OPT_REQUIRED}
#define DP_OPT_INT(s, l, v, a, lo, hi, h)                                                                        \
    {.kind = DP_OPT_KIND_INT, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(int *, v), .argh = (a),  \
     .help = (h), .min = (lo), .max = (hi)}
#define DP_OPT_DURATION(s, l, v, lo_ms, hi_ms, h)                                                                \
    {.kind = DP_OPT_KIND_DURATION, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(long long *, v),    \
     .argh = "DURATION", .help = (h), .min = (lo_ms), .max = (hi_ms)}
#define DP_OPT_CHOICE(s, l, v, c, h)                                                                             \
    {.kind = DP_OPT_KIND_CHOICE, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(int *, v),            \
     .choices = (c), .help = (h)}
#define DP_OPT_CHOICE_REQ(s, l, v, c, h)                                                                         \
    {.kind = DP_OPT_KIND_CHOICE, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(int *, v),            \
     .choices = (c), .help = (h), .flags = DP_OPT_REQUIRED}
#define DP_OPT_LIST(s, l, v, a, h)                                                                               \
    {.kind = DP_OPT_KIND_LIST, .short_name = (s), .long_name = (l), .value = DP_OPT_PTR(dp_opt_list *, v),      \
     .argh = (a), .help = (h)}
#define DP_OPT_CALLBACK(s, l, v, a, f, fn, h)                                                                    \
    {.kind = DP_OPT_KIND_CALLBACK, .short_name = (s), .long_name = (l), .value = (v), .argh = (a),              \
     .flags = (f), .cb = (fn), .help = (h)}
#define DP_OPT_ARG(name, v, h) \
    {.kind = DP_OPT_KIND_ARG, .long_name = (name), .value = DP_OPT_PTR(const char **, v), .help = (h)}
#define DP_OPT_ARG_REQ(name, v, h)                                                                               \
    {.kind = DP_OPT_KIND_ARG, .long_name = (name), .value = DP_OPT_PTR(const char **, v), .help = (h),          \
     .flags = DP_OPT_REQUIRED}

/* dp_opt_parse's results besides 0 (parsed) and DP_EXIT_USAGE (the error printed). */
enum { DP_OPT_HELP = 1 }; /* -h/--help: the help was printed on stdout */

/* Parses argv[1..argc) (argv[0] is the command's name) into the table's variables. */
int dp_opt_parse(const dp_opt_cmd *cmd, int argc, char **argv);

enum dp_opt_parse_flag {
    /* Options not in the table, -h/--help and positionals are copied to rest, in order, instead
     * of being errors; `--` and everything after it too (the global options after a command). */
    DP_OPT_KEEP_UNKNOWN = 1u << 0,
    /* Stop at the first positional: it and everything after it go to rest (the global options
     * before the command name). */
    DP_OPT_STOP_AT_ARG = 1u << 1
};
/* dp_opt_parse with flags; rest (room for argc pointers) receives what was not parsed and
 * *nrest its count. */
int dp_opt_parse_ex(const dp_opt_cmd *cmd, int argc, char **argv, unsigned flags, char **rest, int *nrest);

/* The help generated from cmd: usage, description, options with placeholders, footer, examples. */
void dp_opt_print_help(const dp_opt_cmd *cmd, FILE *out);
/* A usage error of ctx's command ("dmsprov: usage error: … (see 'dmsprov NAME --help')");
 * returns DP_EXIT_USAGE. For callbacks. */
int dp_opt_error(const dp_opt_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Options also offered as suggestions for an unknown option of any command: the global options,
 * which are valid after the command name too. A table that outlives every parse (or NULL). */
void dp_opt_suggest_also(const dp_option *table);

/* Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbours counts 1). */
size_t dp_opt_distance(const char *a, const char *b);
/* The candidate closest to typed when it is close enough to be a likely typo (distance 1 for up
 * to 4 characters, else 2; failing that, the only candidate typed is a prefix of, when typed has
 * 3 characters or more), else NULL. Ties go to the earlier candidate. */
const char *dp_opt_suggest(const char *typed, const char *const *candidates, size_t n);

#endif
