/* test_state_damaged.c - dp_state_read refuses a damaged state file with DP_E_PARSE, naming the
 * member with the wrong shape, instead of handing commands a document they would walk into a
 * crash ("resources" as a list: found by tests/fuzz fuzz_state). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "provisioner/state/state.h"

static char dir[] = "/tmp/dp_state_damaged_XXXXXX";

/* Writes text as the state of stack "lab" and reads it back; *kind gets the error kind. */
static cJSON *read_text(const char *text, int *rc, enum dp_err_kind *kind, char *msg, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        *rc = -2;
        return NULL;
    }
    fputs(text, f);
    fclose(f);
    dp_err e;
    dp_err_clear(&e);
    dp_state_store *s = dp_state_open(dir, NULL, &e);
    cJSON *doc = NULL;
    *rc = s ? dp_state_read(s, "lab", &doc, &e) : -2;
    *kind = *rc ? e.kind : DP_OK;
    snprintf(msg, n, "%s", e.message);
    dp_state_close(s);
    return doc;
}

static void check_damaged(const char *text, const char *member)
{
    int rc;
    enum dp_err_kind kind;
    char msg[768], want[64];
    cJSON *doc = read_text(text, &rc, &kind, msg, sizeof msg);
    CHECK_INT(rc, -1);
    CHECK(doc == NULL);
    CHECK_INT(kind, DP_E_PARSE);
    snprintf(want, sizeof want, "is damaged: \"%s\" has the wrong type", member);
    if (!strstr(msg, want))
        fprintf(stderr, "message for %s: %s\n", text, msg);
    CHECK(strstr(msg, want) != NULL);
    CHECK(strstr(msg, "lab.json") != NULL);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    int rc;
    enum dp_err_kind kind;
    char msg[768];

    /* What apply writes reads back. */
    cJSON *doc = read_text("{\"version\":1,\"stack\":\"lab\",\"serial\":2,\"parameters\":{\"Env\":\"dev\"},"
                           "\"resources\":{\"A\":{\"type\":\"AWS::S3::Bucket\",\"physical_id\":\"a\"}},"
                           "\"outputs\":{\"O\":\"x\"},\"rotations\":[]}",
                           &rc, &kind, msg, sizeof msg);
    CHECK_INT(rc, 0);
    CHECK(doc != NULL);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(doc, "stack")->valuestring, "lab");
    cJSON_Delete(doc);
    /* Members left out (or null) are fine: an older or minimal state. */
    doc = read_text("{\"version\":1,\"resources\":null}", &rc, &kind, msg, sizeof msg);
    CHECK_INT(rc, 0);
    CHECK(doc != NULL);
    cJSON_Delete(doc);

    check_damaged("{\"version\":1,\"resources\":[{\"physical_id\":\"x\",\"type\":\"Fake\"}]}", "resources");
    check_damaged("{\"version\":1,\"resources\":{\"A\":\"bucket-1\"}}", "resources");
    check_damaged("{\"version\":1,\"outputs\":[\"x\"]}", "outputs");
    check_damaged("{\"version\":1,\"parameters\":\"Env=dev\"}", "parameters");
    check_damaged("{\"version\":1,\"rotations\":{\"r\":1}}", "rotations");

    /* A newer format is reported as such, whatever its shape. */
    doc = read_text("{\"version\":2,\"resources\":[]}", &rc, &kind, msg, sizeof msg);
    CHECK_INT(rc, -1);
    CHECK_INT(kind, DP_E_INPUT);
    CHECK(strstr(msg, "newer dmsprov") != NULL);

    char path[128];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    unlink(path);
    rmdir(dir);
    CHECK_DONE();
}
