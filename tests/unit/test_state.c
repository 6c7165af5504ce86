/* test_state.c - the local state backend: atomic writes that survive a crash, modes, serials,
 * the secret guard, flock contention between processes with its exact message, keyed hashes. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "provisioner/state/state.h"
#include "provisioner/state/state_backend.h"

static char base[64];

static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (int)(st.st_mode & 07777);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

/* Names in dir starting with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (!strncmp(de->d_name, prefix, strlen(prefix)))
            n++;
    if (d)
        closedir(d);
    return n;
}

static long serial_of(const cJSON *doc)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "serial");
    return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

static void test_paths_and_names(void)
{
    dp_err e;
    dp_err_clear(&e);
    dp_state_store *s = dp_state_open(NULL, NULL, &e);
    CHECK(s != NULL);
    CHECK_STR(dp_state_describe(s, "lab"), "./.dmsprov/lab.json");
    /* Bad names never reach the file system. */
    const char *bad[] = {"", "../x", "a/b", ".hidden", "lab.json", "a b", NULL};
    for (int i = 0; bad[i]; i++) {
        cJSON *doc = NULL;
        dp_err_clear(&e);
        CHECK_INT(dp_state_read(s, bad[i], &doc, &e), -1);
        CHECK_INT(e.kind, DP_E_USAGE);
    }
    dp_state_close(s);
    s = dp_state_open("/srv/state/", NULL, &e);
    CHECK_STR(dp_state_describe(s, "lab"), "/srv/state/lab.json");
    dp_state_close(s);
    s = dp_state_open("rel/dir", NULL, &e);
    CHECK_STR(dp_state_describe(s, "lab"), "./rel/dir/lab.json");
    dp_state_close(s);
    /* S3 needs the engine's client; unknown schemes are refused. */
    dp_err_clear(&e);
    CHECK(dp_state_open("s3://bucket/prefix", NULL, &e) == NULL);
    CHECK(e.kind != DP_OK);
    dp_err_clear(&e);
    CHECK(dp_state_open("gs://bucket/prefix", NULL, &e) == NULL);
    CHECK_INT(e.kind, DP_E_USAGE);
}

static void test_write_read(const char *dir)
{
    dp_err e;
    dp_err_clear(&e);
    dp_state_store *s = dp_state_open(dir, NULL, &e);
    CHECK(s != NULL);
    cJSON *doc = (cJSON *)1;
    CHECK_INT(dp_state_read(s, "lab", &doc, &e), 0);
    CHECK(doc == NULL);
    CHECK_INT(mode_of(dir), -1); /* reading creates nothing */

    cJSON *st = cJSON_Parse("{\"template_hash\":\"abc\",\"resources\":{\"B\":{\"type\":\"AWS::S3::Bucket\","
                            "\"physical_id\":\"b-1\",\"secret_hashes\":{\"P\":\"00ff\"}}},\"outputs\":{}}");
    CHECK_INT(dp_state_write(s, "lab", st, &e), 0);
    CHECK_INT(serial_of(st), 1); /* the caller's document carries the new serial */
    CHECK_INT(mode_of(dir), 0700);
    char path[256];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    CHECK_INT(mode_of(path), 0600);
    CHECK_INT(dp_state_write(s, "lab", st, &e), 0);
    CHECK_INT(dp_state_read(s, "lab", &doc, &e), 0);
    CHECK_INT(serial_of(doc), 2);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "stack")), "lab");
    CHECK_INT((long)cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "version")), 1);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "resources"), "B"),
                                                       "physical_id")),
              "b-1");
    /* Writing what was read bumps from the stored serial. */
    CHECK_INT(dp_state_write(s, "lab", doc, &e), 0);
    cJSON_Delete(doc);
    CHECK_INT(dp_state_read(s, "lab", &doc, &e), 0);
    CHECK_INT(serial_of(doc), 3);
    cJSON_Delete(doc);

    /* A secret value anywhere (here inside an array) is refused; nothing is written. */
    cJSON *bad = cJSON_Parse("{\"serial\":3,\"resources\":{\"Db\":{\"properties\":{\"Users\":[{\"n\":1},"
                             "{\"Password\":{\"dp:secret\":\"hunter2-value\"}}]}}}}");
    dp_err_clear(&e);
    CHECK_INT(dp_state_write(s, "lab", bad, &e), -1);
    CHECK_INT(e.kind, DP_E_INTERNAL);
    CHECK(strstr(e.message, "resources.Db.properties.Users[1].Password") != NULL);
    CHECK(strstr(e.message, "hunter2") == NULL);
    CHECK_INT(serial_of(bad), 3);
    cJSON_Delete(bad);
    bad = cJSON_Parse("{\"dp:secret\":\"top\"}");
    CHECK_INT(dp_state_write(s, "lab", bad, &e), -1);
    cJSON_Delete(bad);
    char *text = slurp(path);
    CHECK(text && !strstr(text, "hunter2") && !strstr(text, "dp:secret"));
    free(text);
    CHECK_INT(dp_state_read(s, "lab", &doc, &e), 0);
    CHECK_INT(serial_of(doc), 3);
    cJSON_Delete(doc);

    /* A damaged file is an error, not an empty state. */
    char other[256];
    snprintf(other, sizeof other, "%s/broken.json", dir);
    FILE *f = fopen(other, "w");
    if (f) {
        fputs("{\"serial\": 4, \"resou", f);
        fclose(f);
    }
    dp_err_clear(&e);
    CHECK_INT(dp_state_read(s, "broken", &doc, &e), -1);
    CHECK_INT(e.kind, DP_E_PARSE);
    CHECK(doc == NULL);

    CHECK_INT(dp_state_delete(s, "broken", &e), 0);
    CHECK_INT(dp_state_delete(s, "broken", &e), 0); /* already gone: fine */
    CHECK_INT(dp_state_read(s, "broken", &doc, &e), 0);
    CHECK(doc == NULL);
    cJSON_Delete(st);
    dp_state_close(s);
}

static void die_now(const char *tmp)
{
    (void)tmp;
    raise(SIGKILL);
}

/* A run killed after writing the temp file but before the rename leaves the old state intact;
 * its temp file is ignored by readers and cleaned by the next lock holder. */
static void test_crash_mid_write(const char *dir)
{
    dp_err e;
    dp_err_clear(&e);
    pid_t pid = fork();
    if (pid == 0) {
        dp_state_store *s = dp_state_open(dir, NULL, &e);
        cJSON *doc = cJSON_Parse("{\"serial\":3,\"template_hash\":\"NEW-HALF-WRITTEN\"}");
        dp_state_local_set_test_hook(die_now);
        dp_state_write(s, "lab", doc, &e);
        _exit(3); /* not reached: the hook kills us */
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK_INT(count_prefixed(dir, ".lab.json."), 1);
    /* The leftover is a complete 0600 file that nobody reads. */
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (!strncmp(de->d_name, ".lab.json.", 10)) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            CHECK_INT(mode_of(p), 0600);
        }
    }
    if (d)
        closedir(d);
    dp_state_store *s = dp_state_open(dir, NULL, &e);
    cJSON *doc = NULL;
    CHECK_INT(dp_state_read(s, "lab", &doc, &e), 0);
    CHECK_INT(serial_of(doc), 3);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "template_hash")), "abc");
    cJSON_Delete(doc);
    CHECK_INT(dp_state_lock(s, "lab", "apply", false, &e), 0);
    CHECK_INT(count_prefixed(dir, ".lab.json."), 0);
    CHECK_INT(dp_state_unlock(s, "lab", &e), 0);
    dp_state_close(s);
}

static void expected_holder(char *out, size_t n)
{
    struct passwd pw, *res = NULL;
    char buf[4096], host[256] = "";
    getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res);
    gethostname(host, sizeof host - 1);
    snprintf(out, n, "%s@%s", res ? res->pw_name : "?", host);
}

static bool iso8601_recent(const char *since)
{
    struct tm tm = {0};
    char z = 0;
    if (!since || strlen(since) != 20 ||
        sscanf(since, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &z) != 7 || z != 'Z')
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    time_t now = time(NULL);
    return t <= now && now - t < 60;
}

static void test_lock_contention(const char *dir)
{
    dp_err e;
    dp_err_clear(&e);
    int ready[2], go[2];
    CHECK(!pipe(ready) && !pipe(go));
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(go[1]);
        dp_state_store *s = dp_state_open(dir, NULL, &e);
        char c = dp_state_lock(s, "lab", "apply", false, &e) ? 'n' : 'y';
        if (write(ready[1], &c, 1) != 1)
            _exit(2);
        if (read(go[0], &c, 1) < 0) /* hold the lock until told (or killed) */
            _exit(2);
        dp_state_close(s); /* releases the lock */
        _exit(0);
    }
    close(ready[1]);
    close(go[0]);
    char c = 0;
    CHECK(read(ready[0], &c, 1) == 1 && c == 'y');

    dp_state_store *s = dp_state_open(dir, NULL, &e);
    char lockpath[256];
    snprintf(lockpath, sizeof lockpath, "%s/lab.lock", dir);
    CHECK_INT(mode_of(lockpath), 0600);
    char *rec = slurp(lockpath);
    cJSON *j = cJSON_Parse(rec ? rec : "");
    const char *since = cJSON_GetStringValue(cJSON_GetObjectItem(j, "since"));
    CHECK(iso8601_recent(since));
    CHECK_INT((long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "pid")), pid);

    char who[600], want[1400];
    expected_holder(who, sizeof who);
    snprintf(want, sizeof want,
             "stack \"lab\" is locked by %s (pid %ld, apply) since %s; wait for it to finish or, if that run is gone, "
             "rerun with --break-lock",
             who, (long)pid, since ? since : "?");
    dp_err_clear(&e);
    CHECK_INT(dp_state_lock(s, "lab", "plan", false, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFLICT);
    CHECK_STR(e.message, want);
    /* The holder is alive (it holds the flock): --break-lock cannot take it from a running run. */
    dp_err_clear(&e);
    CHECK_INT(dp_state_lock(s, "lab", "destroy", true, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFLICT);
    CHECK(strstr(e.message, "cannot override") != NULL);
    /* Another stack in the same directory is independent. */
    CHECK_INT(dp_state_lock(s, "other", "apply", false, &e), 0);
    CHECK_INT(dp_state_unlock(s, "other", &e), 0);

    /* The holder dies without unlocking: the kernel drops its flock, the next run proceeds. */
    kill(pid, SIGKILL);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
    dp_err_clear(&e);
    CHECK_INT(dp_state_lock(s, "lab", "apply", false, &e), 0);
    CHECK_INT(dp_state_lock(s, "lab", "apply", false, &e), 0); /* this store holds it already */
    free(rec);
    cJSON_Delete(j);
    rec = slurp(lockpath);
    j = cJSON_Parse(rec ? rec : "");
    CHECK_INT((long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "pid")), getpid());
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "holder")), who);
    /* A second store in this same process is another run: it is refused too. */
    dp_state_store *s2 = dp_state_open(dir, NULL, &e);
    dp_err_clear(&e);
    CHECK_INT(dp_state_lock(s2, "lab", "plan", false, &e), -1);
    CHECK(strstr(e.message, "(pid ") != NULL);
    /* close() releases a lock still held. */
    dp_state_close(s);
    CHECK_INT(dp_state_lock(s2, "lab", "plan", false, &e), 0);
    dp_state_close(s2);
    free(rec);
    cJSON_Delete(j);
    close(ready[0]);
    close(go[1]);

    /* A holder that unlocks normally: the lock record is emptied, the next one gets it. */
    pid = fork();
    if (pid == 0) {
        dp_state_store *c1 = dp_state_open(dir, NULL, &e);
        int rc = dp_state_lock(c1, "lab", "apply", false, &e) || dp_state_unlock(c1, "lab", &e);
        dp_state_close(c1);
        _exit(rc ? 1 : 0);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    rec = slurp(lockpath);
    CHECK(rec && rec[0] == '\0');
    free(rec);
}

static bool is_hex64(const char *h)
{
    if (strlen(h) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!strchr("0123456789abcdef", h[i]))
            return false;
    return true;
}

static void test_secret_hash(const char *dir, const char *dir2)
{
    dp_err e;
    dp_err_clear(&e);
    /* Several runs creating the key at once end up with one key. */
    int fds[2];
    CHECK(!pipe(fds));
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(fds[0]);
            dp_state_store *s = dp_state_open(dir, NULL, &e);
            char h[65];
            int rc = dp_state_secret_hash(s, "s3cr3t-Value", h, &e);
            dp_state_close(s);
            if (rc || write(fds[1], h, 64) != 64)
                _exit(1);
            _exit(0);
        }
    }
    close(fds[1]);
    char got[4][65] = {{0}};
    for (int i = 0; i < 4; i++) {
        CHECK(read(fds[0], got[i], 64) == 64);
        int status;
        CHECK(waitpid(kids[i], &status, 0) == kids[i] && WIFEXITED(status) && !WEXITSTATUS(status));
    }
    close(fds[0]);
    for (int i = 1; i < 4; i++)
        CHECK_STR(got[i], got[0]);

    dp_state_store *s = dp_state_open(dir, NULL, &e);
    char h1[65], h2[65], h3[65];
    CHECK_INT(dp_state_secret_hash(s, "s3cr3t-Value", h1, &e), 0);
    CHECK_STR(h1, got[0]);
    CHECK(is_hex64(h1));
    CHECK_INT(dp_state_secret_hash(s, "s3cr3t-Valuf", h2, &e), 0);
    CHECK(strcmp(h1, h2) != 0);
    char keypath[256];
    snprintf(keypath, sizeof keypath, "%s/.key", dir);
    CHECK_INT(mode_of(keypath), 0600);
    /* It is HMAC-SHA256 under the stored key. */
    char *keyhex = slurp(keypath);
    unsigned char key[32], mac[32];
    unsigned int len = 0;
    for (int i = 0; keyhex && i < 32; i++) {
        char pair[3] = {keyhex[2 * i], keyhex[2 * i + 1], 0};
        key[i] = (unsigned char)strtol(pair, NULL, 16);
    }
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)"s3cr3t-Value", 12, mac, &len);
    char want[65];
    for (int i = 0; i < 32; i++)
        snprintf(want + 2 * i, 3, "%02x", mac[i]);
    CHECK_STR(h1, want);
    free(keyhex);
    dp_state_close(s);
    /* Another store has another key. */
    s = dp_state_open(dir2, NULL, &e);
    CHECK_INT(dp_state_secret_hash(s, "s3cr3t-Value", h3, &e), 0);
    CHECK(strcmp(h1, h3) != 0);
    dp_state_close(s);
}

int main(void)
{
    umask(0); /* modes must not depend on the caller's umask */
    snprintf(base, sizeof base, "/tmp/dp_state_test_XXXXXX");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    char dir[128], dir2[128], cmd[256];
    snprintf(dir, sizeof dir, "%s/a/state", base);
    snprintf(dir2, sizeof dir2, "%s/b", base);
    test_paths_and_names();
    test_write_read(dir);
    test_crash_mid_write(dir);
    test_lock_contention(dir);
    test_secret_hash(dir, dir2);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", base);
    CHECK_DONE();
}
