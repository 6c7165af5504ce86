/* rotate.h - `dmsprov rotate`: the RDS master password rotation that dmsprov performs itself
 * (RotationSchedule with HostedRotationLambda PostgreSQLSingleUser), after the Secrets Manager
 * rotation protocol: create (AWSPENDING) -> set (database) -> test (login) -> finish
 * (AWSCURRENT moves; dependents updated). See docs/ROTATION.md.
 *
 * Ownership: a dp_rot_config owns every string and array in it (dp_rot_config_cleanup). */
#ifndef DP_ROTATE_H
#define DP_ROTATE_H
#include <stdbool.h>
#include <stddef.h>

#include "drivers/base/err.h"
#include "provisioner/session/session.h"

/* The secret reference inside rendered dependent values (see dp_rot_target.render). */
#define DP_ROT_SECRET_MARK "\x01secret\x01"

typedef enum dp_rot_kind {
    DP_ROT_CLUSTER,     /* AWS::RDS::DBCluster: MasterUserPassword refers to the secret */
    DP_ROT_SSM,         /* AWS::SSM::Parameter: Value holds a copy (ssm PutParameter) */
    DP_ROT_ENDPOINT,    /* AWS::DMS::Endpoint: Password refers to the secret (ModifyEndpoint) */
    DP_ROT_ENDPOINT_SM  /* AWS::DMS::Endpoint reading the secret by SecretsManagerSecretId */
} dp_rot_kind;

typedef struct dp_rot_target {
    dp_rot_kind kind;
    char *logical_id;
    char *name;   /* the physical name the template gives (Name, DBClusterIdentifier,
                   * EndpointIdentifier), or NULL; the state's physical id wins */
    /* CLUSTER / SSM / ENDPOINT: the property's text with each reference to the secret written
     * as DP_ROT_SECRET_MARK, e.g. "{{resolve:secretsmanager:\x01secret\x01:SecretString:password}}". */
    char *render;
    /* The property render comes from ("MasterUserPassword", "Value", "Password"; a static
     * string): its keyed hash in the state (secret_hashes) is renewed on finish. NULL when
     * render is not the template's value (an SSM copy marked dmsprov:password-of). */
    const char *prop;
} dp_rot_target;

/* Where the database's login coordinates may be read when the secret lacks them: an
 * AWS::SSM::Parameter with Metadata {"dmsprov:login": "host"|"port"|"dbname"}. */
typedef enum dp_rot_login_field { DP_ROT_LOGIN_HOST, DP_ROT_LOGIN_PORT, DP_ROT_LOGIN_DBNAME } dp_rot_login_field;

typedef struct dp_rot_login_param {
    dp_rot_login_field field;
    char *logical_id;
    char *name; /* the template's literal Name, or NULL (the state's physical id wins) */
} dp_rot_login_param;

typedef struct dp_rot_config {
    char *schedule_id;       /* the RotationSchedule's logical id */
    char *secret_id;         /* the secret's logical id */
    char *secret_name;       /* its Name property when a literal, else NULL */
    long after_days;         /* RotationRules.AutomaticallyAfterDays or 0 */
    char *expression;        /* RotationRules.ScheduleExpression or NULL */
    /* password rules: the secret's GenerateSecretString, RDS's exclusions added */
    long length;             /* PasswordLength, default 32 */
    char *exclude_chars;     /* ExcludeCharacters plus / @ " and space */
    bool exclude_punctuation, exclude_numbers, exclude_upper, exclude_lower, include_space;
    bool require_each;       /* RequireEachIncludedType (default true) */
    dp_rot_target *targets;
    size_t ntargets;
    dp_rot_login_param *login; /* SSM parameters marked dmsprov:login */
    size_t nlogin;
} dp_rot_config;

/* Reads the template at path (raw structure: it needs to see where values come from) and
 * finds the RotationSchedule (the one for secret_logical_id when given, else the only one),
 * its secret and every dependent. Fails (DP_E_INPUT) when there is none, when several match,
 * or when the schedule names a rotation Lambda (dmsprov only performs PostgreSQLSingleUser). */
int dp_rot_config_load(const char *path, const char *secret_logical_id, dp_rot_config *out, dp_err *e);
void dp_rot_config_cleanup(dp_rot_config *c);

/* The new value of a dependent: render with every
 * "{{resolve:secretsmanager:<MARK>[:SecretString[:key[:stage[:version]]]]}}" replaced by the
 * secret string's key (the whole string when no key). *out owned (free). */
int dp_rot_render_value(const char *render, const char *secret_string, char **out, dp_err *e);

typedef enum dp_rot_method { DP_ROT_API, DP_ROT_SQL } dp_rot_method;

typedef struct dp_rot_options {
    const char *stack;
    const char *template_path; /* NULL: the state's "template" (written by apply) */
    const char *secret;        /* --secret LOGICAL_ID or NULL */
    dp_rot_method method;
    bool if_due, dry_run;
    long wait_seconds;         /* api: how long to wait for the cluster (default 1800) */
} dp_rot_options;

/* Runs one rotation (or resumes an interrupted one). Prints progress on stdout; returns a
 * DP_EXIT_* code and prints its own error line. */
int dp_rotate_run(const dp_globals *g, const dp_rot_options *o);

/* `--print-cron`: crontab line and systemd timer + service for this stack on stdout. */
int dp_rotate_print_cron(const dp_globals *g, const dp_rot_options *o);

#endif
