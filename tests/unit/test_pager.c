/* test_pager.c - the one pagination loop (proto/pager.h): last page, an empty or repeated
 * token, a caller that stops, a failed call, and the tokens each page is asked with. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/core/proto/pager.h"

typedef struct script {
    const char *const *next; /* token returned after page i; NULL ends the script */
    int calls;
    int fail_at;             /* call number that fails (-1: none) */
    char seen[8][16];        /* token each call was given ("-" for none) */
} script;

static int fetch(void *ctx, const char *token, char **next, dp_err *e)
{
    script *s = ctx;
    int i = s->calls++;
    snprintf(s->seen[i % 8], sizeof s->seen[0], "%s", token ? token : "-");
    if (i == s->fail_at) {
        dp_err_set(e, DP_E_IO, "page %d failed", i);
        return -1;
    }
    *next = s->next[i] ? strdup(s->next[i]) : NULL;
    return 0;
}

int main(void)
{
    dp_err e;
    /* three pages, then no token */
    const char *const three[] = {"a", "b", NULL};
    script s = {.next = three, .fail_at = -1};
    CHECK_INT(dp_paginate("List", fetch, &s, &e), 0);
    CHECK_INT(s.calls, 3);
    CHECK_STR(s.seen[0], "-");
    CHECK_STR(s.seen[1], "a");
    CHECK_STR(s.seen[2], "b");

    /* an empty token ends it like none */
    const char *const empty[] = {"a", "", "never"};
    s = (script){.next = empty, .fail_at = -1};
    CHECK_INT(dp_paginate("List", fetch, &s, &e), 0);
    CHECK_INT(s.calls, 2);

    /* a service that repeats the token it was given has no more pages */
    const char *const repeat[] = {"a", "a", "never"};
    s = (script){.next = repeat, .fail_at = -1};
    CHECK_INT(dp_paginate("List", fetch, &s, &e), 0);
    CHECK_INT(s.calls, 2);

    /* a failed call (or a caller that stops) ends it with the error */
    const char *const many[] = {"a", "b", "c", NULL};
    s = (script){.next = many, .fail_at = 1};
    dp_err_clear(&e);
    CHECK_INT(dp_paginate("List", fetch, &s, &e), -1);
    CHECK_INT(s.calls, 2);
    CHECK_STR(e.message, "page 1 failed");
    CHECK_DONE();
}
