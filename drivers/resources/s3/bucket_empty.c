/* bucket_empty.c - counting and deleting every object version and delete marker of a
 * bucket, one ListObjectVersions page (up to 1000) at a time. */
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/s3/bucket_api.h"
#include "drivers/resources/s3/bucket_internal.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

/* Adds each <Version>/<DeleteMarker> of the page to the Delete document. */
static int add_entries(xmlNodePtr del, xmlNodePtr result, const char *elem)
{
    int n = 0;
    for (xmlNodePtr v = dp_xml_child(result, elem); v; v = dp_xml_next_same(v)) {
        char *key = dp_xml_text(v, "Key"), *vid = dp_xml_text(v, "VersionId");
        if (key) {
            xmlNodePtr o = xmlNewTextChild(del, NULL, BAD_CAST "Object", NULL);
            xmlNewTextChild(o, NULL, BAD_CAST "Key", BAD_CAST key);
            if (vid && strcmp(vid, "null")) /* "null": the object of an unversioned bucket */
                xmlNewTextChild(o, NULL, BAD_CAST "VersionId", BAD_CAST vid);
            n++;
        }
        free(key);
        free(vid);
    }
    return n;
}

int dp_s3_empty_round(dp_client *c, const char *bucket, bool delete_them, int *found, dp_err *e)
{
    xmlDocPtr page = NULL;
    *found = 0;
    if (dp_s3b_call(c, "ListObjectVersions", "GET", bucket, "max-keys=1000&versions=", NULL, &page, e))
        return -1;
    xmlDocPtr del = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "Delete");
    xmlSetNs(root, xmlNewNs(root, BAD_CAST S3_NS, NULL));
    xmlDocSetRootElement(del, root);
    xmlNodePtr result = page ? xmlDocGetRootElement(page) : NULL;
    *found = add_entries(root, result, "Version") + add_entries(root, result, "DeleteMarker");
    xmlFreeDoc(page);
    int rc = 0;
    if (delete_them && *found) {
        xmlNewTextChild(root, NULL, BAD_CAST "Quiet", BAD_CAST "true");
        xmlDocPtr answer = NULL;
        rc = dp_s3b_call(c, "DeleteObjects", "POST", bucket, "delete=", del, &answer, e);
        xmlNodePtr err = answer ? dp_xml_child(xmlDocGetRootElement(answer), "Error") : NULL;
        if (!rc && err) { /* Quiet mode reports only the failures */
            char *key = dp_xml_text(err, "Key"), *code = dp_xml_text(err, "Code"), *msg = dp_xml_text(err, "Message");
            dp_err_set(e, DP_E_AWS, "could not delete object %s: %s %s", key ? key : "?", code ? code : "",
                       msg ? msg : "");
            free(key);
            free(code);
            free(msg);
            rc = -1;
        }
        xmlFreeDoc(answer);
    }
    xmlFreeDoc(del);
    return rc;
}
