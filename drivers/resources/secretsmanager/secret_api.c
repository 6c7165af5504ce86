/* secret_api.c - DescribeSecret with not-found mapping, client tokens, tagging. */
#include "drivers/resources/secretsmanager/secret_api.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/common.h"

bool dp_secret_deleted(const cJSON *secret)
{
    const cJSON *d = dp_prop(secret, "DeletedDate");
    return d && !cJSON_IsNull(d);
}

int dp_secret_describe(dp_client *c, const char *secret_id, bool include_deleted, cJSON **out, dp_err *e)
{
    *out = NULL;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "SecretId", secret_id);
    int rc = dp_json_call(c, &dp_svc_secretsmanager, "DescribeSecret", in, out, e);
    cJSON_Delete(in);
    if (rc) {
        if (e && !strcmp(e->aws_code, "ResourceNotFoundException"))
            e->kind = DP_E_NOT_FOUND;
        return -1;
    }
    if (!include_deleted && dp_secret_deleted(*out)) {
        cJSON_Delete(*out);
        *out = NULL;
        dp_err_set(e, DP_E_NOT_FOUND, "secret %s is scheduled for deletion", secret_id);
        return -1;
    }
    return 0;
}

int dp_secret_token(const char *seed, char *out, size_t n, dp_err *e)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (n < 65) {
        dp_err_set(e, DP_E_INTERNAL, "token buffer too small");
        return -1;
    }
    int ok = seed ? EVP_Digest(seed, strlen(seed), md, &len, EVP_sha256(), NULL)
                  : (len = 32, RAND_bytes(md, 32));
    if (ok != 1) {
        dp_err_set(e, DP_E_INTERNAL, "could not make a client request token");
        return -1;
    }
    for (unsigned i = 0; i < 32 && i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
    return 0;
}

int dp_secret_tag(dp_client *c, const char *secret_id, const cJSON *tags, dp_err *e)
{
    if (cJSON_GetArraySize(tags) == 0)
        return 0;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "SecretId", secret_id);
    cJSON_AddItemToObject(in, "Tags", cJSON_Duplicate(tags, 1));
    int rc = dp_json_call(c, &dp_svc_secretsmanager, "TagResource", in, &out, e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return rc;
}

int dp_secret_untag(dp_client *c, const char *secret_id, const cJSON *keys, dp_err *e)
{
    if (cJSON_GetArraySize(keys) == 0)
        return 0;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "SecretId", secret_id);
    cJSON_AddItemToObject(in, "TagKeys", cJSON_Duplicate(keys, 1));
    int rc = dp_json_call(c, &dp_svc_secretsmanager, "UntagResource", in, &out, e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return rc;
}

static bool tag_safe(const char *v)
{
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (!(isalnum(*c) || *c == ' ' || strchr("_.:/=+-@", *c)))
            return false;
    return strncmp(v, "b64:", 4) != 0; /* our own prefix would be ambiguous */
}

int dp_rotation_tag_encode(const char *value, char *out, size_t n)
{
    size_t len = strlen(value);
    if (tag_safe(value)) {
        if (len >= n)
            return -1;
        memcpy(out, value, len + 1);
        return 0;
    }
    if (4 + 4 * ((len + 2) / 3) + 1 > n || len > 180)
        return -1;
    memcpy(out, "b64:", 4);
    EVP_EncodeBlock((unsigned char *)out + 4, (const unsigned char *)value, (int)len);
    return 0;
}

int dp_rotation_tag_decode(const char *tag, char *out, size_t n)
{
    size_t len = strlen(tag);
    if (strncmp(tag, "b64:", 4)) {
        if (len >= n)
            return -1;
        memcpy(out, tag, len + 1);
        return 0;
    }
    tag += 4;
    len -= 4;
    if (len % 4 || len / 4 * 3 + 1 > n)
        return -1;
    int got = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)tag, (int)len);
    if (got < 0)
        return -1;
    /* EVP_DecodeBlock counts the padding as decoded zero bytes */
    for (size_t i = len; i > 0 && tag[i - 1] == '='; i--)
        got--;
    out[got] = '\0';
    return 0;
}
