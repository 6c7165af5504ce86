/* param_inputs.c - collecting parameter values from arguments and parameter files. */
#include "templates/param_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "templates/yaml_loader.h"

void dp_param_inputs_init(dp_param_inputs *in) { memset(in, 0, sizeof *in); }

void dp_param_inputs_cleanup(dp_param_inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].key);
        /* Values can be passwords: wipe before freeing. */
        if (in->v[i].value) {
            volatile char *p = in->v[i].value;
            while (*p)
                *p++ = 0;
        }
        free(in->v[i].value);
        free(in->v[i].file);
    }
    free(in->v);
    memset(in, 0, sizeof *in);
}

const dp_param_input *dp_param_inputs_find(const dp_param_inputs *in, const char *key)
{
    for (size_t i = 0; in && i < in->n; i++)
        if (!strcmp(in->v[i].key, key))
            return &in->v[i];
    return NULL;
}

int dp_param_inputs_set(dp_param_inputs *in, const char *key, const char *value,
                        const char *file, int line, int col, dp_err *e)
{
    char *k = strdup(key), *v = strdup(value), *o = file ? strdup(file) : NULL;
    if (!k || !v || (file && !o)) {
        free(k);
        free(v);
        free(o);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < in->n; i++) {
        if (!strcmp(in->v[i].key, key)) {
            free(in->v[i].key);
            free(in->v[i].value);
            free(in->v[i].file);
            in->v[i] = (dp_param_input){k, v, o, line, col};
            return 0;
        }
    }
    if (in->n == in->cap) {
        size_t ncap = in->cap ? in->cap * 2 : 8;
        dp_param_input *nv = realloc(in->v, ncap * sizeof *nv);
        if (!nv) {
            free(k);
            free(v);
            free(o);
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
        in->v = nv;
        in->cap = ncap;
    }
    in->v[in->n++] = (dp_param_input){k, v, o, line, col};
    return 0;
}

int dp_param_inputs_add_arg(dp_param_inputs *in, const char *arg, dp_err *e)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        /* Never echo the argument: it may hold a password. */
        dp_err_set(e, DP_E_USAGE, "--parameter expects Key=Value");
        return -1;
    }
    char key[256];
    size_t klen = (size_t)(eq - arg);
    if (klen >= sizeof key) {
        dp_err_set(e, DP_E_USAGE, "--parameter: key is too long");
        return -1;
    }
    memcpy(key, arg, klen);
    key[klen] = '\0';
    return dp_param_inputs_set(in, key, eq + 1, NULL, 0, 0, e);
}

/* Scalars keep their text; a list of scalars becomes CloudFormation's comma-delimited form. */
static int value_text(const dp_node *v, dp_buf *out)
{
    if (v->kind == DP_N_SCALAR)
        return dp_buf_puts(out, v->str);
    if (v->kind != DP_N_SEQ)
        return 1;
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->kind != DP_N_SCALAR)
            return 1;
        if ((i && dp_buf_putc(out, ',')) || dp_buf_puts(out, v->items[i]->str))
            return -1;
    }
    if (!v->n)
        return dp_buf_puts(out, "");
    return 0;
}

static int add_node(dp_param_inputs *in, const char *file, const char *key, const dp_node *v,
                    dp_diags *d, dp_err *e)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    int rc = value_text(v, &b);
    if (rc > 0) {
        dp_diags_add(d, DP_DIAG_ERROR, file, v->line, v->col,
                     "parameter \"%s\": value must be a string, number or list, not %s", key,
                     dp_node_kind_word(v));
    } else if (rc == 0) {
        rc = dp_param_inputs_set(in, key, dp_buf_str(&b), file, v->line, v->col, e);
    }
    dp_buf_cleanup(&b);
    return rc;
}

static int load_aws_list(dp_param_inputs *in, const char *file, const dp_node *root, dp_diags *d,
                         dp_err *e)
{
    int bad = 0;
    for (size_t i = 0; i < root->n; i++) {
        const dp_node *it = root->items[i];
        if (it->kind != DP_N_MAP) {
            dp_diags_add(d, DP_DIAG_ERROR, file, it->line, it->col,
                         "expected {\"ParameterKey\": …, \"ParameterValue\": …}, got %s",
                         dp_node_kind_word(it));
            bad = 1;
            continue;
        }
        const dp_node *k = dp_node_get(it, "ParameterKey"), *v = dp_node_get(it, "ParameterValue");
        const dp_node *prev = dp_node_get(it, "UsePreviousValue");
        bool b = false;
        if (prev && (dp_node_is_bool(prev, &b) ? b : true)) {
            dp_diags_add(d, DP_DIAG_ERROR, file, prev->line, prev->col,
                         "UsePreviousValue is not supported: give ParameterValue");
            bad = 1;
            continue;
        }
        for (size_t j = 0; j < it->n; j++) {
            const char *kk = it->pairs[j].key;
            if (strcmp(kk, "ParameterKey") && strcmp(kk, "ParameterValue") &&
                strcmp(kk, "UsePreviousValue") && strcmp(kk, "ResolvedValue")) {
                dp_diags_add(d, DP_DIAG_ERROR, file, it->pairs[j].line, it->pairs[j].col,
                             "unknown key \"%s\" (expected ParameterKey, ParameterValue)", kk);
                bad = 1;
            }
        }
        if (!k || k->kind != DP_N_SCALAR || !k->len) {
            dp_diags_add(d, DP_DIAG_ERROR, file, it->line, it->col, "ParameterKey is missing");
            bad = 1;
            continue;
        }
        if (!v) {
            dp_diags_add(d, DP_DIAG_ERROR, file, it->line, it->col,
                         "parameter \"%s\": ParameterValue is missing", k->str);
            bad = 1;
            continue;
        }
        int rc = add_node(in, file, k->str, v, d, e);
        if (rc < 0)
            return -1;
        bad |= rc > 0;
    }
    return bad;
}

int dp_param_inputs_load_file(dp_param_inputs *in, const char *path, dp_diags *d, dp_err *e)
{
    size_t before = d ? d->errors : 0;
    dp_diags local;
    dp_diags_init(&local);
    dp_diags *dd = d ? d : &local;
    dp_doc *doc = dp_load_file(path, dd);
    int rc = 0;
    if (!doc) {
        rc = -1;
    } else if (!doc->root) {
        dp_diags_add(dd, DP_DIAG_ERROR, path, 0, 0, "parameters file is empty");
        rc = -1;
    } else if (doc->root->kind == DP_N_SEQ) {
        rc = load_aws_list(in, path, doc->root, dd, e);
    } else if (doc->root->kind == DP_N_MAP) {
        for (size_t i = 0; i < doc->root->n && rc >= 0; i++) {
            int r = add_node(in, path, doc->root->pairs[i].key, doc->root->pairs[i].value, dd, e);
            rc = r < 0 ? -1 : (rc | r);
        }
    } else {
        dp_diags_add(dd, DP_DIAG_ERROR, path, doc->root->line, doc->root->col,
                     "a parameters file holds a list of {ParameterKey, ParameterValue} or a map");
        rc = -1;
    }
    dp_doc_free(doc);
    if (rc != 0 || dd->errors > before) {
        if (!e || !e->message[0] || e->kind == DP_OK)
            dp_err_set(e, DP_E_INPUT, "%s: invalid parameters file", path);
        rc = -1;
    }
    dp_diags_cleanup(&local);
    return rc;
}
