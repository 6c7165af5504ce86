/* dp_state_tool.c - drives the state store from integration tests (provisioner/state/state.h).
 *
 *   dp_state_tool LOCATION read STACK              prints the document (one line) or "none"
 *   dp_state_tool LOCATION write STACK JSON        prints "serial N"
 *   dp_state_tool LOCATION delete STACK
 *   dp_state_tool LOCATION describe STACK
 *   dp_state_tool LOCATION hash VALUE              prints the keyed hash
 *   dp_state_tool LOCATION lock STACK OPERATION [--break] [--hold SECONDS] [--crash]
 *       takes the lock, prints "locked", holds it SECONDS, then unlocks; --crash exits without
 *       unlocking (a run that died), --break is --break-lock.
 *
 * Errors print dmsprov's one-line rendering on stderr and exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/core/sts.h"
#include "provisioner/state/state.h"

static int fail(const dp_err *e)
{
    char line[1400];
    dp_err_format(e, line, sizeof line);
    fprintf(stderr, "error: %s\n", line);
    return 1;
}

static int run(dp_state_store *s, int argc, char **argv, dp_err *e)
{
    const char *cmd = argv[2], *stack = argv[3];
    if (!strcmp(cmd, "read")) {
        cJSON *doc = NULL;
        if (dp_state_read(s, stack, &doc, e))
            return fail(e);
        char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
        puts(text ? text : "none");
        free(text);
        cJSON_Delete(doc);
    } else if (!strcmp(cmd, "write") && argc > 4) {
        cJSON *doc = cJSON_Parse(argv[4]);
        if (!doc) {
            fprintf(stderr, "bad JSON\n");
            return 1;
        }
        int rc = dp_state_write(s, stack, doc, e);
        if (!rc)
            printf("serial %d\n", (int)cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "serial")));
        cJSON_Delete(doc);
        if (rc)
            return fail(e);
    } else if (!strcmp(cmd, "delete")) {
        if (dp_state_delete(s, stack, e))
            return fail(e);
    } else if (!strcmp(cmd, "describe")) {
        puts(dp_state_describe(s, stack));
    } else if (!strcmp(cmd, "hash")) {
        char h[65];
        if (dp_state_secret_hash(s, argv[3], h, e))
            return fail(e);
        puts(h);
    } else if (!strcmp(cmd, "lock") && argc > 4) {
        bool brk = false, crash = false;
        long hold = 0;
        for (int i = 5; i < argc; i++) {
            if (!strcmp(argv[i], "--break"))
                brk = true;
            else if (!strcmp(argv[i], "--crash"))
                crash = true;
            else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
                hold = strtol(argv[++i], NULL, 10);
        }
        if (dp_state_lock(s, stack, argv[4], brk, e))
            return fail(e);
        printf("locked\n");
        fflush(stdout);
        if (hold > 0)
            sleep((unsigned)hold);
        if (crash)
            _exit(0); /* a run that died: the lock stays */
        if (dp_state_unlock(s, stack, e))
            return fail(e);
    } else {
        fprintf(stderr, "usage: see the comment at the top of dp_state_tool.c\n");
        return 64;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: see the comment at the top of dp_state_tool.c\n");
        return 64;
    }
    dp_http_global_init();
    dp_err e;
    dp_err_clear(&e);
    dp_client *c = NULL;
    if (!strncmp(argv[1], "s3://", 5)) {
        dp_client_options o = {.assume_role = dp_sts_assume_role, .max_backoff = 0.2};
        if (!(c = dp_client_new(&o, &e)))
            return fail(&e);
    }
    int rc = 1;
    dp_state_store *s = dp_state_open(argv[1], c, &e);
    if (!s)
        fail(&e);
    else
        rc = run(s, argc, argv, &e);
    dp_state_close(s);
    dp_client_free(c);
    dp_http_global_cleanup();
    return rc;
}
