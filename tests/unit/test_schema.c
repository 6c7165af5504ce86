/* test_schema.c - resource-type schema lookups, known CloudFormation facts, dp_suggest. */
#include "check.h"
#include "templates/schema.h"

static const dp_schema_prop *prop(const char *type, const char *name) {
    const dp_schema_type *t = dp_schema_find(type);
    return t ? dp_schema_find_prop(t->root, name) : NULL;
}

static unsigned flags_of(const char *type, const char *name) {
    const dp_schema_prop *p = prop(type, name);
    return p ? p->flags : 0xffffffffu; /* missing: every flag test below then fails loudly */
}

static int allows(const dp_schema_prop *p, const char *value) {
    if (!p || !p->allowed)
        return 0;
    for (const char *const *a = p->allowed; *a; a++)
        if (strcmp(*a, value) == 0)
            return 1;
    return 0;
}

static size_t count_allowed(const dp_schema_prop *p) {
    size_t n = 0;
    if (p && p->allowed)
        while (p->allowed[n])
            n++;
    return n;
}

static int has_path(const dp_schema_type *t, const char *path) {
    for (const char *const *c = t ? t->create_only_paths : NULL; c && *c; c++)
        if (strcmp(*c, path) == 0)
            return 1;
    return 0;
}

/* Structural invariants every generated object must keep (sorted unique names, arrays with
 * an item kind, objects only where the kind says so). Returns the number of violations. */
static int check_object(const dp_schema_object *o, int depth) {
    int bad = 0;
    if (depth > 16)
        return 1;
    for (size_t i = 0; i < o->nprops; i++) {
        const dp_schema_prop *p = &o->props[i];
        if (i > 0 && strcmp(o->props[i - 1].name, p->name) >= 0) {
            fprintf(stderr, "%s: props not sorted at %s\n", o->name, p->name);
            bad++;
        }
        if (p->kind == DP_SK_ARRAY && p->item_kind == DP_SK_ANY) {
            fprintf(stderr, "%s.%s: array without item kind\n", o->name, p->name);
            bad++;
        }
        if (p->object && !(p->kind == DP_SK_OBJECT ||
                           (p->kind == DP_SK_ARRAY && p->item_kind == DP_SK_OBJECT))) {
            fprintf(stderr, "%s.%s: object on a non-object\n", o->name, p->name);
            bad++;
        }
        if (p->allowed && !p->allowed[0]) {
            fprintf(stderr, "%s.%s: empty allowed list\n", o->name, p->name);
            bad++;
        }
        if (p->object)
            bad += check_object(p->object, depth + 1);
    }
    return bad;
}

static void test_lookup(void) {
    size_t n = 0;
    const dp_schema_type *const *all = dp_schema_all(&n);
    CHECK_INT(n, 12);
    for (size_t i = 0; i < n; i++) {
        CHECK(dp_schema_find(all[i]->type) == all[i]);
        CHECK(all[i]->root != NULL && all[i]->root->name[0] == '\0');
        CHECK_INT(check_object(all[i]->root, 0), 0);
    }
    CHECK(dp_schema_find("AWS::S3::Bucket") != NULL);
    CHECK(dp_schema_find("AWS::DMS::ReplicationTask") != NULL);
    CHECK(dp_schema_find("AWS::S3::BucketPolicy") == NULL);
    CHECK(dp_schema_find("aws::s3::bucket") == NULL); /* type names are case-sensitive */
    CHECK(dp_schema_find("") == NULL);
    CHECK(dp_schema_find(NULL) == NULL);
    CHECK(dp_schema_find_prop(NULL, "X") == NULL);
    CHECK(prop("AWS::S3::Bucket", "NoSuchProperty") == NULL);
    CHECK(prop("AWS::S3::Bucket", "bucketname") == NULL);
}

static void test_s3(void) {
    const dp_schema_type *t = dp_schema_find("AWS::S3::Bucket");
    const dp_schema_prop *p = prop("AWS::S3::Bucket", "BucketName");
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(p->kind, DP_SK_STRING);
        CHECK(p->flags & DP_SP_CREATE_ONLY);
        CHECK(!(p->flags & DP_SP_REQUIRED));
        CHECK_INT(p->max_length, 63);
        CHECK(p->pattern != NULL);
    }
    CHECK(has_path(t, "BucketName"));
    CHECK_STR(t->primary_id[0], "BucketName");
    CHECK(t->primary_id[1] == NULL);
    CHECK(t->taggable);
    /* read-only: an attribute, not a settable property */
    CHECK(prop("AWS::S3::Bucket", "Arn") == NULL);
    CHECK(dp_schema_has_attribute(t, "Arn"));
    CHECK(dp_schema_has_attribute(t, "DomainName"));
    CHECK(!dp_schema_has_attribute(t, "BucketName"));
    CHECK(!dp_schema_has_attribute(t, "arn"));

    const dp_schema_prop *tags = prop("AWS::S3::Bucket", "Tags");
    CHECK(tags && tags->kind == DP_SK_ARRAY && tags->item_kind == DP_SK_OBJECT);
    CHECK(tags && (tags->flags & DP_SP_TAGS));
    if (tags && tags->object) {
        const dp_schema_prop *key = dp_schema_find_prop(tags->object, "Key");
        CHECK(key && (key->flags & DP_SP_REQUIRED) && key->kind == DP_SK_STRING);
        CHECK(!tags->object->additional);
    }
    /* nested definitions: VersioningConfiguration.Status is an enum */
    const dp_schema_prop *vc = prop("AWS::S3::Bucket", "VersioningConfiguration");
    CHECK(vc && vc->kind == DP_SK_OBJECT && vc->object);
    if (vc && vc->object) {
        CHECK_STR(vc->object->name, "VersioningConfiguration");
        const dp_schema_prop *st = dp_schema_find_prop(vc->object, "Status");
        CHECK(st && (st->flags & DP_SP_REQUIRED));
        CHECK(allows(st, "Enabled") && allows(st, "Suspended") && !allows(st, "enabled"));
    }
    /* nested write-only through an array: LifecycleConfiguration/Rules/ * /Transition */
    const dp_schema_prop *lc = prop("AWS::S3::Bucket", "LifecycleConfiguration");
    const dp_schema_prop *rules = lc && lc->object ? dp_schema_find_prop(lc->object, "Rules") : NULL;
    CHECK(rules && rules->kind == DP_SK_ARRAY && rules->object);
    const dp_schema_prop *tr = rules && rules->object ? dp_schema_find_prop(rules->object, "Transition") : NULL;
    CHECK(tr && (tr->flags & DP_SP_WRITE_ONLY));
    const dp_schema_prop *exp = rules && rules->object ? dp_schema_find_prop(rules->object, "ExpirationInDays") : NULL;
    CHECK(exp && exp->kind == DP_SK_INTEGER && !(exp->flags & DP_SP_WRITE_ONLY));
}

static void test_iam_ssm_secrets(void) {
    const dp_schema_prop *doc = prop("AWS::IAM::Role", "AssumeRolePolicyDocument");
    CHECK(doc && doc->kind == DP_SK_JSON && (doc->flags & DP_SP_REQUIRED));
    const dp_schema_prop *pol = prop("AWS::IAM::Role", "Policies");
    CHECK(pol && pol->kind == DP_SK_ARRAY && pol->item_kind == DP_SK_OBJECT && pol->object);
    if (pol && pol->object) {
        const dp_schema_prop *pd = dp_schema_find_prop(pol->object, "PolicyDocument");
        CHECK(pd && pd->kind == DP_SK_JSON);
    }
    CHECK(flags_of("AWS::IAM::Role", "RoleName") & DP_SP_CREATE_ONLY);
    CHECK(dp_schema_has_attribute(dp_schema_find("AWS::IAM::Role"), "Arn"));
    CHECK(dp_schema_has_attribute(dp_schema_find("AWS::IAM::Role"), "RoleId"));

    const dp_schema_prop *type = prop("AWS::SSM::Parameter", "Type");
    CHECK(type && (type->flags & DP_SP_REQUIRED));
    CHECK(allows(type, "String") && allows(type, "StringList") && allows(type, "SecureString"));
    CHECK_INT(count_allowed(type), 3);
    /* Value is secret only for SecureString: left to the evaluator */
    CHECK(!(flags_of("AWS::SSM::Parameter", "Value") & DP_SP_SECRET));
    const dp_schema_prop *ssm_tags = prop("AWS::SSM::Parameter", "Tags");
    CHECK(ssm_tags && ssm_tags->kind == DP_SK_OBJECT && ssm_tags->object == NULL);

    unsigned ss = flags_of("AWS::SecretsManager::Secret", "SecretString");
    CHECK((ss & DP_SP_SECRET) && (ss & DP_SP_WRITE_ONLY) && !(ss & DP_SP_SECURE_REF_OK));
    CHECK(prop("AWS::SecretsManager::Secret", "Id") == NULL);
    CHECK(!dp_schema_find("AWS::SecretsManager::RotationSchedule")->taggable);
    CHECK(flags_of("AWS::SecretsManager::RotationSchedule", "SecretId") & DP_SP_CREATE_ONLY);
}

static void test_rds(void) {
    const dp_schema_type *c = dp_schema_find("AWS::RDS::DBCluster");
    CHECK(flags_of("AWS::RDS::DBCluster", "Engine") & DP_SP_CREATE_ONLY);
    CHECK(has_path(c, "Engine"));
    CHECK(flags_of("AWS::RDS::DBCluster", "DBClusterIdentifier") & DP_SP_CREATE_ONLY);
    CHECK(flags_of("AWS::RDS::DBCluster", "GlobalClusterIdentifier") & DP_SP_COND_CREATE_ONLY);
    CHECK(!(flags_of("AWS::RDS::DBCluster", "EngineVersion") & DP_SP_CREATE_ONLY));
    unsigned pw = flags_of("AWS::RDS::DBCluster", "MasterUserPassword");
    CHECK((pw & DP_SP_SECRET) && (pw & DP_SP_SECURE_REF_OK) && (pw & DP_SP_WRITE_ONLY));
    CHECK(dp_schema_has_attribute(c, "Endpoint.Address"));
    CHECK(dp_schema_has_attribute(c, "Endpoint.Port"));
    CHECK(dp_schema_has_attribute(c, "ReadEndpoint.Address"));
    CHECK(!dp_schema_has_attribute(c, "MasterUserPassword"));
    CHECK(prop("AWS::RDS::DBCluster", "Endpoint") == NULL); /* read-only */
    const dp_schema_prop *sv2 = prop("AWS::RDS::DBCluster", "ServerlessV2ScalingConfiguration");
    const dp_schema_prop *maxc = sv2 && sv2->object ? dp_schema_find_prop(sv2->object, "MaxCapacity") : NULL;
    CHECK(maxc && maxc->kind == DP_SK_NUMBER);

    const dp_schema_type *i = dp_schema_find("AWS::RDS::DBInstance");
    pw = flags_of("AWS::RDS::DBInstance", "MasterUserPassword");
    CHECK((pw & DP_SP_SECRET) && (pw & DP_SP_SECURE_REF_OK));
    CHECK(flags_of("AWS::RDS::DBInstance", "TdeCredentialPassword") & DP_SP_SECRET);
    CHECK(flags_of("AWS::RDS::DBInstance", "DBInstanceIdentifier") & DP_SP_CREATE_ONLY);
    CHECK(!(flags_of("AWS::RDS::DBInstance", "Engine") & DP_SP_CREATE_ONLY));
    CHECK(flags_of("AWS::RDS::DBInstance", "Engine") & DP_SP_COND_CREATE_ONLY);
    CHECK(dp_schema_has_attribute(i, "Endpoint.Address"));
    CHECK(!dp_schema_has_attribute(i, "MasterUserPassword"));
    const dp_schema_prop *pi = prop("AWS::RDS::DBInstance", "PerformanceInsightsRetentionPeriod");
    CHECK(pi && pi->kind == DP_SK_INTEGER && allows(pi, "731") && !allows(pi, "30"));

    const dp_schema_prop *sub = prop("AWS::RDS::DBSubnetGroup", "SubnetIds");
    CHECK(sub && sub->kind == DP_SK_ARRAY && sub->item_kind == DP_SK_STRING && !sub->object);
    CHECK(sub && (sub->flags & DP_SP_REQUIRED));
}

static void test_dms(void) {
    const dp_schema_prop *mt = prop("AWS::DMS::ReplicationTask", "MigrationType");
    CHECK(mt && (mt->flags & DP_SP_REQUIRED));
    CHECK(allows(mt, "full-load") && allows(mt, "cdc") && allows(mt, "full-load-and-cdc"));
    CHECK_INT(count_allowed(mt), 3);
    CHECK(!allows(mt, "full"));
    const dp_schema_prop *tm = prop("AWS::DMS::ReplicationTask", "TableMappings");
    CHECK(tm && tm->kind == DP_SK_JSON && (tm->flags & DP_SP_REQUIRED));
    const dp_schema_prop *rts = prop("AWS::DMS::ReplicationTask", "ReplicationTaskSettings");
    CHECK(rts && rts->kind == DP_SK_JSON);
    const dp_schema_prop *csp = prop("AWS::DMS::ReplicationTask", "CdcStartPosition");
    CHECK(csp && csp->kind == DP_SK_STRING);
    CHECK(flags_of("AWS::DMS::ReplicationTask", "SourceEndpointArn") & DP_SP_CREATE_ONLY);
    CHECK(dp_schema_has_attribute(dp_schema_find("AWS::DMS::ReplicationTask"), "Id"));

    unsigned pw = flags_of("AWS::DMS::Endpoint", "Password");
    CHECK((pw & DP_SP_SECRET) && (pw & DP_SP_SECURE_REF_OK));
    const dp_schema_prop *ora = prop("AWS::DMS::Endpoint", "OracleSettings");
    CHECK(ora && ora->kind == DP_SK_OBJECT && ora->object);
    const dp_schema_prop *asm_pw = ora && ora->object ? dp_schema_find_prop(ora->object, "AsmPassword") : NULL;
    CHECK(asm_pw && (asm_pw->flags & DP_SP_SECRET) && !(asm_pw->flags & DP_SP_SECURE_REF_OK));
    const dp_schema_prop *s3 = prop("AWS::DMS::Endpoint", "S3Settings");
    CHECK(s3 && s3->kind == DP_SK_OBJECT && s3->object && !s3->object->additional);
    CHECK(allows(prop("AWS::DMS::Endpoint", "EndpointType"), "source"));
    CHECK(prop("AWS::DMS::Endpoint", "Port") && prop("AWS::DMS::Endpoint", "Port")->kind == DP_SK_INTEGER);
    CHECK(dp_schema_find("AWS::DMS::Endpoint")->root->additional == false);

    const dp_schema_type *ri = dp_schema_find("AWS::DMS::ReplicationInstance");
    CHECK(flags_of("AWS::DMS::ReplicationInstance", "ReplicationInstanceClass") & DP_SP_REQUIRED);
    CHECK(dp_schema_has_attribute(ri, "ReplicationInstancePrivateIpAddresses"));
    CHECK(prop("AWS::DMS::ReplicationInstance", "ReplicationInstancePrivateIpAddresses") == NULL);
}

static void test_suggest(void) {
    size_t n = 0;
    const dp_schema_type *const *all = dp_schema_all(&n);
    const char *types[16];
    for (size_t i = 0; i < n && i < 16; i++)
        types[i] = all[i]->type;
    CHECK_STR(dp_suggest("AWS::S3::Buckt", types, n), "AWS::S3::Bucket");
    CHECK_STR(dp_suggest("AWS::DMS::Endpiont", types, n), "AWS::DMS::Endpoint"); /* a swap */
    CHECK_STR(dp_suggest("aws::rds::dbcluster", types, n), "AWS::RDS::DBCluster");
    CHECK(dp_suggest("AWS::EC2::VPC", types, n) == NULL);

    const dp_schema_object *root = dp_schema_find("AWS::S3::Bucket")->root;
    const char *names[64];
    size_t k = 0;
    for (; k < root->nprops && k < 64; k++)
        names[k] = root->props[k].name;
    CHECK_STR(dp_suggest("BucketNam", names, k), "BucketName");
    CHECK_STR(dp_suggest("Tag", names, k), "Tags");
    CHECK_STR(dp_suggest("VersioningConfigration", names, k), "VersioningConfiguration");
    CHECK(dp_suggest("VersioningConfig", names, k) == NULL); /* 7 edits > 16 / 3 */
    CHECK(dp_suggest("Zebra", names, k) == NULL);
    CHECK(dp_suggest("", names, k) == NULL);
    CHECK(dp_suggest(NULL, names, k) == NULL);
    CHECK(dp_suggest("BucketNam", NULL, 0) == NULL);

    const char *few[] = {"Alpha", NULL, "Beta"};
    CHECK_STR(dp_suggest("Btea", few, 3), "Beta");
    CHECK(dp_suggest("Gamma", few, 3) == NULL);
    /* threshold: 2 edits for short words, len/3 for long ones */
    const char *one[] = {"abcdefghijkl"};
    CHECK_STR(dp_suggest("abcdefghiXYZ", one, 1), "abcdefghijkl"); /* 3 edits, 12/3 = 4 */
    CHECK(dp_suggest("abcdefXYZXYl", one, 1) == NULL);            /* 5 edits */
    const char *shortw[] = {"abcd"};
    CHECK_STR(dp_suggest("abXY", shortw, 1), "abcd");
    CHECK(dp_suggest("aXYZ", shortw, 1) == NULL);
    /* the closest wins; ties go to the first candidate */
    const char *close[] = {"Porter", "Port", "Part"};
    CHECK_STR(dp_suggest("Port", close, 3), "Port");
    CHECK_STR(dp_suggest("Pqrt", close, 3), "Port");
}

int main(void) {
    test_lookup();
    test_s3();
    test_iam_ssm_secrets();
    test_rds();
    test_dms();
    test_suggest();
    CHECK_DONE();
}
