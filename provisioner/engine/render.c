/* render.c - the human and JSON forms of a plan. */
#include "provisioner/engine/render.h"

#include <stdlib.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_MAGENTA "\033[35m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *col(const dp_render_opts *o, const char *c) { return o && o->color ? c : ""; }

int dp_render_value(const cJSON *v, size_t max, dp_buf *out)
{
    if (!v)
        return dp_buf_puts(out, "null");
    /* a JSON document held as a string reads better as the document itself */
    cJSON *doc = cJSON_IsString(v) && (v->valuestring[0] == '{' || v->valuestring[0] == '[') ? cJSON_Parse(v->valuestring) : NULL;
    char *s = cJSON_PrintUnformatted(doc ? doc : v);
    cJSON_Delete(doc);
    if (!s)
        return -1;
    size_t len = strlen(s);
    int rc;
    if (max && len > max)
        rc = dp_buf_append(out, s, max) || dp_buf_puts(out, "…");
    else
        rc = dp_buf_puts(out, s);
    free(s);
    return rc;
}

/* A JSON document held as a string, parsed for a structural diff; NULL when it is not one. */
static cJSON *as_doc(const cJSON *v)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v))
        return cJSON_Duplicate(v, true);
    if (cJSON_IsString(v) && (v->valuestring[0] == '{' || v->valuestring[0] == '[')) {
        cJSON *d = cJSON_Parse(v->valuestring);
        if (cJSON_IsObject(d) || cJSON_IsArray(d))
            return d;
        cJSON_Delete(d);
    }
    return NULL;
}

static void indent(dp_buf *out, int depth)
{
    for (int i = 0; i < depth; i++)
        dp_buf_puts(out, "  ");
}

/* Key-by-key diff of two documents: only what differs is printed, with its path. */
static void doc_diff(const cJSON *a, const cJSON *b, const char *path, int depth, const dp_render_opts *o,
                     dp_buf *out)
{
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        const cJSON *k;
        cJSON_ArrayForEach(k, a)
        {
            char sub[512];
            snprintf(sub, sizeof sub, "%s.%s", path, k->string);
            const cJSON *other = cJSON_GetObjectItemCaseSensitive(b, k->string);
            if (!other) {
                indent(out, depth);
                dp_buf_printf(out, "%s-%s %s: ", col(o, C_RED), col(o, C_RESET), sub);
                dp_render_value(k, 200, out);
                dp_buf_putc(out, '\n');
            } else if (!cJSON_Compare(k, other, true)) {
                doc_diff(k, other, sub, depth, o, out);
            }
        }
        cJSON_ArrayForEach(k, b)
        {
            if (cJSON_GetObjectItemCaseSensitive(a, k->string))
                continue;
            indent(out, depth);
            dp_buf_printf(out, "%s+%s %s.%s: ", col(o, C_GREEN), col(o, C_RESET), path, k->string);
            dp_render_value(k, 200, out);
            dp_buf_putc(out, '\n');
        }
        return;
    }
    if (cJSON_IsArray(a) && cJSON_IsArray(b) && cJSON_GetArraySize(a) == cJSON_GetArraySize(b)) {
        for (int i = 0; i < cJSON_GetArraySize(a); i++) {
            const cJSON *x = cJSON_GetArrayItem(a, i), *y = cJSON_GetArrayItem(b, i);
            if (cJSON_Compare(x, y, true))
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            doc_diff(x, y, sub, depth, o, out);
        }
        return;
    }
    indent(out, depth);
    dp_buf_printf(out, "%s~%s %s: ", col(o, C_YELLOW), col(o, C_RESET), path);
    dp_render_value(a, 200, out);
    dp_buf_puts(out, " → ");
    dp_render_value(b, 200, out);
    dp_buf_putc(out, '\n');
}

static void render_change(const dp_change *c, bool creating, const dp_render_opts *o, dp_buf *out)
{
    const char *sign = c->kind == DP_CH_ADD ? "+" : c->kind == DP_CH_REMOVE ? "-" : "~";
    const char *sc = c->kind == DP_CH_ADD ? C_GREEN : c->kind == DP_CH_REMOVE ? C_RED : C_YELLOW;
    const char *tail = c->forces_replacement && !creating ? " # forces replacement" : "";
    dp_buf_printf(out, "      %s%s%s %s: ", col(o, sc), sign, col(o, C_RESET), c->property);
    if (c->kind == DP_CH_REMOVE) {
        if (c->sensitive || !c->before)
            dp_buf_puts(out, "(sensitive)");
        else
            dp_render_value(c->before, 120, out);
        dp_buf_printf(out, " → (removed)%s%s%s\n", col(o, C_DIM), tail, col(o, C_RESET));
        return;
    }
    const char *after = c->known_after_apply ? "(known after apply)" : c->sensitive ? "(sensitive)" : NULL;
    if (c->kind == DP_CH_CHANGE && !c->sensitive && !c->known_after_apply) {
        cJSON *x = as_doc(c->before), *y = as_doc(c->after);
        if (x && y && (cJSON_IsObject(x) == cJSON_IsObject(y))) {
            dp_buf_printf(out, "(document)%s%s%s\n", col(o, C_DIM), tail, col(o, C_RESET));
            doc_diff(x, y, c->property, 5, o, out);
            cJSON_Delete(x);
            cJSON_Delete(y);
            return;
        }
        cJSON_Delete(x);
        cJSON_Delete(y);
    }
    if (c->kind == DP_CH_CHANGE) {
        if (c->sensitive)
            dp_buf_puts(out, "(sensitive)");
        else if (c->before)
            dp_render_value(c->before, 120, out);
        else
            dp_buf_puts(out, "(unset)");
        dp_buf_puts(out, " → ");
    }
    if (after)
        dp_buf_puts(out, after);
    else
        dp_render_value(c->after, 120, out);
    dp_buf_printf(out, "%s%s%s\n", col(o, C_DIM), tail, col(o, C_RESET));
}

int dp_render_summary(const dp_plan *p, dp_buf *out)
{
    int add, change, replace, destroy;
    dp_plan_summary(p, &add, &change, &replace, &destroy);
    return dp_buf_printf(out, "Plan: %d to add, %d to change, %d to replace, %d to destroy.\n", add, change, replace,
                         destroy);
}

int dp_render_plan(const dp_plan *p, const dp_render_opts *o, dp_buf *out)
{
    size_t unchanged = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].kind == DP_ACT_NOOP)
            unchanged++;
    for (size_t i = 0; i < p->nwarnings; i++)
        dp_buf_printf(out, "%sWarning:%s %s\n", col(o, C_YELLOW), col(o, C_RESET), p->warnings[i]);
    if (!dp_plan_has_changes(p)) {
        return dp_buf_printf(out, "No changes. Stack %s matches the template (%zu resource%s).\n",
                             p->stack ? p->stack : "", unchanged, unchanged == 1 ? "" : "s");
    }
    dp_buf_printf(out, "Stack %s: resource actions are shown with these symbols:\n"
                       "  %s+%s create   %s~%s update in place   %s-/+%s replace   %s-%s delete\n\n",
                  p->stack ? p->stack : "", col(o, C_GREEN), col(o, C_RESET), col(o, C_YELLOW), col(o, C_RESET),
                  col(o, C_MAGENTA), col(o, C_RESET), col(o, C_RED), col(o, C_RESET));
    for (size_t i = 0; i < p->n; i++) {
        const dp_action *a = &p->v[i];
        const char *sign = "", *c = "";
        switch (a->kind) {
        case DP_ACT_CREATE: sign = "+", c = C_GREEN; break;
        case DP_ACT_UPDATE: sign = "~", c = C_YELLOW; break;
        case DP_ACT_REPLACE: sign = "-/+", c = C_MAGENTA; break;
        case DP_ACT_DELETE: sign = "-", c = C_RED; break;
        default:
            if (!o || !o->show_noop)
                continue;
            sign = " ";
        }
        dp_buf_printf(out, "  %s%s%s %s%s%s %s", col(o, c), sign, col(o, C_RESET), col(o, C_BOLD), a->type,
                      col(o, C_RESET), a->logical_id);
        if (a->physical_id)
            dp_buf_printf(out, " (%s)", a->physical_id);
        if (a->kind == DP_ACT_REPLACE)
            dp_buf_printf(out, " must be replaced: %s cannot change in place; %s", a->replace_reason ? a->replace_reason : "?",
                          a->delete_first ? "delete, then create" : "create the new one, then delete the old one");
        if (a->kind == DP_ACT_DELETE && a->retain)
            dp_buf_puts(out, " (retained)");
        dp_buf_putc(out, '\n');
        if (a->note)
            dp_buf_printf(out, "      %sWarning:%s %s\n", col(o, C_YELLOW), col(o, C_RESET), a->note);
        if (a->kind != DP_ACT_DELETE)
            for (size_t k = 0; k < a->changes.n; k++)
                render_change(&a->changes.v[k], a->kind == DP_ACT_CREATE, o, out);
    }
    dp_buf_putc(out, '\n');
    return dp_render_summary(p, out);
}

int dp_render_plan_json(const dp_plan *p, dp_buf *out)
{
    cJSON *j = dp_plan_to_json(p, false);
    char *s = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!s)
        return -1;
    int rc = dp_buf_puts(out, s) || dp_buf_putc(out, '\n');
    free(s);
    return rc;
}
