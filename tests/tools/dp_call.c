/* dp_call.c - a raw AWS call through dmsprov's client core, for integration tests.
 *
 *   dp_call json SERVICE OPERATION [JSON]            e.g. dp_call json dms DescribeEndpoints '{}'
 *   dp_call json-pages SERVICE OPERATION TOKENKEY [JSON]   prints one line per page
 *   dp_call query SERVICE OPERATION [KEY=VALUE ...]  prints the answer XML
 *   dp_call query-pages SERVICE OPERATION [KEY=VALUE ...]  prints one line per page
 *   dp_call s3 METHOD BUCKET|- [KEY|-] [QUERY|-] [BODY]
 *   dp_call s3-list BUCKET PREFIX|- MAXKEYS          prints keys, one per line, and the page count
 *
 * Errors print dmsprov's one-line rendering on stderr and exit 1. DP_DEBUG=1 turns on the
 * redacted --debug request/response log on stderr. */
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/log.h"
#include "drivers/core/sts.h"

#include "drivers/core/proto/json.h"
#include "drivers/core/proto/query.h"
#include "drivers/core/proto/restxml.h"

static const dp_service *service(const char *name)
{
    const dp_service *all[] = {&dp_svc_dms, &dp_svc_rds, &dp_svc_ssm, &dp_svc_secretsmanager,
                               &dp_svc_iam, &dp_svc_sts, &dp_svc_s3, &dp_svc_tagging};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i]->name, name))
            return all[i];
    return NULL;
}

static int fail(const dp_err *e)
{
    char line[1400];
    dp_err_format(e, line, sizeof line);
    fprintf(stderr, "error: %s\n", line);
    return 1;
}

static int pages;
static int json_page(void *ctx, const cJSON *page, dp_err *e)
{
    (void)ctx;
    (void)e;
    char *s = cJSON_PrintUnformatted(page);
    printf("page %d: %s\n", ++pages, s ? s : "");
    free(s);
    return 0;
}

static int query_page(void *ctx, xmlNodePtr result, dp_err *e)
{
    (void)ctx;
    (void)e;
    xmlBufferPtr b = xmlBufferCreate();
    xmlNodeDump(b, result->doc, result, 0, 0);
    printf("page %d: %s\n", ++pages, (const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    return 0;
}

static int s3_page(void *ctx, xmlDocPtr doc, dp_err *e)
{
    (void)ctx;
    (void)e;
    pages++;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr c = dp_xml_child(root, "Contents"); c; c = dp_xml_next_same(c)) {
        char *k = dp_xml_text(c, "Key");
        printf("%s\n", k ? k : "");
        free(k);
    }
    return 0;
}

static const char *opt(const char *s) { return s && strcmp(s, "-") ? s : NULL; }

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: see the comment at the top of dp_call.c\n");
        return 64;
    }
    const char *dbg = getenv("DP_DEBUG"); /* DP_DEBUG=1: dmsprov's --debug (redacted) on stderr */
    if (dbg && !strcmp(dbg, "1"))
        dp_log_set_debug(true);
    dp_http_global_init();
    dp_err e;
    dp_err_clear(&e);
    dp_client_options o = {.assume_role = dp_sts_assume_role};
    const char *mb = getenv("DP_TEST_MAX_BACKOFF");
    if (mb)
        o.max_backoff = strtod(mb, NULL);
    dp_client *c = dp_client_new(&o, &e);
    if (!c)
        return fail(&e);
    int rc = 1;
    const char *kind = argv[1];
    if (!strcmp(kind, "json") || !strcmp(kind, "json-pages")) {
        bool paged = !strcmp(kind, "json-pages");
        const dp_service *svc = argc > 3 ? service(argv[2]) : NULL;
        const char *input = argc > (paged ? 5 : 4) ? argv[paged ? 5 : 4] : "{}";
        cJSON *in = cJSON_Parse(input), *out = NULL;
        if (!svc || !in || (paged && argc < 5)) {
            fprintf(stderr, "bad service or JSON input\n");
            cJSON_Delete(in);
            goto done;
        }
        if (paged) {
            if (!dp_json_paginate(c, svc, argv[3], in, argv[4], json_page, NULL, &e)) {
                printf("pages: %d\n", pages);
                rc = 0;
            }
        } else if (!dp_json_call(c, svc, argv[3], in, &out, &e)) {
            char *s = cJSON_Print(out);
            puts(s ? s : "");
            free(s);
            rc = 0;
        }
        cJSON_Delete(in);
        cJSON_Delete(out);
    } else if (!strcmp(kind, "query") || !strcmp(kind, "query-pages")) {
        const dp_service *svc = argc > 3 ? service(argv[2]) : NULL;
        if (!svc)
            goto done;
        dp_params p;
        dp_params_init(&p, argv[3], svc->api_version);
        for (int i = 4; i < argc; i++) {
            char *eq = strchr(argv[i], '=');
            if (!eq)
                continue;
            *eq = '\0';
            dp_params_add(&p, argv[i], eq + 1);
        }
        if (!strcmp(kind, "query-pages")) {
            if (!dp_query_paginate(c, svc, argv[3], &p, query_page, NULL, &e)) {
                printf("pages: %d\n", pages);
                rc = 0;
            }
        } else {
            xmlDocPtr doc = NULL;
            if (!dp_query_call(c, svc, argv[3], &p, &doc, &e)) {
                xmlChar *mem = NULL;
                int len = 0;
                xmlDocDumpMemory(doc, &mem, &len);
                printf("%s\n", (const char *)mem);
                xmlFree(mem);
                xmlFreeDoc(doc);
                rc = 0;
            }
        }
        dp_params_cleanup(&p);
    } else if (!strcmp(kind, "s3") && argc >= 4) {
        const char *body = argc > 6 ? argv[6] : NULL;
        dp_s3_request r = {.operation = argv[2], .method = argv[2], .bucket = opt(argv[3]),
                           .key = argc > 4 ? opt(argv[4]) : NULL, .query = argc > 5 ? opt(argv[5]) : NULL,
                           .body = body, .body_len = body ? strlen(body) : 0};
        dp_response resp;
        dp_response_init(&resp);
        if (!dp_s3_call(c, &r, &resp, &e)) {
            printf("HTTP %ld\n%s\n", resp.status, dp_buf_str(&resp.body));
            rc = 0;
        }
        dp_response_cleanup(&resp);
    } else if (!strcmp(kind, "s3-list") && argc >= 5) {
        if (!dp_s3_list_objects(c, argv[2], opt(argv[3]), (int)strtol(argv[4], NULL, 10), s3_page, NULL, &e)) {
            printf("pages: %d\n", pages);
            rc = 0;
        }
    } else {
        fprintf(stderr, "unknown kind %s\n", kind);
    }
    if (rc && e.kind)
        fail(&e);
    printf("requests: %ld\n", dp_client_request_count(c));
done:
    dp_client_free(c);
    dp_http_global_cleanup();
    return rc;
}
