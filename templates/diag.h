/* diag.h - collected template diagnostics: "file:line:col: error: message".
 *
 * Validation reports every problem it finds instead of stopping at the first; the caller
 * prints them sorted by position. A dp_diags owns its entries (dp_diags_cleanup). */
#ifndef DP_TPL_DIAG_H
#define DP_TPL_DIAG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "drivers/base/buf.h"

typedef enum dp_diag_level { DP_DIAG_ERROR = 0, DP_DIAG_WARNING } dp_diag_level;

typedef struct dp_diag {
    char *file;        /* owned */
    int line, col;     /* 1-based; 0 when the problem has no position (then "file: error: …") */
    dp_diag_level level;
    char *msg;         /* owned */
    size_t seq;        /* insertion order, the tie-breaker when sorting */
} dp_diag;

typedef struct dp_diags {
    dp_diag *v;
    size_t n, cap;
    size_t errors, warnings;
    size_t max;        /* stop collecting after this many (0 = 1000): bounded output */
} dp_diags;

void dp_diags_init(dp_diags *d);
void dp_diags_cleanup(dp_diags *d);
/* Adds one diagnostic; exact duplicates (same position, level and text) are dropped. */
void dp_diags_add(dp_diags *d, dp_diag_level level, const char *file, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void dp_diags_vadd(dp_diags *d, dp_diag_level level, const char *file, int line, int col,
                   const char *fmt, va_list ap);
void dp_diags_sort(dp_diags *d);
/* Appends every diagnostic as one line (sorted first). */
int dp_diags_render(dp_diags *d, dp_buf *out);
void dp_diags_print(dp_diags *d, FILE *f);

#endif
