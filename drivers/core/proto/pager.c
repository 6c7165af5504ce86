/* pager.c - the pagination loop shared by the JSON, Query and REST-XML protocols. */
#include "drivers/core/proto/pager.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 1000000L

int dp_paginate(const char *op, dp_page_fetch_fn fetch, void *ctx, dp_err *e)
{
    char *token = NULL;
    int rc = -1;
    for (long pages = 0; pages < MAX_PAGES; pages++) {
        char *next = NULL;
        if (fetch(ctx, token, &next, e)) {
            free(next);
            goto done;
        }
        bool more = next && next[0] && !(token && !strcmp(token, next));
        free(token);
        token = more ? next : NULL;
        if (!more) {
            free(next);
            rc = 0;
            goto done;
        }
    }
    dp_err_set(e, DP_E_PARSE, "%s: pagination did not end", op);
done:
    free(token);
    return rc;
}
