/* bucket.c - AWS::S3::Bucket: name (or generated, lower case), tags, versioning, default
 * encryption, public access block (all blocked unless the template says otherwise), lifecycle
 * rules; region-correct create. Ref (and PhysicalId) is the bucket name.
 *
 * S3 has no client token: the ownership tags go into CreateBucket itself (and PutBucketTagging
 * for endpoints that ignore them), and a retried create adopts a bucket whose tags say it is
 * ours. A non-empty bucket is only deleted when the request allows emptying it (every version
 * and delete marker, a page per round). Waits follow waiters-2.json: BucketExists (HeadBucket
 * 200) and BucketNotExists (HeadBucket 404). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/adopt.h"
#include "drivers/resources/common.h"
#include "drivers/resources/s3/bucket_api.h"
#include "drivers/resources/s3/bucket_internal.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::S3::Bucket"

/* Builds the configuration documents once, so bad input fails before anything exists. */
static int check_props(const cJSON *desired, dp_err *e)
{
    const cJSON *be = dp_prop(desired, "BucketEncryption"), *lc = dp_prop(desired, "LifecycleConfiguration");
    xmlDocPtr enc = be ? dp_s3x_encryption(be, e) : NULL;
    xmlDocPtr life = lc ? dp_s3x_lifecycle(lc, e) : NULL;
    int rc = (be && !enc) || (lc && !life) ? -1 : 0;
    xmlFreeDoc(enc);
    xmlFreeDoc(life);
    return rc;
}

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    (void)r;
    const char *name = dp_prop_str(desired, "BucketName");
    if (!name)
        return 1;
    snprintf(id, n, "%s", name);
    return 0;
}

static bool missing(const dp_err *e, const char *code)
{
    return !strcmp(e->aws_code, code) || e->http_status == 404;
}

/* GET ?sub; *doc NULL (and 0 returned) when S3 answers the given "not configured" code. */
static int get_sub(dp_client *c, const char *bucket, const char *op, const char *query, const char *absent,
                   xmlDocPtr *doc, dp_err *e)
{
    if (!dp_s3b_call(c, op, "GET", bucket, query, NULL, doc, e))
        return 0;
    if (!strcmp(e->aws_code, absent)) {
        dp_err_clear(e);
        return 0;
    }
    if (!strcmp(e->aws_code, "NoSuchBucket"))
        e->kind = DP_E_NOT_FOUND;
    return -1;
}

/* HeadBucket, the lookup convention of err.h: DP_FOUND, DP_MISSING (404) or -1 (403 = another
 * account's: DP_E_CONFLICT). */
static int head(dp_client *c, const char *bucket, dp_err *e)
{
    if (!dp_s3b_call(c, "HeadBucket", "HEAD", bucket, NULL, NULL, NULL, e))
        return DP_FOUND;
    if (e->http_status == 404) {
        dp_err_clear(e);
        return DP_MISSING;
    }
    if (e->http_status == 403) {
        dp_err_set(e, DP_E_CONFLICT, "bucket %s exists and belongs to another account", bucket);
        return -1;
    }
    return -1;
}

static int live_tags(dp_client *c, const char *bucket, cJSON **tags, dp_err *e)
{
    xmlDocPtr doc = NULL;
    if (get_sub(c, bucket, "GetBucketTagging", "tagging=", "NoSuchTagSet", &doc, e))
        return -1;
    *tags = dp_s3x_tags_from(doc);
    xmlFreeDoc(doc);
    return 0;
}

static void add_attrs(cJSON *m, const dp_resource_req *r, const char *bucket)
{
    const char *part = r->partition ? r->partition : "aws";
    const char *dns = !strcmp(part, "aws-cn") ? "amazonaws.com.cn" : "amazonaws.com";
    const char *region = r->region ? r->region : "us-east-1";
    char s[512];
    snprintf(s, sizeof s, "arn:%s:s3:::%s", part, bucket);
    dp_model_attr(m, "Arn", s);
    snprintf(s, sizeof s, "%s.s3.%s", bucket, dns);
    dp_model_attr(m, "DomainName", s);
    snprintf(s, sizeof s, "%s.s3.%s.%s", bucket, region, dns);
    dp_model_attr(m, "RegionalDomainName", s);
    snprintf(s, sizeof s, "%s.s3.dualstack.%s.%s", bucket, region, dns);
    dp_model_attr(m, "DualStackDomainName", s);
    snprintf(s, sizeof s, "http://%s.s3-website-%s.%s", bucket, region, dns);
    dp_model_attr(m, "WebsiteURL", s);
}

/* Everything we manage, in template form. DP_E_NOT_FOUND when the bucket is gone. */
static int read_model(const dp_resource_req *r, const char *bucket, cJSON **model, dp_err *e)
{
    int h = head(r->client, bucket, e);
    if (h != DP_FOUND) {
        if (h == DP_MISSING)
            dp_err_set(e, DP_E_NOT_FOUND, "bucket %s does not exist", bucket);
        return -1;
    }
    cJSON *props = cJSON_CreateObject(), *tags = NULL;
    cJSON_AddStringToObject(props, "BucketName", bucket);
    xmlDocPtr ver = NULL, enc = NULL, pab = NULL, lc = NULL;
    int rc = live_tags(r->client, bucket, &tags, e) ||
             get_sub(r->client, bucket, "GetBucketVersioning", "versioning=", "", &ver, e) ||
             get_sub(r->client, bucket, "GetBucketEncryption", "encryption=",
                     "ServerSideEncryptionConfigurationNotFoundError", &enc, e) ||
             get_sub(r->client, bucket, "GetPublicAccessBlock", "publicAccessBlock=",
                     "NoSuchPublicAccessBlockConfiguration", &pab, e) ||
             get_sub(r->client, bucket, "GetBucketLifecycleConfiguration", "lifecycle=", "NoSuchLifecycleConfiguration",
                     &lc, e);
    if (!rc) {
        cJSON *t = dp_tags_template_form(tags, "Key", "Value");
        if (t)
            cJSON_AddItemToObject(props, "Tags", t);
        char *status = ver ? dp_xml_text(xmlDocGetRootElement(ver), "Status") : NULL;
        if (status) /* never-versioned buckets have no Status */
            cJSON_AddStringToObject(cJSON_AddObjectToObject(props, "VersioningConfiguration"), "Status", status);
        free(status);
        cJSON *o;
        if ((o = dp_s3x_encryption_from(enc)))
            cJSON_AddItemToObject(props, "BucketEncryption", o);
        if ((o = dp_s3x_public_access_block_from(pab)))
            cJSON_AddItemToObject(props, "PublicAccessBlockConfiguration", o);
        if ((o = dp_s3x_lifecycle_from(lc)))
            cJSON_AddItemToObject(props, "LifecycleConfiguration", o);
        *model = dp_model_new(bucket, props);
        add_attrs(*model, r, bucket);
    } else
        cJSON_Delete(props);
    cJSON_Delete(tags);
    xmlFreeDoc(ver);
    xmlFreeDoc(enc);
    xmlFreeDoc(pab);
    xmlFreeDoc(lc);
    return rc ? -1 : 0;
}

static void read_bucket(const dp_resource_req *r, dp_progress *p)
{
    cJSON *m = NULL;
    dp_err e = {0};
    if (read_model(r, r->physical_id, &m, &e))
        dp_progress_fail(p, r, "reading", &e);
    else
        dp_progress_success(p, m);
}

static int put_doc(dp_client *c, const char *bucket, const char *op, const char *query, xmlDocPtr doc, dp_err *e)
{
    if (!doc)
        return -1;
    int rc = dp_s3b_call(c, op, "PUT", bucket, query, doc, NULL, e);
    xmlFreeDoc(doc);
    return rc;
}

/* Brings tags and configurations to the desired ones; live = the current properties (or
 * NULL for a new bucket). */
static int converge(const dp_resource_req *r, const char *bucket, const cJSON *live, dp_err *e)
{
    dp_client *c = r->client;
    const cJSON *d = r->desired;
    cJSON *tags = dp_tags_with_ownership(dp_prop(d, "Tags"), r->stack, r->logical_id);
    int rc = put_doc(c, bucket, "PutBucketTagging", "tagging=", dp_s3x_tagging(tags), e);
    cJSON_Delete(tags);
    if (rc)
        return -1;
    const char *status = dp_prop_str(dp_prop(d, "VersioningConfiguration"), "Status");
    const char *lstatus = dp_prop_str(dp_prop(live, "VersioningConfiguration"), "Status");
    if (!status && lstatus && !strcmp(lstatus, "Enabled"))
        status = "Suspended"; /* versioning can be suspended, never switched off */
    if (status && (!lstatus || strcmp(status, lstatus)) &&
        put_doc(c, bucket, "PutBucketVersioning", "versioning=", dp_s3x_versioning(status), e))
        return -1;
    const cJSON *be = dp_prop(d, "BucketEncryption");
    if (be && put_doc(c, bucket, "PutBucketEncryption", "encryption=", dp_s3x_encryption(be, e), e))
        return -1;
    if (!be && dp_prop(live, "BucketEncryption") && dp_prop(r->previous, "BucketEncryption") &&
        dp_s3b_call(c, "DeleteBucketEncryption", "DELETE", bucket, "encryption=", NULL, NULL, e))
        return -1;
    if (put_doc(c, bucket, "PutPublicAccessBlock", "publicAccessBlock=",
                dp_s3x_public_access_block(dp_prop(d, "PublicAccessBlockConfiguration")), e))
        return -1;
    const cJSON *lc = dp_prop(d, "LifecycleConfiguration");
    if (lc && put_doc(c, bucket, "PutBucketLifecycleConfiguration", "lifecycle=", dp_s3x_lifecycle(lc, e), e))
        return -1;
    if (!lc && dp_prop(live, "LifecycleConfiguration") &&
        dp_s3b_call(c, "DeleteBucketLifecycle", "DELETE", bucket, "lifecycle=", NULL, NULL, e))
        return -1;
    return 0;
}

/* SUCCESS with a fresh read, or IN_PROGRESS while HeadBucket still says 404 (BucketExists). */
static void finish(const dp_resource_req *r, const char *bucket, const char *verb, dp_progress *p)
{
    cJSON *m = NULL;
    dp_err e = {0};
    if (!read_model(r, bucket, &m, &e)) {
        dp_progress_success(p, m);
        return;
    }
    if (e.kind == DP_E_NOT_FOUND && dp_poll_count(r) < 60) {
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx, "bucket", bucket);
        dp_progress_wait(p, r, ctx, "bucket becoming visible");
        return;
    }
    dp_progress_fail(p, r, verb, &e);
}

/* ---- create: the shared flow of adopt.h ---- */

static int probe(const dp_resource_req *r, void *self, const char *bucket, dp_err *e)
{
    (void)self;
    int h = head(r->client, bucket, e);
    if (h < 0 && e->kind == DP_E_CONFLICT) { /* another account's: reported as our own sentence only */
        char msg[sizeof e->message];
        snprintf(msg, sizeof msg, "%s", e->message);
        dp_err_clear(e);
        dp_err_set(e, DP_E_CONFLICT, "%s", msg);
    }
    return h;
}

static int owner_tags(const dp_resource_req *r, void *self, const char *bucket, cJSON **tags, dp_err *e)
{
    (void)self;
    return live_tags(r->client, bucket, tags, e);
}

static int make(const dp_resource_req *r, void *self, const char *bucket, dp_err *e)
{
    (void)self;
    const char *region = r->region && strcmp(r->region, "us-east-1") ? r->region : NULL;
    cJSON *tags = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    xmlDocPtr cfg = dp_s3x_create_configuration(region, tags);
    cJSON_Delete(tags);
    int rc = dp_s3b_call(r->client, "CreateBucket", "PUT", bucket, NULL, cfg, NULL, e);
    xmlFreeDoc(cfg);
    /* BucketAlreadyOwnedByYou right after a 404: our own create whose answer was lost. It is
     * converged as a new bucket, not adopted (its tags are not read). */
    if (!rc || !strcmp(e->aws_code, "BucketAlreadyOwnedByYou")) {
        dp_err_clear(e);
        return 0;
    }
    if (!strcmp(e->aws_code, "BucketAlreadyExists")) { /* someone else's: never adopted */
        dp_err_clear(e);
        dp_err_set(e, DP_E_CONFLICT, "bucket name %s is taken by another account", bucket);
    }
    return -1;
}

/* Converges from live (NULL for a new bucket), then waits for it to be visible. */
static void converge_finish(const dp_resource_req *r, const char *bucket, const cJSON *live, dp_progress *p)
{
    dp_err e = {0};
    if (converge(r, bucket, live, &e))
        dp_progress_fail(p, r, "creating", &e);
    else
        finish(r, bucket, "creating", p);
}

static void adopted(const dp_resource_req *r, void *self, const char *bucket, dp_progress *p)
{
    (void)self;
    cJSON *m = NULL;
    dp_err e = {0};
    if (read_model(r, bucket, &m, &e)) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    converge_finish(r, bucket, dp_prop(m, "Properties"), p);
    cJSON_Delete(m);
}

static void made(const dp_resource_req *r, void *self, const char *bucket, dp_progress *p)
{
    (void)self;
    converge_finish(r, bucket, NULL, p);
}

static const dp_adopt_ops create_ops = {
    .what = "bucket",
    .physical_id_for = physical_id_for,
    .generated_max = 63,
    .generated_lower = true, /* bucket names are lower case */
    .exists_codes = NULL,    /* BucketAlreadyOwnedByYou is a success of make (see there) */
    .probe = probe,
    .owner_tags = owner_tags,
    .make = make,
    .adopted = adopted,
    .made = made,
};

static void create(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    const char *waiting = dp_prop_str(r->context, "bucket");
    if (waiting) {
        finish(r, waiting, "creating", p);
        return;
    }
    if (dp_refuse_unsupported(TYPE, r, "creating", p))
        return;
    if (check_props(r->desired, &e)) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    char bucket[80];
    dp_create_or_adopt(&create_ops, NULL, r, bucket, sizeof bucket, p);
}

static void update(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    cJSON *m = NULL;
    if (dp_refuse_unsupported(TYPE, r, "updating", p))
        return;
    if (check_props(r->desired, &e) || read_model(r, r->physical_id, &m, &e)) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    int rc = converge(r, r->physical_id, dp_prop(m, "Properties"), &e);
    cJSON_Delete(m);
    if (rc)
        dp_progress_fail(p, r, "updating", &e);
    else
        finish(r, r->physical_id, "updating", p);
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    const char *bucket = r->physical_id;
    int h = head(r->client, bucket, &e);
    if (h == DP_MISSING) {
        dp_progress_success(p, NULL);
        return;
    }
    if (h < 0) {
        dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    if (dp_prop(r->context, "deleted")) { /* BucketNotExists: still visible */
        dp_progress_wait(p, r, cJSON_Duplicate(r->context, 1), "bucket deleting");
        return;
    }
    /* A few rounds per call keep each handler call short on huge buckets. */
    for (int round = 0; round < 5; round++) {
        int found = 0;
        if (dp_s3_empty_round(r->client, bucket, r->empty_buckets, &found, &e)) {
            dp_progress_fail(p, r, "emptying", &e);
            return;
        }
        if (found && !r->empty_buckets) {
            dp_progress_failf(p, DP_E_CONFLICT,
                              "deleting %s: bucket %s is not empty (%d%s objects or versions); empty it, or delete "
                              "with emptying allowed (--empty-buckets)",
                              r->logical_id, bucket, found, found >= 1000 ? "+" : "");
            return;
        }
        if (!found)
            break;
        if (round == 4) {
            dp_progress_wait(p, r, cJSON_CreateObject(), "emptying bucket");
            return;
        }
    }
    if (dp_s3b_call(r->client, "DeleteBucket", "DELETE", bucket, NULL, NULL, NULL, &e) &&
        !missing(&e, "NoSuchBucket")) {
        if (!strcmp(e.aws_code, "BucketNotEmpty") && r->empty_buckets) { /* written meanwhile: go again */
            dp_progress_wait(p, r, cJSON_CreateObject(), "emptying bucket");
            return;
        }
        dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddTrueToObject(ctx, "deleted");
    dp_progress_wait(p, r, ctx, "bucket deleting");
}

struct list_ctx {
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    const char *logical = dp_tag_value(tags, DP_TAG_LOGICAL_ID), *name = strstr(arn, ":::");
    return logical && name ? l->fn(l->ctx, TYPE, logical, name + 3, e) : 0;
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    struct list_ctx l = {fn, ctx};
    return dp_tagging_find(c, stack, "s3", on_tagged, &l, e);
}

static const char *const applies[] = {"BucketName", "Tags", "VersioningConfiguration", "BucketEncryption",
                                      "PublicAccessBlockConfiguration", "LifecycleConfiguration", NULL};

const dp_driver dp_driver_s3_bucket = {
    .type = TYPE,
    .create = create,
    .read = read_bucket,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "BucketName",
    .applies = applies,
    .reads_back = applies,
    .seconds = {.create = 2, .update = 2, .del = 2},
    .caps = DP_CAP_REFUSES_OTHERS,
};
