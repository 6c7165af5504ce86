/* test_template_corpus.c - runs one data-driven template case from tests/templates/.
 *
 * A case file has sections introduced by "=== name" lines:
 *   === template     the template text (loaded as "template.yaml")
 *   === parameters   optional, KEY=VALUE lines (as --parameter)
 *   === context      optional, key=value lines: region, account_id, stack_name, stack_id
 *   === resolver     optional, fake SSM/Secrets Manager: "ssm:NAME=VALUE", "secret:ID=VALUE"
 *   === options      optional: "strict" (every parameter needs a value)
 *   === expect       the exact output: diagnostics (sorted), then for a template that loads
 *                    its dp_template_dump() rendering
 * Cases under good/ must load; cases under bad/ must not. Usage: test_template_corpus FILE
 * [--print] (--print shows the actual output, for writing a new case). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "templates/template.h"

typedef struct section {
    char name[32];
    dp_buf text;
} section;

static section secs[8];
static int nsecs;

static const char *sec(const char *name)
{
    for (int i = 0; i < nsecs; i++)
        if (!strcmp(secs[i].name, name))
            return dp_buf_str(&secs[i].text);
    return NULL;
}

static int parse_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[8192];
    section *cur = NULL;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "=== ", 4)) {
            if (nsecs == 8)
                break;
            cur = &secs[nsecs++];
            snprintf(cur->name, sizeof cur->name, "%.*s", (int)strcspn(line + 4, " \r\n"), line + 4);
            dp_buf_init(&cur->text, 0);
            dp_buf_puts(&cur->text, "");
            continue;
        }
        if (cur)
            dp_buf_puts(&cur->text, line);
    }
    fclose(f);
    return 0;
}

typedef struct fake {
    const char *spec;
} fake;

/* Finds "prefix:name=value" in the resolver section. */
static char *lookup(const char *spec, const char *prefix, const char *name)
{
    char want[512];
    snprintf(want, sizeof want, "%s:%s=", prefix, name);
    const char *p = spec;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= strlen(want) && !strncmp(p, want, strlen(want)))
            return strndup(p + strlen(want), n - strlen(want));
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static int fake_ssm(void *ctx, const char *name, long version, bool decrypt, char **value, dp_err *e)
{
    char key[512];
    snprintf(key, sizeof key, "%s%s%ld", name, version ? ":" : "", version);
    if (!version)
        snprintf(key, sizeof key, "%s", name);
    *value = lookup(((fake *)ctx)->spec, decrypt ? "ssm-secure" : "ssm", key);
    if (!*value) {
        dp_err_set(e, DP_E_NOT_FOUND, "ParameterNotFound: %s", name);
        return -1;
    }
    return 0;
}

static int fake_secret(void *ctx, const char *id, const char *stage, const char *version_id, char **value, dp_err *e)
{
    (void)stage;
    (void)version_id;
    *value = lookup(((fake *)ctx)->spec, "secret", id);
    if (!*value) {
        dp_err_set(e, DP_E_NOT_FOUND, "ResourceNotFoundException: secret %s", id);
        return -1;
    }
    return 0;
}

static void kv_lines(const char *text, void (*fn)(void *, const char *, const char *), void *ctx)
{
    char *copy = strdup(text ? text : ""), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(l, '=');
        if (!eq || l[0] == '#')
            continue;
        *eq = '\0';
        fn(ctx, l, eq + 1);
    }
    free(copy);
}

static void add_param(void *ctx, const char *k, const char *v)
{
    dp_param_inputs_set(ctx, k, v, NULL, 0, 0, NULL);
}

static char ctxbuf[4][256];
static void set_ctx(void *ctx, const char *k, const char *v)
{
    dp_tpl_context *c = ctx;
    const char *keys[] = {"region", "account_id", "stack_name", "stack_id"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(k, keys[i]))
            continue;
        snprintf(ctxbuf[i], sizeof ctxbuf[i], "%s", v);
        if (i == 0)
            c->region = ctxbuf[i];
        else if (i == 1)
            c->account_id = ctxbuf[i];
        else if (i == 2)
            c->stack_name = ctxbuf[i];
        else
            c->stack_id = ctxbuf[i];
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.test [--print]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    bool print = argc > 2 && !strcmp(argv[2], "--print");
    CHECK(parse_file(path) == 0);
    const char *tmpl = sec("template"), *expect = sec("expect");
    CHECK(tmpl != NULL);
    CHECK(print || expect != NULL);
    if (!tmpl)
        CHECK_DONE();
    dp_param_inputs in;
    dp_param_inputs_init(&in);
    kv_lines(sec("parameters"), add_param, &in);
    dp_tpl_context ctx = {0};
    kv_lines(sec("context"), set_ctx, &ctx);
    fake fk = {sec("resolver")};
    dp_resolver res = {&fk, fake_ssm, fake_secret};
    const char *opt = sec("options");
    dp_tpl_options o = {.params = &in, .ctx = &ctx, .resolver = fk.spec ? &res : NULL,
                        .require_all_params = opt && strstr(opt, "strict")};
    dp_diags d;
    dp_diags_init(&d);
    dp_template *t = dp_template_load_buf("template.yaml", tmpl, strlen(tmpl), &o, &d);
    dp_buf out;
    dp_buf_init(&out, 0);
    dp_diags_render(&d, &out);
    if (t)
        dp_template_dump(t, &out);
    if (print) {
        fputs(dp_buf_str(&out), stdout);
    } else {
        CHECK_STR(dp_buf_str(&out), expect);
        if (strstr(path, "/bad/")) {
            CHECK(t == NULL);
            CHECK(d.errors > 0);
        } else {
            CHECK(t != NULL);
        }
    }
    dp_template_free(t);
    dp_buf_cleanup(&out);
    dp_diags_cleanup(&d);
    dp_param_inputs_cleanup(&in);
    for (int i = 0; i < nsecs; i++)
        dp_buf_cleanup(&secs[i].text);
    CHECK_DONE();
}
