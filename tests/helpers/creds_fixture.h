/* creds_fixture.h - temp dirs, files and a clean AWS environment for the config/creds unit tests. */
#ifndef DP_CREDS_FIXTURE_H
#define DP_CREDS_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FX_MAX_FILES 64

typedef struct fx {
    char dir[256];
    char files[FX_MAX_FILES][320];
    int nfiles;
} fx;

/* Every variable the chain reads, so each test starts from nothing. */
static inline void fx_clear_env(void)
{
    static const char *const vars[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static inline int fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/dpcreds.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

/* Writes dir/name with content (mode 0700 when exec) and returns its path (valid until fx_done). */
static inline const char *fx_write(fx *f, const char *name, const char *content, int exec)
{
    char want[320];
    snprintf(want, sizeof want, "%s/%s", f->dir, name);
    int idx = f->nfiles;
    for (int i = 0; i < f->nfiles; i++)
        if (!strcmp(f->files[i], want))
            idx = i;
    if (idx == FX_MAX_FILES)
        abort();
    char *path = f->files[idx];
    memcpy(path, want, sizeof want);
    FILE *fp = fopen(path, "w");
    if (!fp) {
        perror(path);
        abort();
    }
    fputs(content, fp);
    fclose(fp);
    chmod(path, exec ? 0700 : 0600);
    if (idx == f->nfiles)
        f->nfiles++;
    return path;
}

static inline const char *fx_path(fx *f, const char *name)
{
    static char buf[320];
    snprintf(buf, sizeof buf, "%s/%s", f->dir, name);
    return buf;
}

static inline void fx_done(fx *f)
{
    for (int i = 0; i < f->nfiles; i++)
        unlink(f->files[i]);
    rmdir(f->dir);
}

#endif
