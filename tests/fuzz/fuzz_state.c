/* fuzz_state.c - libFuzzer target: arbitrary bytes as a local state file (<dir>/<stack>.json),
 * as the state hash key (<dir>/.key) and as a lock-holder record, read the way the commands
 * read them; a state that reads back is then planned and applied against the in-memory fake
 * driver of the engine unit tests (no AWS). Must never crash, leak or trip a sanitizer;
 * unusable input must end in an error. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine_fake.h"
#include "provisioner/engine/apply.h"
#include "provisioner/engine/render.h"
#include "provisioner/state/state.h"
#include "provisioner/state/state_backend.h"
#include "provisioner/task/task_repoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The store is ".", a fresh directory entered for each input (and left after it, so that
 * libFuzzer's relative paths keep working): paths in messages are the same in every run
 * ("./fz.json"), which keeps `run.sh --ci` deterministic. */
static char dir[] = "/tmp/dp_fuzz_state_XXXXXX";
static int home_fd = -1, dir_fd = -1;

static void cleanup_dir(void)
{
    if (!fchdir(dir_fd)) {
        unlink("fz.json");
        unlink(".key");
    }
    if (fchdir(home_fd))
        return;
    rmdir(dir);
}

static int write_blob(const char *name, const uint8_t *data, size_t size)
{
    /* A fresh file each time: rewriting one in place (O_TRUNC) makes ext4 flush it on close. */
    unlink(name);
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
    return off == size ? 0 : -1;
}

/* What plan and apply do with a state document: two fake resources, B referring to A. */
static void plan_and_apply(cJSON *state)
{
    fake_reset();
    fake.seq = 0;
    fake_add("Fake", "A", "a1", "{\"Name\":\"a1\"}", true);
    dp_engine eng;
    fake_engine(&eng);
    eng.stack = "fz";
    eng.parallelism = 1; /* one worker: the same order, and coverage, every run */
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Name\":\"a1\"}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"},\"Pw\":{\"Secret\":\"s\"}}", "A", NULL);
    dp_desired d = fake_desired_view(&fd);
    dp_plan plan;
    dp_plan_init(&plan);
    dp_err e;
    dp_err_clear(&e);
    if (!dp_plan_build(&eng, &d, state, &plan, &e)) {
        dp_buf out;
        dp_buf_init(&out, 0);
        dp_render_opts ro = {.show_noop = true};
        dp_render_plan(&plan, &ro, &out);
        dp_render_plan_json(&plan, &out);
        dp_buf_cleanup(&out);
        dp_apply_opts ao = {.quiet = true};
        dp_apply_result res;
        memset(&res, 0, sizeof res);
        dp_apply_run(&eng, &plan, &d, state, &ao, &res, &e);
        dp_apply_result_cleanup(&res);
    }
    dp_plan_cleanup(&plan);
    fake_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        if (!mkdtemp(dir) || (home_fd = open(".", O_RDONLY | O_DIRECTORY)) < 0 ||
            (dir_fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
            abort();
        atexit(cleanup_dir);
        ready = true;
    }
    if (fchdir(dir_fd) || write_blob("fz.json", data, size) || write_blob(".key", data, size))
        abort();
    dp_err e;
    dp_err_clear(&e);
    dp_state_store *s = dp_state_open(".", NULL, &e);
    if (!s)
        abort();
    cJSON *state = NULL;
    if (!dp_state_read(s, "fz", &state, &e)) {
        if (!state)
            abort(); /* the file exists: either a document or an error */
        cJSON *copy = cJSON_Duplicate(state, true);
        dp_task_repoint_doc(copy, "a1", "a2");
        cJSON_Delete(copy);
        plan_and_apply(state);
        cJSON_Delete(state);
    } else if (!e.message[0]) {
        abort(); /* an error always says why */
    }
    char hash[65];
    dp_state_secret_hash(s, "value", hash, &e);
    dp_state_close(s);
    unlink("fz.json"); /* nothing left behind when the run is killed */
    unlink(".key");
    if (fchdir(home_fd))
        abort();

    /* The lock-holder record, as read back from <stack>.lock or the S3 lock object. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    dp_buf msg;
    dp_buf_init(&msg, 0);
    dp_lock_info_message(&msg, "fz", text, size & 1);
    dp_lock_info_is(text, "0123456789abcdef0123456789abcdef");
    dp_buf_cleanup(&msg);
    free(text);
    return 0;
}
