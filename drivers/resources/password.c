/* password.c - CSPRNG passwords honouring GenerateSecretString's character rules. */
#include "drivers/resources/password.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/common.h"

/* Secrets Manager's character classes (its punctuation set is all printable ASCII symbols). */
static const char lower_set[] = "abcdefghijklmnopqrstuvwxyz";
static const char upper_set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char digit_set[] = "0123456789";
static const char punct_set[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
static const char space_set[] = " ";

enum { CLASS_MAX = 5 };

void dp_password_rules_default(dp_password_rules *r)
{
    memset(r, 0, sizeof *r);
    r->length = DP_PASSWORD_DEFAULT_LENGTH;
    r->require_each_included_type = true;
}

static int get_bool(const cJSON *obj, const char *name, bool *out, dp_err *e)
{
    const cJSON *v = dp_prop(obj, name);
    if (!v)
        return 0;
    if (cJSON_IsBool(v))
        *out = cJSON_IsTrue(v);
    else if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "false")))
        *out = !strcmp(v->valuestring, "true");
    else {
        dp_err_set(e, DP_E_INPUT, "GenerateSecretString.%s must be a boolean", name);
        return -1;
    }
    return 0;
}

int dp_password_rules_from_json(const cJSON *obj, dp_password_rules *r, dp_err *e)
{
    dp_password_rules_default(r);
    if (obj && !cJSON_IsObject(obj)) {
        dp_err_set(e, DP_E_INPUT, "GenerateSecretString must be an object");
        return -1;
    }
    const cJSON *len = dp_prop(obj, "PasswordLength");
    if (len) {
        long n = dp_prop_long(obj, "PasswordLength", -1);
        if (n < 1 || n > DP_PASSWORD_MAX_LENGTH || (cJSON_IsNumber(len) && len->valuedouble != (double)n)) {
            dp_err_set(e, DP_E_INPUT, "GenerateSecretString.PasswordLength must be an integer from 1 to %d",
                       DP_PASSWORD_MAX_LENGTH);
            return -1;
        }
        r->length = n;
    }
    const cJSON *ex = dp_prop(obj, "ExcludeCharacters");
    if (ex && !cJSON_IsString(ex)) {
        dp_err_set(e, DP_E_INPUT, "GenerateSecretString.ExcludeCharacters must be a string");
        return -1;
    }
    r->exclude_characters = ex ? ex->valuestring : NULL;
    if (get_bool(obj, "ExcludePunctuation", &r->exclude_punctuation, e) ||
        get_bool(obj, "ExcludeNumbers", &r->exclude_numbers, e) ||
        get_bool(obj, "ExcludeUppercase", &r->exclude_uppercase, e) ||
        get_bool(obj, "ExcludeLowercase", &r->exclude_lowercase, e) ||
        get_bool(obj, "IncludeSpace", &r->include_space, e) ||
        get_bool(obj, "RequireEachIncludedType", &r->require_each_included_type, e))
        return -1;
    return 0;
}

/* Appends the characters of set that are not excluded to pool (at most 95 + 1 in all). */
static size_t add_class(const char *set, const char *exclude, char *pool, size_t n)
{
    size_t added = 0;
    for (const char *c = set; *c; c++)
        if (!exclude || !strchr(exclude, *c))
            pool[n + added++] = *c;
    return added;
}

/* An index in [0, n) with every value equally likely: bytes at or above the largest
 * multiple of n are rejected and drawn again. Buffered to call RAND_bytes rarely. */
typedef struct rng {
    unsigned char buf[256];
    size_t pos;
} rng;

static int draw(rng *g, size_t n, size_t *out)
{
    size_t limit = 256 - 256 % n; /* n <= 96, so limit >= 192 */
    for (;;) {
        if (g->pos == sizeof g->buf) {
            if (RAND_bytes(g->buf, sizeof g->buf) != 1)
                return -1;
            g->pos = 0;
        }
        unsigned char b = g->buf[g->pos++];
        if (b < limit) {
            *out = b % n;
            return 0;
        }
    }
}

int dp_password_generate(const dp_password_rules *r, char *out, size_t n, dp_err *e)
{
    long len = r->length > 0 ? r->length : DP_PASSWORD_DEFAULT_LENGTH;
    if (len > DP_PASSWORD_MAX_LENGTH || n <= (size_t)len) {
        dp_err_set(e, DP_E_INPUT, "password length %ld is out of range", len);
        return -1;
    }
    const char *sets[CLASS_MAX];
    bool used[CLASS_MAX];
    size_t nsets = 0;
    if (!r->exclude_lowercase)
        sets[nsets++] = lower_set;
    if (!r->exclude_uppercase)
        sets[nsets++] = upper_set;
    if (!r->exclude_numbers)
        sets[nsets++] = digit_set;
    if (!r->exclude_punctuation)
        sets[nsets++] = punct_set;
    if (r->include_space)
        sets[nsets++] = space_set;
    char pool[128];
    unsigned char cls[128]; /* class of each pool character */
    size_t npool = 0, nclasses = 0;
    for (size_t i = 0; i < nsets; i++) {
        size_t added = add_class(sets[i], r->exclude_characters, pool, npool);
        for (size_t k = 0; k < added; k++)
            cls[npool + k] = (unsigned char)nclasses;
        npool += added;
        if (added)
            nclasses++;
    }
    if (!npool) {
        dp_err_set(e, DP_E_INPUT, "the password rules exclude every character");
        return -1;
    }
    if (r->require_each_included_type && (size_t)len < nclasses) {
        dp_err_set(e, DP_E_INPUT, "password length %ld is too short to include each of %zu character types", len,
                   nclasses);
        return -1;
    }
    rng g = {.pos = sizeof g.buf};
    int rc = -1;
    /* Draw whole passwords until one has every class: rejecting whole candidates keeps the
     * result uniform over all passwords that satisfy the rule. */
    for (int attempt = 0; attempt < 100000; attempt++) {
        memset(used, 0, sizeof used);
        size_t have = 0;
        for (long i = 0; i < len; i++) {
            size_t k;
            if (draw(&g, npool, &k)) {
                dp_err_set(e, DP_E_INTERNAL, "the random number generator failed");
                goto done;
            }
            out[i] = pool[k];
            if (!used[cls[k]]) {
                used[cls[k]] = true;
                have++;
            }
        }
        out[len] = '\0';
        if (!r->require_each_included_type || have == nclasses) {
            rc = 0;
            goto done;
        }
    }
    dp_err_set(e, DP_E_INTERNAL, "could not generate a password with every character type");
done:
    OPENSSL_cleanse(&g, sizeof g);
    if (rc)
        OPENSSL_cleanse(out, n);
    return rc;
}

void dp_secret_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

char *dp_secret_string_generate(const cJSON *gss, dp_err *e)
{
    dp_password_rules rules;
    if (dp_password_rules_from_json(gss, &rules, e))
        return NULL;
    const char *tmpl = dp_prop_str(gss, "SecretStringTemplate");
    const char *key = dp_prop_str(gss, "GenerateStringKey");
    if (!tmpl != !key) {
        dp_err_set(e, DP_E_INPUT, "GenerateSecretString needs both SecretStringTemplate and GenerateStringKey, or neither");
        return NULL;
    }
    cJSON *doc = NULL;
    if (tmpl) {
        doc = cJSON_Parse(tmpl);
        if (!cJSON_IsObject(doc)) {
            cJSON_Delete(doc);
            dp_err_set(e, DP_E_INPUT, "GenerateSecretString.SecretStringTemplate must be a JSON object");
            return NULL;
        }
        if (dp_prop(doc, key)) {
            cJSON_Delete(doc);
            dp_err_set(e, DP_E_INPUT, "SecretStringTemplate already has the key %s (GenerateStringKey)", key);
            return NULL;
        }
    }
    size_t n = (size_t)rules.length + 1;
    char *pw = malloc(n);
    if (!pw) {
        cJSON_Delete(doc);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return NULL;
    }
    if (dp_password_generate(&rules, pw, n, e)) {
        free(pw);
        cJSON_Delete(doc);
        return NULL;
    }
    if (!doc)
        return pw;
    cJSON *item = cJSON_CreateString(pw);
    dp_secret_free(pw);
    char *out = NULL;
    if (item && cJSON_AddItemToObject(doc, key, item)) {
        out = cJSON_PrintUnformatted(doc);
        /* wipe the copy inside the document before it is freed */
        OPENSSL_cleanse(item->valuestring, strlen(item->valuestring));
    } else
        cJSON_Delete(item);
    cJSON_Delete(doc);
    if (!out)
        dp_err_set(e, DP_E_NOMEM, "out of memory");
    return out;
}
