/* dp_resource.c - drives one resource driver operation to completion, for integration tests.
 *
 *   dp_resource TYPE create --stack S --logical L --props JSON [--token T]
 *   dp_resource TYPE read   --stack S --logical L --id PHYSICAL_ID
 *   dp_resource TYPE update --stack S --logical L --id PHYSICAL_ID --props JSON
 *   dp_resource TYPE delete --stack S --logical L --id PHYSICAL_ID [--empty-buckets] [--policy Snapshot]
 *   dp_resource TYPE list   --stack S
 *
 * Prints the resulting model as JSON on stdout (list: "LOGICAL PHYSICAL" lines); on stderr a
 * summary "polls=N requests=N". Exit 0 on success, 1 on failure (one-line error on stderr),
 * 3 when read finds nothing. The loop sleeps as the driver suggests, like the engine does.
 * DP_DEBUG=1 turns on the redacted --debug request/response log on stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/base/log.h"

#include "drivers/core/sts.h"
#include "drivers/resources/common.h"

static int on_list(void *ctx, const char *type, const char *logical_id, const char *physical_id, dp_err *e)
{
    (void)ctx;
    (void)e;
    (void)type;
    printf("%s %s\n", logical_id, physical_id);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: see dp_resource.c\n");
        return 64;
    }
    const char *type = argv[1], *op = argv[2];
    const char *stack = "test", *logical = "Resource", *id = NULL, *props = NULL, *token = NULL, *policy = "Delete";
    bool empty = false;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--empty-buckets"))
            empty = true;
        else if (v && !strcmp(a, "--stack"))
            stack = argv[++i];
        else if (v && !strcmp(a, "--logical"))
            logical = argv[++i];
        else if (v && !strcmp(a, "--id"))
            id = argv[++i];
        else if (v && !strcmp(a, "--props"))
            props = argv[++i];
        else if (v && !strcmp(a, "--token"))
            token = argv[++i];
        else if (v && !strcmp(a, "--policy"))
            policy = argv[++i];
        else {
            fprintf(stderr, "bad argument %s\n", a);
            return 64;
        }
    }
    const dp_driver *d = dp_driver_find(type);
    if (!d) {
        fprintf(stderr, "no driver for %s\n", type);
        return 64;
    }
    const char *dbg = getenv("DP_DEBUG"); /* DP_DEBUG=1: dmsprov's --debug (redacted) on stderr */
    if (dbg && !strcmp(dbg, "1"))
        dp_log_set_debug(true);
    dp_http_global_init();
    dp_err e;
    dp_err_clear(&e);
    dp_client_options o = {.assume_role = dp_sts_assume_role};
    dp_client *c = dp_client_new(&o, &e);
    dp_identity ident = {0};
    if (!c || dp_sts_get_caller_identity(c, &ident, &e)) {
        char line[1400];
        dp_err_format(&e, line, sizeof line);
        fprintf(stderr, "error: %s\n", line);
        dp_client_free(c);
        return 1;
    }
    int rc = 1;
    cJSON *desired = props ? cJSON_Parse(props) : NULL;
    if (props && !desired) {
        fprintf(stderr, "--props is not JSON\n");
        goto done;
    }
    if (!strcmp(op, "list")) {
        if (!d->list) {
            fprintf(stderr, "%s has no list\n", type);
            goto done;
        }
        rc = d->list(c, stack, on_list, NULL, &e) ? 1 : 0;
        if (rc) {
            char line[1400];
            dp_err_format(&e, line, sizeof line);
            fprintf(stderr, "error: %s\n", line);
        }
        goto done;
    }
    void (*handler)(const dp_resource_req *, dp_progress *) =
        !strcmp(op, "create") ? d->create : !strcmp(op, "read") ? d->read : !strcmp(op, "update") ? d->update
        : !strcmp(op, "delete") ? d->del : NULL;
    if (!handler) {
        fprintf(stderr, "unknown operation %s\n", op);
        goto done;
    }
    cJSON *previous = NULL;
    if (!strcmp(op, "update")) { /* the engine reads before it updates: do the same */
        dp_resource_req rr = {.client = c, .stack = stack, .logical_id = logical, .region = dp_client_region(c),
                              .account_id = ident.account, .partition = "aws", .physical_id = id};
        dp_progress p;
        dp_progress_init(&p);
        d->read(&rr, &p);
        if (p.status == DP_OP_SUCCESS)
            previous = cJSON_DetachItemFromObjectCaseSensitive(p.model, "Properties");
        dp_progress_cleanup(&p);
    }
    dp_resource_req r = {.client = c, .stack = stack, .logical_id = logical, .region = dp_client_region(c),
                         .account_id = ident.account, .partition = "aws", .physical_id = id, .desired = desired,
                         .previous = previous, .client_token = token ? token : logical, .deletion_policy = policy,
                         .empty_buckets = empty};
    cJSON *ctx = NULL;
    int polls = 0;
    for (;;) {
        dp_progress p;
        dp_progress_init(&p);
        r.context = ctx;
        handler(&r, &p);
        cJSON_Delete(ctx);
        ctx = NULL;
        if (p.status == DP_OP_IN_PROGRESS) {
            ctx = p.context;
            p.context = NULL;
            polls++;
            struct timespec ts = {p.delay_ms / 1000, (p.delay_ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) && errno == EINTR) {
            }
            dp_progress_cleanup(&p);
            continue;
        }
        if (p.status == DP_OP_SUCCESS) {
            if (p.model) {
                char *s = cJSON_Print(p.model);
                puts(s ? s : "{}");
                free(s);
            }
            rc = 0;
        } else {
            char line[1400];
            dp_err_format(&p.err, line, sizeof line);
            fprintf(stderr, "error: %s\n", line);
            rc = p.err.kind == DP_E_NOT_FOUND ? 3 : 1;
        }
        dp_progress_cleanup(&p);
        break;
    }
    fprintf(stderr, "polls=%d requests=%ld\n", polls, dp_client_request_count(c));
    cJSON_Delete(previous);
done:
    cJSON_Delete(desired);
    dp_identity_cleanup(&ident);
    dp_client_free(c);
    dp_http_global_cleanup();
    return rc;
}
