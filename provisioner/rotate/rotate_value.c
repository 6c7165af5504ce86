/* rotate_value.c - the new value of a dependent: its rendered template text with the secret's
 * dynamic references replaced from the new secret version. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "drivers/base/num.h"
#include "provisioner/rotate/rotate.h"

#define RESOLVE_SM "{{resolve:secretsmanager:"

/* Value of one reference: tail is what follows the mark up to "}}" (":SecretString:key…"). */
static int ref_value(const char *tail, size_t n, const cJSON *doc, const char *whole, dp_buf *out, dp_err *e)
{
    char spec[256];
    if (n >= sizeof spec) {
        dp_err_set(e, DP_E_INPUT, "dynamic reference too long");
        return -1;
    }
    memcpy(spec, tail, n);
    spec[n] = '\0';
    /* ":SecretString:key:stage:version" - every part optional */
    char *parts[4] = {NULL, NULL, NULL, NULL}, *p = spec;
    if (*p == ':')
        p++;
    for (int i = 0; i < 4 && p; i++) {
        parts[i] = p;
        char *c = strchr(p, ':');
        if (c)
            *c++ = '\0';
        p = c;
    }
    if (parts[0] && *parts[0] && strcmp(parts[0], "SecretString")) {
        dp_err_set(e, DP_E_INPUT, "dynamic reference to the secret uses %s; only SecretString is supported", parts[0]);
        return -1;
    }
    if ((parts[2] && *parts[2] && strcmp(parts[2], "AWSCURRENT")) || (parts[3] && *parts[3])) {
        dp_err_set(e, DP_E_INPUT, "a dynamic reference to the secret pins a version; it would not follow rotation");
        return -1;
    }
    if (!parts[1] || !*parts[1])
        return dp_buf_puts(out, whole);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, parts[1]);
    if (cJSON_IsString(v))
        return dp_buf_puts(out, v->valuestring);
    if (cJSON_IsNumber(v))
        return dp_buf_printf(out, "%lld", dp_double_to_ll_or(v->valuedouble, 0));
    dp_err_set(e, DP_E_INPUT, "the secret has no string key \"%s\"", parts[1]);
    return -1;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

int dp_rot_render_value(const char *render, const char *secret_string, char **out, dp_err *e)
{
    *out = NULL;
    if (strchr(render, '\x02')) {
        dp_err_set(e, DP_E_INPUT, "the value is computed from other template values; dmsprov cannot recompute it");
        return -1;
    }
    if (count(render, "{{resolve:") != count(render, RESOLVE_SM DP_ROT_SECRET_MARK)) {
        dp_err_set(e, DP_E_INPUT, "the value also uses another dynamic reference; dmsprov cannot recompute it");
        return -1;
    }
    cJSON *doc = cJSON_Parse(secret_string);
    dp_buf b;
    dp_buf_init(&b, 1 << 20);
    const char *needle = RESOLVE_SM DP_ROT_SECRET_MARK;
    const char *p = render, *hit;
    int rc = 0;
    while (!rc && (hit = strstr(p, needle))) {
        const char *tail = hit + strlen(needle), *end = strstr(tail, "}}");
        if (!end) {
            dp_err_set(e, DP_E_INPUT, "unterminated dynamic reference");
            rc = -1;
            break;
        }
        rc = dp_buf_append(&b, p, (size_t)(hit - p)) || ref_value(tail, (size_t)(end - tail), doc, secret_string, &b, e);
        p = end + 2;
    }
    if (!rc && (dp_buf_puts(&b, p) || dp_buf_putc(&b, '\0')))
        rc = -1;
    cJSON_Delete(doc);
    if (rc) {
        if (!e || e->kind == DP_OK)
            dp_err_set(e, DP_E_NOMEM, "out of memory");
        dp_buf_cleanup(&b);
        return -1;
    }
    *out = dp_buf_steal(&b);
    return 0;
}
