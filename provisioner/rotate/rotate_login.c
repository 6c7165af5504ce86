/* rotate_login.c - where the login test and the sql method reach the database: the secret's
 * host/port/dbname (what AWS's rotation functions read), else the live writer endpoint of the
 * DB cluster that takes its password from the secret, else the SSM parameters the template
 * marks with Metadata {"dmsprov:login": "host"|"port"|"dbname"}. A secret cannot hold its own
 * cluster's endpoint (the cluster refers to the secret), hence the fallbacks. */
#include "provisioner/rotate/rotate_login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/jsonutil.h"
#include "drivers/base/num.h"
#include "provisioner/rotate/rotate_aws.h"
#include "provisioner/rotate/rotate_record.h"

/* Owned copy of the secret's key k (a string, or a number such as "port": 5432), or NULL. */
static char *json_text(const cJSON *doc, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, k);
    if (cJSON_IsNumber(v)) {
        char n[32];
        snprintf(n, sizeof n, "%lld", dp_double_to_ll_or(v->valuedouble, 0));
        return strdup(n);
    }
    return dp_json_nonempty_str(doc, k) ? strdup(v->valuestring) : NULL;
}

static void set_owned(char **slot, char *value)
{
    if (!*slot) {
        *slot = value;
    } else {
        free(value);
    }
}

/* The first cluster that takes its password from the secret, or NULL. */
static const dp_rot_target *cluster_of(const dp_rot_run *r)
{
    for (size_t i = 0; i < r->cfg.ntargets; i++)
        if (r->cfg.targets[i].kind == DP_ROT_CLUSTER)
            return &r->cfg.targets[i];
    return NULL;
}

static int from_cluster(dp_rot_run *r, const dp_rot_target *t, dp_rot_login *l, dp_err *e)
{
    const char *id = dp_rot_physical_id(r, t->logical_id, t->name);
    if (!id) {
        dp_err_set(e, DP_E_NOT_FOUND, "%s: no physical id in the state and no DBClusterIdentifier", t->logical_id);
        return -1;
    }
    char *host, *port, *dbname;
    if (dp_rot_rds_endpoint(r->c, id, &host, &port, &dbname, e))
        return -1;
    l->host = host;
    l->port = port;
    set_owned(&l->dbname, dbname);
    snprintf(l->from, sizeof l->from, "the endpoint of DB cluster %s (%s)", t->logical_id, id);
    return 0;
}

/* Fills what is still missing (all, or the dbname a cluster lacks) from the SSM parameters
 * marked dmsprov:login. */
static int from_ssm(dp_rot_run *r, dp_rot_login *l, dp_err *e)
{
    for (size_t i = 0; i < r->cfg.nlogin; i++) {
        const dp_rot_login_param *p = &r->cfg.login[i];
        char **slot = p->field == DP_ROT_LOGIN_HOST ? &l->host : p->field == DP_ROT_LOGIN_PORT ? &l->port : &l->dbname;
        if (*slot)
            continue;
        const char *name = dp_rot_physical_id(r, p->logical_id, p->name);
        if (!name) {
            dp_err_set(e, DP_E_NOT_FOUND, "%s: no physical id in the state and no Name in the template", p->logical_id);
            return -1;
        }
        if (dp_rot_ssm_get(r->c, name, slot, e))
            return -1;
        if (p->field == DP_ROT_LOGIN_HOST)
            snprintf(l->from, sizeof l->from, "SSM parameter %s (%s)", p->logical_id, name);
    }
    return 0;
}

int dp_rot_login_find(dp_rot_run *r, const cJSON *secret_doc, dp_rot_login *l, dp_err *e)
{
    memset(l, 0, sizeof *l);
    l->db.user = dp_json_nonempty_str(secret_doc, "username");
    l->db.connect_timeout = 5;
    int rc = 0;
    if (dp_json_nonempty_str(secret_doc, "host")) {
        l->host = json_text(secret_doc, "host");
        l->port = json_text(secret_doc, "port");
        l->dbname = json_text(secret_doc, "dbname");
        snprintf(l->from, sizeof l->from, "the secret");
    } else {
        l->dbname = json_text(secret_doc, "dbname");
        const dp_rot_target *t = cluster_of(r);
        rc = (t && from_cluster(r, t, l, e)) || from_ssm(r, l, e) ? -1 : 0;
        if (!rc && !l->port) /* the secret's port goes with a host found elsewhere */
            l->port = json_text(secret_doc, "port");
    }
    if (!rc && !l->port && !(l->port = strdup("5432"))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        rc = -1;
    }
    l->db.host = l->host;
    l->db.port = l->port;
    l->db.dbname = l->dbname;
    if (rc)
        dp_rot_login_cleanup(l);
    return rc;
}

void dp_rot_login_cleanup(dp_rot_login *l)
{
    free(l->host);
    free(l->port);
    free(l->dbname);
    memset(l, 0, sizeof *l);
}
