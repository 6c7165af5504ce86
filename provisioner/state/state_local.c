/* state_local.c - the local state backend: a 0700 directory of 0600 files, atomic replace by
 * temp file + fsync + rename + fsync(dir), and stack locks by flock on <stack>.lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "provisioner/state/state_backend.h"

typedef struct held_lock {
    char *stack; /* owned */
    int fd;      /* owned; closing it releases the flock */
    struct held_lock *next;
} held_lock;

typedef struct local_store {
    char *dir;        /* owned, without trailing '/' (except "/") */
    held_lock *locks; /* owned list */
} local_store;

static void (*test_hook)(const char *tmp_path);

void dp_state_local_set_test_hook(void (*fn)(const char *tmp_path)) { test_hook = fn; }

static int path_of(const local_store *ls, const char *name, char *out, size_t n, dp_err *e)
{
    int w = snprintf(out, n, "%s/%s", strcmp(ls->dir, "/") ? ls->dir : "", name);
    if (w < 0 || (size_t)w >= n) {
        dp_err_set(e, DP_E_INPUT, "state path too long: %s/%s", ls->dir, name);
        return -1;
    }
    return 0;
}

/* mkdir -p with mode 0700 for what we create; existing directories are left as they are. */
static int ensure_dir(const local_store *ls, dp_err *e)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", ls->dir) >= (int)sizeof path) {
        dp_err_set(e, DP_E_INPUT, "state directory path too long");
        return -1;
    }
    for (char *p = path + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0700) && errno != EEXIST) {
                dp_err_set(e, DP_E_IO, "cannot create state directory %s: %s", path, strerror(errno));
                return -1;
            }
            *p = saved;
        }
        if (end)
            break;
    }
    struct stat st;
    if (stat(ls->dir, &st) || !S_ISDIR(st.st_mode)) {
        dp_err_set(e, DP_E_IO, "state location %s is not a directory", ls->dir);
        return -1;
    }
    return 0;
}

/* Makes a rename/link/unlink in the directory durable. */
static int sync_dir(const local_store *ls, dp_err *e)
{
    int fd = open(ls->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd)) {
        dp_err_set(e, DP_E_IO, "cannot sync state directory %s: %s", ls->dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int read_fd(int fd, dp_buf *out)
{
    char chunk[8192];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        if (dp_buf_append(out, chunk, (size_t)n)) {
            errno = ENOMEM;
            return -1;
        }
    }
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int local_get(void *impl, const char *name, dp_buf *out, bool *found, dp_err *e)
{
    local_store *ls = impl;
    char path[4096];
    *found = false;
    if (path_of(ls, name, path, sizeof path, e))
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    if (fd < 0 || read_fd(fd, out)) {
        dp_err_set(e, DP_E_IO, "cannot read %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    *found = true;
    return 0;
}

/* Writes data to a fresh 0600 temp file next to the target (path into tmp), fsynced and closed. */
static int write_temp(local_store *ls, const char *name, const void *data, size_t len, char *tmp, size_t n,
                      dp_err *e)
{
    char base[300];
    snprintf(base, sizeof base, ".%s.XXXXXX", name); /* leading dot: never read as a state file */
    if (ensure_dir(ls, e) || path_of(ls, base, tmp, n, e))
        return -1;
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fd < 0) {
        dp_err_set(e, DP_E_IO, "cannot create a temp file in %s: %s", ls->dir, strerror(errno));
        return -1;
    }
    if (write_all(fd, data, len) || fsync(fd)) {
        dp_err_set(e, DP_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd)) {
        dp_err_set(e, DP_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (test_hook)
        test_hook(tmp);
    return 0;
}

static int local_put(void *impl, const char *name, const void *data, size_t len, dp_err *e)
{
    local_store *ls = impl;
    char tmp[4096], path[4096];
    if (path_of(ls, name, path, sizeof path, e) || write_temp(ls, name, data, len, tmp, sizeof tmp, e))
        return -1;
    if (rename(tmp, path)) {
        dp_err_set(e, DP_E_IO, "cannot replace %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return sync_dir(ls, e);
}

/* link() fails with EEXIST when the name exists, so only the first of racing creators wins,
 * and nobody ever sees a partially written file. */
static int local_create(void *impl, const char *name, const void *data, size_t len, bool *existed, dp_err *e)
{
    local_store *ls = impl;
    char tmp[4096], path[4096];
    *existed = false;
    if (path_of(ls, name, path, sizeof path, e) || write_temp(ls, name, data, len, tmp, sizeof tmp, e))
        return -1;
    int rc = link(tmp, path);
    int err = errno;
    unlink(tmp);
    if (rc && err == EEXIST) {
        *existed = true;
        return 0;
    }
    if (rc) {
        dp_err_set(e, DP_E_IO, "cannot create %s: %s", path, strerror(err));
        return -1;
    }
    return sync_dir(ls, e);
}

static int local_remove(void *impl, const char *name, dp_err *e)
{
    local_store *ls = impl;
    char path[4096];
    if (path_of(ls, name, path, sizeof path, e))
        return -1;
    if (unlink(path)) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        dp_err_set(e, DP_E_IO, "cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    return sync_dir(ls, e);
}

/* Temp files of a crashed writer (".<stack>.json.XXXXXX"); called with the lock held, when
 * no other run may be writing this stack. */
static void clean_temps(local_store *ls, const char *stack)
{
    char prefix[300];
    int plen = snprintf(prefix, sizeof prefix, ".%s.json.", stack);
    DIR *d = opendir(ls->dir);
    if (!d || plen <= 0)
        goto done;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, prefix, (size_t)plen) || strlen(de->d_name) != (size_t)plen + 6)
            continue;
        char path[4096];
        if (!path_of(ls, de->d_name, path, sizeof path, NULL))
            unlink(path);
    }
done:
    if (d)
        closedir(d);
}

static int local_lock(void *impl, const char *stack, const char *holder_json, const char *id, bool break_stale,
                      dp_buf *holder_out, bool *alive, dp_err *e)
{
    (void)id;
    (void)break_stale; /* a dead holder's flock is released by the kernel: nothing to break */
    local_store *ls = impl;
    *alive = false;
    for (held_lock *h = ls->locks; h; h = h->next)
        if (!strcmp(h->stack, stack))
            return DP_LOCK_TAKEN;
    char name[300], path[4096];
    snprintf(name, sizeof name, "%s.lock", stack);
    if (ensure_dir(ls, e) || path_of(ls, name, path, sizeof path, e))
        return -1;
    /* The lock file is never unlinked: that would let two runs flock two different inodes. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        dp_err_set(e, DP_E_IO, "cannot open lock file %s: %s", path, strerror(errno));
        return -1;
    }
    /* An empty record means the holder is between its flock and its write, or has just
     * released (it empties the record first): look again shortly, or take the lock if free. */
    for (int tries = 0;; tries++) {
        if (!flock(fd, LOCK_EX | LOCK_NB))
            break;
        if (errno != EWOULDBLOCK) {
            dp_err_set(e, DP_E_IO, "cannot lock %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        dp_buf_reset(holder_out);
        if ((lseek(fd, 0, SEEK_SET) == 0 && !read_fd(fd, holder_out) && holder_out->len) || tries >= 50) {
            close(fd);
            *alive = true;
            return DP_LOCK_HELD;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    held_lock *h = calloc(1, sizeof *h);
    size_t len = strlen(holder_json);
    if (!h || !(h->stack = strdup(stack))) {
        free(h);
        close(fd);
        dp_err_set(e, DP_E_NOMEM, "out of memory taking the lock");
        return -1;
    }
    if (ftruncate(fd, 0) || pwrite(fd, holder_json, len, 0) != (ssize_t)len) {
        dp_err_set(e, DP_E_IO, "cannot record the lock holder in %s: %s", path, strerror(errno));
        free(h->stack);
        free(h);
        close(fd);
        return -1;
    }
    h->fd = fd;
    h->next = ls->locks;
    ls->locks = h;
    clean_temps(ls, stack);
    return DP_LOCK_TAKEN;
}

static void release(held_lock *h)
{
    /* Empty the record first so a reader never blames a finished run. */
    if (ftruncate(h->fd, 0)) {
        /* nothing useful to do: the flock is released by close() anyway */
    }
    close(h->fd);
    free(h->stack);
    free(h);
}

static int local_unlock(void *impl, const char *stack, dp_err *e)
{
    (void)e;
    local_store *ls = impl;
    for (held_lock **pp = &ls->locks; *pp; pp = &(*pp)->next) {
        if (!strcmp((*pp)->stack, stack)) {
            held_lock *h = *pp;
            *pp = h->next;
            release(h);
            return 0;
        }
    }
    return 0;
}

static void local_describe(const void *impl, const char *name, char *out, size_t n)
{
    const local_store *ls = impl;
    const char *d = ls->dir;
    bool dotted = d[0] == '/' || !strcmp(d, ".") || !strncmp(d, "./", 2) || !strcmp(d, "..") || !strncmp(d, "../", 3);
    snprintf(out, n, "%s%s/%s", dotted ? "" : "./", strcmp(d, "/") ? d : "", name);
}

static void local_close(void *impl)
{
    local_store *ls = impl;
    if (!ls)
        return;
    while (ls->locks) {
        held_lock *h = ls->locks;
        ls->locks = h->next;
        release(h);
    }
    free(ls->dir);
    free(ls);
}

void *dp_state_local_open(const char *dir, dp_err *e)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (!n || n >= 3800) {
        dp_err_set(e, DP_E_USAGE, "bad state directory \"%s\"", dir);
        return NULL;
    }
    local_store *ls = calloc(1, sizeof *ls);
    if (!ls || !(ls->dir = strndup(dir, n))) {
        free(ls);
        dp_err_set(e, DP_E_NOMEM, "out of memory opening the state store");
        return NULL;
    }
    return ls;
}

const dp_state_backend dp_state_local_backend = {
    .kind = "local",
    .get = local_get,
    .put = local_put,
    .create = local_create,
    .remove = local_remove,
    .lock = local_lock,
    .unlock = local_unlock,
    .describe = local_describe,
    .close = local_close,
};
