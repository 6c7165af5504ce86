/* pager.h - the one pagination loop of every protocol: a page is fetched with the previous
 * page's token until there is none, the same token comes back, or the caller stops.
 *
 * Ownership: a fetch function returns the next token in *next as an owned malloc string (or
 * NULL); the pager frees it. */
#ifndef DP_PAGER_H
#define DP_PAGER_H
#include "drivers/base/err.h"

/* Fetches one page with token (NULL on the first call), hands it to the caller's page
 * callback and sets *next to the following page's token (owned; NULL or "" when this was the
 * last page). Returns 0, or -1 to stop with e filled (a failed call or a callback that
 * stopped). */
typedef int (*dp_page_fetch_fn)(void *ctx, const char *token, char **next, dp_err *e);

/* Calls fetch until the last page. A service that repeats a token has no more pages; one that
 * never ends fails after 1,000,000 pages ("<op>: pagination did not end"). */
int dp_paginate(const char *op, dp_page_fetch_fn fetch, void *ctx, dp_err *e);

#endif
