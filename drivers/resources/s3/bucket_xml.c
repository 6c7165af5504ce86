/* bucket_xml.c - S3 bucket configurations: template form <-> S3's XML documents.
 * Element order follows the botocore shapes (S3 validates request documents strictly). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/common.h"
#include "drivers/resources/s3/bucket_api.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

static xmlDocPtr new_doc(const char *root_name, xmlNodePtr *root)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    *root = xmlNewNode(NULL, BAD_CAST root_name);
    xmlSetNs(*root, xmlNewNs(*root, BAD_CAST S3_NS, NULL));
    xmlDocSetRootElement(doc, *root);
    return doc;
}

static xmlNodePtr add(xmlNodePtr parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
}

static void add_long(xmlNodePtr parent, const char *name, long v)
{
    char s[24];
    snprintf(s, sizeof s, "%ld", v);
    add(parent, name, s);
}

static void add_bool(xmlNodePtr parent, const char *name, bool v) { add(parent, name, v ? "true" : "false"); }

static void add_tags(xmlNodePtr parent, const char *elem, const cJSON *tags)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        xmlNodePtr n = add(parent, elem, NULL);
        add(n, "Key", dp_prop_str(t, "Key"));
        add(n, "Value", dp_prop_str(t, "Value") ? dp_prop_str(t, "Value") : "");
    }
}

xmlDocPtr dp_s3x_tagging(const cJSON *tags)
{
    xmlNodePtr root;
    xmlDocPtr doc = new_doc("Tagging", &root);
    add_tags(add(root, "TagSet", NULL), "Tag", tags);
    return doc;
}

xmlDocPtr dp_s3x_versioning(const char *status)
{
    xmlNodePtr root;
    xmlDocPtr doc = new_doc("VersioningConfiguration", &root);
    add(root, "Status", status);
    return doc;
}

xmlDocPtr dp_s3x_create_configuration(const char *region, const cJSON *tags)
{
    xmlNodePtr root;
    xmlDocPtr doc = new_doc("CreateBucketConfiguration", &root);
    if (region)
        add(root, "LocationConstraint", region);
    if (cJSON_GetArraySize(tags))
        add_tags(add(root, "Tags", NULL), "Tag", tags);
    return doc;
}

xmlDocPtr dp_s3x_encryption(const cJSON *be, dp_err *e)
{
    const cJSON *rules = dp_prop(be, "ServerSideEncryptionConfiguration");
    if (!cJSON_IsArray(rules) || !cJSON_GetArraySize(rules)) {
        dp_err_set(e, DP_E_INPUT, "BucketEncryption.ServerSideEncryptionConfiguration needs at least one rule");
        return NULL;
    }
    xmlNodePtr root;
    xmlDocPtr doc = new_doc("ServerSideEncryptionConfiguration", &root);
    const cJSON *r;
    cJSON_ArrayForEach(r, rules)
    {
        xmlNodePtr rule = add(root, "Rule", NULL);
        const cJSON *def = dp_prop(r, "ServerSideEncryptionByDefault");
        if (def) {
            xmlNodePtr d = add(rule, "ApplyServerSideEncryptionByDefault", NULL);
            add(d, "SSEAlgorithm", dp_prop_str(def, "SSEAlgorithm") ? dp_prop_str(def, "SSEAlgorithm") : "AES256");
            if (dp_prop_str(def, "KMSMasterKeyID"))
                add(d, "KMSMasterKeyID", dp_prop_str(def, "KMSMasterKeyID"));
        }
        if (dp_prop(r, "BucketKeyEnabled"))
            add_bool(rule, "BucketKeyEnabled", dp_prop_bool(r, "BucketKeyEnabled", false));
    }
    return doc;
}

xmlDocPtr dp_s3x_public_access_block(const cJSON *pab)
{
    static const char *const keys[] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                       "RestrictPublicBuckets"};
    xmlNodePtr root;
    xmlDocPtr doc = new_doc("PublicAccessBlockConfiguration", &root);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) /* unset keys are off, as in CFN */
        add_bool(root, keys[i], pab ? dp_prop_bool(pab, keys[i], false) : true);
    return doc;
}

static void add_filter(xmlNodePtr rule, const cJSON *r)
{
    const char *prefix = dp_prop_str(r, "Prefix");
    const cJSON *tags = dp_prop(r, "TagFilters");
    const char *gt = dp_prop_str(r, "ObjectSizeGreaterThan"), *lt = dp_prop_str(r, "ObjectSizeLessThan");
    int conds = (prefix != NULL) + cJSON_GetArraySize(tags) + (gt != NULL) + (lt != NULL);
    xmlNodePtr f = add(rule, "Filter", NULL);
    if (conds == 0)
        add(f, "Prefix", "");
    else if (conds == 1 && prefix)
        add(f, "Prefix", prefix);
    else if (conds == 1 && cJSON_GetArraySize(tags) == 1)
        add_tags(f, "Tag", tags);
    else if (conds == 1 && gt)
        add(f, "ObjectSizeGreaterThan", gt);
    else if (conds == 1 && lt)
        add(f, "ObjectSizeLessThan", lt);
    else {
        xmlNodePtr and = add(f, "And", NULL);
        if (prefix)
            add(and, "Prefix", prefix);
        add_tags(and, "Tag", tags);
        if (gt)
            add(and, "ObjectSizeGreaterThan", gt);
        if (lt)
            add(and, "ObjectSizeLessThan", lt);
    }
}

static void add_transition(xmlNodePtr rule, const char *elem, const cJSON *t, bool noncurrent)
{
    xmlNodePtr n = add(rule, elem, NULL);
    if (noncurrent) {
        add_long(n, "NoncurrentDays", dp_prop_long(t, "TransitionInDays", 0));
        add(n, "StorageClass", dp_prop_str(t, "StorageClass"));
        if (dp_prop(t, "NewerNoncurrentVersions"))
            add_long(n, "NewerNoncurrentVersions", dp_prop_long(t, "NewerNoncurrentVersions", 0));
        return;
    }
    if (dp_prop_str(t, "TransitionDate"))
        add(n, "Date", dp_prop_str(t, "TransitionDate"));
    if (dp_prop(t, "TransitionInDays"))
        add_long(n, "Days", dp_prop_long(t, "TransitionInDays", 0));
    add(n, "StorageClass", dp_prop_str(t, "StorageClass"));
}

xmlDocPtr dp_s3x_lifecycle(const cJSON *lc, dp_err *e)
{
    const cJSON *rules = dp_prop(lc, "Rules");
    if (!cJSON_IsArray(rules) || !cJSON_GetArraySize(rules)) {
        dp_err_set(e, DP_E_INPUT, "LifecycleConfiguration.Rules needs at least one rule");
        return NULL;
    }
    xmlNodePtr root;
    xmlDocPtr doc = new_doc("LifecycleConfiguration", &root);
    const cJSON *r;
    int i = 0;
    cJSON_ArrayForEach(r, rules)
    {
        i++;
        const char *status = dp_prop_str(r, "Status");
        if (!status) {
            dp_err_set(e, DP_E_INPUT, "LifecycleConfiguration rule %d needs Status", i);
            xmlFreeDoc(doc);
            return NULL;
        }
        xmlNodePtr rule = add(root, "Rule", NULL);
        if (dp_prop(r, "ExpirationInDays") || dp_prop_str(r, "ExpirationDate") ||
            dp_prop(r, "ExpiredObjectDeleteMarker")) {
            xmlNodePtr x = add(rule, "Expiration", NULL);
            if (dp_prop_str(r, "ExpirationDate"))
                add(x, "Date", dp_prop_str(r, "ExpirationDate"));
            if (dp_prop(r, "ExpirationInDays"))
                add_long(x, "Days", dp_prop_long(r, "ExpirationInDays", 0));
            if (dp_prop(r, "ExpiredObjectDeleteMarker"))
                add_bool(x, "ExpiredObjectDeleteMarker", dp_prop_bool(r, "ExpiredObjectDeleteMarker", false));
        }
        if (dp_prop_str(r, "Id"))
            add(rule, "ID", dp_prop_str(r, "Id"));
        add_filter(rule, r);
        add(rule, "Status", status);
        const cJSON *t;
        cJSON_ArrayForEach(t, dp_prop(r, "Transitions")) add_transition(rule, "Transition", t, false);
        if (dp_prop(r, "Transition")) /* the deprecated single form */
            add_transition(rule, "Transition", dp_prop(r, "Transition"), false);
        cJSON_ArrayForEach(t, dp_prop(r, "NoncurrentVersionTransitions"))
            add_transition(rule, "NoncurrentVersionTransition", t, true);
        if (dp_prop(r, "NoncurrentVersionTransition"))
            add_transition(rule, "NoncurrentVersionTransition", dp_prop(r, "NoncurrentVersionTransition"), true);
        const cJSON *nve = dp_prop(r, "NoncurrentVersionExpiration");
        if (nve || dp_prop(r, "NoncurrentVersionExpirationInDays")) {
            xmlNodePtr x = add(rule, "NoncurrentVersionExpiration", NULL);
            add_long(x, "NoncurrentDays", nve ? dp_prop_long(nve, "NoncurrentDays", 0)
                                              : dp_prop_long(r, "NoncurrentVersionExpirationInDays", 0));
            if (dp_prop(nve, "NewerNoncurrentVersions"))
                add_long(x, "NewerNoncurrentVersions", dp_prop_long(nve, "NewerNoncurrentVersions", 0));
        }
        const cJSON *ab = dp_prop(r, "AbortIncompleteMultipartUpload");
        if (ab)
            add_long(add(rule, "AbortIncompleteMultipartUpload", NULL), "DaysAfterInitiation",
                     dp_prop_long(ab, "DaysAfterInitiation", 0));
    }
    return doc;
}

/* ---- answers -> template form ---- */

static void put_text(cJSON *o, const char *name, xmlNodePtr n, const char *path)
{
    char *s = dp_xml_text(n, path);
    if (s)
        cJSON_AddStringToObject(o, name, s);
    free(s);
}

static void put_long(cJSON *o, const char *name, xmlNodePtr n, const char *path)
{
    char *s = dp_xml_text(n, path);
    if (s)
        cJSON_AddNumberToObject(o, name, (double)strtol(s, NULL, 10));
    free(s);
}

static void put_bool(cJSON *o, const char *name, xmlNodePtr n, const char *path)
{
    char *s = dp_xml_text(n, path);
    if (s)
        cJSON_AddBoolToObject(o, name, !strcmp(s, "true"));
    free(s);
}

static cJSON *tag_list(xmlNodePtr first)
{
    cJSON *out = cJSON_CreateArray();
    for (xmlNodePtr t = first; t; t = dp_xml_next_same(t)) {
        cJSON *o = cJSON_CreateObject();
        put_text(o, "Key", t, "Key");
        put_text(o, "Value", t, "Value");
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

cJSON *dp_s3x_tags_from(xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    return tag_list(dp_xml_path(root, "TagSet/Tag"));
}

cJSON *dp_s3x_encryption_from(xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr rule = dp_xml_child(root, "Rule");
    if (!rule)
        return NULL;
    cJSON *be = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(be, "ServerSideEncryptionConfiguration");
    for (; rule; rule = dp_xml_next_same(rule)) {
        cJSON *r = cJSON_CreateObject();
        xmlNodePtr d = dp_xml_child(rule, "ApplyServerSideEncryptionByDefault");
        if (d) {
            cJSON *def = cJSON_AddObjectToObject(r, "ServerSideEncryptionByDefault");
            put_text(def, "SSEAlgorithm", d, "SSEAlgorithm");
            put_text(def, "KMSMasterKeyID", d, "KMSMasterKeyID");
        }
        char *bk = dp_xml_text(rule, "BucketKeyEnabled");
        if (bk && !strcmp(bk, "true")) /* false is the default */
            cJSON_AddTrueToObject(r, "BucketKeyEnabled");
        free(bk);
        cJSON_AddItemToArray(arr, r);
    }
    return be;
}

cJSON *dp_s3x_public_access_block_from(xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    static const char *const keys[] = {"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                       "RestrictPublicBuckets"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        put_bool(o, keys[i], root, keys[i]);
    return o;
}

static void filter_from(cJSON *r, xmlNodePtr rule)
{
    xmlNodePtr f = dp_xml_child(rule, "Filter");
    xmlNodePtr src = dp_xml_child(f, "And") ? dp_xml_child(f, "And") : f;
    char *prefix = src ? dp_xml_text(src, "Prefix") : dp_xml_text(rule, "Prefix");
    if (prefix && *prefix)
        cJSON_AddStringToObject(r, "Prefix", prefix);
    free(prefix);
    if (src && dp_xml_child(src, "Tag"))
        cJSON_AddItemToObject(r, "TagFilters", tag_list(dp_xml_child(src, "Tag")));
    if (src) {
        put_text(r, "ObjectSizeGreaterThan", src, "ObjectSizeGreaterThan");
        put_text(r, "ObjectSizeLessThan", src, "ObjectSizeLessThan");
    }
}

cJSON *dp_s3x_lifecycle_from(xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr rule = dp_xml_child(root, "Rule");
    if (!rule)
        return NULL;
    cJSON *lc = cJSON_CreateObject(), *rules = cJSON_AddArrayToObject(lc, "Rules");
    for (; rule; rule = dp_xml_next_same(rule)) {
        cJSON *r = cJSON_CreateObject();
        put_text(r, "Id", rule, "ID");
        put_text(r, "Status", rule, "Status");
        filter_from(r, rule);
        xmlNodePtr x = dp_xml_child(rule, "Expiration");
        if (x) {
            put_long(r, "ExpirationInDays", x, "Days");
            put_text(r, "ExpirationDate", x, "Date");
        }
        xmlNodePtr t = dp_xml_child(rule, "Transition");
        if (t) {
            cJSON *arr = cJSON_AddArrayToObject(r, "Transitions");
            for (; t; t = dp_xml_next_same(t)) {
                cJSON *o = cJSON_CreateObject();
                put_text(o, "StorageClass", t, "StorageClass");
                put_long(o, "TransitionInDays", t, "Days");
                put_text(o, "TransitionDate", t, "Date");
                cJSON_AddItemToArray(arr, o);
            }
        }
        t = dp_xml_child(rule, "NoncurrentVersionTransition");
        if (t) {
            cJSON *arr = cJSON_AddArrayToObject(r, "NoncurrentVersionTransitions");
            for (; t; t = dp_xml_next_same(t)) {
                cJSON *o = cJSON_CreateObject();
                put_text(o, "StorageClass", t, "StorageClass");
                put_long(o, "TransitionInDays", t, "NoncurrentDays");
                put_long(o, "NewerNoncurrentVersions", t, "NewerNoncurrentVersions");
                cJSON_AddItemToArray(arr, o);
            }
        }
        if ((x = dp_xml_child(rule, "NoncurrentVersionExpiration"))) {
            cJSON *o = cJSON_AddObjectToObject(r, "NoncurrentVersionExpiration");
            put_long(o, "NoncurrentDays", x, "NoncurrentDays");
            put_long(o, "NewerNoncurrentVersions", x, "NewerNoncurrentVersions");
        }
        if ((x = dp_xml_child(rule, "AbortIncompleteMultipartUpload")))
            put_long(cJSON_AddObjectToObject(r, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation", x,
                     "DaysAfterInitiation");
        cJSON_AddItemToArray(rules, r);
    }
    return lc;
}
