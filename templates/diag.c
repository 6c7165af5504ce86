/* diag.c - collecting, de-duplicating, sorting and printing template diagnostics. */
#include "templates/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void dp_diags_init(dp_diags *d) { memset(d, 0, sizeof *d); }

void dp_diags_cleanup(dp_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

void dp_diags_vadd(dp_diags *d, dp_diag_level level, const char *file, int line, int col,
                   const char *fmt, va_list ap)
{
    if (!d)
        return;
    size_t max = d->max ? d->max : 1000;
    if (d->n >= max)
        return;
    dp_buf b;
    dp_buf_init(&b, 64 * 1024);
    if (dp_buf_vprintf(&b, fmt, ap)) {
        dp_buf_cleanup(&b);
        return;
    }
    const char *msg = dp_buf_str(&b);
    if (!file)
        file = "";
    for (size_t i = 0; i < d->n; i++) {
        dp_diag *o = &d->v[i];
        if (o->line == line && o->col == col && o->level == level && !strcmp(o->msg, msg) &&
            !strcmp(o->file, file)) {
            dp_buf_cleanup(&b);
            return;
        }
    }
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 16;
        dp_diag *nv = realloc(d->v, ncap * sizeof *nv);
        if (!nv) {
            dp_buf_cleanup(&b);
            return;
        }
        d->v = nv;
        d->cap = ncap;
    }
    dp_diag *x = &d->v[d->n];
    x->file = strdup(file);
    x->msg = dp_buf_steal(&b);
    if (!x->file || !x->msg) {
        free(x->file);
        free(x->msg);
        return;
    }
    x->line = line;
    x->col = col;
    x->level = level;
    x->seq = d->n;
    d->n++;
    if (level == DP_DIAG_ERROR)
        d->errors++;
    else
        d->warnings++;
}

void dp_diags_add(dp_diags *d, dp_diag_level level, const char *file, int line, int col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_diags_vadd(d, level, file, line, col, fmt, ap);
    va_end(ap);
}

static int cmp(const void *a, const void *b)
{
    const dp_diag *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void dp_diags_sort(dp_diags *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, cmp);
}

int dp_diags_render(dp_diags *d, dp_buf *out)
{
    dp_diags_sort(d);
    for (size_t i = 0; i < d->n; i++) {
        const dp_diag *x = &d->v[i];
        const char *lv = x->level == DP_DIAG_ERROR ? "error" : "warning";
        int rc = x->line > 0 ? dp_buf_printf(out, "%s:%d:%d: %s: %s\n", x->file, x->line, x->col, lv, x->msg)
                             : dp_buf_printf(out, "%s: %s: %s\n", x->file, lv, x->msg);
        if (rc)
            return -1;
    }
    return 0;
}

void dp_diags_print(dp_diags *d, FILE *f)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    if (!dp_diags_render(d, &b))
        fputs(dp_buf_str(&b), f);
    dp_buf_cleanup(&b);
}
