/* test_cli_options.c - the table-driven option parser (provisioner/cli/options.h): every value
 * form, repeatables, positionals, `--`, missing values, unknown options with a suggestion,
 * ranges, durations (drivers/base/duration.h), the generated help and the suggestion function. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "drivers/base/duration.h"
#include "provisioner/cli/options.h"
#include "provisioner/session/session.h"

static char err_text[4096], out_text[16384];

/* Runs fn with stdout and stderr captured into out_text / err_text. */
static int captured(int (*fn)(void *), void *arg)
{
    char ep[] = "/tmp/dp_opt_err_XXXXXX", op[] = "/tmp/dp_opt_out_XXXXXX";
    int fe = mkstemp(ep), fo = mkstemp(op);
    fflush(stdout);
    fflush(stderr);
    int se = dup(2), so = dup(1);
    dup2(fe, 2);
    dup2(fo, 1);
    int rc = fn(arg);
    fflush(stdout);
    fflush(stderr);
    dup2(se, 2);
    dup2(so, 1);
    close(se);
    close(so);
    lseek(fe, 0, SEEK_SET);
    lseek(fo, 0, SEEK_SET);
    ssize_t n = read(fe, err_text, sizeof err_text - 1);
    err_text[n > 0 ? n : 0] = '\0';
    n = read(fo, out_text, sizeof out_text - 1);
    out_text[n > 0 ? n : 0] = '\0';
    close(fe);
    close(fo);
    unlink(ep);
    unlink(op);
    return rc;
}

/* The test command's variables and table. */
static struct {
    const char *tpl, *stack, *pos, *cb_value;
    bool json, force;
    int par, method;
    long long wait_ms;
    dp_opt_list params;
    int cb_calls, tables;
} v;

static int reload_cb(dp_opt_ctx *ctx, const dp_option *opt, const char *value)
{
    (void)opt;
    (void)value;
    while (ctx->i + 1 < ctx->argc && strncmp(ctx->argv[ctx->i + 1], "--", 2)) {
        ctx->i++;
        v.tables++;
    }
    return v.tables ? 0 : dp_opt_error(ctx, "--reload needs TABLE");
}

static int value_cb(dp_opt_ctx *ctx, const dp_option *opt, const char *value)
{
    (void)ctx;
    (void)opt;
    v.cb_calls++;
    v.cb_value = value;
    return 0;
}

static const char *const methods[] = {"api", "sql", NULL};
static const dp_option other_verb[] = {DP_OPT_FLAG(0, "other", NULL, "an option of a sibling"), DP_OPT_END()};
static const dp_option *const related[] = {other_verb, NULL};

static const char *line; /* the command line the next parse() runs */

static int do_parse(void *unused)
{
    (void)unused;
    dp_option opts[] = {
        DP_OPT_STRING_REQ('t', "template", &v.tpl, "FILE", "the template"),
        DP_OPT_STRING(0, "stack", &v.stack, "NAME", "the stack\nsecond line"),
        DP_OPT_LIST('p', "parameter", &v.params, "KEY=VALUE", "a parameter (repeatable)"),
        DP_OPT_FLAG(0, "json", &v.json, "JSON out"),
        DP_OPT_FLAG('f', "force", &v.force, "force"),
        DP_OPT_INT(0, "parallelism", &v.par, "N", 1, 100, "in flight"),
        DP_OPT_CHOICE(0, "method", &v.method, methods, "how"),
        DP_OPT_DURATION(0, "wait", &v.wait_ms, 1000, 86400000LL, "how long"),
        DP_OPT_CALLBACK(0, "reload", NULL, "TABLE...", DP_OPT_NOARG, reload_cb, "tables"),
        DP_OPT_CALLBACK(0, "hook", NULL, "X", 0, value_cb, "a callback with a value"),
        DP_OPT_ARG("PLAN", &v.pos, "a saved plan"),
        DP_OPT_END(),
    };
    dp_opt_cmd cmd = {.name = "demo", .options = opts, .description = "Demonstrates.\n",
                      .examples = "dmsprov demo -t x.yaml\ndmsprov demo -t x.yaml --json", .related = related};
    char *copy = strdup(line), *save = NULL, *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"demo";
    for (char *tok = strtok_r(copy, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
        argv[argc++] = tok;
    argv[argc] = NULL;
    dp_opt_list_cleanup(&v.params);
    memset(&v, 0, sizeof v);
    int rc = dp_opt_parse(&cmd, argc, argv);
    /* keep what the checks read after copy is gone */
    static char keep[8][128];
    const char **strs[] = {&v.tpl, &v.stack, &v.pos, &v.cb_value};
    for (size_t i = 0; i < 4; i++)
        if (*strs[i]) {
            snprintf(keep[i], sizeof keep[i], "%s", *strs[i]);
            *strs[i] = keep[i];
        }
    for (size_t i = 0; i < v.params.n && i < 4; i++) {
        snprintf(keep[4 + i], sizeof keep[4 + i], "%s", v.params.v[i]);
        v.params.v[i] = keep[4 + i];
    }
    free(copy);
    return rc;
}

static int parse(const char *l)
{
    line = l;
    return captured(do_parse, NULL);
}

static void value_forms(void)
{
    CHECK_INT(parse("-t a.yaml"), 0);
    CHECK_STR(v.tpl, "a.yaml");
    CHECK_INT(parse("--template a.yaml"), 0);
    CHECK_STR(v.tpl, "a.yaml");
    CHECK_INT(parse("--template=a.yaml --stack=lab"), 0);
    CHECK_STR(v.tpl, "a.yaml");
    CHECK_STR(v.stack, "lab");
    CHECK_INT(parse("-ta.yaml"), 0);
    CHECK_STR(v.tpl, "a.yaml");
    CHECK_INT(parse("-t a.yaml --stack="), 0); /* --opt= gives an empty value */
    CHECK_STR(v.stack, "");
    CHECK_INT(parse("-t a.yaml -t b.yaml"), 0); /* the last one wins */
    CHECK_STR(v.tpl, "b.yaml");
    CHECK_INT(parse("-t a.yaml --stack --json"), 0); /* a value may look like an option */
    CHECK_STR(v.stack, "--json");
    CHECK(!v.json);
    CHECK_INT(parse("--json -f -t a.yaml"), 0);
    CHECK(v.json && v.force);
    CHECK_INT(parse("-t a.yaml --parallelism 7 --method=sql --wait 1h30m"), 0);
    CHECK_INT(v.par, 7);
    CHECK_INT(v.method, 1);
    CHECK_INT(v.wait_ms, 5400000);
    CHECK_INT(parse("-t a.yaml --wait 90"), 0); /* a bare number is seconds */
    CHECK_INT(v.wait_ms, 90000);
    CHECK_INT(parse("-t a.yaml --hook=x --hook y"), 0);
    CHECK_INT(v.cb_calls, 2);
    CHECK_STR(v.cb_value, "y");
    CHECK_INT(parse("-t a.yaml --reload s.a s.b --json"), 0);
    CHECK_INT(v.tables, 2);
    CHECK(v.json);
}

static void repeatables_and_positionals(void)
{
    CHECK_INT(parse("-t a.yaml --parameter A=1 -p B=2 --parameter=C=3"), 0);
    CHECK_INT(v.params.n, 3);
    CHECK_STR(v.params.v[0], "A=1");
    CHECK_STR(v.params.v[1], "B=2");
    CHECK_STR(v.params.v[2], "C=3");
    CHECK_INT(parse("plan.json -t a.yaml"), 0);
    CHECK_STR(v.pos, "plan.json");
    CHECK_INT(parse("-t a.yaml -- --json"), 0); /* after --, a positional */
    CHECK_STR(v.pos, "--json");
    CHECK(!v.json);
    CHECK_INT(parse("-t a.yaml -"), 0);
    CHECK_STR(v.pos, "-");
    CHECK_INT(parse("-t a.yaml one two"), DP_EXIT_USAGE);
    CHECK_STR(err_text, "dmsprov: usage error: unexpected argument \"two\" (see 'dmsprov demo --help')\n");
    dp_opt_list_cleanup(&v.params);
}

static void errors(void)
{
    CHECK_INT(parse("-t"), DP_EXIT_USAGE);
    CHECK_STR(err_text, "dmsprov: usage error: -t needs FILE (see 'dmsprov demo --help')\n");
    CHECK_INT(parse("-t a.yaml --parameter"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--parameter needs KEY=VALUE"));
    CHECK_INT(parse("-t a.yaml --method"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--method needs api|sql"));
    CHECK_INT(parse("--json"), DP_EXIT_USAGE);
    CHECK_STR(err_text, "dmsprov: usage error: -t FILE is required (see 'dmsprov demo --help')\n");
    CHECK_INT(parse("-t a.yaml --jsno"), DP_EXIT_USAGE);
    CHECK_STR(err_text,
              "dmsprov: usage error: unknown option \"--jsno\" (did you mean \"--json\"?) (see 'dmsprov demo --help')\n");
    CHECK_INT(parse("-t a.yaml --paralelism=3"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "unknown option \"--paralelism\" (did you mean \"--parallelism\"?)"));
    CHECK_INT(parse("-t a.yaml --zzz"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "unknown option \"--zzz\" (see"));
    CHECK_INT(parse("-t a.yaml -x"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "unknown option \"-x\""));
    CHECK_INT(parse("-t a.yaml -fx"), DP_EXIT_USAGE); /* a flag takes nothing attached */
    CHECK_INT(parse("-t a.yaml --json=yes"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--json takes no value"));
    CHECK_INT(parse("-t a.yaml --other"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--other does not apply to demo"));
    CHECK_INT(parse("-t a.yaml --parallelism 0"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--parallelism needs a whole number from 1 to 100, not \"0\""));
    CHECK_INT(parse("-t a.yaml --parallelism 5x"), DP_EXIT_USAGE);
    CHECK_INT(parse("-t a.yaml --parallelism 99999999999999999999"), DP_EXIT_USAGE);
    CHECK_INT(parse("-t a.yaml --method ftp"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--method must be api or sql, not \"ftp\""));
    CHECK_INT(parse("-t a.yaml --method sqll"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "not \"sqll\" (did you mean \"sql\"?)"));
    CHECK_INT(parse("-t a.yaml --wait 10x"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--wait \"10x\" is not a duration (e.g. 90s, 10m, 1h30m)"));
    CHECK_INT(parse("-t a.yaml --wait 1h-5m"), DP_EXIT_USAGE);
    CHECK_INT(parse("-t a.yaml --wait 99999999999999999999s"), DP_EXIT_USAGE);
    CHECK_INT(parse("-t a.yaml --wait 0"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--wait must be from 1s to 1d, not \"0\""));
    CHECK_INT(parse("-t a.yaml --wait 25h"), DP_EXIT_USAGE);
    CHECK_INT(parse("-t a.yaml --reload --json"), DP_EXIT_USAGE);
    CHECK(strstr(err_text, "--reload needs TABLE"));
    /* every error is one line */
    CHECK(strchr(err_text, '\n') == err_text + strlen(err_text) - 1);
}

static void help(void)
{
    CHECK_INT(parse("-t a.yaml --help"), DP_OPT_HELP);
    CHECK_STR(err_text, "");
    CHECK(strstr(out_text, "Usage: dmsprov demo -t FILE [--stack NAME] [--parameter KEY=VALUE ...] [--json] [--force]"));
    CHECK(strstr(out_text, "  -t, --template FILE       the template\n"));
    CHECK(strstr(out_text, "  --stack NAME              the stack\n                            second line\n"));
    CHECK(strstr(out_text, "  --method api|sql          how\n"));
    CHECK(strstr(out_text, "  --wait DURATION           how long\n"));
    CHECK(strstr(out_text, "  --reload TABLE...         tables\n"));
    CHECK(strstr(out_text, "  PLAN                      a saved plan\n"));
    CHECK(strstr(out_text, "  -h, --help                show this help\n"));
    CHECK(strstr(out_text, "Examples:\n  dmsprov demo -t x.yaml\n  dmsprov demo -t x.yaml --json\n"));
    CHECK(strstr(out_text, "\nDemonstrates.\n"));
    CHECK_INT(parse("-h"), DP_OPT_HELP); /* help wins over a missing required option */
}

/* The global options' way: before the command (stop at it), after it (keep what is not ours). */
static void global_modes(void)
{
    const char *region = NULL;
    bool debug = false;
    dp_option g[] = {DP_OPT_STRING(0, "region", &region, "REGION", "region"), DP_OPT_FLAG(0, "debug", &debug, "debug"),
                     DP_OPT_END()};
    dp_opt_cmd cmd = {.name = "", .options = g};
    char *a1[] = {"dmsprov", "--region", "eu-west-1", "plan", "--debug", "-t", "x", NULL};
    char *rest[8];
    int n = 0;
    CHECK_INT(dp_opt_parse_ex(&cmd, 7, a1, DP_OPT_STOP_AT_ARG, rest, &n), 0);
    CHECK_STR(region, "eu-west-1");
    CHECK(!debug);
    CHECK_INT(n, 4);
    CHECK_STR(rest[0], "plan");
    char *rest2[8];
    int n2 = 0;
    CHECK_INT(dp_opt_parse_ex(&cmd, n, rest, DP_OPT_KEEP_UNKNOWN, rest2, &n2), 0);
    CHECK(debug);
    CHECK_INT(n2, 2);
    CHECK_STR(rest2[0], "-t");
    CHECK_STR(rest2[1], "x");
    char *a2[] = {"plan", "--help", "--region=us-east-2", "--", "--debug", NULL};
    debug = false;
    CHECK_INT(dp_opt_parse_ex(&cmd, 5, a2, DP_OPT_KEEP_UNKNOWN, rest2, &n2), 0);
    CHECK_STR(region, "us-east-2");
    CHECK(!debug);
    CHECK_INT(n2, 3);
    CHECK_STR(rest2[0], "--help");
    CHECK_STR(rest2[1], "--");
    CHECK_STR(rest2[2], "--debug");
}

static void suggestions(void)
{
    CHECK_INT(dp_opt_distance("plan", "plan"), 0);
    CHECK_INT(dp_opt_distance("plna", "plan"), 1); /* a swap counts once */
    CHECK_INT(dp_opt_distance("strat", "start"), 1);
    CHECK_INT(dp_opt_distance("regoin", "region"), 1);
    CHECK_INT(dp_opt_distance("", "abc"), 3);
    CHECK_INT(dp_opt_distance("kitten", "sitting"), 3);
    CHECK_INT(dp_opt_distance("ca", "abc"), 3); /* optimal string alignment, not full Damerau */
    const char *cmds[] = {"validate", "graph", "plan", "apply", "destroy", "output", "rotate", "task", "whoami", "version"};
    size_t n = sizeof cmds / sizeof cmds[0];
    CHECK_STR(dp_opt_suggest("plna", cmds, n), "plan");
    CHECK_STR(dp_opt_suggest("aply", cmds, n), "apply");
    CHECK_STR(dp_opt_suggest("valdiate", cmds, n), "validate");
    CHECK_STR(dp_opt_suggest("destory", cmds, n), "destroy");
    CHECK_STR(dp_opt_suggest("whoam", cmds, n), "whoami");
    CHECK_STR(dp_opt_suggest("vers", cmds, n), "version"); /* the only one it starts */
    CHECK(dp_opt_suggest("bogus", cmds, n) == NULL);
    CHECK(dp_opt_suggest("pn", cmds, n) == NULL);     /* too short to guess at 2 */
    CHECK(dp_opt_suggest("xyzzy", cmds, n) == NULL);
    const char *verbs[] = {"start", "stop", "status", "wait", "recover"};
    CHECK_STR(dp_opt_suggest("strat", verbs, 5), "start");
    CHECK_STR(dp_opt_suggest("stat", verbs, 5), "start"); /* ties: the earlier candidate */
    CHECK_STR(dp_opt_suggest("recovr", verbs, 5), "recover");
}

static long long dur(const char *s)
{
    long long ms = -42;
    return dp_duration_parse(s, &ms) ? -1 : ms;
}

static void durations(void)
{
    CHECK_INT(dur("90s"), 90000);
    CHECK_INT(dur("10m"), 600000);
    CHECK_INT(dur("1h30m"), 5400000);
    CHECK_INT(dur("1h30m15s"), 5415000);
    CHECK_INT(dur("2m500ms"), 120500);
    CHECK_INT(dur("500ms"), 500);
    CHECK_INT(dur("1d2h"), 93600000LL);
    CHECK_INT(dur("1800"), 1800000); /* rotate --wait SECONDS, as before */
    CHECK_INT(dur("0"), 0);
    CHECK_INT(dur("10x"), -1);
    CHECK_INT(dur("1h-5m"), -1);
    CHECK_INT(dur("-5s"), -1);
    CHECK_INT(dur("+5s"), -1);
    CHECK_INT(dur(""), -1);
    CHECK_INT(dur("s"), -1);
    CHECK_INT(dur("5"), 5000);
    CHECK_INT(dur("5 s"), -1);
    CHECK_INT(dur("1.5h"), -1);
    CHECK_INT(dur("30m1h"), -1); /* largest unit first */
    CHECK_INT(dur("1m1m"), -1);  /* each unit once */
    CHECK_INT(dur("1h30"), -1);  /* a number without a unit after one with */
    CHECK_INT(dur("99999999999999999999s"), -1);
    CHECK_INT(dur("9223372036854776s"), -1); /* fits as seconds, overflows as ms */
    CHECK_INT(dur("106751991168d"), -1);
    CHECK(dp_duration_parse(NULL, &(long long){0}) == -1);
    char b[32];
    dp_duration_format(65000, b, sizeof b);
    CHECK_STR(b, "1m05s");
    dp_duration_format(7380000, b, sizeof b);
    CHECK_STR(b, "2h03m");
}

int main(void)
{
    value_forms();
    repeatables_and_positionals();
    errors();
    help();
    global_modes();
    suggestions();
    durations();
    CHECK_DONE();
}
