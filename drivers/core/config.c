/* config.c - parsing the AWS shared config and credentials files the way the AWS CLI does. */
#include "drivers/core/config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/base/buf.h"

enum sec_kind { SEC_PROFILE, SEC_SERVICES, SEC_SSO_SESSION, SEC_OTHER };

typedef struct kv {
    char *key;   /* owned, lower-case */
    char *value; /* owned */
} kv;

typedef struct section {
    enum sec_kind kind;
    char *name; /* owned */
    kv *kvs;    /* owned array */
    size_t n, cap;
} section;

typedef struct cfile {
    char *path;    /* owned; where the file was looked for */
    section *secs; /* owned array */
    size_t n, cap;
} cfile;

struct dp_config {
    cfile config;
    cfile creds;
};

static void cfile_cleanup(cfile *f)
{
    for (size_t i = 0; i < f->n; i++) {
        section *s = &f->secs[i];
        for (size_t j = 0; j < s->n; j++) {
            free(s->kvs[j].key);
            free(s->kvs[j].value);
        }
        free(s->kvs);
        free(s->name);
    }
    free(f->secs);
    free(f->path);
    memset(f, 0, sizeof *f);
}

void dp_config_free(dp_config *c)
{
    if (!c)
        return;
    cfile_cleanup(&c->config);
    cfile_cleanup(&c->creds);
    free(c);
}

static section *find_section(const cfile *f, enum sec_kind kind, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->secs[i].kind == kind && !strcmp(f->secs[i].name, name))
            return &f->secs[i];
    return NULL;
}

static kv *find_kv(const section *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->kvs[i].key, key))
            return &s->kvs[i];
    return NULL;
}

/* Returns the section (existing one of the same kind and name, so repeated headers merge). */
static section *add_section(cfile *f, enum sec_kind kind, const char *name, size_t len)
{
    char *nm = strndup(name, len);
    if (!nm)
        return NULL;
    section *s = find_section(f, kind, nm);
    if (s) {
        free(nm);
        return s;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        section *p = realloc(f->secs, cap * sizeof *p);
        if (!p) {
            free(nm);
            return NULL;
        }
        f->secs = p;
        f->cap = cap;
    }
    s = &f->secs[f->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->name = nm;
    return s;
}

/* Sets key (lower-cased copy) to value; returns the index of the entry or -1. */
static long set_kv(section *s, const char *key, size_t klen, const char *value, size_t vlen)
{
    char *k = strndup(key, klen);
    char *v = strndup(value, vlen);
    if (!k || !v)
        goto fail;
    for (char *p = k; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    kv *old = find_kv(s, k);
    if (old) {
        free(k);
        free(old->value);
        old->value = v;
        return (long)(old - s->kvs);
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        kv *p = realloc(s->kvs, cap * sizeof *p);
        if (!p)
            goto fail;
        s->kvs = p;
        s->cap = cap;
    }
    s->kvs[s->n].key = k;
    s->kvs[s->n].value = v;
    return (long)s->n++;
fail:
    free(k);
    free(v);
    return -1;
}

/* Trims [*s, *s + *len) in place (pointer and length). */
static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* The config file names profiles "[profile NAME]" (and "[default]"); other prefixes name other
 * kinds of sections. Anything else is ignored, as the CLI does. */
static section *open_config_section(cfile *f, const char *name, size_t len)
{
    static const struct {
        const char *prefix;
        enum sec_kind kind;
    } prefixes[] = {{"profile", SEC_PROFILE}, {"services", SEC_SERVICES}, {"sso-session", SEC_SSO_SESSION}};
    if (len == 7 && !strncmp(name, "default", 7))
        return add_section(f, SEC_PROFILE, name, len);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t pl = strlen(prefixes[i].prefix);
        if (len > pl && !strncmp(name, prefixes[i].prefix, pl) && isspace((unsigned char)name[pl])) {
            const char *rest = name + pl;
            size_t rlen = len - pl;
            trim(&rest, &rlen);
            return add_section(f, prefixes[i].kind, rest, rlen);
        }
    }
    return add_section(f, SEC_OTHER, name, len);
}

typedef struct parser {
    cfile *f;
    bool is_config;
    section *cur;
    long last_key;      /* index in cur of the last key, or -1 */
    size_t last_indent; /* its indentation */
    bool nested;        /* its value was empty: indented lines are sub-settings */
} parser;

static int parse_line(parser *p, const char *line, size_t len, long lineno, dp_err *e)
{
    const char *path = p->f->path;
    size_t indent = 0;
    while (indent < len && (line[indent] == ' ' || line[indent] == '\t'))
        indent++;
    const char *s = line + indent;
    size_t n = len - indent;
    trim(&s, &n);
    if (!n) {
        p->last_key = -1; /* a blank line ends a multi-line value */
        return 0;
    }
    if (*s == '#' || *s == ';')
        return 0;

    if (*s == '[') {
        if (s[n - 1] != ']') {
            dp_err_set(e, DP_E_CONFIG, "%s:%ld: section header without a closing \"]\"", path, lineno);
            return -1;
        }
        const char *name = s + 1;
        size_t nl = n - 2;
        trim(&name, &nl);
        if (!nl) {
            dp_err_set(e, DP_E_CONFIG, "%s:%ld: empty section name \"[]\"", path, lineno);
            return -1;
        }
        p->cur = p->is_config ? open_config_section(p->f, name, nl) : add_section(p->f, SEC_PROFILE, name, nl);
        p->last_key = -1;
        if (!p->cur) {
            dp_err_set(e, DP_E_NOMEM, "out of memory reading %s", path);
            return -1;
        }
        return 0;
    }

    /* An indented line under a key continues it (or is a sub-setting of "key ="). */
    if (indent > 0 && p->cur && p->last_key >= 0 && indent > p->last_indent) {
        kv *parent = &p->cur->kvs[p->last_key];
        if (p->nested) {
            const char *eq = memchr(s, '=', n);
            if (!eq) {
                dp_err_set(e, DP_E_CONFIG, "%s:%ld: expected \"name = value\" under \"%s =\"", path, lineno,
                           parent->key);
                return -1;
            }
            const char *k = s, *v = eq + 1;
            size_t kl = (size_t)(eq - s), vl = n - kl - 1;
            trim(&k, &kl);
            trim(&v, &vl);
            if (!kl) {
                dp_err_set(e, DP_E_CONFIG, "%s:%ld: missing setting name before \"=\"", path, lineno);
                return -1;
            }
            dp_buf full;
            dp_buf_init(&full, 0);
            int bad = dp_buf_printf(&full, "%s.%.*s", parent->key, (int)kl, k) ||
                      set_kv(p->cur, dp_buf_str(&full), full.len, v, vl) < 0;
            dp_buf_cleanup(&full);
            if (bad) {
                dp_err_set(e, DP_E_NOMEM, "out of memory reading %s", path);
                return -1;
            }
            return 0;
        }
        dp_buf joined;
        dp_buf_init(&joined, 0);
        if (dp_buf_printf(&joined, "%s\n%.*s", parent->value, (int)n, s)) {
            dp_buf_cleanup(&joined);
            dp_err_set(e, DP_E_NOMEM, "out of memory reading %s", path);
            return -1;
        }
        free(parent->value);
        parent->value = dp_buf_steal(&joined);
        return 0;
    }

    const char *eq = NULL;
    for (size_t i = 0; i < n && !eq; i++)
        if (s[i] == '=' || s[i] == ':')
            eq = s + i;
    if (!eq) {
        /* Never quote the line: it might be a pasted secret. */
        dp_err_set(e, DP_E_CONFIG, "%s:%ld: expected \"name = value\" or \"[section]\"", path, lineno);
        return -1;
    }
    const char *k = s, *v = eq + 1;
    size_t kl = (size_t)(eq - s), vl = n - kl - 1;
    trim(&k, &kl);
    trim(&v, &vl);
    if (!kl) {
        dp_err_set(e, DP_E_CONFIG, "%s:%ld: missing setting name before \"%c\"", path, lineno, *eq);
        return -1;
    }
    if (!p->cur) {
        dp_err_set(e, DP_E_CONFIG, "%s:%ld: setting \"%.*s\" before any [section] header", path, lineno, (int)kl,
                   k);
        return -1;
    }
    long idx = set_kv(p->cur, k, kl, v, vl);
    if (idx < 0) {
        dp_err_set(e, DP_E_NOMEM, "out of memory reading %s", path);
        return -1;
    }
    p->last_key = idx;
    p->last_indent = indent;
    p->nested = vl == 0;
    return 0;
}

static int parse_file(cfile *f, bool is_config, dp_err *e)
{
    FILE *fp = fopen(f->path, "r");
    if (!fp) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0; /* a missing file is an empty one */
        char msg[128] = "";
        strerror_r(errno, msg, sizeof msg);
        dp_err_set(e, DP_E_IO, "cannot read %s: %s", f->path, msg);
        return -1;
    }
    parser p = {.f = f, .is_config = is_config, .cur = NULL, .last_key = -1};
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0;
    int rc = 0;
    errno = 0;
    while ((got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        /* A UTF-8 byte order mark, as some editors write, is not part of the first line. */
        size_t off = (lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3)) ? 3 : 0;
        if (parse_line(&p, line + off, len - off, lineno, e)) {
            rc = -1;
            break;
        }
    }
    if (!rc && ferror(fp)) {
        char msg[128] = "";
        strerror_r(errno ? errno : EIO, msg, sizeof msg);
        dp_err_set(e, DP_E_IO, "cannot read %s: %s", f->path, msg);
        rc = -1;
    }
    if (line)
        memset(line, 0, cap); /* the credentials file holds secrets */
    free(line);
    fclose(fp);
    return rc;
}

int dp_config_home_dir(char *out, size_t n)
{
    const char *home = getenv("HOME");
    char pwbuf[1024];
    struct passwd pw, *res = NULL;
    if ((!home || !*home) && !getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) && res)
        home = res->pw_dir;
    if (!home || !*home)
        return -1;
    int w = snprintf(out, n, "%s", home);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* "~/x" -> "$HOME/x"; other paths are copied. Owned result or NULL. */
static char *expand_home(const char *path)
{
    if (path[0] != '~' || (path[1] && path[1] != '/'))
        return strdup(path);
    char home[1024];
    if (dp_config_home_dir(home, sizeof home))
        return strdup(path);
    dp_buf b;
    dp_buf_init(&b, 0);
    if (dp_buf_printf(&b, "%s%s", home, path + 1)) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    return dp_buf_steal(&b);
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

dp_config *dp_config_load(dp_err *e)
{
    char *cfg = expand_home(env_or("AWS_CONFIG_FILE", "~/.aws/config"));
    char *cred = expand_home(env_or("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
    dp_config *c = NULL;
    if (!cfg || !cred)
        dp_err_set(e, DP_E_NOMEM, "out of memory");
    else
        c = dp_config_load_files(cfg, cred, e);
    free(cfg);
    free(cred);
    return c;
}

dp_config *dp_config_load_files(const char *config_path, const char *credentials_path, dp_err *e)
{
    dp_config *c = calloc(1, sizeof *c);
    if (!c) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return NULL;
    }
    c->config.path = strdup(config_path ? config_path : "(none)");
    c->creds.path = strdup(credentials_path ? credentials_path : "(none)");
    if (!c->config.path || !c->creds.path) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto fail;
    }
    if ((config_path && parse_file(&c->config, true, e)) ||
        (credentials_path && parse_file(&c->creds, false, e)))
        goto fail;
    return c;
fail:
    dp_config_free(c);
    return NULL;
}

const char *dp_config_file_path(const dp_config *c) { return c->config.path; }
const char *dp_config_credentials_path(const dp_config *c) { return c->creds.path; }

const char *dp_config_profile_name(const char *flag)
{
    if (flag && *flag)
        return flag;
    return env_or("AWS_PROFILE", env_or("AWS_DEFAULT_PROFILE", "default"));
}

bool dp_config_has_profile(const dp_config *c, const char *profile)
{
    return find_section(&c->creds, SEC_PROFILE, profile) || find_section(&c->config, SEC_PROFILE, profile);
}

static const char *lookup(const cfile *f, enum sec_kind kind, const char *name, const char *key)
{
    const section *s = find_section(f, kind, name);
    const kv *v = s ? find_kv(s, key) : NULL;
    return v ? v->value : NULL;
}

const char *dp_config_get_from(const dp_config *c, const char *profile, const char *key, const char **from)
{
    bool key_field = !strcmp(key, "aws_access_key_id") || !strcmp(key, "aws_secret_access_key") ||
                     !strcmp(key, "aws_session_token");
    const cfile *first = key_field ? &c->creds : &c->config;
    const cfile *second = key_field ? &c->config : &c->creds;
    const char *v = lookup(first, SEC_PROFILE, profile, key);
    const cfile *src = first;
    if (!v) {
        v = lookup(second, SEC_PROFILE, profile, key);
        src = second;
    }
    if (from)
        *from = v ? src->path : NULL;
    return v;
}

const char *dp_config_get(const dp_config *c, const char *profile, const char *key)
{
    return dp_config_get_from(c, profile, key, NULL);
}

const char *dp_config_services_get(const dp_config *c, const char *name, const char *key)
{
    return lookup(&c->config, SEC_SERVICES, name, key);
}

bool dp_config_has_sso_session(const dp_config *c, const char *name)
{
    return find_section(&c->config, SEC_SSO_SESSION, name) != NULL;
}

const char *dp_config_sso_session_get(const dp_config *c, const char *name, const char *key)
{
    return lookup(&c->config, SEC_SSO_SESSION, name, key);
}
