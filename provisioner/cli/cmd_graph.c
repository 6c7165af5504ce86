/* cmd_graph.c - `dmsprov graph`: the resource dependency graph as Graphviz DOT, or rendered
 * to SVG/PNG through Graphviz's `dot` when it is installed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "provisioner/cli/cmd_template.h"
#include "provisioner/engine/engine.h"
#include "templates/dot.h"
#include "templates/template.h"

/* True when an executable named prog is on PATH. */
static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *copy = strdup(path), *save = NULL;
    bool found = false;
    for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", *dir ? dir : ".", prog);
        found = access(full, X_OK) == 0;
    }
    free(copy);
    return found;
}

/* Pipes text into `dot -T<fmt>`, whose output goes to our stdout. */
static int render(const char *fmt, const char *text, size_t len)
{
    int fds[2];
    if (pipe(fds))
        return dp_cli_fail("cannot run dot: %s", strerror(errno));
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return dp_cli_fail("cannot run dot: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        char arg[16];
        snprintf(arg, sizeof arg, "-T%s", fmt);
        execlp("dot", "dot", arg, (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fds[1], text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fds[1]);
    signal(SIGPIPE, old);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        return dp_cli_fail("dot -T%s failed (exit status %d)", fmt, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return DP_EXIT_OK;
}

int dp_cmd_graph(const dp_globals *g, int argc, char **argv)
{
    static const char *const formats[] = {"dot", "svg", "png", "text", NULL};
    dp_tpl_cli o;
    dp_tpl_cli_init(&o);
    int format = 0;
    const dp_option opts[] = {
        DP_OPT_STRING_REQ('t', "template", &o.template_path, "FILE", "the template (YAML or JSON)"),
        DP_OPT_LIST('p', "parameter", &o.parameter, "KEY=VALUE", "a parameter value (repeatable; overrides the file)"),
        DP_OPT_STRING(0, "parameters-file", &o.parameters_file, "FILE", "AWS CLI JSON or a YAML/JSON map of parameter values"),
        DP_OPT_CHOICE(0, "format", &format, formats,
                      "dot (default): Graphviz DOT; svg, png: rendered by Graphviz's 'dot';\n"
                      "text: the resolved template"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "graph",
        .options = opts,
        .description = "Prints the template's resources and their dependencies (Ref, Fn::GetAtt, Fn::Sub,\n"
                       "DependsOn, after conditions) as Graphviz DOT, resources coloured by service. svg and png\n"
                       "are rendered by Graphviz's 'dot' (must be on PATH); text prints the resolved template.\n",
        .examples = "dmsprov graph -t examples/lab-20.1/template.yaml | dot -Tsvg > lab.svg\n"
                    "dmsprov graph -t lab.yaml --format png > lab.png\n"
                    "dmsprov graph -t lab.yaml --parameter Env=prod --format text",
    };
    int rc = dp_opt_parse(&cmd, argc, argv);
    if (!rc)
        rc = dp_tpl_cli_finish(&o, "graph");
    if (rc) {
        dp_tpl_cli_cleanup(&o);
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    }
    const char *fmt = o.format = formats[format];
    bool rendered = !strcmp(fmt, "svg") || !strcmp(fmt, "png");
    if (rendered && !on_path("dot")) {
        dp_tpl_cli_cleanup(&o);
        return dp_cli_fail("--format %s needs Graphviz's 'dot' on PATH (not found); use --format dot and render it elsewhere", fmt);
    }
    dp_tpl_context ctx = {.region = g ? g->region : NULL};
    if (!ctx.region)
        ctx.region = getenv("AWS_REGION");
    dp_tpl_options topts = {.params = &o.params, .ctx = &ctx, .type_rules = dp_engine_type_rules()};
    dp_diags d;
    dp_diags_init(&d);
    dp_template *t = dp_template_load(o.template_path, &topts, &d);
    dp_diags_print(&d, stderr);
    if (!t) {
        fprintf(stderr, "%s: %zu error%s\n", o.template_path, d.errors, d.errors == 1 ? "" : "s");
        rc = DP_EXIT_ERROR;
    } else {
        dp_buf out;
        dp_buf_init(&out, 0);
        int brc = !strcmp(fmt, "text") ? dp_template_dump(t, &out) : dp_template_dot(t, &out);
        if (brc)
            rc = dp_cli_fail("out of memory");
        else if (rendered)
            rc = render(fmt, dp_buf_str(&out), out.len);
        else
            fputs(dp_buf_str(&out), stdout);
        dp_buf_cleanup(&out);
    }
    dp_template_free(t);
    dp_diags_cleanup(&d);
    dp_tpl_cli_cleanup(&o);
    return rc;
}
