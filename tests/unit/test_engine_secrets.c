/* test_engine_secrets.c - secret hashes recorded outside apply (after `dmsprov rotate`) match
 * what apply records, so the next plan compares equal; no secret value is kept. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "provisioner/engine/engine.h"
#include "templates/value.h"

int main(void)
{
    char dir[] = "/tmp/dp-engine-secrets-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    dp_err e;
    dp_err_clear(&e);
    dp_state_store *st = dp_state_open(dir, NULL, &e);
    CHECK(st != NULL);
    cJSON *state = cJSON_Parse("{\"version\":1,\"resources\":{\"Db\":{\"type\":\"AWS::RDS::DBCluster\","
                               "\"secret_hashes\":{\"MasterUserPassword\":\"old\",\"Other\":\"keep\"}}}}");
    cJSON *props = cJSON_Parse("{\"MasterUsername\":\"admin\",\"MasterUserPassword\":{\"dp:secret\":\"n3w-pass\"}}");
    CHECK_INT(dp_engine_record_secret_hashes(st, state, "Db", dp_schema_find("AWS::RDS::DBCluster"), props, &e), 0);
    char want[65];
    CHECK_INT(dp_state_secret_hash(st, "n3w-pass", want, &e), 0);
    const cJSON *h = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(state, "resources"),
                                                                                  "Db"), "secret_hashes"), "MasterUserPassword");
    CHECK(cJSON_IsString(h) && !strcmp(h->valuestring, want));
    char *txt = cJSON_PrintUnformatted(state);
    CHECK(txt && !strstr(txt, "n3w-pass") && strstr(txt, "\"Other\":\"keep\""));
    free(txt);
    CHECK_INT(dp_engine_record_secret_hashes(st, state, "Missing", NULL, props, &e), -1);
    cJSON_Delete(props);
    cJSON_Delete(state);
    dp_state_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    CHECK_DONE();
}
